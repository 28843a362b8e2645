package blasbridge_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/colmajor"
)

// The benchmarks here measure whatever backend is active: pure-Go Gonum by
// default, OpenBLAS when built with -tags netlib (netlib_bench_test.go
// imports the backend). Each name ends in impl=<backend>, so runs of the two
// builds concatenate and compare:
//
//	go test -run '^$' -bench 'Gemv|GemmColCol|Overhead' -count 6 ./blasbridge > gonum.txt
//	go test -run '^$' -bench 'Gemv|GemmColCol|Overhead' -count 6 -tags netlib ./blasbridge > netlib.txt
//	benchstat -col /a gonum.txt        # GEMV: row vs col (trans flag) vs copied
//	benchstat -col /how gonum.txt      # GemmColCol and Overhead
//	benchstat -col /impl gonum.txt netlib.txt

func impl() string { return "impl=" + blasbridge.Active().Name }

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64()*2 - 1
	}
	return s
}

func rowLayout(r, c int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
}

func colLayout(r, c int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
}

// reportGFLOPS adds the rate of a GEMM of m·n·k multiply-adds per op.
func reportGFLOPS(b *testing.B, m, n, k int) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// gemvData is one 4096×4096 matrix, shared by every GEMV benchmark run (it
// takes 128 MiB and a noticeable time to fill), and the row-major
// destination the copying variant writes.
var gemvData = sync.OnceValues(func() (a, dst []float64) {
	const n = 4096
	return randSlice(rand.New(rand.NewPCG(1, 1)), n*n), make([]float64, n*n)
})

// BenchmarkGemv is y = A·x for a 4096×4096 A stored row-major (a=row:
// NoTrans), column-major (a=col: the trans flag on the same bytes, no copy)
// and column-major copied to row-major first on every call (a=copied: what
// a caller without strider pays, through blas64.General.From). SetBytes is
// A's size: GEMV streams it once.
func BenchmarkGemv(b *testing.B) {
	const n = 4096
	for _, a := range []string{"row", "col", "col-direct", "copied"} {
		b.Run(fmt.Sprintf("n=%d/a=%s/%s", n, a, impl()), func(b *testing.B) {
			data, dst := gemvData()
			rng := rand.New(rand.NewPCG(2, 2))
			x := blas64.Vector{N: n, Inc: 1, Data: randSlice(rng, n)}
			y := blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)}
			b.SetBytes(8 * n * n)
			b.ReportAllocs()
			switch a {
			case "row", "col":
				l := rowLayout(n, n)
				if a == "col" {
					l = colLayout(n, n)
				}
				s := adapter.Strided{Data: data, Layout: l}
				for b.Loop() {
					p, err := blasbridge.Gemv(1, s, x, 0, y)
					if err != nil || p.CopiedBytes != 0 {
						b.Fatalf("plan %v, err %v", p, err)
					}
				}
			case "col-direct":
				// The backend's own trans-flag GEMV on the view of Aᵀ: what
				// a=col costs without strider.
				g := blas64.General{Rows: n, Cols: n, Stride: n, Data: data}
				for b.Loop() {
					blas64.Gemv(blas.Trans, 1, g, x, 0, y)
				}
			case "copied":
				src := blas64.GeneralCols{Rows: n, Cols: n, Stride: n, Data: data}
				g := blas64.General{Rows: n, Cols: n, Stride: n, Data: dst}
				for b.Loop() {
					g.From(src)
					blas64.Gemv(blas.NoTrans, 1, g, x, 0, y)
				}
			}
		})
	}
}

// BenchmarkGemmColCol is C = A·B with A and B column-major: through strider
// into a row-major C (how=strider) and a column-major C (how=strider-colout,
// computed as Cᵀ = Bᵀ·Aᵀ, NN on the stored data), against mat.Dense.Mul on
// colmajor.Dense operands (how=gonum-mul), which Gonum untransposes and runs
// as a TT GEMM. copied-B/op is what strider's plan copied.
func BenchmarkGemmColCol(b *testing.B) {
	const n = 512
	rng := rand.New(rand.NewPCG(3, 3))
	ad, bd := randSlice(rng, n*n), randSlice(rng, n*n)
	for _, how := range []string{"strider", "strider-colout", "gonum-mul"} {
		b.Run(fmt.Sprintf("n=%d/%s/how=%s", n, impl(), how), func(b *testing.B) {
			b.ReportAllocs()
			cd := make([]float64, n*n)
			switch how {
			case "strider", "strider-colout":
				a := adapter.Strided{Data: ad, Layout: colLayout(n, n)}
				bb := adapter.Strided{Data: bd, Layout: colLayout(n, n)}
				c := adapter.Strided{Data: cd, Layout: rowLayout(n, n)}
				if how == "strider-colout" {
					c.Layout = colLayout(n, n)
				}
				var p blasbridge.Plan
				for b.Loop() {
					var err error
					if p, err = blasbridge.Gemm(1, a, bb, 0, c); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(p.CopiedBytes), "copied-B/op")
			case "gonum-mul":
				a, err := colmajor.New(ad, n, n, n)
				if err != nil {
					b.Fatal(err)
				}
				bb, err := colmajor.New(bd, n, n, n)
				if err != nil {
					b.Fatal(err)
				}
				c := mat.NewDense(n, n, cd)
				for b.Loop() {
					c.Mul(a, bb)
				}
			}
			reportGFLOPS(b, n, n, n)
		})
	}
}

// BenchmarkOverhead is strider's cost over calling BLAS yourself: the same
// all-row-major C = A·B through blas64.Gemm (how=direct) and blasbridge.Gemm
// (how=strider). At n=32 the planning is a visible share; strider must not
// allocate (Gonum's parallel DGEMM allocates at 512 on its own, in both).
func BenchmarkOverhead(b *testing.B) {
	for _, n := range []int{512, 32} {
		rng := rand.New(rand.NewPCG(4, uint64(n)))
		ad, bd, cd := randSlice(rng, n*n), randSlice(rng, n*n), make([]float64, n*n)
		for _, how := range []string{"direct", "strider"} {
			b.Run(fmt.Sprintf("n=%d/%s/how=%s", n, impl(), how), func(b *testing.B) {
				b.ReportAllocs()
				switch how {
				case "direct":
					ga := blas64.General{Rows: n, Cols: n, Stride: n, Data: ad}
					gb := blas64.General{Rows: n, Cols: n, Stride: n, Data: bd}
					gc := blas64.General{Rows: n, Cols: n, Stride: n, Data: cd}
					for b.Loop() {
						blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc)
					}
				case "strider":
					l := rowLayout(n, n)
					a := adapter.Strided{Data: ad, Layout: l}
					bb := adapter.Strided{Data: bd, Layout: l}
					c := adapter.Strided{Data: cd, Layout: l}
					for b.Loop() {
						if _, err := blasbridge.Gemm(1, a, bb, 0, c); err != nil {
							b.Fatal(err)
						}
					}
				}
				reportGFLOPS(b, n, n, n)
			})
		}
	}
}

// BenchmarkGemm is an all-row-major (NN) C = A·B through strider, to compare
// backends across two builds:
//
//	go test -run '^$' -bench '^BenchmarkGemm$' -benchtime 20x -count 6 ./blasbridge > gonum.txt
//	go test -run '^$' -bench '^BenchmarkGemm$' -benchtime 20x -count 6 -tags netlib ./blasbridge > netlib.txt
//	benchstat -col /impl gonum.txt netlib.txt
func BenchmarkGemm(b *testing.B) {
	const n = 1024
	rng := rand.New(rand.NewPCG(5, 5))
	l := rowLayout(n, n)
	a := adapter.Strided{Data: randSlice(rng, n*n), Layout: l}
	bb := adapter.Strided{Data: randSlice(rng, n*n), Layout: l}
	c := adapter.Strided{Data: make([]float64, n*n), Layout: l}
	b.Run(fmt.Sprintf("n=%d/%s", n, impl()), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := blasbridge.Gemm(1, a, bb, 0, c); err != nil {
				b.Fatal(err)
			}
		}
		reportGFLOPS(b, n, n, n)
	})
}

// BenchmarkMul is Mul against mat.Dense.Mul and against Gemm, on two
// column-major n×n operands (*colmajor.Dense): into a row-major *mat.Dense
// (out=dense), where mat.Dense.Mul (impl=gonum) untransposes both operands
// and runs a TT GEMM, and into a *colmajor.Dense (out=colmajor). impl=gemm
// calls Gemm on the same views Mul finds, so strider/gemm is Mul's own
// cost (n=64 shows it best). The backend is named apart
// (backend=gonum|netlib). -count repeats each sub-benchmark in a row; on a
// shared machine, interleave whole runs instead:
//
//	go test -c -o bb.test ./blasbridge
//	for i in 1 2 3 4 5 6 7 8; do ./bb.test -test.run '^$' -test.bench 'Mul$' >> mul.txt; done
//	benchstat -col /impl mul.txt
func BenchmarkMul(b *testing.B) {
	for _, n := range []int{512, 64} {
		rng := rand.New(rand.NewPCG(5, 5))
		a, err := colmajor.New(randSlice(rng, n*n), n, n, n)
		if err != nil {
			b.Fatal(err)
		}
		bm, err := colmajor.New(randSlice(rng, n*n), n, n, n)
		if err != nil {
			b.Fatal(err)
		}
		backend := "backend=" + blasbridge.Active().Name
		for _, out := range []string{"dense", "colmajor"} {
			var dst mat.Matrix = mat.NewDense(n, n, nil)
			if out == "colmajor" {
				dst = colmajor.NewDense(n, n)
			}
			// Warm up first (OpenBLAS starts its threads on the first
			// call), so that the first sub-benchmark of a run is not
			// slower for coming first.
			if _, err := blasbridge.Mul(dst, a, bm); err != nil {
				b.Fatal(err)
			}
			impls := []string{"strider", "gemm"}
			if out == "dense" {
				impls = append(impls, "gonum")
			}
			for _, how := range impls {
				b.Run(fmt.Sprintf("n=%d/out=%s/%s/impl=%s", n, out, backend, how), func(b *testing.B) {
					b.ReportAllocs()
					var p blasbridge.Plan
					switch how {
					case "strider":
						for b.Loop() {
							if p, err = blasbridge.Mul(dst, a, bm); err != nil {
								b.Fatal(err)
							}
						}
					case "gemm":
						av, _ := adapter.StridedOf(a)
						bv, _ := adapter.StridedOf(bm)
						cv, _ := adapter.StridedOf(dst)
						for b.Loop() {
							if p, err = blasbridge.Gemm(1, av, bv, 0, cv); err != nil {
								b.Fatal(err)
							}
						}
					case "gonum":
						d := dst.(*mat.Dense)
						for b.Loop() {
							d.Mul(a, bm)
						}
					}
					b.ReportMetric(float64(p.CopiedBytes), "copied-B/op")
					reportGFLOPS(b, n, n, n)
				})
			}
		}
	}
}
