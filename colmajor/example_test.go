package colmajor_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/colmajor"
)

// New wraps a buffer in Fortran (column-major) order without copying it.
// Gonum prints it and multiplies it like any other matrix, passing the BLAS
// trans flag instead of transposing the data.
func ExampleNew() {
	// The 2×3 matrix [1 3 5; 2 4 6], stored column by column.
	data := []float64{1, 2, 3, 4, 5, 6}
	a, err := colmajor.New(data, 2, 3, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("a = %v\n\n", mat.Formatted(a, mat.Prefix("    ")))

	b := mat.NewDense(3, 1, []float64{1, 0, -1})
	var c mat.Dense
	c.Mul(a, b)
	fmt.Printf("a·b = %v\n", mat.Formatted(&c, mat.Prefix("      ")))

	// Output:
	// a = ⎡1  3  5⎤
	//     ⎣2  4  6⎦
	//
	// a·b = ⎡-4⎤
	//       ⎣-4⎦
}

// New32 wraps float32 column-major data; TGeneral hands it to blas32 as the
// row-major transpose, with no copy.
func ExampleNew32() {
	// The 2×2 matrix [1 3; 2 4] with leading dimension 3: the 0 is padding.
	data := []float32{1, 2, 0, 3, 4}
	a, err := colmajor.New32(data, 2, 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.At(0, 1), a.RawColView(1), a.RowView(0).Inc)

	// TGeneral is aᵀ stored row-major, so y = a·x is Gemv with blas.Trans.
	x := blas32.Vector{N: 2, Inc: 1, Data: []float32{1, 1}}
	y := blas32.Vector{N: 2, Inc: 1, Data: make([]float32, 2)}
	blas32.Gemv(blas.Trans, 1, a.TGeneral(), x, 0, y)
	fmt.Println(y.Data)

	// Output:
	// 3 [3 4] 3
	// [4 6]
}

// Mul stores a product straight into column-major storage, whatever the
// layouts of its operands.
func ExampleDense_Mul() {
	a := mat.NewDense(2, 2, []float64{
		1, 2,
		3, 4,
	})
	b, err := colmajor.New([]float64{1, 0, 1, 1}, 2, 2, 2) // [1 1; 0 1]
	if err != nil {
		fmt.Println(err)
		return
	}
	var c colmajor.Dense
	c.Mul(a, b)
	fmt.Printf("%v\n", mat.Formatted(&c))
	fmt.Println(c.RawGeneralCols().Data)

	// Output:
	// ⎡1  3⎤
	// ⎣3  7⎦
	// [1 3 3 7]
}

// TView is the transpose as a row-major *mat.Dense over the same memory:
// the view Gonum itself uses, and a way to hand column-major data to code
// that wants a *mat.Dense.
func ExampleDense_TView() {
	data := []float64{1, 2, 3, 4, 5, 6} // [1 3 5; 2 4 6]
	a, err := colmajor.New(data, 2, 3, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	t := a.TView()
	fmt.Printf("aᵀ = %v\n", mat.Formatted(t, mat.Prefix("     ")))

	t.Set(2, 0, 50) // element (0, 2) of a
	fmt.Println(a.At(0, 2), data)

	// Output:
	// aᵀ = ⎡1  2⎤
	//      ⎢3  4⎥
	//      ⎣5  6⎦
	// 50 [1 2 3 4 50 6]
}

// DenseCopyOf copies any Gonum matrix into new column-major storage, ready
// to pass to Fortran or LAPACK.
func ExampleDenseCopyOf() {
	a := mat.NewDense(2, 3, []float64{
		1, 2, 3,
		4, 5, 6,
	})
	c := colmajor.DenseCopyOf(a)
	fmt.Println(c.RawGeneralCols().Data)

	// The copy shares nothing with a.
	a.Set(0, 0, 100)
	fmt.Println(c.At(0, 0))

	// Output:
	// [1 4 2 5 3 6]
	// 1
}

// Slice views a sub-block without copying: it keeps the leading dimension,
// and writes land in the parent's buffer.
func ExampleDense_Slice() {
	data := []float64{
		1, 2, 3, // column 0
		4, 5, 6, // column 1
		7, 8, 9, // column 2
	}
	a, err := colmajor.New(data, 3, 3, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := a.Slice(1, 3, 1, 3)
	fmt.Printf("%v\n", mat.Formatted(s))
	fmt.Println(s.LD())

	s.Set(0, 0, 50)
	fmt.Println(data)

	// Output:
	// ⎡5  8⎤
	// ⎣6  9⎦
	// 3
	// [1 2 3 4 50 6 7 8 9]
}

// Gonum's own column-major descriptor wraps without a copy, unlike
// blas64.General.From, which copies it into row-major storage.
func ExampleNewGeneralCols() {
	g := blas64.GeneralCols{Rows: 2, Cols: 2, Stride: 3, Data: []float64{1, 2, -1, 3, 4}}
	a, err := colmajor.NewGeneralCols(g)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(mat.Formatted(a, mat.FormatMATLAB()))
	// Output:
	// [1 3; 2 4]
}

// NewDense allocates column-major storage, ld = rows.
func ExampleNewDense() {
	a := colmajor.NewDense(2, 3)
	a.Set(1, 2, 7)
	fmt.Println(a.LD(), a.RawGeneralCols().Data)
	// Output:
	// 2 [0 0 0 0 0 7]
}

// Dense32CopyOf converts row-major float32 data to column-major, copying.
func ExampleDense32CopyOf() {
	g := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{1, 2, 3, 4, 5, 6}}
	a := colmajor.Dense32CopyOf(g)
	fmt.Println(a.RawGeneralCols().Data)
	// Output:
	// [1 4 2 5 3 6]
}
