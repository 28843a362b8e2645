// Package bench measures what memory layout costs for matrix workloads on
// the machine and BLAS backend it runs on, and recommends a layout or plan
// for each workload and size from its own measurements. It is the harness
// behind the layoutbench command (bench/cmd/layoutbench) and the go test
// benchmarks of this package, which run the same code.
//
// # Workloads
//
// A Family (traverse, gemm, gemv, strided, batched, conv, backend) groups
// Workloads; a Workload is one operation on fixed operand layouts, measured
// at several sizes; each of its Choices is one way to compute it — a loop
// order, a trans flag, a copy, an algorithm, a backend — and one choice is
// the naive one, what a program without strider does. Fixed choices call
// the backend themselves; the choice named Auto asks strider (blasbridge or
// window), and its plan is matched to the fixed choice it amounts to.
// MatrixFamily builds one more family, npy, around the caller's own matrix
// (layoutbench -npy FILE); Run measures it when given in Options.Extra.
//
//	family    workload         choices
//	gemm      gemm/col         trans · packA · pack (naive) · transout · auto
//	          A, B col-major   TT      NT      NN              Cᵀ = Bᵀ·Aᵀ
//
// # Measuring
//
// Run sets each case up, runs it once to warm up while finding how many
// runs make a sample last Options.MinTime, then times Options.Reps samples.
// A Measurement keeps the median per run, the minimum, maximum and median
// absolute deviation. Every choice of a workload must compute the same
// result, or Run fails with ErrResult.
//
// # Recommendations
//
// Recommend takes the choice with the smallest median. When the naive
// choice is within noise of it (Tied: medians within TieFloor, or the
// naive choice's fastest sample no slower than the fastest's median), the
// naive choice is kept and the result marked a tie: a recommendation to
// change code needs a difference the measurements can see. When an Auto
// choice was measured, the planner's pick is checked against the fastest
// fixed choice the same way, so a cost model the machine contradicts shows.
//
// # Output
//
// WriteTable, WriteMarkdown and WritePlot render a Report, whose JSON form
// is what layoutbench -json prints; Explain describes one operand's layout
// and what strider does with it.
package bench
