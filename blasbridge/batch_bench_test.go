package blasbridge

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
)

// BenchmarkBatched compares, for count products of n×n row-major matrices
// stacked back to back: a loop of blas64.Gemm over the items (impl=loop);
// GemmBatched on the same batch, which is not folded (impl=batched); and
// GemmBatched with B broadcast (batch stride 0), which folds into one
// (count·n)×n · n×n GEMM (impl=folded). The larger sizes, with fewer items,
// weigh sharing items among goroutines against the BLAS's own threading of
// each call (threadedWork in batch.go). Built with -tags netlib the same
// benchmark runs on OpenBLAS.
//
//	go test -run '^$' -bench BenchmarkBatched -count 6 ./blasbridge > batch.txt
//	benchstat -col /impl batch.txt
func BenchmarkBatched(b *testing.B) {
	for _, size := range []struct{ n, count int }{
		{8, 10000}, {32, 10000}, {64, 256}, {96, 64}, {128, 32},
	} {
		b.Run(fmt.Sprintf("n=%d/count=%d", size.n, size.count), func(b *testing.B) {
			benchBatched(b, size.n, size.count)
		})
	}
}

func benchBatched(b *testing.B, n, count int) {
	rnd := rand.New(rand.NewPCG(1, uint64(n)))
	fill := func(k int) []float64 {
		d := make([]float64, k)
		for i := range d {
			d[i] = 2*rnd.Float64() - 1
		}
		return d
	}
	nn := n * n
	ad, bd, cd := fill(count*nn), fill(count*nn), fill(count*nn)
	item := adapter.Layout{Rows: n, Cols: n, RowStride: n, ColStride: 1}
	as := adapter.Strided{Data: ad, Layout: item}
	bs := adapter.Strided{Data: bd, Layout: item}
	cs := adapter.Strided{Data: cd, Layout: item}
	bytes := int64(3 * count * nn * 8)

	b.Run("impl=loop", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(bytes)
		for b.Loop() {
			for i := range count {
				off := i * nn
				blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
					blas64.General{Rows: n, Cols: n, Stride: n, Data: ad[off : off+nn]},
					blas64.General{Rows: n, Cols: n, Stride: n, Data: bd[off : off+nn]},
					0, blas64.General{Rows: n, Cols: n, Stride: n, Data: cd[off : off+nn]})
			}
		}
	})
	b.Run("impl=batched", func(b *testing.B) {
		p, err := GemmBatched(1, as, nn, bs, nn, 0, cs, nn, count)
		if err != nil {
			b.Fatal(err)
		}
		if p.Folded {
			b.Fatalf("folded: %v", p)
		}
		b.ReportAllocs()
		b.SetBytes(bytes)
		for b.Loop() {
			GemmBatched(1, as, nn, bs, nn, 0, cs, nn, count)
		}
	})
	b.Run("impl=folded", func(b *testing.B) {
		p, err := GemmBatched(1, as, nn, bs, 0, 0, cs, nn, count)
		if err != nil {
			b.Fatal(err)
		}
		if !p.Folded {
			b.Fatalf("not folded: %v", p)
		}
		b.ReportAllocs()
		b.SetBytes(bytes)
		for b.Loop() {
			GemmBatched(1, as, nn, bs, 0, 0, cs, nn, count)
		}
	})
}
