package lapack_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge/lapack"
	"github.com/strider-go/strider/colmajor"
)

// A column-major system, as Fortran or NumPy's order='F' stores it, solved
// with no copy of A: LAPACK factors A's storage as Aᵀ and solves with the
// trans flag. With Overwrite the buffer holds the LU factors afterwards.
func Example() {
	// A = [[4 1 0] [1 4 1] [0 1 4]], column by column.
	data := []float64{4, 1, 0, 1, 4, 1, 0, 1, 4}
	a, err := colmajor.New(data, 3, 3, 3)
	if err != nil {
		panic(err)
	}
	b := mat.NewVecDense(3, []float64{5, 6, 5})
	var x mat.VecDense
	plan, err := lapack.Solve(&x, a, b, lapack.Overwrite)
	if err != nil {
		panic(err)
	}
	fmt.Printf("x = %.4g\n", mat.Formatted(x.T()))
	fmt.Println("A copied:", plan.A.CopiedBytes, "bytes; transposed:", plan.Transposed)
	fmt.Printf("A's buffer now holds the factors: %.4g\n", data)
	// Output:
	// x = [1  1  1]
	// A copied: 0 bytes; transposed: true
	// A's buffer now holds the factors: [4 1 0 0.25 3.75 1 0 0.2667 3.733]
}

// Factor once, solve many: with A·X = B and Aᵀ·X = B from one
// factorization. Preserve copies A once and leaves it as it was.
func ExampleLU_Factorize() {
	a := mat.NewDense(2, 2, []float64{2, 1, 1, 3})
	var lu lapack.LU
	plan, err := lu.Factorize(a, lapack.Preserve)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan)
	b := mat.NewDense(2, 1, []float64{3, 4})
	var x, xt mat.Dense
	if _, err := lu.SolveTo(&x, false, b); err != nil {
		panic(err)
	}
	if _, err := lu.SolveTo(&xt, true, b); err != nil {
		panic(err)
	}
	fmt.Printf("det %.4g, x %.4g, xᵀ-solve %.4g\n", lu.Det(), mat.Formatted(x.T()), mat.Formatted(xt.T()))
	// Output:
	// dgetrf (gonum) · A: copied 32 B (Preserve: LAPACK overwrites its input), row-major 2×2, ld=2 (contiguous) · copied 32 B
	// det 5, x [1  1], xᵀ-solve [1  1]
}

// Singular input is named: which pivot, and of which matrix.
func ExampleLU_Factorize_singular() {
	a := mat.NewDense(2, 2, []float64{1, 2, 2, 4})
	var lu lapack.LU
	_, err := lu.Factorize(a, lapack.Preserve)
	fmt.Println(err)
	// Output:
	// lapack: matrix is singular: U(1,1) is exactly zero (pivot 2 of 2) in the LU factorization of A
}

// Fit y = c0 + c1·t by least squares to data stored column-major (the
// design matrix's columns are the ones and the times): gels runs on the
// storage as Aᵀ with its trans flag.
func ExampleLeastSquares() {
	design := []float64{
		1, 1, 1, 1, // the constant column
		0, 1, 2, 3, // t
	}
	a, err := colmajor.New(design, 4, 2, 4)
	if err != nil {
		panic(err)
	}
	y := mat.NewVecDense(4, []float64{1, 3, 5, 7.5})
	var c mat.VecDense
	plan, err := lapack.LeastSquares(&c, a, y, lapack.Preserve)
	if err != nil {
		panic(err)
	}
	fmt.Printf("c0 = %.3f, c1 = %.3f\n", c.AtVec(0), c.AtVec(1))
	fmt.Println(plan.Routine, "on Aᵀ:", plan.Transposed)
	// Output:
	// c0 = 0.900, c1 = 2.150
	// dgels on Aᵀ: true
}

// A general strided matrix — here every other row of a buffer, reversed —
// has no LAPACK view: it is copied once, and the plan says so.
func ExampleQR_Factorize() {
	buf := []float64{
		3, 4, // row 0
		-1, -1, // skipped
		1, 0, // row 1
		-1, -1,
		0, 2, // row 2
	}
	a := &adapter.Strided{Data: buf, Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: -4, ColStride: 1, Offset: 8}}
	var qr lapack.QR
	plan, err := qr.Factorize(a, lapack.Overwrite)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.A.Why, plan.A.CopiedBytes, "bytes")
	var r mat.Dense
	if err := qr.RTo(&r); err != nil {
		panic(err)
	}
	fmt.Printf("|R(0,0)| = %.4g\n", abs(r.At(0, 0)))
	// Output:
	// general strided: no LAPACK view 48 bytes
	// |R(0,0)| = 3.162
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Cholesky reads one triangle only: here the lower one of a column-major
// matrix whose upper triangle holds something else. With Overwrite the
// factor L replaces the lower triangle in place; the upper is untouched.
func ExampleCholesky_Factorize() {
	data := []float64{
		4, 2, // column 0: a00 a10
		-99, 5, // column 1: (unused) a11
	}
	a, err := colmajor.New(data, 2, 2, 2)
	if err != nil {
		panic(err)
	}
	var c lapack.Cholesky
	if _, err := c.Factorize(a, blas.Lower, lapack.Overwrite); err != nil {
		panic(err)
	}
	fmt.Printf("buffer %.4g, log det %.4g\n", data, c.LogDet())
	// Output:
	// buffer [2 1 -99 2], log det 2.773
}

// U and V come back as views where LAPACK left them: for a column-major A
// on Gonum's row-major LAPACK, U is column-major and V row-major.
func ExampleSVD_Factorize() {
	a, err := colmajor.New([]float64{3, 0, 0, -2}, 2, 2, 2)
	if err != nil {
		panic(err)
	}
	var s lapack.SVD
	plan, err := s.Factorize(a, mat.SVDThin, lapack.Preserve)
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.Routine, "on Aᵀ:", plan.Transposed)
	fmt.Printf("values %.4g, U %T, V %T\n", s.Values(nil), s.U(), s.V())
	// Output:
	// dgesvd on Aᵀ: true
	// values [3 2], U *colmajor.Dense, V *mat.Dense
}

// Eigenvalues of a symmetric matrix from its upper triangle.
func ExampleEigenSym_Factorize() {
	a := mat.NewDense(2, 2, []float64{2, 1, 0, 2}) // lower triangle unused
	var e lapack.EigenSym
	if _, err := e.Factorize(a, blas.Upper, true, lapack.Overwrite); err != nil {
		panic(err)
	}
	fmt.Printf("%.4g\n", e.Values(nil))
	// Output:
	// [1 3]
}

// float32 data runs in float32 on a backend with float32 LAPACK; on Gonum's
// it is widened to float64 and the plan says so.
func ExampleSolve32() {
	a, err := colmajor.New32([]float32{2, 0, 0, 4}, 2, 2, 2)
	if err != nil {
		panic(err)
	}
	b := &adapter.Strided32{Data: []float32{2, 8}, Layout: adapter.Layout{Rows: 2, Cols: 1, RowStride: 1, ColStride: 1}}
	x := &adapter.Strided32{Data: make([]float32, 2), Layout: b.Layout}
	plan, err := lapack.Solve32(x, a, b, lapack.Overwrite)
	if err != nil {
		panic(err)
	}
	fmt.Println(x.Data, plan.A.Why)
	// Output:
	// [1 2] widened to float64: the backend has no float32 LAPACK
}
