// Package blasbridge plans and runs BLAS calls for operands in any layout:
// for each operand it decides whether it goes to BLAS as is, with the trans
// flag, or must be packed — and packs only what fails, choosing by what is
// fastest on the backend in use.
//
// # Layout
//
// Operands are adapter.Strided values (adapter.Strided32 for float32). By
// the classification in package adapter:
//
//	row-major  (ColStride == 1, RowStride >= Cols)  → BLAS NoTrans, lda = RowStride
//	col-major  (RowStride == 1, ColStride >= Rows)  → BLAS Trans on the view of Aᵀ, lda = ColStride
//	general    (steps, reversed, broadcast)         → packed into pooled scratch
//
// The output's orientation is chosen first, as NumPy's matmul does: a
// column-major C is computed as Cᵀ = Bᵀ·Aᵀ into the row-major view of Cᵀ,
// swapping the operands and flipping both flags, with no copy. A general
// strided C is computed into scratch and scattered back (loaded first when
// beta != 0).
//
// # Costs
//
// The backend's cost model decides between a flag and a copy. With
// OpenBLAS (package blasbridge/netlib) every flag combination runs at the
// same speed, so nothing with a BLAS view is ever packed, and the flags are
// NumPy's. Gonum's pure-Go BLAS runs transposed operands more slowly — a TT
// GEMM at about a tenth of NN — so there a large product of two
// column-major inputs into a row-major output is better computed as
// Cᵀ = Bᵀ·Aᵀ (NN on the stored data) through a scratch output, or with one
// operand packed: O(n²) copying against an O(n³) slowdown. GEMV is
// never packed when a view exists: its flags are free everywhere and copying
// costs 8–37× the product.
//
// Every plan reports what it copied (Plan.CopiedBytes), and PlanGemm shows
// the plan without running it.
//
// # float32
//
// Every float64 entry point has its float32 twin beside it, taking
// adapter.Strided32 and blas32 vectors: Gemm and Gemm32, Gemv and Gemv32,
// GemmBatched and GemmBatched32, PlanGemm and PlanGemm32. Matmul, Einsum
// and their plans are generic over adapter.Float.
//
// # Gonum matrices
//
// Mul computes dst = a·b for any mat.Matrix operands — *mat.Dense,
// mat.Transpose, *colmajor.Dense, *adapter.Strided, vectors, anything with a
// raw view — planned as Gemm plans them: trans flags on the operands' own
// storage, packing only what has no view (Gonum copies a matrix without
// storage, such as a mat.SymDense). Use it where mat.Dense.Mul would be
// called on column-major operands: Gonum runs those as a TT GEMM, about a
// tenth of its NN speed.
//
// # Aliasing
//
// BLAS never sees aliased memory. An output whose own elements share
// addresses is an error. An output that shares at least one element with an
// input is computed through scratch and is still right; one that shares a
// buffer with its inputs but no element — the blocks, rows and columns of
// one matrix that a blocked LU, QR or Cholesky updates, interleaved in
// memory — is written directly.
//
// Sharing is decided exactly. Slices of different arrays never meet, and
// layouts whose address ranges do not meet share nothing: that test comes
// first and settles most calls. Otherwise the two element sets are
// intersected by solving the bounded linear Diophantine equation
// off1 + i1·r1 + j1·c1 = off2 + i2·r2 + j2·c2, as NumPy's np.shares_memory
// does. The answer is exact, for the cost of a few gcds, for any two
// matrices whose strides are, up to sign and order, one pair {s, s·ld}:
// rectangles within one leading dimension, their transposes and reversals,
// their rows, columns and single elements, broadcasts. Otherwise it
// enumerates one index at a time within a budget of steps that grows with
// the output's size (16 to 4096), exact within it: views of one C- or
// Fortran-order array (slices, reversals, permutations of axes) take at most
// 3 steps at rank 3 and 12 at rank 4; two leading dimensions in one buffer
// take about a step per row. Past the budget it answers "shared", which
// costs only the trip through scratch. GemmBatched decides it over all
// items at once (three dimensions), Matmul and Einsum over the whole arrays
// (any rank).
//
// # Panics
//
// Operands usually carry layouts from outside the program, so Gemm, Gemv
// and PlanGemm return errors naming the problem — a layout outside its
// buffer, shapes that do not fit, an aliased output, a dimension the backend
// cannot take (CBLAS takes 32-bit ints) — and write nothing. They do not
// panic on such input. Mul takes Gonum matrices the program built, and
// panics as Gonum does when their shapes do not fit.
//
// # Concurrency
//
// Gemm, Gemv and GemmBatched may be called from many goroutines at once on
// outputs that do not overlap; scratch is pooled. GemmBatched spreads items
// over a pool of GOMAXPROCS worker goroutines, started on first use and
// kept; only idle workers join a batch, and the caller works too. SetBackend is safe at any time; calls
// already running keep the backend they started with.
package blasbridge
