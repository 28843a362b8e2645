//go:build netlib && cgo

package netlib

/*
#cgo LDFLAGS: -lopenblas
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern int openblas_get_num_procs(void);
extern char* openblas_get_config(void);
extern char* openblas_get_corename(void);
*/
import "C"

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"

	"github.com/strider-go/strider/blasbridge"
)

var (
	_ blas.Float64 = Implementation{}
	_ blas.Float32 = Implementation{}
)

// Implementation is gonum.org/v1/netlib's CBLAS implementation with the
// level-3 calls and GEMV bounded by the package semaphore (see Threads in
// the package documentation). It satisfies blas.Float64 and blas.Float32
// (and, through the embedded value, the complex interfaces, unbounded).
type Implementation struct {
	netlib.Implementation
}

// sem bounds the number of calls inside OpenBLAS at once; its capacity is
// GOMAXPROCS at init.
var sem chan struct{}

func acquire() { sem <- struct{}{} }
func release() { <-sem }

func init() {
	procs := runtime.GOMAXPROCS(0)
	sem = make(chan struct{}, procs)
	C.openblas_set_num_threads(C.int(min(procs, int(C.openblas_get_num_procs()))))

	impl := Implementation{}
	blasbridge.SetBackend(blasbridge.Backend{
		Name:    "netlib",
		Float64: impl,
		Float32: impl,
		// OpenBLAS runs every flag combination at the same rate (80–90
		// GFLOP/s for DGEMM at n=1024 on the project's 2-core machines).
		GemmEff:        [2][2]float64{{1, 1}, {1, 1}},
		GFLOPS:         80,
		CopyGBps:       8,
		MaxDim:         math.MaxInt32,
		SingleThreaded: singleThreaded,
	})
	blas64.Use(impl)
	blas32.Use(impl)
}

// SetThreads sets the number of threads OpenBLAS uses for each call. It
// waits until no bounded call is running, since OpenBLAS must not resize its
// thread pool under a running call. It panics if n < 1.
func SetThreads(n int) {
	if n < 1 {
		panic("netlib: SetThreads with n < 1")
	}
	if n > math.MaxInt32 {
		n = math.MaxInt32
	}
	for range cap(sem) {
		acquire()
	}
	C.openblas_set_num_threads(C.int(n))
	for range cap(sem) {
		release()
	}
}

// single counts the SingleThreaded sections in progress; saved is the
// thread count the first one replaced.
var single struct {
	sync.Mutex
	depth, saved int
}

// singleThreaded sets OpenBLAS to one thread for the first of any number of
// nested or concurrent sections and restores the count when the last ends.
func singleThreaded() (release func()) {
	single.Lock()
	if single.depth == 0 {
		single.saved = Threads()
		if single.saved != 1 {
			SetThreads(1)
		}
	}
	single.depth++
	single.Unlock()
	return releaseSingle
}

func releaseSingle() {
	single.Lock()
	single.depth--
	if single.depth == 0 && single.saved != 1 {
		SetThreads(single.saved)
	}
	single.Unlock()
}

// Threads returns the number of threads OpenBLAS uses for each call.
func Threads() int { return int(C.openblas_get_num_threads()) }

// Config describes the OpenBLAS library in use: its build configuration and
// the CPU core it selected, for example
//
//	OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64; core Haswell
func Config() string {
	return C.GoString(C.openblas_get_config()) + "; core " + C.GoString(C.openblas_get_corename())
}
