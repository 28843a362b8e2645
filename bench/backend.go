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
		a, b, c := randSlice(1, n*n), randSlice(2, n*n), make([]float64, n*n)
		return &Case{
			Run: func() error {
				be.Float64.Dgemm(flag(tA), flag(tB), n, n, n, 1, a, n, b, n, 0, c, n)
				return nil
			},
			Flops:  2 * float64(n) * float64(n) * float64(n),
			Result: func() []float64 { return c },
		}, nil
	}
}
