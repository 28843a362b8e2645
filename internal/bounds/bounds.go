// Package bounds holds the overflow-checked index arithmetic and the error
// values shared by strider's wrappers. It is the one place where the extent of
// a strided layout is computed, so every package agrees on what "in bounds"
// means.
package bounds

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Errors returned for layouts that arrive from outside the program. Each
// package re-exports them, so errors.Is works across strider.
var (
	ErrDims        = errors.New("strider: non-positive dimension")
	ErrLeadingDim  = errors.New("strider: leading dimension too small")
	ErrOutOfBounds = errors.New("strider: layout reaches outside the buffer")
	ErrOverflow    = errors.New("strider: layout arithmetic overflows int")
	ErrMisaligned  = errors.New("strider: byte stride or offset not a multiple of the item size")
	ErrRank        = errors.New("strider: wrong number of dimensions")
	ErrShape       = errors.New("strider: shapes do not match")
	ErrItemSize    = errors.New("strider: non-positive item size")
)

// Mul returns a*b and whether it did not overflow int.
func Mul(a, b int) (int, bool) {
	// |a|, |b| < small: |a*b| < 2^(UintSize-2), no overflow, no division.
	const small = 1 << (bits.UintSize/2 - 1)
	if -small < a && a < small && -small < b && b < small {
		return a * b, true
	}
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		return 0, false
	}
	return p, true
}

// Add returns a+b and whether it did not overflow int.
func Add(a, b int) (int, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// Extent returns the smallest and largest element offsets reached by a 2-D
// layout with r rows and c columns (both positive):
//
//	lo = off + Σ min(0, (n-1)*stride),  hi = off + Σ max(0, (n-1)*stride)
//
// It returns ErrOverflow if any step overflows int.
func Extent(r, c, rs, cs, off int) (lo, hi int, err error) {
	lo, hi = off, off
	for _, d := range [2][2]int{{r, rs}, {c, cs}} {
		span, ok := Mul(d[0]-1, d[1])
		if !ok {
			return 0, 0, fmt.Errorf("%w: (%d-1)*stride %d", ErrOverflow, d[0], d[1])
		}
		if span < 0 {
			lo, ok = Add(lo, span)
		} else {
			hi, ok = Add(hi, span)
		}
		if !ok {
			return 0, 0, fmt.Errorf("%w: offset %d plus span %d", ErrOverflow, off, span)
		}
	}
	return lo, hi, nil
}

// Strided reports whether the r×c layout with strides rs, cs and offset off
// lies wholly inside a buffer of n elements.
func Strided(n, r, c, rs, cs, off int) error {
	if r <= 0 || c <= 0 {
		return fmt.Errorf("%w: %d×%d", ErrDims, r, c)
	}
	lo, hi, err := Extent(r, c, rs, cs, off)
	if err != nil {
		return err
	}
	if lo < 0 {
		return fmt.Errorf("%w: element offset %d is before the start (offset %d, strides (%d, %d))", ErrOutOfBounds, lo, off, rs, cs)
	}
	if hi >= n {
		return fmt.Errorf("%w: element offset %d needs %d elements, buffer has %d", ErrOutOfBounds, hi, hi+1, n)
	}
	return nil
}

// Dense reports whether an r×c matrix whose inner dimension is inner (c for
// row-major, r for column-major) and outer dimension outer, with leading
// dimension ld, fits in a buffer of n elements: (outer-1)*ld + inner <= n.
// what names the order in messages ("row", "column").
func Dense(n, outer, inner, ld int, what string) error {
	if outer <= 0 || inner <= 0 {
		return fmt.Errorf("%w: %d %ss of %d", ErrDims, outer, what, inner)
	}
	if ld < inner {
		return fmt.Errorf("%w: ld %d < %d elements per %s", ErrLeadingDim, ld, inner, what)
	}
	need, ok := Mul(outer-1, ld)
	if ok {
		need, ok = Add(need, inner)
	}
	if !ok {
		return fmt.Errorf("%w: (%d-1)*ld %d + %d", ErrOverflow, outer, ld, inner)
	}
	if need > n {
		return fmt.Errorf("%w: %d %ss of %d with ld %d need %d elements, buffer has %d", ErrOutOfBounds, outer, what, inner, ld, need, n)
	}
	return nil
}

// Aliased reports whether two distinct elements of an r×c layout with
// strides rs, cs share an address. Writing through such a layout is
// ill-defined. Exact for 2-D: with g = gcd(|rs|, |cs|), the smallest nonzero
// (di, dj) with di*rs == ±dj*cs is (|cs|/g, |rs|/g).
func Aliased(r, c, rs, cs int) bool {
	if r <= 0 || c <= 0 {
		return false
	}
	if r > 1 && rs == 0 || c > 1 && cs == 0 {
		return true
	}
	if r == 1 || c == 1 {
		return false
	}
	a, b := abs(rs), abs(cs)
	g := gcd(a, b)
	return b/g < r && a/g < c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
