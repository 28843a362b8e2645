package bench

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// gemvFamily: y = A·x with A column-major: the trans flag on A's storage
// against copying A to row-major first.
func gemvFamily() Family {
	return Family{
		Name:  "gemv",
		Bench: "Gemv",
		Doc:   "y = A·x, A column-major: the trans flag vs copying",
		Workloads: []Workload{{
			Name:       "gemv/col",
			Key:        "a=col",
			Doc:        "y = A·x, A n×n column-major",
			Unit:       "n",
			Sizes:      []int{256, 1024, 4096},
			QuickSizes: []int{256, 1024},
			MaxSize:    1 << 15,
			Naive:      "copy",
			Choices: []Choice{
				{Name: "trans", Key: "plan=trans", Doc: "Dgemv(T) on A's storage; nothing copied", Setup: gemvSetup("trans")},
				{Name: "copy", Key: "plan=copy", Doc: "copy A to row-major, then Dgemv(N)", Setup: gemvSetup("copy")},
				{Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.Gemv: strider's planner chooses", Setup: gemvSetup(Auto)},
			},
		}},
	}
}

func gemvSetup(choice string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		be := blasbridge.Active()
		a, x, y := randSlice(1, n*n), randSlice(2, n), make([]float64, n)
		cs := &Case{
			Bytes:  float64(8 * n * n),
			Result: func() []float64 { return y },
		}
		switch choice {
		case "trans":
			cs.Run = func() error {
				be.Float64.Dgemv(blas.Trans, n, n, 1, a, n, x, 1, 0, y, 1)
				return nil
			}
		case "copy":
			s := make([]float64, n*n)
			cs.Copied = int64(8 * n * n)
			cs.Run = func() error {
				transpose(s, n, a, n, n, n)
				be.Float64.Dgemv(blas.NoTrans, n, n, 1, s, n, x, 1, 0, y, 1)
				return nil
			}
		default:
			as := adapter.Strided{Data: a, Layout: colLayout(n, n)}
			xv := blas64.Vector{N: n, Inc: 1, Data: x}
			yv := blas64.Vector{N: n, Inc: 1, Data: y}
			p, err := blasbridge.Gemv(1, as, xv, 0, yv)
			if err != nil {
				return nil, err
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
			cs.Equivalent = "trans"
			if p.A.Packed {
				cs.Equivalent = "copy"
			}
			cs.Run = func() error {
				_, err := blasbridge.Gemv(1, as, xv, 0, yv)
				return err
			}
		}
		return cs, nil
	}
}
