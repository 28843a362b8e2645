package lapacktest

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/blasbridge/lapack"
	"github.com/strider-go/strider/colmajor"
)

// The benchmarks below are shared, like the suite, so that every backend's
// package runs them under the same names:
//
//	func BenchmarkSolve(b *testing.B) { lapacktest.BenchSolve(b) }
//
// Each compares strider on a column-major n×n A — Overwrite (no copy; the
// timer stops while A is refilled) and Preserve (one copy, timed) — with
// what a Gonum user writes for the same matrix, which copies A into
// row-major storage first. Sizes are n=512 and n=2048; select with -bench,
// for example -bench 'SVD/n=2048' -benchtime 1x -count 3 for the pure-Go SVD
// at 2048, which takes tens of seconds an operation.

var benchSizes = []int{512, 2048}

var benchImpls = []string{"strider-overwrite", "strider-preserve", "mat"}

// benchMatrix returns a column-major n×n random matrix with a strong
// diagonal (well conditioned), its data, and a pristine copy of the data.
func benchMatrix(n int) (*colmajor.Dense, []float64, []float64) {
	rng := newRand(uint64(n))
	data := make([]float64, n*n)
	for k := range data {
		data[k] = rng.NormFloat64()
	}
	for i := range n {
		data[i*n+i] += float64(n) / 8
	}
	a, err := colmajor.New(data, n, n, n)
	if err != nil {
		panic(err)
	}
	return a, data, append([]float64(nil), data...)
}

func benchRHS(n int) *mat.VecDense {
	rng := newRand(uint64(n) + 1)
	b := mat.NewVecDense(n, nil)
	for i := range n {
		b.SetVec(i, rng.NormFloat64())
	}
	return b
}

// run times f for each impl, refilling A outside the timer before every
// Overwrite call.
func run(b *testing.B, f func(b *testing.B, impl string, a *colmajor.Dense, refill func())) {
	for _, n := range benchSizes {
		for _, impl := range benchImpls {
			b.Run(fmt.Sprintf("n=%d/layout=col/impl=%s", n, impl), func(b *testing.B) {
				a, data, orig := benchMatrix(n)
				refill := func() {
					b.StopTimer()
					copy(data, orig)
					b.StartTimer()
				}
				b.ReportAllocs()
				f(b, impl, a, refill)
			})
		}
	}
}

func mode(impl string) lapack.Mode {
	if impl == "strider-overwrite" {
		return lapack.Overwrite
	}
	return lapack.Preserve
}

// BenchSolve times A·x = b: strider's Solve (getrf+getrs on the storage as
// Aᵀ on Gonum's LAPACK, as A on LAPACK) against mat.VecDense.SolveVec.
func BenchSolve(b *testing.B) {
	run(b, func(b *testing.B, impl string, a *colmajor.Dense, refill func()) {
		r, _ := a.Dims()
		rhs := benchRHS(r)
		var x mat.VecDense
		for b.Loop() {
			var err error
			if impl == "mat" {
				err = x.SolveVec(a, rhs)
			} else {
				if impl == "strider-overwrite" {
					refill()
				}
				_, err = lapack.Solve(&x, a, rhs, mode(impl))
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchLeastSquares times min ‖A·x − b‖ for the square A: strider's
// LeastSquares (gels) against mat.QR's Factorize and SolveVecTo (mat's
// Solve takes LU for a square A).
func BenchLeastSquares(b *testing.B) {
	run(b, func(b *testing.B, impl string, a *colmajor.Dense, refill func()) {
		r, _ := a.Dims()
		rhs := benchRHS(r)
		var x mat.VecDense
		var qr mat.QR
		for b.Loop() {
			var err error
			if impl == "mat" {
				qr.Factorize(a)
				err = qr.SolveVecTo(&x, false, rhs)
			} else {
				if impl == "strider-overwrite" {
					refill()
				}
				_, err = lapack.LeastSquares(&x, a, rhs, mode(impl))
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchSVD times the thin SVD (values and vectors): strider's SVD (gesdd on
// LAPACK, gesvd on Gonum) against mat.SVD.
func BenchSVD(b *testing.B) {
	run(b, func(b *testing.B, impl string, a *colmajor.Dense, refill func()) {
		var ms mat.SVD
		var s lapack.SVD
		for b.Loop() {
			if impl == "mat" {
				if !ms.Factorize(a, mat.SVDThin) {
					b.Fatal("mat.SVD failed")
				}
				continue
			}
			if impl == "strider-overwrite" {
				refill()
			}
			if _, err := s.Factorize(a, mat.SVDThin, mode(impl)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
