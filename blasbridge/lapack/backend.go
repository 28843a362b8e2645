package lapack

import (
	"math"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	glapack "gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// Float64 is a LAPACK for float64 matrices stored in the order its Backend
// names (row-major for Gonum's LAPACK, column-major for Fortran LAPACK).
// Each method computes what the LAPACK routine of its name computes on the
// logical matrices, as Gonum's lapack.Float64 methods of the same names do,
// except that:
//
//   - pivots (ipiv) are 0-based, as in Gonum;
//   - routines that can fail return LAPACK's INFO: 0 on success, k > 0
//     for a failure at the 1-based index k (the zero pivot U(k,k), the
//     leading minor of order k, the zero diagonal element, or for the
//     SVD and eigensolver the number of values that did not converge);
//   - lwork == -1 is a workspace query that stores the optimal length in
//     work[0].
//
// Arguments are valid when the package calls them: implementations may
// panic on invalid ones.
type Float64 interface {
	Dgetrf(m, n int, a []float64, lda int, ipiv []int) (info int)
	Dgetrs(trans blas.Transpose, n, nrhs int, a []float64, lda int, ipiv []int, b []float64, ldb int)
	Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int)
	Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int)
	Dorgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int)
	Dorglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int)
	Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int)
	Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int)
	Dgels(trans blas.Transpose, m, n, nrhs int, a []float64, lda int, b []float64, ldb int, work []float64, lwork int) (info int)
	Dpotrf(ul blas.Uplo, n int, a []float64, lda int) (info int)
	Dpotrs(ul blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int)
	Dtrtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float64, lda int, b []float64, ldb int) (info int)
	Dgesvd(jobU, jobVT glapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) (info int)
	Dsyev(jobz glapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) (info int)
}

// Float32 is Float64 for float32 matrices, with the routines' S names.
type Float32 interface {
	Sgetrf(m, n int, a []float32, lda int, ipiv []int) (info int)
	Sgetrs(trans blas.Transpose, n, nrhs int, a []float32, lda int, ipiv []int, b []float32, ldb int)
	Sgeqrf(m, n int, a []float32, lda int, tau, work []float32, lwork int)
	Sgelqf(m, n int, a []float32, lda int, tau, work []float32, lwork int)
	Sorgqr(m, n, k int, a []float32, lda int, tau, work []float32, lwork int)
	Sorglq(m, n, k int, a []float32, lda int, tau, work []float32, lwork int)
	Sormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int)
	Sormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int)
	Sgels(trans blas.Transpose, m, n, nrhs int, a []float32, lda int, b []float32, ldb int, work []float32, lwork int) (info int)
	Spotrf(ul blas.Uplo, n int, a []float32, lda int) (info int)
	Spotrs(ul blas.Uplo, n, nrhs int, a []float32, lda int, b []float32, ldb int)
	Strtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float32, lda int, b []float32, ldb int) (info int)
	Sgesvd(jobU, jobVT glapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) (info int)
	Ssyev(jobz glapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) (info int)
}

// DivideAndConquer64 is implemented by a Float64 that also has LAPACK's
// divide-and-conquer drivers, several times faster than Dgesvd and Dsyev
// when vectors are wanted. The package uses them when present: Dgesdd when
// U and V are both wanted thin, both full or both not at all (jobz is
// lapack.SVDStore, SVDAll or SVDNone), Dsyevd always. Implementations
// manage the integer workspace themselves.
type DivideAndConquer64 interface {
	Dgesdd(jobz glapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) (info int)
	Dsyevd(jobz glapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) (info int)
}

// DivideAndConquer32 is DivideAndConquer64 for a Float32.
type DivideAndConquer32 interface {
	Sgesdd(jobz glapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) (info int)
	Ssyevd(jobz glapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) (info int)
}

// Backend is a LAPACK implementation and the storage order it takes.
type Backend struct {
	// Name identifies the backend in plans ("gonum", "netlib").
	Name string
	// ColMajor is true when the implementations take column-major
	// (Fortran) storage, false when they take row-major storage (Gonum).
	// A matrix stored the other way reaches LAPACK as its transpose.
	ColMajor bool
	// Float64 runs the float64 routines.
	Float64 Float64
	// Float32 runs the float32 routines. When it is nil, float32 problems
	// are widened to float64 (one copy of each operand, which the plan
	// reports) and the results narrowed back.
	Float32 Float32
	// MaxDim is the largest dimension, leading dimension or workspace
	// length the backend takes: math.MaxInt32 for LAPACKE.
	MaxDim int
}

// Gonum is the default backend: Gonum's pure-Go LAPACK
// (gonum.org/v1/gonum/lapack/gonum), row-major, float64 only, over
// whatever BLAS blas64 uses. Nothing to install.
var Gonum = Backend{
	Name:    "gonum",
	Float64: gonumLAPACK{},
	MaxDim:  math.MaxInt,
}

// state is the active backend with its kernels boxed once, so that calls do
// not allocate to reach them.
type state struct {
	be  Backend
	k64 kernels[float64]
	k32 kernels[float32] // nil when be.Float32 is nil: float32 is widened
}

var active atomic.Pointer[state]

func init() { SetBackend(Gonum) }

// SetBackend makes b the backend of later calls and returns the one it
// replaces. The blasbridge/netlib package calls it when imported. It is safe
// for concurrent use; a factorization keeps the backend it was computed with
// for its solves and extractions. It panics if b.Float64 is nil or b.MaxDim
// is not positive.
func SetBackend(b Backend) Backend {
	if b.Float64 == nil || b.MaxDim <= 0 {
		panic("lapack: SetBackend with a nil Float64 or a non-positive MaxDim")
	}
	s := &state{be: b, k64: newK64(b.Float64)}
	if b.Float32 != nil {
		s.k32 = newK32(b.Float32)
	}
	old := active.Swap(s)
	if old == nil {
		return Backend{}
	}
	return old.be
}

// Active returns the backend in use.
func Active() Backend { return active.Load().be }

// gonumLAPACK adapts Gonum's pure-Go LAPACK, which reports failure as a bool,
// to Float64, which reports LAPACK's INFO: the failing index is recovered
// from the factor's diagonal, where Gonum (like LAPACK) leaves it.
type gonumLAPACK struct{}

var impl gonum.Implementation

// Dgetrf runs Gonum's Dgetrf and returns LAPACK's INFO.
func (gonumLAPACK) Dgetrf(m, n int, a []float64, lda int, ipiv []int) int {
	if impl.Dgetrf(m, n, a, lda, ipiv) {
		return 0
	}
	// U(k,k) == 0 exactly for the first failing k; row-major storage.
	return firstDiag(min(m, n), a, lda+1, func(v float64) bool { return v == 0 })
}

// Dgetrs runs Gonum's Dgetrs.
func (gonumLAPACK) Dgetrs(trans blas.Transpose, n, nrhs int, a []float64, lda int, ipiv []int, b []float64, ldb int) {
	impl.Dgetrs(trans, n, nrhs, a, lda, ipiv, b, ldb)
}

// Dgeqrf runs Gonum's Dgeqrf.
func (gonumLAPACK) Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	impl.Dgeqrf(m, n, a, lda, tau, work, lwork)
}

// Dgelqf runs Gonum's Dgelqf.
func (gonumLAPACK) Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	impl.Dgelqf(m, n, a, lda, tau, work, lwork)
}

// Dorgqr runs Gonum's Dorgqr.
func (gonumLAPACK) Dorgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	impl.Dorgqr(m, n, k, a, lda, tau, work, lwork)
}

// Dorglq runs Gonum's Dorglq.
func (gonumLAPACK) Dorglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	impl.Dorglq(m, n, k, a, lda, tau, work, lwork)
}

// Dormqr runs Gonum's Dormqr.
func (gonumLAPACK) Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	impl.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

// Dormlq runs Gonum's Dormlq.
func (gonumLAPACK) Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	impl.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

// Dgels runs Gonum's Dgels and returns LAPACK's INFO.
func (gonumLAPACK) Dgels(trans blas.Transpose, m, n, nrhs int, a []float64, lda int, b []float64, ldb int, work []float64, lwork int) int {
	if impl.Dgels(trans, m, n, nrhs, a, lda, b, ldb, work, lwork) || lwork == -1 {
		return 0
	}
	// The triangular factor (R or L) has an exact zero on its diagonal.
	return firstDiag(min(m, n), a, lda+1, func(v float64) bool { return v == 0 })
}

// Dpotrf runs Gonum's Dpotrf and returns LAPACK's INFO.
func (gonumLAPACK) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) int {
	if impl.Dpotrf(ul, n, a, lda) {
		return 0
	}
	// Gonum, as LAPACK, stores the failing non-positive (or NaN) pivot on
	// the diagonal; every earlier diagonal element is a positive square
	// root, every later one is untouched input.
	return firstDiag(n, a, lda+1, func(v float64) bool { return !(v > 0) })
}

// Dpotrs runs Gonum's Dpotrs.
func (gonumLAPACK) Dpotrs(ul blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	impl.Dpotrs(ul, n, nrhs, a, lda, b, ldb)
}

// Dtrtrs runs Gonum's Dtrtrs and returns LAPACK's INFO.
func (gonumLAPACK) Dtrtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float64, lda int, b []float64, ldb int) int {
	if impl.Dtrtrs(ul, trans, diag, n, nrhs, a, lda, b, ldb) {
		return 0
	}
	return firstDiag(n, a, lda+1, func(v float64) bool { return v == 0 })
}

// Dgesvd runs Gonum's Dgesvd and returns LAPACK's INFO.
func (gonumLAPACK) Dgesvd(jobU, jobVT glapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) int {
	if impl.Dgesvd(jobU, jobVT, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork) || lwork == -1 {
		return 0
	}
	return 1 // Gonum does not say how many did not converge
}

// Dsyev runs Gonum's Dsyev and returns LAPACK's INFO.
func (gonumLAPACK) Dsyev(jobz glapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) int {
	if impl.Dsyev(jobz, ul, n, a, lda, w, work, lwork) || lwork == -1 {
		return 0
	}
	return 1
}

// firstDiag returns the 1-based index of the first of n diagonal elements
// (step apart in a) for which bad is true. Gonum reported a failure, so one
// is; 1 stands in should none be.
func firstDiag(n int, a []float64, step int, bad func(float64) bool) int {
	for k := range n {
		if bad(a[k*step]) {
			return k + 1
		}
	}
	return 1
}
