package adapter

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/rowmajor"
)

var (
	_ mat.Matrix  = (*Strided)(nil)
	_ mat.Mutable = (*Strided)(nil)
)

// Strided is a matrix of any layout over a float64 buffer it shares with the
// caller: reversed, broadcast, stepped or overlapping. It is read through At,
// so Gonum treats it as a general Matrix; Wrap returns a BLAS-ready type
// instead whenever the layout allows.
type Strided struct {
	Data   []float64
	Layout Layout
}

// NewStrided returns a Strided over data after checking that every element
// of l lies in data. It never copies.
func NewStrided(data []float64, l Layout) (*Strided, error) {
	if err := l.Check(len(data)); err != nil {
		return nil, err
	}
	return &Strided{Data: data, Layout: l}, nil
}

// Dims returns the number of rows and columns.
func (s *Strided) Dims() (r, c int) { return s.Layout.Rows, s.Layout.Cols }

// At returns element (i, j). It panics if i or j is outside the matrix.
func (s *Strided) At(i, j int) float64 {
	s.check(i, j)
	return s.Data[s.Layout.Index(i, j)]
}

// Set sets element (i, j) to v. It panics if i or j is outside the matrix, and
// if the layout's elements share addresses (a broadcast or overlapping
// layout), since a write there would change other elements too.
func (s *Strided) Set(i, j int, v float64) {
	s.check(i, j)
	if s.Layout.Overlaps() {
		panic(fmt.Sprintf("adapter: Set through a layout whose elements share addresses (%v): read-only", s.Layout))
	}
	s.Data[s.Layout.Index(i, j)] = v
}

// T returns the transpose of s: a Strided over the same data with the strides
// swapped. No data moves.
func (s *Strided) T() mat.Matrix {
	return &Strided{Data: s.Data, Layout: s.Layout.T()}
}

func (s *Strided) check(i, j int) {
	if uint(i) >= uint(s.Layout.Rows) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(s.Layout.Cols) {
		panic(mat.ErrColAccess)
	}
}

// Wrap returns data in layout l as the Gonum matrix that reaches BLAS best,
// without copying:
//
//	RowMajor → *mat.Dense (BLAS NoTrans)
//	ColMajor → *colmajor.Dense (Gonum passes blas.Trans)
//	General  → *Strided (read through At)
//
// Size-1 dimensions are canonicalised first, so a single row or column is
// never General for the sake of a meaningless stride. Wrap returns an error,
// never a panic, for a layout outside data, a non-positive dimension, or
// arithmetic that overflows.
func Wrap(data []float64, l Layout) (mat.Matrix, error) {
	if err := l.Check(len(data)); err != nil {
		return nil, err
	}
	c := l.Canonical()
	switch l.Order() {
	case RowMajor:
		return rowmajor.New(data[c.Offset:], c.Rows, c.Cols, c.RowStride)
	case ColMajor:
		return colmajor.New(data[c.Offset:], c.Rows, c.Cols, c.ColStride)
	}
	return &Strided{Data: data, Layout: l}, nil
}

// Strided32 is a float32 buffer in any layout, for the float32 BLAS paths
// (blas32). It has no Gonum Matrix methods, since Gonum's mat is float64.
type Strided32 struct {
	Data   []float32
	Layout Layout
}

// At returns element (i, j). It panics if i or j is outside the matrix.
func (s *Strided32) At(i, j int) float32 {
	if uint(i) >= uint(s.Layout.Rows) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(s.Layout.Cols) {
		panic(mat.ErrColAccess)
	}
	return s.Data[s.Layout.Index(i, j)]
}
