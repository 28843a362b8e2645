package adapter_test

import (
	"errors"
	"fmt"

	"github.com/strider-go/strider/adapter"
)

// A C-order 2×3×4 array over 24 elements: nil strides mean C order.
func ExampleNewArray() {
	data := make([]float64, 24)
	for i := range data {
		data[i] = float64(i)
	}
	a, err := adapter.NewArray(data, []int{2, 3, 4}, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a)
	fmt.Println(a.At(1, 2, 3), a.Index(1, 2, 3))

	// Shapes from outside the program are checked, never trusted.
	_, err = adapter.NewArray(data, []int{2, 3, 5}, nil, 0)
	fmt.Println(errors.Is(err, adapter.ErrOutOfBounds))
	// Output:
	// shape [2 3 4], strides [12 4 1], offset 0
	// 23 23
	// true
}

// A Fortran-order float32 2×3 array as NumPy describes it
// (a.__array_interface__): strides (4, 8) bytes, item size 4.
func ExampleArrayFromNumPy() {
	data := []float32{1, 2, 3, 4, 5, 6}
	a, err := adapter.ArrayFromNumPy(data, []int{2, 3}, []int{4, 8}, 4, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a)
	for i := range a.Shape[0] {
		row := make([]float32, a.Shape[1])
		for j := range row {
			row[j] = a.At(i, j)
		}
		fmt.Println(row)
	}

	// A byte stride that is not a whole number of items is an error.
	_, err = adapter.ArrayFromNumPy(data, []int{2, 3}, []int{6, 8}, 4, 0)
	fmt.Println(err)
	// Output:
	// shape [2 3], strides [1 2], offset 0
	// [1 3 5]
	// [2 4 6]
	// strider: byte stride or offset not a multiple of the item size: stride 6 bytes on axis 0, item size 4
}

// Attention's Kᵀ without a copy: keys stored [B, H, S, D] in C order, viewed
// as [B, H, D, S]. Each head's Kᵀ is then a column-major matrix, which BLAS
// takes with the Trans flag.
func ExampleArray_Permute() {
	const B, H, S, D = 2, 4, 5, 3
	data := make([]float64, B*H*S*D)
	for i := range data {
		data[i] = float64(i)
	}
	k, err := adapter.NewArray(data, []int{B, H, S, D}, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	kt := k.Permute(0, 1, 3, 2)
	fmt.Println(kt)
	fmt.Println(k.At(1, 2, 4, 0) == kt.At(1, 2, 0, 4))

	head, err := kt.Select(0, 1).Select(0, 2).Layout() // batch 1, head 2
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(head)
	// Output:
	// shape [2 4 3 5], strides [60 15 1 3], offset 0
	// true
	// col-major 3×5, ld=3, offset 90 (contiguous)
}

// A bias vector broadcast over a batch: stride 0 on the new axis, so the
// view reads the same three elements for every row and refuses writes.
func ExampleArray_BroadcastTo() {
	bias, err := adapter.NewArray([]float64{0.5, -1, 2}, []int{3}, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := bias.BroadcastTo(4, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b)
	fmt.Println(b.At(0, 1), b.At(3, 1), b.Overlapping())

	_, err = bias.BroadcastTo(4, 2)
	fmt.Println(errors.Is(err, adapter.ErrShape))
	// Output:
	// shape [4 3], strides [0 1], offset 0
	// -1 -1 true
	// true
}

// Matrix merges axes into rows and columns as NumPy's reshape does without a
// copy: the C-order 2×3×4 array is the 6×4 and the 2×12 matrix. Axes that a
// transpose has reordered do not merge, and Matrix says so instead of
// copying.
func ExampleArray_Matrix() {
	data := make([]float64, 24)
	a, err := adapter.NewArray(data, []int{2, 3, 4}, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := a.Matrix(2)
	fmt.Println(l, err)
	l, err = a.Matrix(1)
	fmt.Println(l, err)

	// [3, 2, 4]: axis 0 (stride 4) does not continue axis 1 (stride 12).
	_, err = a.Permute(1, 0, 2).Matrix(1)
	fmt.Println(errors.Is(err, adapter.ErrNotMatrix))
	// Output:
	// row-major 6×4, ld=4 (contiguous) <nil>
	// row-major 2×12, ld=12 (contiguous) <nil>
	// true
}
