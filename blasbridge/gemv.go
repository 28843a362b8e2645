package blasbridge

import (
	"fmt"
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
)

// Gemv computes y = alpha·A·x + beta·y for A in any layout. A row-major A
// goes to BLAS as is, a column-major one with the trans flag: GEMV never
// copies a matrix that has a BLAS view, since copying costs 8–37× the
// product. Only a general-strided A is packed. Vectors take any nonzero
// increment (negative walks backwards, as in BLAS); an x with increment 0 (a
// broadcast) is packed. A y that shares an element with A or x is computed
// through scratch.
// Errors, with nothing written, for layouts or vectors outside their data,
// mismatched lengths, a y with increment 0, and sizes the backend cannot take.
func Gemv(alpha float64, a adapter.Strided, x blas64.Vector, beta float64, y blas64.Vector) (Plan, error) {
	be := active.Load()
	return gemv(be, be.Float64.Dgemv, alpha, a.Data, a.Layout, vec[float64]{x.N, x.Inc, x.Data}, beta, vec[float64]{y.N, y.Inc, y.Data})
}

// Gemv32 is Gemv for float32 operands.
func Gemv32(alpha float32, a adapter.Strided32, x blas32.Vector, beta float32, y blas32.Vector) (Plan, error) {
	be := active.Load()
	return gemv(be, be.Float32.Sgemv, alpha, a.Data, a.Layout, vec[float32]{x.N, x.Inc, x.Data}, beta, vec[float32]{y.N, y.Inc, y.Data})
}

type vec[T float] struct {
	n, inc int
	data   []T
}

// layout describes a vector as an n×1 layout with BLAS's convention that a
// negative increment starts from the end.
func (v vec[T]) layout() adapter.Layout {
	l := adapter.Layout{Rows: v.n, Cols: 1, RowStride: v.inc, ColStride: 1}
	if v.inc < 0 {
		l.Offset = (v.n - 1) * -v.inc
	}
	return l
}

func (v vec[T]) check(name string) error {
	if v.n <= 0 {
		return fmt.Errorf("%w: %s has length %d", ErrVector, name, v.n)
	}
	if err := v.layout().Check(len(v.data)); err != nil {
		return fmt.Errorf("%w: %s (N=%d, Inc=%d, len %d): %w", ErrVector, name, v.n, v.inc, len(v.data), err)
	}
	return nil
}

type gemvFunc[T float] func(tA blas.Transpose, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int)

func gemv[T float](be *Backend, kernel gemvFunc[T], alpha T, ad []T, al adapter.Layout, x vec[T], beta T, y vec[T]) (Plan, error) {
	if err := al.Check(len(ad)); err != nil {
		//lint:ignore ST1005 "A" names the matrix operand, as in Gemm's errors.
		return Plan{}, fmt.Errorf("A: %w", err)
	}
	if err := x.check("x"); err != nil {
		return Plan{}, err
	}
	if err := y.check("y"); err != nil {
		return Plan{}, err
	}
	m, n := al.Rows, al.Cols
	if x.n != n || y.n != m {
		return Plan{}, fmt.Errorf("%w: A %d×%d · x(%d) → y(%d)", ErrShape, m, n, x.n, y.n)
	}
	if y.inc == 0 && m > 1 {
		return Plan{}, fmt.Errorf("%w: y has increment 0", ErrAliasedOutput)
	}
	if be.MaxDim < math.MaxInt {
		for _, d := range [...]int{m, n, abs(al.RowStride), abs(al.ColStride), abs(x.inc), abs(y.inc)} {
			if d > be.MaxDim {
				return Plan{}, fmt.Errorf("%w: %d > %d on %s", ErrTooLarge, d, be.MaxDim, be.Name)
			}
		}
	}

	var zero T
	size := int(unsafe.Sizeof(zero))
	yl, xl := y.layout(), x.layout()
	p := Plan{M: m, N: n, K: 1, Backend: be.Name, gemv: true, C: Direct, c: yl}
	c := al.Canonical()
	switch al.Order() {
	case adapter.RowMajor:
		p.A = Operand{Layout: al, LD: c.RowStride}
	case adapter.ColMajor:
		p.A = Operand{Layout: al, Trans: true, LD: c.ColStride}
	default:
		// Pack in the order of the smaller stride.
		colMajor := al.FastAxis() == 0
		p.A = Operand{Layout: al, Trans: colMajor, Packed: true, LD: n}
		if colMajor {
			p.A.LD = m
		}
		p.CopiedBytes += m * n * size
	}
	p.xPacked = x.inc == 0 && n > 1
	if p.xPacked {
		p.CopiedBytes += n * size
	}
	if budget := aliasBudget(m); sharesElement(y.data, yl, ad, al, budget) || sharesElement(y.data, yl, x.data, xl, budget) {
		p.C = Scratch
		p.aliased = true
		p.CopiedBytes += m * size
		if beta != 0 {
			p.CopiedBytes += m * size
		}
	}

	av, sa := operandView(p.A, ad, m, n)
	defer releaseScratch(sa)
	xd, incX := x.data, x.inc
	if x.inc == 0 {
		if p.xPacked {
			s := getScratch[T](n)
			defer putScratch(s)
			for i := range *s {
				(*s)[i] = x.data[0]
			}
			xd = *s
		}
		incX = 1
	}
	yd, incY := y.data, y.inc
	if y.inc == 0 {
		incY = 1 // m == 1: a single element
	}
	if p.C == Scratch {
		s := getScratch[T](m)
		defer putScratch(s)
		if beta != 0 {
			gather(*s, y.data, yl, false)
		}
		yd, incY = *s, 1
	}
	if p.A.Trans {
		// A's storage is the row-major n×m view of Aᵀ.
		kernel(blas.Trans, n, m, alpha, av, p.A.LD, xd, incX, beta, yd, incY)
	} else {
		kernel(blas.NoTrans, m, n, alpha, av, p.A.LD, xd, incX, beta, yd, incY)
	}
	if p.C == Scratch {
		scatter(y.data, yl, yd, false)
	}
	return p, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
