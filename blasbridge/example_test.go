package blasbridge_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/colmajor"
)

// PlanGemm shows, without touching data, how each operand would reach BLAS
// and what would be copied. Row-major and column-major operands go as they
// are; a column-major output is computed as Cᵀ = Bᵀ·Aᵀ in place; a reversed
// operand has no BLAS view and is packed.
func ExamplePlanGemm() {
	const n = 512
	row := adapter.Layout{Rows: n, Cols: n, RowStride: n, ColStride: 1}
	col := adapter.Layout{Rows: n, Cols: n, RowStride: 1, ColStride: n}
	reversed := adapter.Layout{Rows: n, Cols: n, RowStride: -n, ColStride: 1, Offset: (n - 1) * n}

	for _, tc := range []struct {
		name    string
		a, b, c adapter.Layout
	}{
		{"row-major", row, row, row},
		{"col-major", col, col, col},
		{"reversed A", reversed, row, row},
	} {
		p, err := blasbridge.PlanGemm(tc.a, tc.b, tc.c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s:\n\t%v\n", tc.name, p)
	}
	// Output:
	// row-major:
	// 	A: no-trans · B: no-trans · C: direct output · copied 0 B
	// col-major:
	// 	A: trans (col-major, ld=512) · B: trans (col-major, ld=512) · C: transposed output · copied 0 B
	// reversed A:
	// 	A: packed row-major (general), no-trans · B: no-trans · C: direct output · copied 2.0 MiB
}

// A column-major A straight from a Fortran buffer, times a row-major B, into
// a column-major C: BLAS gets trans flags, and nothing is copied.
func ExampleGemm() {
	// A is 2×3, stored column by column as Fortran does.
	//	Data: [a00 a10 | a01 a11 | a02 a12]
	fortran := []float64{1, 2, 3, 4, 5, 6}
	a := adapter.Strided{Data: fortran, Layout: adapter.Layout{Rows: 2, Cols: 3, RowStride: 1, ColStride: 2}}
	b := adapter.Strided{Data: []float64{
		1, 0,
		0, 1,
		1, 1,
	}, Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 2, ColStride: 1}}
	c := adapter.Strided{Data: make([]float64, 4), Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 1, ColStride: 2}}

	p, err := blasbridge.Gemm(1, a, b, 0, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("A =\n%v\n\n", mat.Formatted(&a))
	fmt.Printf("C = A·B =\n%v\n\n", mat.Formatted(&c))
	fmt.Println("C's storage, column by column:", c.Data)
	fmt.Println(p)
	// Output:
	// A =
	// ⎡1  3  5⎤
	// ⎣2  4  6⎦
	//
	// C = A·B =
	// ⎡ 6   8⎤
	// ⎣ 8  10⎦
	//
	// C's storage, column by column: [6 8 8 10]
	// A: trans (col-major, ld=2) · B: no-trans · C: transposed output · copied 0 B
}

// GEMV with a column-major A, an x taking every other element of its
// buffer, and a y written backwards (a negative increment, as in BLAS).
// GEMV never copies a matrix that has a BLAS view.
func ExampleGemv() {
	a := adapter.Strided{Data: []float64{1, 2, 3, 4, 5, 6}, Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 1, ColStride: 3}}
	x := blas64.Vector{N: 2, Inc: 2, Data: []float64{1, -99, 1}}
	y := blas64.Vector{N: 3, Inc: -1, Data: make([]float64, 3)}

	p, err := blasbridge.Gemv(1, a, x, 0, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("A =\n%v\n", mat.Formatted(&a))
	fmt.Println("y = A·x stored backwards:", y.Data)
	fmt.Println(p)
	// Output:
	// A =
	// ⎡1  4⎤
	// ⎢2  5⎥
	// ⎣3  6⎦
	// y = A·x stored backwards: [9 7 5]
	// A: trans (col-major, ld=3) · x: as is · y: direct output · copied 0 B
}

// Mul takes whatever Gonum matrices the program holds. Here A and B come
// from Fortran, column by column, and the product goes into a column-major
// C: computed as Cᵀ = Bᵀ·Aᵀ, NN on the stored data, with nothing copied —
// where mat.Dense.Mul would run Gonum's slow TT GEMM. A mat.Transpose of a
// row-major matrix, or an adapter.Strided, would do as well.
func ExampleMul() {
	a, err := colmajor.New([]float64{1, 2, 3, 4, 5, 6}, 2, 3, 2) // 2×3
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := colmajor.New([]float64{1, 0, 1, 0, 1, 1}, 3, 2, 3) // 3×2
	if err != nil {
		fmt.Println(err)
		return
	}
	storage := make([]float64, 4)
	c, err := colmajor.New(storage, 2, 2, 2)
	if err != nil {
		fmt.Println(err)
		return
	}

	p, err := blasbridge.Mul(c, a, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("C = A·B =\n%v\n", mat.Formatted(c))
	fmt.Println("C's storage, column by column:", storage)
	fmt.Println(p)

	// A destination with no storage to write through is an error.
	_, err = blasbridge.Mul(mat.NewSymDense(2, nil), a, b)
	fmt.Println(err)
	// Output:
	// C = A·B =
	// ⎡ 6   8⎤
	// ⎣ 8  10⎦
	// C's storage, column by column: [6 8 8 10]
	// A: trans (col-major, ld=2) · B: trans (col-major, ld=3) · C: transposed output · copied 0 B
	// blasbridge: destination has no storage to write: dst is a *mat.SymDense
}
