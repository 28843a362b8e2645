//go:build netlib && cgo

package netlib

import "gonum.org/v1/gonum/blas"

// The calls below can run long enough, and start enough OpenBLAS threads,
// that unbounded concurrency exhausts OS threads and OpenBLAS's buffers; each
// holds a slot of the package semaphore while inside OpenBLAS.

// Dgemm computes C = alpha·op(A)·op(B) + beta·C, as netlib.Implementation.Dgemm.
func (impl Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is Dgemm for float32.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemv computes y = alpha·op(A)·x + beta·y, as netlib.Implementation.Dgemv.
func (impl Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	acquire()
	defer release()
	impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Sgemv is Dgemv for float32.
func (impl Implementation) Sgemv(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	acquire()
	defer release()
	impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dsymm is netlib.Implementation.Dsymm, bounded.
func (impl Implementation) Dsymm(s blas.Side, ul blas.Uplo, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Dsymm(s, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Ssymm is Dsymm for float32.
func (impl Implementation) Ssymm(s blas.Side, ul blas.Uplo, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Ssymm(s, ul, m, n, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dsyrk is netlib.Implementation.Dsyrk, bounded.
func (impl Implementation) Dsyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

// Ssyrk is Dsyrk for float32.
func (impl Implementation) Ssyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float32, a []float32, lda int, beta float32, c []float32, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Ssyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

// Dsyr2k is netlib.Implementation.Dsyr2k, bounded.
func (impl Implementation) Dsyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Dsyr2k(ul, t, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Ssyr2k is Dsyr2k for float32.
func (impl Implementation) Ssyr2k(ul blas.Uplo, t blas.Transpose, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	acquire()
	defer release()
	impl.Implementation.Ssyr2k(ul, t, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dtrmm is netlib.Implementation.Dtrmm, bounded.
func (impl Implementation) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Strmm is Dtrmm for float32.
func (impl Implementation) Strmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Strmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Dtrsm is netlib.Implementation.Dtrsm, bounded.
func (impl Implementation) Dtrsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Strsm is Dtrsm for float32.
func (impl Implementation) Strsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int) {
	acquire()
	defer release()
	impl.Implementation.Strsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}
