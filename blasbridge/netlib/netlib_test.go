//go:build netlib && cgo

package netlib_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/blastest"
	"github.com/strider-go/strider/blasbridge/netlib"
)

// TestConformance runs blasbridge's whole conformance suite on OpenBLAS.
func TestConformance(t *testing.T) { blastest.Run(t) }

// TestContract runs Matmul and Einsum on NumPy's fixtures and random
// layouts, on OpenBLAS.
func TestContract(t *testing.T) { blastest.Contract(t) }

func TestActive(t *testing.T) {
	be := blasbridge.Active()
	if be.Name != "netlib" {
		t.Fatalf("got backend %q, want netlib", be.Name)
	}
	if be.MaxDim != math.MaxInt32 {
		t.Errorf("got MaxDim %d, want %d", be.MaxDim, math.MaxInt32)
	}
	if be.GemmEff != [2][2]float64{{1, 1}, {1, 1}} {
		t.Errorf("got GemmEff %v, want all ones", be.GemmEff)
	}
	t.Logf("%s, %d threads", netlib.Config(), netlib.Threads())
}

func TestThreads(t *testing.T) {
	orig := netlib.Threads()
	defer netlib.SetThreads(orig)
	for _, n := range []int{1, 2, 1} {
		netlib.SetThreads(n)
		if got := netlib.Threads(); got != n {
			t.Errorf("SetThreads(%d): Threads() = %d", n, got)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("SetThreads(0) did not panic")
		}
	}()
	netlib.SetThreads(0)
}

// TestStress: goroutines blocked in cgo each hold an OS thread, and
// OpenBLAS aborts the process ("too many memory regions", built for at most
// 128 threads) when too many call it at once. Without the semaphore this
// test died that way in 6 of 7 runs on 2 cores (300 goroutines at n=128
// or 256 did not, in 3 runs).
func TestStress(t *testing.T) {
	const (
		goroutines = 1000
		n          = 128
	)
	rng := rand.New(rand.NewPCG(1, 2))
	a := randSlice(rng, n*n)
	b := randSlice(rng, n*n)
	l := adapter.Layout{Rows: n, Cols: n, RowStride: n, ColStride: 1}
	aCol := make([]float64, n*n) // A stored column-major
	for i := range n {
		for j := range n {
			aCol[i+j*n] = a[i*n+j]
		}
	}
	want := make([]float64, n*n)
	naive(l, a, l, b, l, want)

	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			// Half the goroutines read A column-major, so both flags run.
			as := adapter.Strided{Data: a, Layout: l}
			if g%2 == 1 {
				as = adapter.Strided{Data: aCol, Layout: l.T()}
			}
			c := make([]float64, n*n)
			if _, err := blasbridge.Gemm(1, as, adapter.Strided{Data: b, Layout: l}, 0, adapter.Strided{Data: c, Layout: l}); err != nil {
				errs[g] = err
				return
			}
			if i, ok := near(c, want, 1e-10); !ok {
				errs[g] = fmt.Errorf("element %d: got %v, want %v", i, c[i], want[i])
			}
		})
	}
	wg.Wait()
	failures := 0
	for g, err := range errs {
		if err != nil && failures < 10 {
			t.Errorf("goroutine %d: %v", g, err)
			failures++
		}
	}
}

func TestTooLarge(t *testing.T) {
	a := adapter.Layout{Rows: 1 << 31, Cols: 2, RowStride: 2, ColStride: 1}
	b := adapter.Layout{Rows: 2, Cols: 2, RowStride: 2, ColStride: 1}
	c := adapter.Layout{Rows: 1 << 31, Cols: 2, RowStride: 2, ColStride: 1}
	_, err := blasbridge.PlanGemm(a, b, c)
	if !errors.Is(err, blasbridge.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	// One below the limit plans.
	a.Rows, c.Rows = math.MaxInt32, math.MaxInt32
	if _, err := blasbridge.PlanGemm(a, b, c); err != nil {
		t.Errorf("m = MaxInt32: got %v, want nil", err)
	}
}

// TestMatchesGonum compares blasbridge.Gemm on OpenBLAS with Gonum's pure-Go
// Dgemm called directly on the same stored data, for every combination of
// row- and column-major operands and output.
func TestMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	test := 0
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 9, 33}, {64, 65, 63}, {130, 70, 200}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, colA := range []bool{false, true} {
			for _, colB := range []bool{false, true} {
				for _, colC := range []bool{false, true} {
					test++
					// Padded leading dimensions, so lda != cols is exercised.
					al, lda := layout(m, k, colA, 3)
					bl, ldb := layout(k, n, colB, 1)
					cl, _ := layout(m, n, colC, 2)
					a := randSlice(rng, extent(al))
					b := randSlice(rng, extent(bl))
					c := randSlice(rng, extent(cl))
					alpha, beta := 0.5+rng.Float64(), rng.Float64()

					// Reference: Gonum into a row-major m×n result.
					want := make([]float64, m*n)
					for i := range m {
						for j := range n {
							want[i*n+j] = c[cl.Index(i, j)]
						}
					}
					gonum.Implementation{}.Dgemm(trans(colA), trans(colB), m, n, k, alpha, a, lda, b, ldb, beta, want, n)

					if _, err := blasbridge.Gemm(alpha, adapter.Strided{Data: a, Layout: al}, adapter.Strided{Data: b, Layout: bl}, beta, adapter.Strided{Data: c, Layout: cl}); err != nil {
						t.Fatalf("test %d: %v", test, err)
					}
					got := make([]float64, m*n)
					for i := range m {
						for j := range n {
							got[i*n+j] = c[cl.Index(i, j)]
						}
					}
					if i, ok := near(got, want, 1e-10); !ok {
						t.Errorf("test %d (m=%d n=%d k=%d col A %v B %v C %v): element %d: got %v, want %v",
							test, m, n, k, colA, colB, colC, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// layout returns an r×c layout, column-major if col, with its leading
// dimension padded by pad, and that leading dimension.
func layout(r, c int, col bool, pad int) (adapter.Layout, int) {
	if col {
		return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r + pad}, r + pad
	}
	return adapter.Layout{Rows: r, Cols: c, RowStride: c + pad, ColStride: 1}, c + pad
}

func extent(l adapter.Layout) int { return l.Index(l.Rows-1, l.Cols-1) + 1 }

func trans(col bool) blas.Transpose {
	if col {
		return blas.Trans
	}
	return blas.NoTrans
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64()*2 - 1
	}
	return s
}

// naive computes C = A·B by the element formula.
func naive(al adapter.Layout, a []float64, bl adapter.Layout, b []float64, cl adapter.Layout, c []float64) {
	for i := range al.Rows {
		for j := range bl.Cols {
			var s float64
			for p := range al.Cols {
				s += a[al.Index(i, p)] * b[bl.Index(p, j)]
			}
			c[cl.Index(i, j)] = s
		}
	}
}

// close reports whether got and want agree within tol relative to the
// larger magnitude (or absolutely, near zero), and the first index where
// they do not.
func near(got, want []float64, tol float64) (int, bool) {
	for i := range want {
		d := math.Abs(got[i] - want[i])
		if d > tol*math.Max(1, math.Max(math.Abs(got[i]), math.Abs(want[i]))) {
			return i, false
		}
	}
	return 0, true
}

func ExampleConfig() {
	// Config names the library and the core it chose, such as
	// "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64; core Haswell".
	fmt.Println(netlib.Config() != "")
	// Output: true
}

// TestSingleThreaded checks that nested and overlapping sections leave
// OpenBLAS single-threaded while any is open and restore the count after
// the last, whatever order they end in.
func TestSingleThreaded(t *testing.T) {
	orig := netlib.Threads()
	defer netlib.SetThreads(orig)
	netlib.SetThreads(2)
	st := blasbridge.Active().SingleThreaded
	if st == nil {
		t.Fatal("netlib backend has no SingleThreaded")
	}
	r1 := st()
	r2 := st()
	if got := netlib.Threads(); got != 1 {
		t.Errorf("inside two sections: got %d threads, want 1", got)
	}
	r1()
	if got := netlib.Threads(); got != 1 {
		t.Errorf("after the first release: got %d threads, want 1", got)
	}
	r2()
	if got := netlib.Threads(); got != 2 {
		t.Errorf("after the last release: got %d threads, want 2", got)
	}
}
