package lapack

import (
	"gonum.org/v1/gonum/blas"
	glapack "gonum.org/v1/gonum/lapack"
)

// kernels is Float64 or Float32 (and their divide-and-conquer drivers, when
// present) behind one generic interface, so each factorization is written
// once for both precisions.
type kernels[T float] interface {
	// names are the routine names plans report, with the precision's
	// prefix; constants, so that plans do not allocate.
	names() *routineNames
	// dc reports whether gesdd and syevd may be called.
	dc() bool
	getrf(m, n int, a []T, lda int, ipiv []int) int
	getrs(trans blas.Transpose, n, nrhs int, a []T, lda int, ipiv []int, b []T, ldb int)
	geqrf(m, n int, a []T, lda int, tau, work []T, lwork int)
	gelqf(m, n int, a []T, lda int, tau, work []T, lwork int)
	orgqr(m, n, k int, a []T, lda int, tau, work []T, lwork int)
	orglq(m, n, k int, a []T, lda int, tau, work []T, lwork int)
	ormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []T, lda int, tau, c []T, ldc int, work []T, lwork int)
	ormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []T, lda int, tau, c []T, ldc int, work []T, lwork int)
	gels(trans blas.Transpose, m, n, nrhs int, a []T, lda int, b []T, ldb int, work []T, lwork int) int
	potrf(ul blas.Uplo, n int, a []T, lda int) int
	potrs(ul blas.Uplo, n, nrhs int, a []T, lda int, b []T, ldb int)
	trtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []T, lda int, b []T, ldb int) int
	gesvd(jobU, jobVT glapack.SVDJob, m, n int, a []T, lda int, s, u []T, ldu int, vt []T, ldvt int, work []T, lwork int) int
	syev(jobz glapack.EVJob, ul blas.Uplo, n int, a []T, lda int, w, work []T, lwork int) int
	gesdd(jobz glapack.SVDJob, m, n int, a []T, lda int, s, u []T, ldu int, vt []T, ldvt int, work []T, lwork int) int
	syevd(jobz glapack.EVJob, ul blas.Uplo, n int, a []T, lda int, w, work []T, lwork int) int
}

// k64 runs kernels[float64] on a Float64 and, when it has them, its
// divide-and-conquer drivers.
type k64 struct {
	f Float64
	d DivideAndConquer64 // nil if f has none
}

func newK64(f Float64) k64 {
	d, _ := f.(DivideAndConquer64)
	return k64{f: f, d: d}
}

func (k64) names() *routineNames { return &names64 }
func (x k64) dc() bool           { return x.d != nil }

func (x k64) getrf(m, n int, a []float64, lda int, ipiv []int) int {
	return x.f.Dgetrf(m, n, a, lda, ipiv)
}

func (x k64) getrs(trans blas.Transpose, n, nrhs int, a []float64, lda int, ipiv []int, b []float64, ldb int) {
	x.f.Dgetrs(trans, n, nrhs, a, lda, ipiv, b, ldb)
}

func (x k64) geqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	x.f.Dgeqrf(m, n, a, lda, tau, work, lwork)
}

func (x k64) gelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	x.f.Dgelqf(m, n, a, lda, tau, work, lwork)
}

func (x k64) orgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	x.f.Dorgqr(m, n, k, a, lda, tau, work, lwork)
}

func (x k64) orglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	x.f.Dorglq(m, n, k, a, lda, tau, work, lwork)
}

func (x k64) ormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	x.f.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

func (x k64) ormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	x.f.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

func (x k64) gels(trans blas.Transpose, m, n, nrhs int, a []float64, lda int, b []float64, ldb int, work []float64, lwork int) int {
	return x.f.Dgels(trans, m, n, nrhs, a, lda, b, ldb, work, lwork)
}

func (x k64) potrf(ul blas.Uplo, n int, a []float64, lda int) int {
	return x.f.Dpotrf(ul, n, a, lda)
}

func (x k64) potrs(ul blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	x.f.Dpotrs(ul, n, nrhs, a, lda, b, ldb)
}

func (x k64) trtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float64, lda int, b []float64, ldb int) int {
	return x.f.Dtrtrs(ul, trans, diag, n, nrhs, a, lda, b, ldb)
}

func (x k64) gesvd(jobU, jobVT glapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) int {
	return x.f.Dgesvd(jobU, jobVT, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork)
}

func (x k64) syev(jobz glapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) int {
	return x.f.Dsyev(jobz, ul, n, a, lda, w, work, lwork)
}

func (x k64) gesdd(jobz glapack.SVDJob, m, n int, a []float64, lda int, s, u []float64, ldu int, vt []float64, ldvt int, work []float64, lwork int) int {
	return x.d.Dgesdd(jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork)
}

func (x k64) syevd(jobz glapack.EVJob, ul blas.Uplo, n int, a []float64, lda int, w, work []float64, lwork int) int {
	return x.d.Dsyevd(jobz, ul, n, a, lda, w, work, lwork)
}

// k32 runs kernels[float32] on a Float32 and, when it has them, its
// divide-and-conquer drivers.
type k32 struct {
	f Float32
	d DivideAndConquer32 // nil if f has none
}

func newK32(f Float32) k32 {
	d, _ := f.(DivideAndConquer32)
	return k32{f: f, d: d}
}

func (k32) names() *routineNames { return &names32 }
func (x k32) dc() bool           { return x.d != nil }

func (x k32) getrf(m, n int, a []float32, lda int, ipiv []int) int {
	return x.f.Sgetrf(m, n, a, lda, ipiv)
}

func (x k32) getrs(trans blas.Transpose, n, nrhs int, a []float32, lda int, ipiv []int, b []float32, ldb int) {
	x.f.Sgetrs(trans, n, nrhs, a, lda, ipiv, b, ldb)
}

func (x k32) geqrf(m, n int, a []float32, lda int, tau, work []float32, lwork int) {
	x.f.Sgeqrf(m, n, a, lda, tau, work, lwork)
}

func (x k32) gelqf(m, n int, a []float32, lda int, tau, work []float32, lwork int) {
	x.f.Sgelqf(m, n, a, lda, tau, work, lwork)
}

func (x k32) orgqr(m, n, k int, a []float32, lda int, tau, work []float32, lwork int) {
	x.f.Sorgqr(m, n, k, a, lda, tau, work, lwork)
}

func (x k32) orglq(m, n, k int, a []float32, lda int, tau, work []float32, lwork int) {
	x.f.Sorglq(m, n, k, a, lda, tau, work, lwork)
}

func (x k32) ormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int) {
	x.f.Sormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

func (x k32) ormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float32, lda int, tau, c []float32, ldc int, work []float32, lwork int) {
	x.f.Sormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
}

func (x k32) gels(trans blas.Transpose, m, n, nrhs int, a []float32, lda int, b []float32, ldb int, work []float32, lwork int) int {
	return x.f.Sgels(trans, m, n, nrhs, a, lda, b, ldb, work, lwork)
}

func (x k32) potrf(ul blas.Uplo, n int, a []float32, lda int) int {
	return x.f.Spotrf(ul, n, a, lda)
}

func (x k32) potrs(ul blas.Uplo, n, nrhs int, a []float32, lda int, b []float32, ldb int) {
	x.f.Spotrs(ul, n, nrhs, a, lda, b, ldb)
}

func (x k32) trtrs(ul blas.Uplo, trans blas.Transpose, diag blas.Diag, n, nrhs int, a []float32, lda int, b []float32, ldb int) int {
	return x.f.Strtrs(ul, trans, diag, n, nrhs, a, lda, b, ldb)
}

func (x k32) gesvd(jobU, jobVT glapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) int {
	return x.f.Sgesvd(jobU, jobVT, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork)
}

func (x k32) syev(jobz glapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) int {
	return x.f.Ssyev(jobz, ul, n, a, lda, w, work, lwork)
}

func (x k32) gesdd(jobz glapack.SVDJob, m, n int, a []float32, lda int, s, u []float32, ldu int, vt []float32, ldvt int, work []float32, lwork int) int {
	return x.d.Sgesdd(jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork)
}

func (x k32) syevd(jobz glapack.EVJob, ul blas.Uplo, n int, a []float32, lda int, w, work []float32, lwork int) int {
	return x.d.Ssyevd(jobz, ul, n, a, lda, w, work, lwork)
}

// routineNames are the names of the routines, or sequences of them, that
// plans report.
type routineNames struct {
	getrf, getrs, getrfGetrs, geqrf, gelqf, ormqrTrtrs, ormlqTrtrs, gels,
	potrf, potrs, gesvd, gesdd, syev, syevd string
}

var (
	names64 = routineNames{"dgetrf", "dgetrs", "dgetrf+dgetrs", "dgeqrf", "dgelqf", "dormqr+dtrtrs", "dormlq+dtrtrs", "dgels",
		"dpotrf", "dpotrs", "dgesvd", "dgesdd", "dsyev", "dsyevd"}
	names32 = routineNames{"sgetrf", "sgetrs", "sgetrf+sgetrs", "sgeqrf", "sgelqf", "sormqr+strtrs", "sormlq+strtrs", "sgels",
		"spotrf", "spotrs", "sgesvd", "sgesdd", "ssyev", "ssyevd"}
)
