package bench

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// batchCount is the number of n×n items in a batch: about 2²¹ multiply-adds
// in all, so every size takes a similar time.
func batchCount(n int) int {
	return min(max((1<<21)/(n*n*n), 4), 16384)
}

// batchedFamily: many small GEMMs C_i = A_i·B_i, items stacked back to back,
// one after another, shared among goroutines, or folded into one GEMM when B
// is one matrix broadcast to every item.
func batchedFamily() Family {
	w := func(name, doc string, shared bool) Workload {
		cs := []Choice{
			{Name: "serial", Key: "plan=serial", Doc: "one Dgemm per item, in sequence", Setup: batchedSetup(shared, "serial")},
			{Name: "parallel", Key: "plan=parallel", Doc: "one Dgemm per item, items split among GOMAXPROCS goroutines", Setup: batchedSetup(shared, "parallel")},
		}
		if shared {
			cs = append(cs,
				Choice{Name: "folded", Key: "plan=folded", Doc: "one (count·n)×n·n×n Dgemm", Setup: batchedSetup(shared, "folded")},
				Choice{Name: "folded-par", Key: "plan=folded-par", Doc: "the folded GEMM in GOMAXPROCS row blocks on goroutines", Setup: batchedSetup(shared, "folded-par")},
			)
		}
		cs = append(cs, Choice{Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.GemmBatched: strider's planner chooses", Setup: batchedSetup(shared, Auto)})
		return Workload{
			Name:       "batched/" + name,
			Key:        "b=" + name,
			Doc:        doc,
			Unit:       "n",
			Sizes:      []int{4, 8, 16, 32, 64},
			QuickSizes: []int{8, 32},
			MaxSize:    1024,
			Naive:      "serial",
			Choices:    cs,
			Label:      func(n int) string { return fmt.Sprintf("n=%d/count=%d", n, batchCount(n)) },
		}
	}
	return Family{
		Name:  "batched",
		Bench: "Batched",
		Doc:   "batched small GEMMs: serial vs parallel, folded vs not",
		Workloads: []Workload{
			w("shared", "C_i = A_i·B for count n×n items, one B broadcast (batch stride 0)", true),
			w("distinct", "C_i = A_i·B_i for count n×n items", false),
		},
	}
}

func batchedSetup(shared bool, choice string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		be := blasbridge.Active()
		dgemm := be.Float64.Dgemm
		count, nn := batchCount(n), n*n
		strideB := nn
		if shared {
			strideB = 0
		}
		a, b, c := randSlice(1, count*nn), randSlice(2, max(strideB*count, nn)), make([]float64, count*nn)
		item := func(i int) {
			dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a[i*nn:(i+1)*nn], n, b[i*strideB:i*strideB+nn], n, 0, c[i*nn:(i+1)*nn], n)
		}
		// rows runs the folded GEMM on the item range [lo, hi).
		rows := func(lo, hi int) {
			dgemm(blas.NoTrans, blas.NoTrans, (hi-lo)*n, n, n, 1, a[lo*nn:hi*nn], n, b, n, 0, c[lo*nn:hi*nn], n)
		}
		cs := &Case{
			Flops:  2 * float64(count) * float64(n*nn),
			Result: func() []float64 { return c },
		}
		switch choice {
		case "serial":
			cs.Run = func() error {
				for i := range count {
					item(i)
				}
				return nil
			}
		case "parallel":
			cs.Run = func() error {
				split(count, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						item(i)
					}
				})
				return nil
			}
		case "folded":
			cs.Run = func() error { rows(0, count); return nil }
		case "folded-par":
			cs.Run = func() error { split(count, rows); return nil }
		default:
			item := rowLayout(n, n)
			as := adapter.Strided{Data: a, Layout: item}
			bs := adapter.Strided{Data: b, Layout: item}
			cst := adapter.Strided{Data: c, Layout: item}
			p, err := blasbridge.GemmBatched(1, as, nn, bs, strideB, 0, cst, nn, count)
			if err != nil {
				return nil, err
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
			switch {
			case p.Folded && p.Workers > 1:
				cs.Equivalent = "folded-par"
			case p.Folded:
				cs.Equivalent = "folded"
			case p.Workers > 1:
				cs.Equivalent = "parallel"
			case p.CopiedBytes == 0:
				cs.Equivalent = "serial"
			}
			cs.Run = func() error {
				_, err := blasbridge.GemmBatched(1, as, nn, bs, strideB, 0, cst, nn, count)
				return err
			}
		}
		return cs, nil
	}
}

// split runs f on GOMAXPROCS contiguous parts of [0, count), the calling
// goroutine taking the last.
func split(count int, f func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), count)
	var wg sync.WaitGroup
	for w := range p - 1 {
		wg.Go(func() { f(w*count/p, (w+1)*count/p) })
	}
	f((p-1)*count/p, count)
	wg.Wait()
}
