package bench

import (
	"github.com/strider-go/strider/blasbridge"
)

// backendFamily: the same DGEMM on every registered backend.
func backendFamily() Family {
	w := func(flags string, tA, tB bool) Workload {
		wl := Workload{
			Name:       "backend/" + flags,
			Key:        "flags=" + flags,
			Doc:        "DGEMM " + flags + ", n×n, on each backend built in",
			Unit:       "n",
			Sizes:      []int{64, 256, 1024},
			QuickSizes: []int{64, 256},
			MaxSize:    gemmMax,
			Naive:      blasbridge.Gonum.Name,
		}
		for _, b := range Backends() {
			wl.Choices = append(wl.Choices, Choice{
				Name: b.Name, Key: "impl=" + b.Name,
				Doc:   "Dgemm on " + b.Name,
				Setup: backendSetup(b, tA, tB),
			})
		}
		return wl
	}
	return Family{
		Name:      "backend",
		Bench:     "Backend",
		Doc:       "pure-Go Gonum BLAS vs netlib (OpenBLAS) when built with -tags netlib",
		Workloads: []Workload{w("NN", false, false), w("TT", true, true)},
	}
}

func backendSetup(be blasbridge.Backend, tA, tB bool) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		cs, c := dgemmCase(be, tA, tB, n)
		cs.Result = func() []float64 { return c }
		return cs, nil
	}
}
