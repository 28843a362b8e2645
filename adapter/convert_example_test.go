package adapter_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
)

// StridedOf views Gonum's and strider's matrices, and their transposes, as
// one Strided type without copying.
func ExampleStridedOf() {
	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	f, _ := colmajor.New([]float64{1, 4, 2, 5, 3, 6}, 2, 3, 2)
	// f.T() is the *mat.Dense row-major view of fᵀ.
	for _, m := range []mat.Matrix{a, a.T(), f, f.T(), mat.NewDiagDense(2, nil)} {
		s, ok := adapter.StridedOf(m)
		if !ok {
			fmt.Printf("%-15T no strided view\n", m)
			continue
		}
		fmt.Printf("%-15T %v\n", m, s.Layout)
	}
	s, _ := adapter.StridedOf(a.T())
	s.Set(2, 1, 60) // writes a[1, 2]
	fmt.Println(a.At(1, 2))
	// Output:
	// *mat.Dense      row-major 2×3, ld=3 (contiguous)
	// mat.Transpose   col-major 3×2, ld=3 (contiguous)
	// *colmajor.Dense col-major 2×3, ld=2 (contiguous)
	// *mat.Dense      row-major 3×2, ld=2 (contiguous)
	// *mat.DiagDense  no strided view
	// 60
}

// FromGeneral32 and General convert between blas32 storage and Strided32;
// Transposed swaps the strides.
func ExampleFromGeneral32() {
	g := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{1, 2, 3, 4, 5, 6}}
	s := adapter.FromGeneral32(g)
	t := s.Transposed()
	fmt.Println(t.Layout, t.At(2, 0))
	if gc, ok := t.GeneralCols(); ok {
		fmt.Println(gc.Rows, gc.Cols, gc.Stride)
	}
	// Output:
	// col-major 3×2, ld=3 (contiguous) 3
	// 3 2 3
}
