package blasbridge

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
)

// Mul computes dst = a·b for Gonum matrices of any kind, planned as Gemm
// plans it: each operand reaches BLAS through its own storage with the
// trans flag it needs, and only what has no view is copied. It returns the
// plan.
//
// An operand's storage is found through its type, under transposes
// (mat.Transpose, any mat.Untransposer):
//
//	*mat.Dense, any mat.RawMatrixer     row-major
//	*colmajor.Dense                     column-major (its Aᵀ view, trans flag)
//	*adapter.Strided                    any strides: a BLAS view, or packed
//	*mat.VecDense, any mat.RawVectorer  a column with stride Inc
//
// Any other mat.Matrix (mat.SymDense, mat.TriDense, a type of the
// program's) is copied by Gonum (mat.Dense.Copy) into row-major scratch,
// which the plan reports as that operand packed.
//
// dst must have storage of one of those kinds, which Mul writes through:
// anything else is an error naming its type. An empty *mat.Dense or
// *colmajor.Dense is sized to the product, as their own Mul methods do.
// dst may share memory with a or b: an output sharing an element with an
// input is computed through scratch (Gemm's rule), where mat.Dense.Mul
// panics on a partial overlap.
//
// On Gonum's BLAS this matters most for column-major operands:
// mat.Dense.Mul on two *colmajor.Dense runs Gonum's TT GEMM at about a
// tenth of its NN rate. Mul computes a column-major dst as dstᵀ = bᵀ·aᵀ,
// NN on the stored data with no copy, and a row-major one with fast flags
// at the price of one n² copy (an operand packed, or the output through
// scratch) instead of the n³ slowdown.
//
// Mul panics with mat.ErrShape if a's columns do not match b's rows or a
// non-empty dst is not a's rows × b's columns, and with mat.ErrZeroLength
// for an operand with no elements, as Gonum does. It returns Gemm's errors
// for an *adapter.Strided whose layout lies outside its data (a layout from
// outside the program), and for an output whose elements share addresses.
func Mul(dst, a, b mat.Matrix) (Plan, error) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ac != br {
		panic(mat.ErrShape)
	}
	if ar == 0 || ac == 0 || bc == 0 {
		panic(mat.ErrZeroLength)
	}
	switch d := dst.(type) {
	case nil:
		return Plan{}, fmt.Errorf("%w: dst is nil", ErrNotWritable)
	case *mat.Dense:
		if d.IsEmpty() {
			d.ReuseAs(ar, bc)
		}
	case *colmajor.Dense:
		if d.IsEmpty() {
			*d = *colmajor.NewDense(ar, bc)
		}
	}
	c, ok := matrixView(dst)
	if !ok {
		return Plan{}, fmt.Errorf("%w: dst is a %T", ErrNotWritable, dst)
	}
	if c.Layout.Rows != ar || c.Layout.Cols != bc {
		panic(mat.ErrShape)
	}

	av, sa := operandOf(a, ar, ac)
	bv, sb := operandOf(b, br, bc)
	p, err := Gemm(1, av, bv, 0, c)
	releaseScratch(sa)
	releaseScratch(sb)
	if err != nil {
		return Plan{}, err
	}
	// A copy made here is that operand packed, seen by Gemm as row-major.
	if sa != nil {
		p.A.Packed = true
		p.CopiedBytes += ar * ac * 8
	}
	if sb != nil {
		p.B.Packed = true
		p.CopiedBytes += br * bc * 8
	}
	return p, nil
}

// operandOf returns the r×c matrix m as a Strided over its own storage, or,
// for a matrix without one, over a row-major copy in pooled scratch, which
// it also returns for releaseScratch.
func operandOf(m mat.Matrix, r, c int) (adapter.Strided, *[]float64) {
	if s, ok := matrixView(m); ok {
		return s, nil
	}
	s := getScratch[float64](r * c)
	mat.NewDense(r, c, *s).Copy(m)
	return adapter.Strided{Data: *s, Layout: adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}}, s
}

// matrixView returns the storage behind m as a Strided: what
// adapter.StridedOf finds, and vectors (mat.RawVectorer) as columns, under
// transposes. It is false for matrices without such storage and for empty
// ones.
func matrixView(m mat.Matrix) (adapter.Strided, bool) {
	// The common types first, without StridedOf's interface tests.
	switch m := m.(type) {
	case *colmajor.Dense:
		if !m.IsEmpty() {
			return adapter.FromGeneralCols(m.RawGeneralCols()), true
		}
	case *mat.Dense:
		if !m.IsEmpty() {
			return adapter.FromGeneral(m.RawMatrix()), true
		}
	}
	transposed := false
	for range 8 { // transposes of transposes, not forever
		s, ok := adapter.StridedOf(m)
		if !ok {
			switch v := m.(type) {
			case mat.RawVectorer:
				rv := v.RawVector()
				if rv.N == 0 {
					return adapter.Strided{}, false
				}
				s.Data, s.Layout = rv.Data, adapter.Layout{Rows: rv.N, Cols: 1, RowStride: rv.Inc, ColStride: 1}
				if rv.Inc < 0 {
					s.Layout.Offset = (rv.N - 1) * -rv.Inc // BLAS: a negative increment starts from the end
				}
				ok = true
			case mat.Untransposer:
				m, transposed = v.Untranspose(), !transposed
				continue
			}
		}
		if ok && transposed {
			s = s.Transposed()
		}
		return s, ok
	}
	return adapter.Strided{}, false
}
