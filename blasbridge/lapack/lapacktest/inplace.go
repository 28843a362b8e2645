package lapacktest

import (
	"fmt"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/blasbridge/lapack"
)

// setter is what the views lapack returns can be written through.
type setter[T float] interface{ Set(i, j int, v T) }

// testInPlace proves the zero-copy claims by writing: with Overwrite, the
// eigenvectors EigenSym.Vectors returns are A's own buffer (a write through
// the view shows in the buffer), and the vectors SVD.U returns are the
// SVD's storage, not a copy.
func testInPlace[T float](t *testing.T) {
	if !is64[T]() && lapack.Active().Float32 == nil {
		t.Logf("float32 is widened on %s: nothing runs in place", lapack.Active().Name)
		return
	}
	rng := newRand(6)
	a := spd(rng, 5)
	for _, kind := range []string{"row-padded", "col-padded"} {
		ab := newBuffer[T](kind, 1, a)
		e := newEig[T]()
		p, err := e.factorize(ab.arg(), blas.Lower, true, lapack.Overwrite)
		if err != nil {
			t.Fatal(err)
		}
		if !p.A.InPlace || p.CopiedBytes != 0 {
			t.Errorf("%T %s: plan %v: want in place, nothing copied", *new(T), kind, p)
		}
		z := e.vectors()
		z.raw.(setter[T]).Set(2, 3, 42)
		i, j := 2, 3
		if p.Transposed {
			i, j = j, i // the buffer holds Zᵀ in A's orientation
		}
		if got := ab.at(i, j); got != 42 {
			t.Errorf("%T %s: wrote 42 through Vectors at (2,3): A's buffer has %v at (%d,%d)", *new(T), kind, got, i, j)
		}
		if err := ab.sentinelsIntact(); err != nil {
			t.Errorf("%T %s: %v", *new(T), kind, err)
		}

		s := newSVD[T]()
		if _, err := s.factorize(newBuffer[T](kind, 1, a).arg(), mat.SVDThin, lapack.Overwrite); err != nil {
			t.Fatal(err)
		}
		s.u().raw.(setter[T]).Set(1, 1, 42)
		if got := s.u().at(1, 1); got != 42 {
			t.Errorf("%T %s: wrote 42 through U at (1,1), U has %v: a copy", *new(T), kind, got)
		}
	}
}

// testAllocs counts allocations on the Overwrite paths, and on reused
// factorizations: after the first call nothing is allocated.
func testAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	for _, n := range []int{8, 70} {
		for _, kind := range []string{"row-padded", "col-padded"} {
			t.Run(fmt.Sprintf("n=%d/%s", n, kind), func(t *testing.T) {
				allocs[float64](t, n, kind)
				allocs[float32](t, n, kind)
			})
		}
	}
}

func allocs[T float](t *testing.T, n int, kind string) {
	rng := newRand(7)
	a, pd, b := randMatrix(rng, n, n), spd(rng, n), randMatrix(rng, n, 2)
	ab, pb, bb := newBuffer[T](kind, 1, a), newBuffer[T](kind, 1, pd), newBuffer[T](kind, 2, b)
	x := emptyBuffer[T](kind, 3, n, 2)
	aa, pa, ba, xa := ab.arg(), pb.arg(), bb.arg(), x.arg()
	reset := func() { copy(ab.data, ab.orig); copy(pb.data, pb.orig) }
	lu, qr, ch := newLU[T](), newQR[T](), newChol[T]()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"LU", func() {
			reset()
			_, _ = lu.factorize(aa, lapack.Overwrite)
			_, _ = lu.solveTo(xa, false, ba)
		}},
		{"QR", func() {
			reset()
			_, _ = qr.factorize(aa, lapack.Overwrite)
			_, _ = qr.solveTo(xa, ba)
		}},
		{"Cholesky", func() {
			reset()
			_, _ = ch.factorize(pa, blas.Lower, lapack.Overwrite)
			_, _ = ch.solveTo(xa, ba)
		}},
		{"Solve", func() { reset(); _, _ = solve[T](xa, aa, ba, lapack.Overwrite) }},
		{"LeastSquares", func() { reset(); _, _ = leastSquares[T](xa, aa, ba, lapack.Overwrite) }},
		{"LU Preserve", func() {
			_, _ = lu.factorize(aa, lapack.Preserve)
			_, _ = lu.solveTo(xa, false, ba)
		}},
	} {
		tc.f() // sizes the reused buffers
		if got := testing.AllocsPerRun(5, tc.f); got != 0 {
			t.Errorf("%T %s: %v allocations per run, want 0", *new(T), tc.name, got)
		}
	}
}

// testConcurrency runs solves from many goroutines at once, on their own
// data: pooled scratch and backend state must not be shared.
func testConcurrency(t *testing.T) {
	const goroutines, n = 16, 24
	type problem struct {
		a, b [][]float64
		want *mat.Dense
	}
	rng := newRand(8)
	problems := make([]problem, goroutines)
	for g := range problems {
		a, b := randMatrix(rng, n+g%3, n), randMatrix(rng, n+g%3, 2)
		var want mat.Dense
		if err := want.Solve(dense(a), dense(b)); err != nil {
			t.Fatal(err)
		}
		problems[g] = problem{a, b, &want}
	}
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g, pr := range problems {
		wg.Go(func() {
			for it := range 10 {
				kind := layoutKinds[(g+it)%len(layoutKinds)]
				x := emptyBuffer[float64]("col", 3, n, 2)
				ab := newBuffer[float64](kind, 1, pr.a)
				bb := newBuffer[float64]("row", 2, pr.b)
				var err error
				if len(pr.a) == n {
					_, err = solve[float64](x.arg(), ab.arg(), bb.arg(), modes[it%2])
				} else {
					_, err = leastSquares[float64](x.arg(), ab.arg(), bb.arg(), modes[it%2])
				}
				if err == nil {
					err = compare(x.at, mat2rows(pr.want), 1e-9)
				}
				if err != nil {
					errs[g] = fmt.Errorf("iteration %d, %s: %w", it, kind, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", g, err)
		}
	}
}
