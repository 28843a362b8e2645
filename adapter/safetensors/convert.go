package safetensors

import (
	"encoding/binary"
	"math"

	"github.com/strider-go/strider/adapter"
)

// decode converts the little-endian elements of dtype in b into dst, which
// holds exactly len(b)/itemsize elements. The byte order is explicit, so
// decode is right on any host.
func decode[T adapter.Float](dst []T, b []byte, dtype string) {
	le := binary.LittleEndian
	switch dtype {
	case "F64":
		for k := range dst {
			dst[k] = T(math.Float64frombits(le.Uint64(b[8*k:])))
		}
	case "F32":
		for k := range dst {
			dst[k] = T(math.Float32frombits(le.Uint32(b[4*k:])))
		}
	case "F16":
		for k := range dst {
			dst[k] = T(halfToFloat32(le.Uint16(b[2*k:])))
		}
	case "BF16":
		// bfloat16 is the top half of a float32.
		for k := range dst {
			dst[k] = T(math.Float32frombits(uint32(le.Uint16(b[2*k:])) << 16))
		}
	case "I64":
		for k := range dst {
			dst[k] = T(int64(le.Uint64(b[8*k:])))
		}
	case "I32":
		for k := range dst {
			dst[k] = T(int32(le.Uint32(b[4*k:])))
		}
	case "I16":
		for k := range dst {
			dst[k] = T(int16(le.Uint16(b[2*k:])))
		}
	case "I8":
		for k := range dst {
			dst[k] = T(int8(b[k]))
		}
	case "U64":
		for k := range dst {
			dst[k] = T(le.Uint64(b[8*k:]))
		}
	case "U32":
		for k := range dst {
			dst[k] = T(le.Uint32(b[4*k:]))
		}
	case "U16":
		for k := range dst {
			dst[k] = T(le.Uint16(b[2*k:]))
		}
	case "U8":
		for k := range dst {
			dst[k] = T(b[k])
		}
	case "BOOL":
		for k := range dst {
			if b[k] != 0 {
				dst[k] = 1
			} else {
				dst[k] = 0
			}
		}
	default:
		panic("safetensors: decode called for " + dtype) // callers check the dtype
	}
}

// halfToFloat32 returns the IEEE 754 binary16 value h as a float32, which
// holds every half exactly: sign, 5 exponent bits (bias 15), 10 mantissa
// bits.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch exp {
	case 0x1f: // infinity, or NaN with its payload
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case 0: // zero or subnormal: man·2⁻²⁴, exact in float32
		f := float32(man) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}
