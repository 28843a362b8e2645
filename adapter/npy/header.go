package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/strider-go/strider/internal/bounds"
)

// The header is read and written here rather than by
// codeberg.org/sbinet/npyio/npy, whose Reader cannot read untrusted files
// safely (v0.14.0): it allocates the header length a file claims before
// checking it (a 12-byte file can demand 4 GiB), panics with a slice bound
// out of range on a header without a newline, on keys in another order and
// on a truncated header, accepts negative dimensions, keeps the quotes in
// the dtype, rejects format 3.0, does not report where the data starts (the
// mmap offset), and its Read unpickles object arrays. Its writer always
// writes fortran_order False and is unexported. The tests use npyio as an
// independent reader of valid files and as the benchmark's baseline.

// magic starts every .npy file.
const magic = "\x93NUMPY"

// MaxHeaderLen is the longest header dictionary Open accepts, in bytes.
// NumPy's own reader refuses headers over 10000 bytes unless told to trust
// the file; this bound keeps a file from making Open allocate what its
// header length claims.
const MaxHeaderLen = 1 << 16

// MaxDims is the largest number of dimensions Open accepts (NumPy 2's
// limit; NumPy 1 allowed 32).
const MaxDims = 64

// Header is what a .npy header says about the array that follows it.
type Header struct {
	// Major and Minor are the format version: 1.0, 2.0 or 3.0.
	Major, Minor int
	// Dtype is the element type as NumPy's dtype.str spells it: a byte
	// order ('<' little-endian, '>' big-endian, '|' for 1-byte types), a
	// kind (b bool, i signed and u unsigned integer, f float, c complex)
	// and the item size in bytes: "<f8", ">f4", "|u1", "<i4", "<c16".
	// Descriptors NumPy reads as native ("=f8", "|f8", "f8", "d",
	// "float64", "<u1") are reported as dtype.str spells them, with the
	// host's byte order, as np.load does.
	Dtype string
	// FortranOrder is true when the data is stored column-major (the first
	// index varies fastest).
	FortranOrder bool
	// Shape holds the dimensions; an empty Shape is a 0-d array (a
	// scalar). Dimensions may be zero.
	Shape []int
	// DataOffset is the byte offset of the first element from the start
	// of the file.
	DataOffset int64
}

// ItemSize returns the size of one element in bytes, the number at the end
// of Dtype (16 for "<c16"), or 0 for a Dtype this package does not read.
func (h Header) ItemSize() int {
	d, _ := dtypeOf(h.Dtype)
	return d.size
}

// bigEndian reports whether the data is stored big-endian.
func (h Header) bigEndian() bool { return len(h.Dtype) > 0 && h.Dtype[0] == '>' }

// count returns the number of elements. decodeHeader has checked that it,
// times the item size, does not overflow.
func (h Header) count() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// decodeHeader reads and checks the header of the .npy file r of size bytes,
// and checks that exactly the data it describes follows it. It allocates at
// most MaxHeaderLen bytes whatever the file claims, and returns an error
// wrapping ErrMagic, ErrVersion, ErrHeader, ErrDtype, ErrTruncated or ErrSize
// for a file it rejects, never a panic.
func decodeHeader(r io.ReaderAt, size int64) (Header, error) {
	var pre [12]byte
	n, err := r.ReadAt(pre[:min(max(size, 0), int64(len(pre)))], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Header{}, err
	}
	if m := min(n, len(magic)); string(pre[:m]) != magic[:m] {
		return Header{}, fmt.Errorf("%w: starts with %q", ErrMagic, pre[:m])
	}
	if n < len(magic)+2 {
		return Header{}, fmt.Errorf("%w: %d bytes, too short for the magic and version", ErrTruncated, n)
	}
	h := Header{Major: int(pre[6]), Minor: int(pre[7])}
	var plen int // bytes before the header dictionary
	switch {
	case h.Minor != 0:
		return Header{}, fmt.Errorf("%w: %d.%d", ErrVersion, h.Major, h.Minor)
	case h.Major == 1:
		plen = 10
	case h.Major == 2 || h.Major == 3:
		plen = 12
	default:
		return Header{}, fmt.Errorf("%w: %d.%d", ErrVersion, h.Major, h.Minor)
	}
	if n < plen {
		return Header{}, fmt.Errorf("%w: %d bytes, too short for the header length", ErrTruncated, n)
	}
	var hlen int64
	if plen == 10 {
		hlen = int64(binary.LittleEndian.Uint16(pre[8:]))
	} else {
		hlen = int64(binary.LittleEndian.Uint32(pre[8:]))
	}
	if hlen > MaxHeaderLen {
		return Header{}, fmt.Errorf("%w: header length %d exceeds MaxHeaderLen %d", ErrHeader, hlen, MaxHeaderLen)
	}
	if rest := size - int64(plen); hlen > rest {
		return Header{}, fmt.Errorf("%w: header length %d, only %d bytes follow", ErrTruncated, hlen, rest)
	}
	buf := make([]byte, hlen)
	if m, err := r.ReadAt(buf, int64(plen)); m < len(buf) {
		if err == nil || errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: read %d of %d header bytes", ErrTruncated, m, len(buf))
		}
		return Header{}, err
	}
	h.DataOffset = int64(plen) + hlen
	if err := h.parseDict(buf); err != nil {
		return Header{}, err
	}

	// As NumPy does, require the nonzero dimensions' bytes to fit an int
	// even when another dimension is zero, so no stride overflows. Then the
	// shape must describe exactly the bytes that follow the header.
	nbytes, empty := h.ItemSize(), false
	for _, d := range h.Shape {
		if d == 0 {
			empty = true
			continue
		}
		var ok bool
		if nbytes, ok = bounds.Mul(nbytes, d); !ok {
			return Header{}, fmt.Errorf("%w: shape %v of %s needs more than %d bytes", ErrSize, h.Shape, h.Dtype, maxInt)
		}
	}
	if empty {
		nbytes = 0
	}
	switch rest := size - h.DataOffset; {
	case int64(nbytes) > rest:
		return Header{}, fmt.Errorf("%w: shape %v of %s needs %d data bytes, the file has %d", ErrTruncated, h.Shape, h.Dtype, nbytes, rest)
	case int64(nbytes) < rest:
		return Header{}, fmt.Errorf("%w: shape %v of %s needs %d data bytes, the file has %d", ErrSize, h.Shape, h.Dtype, nbytes, rest)
	}
	return h, nil
}

const maxInt = int(^uint(0) >> 1)

// parseDict fills h from the header dictionary, a Python literal such as
//
//	{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
//
// followed by padding. It accepts what NumPy's reader accepts (any key
// order, either quote, Python 2's 3L integers in formats 1.0 and 2.0) and
// requires exactly the three keys, as NumPy does.
func (h *Header) parseDict(b []byte) error {
	p := parser{b: b, longInts: h.Major < 3}
	d, err := p.value(0)
	if err == nil {
		p.space()
		if p.i < len(p.b) {
			err = p.errorf("unexpected %q after the dictionary", p.b[p.i])
		}
	}
	if err != nil {
		return err
	}
	if d.kind != kDict {
		return fmt.Errorf("%w: a %s, not a dictionary", ErrHeader, d.kind)
	}
	var descr, order, shape *value
	for k := range d.elems {
		key := d.elems[k].key
		var dst **value
		switch string(key) {
		case "descr":
			dst = &descr
		case "fortran_order":
			dst = &order
		case "shape":
			dst = &shape
		default:
			return fmt.Errorf("%w: unexpected key %q", ErrHeader, key)
		}
		if *dst != nil {
			return fmt.Errorf("%w: repeated key %q", ErrHeader, key)
		}
		*dst = &d.elems[k]
	}
	switch {
	case descr == nil:
		return fmt.Errorf("%w: no 'descr' key", ErrHeader)
	case order == nil:
		return fmt.Errorf("%w: no 'fortran_order' key", ErrHeader)
	case shape == nil:
		return fmt.Errorf("%w: no 'shape' key", ErrHeader)
	}

	switch descr.kind {
	case kStr:
		dt, err := parseDtype(descr.s)
		if err != nil {
			return err
		}
		h.Dtype = dt
	case kList:
		return fmt.Errorf("%w: a structured dtype (a list of fields)", ErrDtype)
	default:
		return fmt.Errorf("%w: 'descr' is a %s, not a string", ErrDtype, descr.kind)
	}

	if order.kind != kBool {
		return fmt.Errorf("%w: 'fortran_order' is a %s, not True or False", ErrHeader, order.kind)
	}
	h.FortranOrder = order.b

	if shape.kind != kTuple {
		return fmt.Errorf("%w: 'shape' is a %s, not a tuple", ErrHeader, shape.kind)
	}
	if len(shape.elems) > MaxDims {
		return fmt.Errorf("%w: %d dimensions, more than MaxDims %d", ErrHeader, len(shape.elems), MaxDims)
	}
	h.Shape = make([]int, len(shape.elems))
	for k, e := range shape.elems {
		switch {
		case e.kind != kInt:
			return fmt.Errorf("%w: dimension %d is a %s, not an integer", ErrHeader, k, e.kind)
		case e.big:
			return fmt.Errorf("%w: dimension %d (%s) does not fit an int", ErrSize, k, e.s)
		case e.n < 0:
			return fmt.Errorf("%w: negative dimension %d in shape %v", ErrHeader, e.n, shape)
		}
		h.Shape[k] = e.n
	}
	return nil
}

// Kinds of Python literal in a header.
type kind uint8

const (
	kStr kind = iota
	kInt
	kBool
	kNone
	kTuple
	kList
	kDict
)

func (k kind) String() string {
	return [...]string{"string", "integer", "bool", "None", "tuple", "list", "dictionary"}[k]
}

// value is a parsed Python literal. The elements of a dictionary are its
// values, each with its key, which must be a string. Byte slices alias the
// header unless a string had escapes, so parsing allocates little.
type value struct {
	kind  kind
	key   []byte // a dictionary element's key
	s     []byte // a string's contents; an integer's text
	n     int    // an integer
	big   bool   // the integer does not fit an int
	b     bool
	elems []value
}

func (v *value) String() string {
	switch v.kind {
	case kStr:
		return strconv.Quote(string(v.s))
	case kInt:
		return string(v.s)
	case kTuple:
		s := "("
		for k := range v.elems {
			if k > 0 {
				s += ", "
			}
			s += v.elems[k].String()
		}
		if len(v.elems) == 1 {
			s += ","
		}
		return s + ")"
	}
	return v.kind.String()
}

// maxDepth bounds the nesting of literals, so a header of brackets cannot
// exhaust the stack.
const maxDepth = 16

// parser reads the subset of Python literals that NumPy's safe_eval accepts
// in headers: strings, integers, True, False, None, tuples, lists and
// dictionaries with string keys.
type parser struct {
	b        []byte
	i        int
	longInts bool // accept Python 2's 3L
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: byte %d: %s", ErrHeader, p.i, fmt.Sprintf(format, args...))
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	p.space()
	if p.i == len(p.b) {
		return 0
	}
	return p.b[p.i]
}

func (p *parser) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, p.errorf("literals nested deeper than %d", maxDepth)
	}
	c := p.peek()
	switch {
	case c == 0:
		return value{}, p.errorf("unexpected end of header")
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || '0' <= c && c <= '9':
		return p.int()
	case c == '(':
		return p.seq(kTuple, ')', depth)
	case c == '[':
		return p.seq(kList, ']', depth)
	case c == '{':
		return p.seq(kDict, '}', depth)
	}
	start := p.i
	for p.i < len(p.b) && ('a' <= p.b[p.i] && p.b[p.i] <= 'z' || 'A' <= p.b[p.i] && p.b[p.i] <= 'Z') {
		p.i++
	}
	switch string(p.b[start:p.i]) {
	case "True":
		return value{kind: kBool, b: true}, nil
	case "False":
		return value{kind: kBool}, nil
	case "None":
		return value{kind: kNone}, nil
	}
	p.i = start
	return value{}, p.errorf("unexpected %q", c)
}

// str parses a quoted string. Its contents alias the header unless it has
// escapes; only those of quotes and backslashes, which Python reads as the
// escaped byte, are accepted (no header NumPy writes has any).
func (p *parser) str() (value, error) {
	q := p.b[p.i]
	p.i++
	start := p.i
	var s []byte
	escaped := false
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		switch c {
		case q:
			if !escaped {
				s = p.b[start : p.i-1]
			}
			return value{kind: kStr, s: s}, nil
		case '\\':
			if p.i == len(p.b) {
				return value{}, p.errorf("unterminated string")
			}
			if !escaped {
				s = append([]byte(nil), p.b[start:p.i-1]...)
				escaped = true
			}
			c = p.b[p.i]
			if c != '\\' && c != '\'' && c != '"' {
				return value{}, p.errorf("escape \\%c in a string", c)
			}
			p.i++
		case '\n':
			return value{}, p.errorf("newline in a string")
		}
		if escaped {
			s = append(s, c)
		}
	}
	return value{}, p.errorf("unterminated string")
}

func (p *parser) int() (value, error) {
	start := p.i
	neg := false
	if c := p.b[p.i]; c == '-' || c == '+' {
		neg = c == '-'
		p.i++
		p.space()
	}
	d0 := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == d0 {
		return value{}, p.errorf("a sign without digits")
	}
	digits := p.b[d0:p.i]
	if digits[0] == '0' && len(bytes.Trim(digits, "0")) > 0 {
		return value{}, p.errorf("integer %s with a leading zero", digits)
	}
	if p.longInts && p.i < len(p.b) && (p.b[p.i] == 'L' || p.b[p.i] == 'l') {
		p.i++
	}
	v := value{kind: kInt, s: p.b[start:p.i]}
	for _, d := range digits {
		if v.n > (maxInt-int(d-'0'))/10 {
			v.big = true
			return v, nil
		}
		v.n = 10*v.n + int(d-'0')
	}
	if neg {
		v.n = -v.n
	}
	return v, nil
}

// seq parses a tuple, list or dictionary: elements separated by commas, with
// an optional trailing comma. A parenthesised single value without a comma
// is that value, as in Python.
func (p *parser) seq(k kind, end byte, depth int) (value, error) {
	p.i++ // the opening bracket
	v := value{kind: k, elems: make([]value, 0, 4)}
	comma := false
	for {
		if p.peek() == end {
			p.i++
			break
		}
		if len(v.elems) > 0 && !comma {
			return value{}, p.errorf("expected ',' or %q", end)
		}
		var key value
		if k == kDict {
			var err error
			key, err = p.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			if key.kind != kStr {
				return value{}, p.errorf("a %s as a dictionary key", key.kind)
			}
			if p.peek() != ':' {
				return value{}, p.errorf("expected ':' after key %q", key.s)
			}
			p.i++
		}
		e, err := p.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		if k == kDict {
			e.key = key.s
		}
		v.elems = append(v.elems, e)
		comma = p.peek() == ','
		if comma {
			p.i++
		}
	}
	if k == kTuple && len(v.elems) == 1 && !comma {
		return v.elems[0], nil
	}
	return v, nil
}

// appendHeader appends the header NumPy 1.24 writes for an array of the
// given dtype, order and shape: format 1.0 (2.0 if the dictionary is too
// long for it), keys in sorted order, spare spaces so the growth axis can be
// rewritten in place, and padding that puts the data at a multiple of 64
// bytes, so an mmap of the file is aligned for any element type.
func appendHeader(dst []byte, dtype string, fortran bool, shape []int) []byte {
	const align = 64
	d := make([]byte, 0, 128)
	d = append(d, "{'descr': '"...)
	d = append(d, dtype...)
	d = append(d, "', 'fortran_order': "...)
	if fortran {
		d = append(d, "True"...)
	} else {
		d = append(d, "False"...)
	}
	d = append(d, ", 'shape': ("...)
	for k, n := range shape {
		if k > 0 {
			d = append(d, ", "...)
		}
		d = strconv.AppendInt(d, int64(n), 10)
	}
	if len(shape) == 1 {
		d = append(d, ',')
	}
	d = append(d, "), }"...)
	if len(shape) > 0 {
		grow := shape[0]
		if fortran {
			grow = shape[len(shape)-1]
		}
		const growthAxisMaxDigits = 21
		d = append(d, bytes.Repeat([]byte{' '}, max(0, growthAxisMaxDigits-len(strconv.Itoa(grow))))...)
	}
	hlen := len(d) + 1 // the newline
	plen := 10
	pad := align - (plen+hlen)%align
	if hlen+pad > 1<<16-1 {
		plen = 12
		pad = align - (plen+hlen)%align
	}
	dst = append(dst, magic...)
	if plen == 10 {
		dst = append(dst, 1, 0)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(hlen+pad))
	} else {
		dst = append(dst, 2, 0)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(hlen+pad))
	}
	dst = append(dst, d...)
	dst = append(dst, bytes.Repeat([]byte{' '}, pad)...)
	return append(dst, '\n')
}
