// Package half converts the 16-bit floating-point formats that NumPy
// (float16) and machine-learning checkpoints (float16, bfloat16) store to
// float32, which holds every value of both exactly.
//
//	float16 (IEEE 754 binary16): sign | 5 exponent bits, bias 15  | 10 mantissa bits
//	bfloat16:                    sign | 8 exponent bits, bias 127 |  7 mantissa bits
//
// NaNs keep their sign and payload (shifted into float32's mantissa), as
// NumPy's conversion does.
package half

import "math"

// Float16ToFloat32 returns the IEEE 754 binary16 value with bits h as a
// float32: exactly, including infinities, subnormals and -0; a NaN keeps
// its sign and payload.
func Float16ToFloat32(h uint16) float32 {
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

// BFloat16ToFloat32 returns the bfloat16 value with bits b as a float32.
// A bfloat16 is the upper half of a float32, so this is exact for every
// bit pattern.
func BFloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}
