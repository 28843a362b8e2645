package bench_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/bench"
	"github.com/strider-go/strider/blasbridge"
)

// Run measures workloads and recommends a choice for each size. Times vary
// from run to run; what each choice copies does not.
func ExampleRun() {
	r, err := bench.Run(context.Background(), bench.Options{
		Workloads: []string{"gemv"},
		Sizes:     map[string][]int{"": {64}},
		Reps:      1,
		MinTime:   time.Microsecond,
	})
	if err != nil {
		panic(err)
	}
	for _, m := range r.Measurements {
		fmt.Printf("%s %s %s copies %d B (%s)\n", m.Workload, m.SizeLabel, m.Choice, m.Copied, m.Bench)
	}
	rec := r.Recommendations[0]
	fmt.Println("naive:", rec.Naive, "planner:", rec.Planner)
	// Output:
	// gemv/col n=64 trans copies 0 B (BenchmarkGemv/n=64/a=col/plan=trans)
	// gemv/col n=64 copy copies 32768 B (BenchmarkGemv/n=64/a=col/plan=copy)
	// gemv/col n=64 auto copies 0 B (BenchmarkGemv/n=64/a=col/plan=auto)
	// naive: copy planner: trans
}

// Recommend keeps the naive choice unless another is faster by more than
// the noise.
func ExampleRecommend() {
	m := func(choice string, median, fastest float64) bench.Measurement {
		return bench.Measurement{Workload: "gemm/col", Size: 512, Choice: choice, MedianNs: median, MinNs: fastest}
	}
	r := bench.Recommend([]bench.Measurement{
		m("trans", 200e6, 190e6), m("pack", 30e6, 29e6), m("transout", 20e6, 19e6),
	}, "pack")
	fmt.Printf("%s, %.1f× over %s: %s\n", r.Choice, r.Speedup, r.Naive, r.Reason)

	r = bench.Recommend([]bench.Measurement{m("pack", 21e6, 19.5e6), m("transout", 20e6, 19e6)}, "pack")
	fmt.Printf("%s: %s\n", r.Choice, r.Reason)
	// Output:
	// transout, 1.5× over pack: transout is 1.50× faster than pack
	// pack: transout is 1.05× faster than pack, within noise: keep pack; tie with transout
}

// Explain shows what strider does with one operand: here a NumPy
// Fortran-order 3×4 float64 array, strides (8, 24) in bytes, planned for
// pure-Go BLAS.
func ExampleExplain() {
	old, err := bench.UseBackend("gonum")
	if err != nil {
		panic(err)
	}
	defer blasbridge.SetBackend(old)

	l, err := adapter.FromNumPy([]int{3, 4}, []int{8, 24}, 8, 0)
	if err != nil {
		panic(err)
	}
	bench.Explain(os.Stdout, bench.Operand{Layout: l, ItemSize: 8})
	// Output:
	// in elements: 3×4, strides (1, 3), offset 0, item size 8 bytes
	// reaches elements 0..11: bytes 0..95 of a buffer of 12 elements
	//
	// classification: col-major 3×4, ld=3 (contiguous)
	//   order col-major · fast axis 0 (down a column) · contiguous yes · elements share addresses no
	// BLAS view: Aᵀ as blas64.General{Rows: 4, Cols: 3, Stride: 3} at element 0, flag blas.Trans
	// copy needed: no — BLAS reads it in place through the trans flag
	//
	// plans on backend gonum, the other operands row-major (blasbridge.PlanGemm):
	//   as A (3×4 · 4×4 → 3×4): A: trans (col-major, ld=3) · B: no-trans · C: direct output · copied 0 B
	//   as B (3×3 · 3×4 → 3×4): A: no-trans · B: trans (col-major, ld=3) · C: direct output · copied 0 B
	//   as C (3×4 · 4×4 → 3×4): A: no-trans · B: no-trans · C: output through scratch · copied 96 B
	//   as A of y = A·x (blasbridge.Gemv): trans on the view of Aᵀ, copied 0 B
	//
	// byte offsets of element (i, j) from the buffer's start:
	//        j=0  j=1  j=2  j=3
	//   i=0    0   24   48   72
	//   i=1    8   32   56   80
	//   i=2   16   40   64   88
}
