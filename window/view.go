package window

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// Axis is the window along one axis of an adapter.Array: Size elements,
// Dilation apart, starting every Step elements. Zero Step or Dilation means
// 1. A zero Size leaves the axis unwindowed: it adds no window axis, and its
// Step still subsamples the axis, like a[::Step].
type Axis struct {
	Size, Step, Dilation int
}

// Windows returns the windows of the array a: NumPy's sliding_window_view
// followed by slicing with steps, with dilation, made safe. axes holds one
// Axis per axis of a. Along axis k, with n = a.Shape[k] and
// axes[k] = {Size: w, Step: s, Dilation: d}, a window covers d*(w-1)+1
// elements of which it takes every d-th, and windows start every s
// elements, so the view has
//
//	o_k = (n - d*(w-1) - 1)/s + 1   windows along axis k.
//
// The view puts the window axes last, in the order of their axes, as
// sliding_window_view does:
//
//	Shape   = [o_0, …, o_{r-1},          w_k for each windowed k]
//	Strides = [s_0*a.Strides[0], …,      d_k*a.Strides[k] for each windowed k]
//
// so for a 2-D image img, Windows(img, []Axis{{Size: 3, Step: 2},
// {Size: 3, Step: 2}}) is sliding_window_view(img, (3, 3))[::2, ::2] with
// shape [o_0, o_1, 3, 3], and Windows(img, []Axis{{}, {Size: 3}}) is
// sliding_window_view(img, 3, axis=1) with shape [H, W-2, 3]. Dilation d is
// sliding_window_view(img, d*(w-1)+1)[..., ::d]. The view is an Array
// like any other: windowing it again windows the window positions or the
// windows themselves, as sliding_window_view with a repeated axis does, and
// its Overlapping says whether it may be written through.
//
// The view shares a.Data, and its Data ends at the last element it reaches;
// Windows allocates only the view's Shape and Strides. Before returning,
// Windows checks a (a.Check: every element of a lies in a.Data, with
// overflow-checked arithmetic), so every element of the view does too. It
// returns an error, never a panic, wrapping ErrRank when the shape, strides
// and axes differ in length or a has no axis; ErrDims for a non-positive
// axis length or a negative Size, Step or Dilation; ErrTooLarge (which
// matches ErrDims too) for a dilated window longer than its axis;
// ErrOutOfBounds for an array that reaches outside its Data;
// and ErrOverflow.
func Windows[T adapter.Float](a adapter.Array[T], axes []Axis) (adapter.Array[T], error) {
	r := len(a.Shape)
	switch {
	case r == 0:
		return adapter.Array[T]{}, fmt.Errorf("%w: the array has no dimensions", ErrRank)
	case len(axes) != r:
		return adapter.Array[T]{}, fmt.Errorf("%w: %d window axes for shape %v", ErrRank, len(axes), a.Shape)
	}
	if err := a.Check(); err != nil {
		return adapter.Array[T]{}, err
	}
	nw := 0
	for k, n := range a.Shape {
		if n <= 0 {
			return adapter.Array[T]{}, fmt.Errorf("%w: shape %v", ErrDims, a.Shape)
		}
		ax := axes[k]
		if ax.Size < 0 || ax.Step < 0 || ax.Dilation < 0 {
			return adapter.Array[T]{}, badParam("axis %d: window size %d, step %d, dilation %d: none may be negative", k, ax.Size, ax.Step, ax.Dilation)
		}
		if ax.Size > 0 {
			nw++
		}
	}

	var err error
	rank := r + nw
	buf := make([]int, 2*rank)
	v := adapter.Array[T]{Data: a.Data, Shape: buf[:rank:rank], Strides: buf[rank:], Offset: a.Offset}
	w := r
	for k, ax := range axes {
		n, stride := a.Shape[k], a.Strides[k]
		step, dil := max(ax.Step, 1), max(ax.Dilation, 1)
		span, ok := bounds.Mul(max(ax.Size, 1)-1, dil)
		if !ok {
			return adapter.Array[T]{}, fmt.Errorf("%w: axis %d: window size %d with dilation %d", ErrOverflow, k, ax.Size, dil)
		}
		if span >= n {
			return adapter.Array[T]{}, tooLarge("axis %d: window %d with dilation %d spans %d elements, the axis has %d", k, ax.Size, dil, span+1, n)
		}
		o := (n-1-span)/step + 1
		if v.Strides[k], err = scaled(k, o, step, stride); err != nil {
			return adapter.Array[T]{}, err
		}
		v.Shape[k] = o
		if ax.Size > 0 {
			if v.Strides[w], err = scaled(k, ax.Size, dil, stride); err != nil {
				return adapter.Array[T]{}, err
			}
			v.Shape[w] = ax.Size
			w++
		}
	}
	// The view reaches a subset of a's elements, so this cannot fail; it
	// finds where Data may end.
	_, hi, err := bounds.ExtentN(v.Shape, v.Strides, v.Offset)
	if err != nil {
		return adapter.Array[T]{}, err
	}
	v.Data = a.Data[:hi+1]
	return v, nil
}

// scaled returns m*stride, the stride of a view axis of n elements that
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
