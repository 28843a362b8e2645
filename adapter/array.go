package adapter

import (
	"fmt"
	"slices"

	"github.com/strider-go/strider/internal/bounds"
)

// Float is the element type of an Array: float32 or float64 (or a type
// defined on one of them).
type Float interface{ ~float32 | ~float64 }

// Array is an N-dimensional strided array over a flat buffer it shares with
// the caller, described as NumPy describes one but in elements:
//
//	element idx is at Data[Offset + Σ idx[k]*Strides[k]]
//
// Index computes that formula; it lives nowhere else. Strides may be
// negative (a reversed axis) or zero (a broadcast axis); axes may have zero
// length (an empty array), never negative. For example the C-order
// 2×3×4 array a viewed as a.Permute(0, 2, 1)[:, ::2, :]:
//
//	Data: [a000 a001 a002 a003 | a010 … | a100 …]   C order, 24 elements
//	Array{Shape: [2 2 3], Strides: [12 2 4], Offset: 0}
//	At(1, 1, 2) == Data[12 + 2 + 8] == a122
//
// An Array is a plain value: its views (Permute, Slice, Reverse, Select,
// BroadcastTo) cost a header and two small slices, never a copy, and
// share Data. NewArray and ArrayFromNumPy check what they build; an Array
// written as a struct literal is checked by Check, and by every strider
// function that takes one.
type Array[T Float] struct {
	Data           []T
	Shape, Strides []int
	Offset         int
}

// NewArray returns the array of the given shape, element strides and offset
// over data, after checking that the shape and strides agree in rank, that
// no axis is negative and that every element lies in data, with
// overflow-checked arithmetic. Nil strides mean C order (the last axis
// contiguous), as NumPy's None does. NewArray keeps its own copies of shape
// and strides, never of data. It returns an error wrapping ErrRank,
// ErrDims, ErrOutOfBounds or ErrOverflow, and never panics.
func NewArray[T Float](data []T, shape, strides []int, offset int) (Array[T], error) {
	buf := make([]int, 2*len(shape))
	a := Array[T]{Data: data, Shape: buf[:len(shape):len(shape)], Strides: buf[len(shape):], Offset: offset}
	copy(a.Shape, shape)
	if strides == nil {
		for _, n := range shape {
			if n < 0 {
				return Array[T]{}, fmt.Errorf("%w: shape %v", ErrDims, shape)
			}
		}
		if err := cStrides(a.Strides, shape); err != nil {
			return Array[T]{}, err
		}
	} else {
		if len(strides) != len(shape) {
			return Array[T]{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(strides), shape)
		}
		copy(a.Strides, strides)
	}
	if err := a.Check(); err != nil {
		return Array[T]{}, err
	}
	return a, nil
}

// ArrayFromNumPy is NewArray for NumPy's description of an array, as
// __array_interface__ or a .npy header gives it: strides and offset in
// bytes, for items of itemsize bytes. Nil strides mean C order. It returns
// an error wrapping ErrItemSize for a non-positive item size and
// ErrMisaligned for a stride or offset that is not a multiple of it, besides
// NewArray's errors.
func ArrayFromNumPy[T Float](data []T, shape, strides []int, itemsize, offset int) (Array[T], error) {
	if itemsize <= 0 {
		return Array[T]{}, fmt.Errorf("%w: %d", ErrItemSize, itemsize)
	}
	if strides != nil && len(strides) != len(shape) {
		return Array[T]{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(strides), shape)
	}
	var el []int
	if strides != nil {
		el = make([]int, len(strides))
		for k, s := range strides {
			if s%itemsize != 0 {
				return Array[T]{}, fmt.Errorf("%w: stride %d bytes on axis %d, item size %d", ErrMisaligned, s, k, itemsize)
			}
			el[k] = s / itemsize
		}
	}
	if offset%itemsize != 0 {
		return Array[T]{}, fmt.Errorf("%w: offset %d bytes, item size %d", ErrMisaligned, offset, itemsize)
	}
	return NewArray(data, shape, el, offset/itemsize)
}

// cStrides writes the C-order strides of shape into dst.
func cStrides(dst, shape []int) error {
	s := 1
	for k := len(shape) - 1; k >= 0; k-- {
		dst[k] = s
		var ok bool
		if s, ok = bounds.Mul(s, max(shape[k], 1)); !ok {
			return fmt.Errorf("%w: shape %v has more elements than int holds", ErrOverflow, shape)
		}
	}
	return nil
}

// Check returns nil if and only if a is well formed: as many strides as
// axes, no negative axis, and every element inside Data, computed with
// overflow-checked arithmetic. An array with a zero-length axis has no
// elements and is always inside. Check never panics.
func (a Array[T]) Check() error {
	if len(a.Strides) != len(a.Shape) {
		return fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(a.Strides), a.Shape)
	}
	for _, n := range a.Shape {
		if n < 0 {
			return fmt.Errorf("%w: shape %v", ErrDims, a.Shape)
		}
	}
	if slices.Contains(a.Shape, 0) {
		return nil // no elements (Size may wrap for huge shapes; this does not)
	}
	lo, hi, err := bounds.ExtentN(a.Shape, a.Strides, a.Offset)
	if err != nil {
		return err
	}
	return bounds.Inside(len(a.Data), lo, hi, a.Offset)
}

// Extent returns the smallest and largest Data indices a reaches. It returns
// an error for an array with no elements, a rank mismatch, and arithmetic
// that overflows int, never a panic.
func (a Array[T]) Extent() (lo, hi int, err error) {
	if len(a.Strides) != len(a.Shape) {
		return 0, 0, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(a.Strides), a.Shape)
	}
	for _, n := range a.Shape {
		if n <= 0 {
			return 0, 0, fmt.Errorf("%w: shape %v has no elements", ErrDims, a.Shape)
		}
	}
	return bounds.ExtentN(a.Shape, a.Strides, a.Offset)
}

// Rank returns the number of axes.
func (a Array[T]) Rank() int { return len(a.Shape) }

// Size returns the number of elements: the product of the shape (1 for a
// rank-0 array, 0 when an axis is empty). It does not check for overflow;
// a checked array's size fits, since its elements are distinct indices or
// it has a zero stride, and Check bounds its span.
func (a Array[T]) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Index returns the Data index of element idx: the one place the offset
// formula lives. It panics with ErrRank for a wrong number of indices and
// with ErrIndex for an index outside the array.
func (a Array[T]) Index(idx ...int) int {
	if len(idx) != len(a.Shape) || len(a.Strides) != len(a.Shape) {
		panic(ErrRank)
	}
	off := a.Offset
	for k, i := range idx {
		if i < 0 || i >= a.Shape[k] {
			panic(ErrIndex)
		}
		off += i * a.Strides[k]
	}
	return off
}

// At returns element idx. It panics as Index does.
func (a Array[T]) At(idx ...int) T {
	return a.Data[a.Index(idx...)]
}

// Set sets element idx to x. It panics as Index does, and with an error
// wrapping ErrReadOnly, before writing anything, when a is Overlapping: a
// write there would change other elements too. Set decides that on every
// call; to write many elements, check Overlapping once and write Data at
// Index.
func (a Array[T]) Set(x T, idx ...int) {
	i := a.Index(idx...)
	if a.Overlapping() {
		panic(fmt.Errorf("%w: shape %v, strides %v", ErrReadOnly, a.Shape, a.Strides))
	}
	a.Data[i] = x
}

// Overlapping reports whether two distinct elements of a share an address:
// a zero stride on an axis longer than 1 (broadcast), overlapping windows,
// or strides that interleave. Such an array can be read but not written.
// The answer is exact for arrays whose axes nest, as C- and Fortran-order
// arrays, their slices, transposes, reversals and windows do, and for any
// array of at most 4096 elements; otherwise it may report an overlap where
// there is none, never the reverse. It panics with ErrRank when Shape and
// Strides differ in length.
func (a Array[T]) Overlapping() bool {
	if len(a.Strides) != len(a.Shape) {
		panic(ErrRank)
	}
	return bounds.AliasedN(a.Shape, a.Strides)
}

// header returns a copy of a's shape and strides with room for extra more
// axes, sharing Data: the start of every view.
func (a Array[T]) header(rank int) Array[T] {
	buf := make([]int, 2*rank)
	return Array[T]{Data: a.Data, Shape: buf[:rank:rank], Strides: buf[rank:], Offset: a.Offset}
}

// axis panics unless k names an axis of a.
func (a Array[T]) axis(what string, k int) {
	if len(a.Strides) != len(a.Shape) {
		panic(ErrRank)
	}
	if k < 0 || k >= len(a.Shape) {
		panic(fmt.Errorf("%w: %s: axis %d of a rank-%d array", ErrIndex, what, k, len(a.Shape)))
	}
}

// Permute returns the view of a with its axes reordered: axis k of the
// result is axis axes[k] of a, as NumPy's transpose(axes) and PyTorch's
// permute. For a [B, H, S, D] array, Permute(0, 1, 3, 2) is the [B, H, D, S]
// transpose of its matrices. It panics with an error wrapping ErrIndex
// unless axes is a permutation of 0..Rank()-1.
func (a Array[T]) Permute(axes ...int) Array[T] {
	r := len(a.Shape)
	if len(axes) != r || len(a.Strides) != r {
		panic(fmt.Errorf("%w: Permute: %d axes for a rank-%d array", ErrIndex, len(axes), r))
	}
	bad := func() { // a copy, so that axes does not escape on the good path
		panic(fmt.Errorf("%w: Permute%v is not a permutation of %d axes", ErrIndex, slices.Clone(axes), r))
	}
	v := a.header(r)
	var seen uint64
	for k, ax := range axes {
		if ax < 0 || ax >= r || (ax < 64 && seen&(1<<ax) != 0) {
			bad()
		}
		if ax < 64 {
			seen |= 1 << ax
		} else {
			for _, other := range axes[:k] {
				if other == ax {
					bad()
				}
			}
		}
		v.Shape[k], v.Strides[k] = a.Shape[ax], a.Strides[ax]
	}
	return v
}

// Slice returns the view of a that keeps, along axis, the elements
// lo, lo+step, … below hi: NumPy's a[..., lo:hi:step, ...] for
// 0 <= lo <= hi <= Shape[axis] and step > 0 (Reverse gives negative steps).
// It panics with an error wrapping ErrIndex for bounds outside the axis or
// a step that is not positive.
func (a Array[T]) Slice(axis, lo, hi, step int) Array[T] {
	a.axis("Slice", axis)
	n := a.Shape[axis]
	if lo < 0 || hi < lo || hi > n || step <= 0 {
		panic(fmt.Errorf("%w: Slice [%d:%d:%d] of an axis of %d", ErrIndex, lo, hi, step, n))
	}
	v := a.header(len(a.Shape))
	copy(v.Shape, a.Shape)
	copy(v.Strides, a.Strides)
	v.Shape[axis] = 0
	if hi > lo {
		v.Shape[axis] = (hi-lo-1)/step + 1 // no overflow for any step
	}
	if v.Shape[axis] > 0 {
		v.Offset += lo * a.Strides[axis]
	}
	v.Strides[axis] = a.Strides[axis] * step
	if v.Shape[axis] <= 1 {
		v.Strides[axis] = a.Strides[axis] // never used; keep it from overflowing
	}
	return v
}

// Reverse returns the view of a with axis reversed: NumPy's a[..., ::-1, ...].
// It panics with an error wrapping ErrIndex for an axis outside a.
func (a Array[T]) Reverse(axis int) Array[T] {
	a.axis("Reverse", axis)
	v := a.header(len(a.Shape))
	copy(v.Shape, a.Shape)
	copy(v.Strides, a.Strides)
	if n := a.Shape[axis]; n > 1 {
		v.Offset += (n - 1) * a.Strides[axis]
	}
	v.Strides[axis] = -a.Strides[axis]
	return v
}

// Select returns the view of a at index i of axis, with that axis removed:
// NumPy's a[..., i, ...]. Selecting leading axes down to two gives a 2-D
// sub-array, whose Layout is a matrix. It panics with an error wrapping
// ErrIndex for an axis or index outside a.
func (a Array[T]) Select(axis, i int) Array[T] {
	a.axis("Select", axis)
	if uint(i) >= uint(a.Shape[axis]) {
		panic(fmt.Errorf("%w: Select index %d of an axis of %d", ErrIndex, i, a.Shape[axis]))
	}
	r := len(a.Shape) - 1
	v := a.header(r)
	copy(v.Shape, a.Shape[:axis])
	copy(v.Shape[axis:], a.Shape[axis+1:])
	copy(v.Strides, a.Strides[:axis])
	copy(v.Strides[axis:], a.Strides[axis+1:])
	v.Offset += i * a.Strides[axis]
	return v
}

// BroadcastTo returns the view of a with the given shape under NumPy's
// broadcasting rules: a's axes align with the last axes of shape; an axis
// of length 1 stretches to any length with stride 0, and missing leading
// axes are added with stride 0. The result is read-only wherever it
// stretched (Overlapping). It returns an error wrapping ErrShape when a
// cannot broadcast to shape, and ErrRank for a malformed a.
func (a Array[T]) BroadcastTo(shape ...int) (Array[T], error) {
	if len(a.Strides) != len(a.Shape) {
		return Array[T]{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(a.Strides), a.Shape)
	}
	r := len(shape)
	// Errors format a copy, so that shape does not escape on the good path.
	bad := func(err error, format string, args ...any) (Array[T], error) {
		return Array[T]{}, fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
	}
	if len(a.Shape) > r {
		return bad(ErrShape, "cannot broadcast shape %v to %v", a.Shape, slices.Clone(shape))
	}
	v := a.header(r)
	lead := r - len(a.Shape)
	for k, n := range shape {
		if n < 0 {
			return bad(ErrDims, "shape %v", slices.Clone(shape))
		}
		v.Shape[k] = n
		if k < lead {
			continue // a new axis: stride 0
		}
		m, s := a.Shape[k-lead], a.Strides[k-lead]
		switch {
		case m == n:
			v.Strides[k] = s
		case m == 1:
			v.Strides[k] = 0
		default:
			return bad(ErrShape, "cannot broadcast shape %v to %v (axis %d: %d to %d)", a.Shape, slices.Clone(shape), k, m, n)
		}
	}
	return v, nil
}

// Layout returns a rank-2 array as a matrix Layout over the same Data
// (rows along axis 0), for adapter.Strided, Wrap and blasbridge. It returns
// an error wrapping ErrRank for another rank, and ErrDims for an empty
// axis, since matrices have none.
func (a Array[T]) Layout() (Layout, error) {
	if len(a.Shape) != 2 || len(a.Strides) != 2 {
		return Layout{}, fmt.Errorf("%w: shape %v is not 2-D", ErrRank, a.Shape)
	}
	if a.Shape[0] <= 0 || a.Shape[1] <= 0 {
		return Layout{}, fmt.Errorf("%w: shape %v", ErrDims, a.Shape)
	}
	return Layout{Rows: a.Shape[0], Cols: a.Shape[1], RowStride: a.Strides[0], ColStride: a.Strides[1], Offset: a.Offset}, nil
}

// Matrix returns a as a matrix layout over the same Data: the first rowAxes
// axes flattened into rows and the others into columns, in C order, when
// each group can be described by a single stride (as NumPy's reshape does
// without a copy: an axis merges with the next one inside it when its
// stride is that axis's length times its stride; axes of length 1 drop
// out). Windows along the last axis of a signal always can; 2-D windows of
// an image cannot, since a window's rows are not one stride apart from its
// last column (that is im2col's copy).
//
// It returns an error wrapping ErrRank for rowAxes outside [0, Rank()],
// ErrNotMatrix when a group has no single stride, ErrDims for an empty
// axis, and the errors of Layout.Check for an a that reaches outside Data.
func (a Array[T]) Matrix(rowAxes int) (Layout, error) {
	if len(a.Strides) != len(a.Shape) {
		return Layout{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(a.Strides), a.Shape)
	}
	if rowAxes < 0 || rowAxes > len(a.Shape) {
		return Layout{}, fmt.Errorf("%w: %d row axes of %d", ErrRank, rowAxes, len(a.Shape))
	}
	r, rs, err := flatten(a.Shape, a.Strides, 0, rowAxes)
	if err != nil {
		return Layout{}, err
	}
	c, cs, err := flatten(a.Shape, a.Strides, rowAxes, len(a.Shape))
	if err != nil {
		return Layout{}, err
	}
	l := Layout{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: a.Offset}
	if err := l.Check(len(a.Data)); err != nil {
		return Layout{}, err
	}
	return l, nil
}

// flatten merges axes from..to-1 into one of n elements with stride s. No
// axes make a single element with stride 0.
func flatten(shape, strides []int, from, to int) (n, s int, err error) {
	n, s = 1, 0
	inner := -1 // the axis n and s describe
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
			return 0, 0, fmt.Errorf("%w: axis %d (stride %d) does not continue axes %d..%d (%d elements, stride %d) of shape %v, strides %v",
				ErrNotMatrix, k, strides[k], k+1, inner, n, s, shape, strides)
		}
		if n, ok = bounds.Mul(n, m); !ok {
			return 0, 0, fmt.Errorf("%w: %d elements in axes %d..%d", ErrOverflow, n, k, to-1)
		}
	}
	if n == 1 && to > from {
		s = strides[to-1] // axes of length 1 only: keep the innermost stride
	}
	return n, s, nil
}

// String describes a's layout in one line, for example
//
//	shape [2 3 4], strides [12 1 3], offset 0
func (a Array[T]) String() string {
	return fmt.Sprintf("shape %v, strides %v, offset %d", a.Shape, a.Strides, a.Offset)
}

// StridedView returns the float64 array a as a Strided matrix sharing its
// data, flattened as Matrix(rowAxes) does: Wrap and blasbridge take it.
func StridedView(a Array[float64], rowAxes int) (Strided, error) {
	l, err := a.Matrix(rowAxes)
	if err != nil {
		return Strided{}, err
	}
	return Strided{Data: a.Data, Layout: l}, nil
}

// Strided32View is StridedView for float32 arrays.
func Strided32View(a Array[float32], rowAxes int) (Strided32, error) {
	l, err := a.Matrix(rowAxes)
	if err != nil {
		return Strided32{}, err
	}
	return Strided32{Data: a.Data, Layout: l}, nil
}

// Array returns s as a rank-2 Array sharing its data.
func (s *Strided) Array() Array[float64] { return layoutArray(s.Data, s.Layout) }

// Array returns s as a rank-2 Array sharing its data.
func (s *Strided32) Array() Array[float32] { return layoutArray(s.Data, s.Layout) }

func layoutArray[T Float](data []T, l Layout) Array[T] {
	buf := make([]int, 4)
	buf[0], buf[1], buf[2], buf[3] = l.Rows, l.Cols, l.RowStride, l.ColStride
	return Array[T]{Data: data, Shape: buf[:2:2], Strides: buf[2:], Offset: l.Offset}
}
