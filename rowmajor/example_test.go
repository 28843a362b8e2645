package rowmajor_test

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/rowmajor"
)

// New wraps the top-right 2×3 block of a 3×4 row-major array as a
// *mat.Dense: no copy, and the leading dimension stays 4.
func ExampleNew() {
	data := []float64{
		0, 1, 2, 3,
		0, 4, 5, 6,
		0, 0, 0, 0,
	}
	m, err := rowmajor.New(data[1:], 2, 3, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v\n\n", mat.Formatted(m))

	// The matrix and data share memory.
	m.Scale(10, m)
	fmt.Println(data)

	// A buffer one element too short is an error, not a panic.
	_, err = rowmajor.New(data[1:7], 2, 3, 4)
	fmt.Println(errors.Is(err, rowmajor.ErrOutOfBounds))

	// Output:
	// ⎡1  2  3⎤
	// ⎣4  5  6⎦
	//
	// [0 10 20 30 0 40 50 60 0 0 0 0]
	// true
}

// General gives the same view as a blas64.General, for calling BLAS
// directly: here y = A·x for the 2×2 block of a 2×3 buffer.
func ExampleGeneral() {
	data := []float64{
		1, 2, 9,
		3, 4, 9,
	}
	a, err := rowmajor.General(data, 2, 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := blas64.Vector{N: 2, Inc: 1, Data: []float64{1, 1}}
	y := blas64.Vector{N: 2, Inc: 1, Data: make([]float64, 2)}
	blas64.Gemv(blas.NoTrans, 1, a, x, 0, y)
	fmt.Println(y.Data)

	// The view ends at its last element, so BLAS never sees the final 9.
	fmt.Println(a.Data)

	// Output:
	// [3 7]
	// [1 2 9 3 4]
}

// General32 wraps float32 data for blas32: here C = A·Aᵀ for the 2×2 block
// of a 2×3 buffer.
func ExampleGeneral32() {
	data := []float32{
		1, 2, 9,
		3, 4, 9,
	}
	a, err := rowmajor.General32(data, 2, 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, a, 0, c)
	fmt.Println(c.Data)

	// Output:
	// [5 11 11 25]
}

// Slice takes a sub-block of a blas64.General without copying: it keeps the
// stride and ends at the block's last element.
func ExampleSlice() {
	data := []float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	g, err := rowmajor.General(data, 3, 3, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := rowmajor.Slice(g, 1, 3, 1, 3)
	fmt.Println(s.Rows, s.Cols, s.Stride, s.Data)

	s.Data[0] = 50
	fmt.Println(data[4])

	// Output:
	// 2 2 3 [5 6 7 8 9]
	// 50
}
