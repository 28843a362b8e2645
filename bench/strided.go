package bench

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// stridedFamily: C = A·B where A has no BLAS view — every other column of a
// wider matrix (NumPy's a[:, ::2]) or its rows reversed (a[::-1]) — packed
// first or computed in place.
func stridedFamily() Family {
	w := func(name, doc string) Workload {
		sigs := map[string]string{"pack": "A=packed B=view C=direct"}
		return Workload{
			Name:       "strided/" + name,
			Key:        "a=" + name,
			Doc:        "C = A·B, n×n, A " + doc + ", B and C row-major",
			Unit:       "n",
			Sizes:      []int{64, 128, 256, 512},
			QuickSizes: []int{64, 128},
			MaxSize:    4096,
			Naive:      "at",
			Choices: []Choice{
				{Name: "pack", Key: "plan=pack", Doc: "copy A to row-major, then Dgemm", Setup: stridedSetup(name, "pack", nil)},
				{Name: "loop", Key: "plan=loop", Doc: "an i-k-j loop reading A in place; nothing copied", Setup: stridedSetup(name, "loop", nil)},
				{Name: "at", Key: "plan=at", Doc: "mat.Dense.Mul on an adapter.Strided: Gonum's generic path through At", Setup: stridedSetup(name, "at", nil)},
				{Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.Gemm: strider's planner chooses", Setup: stridedSetup(name, Auto, sigs)},
			},
		}
	}
	return Family{
		Name:  "strided",
		Bench: "Strided",
		Doc:   "general strided operands (no BLAS view): packed vs not",
		Workloads: []Workload{
			w("stepped", "every other column of an n×2n row-major matrix (a[:, ::2])"),
			w("reversed", "row-major with its rows reversed (a[::-1])"),
		},
	}
}

func stridedSetup(name, choice string, sigs map[string]string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		be := blasbridge.Active()
		nn := n * n
		var a []float64
		var al adapter.Layout
		switch name {
		case "stepped":
			a = randSlice(1, 2*nn)
			al = adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2}
		default:
			a = randSlice(1, nn)
			al = adapter.Layout{Rows: n, Cols: n, RowStride: -n, ColStride: 1, Offset: (n - 1) * n}
		}
		b, c := randSlice(2, nn), make([]float64, nn)
		cs := &Case{
			Flops:  2 * float64(n) * float64(nn),
			Result: func() []float64 { return c },
		}
		switch choice {
		case "pack":
			s := make([]float64, nn)
			cs.Copied = int64(8 * nn)
			cs.Run = func() error {
				pack(s, a, al)
				be.Float64.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, s, n, b, n, 0, c, n)
				return nil
			}
		case "loop":
			cs.Run = func() error {
				stridedMul(c, a, al, b)
				return nil
			}
		case "at":
			// Gonum copies each row of A into a buffer through At, then
			// reads B through At: n² elements copied.
			cs.Copied = int64(8 * nn)
			as := &adapter.Strided{Data: a, Layout: al}
			bd := mat.NewDense(n, n, b)
			cd := mat.NewDense(n, n, c)
			cs.Run = func() error {
				cd.Mul(as, bd)
				return nil
			}
		default:
			err := autoGemm(cs, sigs, adapter.Strided{Data: a, Layout: al},
				adapter.Strided{Data: b, Layout: rowLayout(n, n)}, adapter.Strided{Data: c, Layout: rowLayout(n, n)})
			if err != nil {
				return nil, err
			}
		}
		return cs, nil
	}
}

// stridedMul computes the n×n row-major C = A·B for A in layout l over a,
// reading A in place: the i-k-j order streams rows of B and C.
func stridedMul(c, a []float64, l adapter.Layout, b []float64) {
	n, k := l.Cols, l.Cols
	for i := range l.Rows {
		crow := c[i*n : (i+1)*n]
		clear(crow)
		ka := l.Offset + i*l.RowStride
		for p := range k {
			v := a[ka]
			ka += l.ColStride
			brow := b[p*n : (p+1)*n]
			for j, bv := range brow {
				crow[j] += v * bv
			}
		}
	}
}
