package adapter

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/colmajor"
)

// Conversions between strider's strided types and Gonum's storage types.
// Each one returns a header over the same Data; none copies. The float64 and
// float32 twins sit side by side:
//
//	Gonum / BLAS storage           → strider                 → Gonum / BLAS storage
//	StridedOf(mat.Matrix)          Strided                   (*Strided).General, GeneralCols, Wrap
//	FromGeneral(blas64.General)    Strided                   (*Strided).General
//	FromGeneralCols(GeneralCols)   Strided                   (*Strided).GeneralCols
//	FromGeneral32(blas32.General)  Strided32                 (*Strided32).General
//	FromGeneralCols32(GeneralCols) Strided32                 (*Strided32).GeneralCols
//	Strided32Of(*colmajor.Dense32) Strided32                 Wrap32
//	ArrayOf(mat.Matrix)            Array[float64] (rank 2)   StridedView
//	(*Strided).Array               Array[float64] (rank 2)   StridedView
//	(*Strided32).Array             Array[float32] (rank 2)   Strided32View

// StridedOf returns a zero-copy Strided view of m when m has storage
// strider can describe:
//
//	*mat.Dense (any mat.RawMatrixer)  row-major, RowStride = Stride
//	*colmajor.Dense                   col-major, ColStride = LD
//	*Strided                          itself
//	mat.Transpose, or any mat.Untransposer, of one of these: its transpose
//
// It returns false for any other matrix and for an empty one (Gonum's
// zero-value Dense); those have no storage to share. Writing through the
// view changes m.
func StridedOf(m mat.Matrix) (Strided, bool) {
	switch m := m.(type) {
	case *Strided:
		return *m, true
	case *colmajor.Dense:
		if m.IsEmpty() {
			return Strided{}, false
		}
		return FromGeneralCols(m.RawGeneralCols()), true
	case mat.RawMatrixer:
		g := m.RawMatrix()
		if g.Rows == 0 || g.Cols == 0 {
			return Strided{}, false
		}
		return FromGeneral(g), true
	case mat.Untransposer:
		s, ok := StridedOf(m.Untranspose())
		if !ok {
			return Strided{}, false
		}
		return s.Transposed(), true
	}
	return Strided{}, false
}

// ArrayOf returns m as a rank-2 Array sharing its storage, for the matrices
// StridedOf accepts; false otherwise. StridedView is the way back.
func ArrayOf(m mat.Matrix) (Array[float64], bool) {
	s, ok := StridedOf(m)
	if !ok {
		return Array[float64]{}, false
	}
	return s.Array(), true
}

// FromGeneral returns the row-major matrix g as a Strided over g.Data:
//
//	Layout{Rows: g.Rows, Cols: g.Cols, RowStride: g.Stride, ColStride: 1}
//
// It trusts g as Gonum does (g comes from the program, not from outside);
// NewStrided or Layout.Check validate a layout that did not.
func FromGeneral(g blas64.General) Strided {
	return Strided{Data: g.Data, Layout: Layout{Rows: g.Rows, Cols: g.Cols, RowStride: g.Stride, ColStride: 1}}
}

// FromGeneral32 is FromGeneral for float32.
func FromGeneral32(g blas32.General) Strided32 {
	return Strided32{Data: g.Data, Layout: Layout{Rows: g.Rows, Cols: g.Cols, RowStride: g.Stride, ColStride: 1}}
}

// FromGeneralCols returns the column-major matrix g as a Strided over
// g.Data:
//
//	Layout{Rows: g.Rows, Cols: g.Cols, RowStride: 1, ColStride: g.Stride}
func FromGeneralCols(g blas64.GeneralCols) Strided {
	return Strided{Data: g.Data, Layout: Layout{Rows: g.Rows, Cols: g.Cols, RowStride: 1, ColStride: g.Stride}}
}

// FromGeneralCols32 is FromGeneralCols for float32.
func FromGeneralCols32(g blas32.GeneralCols) Strided32 {
	return Strided32{Data: g.Data, Layout: Layout{Rows: g.Rows, Cols: g.Cols, RowStride: 1, ColStride: g.Stride}}
}

// Strided32Of returns the column-major m as a Strided32 sharing its data,
// the float32 counterpart of StridedOf for *colmajor.Dense (float32 has no
// mat.Matrix to accept in general).
func Strided32Of(m *colmajor.Dense32) Strided32 {
	return FromGeneralCols32(m.RawGeneralCols())
}

// General returns s as a row-major blas64.General sharing s.Data, when its
// layout is RowMajor (after canonicalising size-1 dimensions); false
// otherwise, and for a layout outside s.Data. The General's Data starts at the first element and ends at the
// last one, so BLAS length checks pass.
func (s *Strided) General() (blas64.General, bool) {
	lo, hi, ok := rowMajorSpan(s.Layout, len(s.Data))
	if !ok {
		return blas64.General{}, false
	}
	c := s.Layout.Canonical()
	return blas64.General{Rows: c.Rows, Cols: c.Cols, Stride: c.RowStride, Data: s.Data[lo:hi]}, true
}

// GeneralCols returns s as a column-major blas64.GeneralCols sharing
// s.Data, when its layout is ColMajor; false otherwise.
func (s *Strided) GeneralCols() (blas64.GeneralCols, bool) {
	lo, hi, ok := rowMajorSpan(s.Layout.T(), len(s.Data))
	if !ok {
		return blas64.GeneralCols{}, false
	}
	c := s.Layout.T().Canonical() // the row-major Aᵀ; canonicalising A itself could leave Stride < Rows
	return blas64.GeneralCols{Rows: c.Cols, Cols: c.Rows, Stride: c.RowStride, Data: s.Data[lo:hi]}, true
}

// General is (*Strided).General for float32.
func (s *Strided32) General() (blas32.General, bool) {
	lo, hi, ok := rowMajorSpan(s.Layout, len(s.Data))
	if !ok {
		return blas32.General{}, false
	}
	c := s.Layout.Canonical()
	return blas32.General{Rows: c.Rows, Cols: c.Cols, Stride: c.RowStride, Data: s.Data[lo:hi]}, true
}

// GeneralCols is (*Strided).GeneralCols for float32.
func (s *Strided32) GeneralCols() (blas32.GeneralCols, bool) {
	lo, hi, ok := rowMajorSpan(s.Layout.T(), len(s.Data))
	if !ok {
		return blas32.GeneralCols{}, false
	}
	c := s.Layout.T().Canonical()
	return blas32.GeneralCols{Rows: c.Cols, Cols: c.Rows, Stride: c.RowStride, Data: s.Data[lo:hi]}, true
}

// rowMajorSpan returns the Data range [lo, hi) of a RowMajor layout that
// lies in a buffer of n elements: from its first element to just past its
// last. It is false for any other layout.
func rowMajorSpan(l Layout, n int) (lo, hi int, ok bool) {
	if l.Order() != RowMajor || l.Check(n) != nil {
		return 0, 0, false
	}
	c := l.Canonical()
	return c.Offset, c.Offset + (c.Rows-1)*c.RowStride + c.Cols, true
}
