//go:build netlib && cgo

package netlib

/*
#cgo LDFLAGS: -llapacke
#include <lapacke.h>
*/
import "C"

import (
	"fmt"
	"math"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	netliblapack "gonum.org/v1/netlib/lapack/netlib"

	stlapack "github.com/strider-go/strider/blasbridge/lapack"
)

var (
	_ stlapack.Float64            = LAPACK{}
	_ stlapack.Float32            = LAPACK{}
	_ stlapack.DivideAndConquer64 = LAPACK{}
	_ stlapack.DivideAndConquer32 = LAPACK{}
	_ lapack.Float64              = boundedLAPACK{}
)

// LAPACK is the LAPACK the system links (Debian: OpenBLAS's, through
// LAPACKE; liblapacke-dev), called column-major, as Fortran LAPACK stores
// matrices, so that LAPACKE passes the caller's arrays straight through.
// (LAPACKE's row-major entry points, which gonum.org/v1/netlib's bindings
// call, transpose every array into a temporary and back.) It implements
// strider's blasbridge/lapack backend interfaces, float64 and float32, with
// the divide-and-conquer drivers; every call holds a slot of the package
// semaphore while inside LAPACK, as the level-3 BLAS calls do.
//
// Pivots are 0-based, as in Gonum; the methods convert them, and manage
// LAPACK's integer workspaces, in pooled buffers.
type LAPACK struct{}

// init installs the LAPACK backends: strider's blasbridge/lapack on LAPACK
// (column-major, no copies), and Gonum's lapack64 — behind mat.LU, mat.QR,
// mat.SVD, mat.Cholesky and the rest — on gonum.org/v1/netlib's bindings
// over the same library, bounded by the semaphore.
func init() {
	stlapack.SetBackend(stlapack.Backend{
		Name:     "netlib",
		ColMajor: true,
		Float64:  LAPACK{},
		Float32:  LAPACK{},
		MaxDim:   math.MaxInt32,
	})
	lapack64.Use(boundedLAPACK{})
}

const colMajor = C.LAPACK_COL_MAJOR

// ci converts a dimension to LAPACK's 32-bit int. blasbridge/lapack refuses
// larger dimensions before calling (Backend.MaxDim), so a panic here is a
// bug.
func ci(x int) C.lapack_int {
	if x > math.MaxInt32 || x < math.MinInt32 {
		panic(fmt.Sprintf("netlib: %d does not fit LAPACK's 32-bit int", x))
	}
	return C.lapack_int(x)
}

func pd(a []float64) *C.double {
	if len(a) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&a[0]))
}

func ps(a []float32) *C.float {
	if len(a) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&a[0]))
}

func transChar(t blas.Transpose) C.char {
	switch t {
	case blas.NoTrans:
		return 'N'
	case blas.Trans:
		return 'T'
	}
	panic("netlib: bad transpose")
}

func sideChar(s blas.Side) C.char {
	switch s {
	case blas.Left:
		return 'L'
	case blas.Right:
		return 'R'
	}
	panic("netlib: bad side")
}

func uploChar(ul blas.Uplo) C.char {
	switch ul {
	case blas.Upper:
		return 'U'
	case blas.Lower:
		return 'L'
	}
	panic("netlib: bad uplo")
}

func diagChar(d blas.Diag) C.char {
	switch d {
	case blas.NonUnit:
		return 'N'
	case blas.Unit:
		return 'U'
	}
	panic("netlib: bad diag")
}

// check returns LAPACK's INFO when it reports a failure of the problem (> 0)
// and panics on an illegal argument (< 0), which blasbridge/lapack never
// passes.
func check(routine string, info C.lapack_int) int {
	if info < 0 {
		panic(fmt.Sprintf("netlib: %s: argument %d had an illegal value", routine, -info))
	}
	return int(info)
}

var int32Pool sync.Pool

// getInt32 returns a pooled []int32 of length max(1, n).
func getInt32(n int) *[]int32 {
	n = max(1, n)
	if p, ok := int32Pool.Get().(*[]int32); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]int32, n)
	return &s
}

func putInt32(p *[]int32) { int32Pool.Put(p) }

// Dgetrf computes the LU factorization with partial pivoting of the column-major m×n A; ipiv is 0-based.
func (LAPACK) Dgetrf(m, n int, a []float64, lda int, ipiv []int) int {
	piv := getInt32(min(m, n))
	defer putInt32(piv)
	acquire()
	info := C.LAPACKE_dgetrf_work(colMajor, ci(m), ci(n), pd(a), ci(lda), (*C.lapack_int)(&(*piv)[0]))
	release()
	for i, p := range (*piv)[:min(m, n)] {
		ipiv[i] = int(p) - 1
	}
	return check("Dgetrf", info)
}

// Dgetrs solves op(A)·X = B with getrf's factors; ipiv is 0-based.
func (LAPACK) Dgetrs(trans blas.Transpose, n, nrhs int, a []float64, lda int, ipiv []int, b []float64, ldb int) {
	piv := getInt32(n)
	defer putInt32(piv)
	for i, p := range ipiv[:n] {
		(*piv)[i] = int32(p + 1)
	}
	acquire()
	info := C.LAPACKE_dgetrs_work(colMajor, transChar(trans), ci(n), ci(nrhs), pd(a), ci(lda), (*C.lapack_int)(&(*piv)[0]), pd(b), ci(ldb))
	release()
	check("Dgetrs", info)
}

// Dgeqrf computes the QR factorization of A.
func (LAPACK) Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dgeqrf_work(colMajor, ci(m), ci(n), pd(a), ci(lda), pd(tau), pd(work), ci(lwork))
	release()
	check("Dgeqrf", info)
}

// Dgelqf computes the LQ factorization of A.
func (LAPACK) Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dgelqf_work(colMajor, ci(m), ci(n), pd(a), ci(lda), pd(tau), pd(work), ci(lwork))
	release()
	check("Dgelqf", info)
}

// Dorgqr generates the m×n Q of a QR factorization.
func (LAPACK) Dorgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dorgqr_work(colMajor, ci(m), ci(n), ci(k), pd(a), ci(lda), pd(tau), pd(work), ci(lwork))
	release()
	check("Dorgqr", info)
}

// Dorglq generates the m×n Q of an LQ factorization.
func (LAPACK) Dorglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dorglq_work(colMajor, ci(m), ci(n), ci(k), pd(a), ci(lda), pd(tau), pd(work), ci(lwork))
	release()
	check("Dorglq", info)
}

// Dormqr multiplies C by the Q of a QR factorization.
func (LAPACK) Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dormqr_work(colMajor, sideChar(side), transChar(trans), ci(m), ci(n), ci(k), pd(a), ci(lda), pd(tau), pd(c), ci(ldc), pd(work), ci(lwork))
	release()
	check("Dormqr", info)
}

// Dormlq multiplies C by the Q of an LQ factorization.
func (LAPACK) Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	acquire()
	info := C.LAPACKE_dormlq_work(colMajor, sideChar(side), transChar(trans), ci(m), ci(n), ci(k), pd(a), ci(lda), pd(tau), pd(c), ci(ldc), pd(work), ci(lwork))
	release()
	check("Dormlq", info)
}

// Dgels solves an over- or underdetermined full-rank least-squares problem.
func (LAPACK) Dgels(trans blas.Transpose, m, n, nrhs int, a []float64, lda int, b []float64, ldb int, work []float64, lwork int) int {
	acquire()
	info := C.LAPACKE_dgels_work(colMajor, transChar(trans), ci(m), ci(n), ci(nrhs), pd(a), ci(lda), pd(b), ci(ldb), pd(work), ci(lwork))
	release()
	return check("Dgels", info)
}

// Dpotrf computes the Cholesky factorization of the uplo triangle of A.
func (LAPACK) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) int {
	acquire()
	info := C.LAPACKE_dpotrf_work(colMajor, uploChar(ul), ci(n), pd(a), ci(lda))
	release()
	return check("Dpotrf", info)
}

// Dpotrs solves A·X = B with potrf's factor.
func (LAPACK) Dpotrs(ul blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	acquire()
	info := C.LAPACKE_dpotrs_work(colMajor, uploChar(ul), ci(n), ci(nrhs), pd(a), ci(lda), pd(b), ci(ldb))
	release()
	check("Dpotrs", info)
}

// Dtrtrs solves a triangular system, returning the index of a zero diagonal element.
func (LAPACK) Dtrtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float64, lda int, b []float64, ldb int) int {
	acquire()
	info := C.LAPACKE_dtrtrs_work(colMajor, uploChar(ul), transChar(trans), diagChar(diag), ci(n), ci(nrhs), pd(a), ci(lda), pd(b), ci(ldb))
	release()
	return check("Dtrtrs", info)
}

// Dgesvd computes the SVD of A by QR iteration.
func (LAPACK) Dgesvd(jobU, jobVT lapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) int {
	acquire()
	info := C.LAPACKE_dgesvd_work(colMajor, C.char(jobU), C.char(jobVT), ci(m), ci(n), pd(a), ci(lda), pd(s), pd(u), ci(ldu), pd(vt), ci(ldvt), pd(work), ci(lwork))
	release()
	return check("Dgesvd", info)
}

// Dsyev computes the eigenvalues, and optionally vectors, of a symmetric A.
func (LAPACK) Dsyev(jobz lapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) int {
	acquire()
	info := C.LAPACKE_dsyev_work(colMajor, C.char(jobz), uploChar(ul), ci(n), pd(a), ci(lda), pd(w), pd(work), ci(lwork))
	release()
	return check("Dsyev", info)
}

// Dgesdd computes the SVD of A by divide and conquer.
func (LAPACK) Dgesdd(jobz lapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) int {
	iw := getInt32(max(1, 8*min(m, n)))
	defer putInt32(iw)
	acquire()
	info := C.LAPACKE_dgesdd_work(colMajor, C.char(jobz), ci(m), ci(n), pd(a), ci(lda), pd(s), pd(u), ci(ldu), pd(vt), ci(ldvt), pd(work), ci(lwork), (*C.lapack_int)(&(*iw)[0]))
	release()
	return check("Dgesdd", info)
}

// Dsyevd computes the eigenvalues, and optionally vectors, of a symmetric A
// by divide and conquer.
func (LAPACK) Dsyevd(jobz lapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) int {
	liwork := 1
	if jobz == lapack.EVCompute {
		liwork = 3 + 5*n
	}
	iw := getInt32(liwork)
	defer putInt32(iw)
	if lwork == -1 {
		liwork = -1
	}
	acquire()
	info := C.LAPACKE_dsyevd_work(colMajor, C.char(jobz), uploChar(ul), ci(n), pd(a), ci(lda), pd(w), pd(work), ci(lwork), (*C.lapack_int)(&(*iw)[0]), ci(liwork))
	release()
	return check("Dsyevd", info)
}

// Sgetrf is Dgetrf for float32.
func (LAPACK) Sgetrf(m, n int, a []float32, lda int, ipiv []int) int {
	piv := getInt32(min(m, n))
	defer putInt32(piv)
	acquire()
	info := C.LAPACKE_sgetrf_work(colMajor, ci(m), ci(n), ps(a), ci(lda), (*C.lapack_int)(&(*piv)[0]))
	release()
	for i, p := range (*piv)[:min(m, n)] {
		ipiv[i] = int(p) - 1
	}
	return check("Sgetrf", info)
}

// Sgetrs is Dgetrs for float32.
func (LAPACK) Sgetrs(trans blas.Transpose, n, nrhs int, a []float32, lda int, ipiv []int, b []float32, ldb int) {
	piv := getInt32(n)
	defer putInt32(piv)
	for i, p := range ipiv[:n] {
		(*piv)[i] = int32(p + 1)
	}
	acquire()
	info := C.LAPACKE_sgetrs_work(colMajor, transChar(trans), ci(n), ci(nrhs), ps(a), ci(lda), (*C.lapack_int)(&(*piv)[0]), ps(b), ci(ldb))
	release()
	check("Sgetrs", info)
}

// Sgeqrf is Dgeqrf for float32.
func (LAPACK) Sgeqrf(m, n int, a []float32, lda int, tau, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sgeqrf_work(colMajor, ci(m), ci(n), ps(a), ci(lda), ps(tau), ps(work), ci(lwork))
	release()
	check("Sgeqrf", info)
}

// Sgelqf is Dgelqf for float32.
func (LAPACK) Sgelqf(m, n int, a []float32, lda int, tau, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sgelqf_work(colMajor, ci(m), ci(n), ps(a), ci(lda), ps(tau), ps(work), ci(lwork))
	release()
	check("Sgelqf", info)
}

// Sorgqr is Dorgqr for float32.
func (LAPACK) Sorgqr(m, n, k int, a []float32, lda int, tau, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sorgqr_work(colMajor, ci(m), ci(n), ci(k), ps(a), ci(lda), ps(tau), ps(work), ci(lwork))
	release()
	check("Sorgqr", info)
}

// Sorglq is Dorglq for float32.
func (LAPACK) Sorglq(m, n, k int, a []float32, lda int, tau, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sorglq_work(colMajor, ci(m), ci(n), ci(k), ps(a), ci(lda), ps(tau), ps(work), ci(lwork))
	release()
	check("Sorglq", info)
}

// Sormqr is Dormqr for float32.
func (LAPACK) Sormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sormqr_work(colMajor, sideChar(side), transChar(trans), ci(m), ci(n), ci(k), ps(a), ci(lda), ps(tau), ps(c), ci(ldc), ps(work), ci(lwork))
	release()
	check("Sormqr", info)
}

// Sormlq is Dormlq for float32.
func (LAPACK) Sormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int) {
	acquire()
	info := C.LAPACKE_sormlq_work(colMajor, sideChar(side), transChar(trans), ci(m), ci(n), ci(k), ps(a), ci(lda), ps(tau), ps(c), ci(ldc), ps(work), ci(lwork))
	release()
	check("Sormlq", info)
}

// Sgels is Dgels for float32.
func (LAPACK) Sgels(trans blas.Transpose, m, n, nrhs int, a []float32, lda int, b []float32, ldb int, work []float32, lwork int) int {
	acquire()
	info := C.LAPACKE_sgels_work(colMajor, transChar(trans), ci(m), ci(n), ci(nrhs), ps(a), ci(lda), ps(b), ci(ldb), ps(work), ci(lwork))
	release()
	return check("Sgels", info)
}

// Spotrf is Dpotrf for float32.
func (LAPACK) Spotrf(ul blas.Uplo, n int, a []float32, lda int) int {
	acquire()
	info := C.LAPACKE_spotrf_work(colMajor, uploChar(ul), ci(n), ps(a), ci(lda))
	release()
	return check("Spotrf", info)
}

// Spotrs is Dpotrs for float32.
func (LAPACK) Spotrs(ul blas.Uplo, n, nrhs int, a []float32, lda int, b []float32, ldb int) {
	acquire()
	info := C.LAPACKE_spotrs_work(colMajor, uploChar(ul), ci(n), ci(nrhs), ps(a), ci(lda), ps(b), ci(ldb))
	release()
	check("Spotrs", info)
}

// Strtrs is Dtrtrs for float32.
func (LAPACK) Strtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float32, lda int, b []float32, ldb int) int {
	acquire()
	info := C.LAPACKE_strtrs_work(colMajor, uploChar(ul), transChar(trans), diagChar(diag), ci(n), ci(nrhs), ps(a), ci(lda), ps(b), ci(ldb))
	release()
	return check("Strtrs", info)
}

// Sgesvd is Dgesvd for float32.
func (LAPACK) Sgesvd(jobU, jobVT lapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) int {
	acquire()
	info := C.LAPACKE_sgesvd_work(colMajor, C.char(jobU), C.char(jobVT), ci(m), ci(n), ps(a), ci(lda), ps(s), ps(u), ci(ldu), ps(vt), ci(ldvt), ps(work), ci(lwork))
	release()
	return check("Sgesvd", info)
}

// Ssyev is Dsyev for float32.
func (LAPACK) Ssyev(jobz lapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) int {
	acquire()
	info := C.LAPACKE_ssyev_work(colMajor, C.char(jobz), uploChar(ul), ci(n), ps(a), ci(lda), ps(w), ps(work), ci(lwork))
	release()
	return check("Ssyev", info)
}

// Sgesdd is Dgesdd for float32.
func (LAPACK) Sgesdd(jobz lapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) int {
	iw := getInt32(max(1, 8*min(m, n)))
	defer putInt32(iw)
	acquire()
	info := C.LAPACKE_sgesdd_work(colMajor, C.char(jobz), ci(m), ci(n), ps(a), ci(lda), ps(s), ps(u), ci(ldu), ps(vt), ci(ldvt), ps(work), ci(lwork), (*C.lapack_int)(&(*iw)[0]))
	release()
	return check("Sgesdd", info)
}

// Ssyevd is Dsyevd for float32.
func (LAPACK) Ssyevd(jobz lapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) int {
	liwork := 1
	if jobz == lapack.EVCompute {
		liwork = 3 + 5*n
	}
	iw := getInt32(liwork)
	defer putInt32(iw)
	if lwork == -1 {
		liwork = -1
	}
	acquire()
	info := C.LAPACKE_ssyevd_work(colMajor, C.char(jobz), uploChar(ul), ci(n), ps(a), ci(lda), ps(w), ps(work), ci(lwork), (*C.lapack_int)(&(*iw)[0]), ci(liwork))
	release()
	return check("Ssyevd", info)
}

// boundedLAPACK is gonum.org/v1/netlib's LAPACK bindings (row-major, through
// LAPACKE) for Gonum's lapack64, with the O(n³) routines holding a slot of
// the package semaphore while inside LAPACK; the others are short and go
// straight through.
type boundedLAPACK struct {
	netliblapack.Implementation
}

// Dgetrf is gonum.org/v1/netlib's Dgetrf, bounded.
func (impl boundedLAPACK) Dgetrf(m, n int, a []float64, lda int, ipiv []int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dgetrf(m, n, a, lda, ipiv)
}

// Dgetri is gonum.org/v1/netlib's Dgetri, bounded.
func (impl boundedLAPACK) Dgetri(n int, a []float64, lda int, ipiv []int, work []float64, lwork int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dgetri(n, a, lda, ipiv, work, lwork)
}

// Dgetrs is gonum.org/v1/netlib's Dgetrs, bounded.
func (impl boundedLAPACK) Dgetrs(trans blas.Transpose, n, nrhs int, a []float64, lda int, ipiv []int, b []float64, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Dgetrs(trans, n, nrhs, a, lda, ipiv, b, ldb)
}

// Dgecon is gonum.org/v1/netlib's Dgecon, bounded.
func (impl boundedLAPACK) Dgecon(norm lapack.MatrixNorm, n int, a []float64, lda int, anorm float64, work []float64, iwork []int) float64 {
	acquire()
	defer release()
	return impl.Implementation.Dgecon(norm, n, a, lda, anorm, work, iwork)
}

// Dgeqrf is gonum.org/v1/netlib's Dgeqrf, bounded.
func (impl boundedLAPACK) Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dgeqrf(m, n, a, lda, tau, work, lwork)
}

// Dgelqf is gonum.org/v1/netlib's Dgelqf, bounded.
func (impl boundedLAPACK) Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dgelqf(m, n, a, lda, tau, work, lwork)
}

// Dormqr is gonum.org/v1/netlib's Dormqr, bounded.
func (impl boundedLAPACK) Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

// Dormlq is gonum.org/v1/netlib's Dormlq, bounded.
func (impl boundedLAPACK) Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

// Dorgqr is gonum.org/v1/netlib's Dorgqr, bounded.
func (impl boundedLAPACK) Dorgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dorgqr(m, n, k, a, lda, tau, work, lwork)
}

// Dorglq is gonum.org/v1/netlib's Dorglq, bounded.
func (impl boundedLAPACK) Dorglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	acquire()
	defer release()
	impl.Implementation.Dorglq(m, n, k, a, lda, tau, work, lwork)
}

// Dpotrf is gonum.org/v1/netlib's Dpotrf, bounded.
func (impl boundedLAPACK) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dpotrf(ul, n, a, lda)
}

// Dpotri is gonum.org/v1/netlib's Dpotri, bounded.
func (impl boundedLAPACK) Dpotri(uplo blas.Uplo, n int, a []float64, lda int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dpotri(uplo, n, a, lda)
}

// Dpotrs is gonum.org/v1/netlib's Dpotrs, bounded.
func (impl boundedLAPACK) Dpotrs(uplo blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Dpotrs(uplo, n, nrhs, a, lda, b, ldb)
}

// Dpocon is gonum.org/v1/netlib's Dpocon, bounded.
func (impl boundedLAPACK) Dpocon(uplo blas.Uplo, n int, a []float64, lda int, anorm float64, work []float64, iwork []int) float64 {
	acquire()
	defer release()
	return impl.Implementation.Dpocon(uplo, n, a, lda, anorm, work, iwork)
}

// Dpstrf is gonum.org/v1/netlib's Dpstrf, bounded.
func (impl boundedLAPACK) Dpstrf(uplo blas.Uplo, n int, a []float64, lda int, piv []int, tol float64, work []float64) (rank int, ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dpstrf(uplo, n, a, lda, piv, tol, work)
}

// Dtrtri is gonum.org/v1/netlib's Dtrtri, bounded.
func (impl boundedLAPACK) Dtrtri(uplo blas.Uplo, diag blas.Diag, n int, a []float64, lda int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dtrtri(uplo, diag, n, a, lda)
}

// Dtrtrs is gonum.org/v1/netlib's Dtrtrs, bounded.
func (impl boundedLAPACK) Dtrtrs(uplo blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float64, lda int, b []float64, ldb int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dtrtrs(uplo, trans, diag, n, nrhs, a, lda, b, ldb)
}

// Dtrcon is gonum.org/v1/netlib's Dtrcon, bounded.
func (impl boundedLAPACK) Dtrcon(norm lapack.MatrixNorm, uplo blas.Uplo, diag blas.Diag, n int, a []float64, lda int, work []float64, iwork []int) float64 {
	acquire()
	defer release()
	return impl.Implementation.Dtrcon(norm, uplo, diag, n, a, lda, work, iwork)
}

// Dgesvd is gonum.org/v1/netlib's Dgesvd, bounded.
func (impl boundedLAPACK) Dgesvd(jobU, jobVT lapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dgesvd(jobU, jobVT, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork)
}

// Dsyev is gonum.org/v1/netlib's Dsyev, bounded.
func (impl boundedLAPACK) Dsyev(jobz lapack.EVJob, uplo blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) (ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dsyev(jobz, uplo, n, a, lda, w, work, lwork)
}

// Dgeev is gonum.org/v1/netlib's Dgeev, bounded.
func (impl boundedLAPACK) Dgeev(jobvl lapack.LeftEVJob, jobvr lapack.RightEVJob, n int, a []float64, lda int, wr, wi []float64, vl []float64, ldvl int, vr []float64, ldvr int, work []float64, lwork int) (first int) {
	acquire()
	defer release()
	return impl.Implementation.Dgeev(jobvl, jobvr, n, a, lda, wr, wi, vl, ldvl, vr, ldvr, work, lwork)
}

// Dggsvd3 is gonum.org/v1/netlib's Dggsvd3, bounded.
func (impl boundedLAPACK) Dggsvd3(jobU, jobV, jobQ lapack.GSVDJob, m, n, p int, a []float64, lda int, b []float64, ldb int, alpha, beta, u []float64, ldu int, v []float64, ldv int, q []float64, ldq int, work []float64, lwork int, iwork []int) (k, l int, ok bool) {
	acquire()
	defer release()
	return impl.Implementation.Dggsvd3(jobU, jobV, jobQ, m, n, p, a, lda, b, ldb, alpha, beta, u, ldu, v, ldv, q, ldq, work, lwork, iwork)
}

// Dgels is gonum.org/v1/netlib's Dgels, bounded.
func (impl boundedLAPACK) Dgels(trans blas.Transpose, m, n, nrhs int, a []float64, lda int, b []float64, ldb int, work []float64, lwork int) bool {
	acquire()
	defer release()
	return impl.Implementation.Dgels(trans, m, n, nrhs, a, lda, b, ldb, work, lwork)
}
