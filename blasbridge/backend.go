package blasbridge

import (
	"math"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Backend is a BLAS implementation together with what the planner needs to
// know about its costs.
type Backend struct {
	// Name identifies the backend in plans ("gonum", "netlib").
	Name string
	// Float64 and Float32 run the calls.
	Float64 blas.Float64
	Float32 blas.Float32
	// GemmEff[tA][tB] is the GEMM throughput with flags (tA, tB) relative to
	// NoTrans·NoTrans (index 1 means Trans). OpenBLAS-class backends have all
	// ones: a flag is free there, so nothing is packed that need not be.
	GemmEff [2][2]float64
	// GFLOPS is the rough GEMM rate and CopyGBps the rough strided-copy
	// bandwidth; only their ratio matters, to weigh O(n²) packing against a
	// slow O(n³) flag combination.
	GFLOPS, CopyGBps float64
	// MaxDim is the largest dimension, leading dimension or vector increment
	// the backend takes: math.MaxInt32 for CBLAS.
	MaxDim int
	// SingleThreaded, when not nil, makes the BLAS run each call on one
	// thread until release is called, for code that spreads its own calls
	// over goroutines. Uses may nest and overlap across goroutines: the
	// first sets one thread, the last release restores the count. It is nil
	// for Gonum's BLAS, which does not thread calls of its own accord below
	// a size, and it marks a self-threading BLAS (OpenBLAS).
	SingleThreaded func() (release func())
	// Describe, when not nil, says what runs the calls, for the headers of
	// commands and reports: about names the library, the CPU core whose
	// kernels it chose and its thread count ("OpenBLAS 0.3.21, core
	// Cooperlake, 2 threads"), and warning, when not empty, says it runs
	// slower kernels than the CPU allows and how to fix that. The netlib
	// sub-package sets it; it is nil for Gonum's BLAS. Libraries return
	// these strings; commands print them.
	Describe func() (about, warning string)
}

// Gonum is the default backend: Gonum's pure-Go BLAS, nothing to install.
// Its efficiencies were measured on the project's 2-core machines with
// DGEMM at n=512 and 1024: NT ran at 0.8× NN's time (recorded as 1, so an
// all-row-major product is never packed to reach it), TN at 2.6–8.8 GFLOP/s
// against NN's 12 (bimodal; 0.25 recorded), TT at 1.35 (0.11).
var Gonum = Backend{
	Name:     "gonum",
	Float64:  gonum.Implementation{},
	Float32:  gonum.Implementation{},
	GemmEff:  [2][2]float64{{1, 1}, {0.25, 0.11}},
	GFLOPS:   12,
	CopyGBps: 4,
	MaxDim:   math.MaxInt,
}

// GoBLAS reports whether b runs Gonum's pure-Go BLAS, which spreads a GEMM
// of four or more 64×64 blocks of C over goroutines of its own, allocating
// each time. Code that already spreads work over the cores cuts its calls
// smaller there; OpenBLAS-class backends thread large calls instead.
func (b *Backend) GoBLAS() bool {
	_, ok64 := b.Float64.(gonum.Implementation)
	_, ok32 := b.Float32.(gonum.Implementation)
	return ok64 && ok32
}

var active atomic.Pointer[Backend]

func init() {
	b := Gonum
	active.Store(&b)
}

// SetBackend makes b the backend for every later call, and returns the one
// it replaces. The netlib sub-package calls it when imported. It is safe for
// concurrent use, but calls already running keep the backend they started
// with.
func SetBackend(b Backend) Backend {
	old := active.Swap(&b)
	return *old
}

// Active returns the backend in use.
func Active() Backend { return *active.Load() }
