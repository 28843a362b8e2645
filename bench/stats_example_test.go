package bench_test

import (
	"fmt"
	"os"

	"github.com/strider-go/strider/bench"
)

// CompareSamples tells two choices apart from their samples without
// assuming a distribution: the Hodges-Lehmann ratio of their times, its
// interval, and the Mann-Whitney U test's p-value.
func ExampleCompareSamples() {
	// Time of one run in ns, of two choices sampled alternately. Every
	// trans sample is faster: p = 2/C(16, 8), the least 8 and 8 can give.
	pack := []float64{102, 99, 101.5, 100, 103, 98, 100.5, 101}
	trans := []float64{81, 80, 82, 79, 80.5, 83, 79.5, 81.5}
	r := bench.CompareSamples(pack, trans, bench.Alpha)
	fmt.Printf("trans takes %.2f× pack's time (95%% CI %.2f–%.2f×), p=%.5f, significant: %v\n", r.Estimate, r.Low, r.High, r.P, r.Significant)

	// Samples that overlap: no significant difference.
	r = bench.CompareSamples(pack, []float64{99.5, 103.5, 98.5, 101.2, 100.2, 102.5, 97.5, 100.7}, bench.Alpha)
	fmt.Printf("%.2f× (95%% CI %.2f–%.2f×), p=%.2f, significant: %v\n", r.Estimate, r.Low, r.High, r.P, r.Significant)
	// Output:
	// trans takes 0.80× pack's time (95% CI 0.79–0.82×), p=0.00016, significant: true
	// 1.00× (95% CI 0.98–1.02×), p=0.88, significant: false
}

// DiffReports compares two reports of layoutbench -json, here the same
// workloads on Gonum's BLAS and on OpenBLAS: the change of every choice
// measured in both, and whether it is significant.
func ExampleDiffReports() {
	read := func(path string) *bench.Report {
		f, err := os.Open(path)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		r, err := bench.ReadReport(f)
		if err != nil {
			panic(err)
		}
		return r
	}
	d, err := bench.DiffReports(read("testdata/compare_old.json"), read("testdata/compare_new.json"), bench.Alpha)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.EnvChanges[0])
	for _, c := range d.Changes {
		fmt.Printf("%s %s %s: %s\n", c.Workload, c.SizeLabel, c.Choice, c.Verdict)
	}
	fmt.Println("only in new:", d.OnlyNew)
	// Output:
	// backend: gonum → netlib
	// traverse/col n=256 fast: ~
	// traverse/col n=256 slow: ~
	// gemm/colA n=256 trans: faster
	// gemm/colA n=256 pack: faster
	// gemm/colA n=256 auto: faster
	// gemv/col n=256 trans: faster
	// gemv/col n=256 copy: ~
	// gemv/col n=256 auto: ~
	// backend/NN n=256 gonum: ~
	// only in new: [backend/NN n=256 netlib]
}
