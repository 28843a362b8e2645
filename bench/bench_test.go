package bench

import (
	goflag "flag" // flag is the trans-flag helper of data.go
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
)

// The go test twins of layoutbench: each family is one benchmark, each
// workload, size and choice a sub-benchmark named as in BenchName (size
// first, key=value segments), running the same Case code as the command at
// each workload's default sizes. Compare layouts within a run and backends
// across runs:
//
//	go test -run '^$' -bench 'Gemm$/n=256' -count 6 ./bench > gonum.txt
//	go test -run '^$' -bench 'Gemm$/n=256' -count 6 -tags netlib ./bench > netlib.txt
//	benchstat -col /plan gonum.txt                 # trans vs pack vs transout vs auto
//	benchstat gonum.txt netlib.txt                 # each choice, pure Go vs OpenBLAS
//
// Besides time they report GFLOP/s (or MB/s through SetBytes for
// bandwidth workloads) and copied-B/op, the bytes the choice copies.
//
// BenchmarkNpy is layoutbench -npy: MatrixFamily on a random 1024×1024
// column-major matrix, or on a .npy file of float64 given after -args:
//
//	go test -run '^$' -bench Npy ./bench -args -npy a.npy

func BenchmarkTraverse(b *testing.B) { benchFamily(b, "traverse") }
func BenchmarkGemm(b *testing.B)     { benchFamily(b, "gemm") }
func BenchmarkGemv(b *testing.B)     { benchFamily(b, "gemv") }
func BenchmarkStrided(b *testing.B)  { benchFamily(b, "strided") }
func BenchmarkBatched(b *testing.B)  { benchFamily(b, "batched") }
func BenchmarkConv(b *testing.B)     { benchFamily(b, "conv") }
func BenchmarkND(b *testing.B)       { benchFamily(b, "nd") }
func BenchmarkBackend(b *testing.B)  { benchFamily(b, "backend") }

var npyFile = goflag.String("npy", "", "a .npy file of float64 for BenchmarkNpy (default: a random 1024×1024 column-major matrix)")

func BenchmarkNpy(b *testing.B) {
	const n = 1024
	a := adapter.Strided{Data: randSlice(1, n*n), Layout: colLayout(n, n)}
	source := "a random column-major matrix"
	if *npyFile != "" {
		f, err := npy.Open(*npyFile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if a, err = f.Strided(); err != nil {
			b.Fatal(err)
		}
		source = *npyFile
	}
	f, err := MatrixFamily(source, a)
	if err != nil {
		b.Fatal(err)
	}
	benchWorkloads(b, &f)
}

func benchFamily(b *testing.B, name string) {
	for _, f := range Families() {
		if f.Name == name {
			benchWorkloads(b, &f)
			return
		}
	}
	b.Fatalf("no family %s", name)
}

// benchWorkloads runs every workload of f at its default sizes.
func benchWorkloads(b *testing.B, f *Family) {
	for _, w := range f.Workloads {
		for _, n := range w.Sizes {
			for _, c := range w.Choices {
				full := BenchName(f, &w, &c, n)
				b.Run(full[len(f.Bench)+1:], func(b *testing.B) {
					cs, err := c.Setup(n)
					if err != nil {
						b.Fatal(err)
					}
					if cs.Flops == 0 {
						b.SetBytes(int64(cs.Bytes))
					}
					b.ReportAllocs()
					for b.Loop() {
						if err := cs.Run(); err != nil {
							b.Fatal(err)
						}
					}
					if cs.Flops > 0 {
						b.ReportMetric(cs.Flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					}
					if cs.Copied >= 0 {
						b.ReportMetric(float64(cs.Copied), "copied-B/op")
					}
				})
			}
		}
	}
}

func TestBenchFamiliesCovered(t *testing.T) {
	// Every family has its Benchmark function above.
	have := map[string]bool{"Traverse": true, "Gemm": true, "Gemv": true, "Strided": true, "Batched": true, "Conv": true, "ND": true, "Backend": true}
	for _, f := range Families() {
		if !have[f.Bench] {
			t.Errorf("family %s: no Benchmark%s", f.Name, f.Bench)
		}
	}
}
