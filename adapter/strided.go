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
// swapped. No data moves. Transposed returns the same as a Strided.
func (s *Strided) T() mat.Matrix {
	t := s.Transposed()
	return &t
}

// Transposed returns the transpose of s as a Strided over the same data,
// the strides swapped; T returns it as a mat.Matrix, as Gonum's interface
// requires. No data moves.
func (s *Strided) Transposed() Strided {
	return Strided{Data: s.Data, Layout: s.Layout.T()}
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

// Matrix32 is the float32 counterpart of the reading half of mat.Matrix,
// which Gonum defines for float64 only. *Strided32 and *colmajor.Dense32
// implement it; Wrap32 returns one.
type Matrix32 interface {
	Dims() (r, c int)
	At(i, j int) float32
}

var (
	_ Matrix32 = (*Strided32)(nil)
	_ Matrix32 = (*colmajor.Dense32)(nil)
)

// Strided32 is Strided for float32 buffers, for the float32 BLAS paths
// (blas32). It has the methods of Strided except T, since Gonum's mat is
// float64 only: Transposed is its transpose.
type Strided32 struct {
	Data   []float32
	Layout Layout
}

// NewStrided32 is NewStrided for float32.
func NewStrided32(data []float32, l Layout) (*Strided32, error) {
	if err := l.Check(len(data)); err != nil {
		return nil, err
	}
	return &Strided32{Data: data, Layout: l}, nil
}

// Wrap32 is Wrap for float32: it returns data in layout l as
// *colmajor.Dense32 when l is ColMajor, and as *Strided32 otherwise (Gonum
// has no float32 row-major matrix type; General returns the blas32.General
// of a row-major one). It checks l as Wrap does and never copies.
func Wrap32(data []float32, l Layout) (Matrix32, error) {
	if err := l.Check(len(data)); err != nil {
		return nil, err
	}
	if l.Order() == ColMajor {
		c := l.Canonical()
		m, err := colmajor.New32(data[c.Offset:], c.Rows, c.Cols, c.ColStride)
		if err != nil {
			return nil, err // not reached: l is checked
		}
		return m, nil
	}
	return &Strided32{Data: data, Layout: l}, nil
}

// Dims returns the number of rows and columns.
func (s *Strided32) Dims() (r, c int) { return s.Layout.Rows, s.Layout.Cols }

// At returns element (i, j). It panics if i or j is outside the matrix.
func (s *Strided32) At(i, j int) float32 {
	s.check(i, j)
	return s.Data[s.Layout.Index(i, j)]
}

// Set sets element (i, j) to v. It panics as (*Strided).Set does.
func (s *Strided32) Set(i, j int, v float32) {
	s.check(i, j)
	if s.Layout.Overlaps() {
		panic(fmt.Sprintf("adapter: Set through a layout whose elements share addresses (%v): read-only", s.Layout))
	}
	s.Data[s.Layout.Index(i, j)] = v
}

// Transposed returns the transpose of s over the same data, the strides
// swapped. No data moves.
func (s *Strided32) Transposed() Strided32 {
	return Strided32{Data: s.Data, Layout: s.Layout.T()}
}

func (s *Strided32) check(i, j int) {
	if uint(i) >= uint(s.Layout.Rows) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(s.Layout.Cols) {
		panic(mat.ErrColAccess)
	}
}
