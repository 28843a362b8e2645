//go:build netlib && cgo

package netlib_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/blasbridge/lapack"
	"github.com/strider-go/strider/blasbridge/lapack/lapacktest"
	"github.com/strider-go/strider/colmajor"
)

// TestLAPACKConformance runs blasbridge/lapack's whole suite on LAPACK
// through LAPACKE, column-major: SciPy's fixtures, Gonum's mat (itself on
// the same LAPACK through lapack64), in-place proofs and allocations.
func TestLAPACKConformance(t *testing.T) {
	if be := lapack.Active(); be.Name != "netlib" || !be.ColMajor || be.Float32 == nil {
		t.Fatalf("LAPACK backend %q (column-major %v, float32 %v), want netlib, column-major, float32", be.Name, be.ColMajor, be.Float32 != nil)
	}
	lapacktest.Run(t)
}

// TestLAPACKStress: goroutines blocked in cgo each hold an OS thread, and
// OpenBLAS aborts the process when too many threads call it at once. Every
// LAPACK call — strider's, and Gonum's mat through lapack64 — holds a slot
// of the package semaphore. Without it this test crashed the process
// (SIGSEGV in OpenBLAS) in 3 of 3 runs on 2 cores; 400 goroutines at n=192
// did not crash but took 18–20 s, against 0.4 s bounded.
func TestLAPACKStress(t *testing.T) {
	const goroutines, n = 600, 256
	rng := rand.New(rand.NewPCG(3, 4))
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	b := mat.NewVecDense(n, nil)
	for i := range n {
		b.SetVec(i, rng.NormFloat64())
	}
	var want mat.VecDense
	if err := want.SolveVec(a, b); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			var x mat.VecDense
			var err error
			if g%2 == 0 {
				_, err = lapack.Solve(&x, colmajor.DenseCopyOf(a), b, lapack.Overwrite)
			} else {
				var lu mat.LU // Gonum's mat, on LAPACK through lapack64
				lu.Factorize(a)
				err = lu.SolveVecTo(&x, false, b)
			}
			if err == nil && !mat.EqualApprox(&x, &want, 1e-9) {
				err = fmt.Errorf("x differs from mat.Dense.SolveVec's")
			}
			errs[g] = err
		})
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", g, err)
		}
	}
}

// The same benchmarks as blasbridge/lapack's, on LAPACK (OpenBLAS): strider
// column-major, and Gonum's mat through lapack64 over gonum.org/v1/netlib's
// row-major LAPACKE bindings, which transpose into temporaries.

func BenchmarkSolve(b *testing.B)        { lapacktest.BenchSolve(b) }
func BenchmarkLeastSquares(b *testing.B) { lapacktest.BenchLeastSquares(b) }
func BenchmarkSVD(b *testing.B)          { lapacktest.BenchSVD(b) }

// Importing blasbridge/netlib puts blasbridge/lapack on LAPACK too:
// column-major, float32 native, the divide-and-conquer SVD.
func ExampleLAPACK() {
	a := mat.NewDense(2, 2, []float64{2, 0, 0, 4})
	var s lapack.SVD
	plan, err := s.Factorize(a, mat.SVDThin, lapack.Preserve)
	if err != nil {
		panic(err)
	}
	fmt.Println(lapack.Active().Name, plan.Routine, plan.Transposed, s.Values(nil))
	// Output: netlib dgesdd true [4 2]
}
