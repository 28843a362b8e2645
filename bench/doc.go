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
// Run measures all the choices of a workload at one size in one harness,
// interleaved: every choice is set up first (setup is timed, never
// sampled), run once to warm up, and calibrated so that a sample lasts
// Options.MinTime; then each round takes one sample of every choice, in an
// order that rotates as a Williams Latin square, so that drift, garbage
// collection and the other jobs on the machine hit every choice alike.
// Rounds go on past Options.Reps until every median's 95% interval is
// within Options.Precision, Options.MaxReps rounds are taken, or
// Options.Budget is spent; wider rows are marked unstable. A Measurement
// keeps its samples, the median per run with its distribution-free
// interval, the minimum, maximum and median absolute deviation. Every
// choice of a workload must compute the same result, or Run fails with
// ErrResult.
//
// # Recommendations
//
// A choice counts as slower than another only when a Mann-Whitney U test
// tells their samples apart at Alpha (CompareSamples) and its median is
// more than TieFloor higher. When the naive choice ties with the fastest,
// it is kept and the result marked a tie: a recommendation to change code
// needs a difference the measurements can see. Among the choices that tie
// with the fastest, Auto is preferred, then the one that copies least, so
// the same plan under two names does not flip from run to run. With
// Options.AA the naive choice is measured a second time under another name
// (TwinSuffix); when the two do not tie, the report says the machine is
// too noisy and recommends nothing. When an Auto choice was measured, the
// planner's pick is checked against the fastest fixed choice the same way,
// so a cost model the machine contradicts shows. DiffReports compares two
// reports, choice by choice, with the same test.
//
// # Output
//
// WriteTable, WriteMarkdown, WritePlot and WriteHTML (one self-contained
// page with SVG charts) render a Report, whose JSON form is what
// layoutbench -json prints and ReadReport reads; Explain describes one operand's layout
// and what strider does with it.
package bench
