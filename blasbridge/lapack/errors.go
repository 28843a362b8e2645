package lapack

import "errors"

// Errors returned by factorizations and solves. Returned errors wrap one of
// these (or one of adapter's layout errors) and add the numbers: which pivot,
// which leading minor, which operand. Test with errors.Is.
var (
	// ErrSingular: an LU factorization met an exactly zero pivot, or a
	// triangular factor has an exactly zero diagonal element, so the
	// system has no unique solution. The error names the element.
	ErrSingular = errors.New("lapack: matrix is singular")
	// ErrRankDeficient: a least-squares problem's matrix does not have full
	// rank (a zero diagonal element of its triangular factor).
	ErrRankDeficient = errors.New("lapack: matrix is rank deficient")
	// ErrNotPositiveDefinite: a Cholesky factorization found a leading
	// minor that is not positive definite. The error names its order.
	ErrNotPositiveDefinite = errors.New("lapack: matrix is not positive definite")
	// ErrNoConvergence: the SVD or the symmetric eigensolver did not
	// converge.
	ErrNoConvergence = errors.New("lapack: iteration did not converge")
	// ErrShape: operands' dimensions do not fit the problem (a non-square
	// matrix to LU or Cholesky, a right-hand side with the wrong number of
	// rows, an output of the wrong size), or a matrix is empty.
	ErrShape = errors.New("lapack: operand shapes do not match")
	// ErrOutput: an output has no writable strided view (it is not a
	// *mat.Dense, *mat.VecDense, *colmajor.Dense, *adapter.Strided or their
	// float32 counterparts), its elements share addresses, or it shares
	// memory with the factorization it would be computed from.
	ErrOutput = errors.New("lapack: output cannot be written")
	// ErrTooLarge: a dimension or leading dimension exceeds what the backend
	// takes (LAPACKE takes 32-bit ints).
	ErrTooLarge = errors.New("lapack: dimension too large for the backend")
)
