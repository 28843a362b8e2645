package window_test

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/window"
)

// A moving average is the windows of a signal times a vector of equal taps:
// one GEMV over a view, no copy of the signal into windows. Overlapping
// windows (step < size) have no BLAS layout and are packed; disjoint ones
// (step >= size) go to BLAS as they are.
func ExampleSliding() {
	x := []float64{1, 2, 4, 8, 16, 32, 64}
	taps := blas64.Vector{N: 3, Inc: 1, Data: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}}
	for _, step := range []int{1, 3} {
		a, err := window.Sliding(x, 3, step)
		if err != nil {
			fmt.Println(err)
			return
		}
		y := make([]float64, a.Layout.Rows)
		p, err := blasbridge.Gemv(1, a, taps, 0, blas64.Vector{N: len(y), Inc: 1, Data: y})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: %v\n", step, a.Layout)
		fmt.Printf("  means %.4g, packed %v\n", y, p.A.Packed)
	}
	// Output:
	// step 1: general 5×3, strides (1, 1) (overlapping)
	//   means [2.333 4.667 9.333 18.67 37.33], packed true
	// step 3: row-major 2×3, ld=3 (contiguous)
	//   means [2.333 18.67], packed false
}

// The 2×2 windows of a 4×4 image: a 4-d view whose first two indices pick
// the window and last two the pixel in it, as NumPy's
// sliding_window_view(img, (2, 2)). With step 2 the windows tile the image
// and the view can be written through.
func ExampleWindows() {
	img := make([]float64, 16)
	for i := range img {
		img[i] = float64(i)
	}
	a := adapter.Array[float64]{Data: img, Shape: []int{4, 4}, Strides: []int{4, 1}}

	v, err := window.Windows(a, []window.Axis{{Size: 2}, {Size: 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("shape", v.Shape, "strides", v.Strides, "overlapping", v.Overlapping())
	fmt.Println("window (1, 2):", v.At(1, 2, 0, 0), v.At(1, 2, 0, 1), "/", v.At(1, 2, 1, 0), v.At(1, 2, 1, 1))

	pool, err := window.Windows(a, []window.Axis{{Size: 2, Step: 2}, {Size: 2, Step: 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("shape", pool.Shape, "strides", pool.Strides, "overlapping", pool.Overlapping())
	// Max-pool in place: write each window's maximum to its top-left pixel.
	for i := range 2 {
		for j := range 2 {
			m := pool.At(i, j, 0, 0)
			for di := range 2 {
				for dj := range 2 {
					m = max(m, pool.At(i, j, di, dj))
				}
			}
			pool.Set(m, i, j, 0, 0)
		}
	}
	fmt.Println(mat.Formatted(mat.NewDense(4, 4, img)))
	// Output:
	// shape [3 3 2 2] strides [4 1 4 1] overlapping true
	// window (1, 2): 6 7 / 10 11
	// shape [2 2 2 2] strides [8 2 4 1] overlapping false
	// ⎡ 5   1   7   3⎤
	// ⎢ 4   5   6   7⎥
	// ⎢13   9  15  11⎥
	// ⎣12  13  14  15⎦
}

// Whether windows overlap is decided exactly for windows of nested axes,
// dilated ones included: windows of size 2 with dilation 3 taken every 2
// elements interleave without sharing an element.
func ExampleWindows_overlapping() {
	a := adapter.Array[float64]{Data: make([]float64, 10), Shape: []int{10}, Strides: []int{1}}
	for _, ax := range []window.Axis{
		{Size: 3, Step: 3},
		{Size: 3, Step: 2},
		{Size: 2, Step: 2, Dilation: 3}, // windows (0 3), (2 5), (4 7), (6 9)
	} {
		v, err := window.Windows(a, []window.Axis{ax})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%+v: shape %v, strides %v, overlapping %v\n", ax, v.Shape, v.Strides, v.Overlapping())
	}
	// Output:
	// {Size:3 Step:3 Dilation:0}: shape [3 3], strides [3 1], overlapping false
	// {Size:3 Step:2 Dilation:0}: shape [4 3], strides [2 1], overlapping true
	// {Size:2 Step:2 Dilation:3}: shape [4 2], strides [2 3], overlapping false
}

// Windows along the rows of an image flatten to a matrix when they chain:
// here 4-element chunks of each 8-pixel row, one matrix row per chunk, which
// adapter.StridedView and adapter.Wrap hand to Gonum as a *mat.Dense without
// copying.
func ExampleWindows_matrix() {
	img := make([]float64, 16)
	for i := range img {
		img[i] = float64(i)
	}
	v, err := window.Windows(adapter.Array[float64]{Data: img, Shape: []int{2, 8}, Strides: []int{8, 1}}, []window.Axis{{}, {Size: 4, Step: 4}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := adapter.StridedView(v, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := adapter.Wrap(s.Data, s.Layout)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v → %v, %T\n", v.Shape, s.Layout, m)
	fmt.Println(mat.Formatted(m))

	// 2×2 windows of an image have no such layout: that is im2col's copy.
	v, err = window.Windows(adapter.Array[float64]{Data: img, Shape: []int{4, 4}, Strides: []int{4, 1}}, []window.Axis{{Size: 2}, {Size: 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = v.Matrix(2)
	fmt.Println(errors.Is(err, window.ErrNotMatrix))
	// Output:
	// [2 2 4] → row-major 4×4, ld=4 (contiguous), *mat.Dense
	// ⎡ 0   1   2   3⎤
	// ⎢ 4   5   6   7⎥
	// ⎢ 8   9  10  11⎥
	// ⎣12  13  14  15⎦
	// true
}

// Windows is generic: a float32 signal checked by adapter.NewArray, its
// windows of 3 every 2 elements, and the matrix of them that
// adapter.Strided32View hands to the blas32 paths.
func ExampleWindows_float32() {
	x, err := adapter.NewArray([]float32{1, 2, 3, 4, 5, 6, 7}, []int{7}, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := window.Windows(x, []window.Axis{{Size: 3, Step: 2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := adapter.Strided32View(v, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v, v.At(2, 0), v.At(2, 2))
	fmt.Println(s.Layout)
	// Output:
	// shape [3 3], strides [2 1], offset 0 5 7
	// general 3×3, strides (2, 1) (overlapping)
}
