package safetensors

import (
	"encoding/binary"
	"math"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/half"
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
			dst[k] = T(half.Float16ToFloat32(le.Uint16(b[2*k:])))
		}
	case "BF16":
		for k := range dst {
			dst[k] = T(half.BFloat16ToFloat32(le.Uint16(b[2*k:])))
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
