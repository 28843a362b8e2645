package npy

import (
	"fmt"
	"strconv"
	"unsafe"

	"github.com/strider-go/strider/internal/half"
)

// Float16 is an IEEE 754 half-precision value as stored (its bits), the
// element of a NumPy float16 ("<f2") array; Float32 converts it.
type Float16 uint16

// Float32 returns h as a float32, which holds every float16 exactly
// (infinities, subnormals and -0 included; a NaN keeps its sign and
// payload, as NumPy's astype(np.float32) does).
func (h Float16) Float32() float32 { return half.Float16ToFloat32(uint16(h)) }

// Elem is every element type a .npy file can hold here, with the NumPy
// dtype it reads and writes:
//
//	bool  |b1     int8  |i1    uint8  |u1    Float16    f2    complex64  c8
//	                    int16  i2    uint16  u2    float32    f4    complex128 c16
//	                    int32  i4    uint32  u4    float64    f8
//	                    int64  i8    uint64  u8
//
// Multi-byte types are read in either byte order ('<' little-endian, '>'
// big-endian); 1-byte types have none ('|').
type Elem interface {
	bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | Float16 | float32 | float64 | complex64 | complex128
}

// dtype is a supported element type: its kind ('b', 'i', 'u', 'f' or 'c',
// NumPy's dtype.kind) and its size in bytes.
type dtype struct {
	kind byte
	size int
}

// dtypeOf returns the dtype of a canonical dtype.str ("<i4", "|u1").
func dtypeOf(s string) (dtype, bool) {
	if len(s) < 3 {
		return dtype{}, false
	}
	n, err := strconv.Atoi(s[2:])
	if err != nil {
		return dtype{}, false
	}
	d := dtype{kind: s[1], size: n}
	return d, d.valid()
}

func (d dtype) valid() bool {
	switch d.kind {
	case 'b':
		return d.size == 1
	case 'i', 'u':
		return d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8
	case 'f':
		return d.size == 2 || d.size == 4 || d.size == 8
	case 'c':
		return d.size == 8 || d.size == 16
	}
	return false
}

// align is the alignment Go requires of the element type in memory.
func (d dtype) align() int {
	if d.kind == 'c' {
		return d.size / 2
	}
	return d.size
}

// swapSize is the size of the units whose bytes a byte order reverses: the
// item, or each part of a complex number.
func (d dtype) swapSize() int { return d.align() }

// goName is the Go element type of d.
func (d dtype) goName() string {
	switch d.kind {
	case 'b':
		return "bool"
	case 'i':
		return "int" + strconv.Itoa(8*d.size)
	case 'u':
		return "uint" + strconv.Itoa(8*d.size)
	case 'f':
		if d.size == 2 {
			return "Float16"
		}
		return "float" + strconv.Itoa(8*d.size)
	}
	return "complex" + strconv.Itoa(8*d.size)
}

// str returns NumPy's dtype.str of d in the host's byte order.
func (d dtype) str() string {
	bo := byte('|')
	if d.size > 1 && d.kind != 'b' {
		bo = hostOrder
	}
	return string([]byte{bo, d.kind}) + strconv.Itoa(d.size)
}

// hostOrder is the host's byte order as NumPy spells it.
var hostOrder = func() byte {
	if littleEndian {
		return '<'
	}
	return '>'
}()

// dtypeFor returns the dtype of the Go element type T.
func dtypeFor[T Elem]() dtype {
	var zero T
	switch any(zero).(type) {
	case bool:
		return dtype{'b', 1}
	case int8, int16, int32, int64:
		return dtype{'i', int(unsafe.Sizeof(zero))}
	case uint8, uint16, uint32, uint64:
		return dtype{'u', int(unsafe.Sizeof(zero))}
	case Float16, float32, float64:
		return dtype{'f', int(unsafe.Sizeof(zero))}
	}
	return dtype{'c', int(unsafe.Sizeof(zero))}
}

// charCodes are NumPy's one-character type codes of the supported types
// whose size does not depend on the platform ('l' and 'L' do).
var charCodes = map[string]dtype{
	"?": {'b', 1}, "b": {'i', 1}, "B": {'u', 1}, "h": {'i', 2}, "H": {'u', 2},
	"i": {'i', 4}, "I": {'u', 4}, "q": {'i', 8}, "Q": {'u', 8},
	"e": {'f', 2}, "f": {'f', 4}, "d": {'f', 8}, "F": {'c', 8}, "D": {'c', 16},
}

// typeNames are NumPy's names of the supported types, which it reads only
// without a byte order.
var typeNames = map[string]dtype{
	"bool": {'b', 1}, "int8": {'i', 1}, "int16": {'i', 2}, "int32": {'i', 4}, "int64": {'i', 8},
	"uint8": {'u', 1}, "uint16": {'u', 2}, "uint32": {'u', 4}, "uint64": {'u', 8},
	"float16": {'f', 2}, "float32": {'f', 4}, "float64": {'f', 8},
	"complex64": {'c', 8}, "complex128": {'c', 16},
}

// unsupportedKinds names the NumPy kinds strider does not read.
var unsupportedKinds = map[byte]string{
	'O': "an object array, stored as a pickle, which strider never unpickles",
	'U': "a Unicode string array", 'S': "a byte string array", 'a': "a byte string array",
	'V': "a void (raw bytes or structured) array", 'M': "a datetime64 array", 'm': "a timedelta64 array",
}

// parseDtype returns NumPy's dtype.str for a descriptor of a supported
// type: "<i4", ">c16", "|u1". Native and not-applicable byte orders ('=',
// '|', none) are resolved to the host's, as np.load does, and 1-byte types
// get '|' whatever order they were written with. Anything else is an error
// wrapping ErrDtype that names the descriptor.
func parseDtype(s []byte) (string, error) {
	var bo byte
	t := string(s)
	if len(t) > 0 && (t[0] == '<' || t[0] == '>' || t[0] == '=' || t[0] == '|') {
		bo, t = t[0], t[1:]
	}
	d, ok := charCodes[t]
	if !ok && bo == 0 {
		d, ok = typeNames[t]
	}
	if !ok && len(t) >= 2 && t[1] >= '1' && t[1] <= '9' {
		if n, err := strconv.Atoi(t[1:]); err == nil {
			d = dtype{kind: t[0], size: n}
			ok = d.valid()
		}
	}
	if !ok {
		if len(t) > 0 {
			if why, bad := unsupportedKinds[t[0]]; bad {
				return "", fmt.Errorf("%w: %q is %s", ErrDtype, s, why)
			}
		}
		return "", fmt.Errorf("%w: %q (strider reads bool, int8-64, uint8-64, float16/32/64 and complex64/128)", ErrDtype, s)
	}
	if d.size == 1 {
		bo = '|'
	} else if bo != '<' && bo != '>' {
		bo = hostOrder
	}
	return string([]byte{bo, d.kind}) + strconv.Itoa(d.size), nil
}
