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
	"fmt"
	"math"
	"runtime"
	"strings"
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
		Describe:       describe,
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
func Config() string { return config() + "; core " + Core() }

// configMu serialises openblas_get_config, which builds its answer in a
// static buffer.
var configMu sync.Mutex

func config() string {
	configMu.Lock()
	defer configMu.Unlock()
	return C.GoString(C.openblas_get_config())
}

// version is "OpenBLAS 0.3.21", from the start of the configuration.
var version = sync.OnceValue(func() string {
	if f := strings.Fields(config()); len(f) >= 2 && f[0] == "OpenBLAS" {
		return f[0] + " " + f[1]
	}
	return "OpenBLAS"
})

// Core returns the name of the CPU core whose kernels OpenBLAS runs, as
// openblas_get_corename reports it: "Haswell", "SkylakeX", "Cooperlake",
// or "Prescott", its generic core, where OpenBLAS 0.3.21 misreads a CPU
// newer than itself (Intel family 6 model 207 among them). A DYNAMIC_ARCH
// build (Debian's) chooses it when the library loads, before any Go code
// runs: from the environment variable OPENBLAS_CORETYPE when it is set
// then, otherwise from CPUID.
func Core() string { return C.GoString(C.openblas_get_corename()) }

// Check returns a warning when OpenBLAS runs kernels that use neither AVX2
// nor FMA on a CPU that has AVX2 and FMA or AVX-512, naming the
// OPENBLAS_CORETYPE value that fixes it; otherwise nil. It is
// CheckCore(Core(), CPUFeatures()).
func Check() *CoreWarning { return CheckCore(Core(), CPUFeatures()) }

// describe is the backend's Describe: the library's version, its core and
// threads, and Check's warning.
func describe() (about, warning string) {
	about = fmt.Sprintf("%s, core %s, %d threads", version(), Core(), Threads())
	if w := Check(); w != nil {
		warning = w.String()
	}
	return about, warning
}
