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
// # Aliasing
//
// BLAS never sees aliased memory. An output whose own elements share
// addresses is an error; an output whose memory range overlaps an input's is
// computed through scratch and is still right.
//
// # Panics
//
// Operands usually carry layouts from outside the program, so Gemm, Gemv
// and PlanGemm return errors naming the problem — a layout outside its
// buffer, shapes that do not fit, an aliased output, a dimension the backend
// cannot take (CBLAS takes 32-bit ints) — and write nothing. They do not
// panic on such input.
//
// # Concurrency
//
// Gemm, Gemv and GemmBatched may be called from many goroutines at once on
// outputs that do not overlap; scratch is pooled. GemmBatched spreads items
// over a pool of GOMAXPROCS worker goroutines, started on first use and
// kept; only idle workers join a batch, and the caller works too. SetBackend is safe at any time; calls
// already running keep the backend they started with.
package blasbridge
