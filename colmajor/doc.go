// Package colmajor provides column-major (Fortran, LAPACK) matrices over flat
// buffers, without copying, that Gonum multiplies with the BLAS trans flag.
//
// # Layout
//
// An r×c column-major matrix with leading dimension ld >= r stores column j at
// Data[j*ld : j*ld+r]:
//
//	Data: [a00 a10 a20 * | a01 a11 a21 * ]   Rows=3, Cols=2, LD=4 (column-major)
//	At(i, j) == Data[i + j*LD]; * is never read or written.
//
// The same bytes are the row-major c×r matrix Aᵀ with stride ld, so Dense
// hands Gonum that view: TView returns it as a *mat.Dense, and Dense
// implements mat.Untransposer with it. mat.Dense.Mul, Copy and every Gonum
// routine that untransposes its operands pass the trans flag to BLAS instead
// of copying. Dense deliberately does not implement mat.RawMatrixer: Gonum
// would read that as row-major storage of A itself.
//
// The flag is not free everywhere: mat.Dense.Mul on two column-major
// operands runs a TT GEMM, which Gonum's pure-Go BLAS computes at about a
// tenth of its NN speed. [github.com/strider-go/strider/blasbridge.Mul]
// takes the same operands, and any other Gonum matrices, and picks the
// fastest flags for the destination: about 10× faster at n=512 into a
// *mat.Dense (BenchmarkMul there).
//
// Mul stores a product straight into column-major storage by computing
// Cᵀ = Bᵀ·Aᵀ into the row-major view of Cᵀ. Dense32 is the float32
// counterpart over blas32.
//
// # Aliasing
//
// Every view (TView, ColView, RowView, RawColView, Slice) shares the buffer
// and costs at most a header. Functions with CopyOf or Copy in their name
// allocate or copy, and say so. Mul's receiver may share memory with its
// operands (c.Mul(c, b)): the product then goes through a temporary, where
// Gonum's mat.Dense.Mul would panic on a partial overlap (blasbridge.Mul
// goes through a temporary only when the destination shares an element
// with an operand).
//
// # Concurrency
//
// As with Gonum's matrices: any number of goroutines may read one matrix at
// once; goroutines may write disjoint elements at once through views of
// their own (Slice, ColView); a write concurrent with another access to the
// same element is a data race. Nothing here locks.
//
// # Panics
//
// New and New32 take shapes that may come from outside the program and return
// errors (ErrDims, ErrLeadingDim, ErrOutOfBounds, ErrOverflow), never panics.
// Index and shape errors between matrices the program built panic with
// Gonum's values (mat.ErrRowAccess, mat.ErrColAccess, mat.ErrShape).
package colmajor
