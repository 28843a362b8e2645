// Package netlib makes OpenBLAS, through gonum.org/v1/netlib's CBLAS
// bindings, the BLAS behind blasbridge — and behind Gonum's own blas64,
// blas32 and mat — with one import:
//
//	import _ "github.com/strider-go/strider/blasbridge/netlib"
//
// The backend's files carry the build constraint "netlib && cgo", so the
// backend exists only when built with
//
//	go build -tags netlib
//
// and cgo enabled. This file is untagged so that go doc and tools that do
// not set the tag see the package. Without the tag the package builds, but
// its init panics, saying the tag is missing, rather than letting a program
// that asked for OpenBLAS silently run pure Go; with the tag but
// CGO_ENABLED=0 it fails to build on an undefined identifier that says cgo
// is required. The package links -lopenblas and -llapacke itself (Debian:
// libopenblas-dev and liblapacke-dev), so no CGO_LDFLAGS need be set.
//
// # What importing it changes
//
// Its init installs the backend with blasbridge.SetBackend: every GEMM flag
// combination is recorded as equally fast (OpenBLAS runs TT as fast as NN),
// so the planner never packs an operand that has a BLAS view and passes
// NumPy's flags. It also calls blas64.Use and blas32.Use, so mat.Dense.Mul
// and everything else in Gonum runs on OpenBLAS too, and so that code
// calling blas64 directly and code calling blasbridge measure the same
// library. For LAPACK it installs LAPACK (LAPACKE's column-major entry
// points, which take the caller's arrays as they are; the row-major ones
// copy every array) as blasbridge/lapack's backend, and Gonum's netlib
// LAPACK with lapack64.Use, so mat.LU, QR, SVD and the rest run on
// OpenBLAS's LAPACK too.
//
// CBLAS takes 32-bit C ints: the backend's MaxDim is math.MaxInt32, and
// blasbridge refuses larger dimensions with ErrTooLarge instead of letting
// them wrap.
//
// # Threads
//
// OpenBLAS starts its own worker threads for each large call, and every
// goroutine blocked in a cgo call holds an OS thread of its own; hundreds of
// goroutines calling DGEMM at once have aborted the process ("too many
// memory regions", then SIGSEGV) when OpenBLAS's thread and buffer limits
// were exceeded. So every level-3 call and GEMV acquires a package-wide
// semaphore of runtime.GOMAXPROCS(0) slots, read once at init: at most that
// many calls are inside OpenBLAS at a time, and the rest wait in Go, where
// waiting costs no OS thread. Level-1 and the other level-2 calls are short
// and go straight through.
//
// Init sets OpenBLAS's thread count to min(GOMAXPROCS, the processors
// OpenBLAS sees); environment variables set from Go are read too late, since
// the library has loaded and read them before any Go code runs.
// (OPENBLAS_NUM_THREADS set before the program starts is overridden.) With
// many goroutines each calling BLAS, one OpenBLAS thread per call
// (SetThreads(1)) gave better throughput on 2 cores than 2; for one large
// call at a time the default is right.
//
// # Kernels
//
// OpenBLAS carries kernels for many CPU cores and, in DYNAMIC_ARCH builds
// such as Debian's, picks one set from CPUID when the shared library loads,
// before any Go code runs. OpenBLAS 0.3.21 misreads some CPUs newer than
// itself and falls back to its generic Prescott kernels (SSE3): on an Intel
// Xeon of family 6 model 207 with AVX-512 it does, and DGEMM ran 4× slower
// than with the Cooperlake kernels. Nothing says so. Core names the core
// chosen, Threads its thread count and CPUFeatures what the CPU offers;
// Check returns a CoreWarning when the kernels use neither AVX2 nor FMA on a
// CPU that has them, naming the OPENBLAS_CORETYPE value that fixes it
// (CheckCore is the same decision for any core and features). The variable
// must be in the program's environment when it starts: os.Setenv comes too
// late. The package never prints; the backend's Describe returns the
// description and the warning, and layoutbench shows both in its headers.
//
// # Results
//
// OpenBLAS sums in a different order from Gonum's pure-Go kernels, so
// results differ from the default backend in the last bits: compare with
// tolerances, not equality.
package netlib
