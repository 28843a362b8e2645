package bounds

import (
	"fmt"
	"math"
	"slices"
)

// ExtentN returns the smallest and largest element offsets reached by an
// N-d layout whose dimensions are all positive:
//
//	lo = off + Σ min(0, (n_k-1)*stride_k),  hi = off + Σ max(0, …)
//
// It returns ErrOverflow if any step overflows int. The caller checks the
// dimensions; a zero dimension reaches nothing, so has no extent.
func ExtentN(shape, strides []int, off int) (lo, hi int, err error) {
	lo, hi = off, off
	for k, n := range shape {
		span, ok := Mul(n-1, strides[k])
		if !ok {
			return 0, 0, fmt.Errorf("%w: (%d-1)*stride %d on axis %d", ErrOverflow, n, strides[k], k)
		}
		if span < 0 {
			lo, ok = Add(lo, span)
		} else {
			hi, ok = Add(hi, span)
		}
		if !ok {
			return 0, 0, fmt.Errorf("%w: offset %d plus the span %d of axis %d", ErrOverflow, off, span, k)
		}
	}
	return lo, hi, nil
}

// Inside reports whether buffer indices lo..hi lie in a buffer of n elements;
// off is the layout's offset, for the message.
func Inside(n, lo, hi, off int) error {
	if lo < 0 {
		return fmt.Errorf("%w: element offset %d is before the start (offset %d)", ErrOutOfBounds, lo, off)
	}
	if hi >= n {
		return fmt.Errorf("%w: element offset %d needs %d elements, buffer has %d", ErrOutOfBounds, hi, hi+1, n)
	}
	return nil
}

// dim is one dimension of a layout: n elements, stride s.
type dim struct{ n, s int }

// MaxSearch is the largest number of elements AliasedN enumerates. A
// variable so tests can switch the search off and see the exact cases
// decided without it.
var MaxSearch = 1 << 12

// AliasedN reports whether two distinct index tuples of an N-d layout reach
// the same address: whether some nonzero x with |x_k| < n_k has
// Σ x_k*s_k == 0. A zero stride on a dimension longer than 1 is one.
//
// The answer is exact for layouts whose axes nest, as C- and Fortran-order
// arrays, their slices, transposes, reversals and sliding windows do; and
// for any layout of at most MaxSearch elements. Otherwise, for strides that
// interleave in three or more dimensions, it may report an overlap where
// there is none, never the reverse.
func AliasedN(shape, strides []int) bool {
	for _, n := range shape {
		if n <= 0 {
			return false // no elements at all
		}
	}
	var buf [16]dim
	d := buf[:0]
	for k, n := range shape {
		if n == 1 {
			continue // a size-1 dimension's stride is never used
		}
		s := strides[k]
		switch {
		case s == 0:
			return true
		case s == math.MinInt:
			return true // unreachable in a checked layout; be conservative
		case s < 0:
			s = -s // x_k ranges symmetrically, so the sign is irrelevant
		}
		d = append(d, dim{n, s})
	}
	slices.SortFunc(d, func(a, b dim) int { return a.s - b.s })
	return aliasedSorted(d)
}

// aliasedSorted is AliasedN for dimensions sorted by increasing positive
// stride, which it may modify. It splits the dimensions into a low part
// d[:p] and a high part d[p:] whenever the high strides' gcd g exceeds the
// low part's largest offset E = Σ (n_k-1)*s_k: then in any solution the low
// sum is a multiple of g smaller than g in size, hence 0, and so is the high
// sum, so the problem splits exactly. Each nested axis of an array, with its
// window, ends up a part of at most two dimensions, which Aliased decides
// exactly.
func aliasedSorted(d []dim) bool {
	switch len(d) {
	case 0, 1:
		return false
	case 2:
		return Aliased(d[0].n, d[1].n, d[0].s, d[1].s)
	}
	e := 0
	for p := 1; p < len(d); p++ {
		t, ok := Mul(d[p-1].n-1, d[p-1].s)
		if ok {
			e, ok = Add(e, t)
		}
		if !ok {
			break
		}
		g := 0
		for _, x := range d[p:] {
			g = gcd(g, x.s)
		}
		if g > e {
			hi := d[p:]
			for i := range hi {
				hi[i].s /= g
			}
			return aliasedSorted(d[:p]) || aliasedSorted(hi)
		}
	}
	// An aliased pair is a witness, with every other index difference 0.
	for i := range d {
		for j := i + 1; j < len(d); j++ {
			if Aliased(d[i].n, d[j].n, d[i].s, d[j].s) {
				return true
			}
		}
	}
	return aliasedSearch(d)
}

// aliasedSearch decides small cases by listing every address, and reports
// an overlap for larger ones.
func aliasedSearch(d []dim) bool {
	count, span := 1, 0
	for _, x := range d {
		var ok1, ok2, ok3 bool
		var t int
		count, ok1 = Mul(count, x.n)
		t, ok2 = Mul(x.n-1, x.s)
		span, ok3 = Add(span, t)
		if !ok1 || !ok2 || !ok3 || count > MaxSearch {
			return true
		}
	}
	addrs := make([]int, 0, count)
	idx := make([]int, len(d))
	for {
		a := 0
		for k, i := range idx {
			a += i * d[k].s
		}
		addrs = append(addrs, a)
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < d[k].n {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			break
		}
	}
	slices.Sort(addrs)
	for i := 1; i < len(addrs); i++ {
		if addrs[i] == addrs[i-1] {
			return true
		}
	}
	return false
}
