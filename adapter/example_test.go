package adapter_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// A Fortran-order 2×3 array as NumPy describes it: strides (8, 16) bytes.
func ExampleFromNumPy() {
	l, err := adapter.FromNumPy([]int{2, 3}, []int{8, 16}, 8, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Rows, l.Cols, l.RowStride, l.ColStride, l.Offset)
	fmt.Println(l.Order())
	fmt.Println(l)
	// Output:
	// 2 3 1 2 0
	// col-major
	// col-major 2×3, ld=2 (contiguous)
}

// Wrap hands back the Gonum type that reaches BLAS best for each layout,
// sharing the buffer.
func ExampleWrap() {
	data := []float64{1, 2, 3, 4, 5, 6}
	for _, l := range []adapter.Layout{
		{Rows: 2, Cols: 3, RowStride: 3, ColStride: 1},             // C order
		{Rows: 2, Cols: 3, RowStride: 1, ColStride: 2},             // Fortran order
		{Rows: 2, Cols: 3, RowStride: -3, ColStride: 1, Offset: 3}, // a[::-1]
	} {
		m, err := adapter.Wrap(data, l)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-16T %v  %v\n", m, mat.Formatted(m, mat.FormatMATLAB()), l)
	}
	// Output:
	// *mat.Dense       [1 2 3; 4 5 6]  row-major 2×3, ld=3 (contiguous)
	// *colmajor.Dense  [1 3 5; 2 4 6]  col-major 2×3, ld=2 (contiguous)
	// *adapter.Strided [4 5 6; 1 2 3]  general 2×3, strides (-3, 1), offset 3 (reversed rows)
}

// Bad layouts from outside the program are errors, never panics.
func ExampleLayout_Check() {
	l := adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}
	fmt.Println(l.Check(12))
	_, err := adapter.FromNumPy([]int{3, 4}, []int{12, 8}, 8, 0)
	fmt.Println(err)
	// Output:
	// strider: layout reaches outside the buffer: element offset 12 needs 13 elements, buffer has 12
	// strider: byte stride or offset not a multiple of the item size: stride 12 bytes on axis 0, item size 8
}

// Visit walks the elements in memory order, whatever the strides.
func ExampleLayout_Visit() {
	l := adapter.Layout{Rows: 2, Cols: 3, RowStride: 1, ColStride: -2, Offset: 4}
	l.Visit(func(i, j, k int) { fmt.Printf("(%d,%d)@%d ", i, j, k) })
	fmt.Println()
	// Output:
	// (0,2)@0 (1,2)@1 (0,1)@2 (1,1)@3 (0,0)@4 (1,0)@5
}

// A broadcast row reads fine, and refuses writes.
func ExampleNewStrided() {
	row := []float64{1, 2, 3}
	s, err := adapter.NewStrided(row, adapter.Layout{Rows: 2, Cols: 3, RowStride: 0, ColStride: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Layout, mat.Formatted(s, mat.FormatMATLAB()))
	defer func() { fmt.Println("recovered:", recover() != nil) }()
	s.Set(0, 0, 9)
	// Output:
	// general 2×3, strides (0, 1) (broadcast rows) [1 2 3; 1 2 3]
	// recovered: true
}
