package window

import (
	"fmt"
	"math"
	"slices"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// Array is an N-dimensional strided array stored in a flat buffer, in
// elements, as NumPy describes one (its byte strides and offset divided by
// the item size):
//
//	element idx is at Data[Offset + Σ idx[k]*Strides[k]]
//
// Strides may be negative (a reversed axis) or zero (a broadcast axis). An
// Array is a plain value that does not know its buffer; Windows checks it.
type Array struct {
	Shape, Strides []int
	Offset         int
}

// Axis is the window along one axis of an Array: Size elements, Dilation
// apart, starting every Step elements. Zero Step or Dilation means 1. A zero
// Size leaves the axis unwindowed: it adds no window dimension, and its Step
// still subsamples the axis, like a[::Step].
type Axis struct {
	Size, Step, Dilation int
}

// View is an N-dimensional strided view of a flat buffer, as made by Windows:
//
//	element idx is at Data[Offset + Σ idx[k]*Strides[k]]
//
// the formula Index computes. Its elements may share addresses, when windows
// overlap or a stride is zero; such a view is read-only (see Overlapping).
type View struct {
	Data           []float64
	Shape, Strides []int
	Offset         int
}

// Windows returns the windows of the array a stored in data: NumPy's
// sliding_window_view followed by slicing with steps, with dilation, made
// safe. axes holds one Axis per dimension of a. Along dimension k, with
// n = a.Shape[k] and axes[k] = {Size: w, Step: s, Dilation: d}, a window
// covers d*(w-1)+1 elements of which it takes every d-th, and windows start
// every s elements, so the view has
//
//	o_k = (n - d*(w-1) - 1)/s + 1   windows along dimension k.
//
// The view puts the window dimensions last, in the order of their axes, as
// sliding_window_view does:
//
//	Shape   = [o_0, …, o_{r-1},          w_k for each windowed k]
//	Strides = [s_0*a.Strides[0], …,      d_k*a.Strides[k] for each windowed k]
//
// so for a 2-D image img, Windows(data, img, []Axis{{Size: 3, Step: 2},
// {Size: 3, Step: 2}}) is sliding_window_view(img, (3, 3))[::2, ::2] with
// shape [o_0, o_1, 3, 3], and Windows(data, img, []Axis{{}, {Size: 3}}) is
// sliding_window_view(img, 3, axis=1) with shape [H, W-2, 3]. Dilation d is
// sliding_window_view(img, d*(w-1)+1)[..., ::d].
//
// The view shares data, and its Data ends at the last element it reaches;
// Windows allocates only the view's Shape and Strides. Before returning,
// Windows checks that every element of a lies in data, with overflow-checked
// arithmetic, so every element of the view does too. It returns an error,
// never a panic, wrapping ErrRank when the shape, strides and axes differ in
// length or a has no dimension; ErrDims for a non-positive dimension, a
// negative Size, Step or Dilation, or a dilated window longer than its axis;
// ErrOutOfBounds for an array that reaches outside data; and ErrOverflow.
func Windows(data []float64, a Array, axes []Axis) (View, error) {
	r := len(a.Shape)
	switch {
	case r == 0:
		return View{}, fmt.Errorf("%w: the array has no dimensions", ErrRank)
	case len(a.Strides) != r:
		return View{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(a.Strides), a.Shape)
	case len(axes) != r:
		return View{}, fmt.Errorf("%w: %d window axes for shape %v", ErrRank, len(axes), a.Shape)
	}
	nw := 0
	for k, n := range a.Shape {
		if n <= 0 {
			return View{}, fmt.Errorf("%w: shape %v", ErrDims, a.Shape)
		}
		ax := axes[k]
		if ax.Size < 0 || ax.Step < 0 || ax.Dilation < 0 {
			return View{}, fmt.Errorf("%w: axis %d: window size %d, step %d, dilation %d", ErrDims, k, ax.Size, ax.Step, ax.Dilation)
		}
		if ax.Size > 0 {
			nw++
		}
	}
	lo, hi, err := extent(a.Shape, a.Strides, a.Offset)
	if err != nil {
		return View{}, err
	}
	if err := inside(len(data), lo, hi, a.Offset); err != nil {
		return View{}, err
	}

	rank := r + nw
	buf := make([]int, 2*rank)
	v := View{Data: data, Shape: buf[:rank:rank], Strides: buf[rank:], Offset: a.Offset}
	w := r
	for k, ax := range axes {
		n, stride := a.Shape[k], a.Strides[k]
		step, dil := max(ax.Step, 1), max(ax.Dilation, 1)
		span, ok := bounds.Mul(max(ax.Size, 1)-1, dil)
		if !ok {
			return View{}, fmt.Errorf("%w: axis %d: window size %d with dilation %d", ErrOverflow, k, ax.Size, dil)
		}
		if span >= n {
			return View{}, fmt.Errorf("%w: axis %d: window size %d with dilation %d spans %d elements, the axis has %d", ErrDims, k, ax.Size, dil, span+1, n)
		}
		o := (n-1-span)/step + 1
		if v.Strides[k], err = scaled(k, o, step, stride); err != nil {
			return View{}, err
		}
		v.Shape[k] = o
		if ax.Size > 0 {
			if v.Strides[w], err = scaled(k, ax.Size, dil, stride); err != nil {
				return View{}, err
			}
			v.Shape[w] = ax.Size
			w++
		}
	}
	// The view reaches a subset of a's elements, so this cannot fail; it
	// finds where Data may end.
	_, hi, err = extent(v.Shape, v.Strides, v.Offset)
	if err != nil {
		return View{}, err
	}
	v.Data = data[:hi+1]
	return v, nil
}

// scaled returns m*stride, the stride of a view dimension of n elements that
// moves m elements along axis k of the array. The product fits whenever
// n > 1, since then m*(n-1) elements lie along the axis; for n == 1 the
// stride is never used, and an overflowing one is replaced by 0.
func scaled(k, n, m, stride int) (int, error) {
	p, ok := bounds.Mul(m, stride)
	switch {
	case ok:
		return p, nil
	case n == 1:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: axis %d: %d*stride %d", ErrOverflow, k, m, stride)
}

// extent returns the smallest and largest buffer indices of an array with
// positive dimensions: off + Σ min(0, (n-1)*stride) and off + Σ max(0, …).
func extent(shape, strides []int, off int) (lo, hi int, err error) {
	lo, hi = off, off
	for k, n := range shape {
		span, ok := bounds.Mul(n-1, strides[k])
		if !ok {
			return 0, 0, fmt.Errorf("%w: (%d-1)*stride %d on axis %d", ErrOverflow, n, strides[k], k)
		}
		if span < 0 {
			lo, ok = bounds.Add(lo, span)
		} else {
			hi, ok = bounds.Add(hi, span)
		}
		if !ok {
			return 0, 0, fmt.Errorf("%w: offset %d plus the span %d of axis %d", ErrOverflow, off, span, k)
		}
	}
	return lo, hi, nil
}

// inside reports whether indices lo..hi lie in a buffer of n elements.
func inside(n, lo, hi, off int) error {
	if lo < 0 {
		return fmt.Errorf("%w: element offset %d is before the start (offset %d)", ErrOutOfBounds, lo, off)
	}
	if hi >= n {
		return fmt.Errorf("%w: element offset %d needs %d elements, buffer has %d", ErrOutOfBounds, hi, hi+1, n)
	}
	return nil
}

// Array returns v's shape, strides and offset as an Array, so that a view
// can be windowed again: Windows(v.Data, v.Array(), axes) windows the
// window positions or the windows themselves, as NumPy's
// sliding_window_view with a repeated axis does. The Array shares v's
// slices.
func (v View) Array() Array {
	return Array{Shape: v.Shape, Strides: v.Strides, Offset: v.Offset}
}

// Index returns the Data index of element idx: the one place the offset
// formula lives. It panics with ErrRank for a wrong number of indices and
// with ErrIndex for an index outside the view.
func (v View) Index(idx ...int) int {
	if len(idx) != len(v.Shape) || len(v.Strides) != len(v.Shape) {
		panic(ErrRank)
	}
	off := v.Offset
	for k, i := range idx {
		if uint(i) >= uint(v.Shape[k]) {
			panic(ErrIndex)
		}
		off += i * v.Strides[k]
	}
	return off
}

// At returns element idx. It panics as Index does.
func (v View) At(idx ...int) float64 {
	return v.Data[v.Index(idx...)]
}

// Set sets element idx to x. It panics as Index does, and with an error
// wrapping ErrReadOnly, before writing anything, when v is Overlapping: a
// write there would change other elements too. Set decides that on every
// call; to write many elements, check Overlapping once and write Data at
// Index.
func (v View) Set(x float64, idx ...int) {
	i := v.Index(idx...)
	if v.Overlapping() {
		panic(fmt.Errorf("%w: view of shape %v with strides %v", ErrReadOnly, v.Shape, v.Strides))
	}
	v.Data[i] = x
}

// Overlapping reports whether two distinct elements of v share an address:
// windows that overlap (along an axis, Step < Dilation*(Size-1)+1 unless the
// dilated windows interleave), a zero stride, or an array that overlaps
// itself. Such a view can be read but not written.
//
// The answer is exact for views of arrays whose axes nest, as C- and
// Fortran-order arrays, their slices, transposes and reversals do, whatever
// the windows; and for any view of at most 4096 elements. Otherwise, for
// strides that interleave in three or more dimensions, it may report an
// overlap where there is none, never the reverse.
func (v View) Overlapping() bool {
	if len(v.Strides) != len(v.Shape) {
		panic(ErrRank)
	}
	return aliased(v.Shape, v.Strides)
}

// dim is one dimension of a view: n elements, stride s.
type dim struct{ n, s int }

// aliased reports whether two distinct index tuples reach the same address:
// whether some nonzero x with |x_k| < n_k has Σ x_k*s_k == 0.
func aliased(shape, strides []int) bool {
	var buf [16]dim
	d := buf[:0]
	for k, n := range shape {
		if n <= 0 {
			return false // no elements at all
		}
		if n == 1 {
			continue // a size-1 dimension's stride is never used
		}
		s := strides[k]
		switch {
		case s == 0:
			return true
		case s == math.MinInt:
			return true // unreachable in a checked view; be conservative
		case s < 0:
			s = -s // x_k ranges symmetrically, so the sign is irrelevant
		}
		d = append(d, dim{n, s})
	}
	slices.SortFunc(d, func(a, b dim) int { return a.s - b.s })
	return aliasedSorted(d)
}

// aliasedSorted is aliased for dimensions sorted by increasing positive
// stride, which it may modify. It splits the dimensions into a low part
// d[:p] and a high part d[p:] whenever the high strides' gcd g exceeds the
// low part's largest offset E = Σ (n_k-1)*s_k: then in any solution the low
// sum is a multiple of g smaller than g in size, hence 0, and so is the high
// sum, so the problem splits exactly. Each nested axis of an array, with its
// window, ends up a part of at most two dimensions, which bounds.Aliased
// decides exactly.
func aliasedSorted(d []dim) bool {
	switch len(d) {
	case 0, 1:
		return false
	case 2:
		return bounds.Aliased(d[0].n, d[1].n, d[0].s, d[1].s)
	}
	e := 0
	for p := 1; p < len(d); p++ {
		t, ok := bounds.Mul(d[p-1].n-1, d[p-1].s)
		if ok {
			e, ok = bounds.Add(e, t)
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
			if bounds.Aliased(d[i].n, d[j].n, d[i].s, d[j].s) {
				return true
			}
		}
	}
	return aliasedSearch(d)
}

// maxSearch is the largest number of elements aliasedSearch enumerates. A
// variable so tests can switch the search off and see the exact cases
// decided without it.
var maxSearch = 1 << 12

// aliasedSearch decides small cases by listing every address, and reports
// an overlap for larger ones.
func aliasedSearch(d []dim) bool {
	count, span := 1, 0
	for _, x := range d {
		var ok1, ok2, ok3 bool
		var t int
		count, ok1 = bounds.Mul(count, x.n)
		t, ok2 = bounds.Mul(x.n-1, x.s)
		span, ok3 = bounds.Add(span, t)
		if !ok1 || !ok2 || !ok3 || count > maxSearch {
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

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Matrix returns v as a matrix sharing its data: the first rowAxes dimensions
// flattened into rows and the others into columns, in C order, when each group
// can be described by a single stride (as NumPy's reshape does without a
// copy: a dimension merges with the next one inside it when its stride is
// that dimension's length times its stride; size-1 dimensions drop out).
// Windows along the last axis of an array, like Sliding's, always can;
// 2-D windows of an image cannot, since a window's rows are not one stride
// apart from its last column (that is im2col's copy).
//
// It returns an error wrapping ErrRank for rowAxes outside [0, len(Shape)],
// ErrNotMatrix when a group has no single stride, and the layout errors of
// adapter.Layout.Check for a v that reaches outside its Data.
func (v View) Matrix(rowAxes int) (adapter.Strided, error) {
	if len(v.Strides) != len(v.Shape) {
		return adapter.Strided{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(v.Strides), v.Shape)
	}
	if rowAxes < 0 || rowAxes > len(v.Shape) {
		return adapter.Strided{}, fmt.Errorf("%w: %d row axes of %d", ErrRank, rowAxes, len(v.Shape))
	}
	r, rs, err := flatten(v.Shape, v.Strides, 0, rowAxes)
	if err != nil {
		return adapter.Strided{}, err
	}
	c, cs, err := flatten(v.Shape, v.Strides, rowAxes, len(v.Shape))
	if err != nil {
		return adapter.Strided{}, err
	}
	l := adapter.Layout{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: v.Offset}
	if err := l.Check(len(v.Data)); err != nil {
		return adapter.Strided{}, err
	}
	return adapter.Strided{Data: v.Data, Layout: l}, nil
}

// flatten merges dimensions from..to-1 into one of n elements with stride s.
// No dimensions make a single element with stride 0.
func flatten(shape, strides []int, from, to int) (n, s int, err error) {
	n, s = 1, 0
	inner := -1 // the dimension n and s describe
	for k := to - 1; k >= from; k-- {
		m := shape[k]
		switch {
		case m <= 0:
			return 0, 0, fmt.Errorf("%w: shape %v", ErrDims, shape)
		case m == 1:
			continue
		case n == 1:
			n, s, inner = m, strides[k], k
			continue
		}
		want, ok := bounds.Mul(n, s)
		if !ok || strides[k] != want {
			return 0, 0, fmt.Errorf("%w: dimension %d (stride %d) does not continue dimensions %d..%d (%d elements, stride %d) of shape %v, strides %v",
				ErrNotMatrix, k, strides[k], k+1, inner, n, s, shape, strides)
		}
		if n, ok = bounds.Mul(n, m); !ok {
			return 0, 0, fmt.Errorf("%w: %d elements in dimensions %d..%d", ErrOverflow, n, k, to-1)
		}
	}
	if n == 1 && to > from {
		s = strides[to-1] // size-1 dimensions only: keep the innermost stride
	}
	return n, s, nil
}
