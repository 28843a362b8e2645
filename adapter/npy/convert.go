package npy

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
)

// Convert copies the data of any real dtype (bool, int8-64, uint8-64,
// float16, float32, float64) into fresh Go memory of type T, and returns it
// as an adapter.Array in the file's order: the same Shape and Strides as
// Get would give, Offset 0. Convert always copies, even when the file
// already holds T (use Get for a zero-copy view); the result is
// independent of the File and stays valid after Close. Booleans become 0
// and 1, integers the nearest T (exact up to 2⁵³ for float64, 2²⁴ for
// float32), float16 its exact value.
//
// Complex data has no real value: Convert returns an error wrapping
// ErrDtype that says to read it with Data[complex64] or Data[complex128]
// and take real and imag. It also returns ErrClosed after Close.
func Convert[T adapter.Float](f *File) (adapter.Array[T], error) {
	if f.closed {
		return adapter.Array[T]{}, ErrClosed
	}
	if f.dt.kind == 'c' {
		return adapter.Array[T]{}, fmt.Errorf("%w: the file holds %s (%s), which Convert cannot make real: use Data[%s] and take real and imag",
			ErrDtype, f.h.Dtype, f.dt.goName(), f.dt.goName())
	}
	shape, strides := f.strides()
	dst := make([]T, f.h.count()) // decodeHeader checked the count against the file's size
	b := f.data
	switch f.dt {
	case dtype{'b', 1}:
		for k, v := range view[bool](b) {
			if v {
				dst[k] = 1
			}
		}
	case dtype{'i', 1}:
		convertTo(dst, view[int8](b))
	case dtype{'i', 2}:
		convertTo(dst, view[int16](b))
	case dtype{'i', 4}:
		convertTo(dst, view[int32](b))
	case dtype{'i', 8}:
		convertTo(dst, view[int64](b))
	case dtype{'u', 1}:
		convertTo(dst, view[uint8](b))
	case dtype{'u', 2}:
		convertTo(dst, view[uint16](b))
	case dtype{'u', 4}:
		convertTo(dst, view[uint32](b))
	case dtype{'u', 8}:
		convertTo(dst, view[uint64](b))
	case dtype{'f', 2}:
		for k, v := range view[Float16](b) {
			dst[k] = T(v.Float32())
		}
	case dtype{'f', 4}:
		convertTo(dst, view[float32](b))
	case dtype{'f', 8}:
		convertTo(dst, view[float64](b))
	}
	return adapter.Array[T]{Data: dst, Shape: shape, Strides: strides}, nil
}

// convertTo converts src into dst, element by element.
func convertTo[T adapter.Float, S int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](dst []T, src []S) {
	dst = dst[:len(src)]
	for k, v := range src {
		dst[k] = T(v)
	}
}
