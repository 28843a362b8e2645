// Command layoutbench measures, on this machine and BLAS backend, what memory
// layouts and plans cost for matrix workloads — traversal, GEMM, GEMV,
// general strided operands, batched small GEMMs, convolution, and the
// backends themselves — and recommends a choice for each workload and size,
// derived from its own measurements. Given a .npy file, it measures GEMV and
// GEMM on the user's own matrix instead.
//
// Usage:
//
//	layoutbench [flags]                 measure and print a table
//	layoutbench -npy FILE.npy [flags]   measure on the file's matrix
//	layoutbench explain [flags]         explain one operand's layout
//	layoutbench explain -npy FILE.npy   explain a file's array
//	layoutbench explain -npz FILE.npz:NAME
//	                                    explain an array of an archive
//	layoutbench explain -safetensors FILE:NAME
//	                                    explain a safetensors tensor
//	layoutbench compare OLD.json NEW.json
//	                                    compare two -json reports
//
// Flags of the measurement:
//
//	-quick              small sizes, few short samples (well under a minute)
//	-workloads LIST     families or workloads, comma-separated (default all;
//	                    with -npy, the npy family only)
//	-sizes LIST         sizes for every workload ("64,256"), or per family or
//	                    workload ("gemm=64,256;conv=8")
//	-threads N          GOMAXPROCS, and OpenBLAS's threads with -tags netlib
//	-backend NAME       the backend for every family but backend (gonum, netlib)
//	-reps N             samples always taken of every choice (default 8,
//	                    quick 6)
//	-maxreps N          most samples of a choice (default 3 × -reps)
//	-budget D           time to sample a workload at one size past -reps
//	                    samples, per choice (default 500ms, quick 50ms)
//	-mintime D          duration of one sample (default 20ms, quick 3ms)
//	-aa                 A/A check: measure each workload's naive choice twice;
//	                    when the two do not tie, report the machine as too
//	                    noisy instead of recommending
//	-npy FILE.npy       measure the npy family on the file's float64 matrix
//	-json               print JSON instead of the table
//	-markdown           print Markdown (a recommendations table) instead
//	-plot FILE.png      also draw throughput against size, a panel per workload
//	-html FILE.html     also write the report as one self-contained page:
//	                    SVG charts, tables, environment, explanations
//	-readme FILE        also write the Markdown between the layoutbench
//	                    markers of FILE (the README's "Choosing a layout")
//	-from FILE.json     measure nothing: render a report -json wrote, with
//	                    the output flags above (how the README's table is made)
//	-list               list the families, workloads and choices, and exit
//
// A progress bar goes to stderr when it is a terminal. Built with
// -tags netlib, OpenBLAS is registered and becomes the default backend, and
// the backend family compares it with pure Go.
//
// The npy family exists only with -npy: the file is opened with package
// adapter/npy (memory-mapped, C or Fortran order, 1-D as n×1) and its matrix
// A measured as stored. npy/gemv computes y = A·x at A's own shape
// (m=ROWSxCOLS; -sizes does not apply); npy/gemm computes C = A·B with B a
// random row-major cols×k matrix, k from -sizes (default 64, quick 16).
// Their choices are auto (blasbridge on A as it is), copy (A copied to
// row-major first, as a reader into mat.Dense does: the naive choice) and,
// for Fortran order, trans (the trans flag on the stored data). The
// measurement takes float64 files; explain takes float32 too.
//
// Measuring: all choices of a workload at one size are set up, warmed up
// and calibrated so that a sample of each lasts -mintime; then samples are
// taken in rounds, one of every choice per round in rotating order, so that
// the machine's drift hits every choice alike. Past -reps samples, rounds
// continue until every median is known to ±2% (95% interval) or -budget is
// spent; the table shows each median's interval, ~ marking those still
// wider. A choice is recommended over the naive one only when a
// Mann-Whitney U test tells them apart at α=0.05 and their medians differ
// by more than 5%; the line under each workload gives the interval of the
// speedup and the p-value.
//
// Compare:
//
//	layoutbench compare [-alpha A] OLD.json NEW.json
//
// reads two reports written by -json (on other machines, backends or
// commits) and prints, for every workload, size and choice measured in
// both, the old and new medians, the change (new time over old, with its
// interval), the p-value of the Mann-Whitney U test and a verdict: slower,
// faster, or ~ when the test cannot tell them apart or they differ by 5%
// or less (? for reports without samples, of older versions). Then the
// recommendations that changed, and what only one report measured.
// Malformed reports and reports with nothing in common are errors that
// say what is wrong.
//
// Explain:
//
//	layoutbench explain -shape 6,8 -strides 8,48 [-itemsize 8] [-offset 0] [-elements] [-len N]
//	layoutbench explain -npy FILE.npy
//	layoutbench explain -npz FILE.npz:NAME
//	layoutbench explain -safetensors FILE:NAME
//
// prints the classification, the BLAS view and flag, whether anything must
// be copied, blasbridge's plans, and the byte offsets of the first elements.
// Strides and offset are in bytes, as NumPy gives them, unless -elements.
// With -npy the file's header gives shape, strides and item size (so -npy
// excludes the other flags), the data's start is offset 0, and the first
// line names the file, its dtype, order and shape, and whether Open had to
// copy the data (big-endian or unaligned) rather than map it. A file's
// array of more than two dimensions gets the N-d explanation of -shape.
// -safetensors first says where the tensor NAME lies in FILE (its bytes,
// C-order strides, alignment) and whether Get maps it in place or copies
// it, or what Convert would copy for a dtype other than F64 and F32, then
// explains that array as -npy does. -npz first says how the member NAME
// (without .npy) is stored in the archive and whether Open maps it in place
// or copies it (deflated, unaligned or big-endian), then explains it as
// -npy does. Their argument splits at the last ':' whose prefix is an
// existing file; FILE alone lists the names (or, for an archive of one
// array, explains that array).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "layoutbench:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// run is the command with its arguments (without the program name) and its
// output streams; main only maps its error to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "explain" {
		return runExplain(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "compare" {
		return runCompare(args[1:], stdout, stderr)
	}
	return runBench(ctx, args, stdout, stderr)
}
