// Package lapack runs LAPACK factorizations and solves — LU solve, least
// squares, QR, Cholesky, SVD and the symmetric eigendecomposition — on
// matrices in any layout, without copying when the layout allows and with
// exactly one copy when it does not, and reports what it copied.
//
// Gonum's mat.LU, QR, Cholesky and SVD clone every input, and its LAPACK
// (lapack64) takes row-major storage only, so a column-major matrix from
// Fortran, LAPACK or NumPy is copied — transposed — before it is factored.
// It need not be: the row-major view of a column-major A is Aᵀ, and LAPACK
// on Aᵀ gives A's factors directly.
//
// # Layout
//
// A backend takes one storage order: row-major for Gonum's pure-Go LAPACK
// (the default), column-major for Fortran LAPACK (the netlib backend). A
// matrix in that order reaches LAPACK as it is; a matrix in the other order
// reaches it as its transpose, with no data moved, and the problem is
// transformed instead:
//
//	LU          getrf on Aᵀ = P·L·U; A·X = B is solved by getrs with the trans flag
//	QR          gelqf on Aᵀ: Aᵀ = L·Q̃ is A = Q̃ᵀ·Lᵀ, the same numbers geqrf leaves
//	least sq.   gels with the trans flag
//	Cholesky    potrf on the other triangle (A's lower triangle is Aᵀ's upper)
//	EigenSym    syevd (syev) on the other triangle
//	SVD         gesdd (gesvd) on Aᵀ = V·Σ·Uᵀ: U and V swap roles
//
// For example a 3×2 column-major A with leading dimension 4 on Gonum's
// row-major LAPACK:
//
//	Data: [a00 a10 a20 * | a01 a11 a21 * ]   col-major A, ld=4
//	      [ row 0 of Aᵀ  | row 1 of Aᵀ   ]   row-major Aᵀ, stride 4: what LAPACK sees
//	* is never read or written.
//
// Inputs may be *mat.Dense, *mat.VecDense, *colmajor.Dense, *adapter.Strided
// and transposes of them (mat.Transpose, any mat.Untransposer), viewed in
// place; float32 inputs *adapter.Strided32 and *colmajor.Dense32. Any other
// matrix is read through At into a copy. A general strided matrix (steps,
// reversed or broadcast axes) has no LAPACK view and is copied once, in the
// order of its smaller stride.
//
// # Modes
//
// Preserve, the default, copies A once, in the orientation it already has
// (a plain per-column or per-row copy, never a transposition), and factors
// the copy; the input is never written. Overwrite factors a row- or
// column-major A in its own buffer, with no copy at all, and the buffer
// holds the factors afterwards, as each factorization's documentation says
// (QR's buffer holds what geqrf leaves whatever the orientation; LU's holds
// the factors of A or of Aᵀ; Cholesky's its named triangle). Both modes run
// the same routine on the same orientation, so they give the same results:
// bit for bit on both backends in the conformance suite (lapacktest).
//
// Every call returns a Plan: the routine that ran, whether on Aᵀ, and per
// operand whether it was used in place or copied, how many bytes and why.
//
// # Results
//
// Factorizations are reusable values (LU, QR, Cholesky, SVD, EigenSym and
// their float32 twins) with Gonum's method names: Factorize, SolveTo, QTo,
// RTo, LTo, UTo, VTo, Values, Det, LogDet. Outputs are written into a
// destination of the caller's choosing in any writable layout (an empty
// *mat.Dense or *colmajor.Dense is allocated); LAPACK works in the
// destination itself when it lies in the backend's order. SVD's U and V and
// EigenSym's vectors are also returned as views, without copying: a
// *mat.Dense where they lie row-major and a *colmajor.Dense where they lie
// column-major. Solve and LeastSquares solve in one call.
//
// # Backends
//
// The default backend is Gonum's pure-Go LAPACK (gonum.org/v1/gonum/lapack/gonum):
// nothing to install. Importing blasbridge/netlib (build tag netlib) makes
// the system's LAPACK (OpenBLAS's, through LAPACKE) the backend, called
// column-major so that LAPACKE passes arrays straight through, with the
// divide-and-conquer drivers gesdd and syevd; it also installs LAPACK
// behind Gonum's own lapack64, so mat's decompositions run on it too.
//
// # float32
//
// Every float64 entry point has a float32 twin: LU32, QR32, Cholesky32,
// SVD32, EigenSym32, Solve32, LeastSquares32. Gonum has no float32 LAPACK:
// on the default backend float32 problems are widened to float64 (A and B
// copied, X narrowed back; plans say "widened") and the input is never
// overwritten; on the netlib backend they run in float32, in place.
//
// # Aliasing
//
// After an Overwrite factorization the factorization refers to A's buffer
// until its next Factorize: do not change the buffer meanwhile. A solution
// may be written over its right-hand side (dst == b); a destination that
// shares memory with the factors is refused with ErrOutput. Views returned by
// U, V and Vectors share the factorization's storage and are valid until
// its next Factorize.
//
// # Errors and panics
//
// Shapes, strides and offsets usually come from outside the program, so
// they get errors, never panics: a layout outside its buffer (adapter's
// ErrOutOfBounds, ErrOverflow, ErrDims), ErrShape, ErrOutput and
// ErrTooLarge, with nothing written. A singular matrix (ErrSingular, naming
// the zero pivot), one that is not positive definite
// (ErrNotPositiveDefinite, naming the leading minor), a rank-deficient
// least-squares problem (ErrRankDeficient) and an iteration that does not
// converge (ErrNoConvergence) are errors too; what each leaves in an
// overwritten input is documented with its type. Using a factorization
// before Factorize panics, as Gonum's do.
//
// # Concurrency
//
// Solve, LeastSquares and their float32 twins may be called from many
// goroutines at once on data that does not overlap; their scratch is
// pooled. A factorization value is not safe for concurrent use.
package lapack
