package lapacktest

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge/lapack"
)

// The handles below run the float64 or the float32 API behind one set of
// functions, so that every test is written once for both. Arguments are
// what buffer.arg returns (or any other matrix the API takes); they are
// asserted to mat.Matrix or adapter.Matrix32 as the precision needs.

func m64(a any) mat.Matrix {
	if a == nil {
		return nil
	}
	return a.(mat.Matrix)
}

func m32(a any) adapter.Matrix32 {
	if a == nil {
		return nil
	}
	return a.(adapter.Matrix32)
}

type luH struct {
	factorize  func(a any, mode lapack.Mode) (lapack.Plan, error)
	solveTo    func(dst any, trans bool, b any) (lapack.Plan, error)
	det        func() float64
	transposed func() bool
}

func newLU[T float]() luH {
	if is64[T]() {
		lu := new(lapack.LU)
		return luH{
			factorize:  func(a any, mode lapack.Mode) (lapack.Plan, error) { return lu.Factorize(m64(a), mode) },
			solveTo:    func(dst any, trans bool, b any) (lapack.Plan, error) { return lu.SolveTo(m64(dst), trans, m64(b)) },
			det:        lu.Det,
			transposed: lu.Transposed,
		}
	}
	lu := new(lapack.LU32)
	return luH{
		factorize:  func(a any, mode lapack.Mode) (lapack.Plan, error) { return lu.Factorize(m32(a), mode) },
		solveTo:    func(dst any, trans bool, b any) (lapack.Plan, error) { return lu.SolveTo(m32(dst), trans, m32(b)) },
		det:        lu.Det,
		transposed: lu.Transposed,
	}
}

func solve[T float](dst, a, b any, mode lapack.Mode) (lapack.Plan, error) {
	if is64[T]() {
		return lapack.Solve(m64(dst), m64(a), m64(b), mode)
	}
	return lapack.Solve32(m32(dst), m32(a), m32(b), mode)
}

func leastSquares[T float](dst, a, b any, mode lapack.Mode) (lapack.Plan, error) {
	if is64[T]() {
		return lapack.LeastSquares(m64(dst), m64(a), m64(b), mode)
	}
	return lapack.LeastSquares32(m32(dst), m32(a), m32(b), mode)
}

type qrH struct {
	factorize func(a any, mode lapack.Mode) (lapack.Plan, error)
	qTo, rTo  func(dst any) error
	solveTo   func(dst, b any) (lapack.Plan, error)
}

func newQR[T float]() qrH {
	if is64[T]() {
		qr := new(lapack.QR)
		return qrH{
			factorize: func(a any, mode lapack.Mode) (lapack.Plan, error) { return qr.Factorize(m64(a), mode) },
			qTo:       func(dst any) error { return qr.QTo(m64(dst)) },
			rTo:       func(dst any) error { return qr.RTo(m64(dst)) },
			solveTo:   func(dst, b any) (lapack.Plan, error) { return qr.SolveTo(m64(dst), m64(b)) },
		}
	}
	qr := new(lapack.QR32)
	return qrH{
		factorize: func(a any, mode lapack.Mode) (lapack.Plan, error) { return qr.Factorize(m32(a), mode) },
		qTo:       func(dst any) error { return qr.QTo(m32(dst)) },
		rTo:       func(dst any) error { return qr.RTo(m32(dst)) },
		solveTo:   func(dst, b any) (lapack.Plan, error) { return qr.SolveTo(m32(dst), m32(b)) },
	}
}

type cholH struct {
	factorize func(a any, ul blas.Uplo, mode lapack.Mode) (lapack.Plan, error)
	solveTo   func(dst, b any) (lapack.Plan, error)
	lTo       func(dst any) error
	logDet    func() float64
}

func newChol[T float]() cholH {
	if is64[T]() {
		c := new(lapack.Cholesky)
		return cholH{
			factorize: func(a any, ul blas.Uplo, mode lapack.Mode) (lapack.Plan, error) {
				return c.Factorize(m64(a), ul, mode)
			},
			solveTo: func(dst, b any) (lapack.Plan, error) { return c.SolveTo(m64(dst), m64(b)) },
			lTo:     func(dst any) error { return c.LTo(m64(dst)) },
			logDet:  c.LogDet,
		}
	}
	c := new(lapack.Cholesky32)
	return cholH{
		factorize: func(a any, ul blas.Uplo, mode lapack.Mode) (lapack.Plan, error) {
			return c.Factorize(m32(a), ul, mode)
		},
		solveTo: func(dst, b any) (lapack.Plan, error) { return c.SolveTo(m32(dst), m32(b)) },
		lTo:     func(dst any) error { return c.LTo(m32(dst)) },
		logDet:  c.LogDet,
	}
}

type svdH struct {
	factorize func(a any, kind mat.SVDKind, mode lapack.Mode) (lapack.Plan, error)
	values    func() []float64
	u, v      func() reader
	uTo, vTo  func(dst any) error
}

func newSVD[T float]() svdH {
	if is64[T]() {
		s := new(lapack.SVD)
		return svdH{
			factorize: func(a any, kind mat.SVDKind, mode lapack.Mode) (lapack.Plan, error) {
				return s.Factorize(m64(a), kind, mode)
			},
			values: func() []float64 { return s.Values(nil) },
			u:      func() reader { return readerOf(s.U()) },
			v:      func() reader { return readerOf(s.V()) },
			uTo:    func(dst any) error { return s.UTo(m64(dst)) },
			vTo:    func(dst any) error { return s.VTo(m64(dst)) },
		}
	}
	s := new(lapack.SVD32)
	return svdH{
		factorize: func(a any, kind mat.SVDKind, mode lapack.Mode) (lapack.Plan, error) {
			return s.Factorize(m32(a), kind, mode)
		},
		values: func() []float64 { return widen(s.Values(nil)) },
		u:      func() reader { return readerOf(s.U()) },
		v:      func() reader { return readerOf(s.V()) },
		uTo:    func(dst any) error { return s.UTo(m32(dst)) },
		vTo:    func(dst any) error { return s.VTo(m32(dst)) },
	}
}

type eigH struct {
	factorize func(a any, ul blas.Uplo, vectors bool, mode lapack.Mode) (lapack.Plan, error)
	values    func() []float64
	vectors   func() reader
	vectorsTo func(dst any) error
}

func newEig[T float]() eigH {
	if is64[T]() {
		e := new(lapack.EigenSym)
		return eigH{
			factorize: func(a any, ul blas.Uplo, vectors bool, mode lapack.Mode) (lapack.Plan, error) {
				return e.Factorize(m64(a), ul, vectors, mode)
			},
			values:    func() []float64 { return e.Values(nil) },
			vectors:   func() reader { return readerOf(e.Vectors()) },
			vectorsTo: func(dst any) error { return e.VectorsTo(m64(dst)) },
		}
	}
	e := new(lapack.EigenSym32)
	return eigH{
		factorize: func(a any, ul blas.Uplo, vectors bool, mode lapack.Mode) (lapack.Plan, error) {
			return e.Factorize(m32(a), ul, vectors, mode)
		},
		values:    func() []float64 { return widen(e.Values(nil)) },
		vectors:   func() reader { return readerOf(e.Vectors()) },
		vectorsTo: func(dst any) error { return e.VectorsTo(m32(dst)) },
	}
}

func widen(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}
