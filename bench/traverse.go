package bench

import "fmt"

// traverseFamily: sum every element of an n×n matrix with the inner loop
// along the small stride or along the large one — the cache effect NumPy's
// documentation describes for C and Fortran order.
func traverseFamily() Family {
	w := func(layout, order string) Workload {
		return Workload{
			Name:       "traverse/" + layout,
			Key:        "layout=" + layout,
			Doc:        fmt.Sprintf("sum all elements of an n×n %s matrix", order),
			Unit:       "n",
			Sizes:      []int{512, 2048, 4096},
			QuickSizes: []int{256, 1024},
			MaxSize:    1 << 15,
			Naive:      "slow",
			Choices: []Choice{
				{Name: "fast", Key: "axis=fast", Doc: "inner loop along the small stride (memory order)", Setup: traverseSetup(layout, true)},
				{Name: "slow", Key: "axis=slow", Doc: "inner loop along the large stride (a C loop over Fortran data, or the reverse)", Setup: traverseSetup(layout, false)},
			},
		}
	}
	return Family{
		Name:      "traverse",
		Bench:     "Traverse",
		Doc:       "sum a large matrix along its small stride and along its large stride",
		Workloads: []Workload{w("row", "row-major"), w("col", "column-major")},
	}
}

func traverseSetup(layout string, fast bool) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		d := randSlice(1, n*n)
		// Row-major: (i, j) at i*n + j; column-major: at i + j*n. Either
		// way the buffer has one axis of stride 1 and one of stride n.
		rs, cs := n, 1
		if layout == "col" {
			rs, cs = 1, n
		}
		// Outer axis (stride so), inner axis (stride si).
		so, si := rs, cs
		if (cs == 1) != fast {
			so, si = cs, rs
		}
		var sum float64
		return &Case{
			Run: func() error {
				sum = sumStrided(d, n, so, n, si)
				return nil
			},
			Bytes:  float64(8 * n * n),
			Result: func() []float64 { return []float64{sum} },
		}, nil
	}
}

// sumStrided sums the n0×n1 elements d[a*s0 + b*s1], b innermost.
func sumStrided(d []float64, n0, s0, n1, s1 int) float64 {
	var s float64
	for a := range n0 {
		k := a * s0
		for range n1 {
			s += d[k]
			k += s1
		}
	}
	return s
}
