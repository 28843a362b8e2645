package bench

import (
	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

var (
	gemmSizes      = []int{64, 128, 256, 512, 1024}
	gemmQuickSizes = []int{64, 256}
)

const gemmMax = 8192

// gemmFamily: C = A·B for n×n operands. The fixed choices call the active
// backend's Dgemm themselves, so they measure the backend, not strider;
// auto asks blasbridge.Gemm, whose plan is matched to a fixed choice.
func gemmFamily() Family {
	flags := Workload{
		Name:       "gemm/flags",
		Key:        "layout=flags",
		Doc:        "DGEMM with each trans-flag combination on the same n×n buffers: what each flag costs on this backend",
		Unit:       "n",
		Sizes:      gemmSizes,
		QuickSizes: gemmQuickSizes,
		MaxSize:    gemmMax,
		Naive:      "NN",
	}
	for _, f := range []struct {
		name   string
		tA, tB bool
	}{{"NN", false, false}, {"NT", false, true}, {"TN", true, false}, {"TT", true, true}} {
		flags.Choices = append(flags.Choices, Choice{
			Name: f.name, Key: "flags=" + f.name,
			Doc:   "Dgemm(" + f.name[:1] + ", " + f.name[1:] + ")",
			Setup: gemmFlagsSetup(f.tA, f.tB),
		})
	}
	return Family{
		Name:  "gemm",
		Bench: "Gemm",
		Doc:   "C = A·B: the four flag combinations, column-major inputs and outputs through flags or copies, and what strider's planner picks",
		Workloads: []Workload{
			flags,
			gemmWorkload("colA", "A column-major (a LAPACK result), B and C row-major", "pack", []gemmChoice{
				{"trans", "the trans flag on A's storage (TN); nothing copied", "A=view B=view C=direct"},
				{"pack", "copy A to row-major, then NN", "A=packed B=view C=direct"},
			}),
			gemmWorkload("col", "A and B column-major, C row-major", "pack", []gemmChoice{
				{"trans", "both flags on the stored data (TT); nothing copied — what mat.Dense.Mul does", "A=view B=view C=direct"},
				{"packA", "copy A to row-major, then NT", "A=packed B=view C=direct"},
				{"pack", "copy A and B to row-major, then NN", "A=packed B=packed C=direct"},
				{"transout", "Cᵀ = Bᵀ·Aᵀ as NN on the stored data into scratch, copied back transposed", "A=view B=view C=scratchT"},
			}),
			gemmWorkload("colout", "A and B row-major, C column-major (a Fortran output)", "copyback", []gemmChoice{
				{"transout", "Cᵀ = Bᵀ·Aᵀ straight into C's storage (TT); nothing copied", "A=view B=view C=transposed"},
				{"copyback", "NN into row-major scratch, copied back into C transposed", "A=view B=view C=scratch"},
				{"packB", "copy B to column-major, then Cᵀ = Bᵀ·Aᵀ as NT straight into C's storage", "A=view B=packed C=transposed"},
			}),
		},
	}
}

type gemmChoice struct{ name, doc, sig string }

func gemmWorkload(layout, doc, naive string, fixed []gemmChoice) Workload {
	w := Workload{
		Name:       "gemm/" + layout,
		Key:        "layout=" + layout,
		Doc:        "C = A·B, n×n, " + doc,
		Unit:       "n",
		Sizes:      gemmSizes,
		QuickSizes: gemmQuickSizes,
		MaxSize:    gemmMax,
		Naive:      naive,
	}
	sigs := map[string]string{}
	for _, f := range fixed {
		sigs[f.name] = f.sig
		w.Choices = append(w.Choices, Choice{
			Name: f.name, Key: "plan=" + f.name, Doc: f.doc,
			Setup: gemmSetup(layout, f.name, nil),
		})
	}
	w.Choices = append(w.Choices, Choice{
		Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.Gemm: strider's planner chooses",
		Setup: gemmSetup(layout, Auto, sigs),
	})
	return w
}

func gemmFlagsSetup(tA, tB bool) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		// Each flag combination computes a different product: no Result
		// to compare.
		cs, _ := dgemmCase(blasbridge.Active(), tA, tB, n)
		return cs, nil
	}
}

// dgemmCase runs the backend's Dgemm with flags (tA, tB) on n×n operands
// and returns the case and its output.
func dgemmCase(be blasbridge.Backend, tA, tB bool, n int) (*Case, []float64) {
	a, b, c := randSlice(1, n*n), randSlice(2, n*n), make([]float64, n*n)
	return &Case{
		Run: func() error {
			be.Float64.Dgemm(flag(tA), flag(tB), n, n, n, 1, a, n, b, n, 0, c, n)
			return nil
		},
		Flops: 2 * float64(n) * float64(n) * float64(n),
	}, c
}

// gemmSetup returns the setup of one choice of the workload with the given
// layouts. Logical A and B are the same in every layout: A(i, j) is
// a[i*n+j] when A is row-major and a[i+j*n] when it is column-major.
func gemmSetup(layout, choice string, sigs map[string]string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		be := blasbridge.Active()
		dgemm := be.Float64.Dgemm
		nn := n * n
		a, b, c := randSlice(1, nn), randSlice(2, nn), make([]float64, nn)
		var s1, s2 []float64
		if choice != Auto {
			s1, s2 = make([]float64, nn), make([]float64, nn)
		}
		row, col := rowLayout(n, n), colLayout(n, n)
		al, bl, cl := row, row, row
		switch layout {
		case "colA":
			al = col
		case "col":
			al, bl = col, col
		case "colout":
			cl = col
		}
		cs := &Case{
			Flops: 2 * float64(n) * float64(nn),
			Result: func() []float64 {
				if cl == row {
					return c
				}
				r := make([]float64, nn)
				transpose(r, n, c, n, n, n)
				return r
			},
		}
		N, T := blas.NoTrans, blas.Trans
		copied := func(k int) int64 { return int64(8 * k * nn) }
		switch layout + "/" + choice {
		case "colA/trans":
			// A's storage is the row-major Aᵀ: the trans flag gives A.
			cs.Run = func() error { dgemm(T, N, n, n, n, 1, a, n, b, n, 0, c, n); return nil }
		case "colA/pack":
			cs.Copied = copied(1)
			cs.Run = func() error {
				transpose(s1, n, a, n, n, n)
				dgemm(N, N, n, n, n, 1, s1, n, b, n, 0, c, n)
				return nil
			}
		case "col/trans":
			cs.Run = func() error { dgemm(T, T, n, n, n, 1, a, n, b, n, 0, c, n); return nil }
		case "col/packA":
			cs.Copied = copied(1)
			cs.Run = func() error {
				transpose(s1, n, a, n, n, n)
				dgemm(N, T, n, n, n, 1, s1, n, b, n, 0, c, n)
				return nil
			}
		case "col/pack":
			cs.Copied = copied(2)
			cs.Run = func() error {
				transpose(s1, n, a, n, n, n)
				transpose(s2, n, b, n, n, n)
				dgemm(N, N, n, n, n, 1, s1, n, s2, n, 0, c, n)
				return nil
			}
		case "col/transout":
			// Cᵀ = Bᵀ·Aᵀ, and the stored B and A are Bᵀ and Aᵀ row-major.
			cs.Copied = copied(1)
			cs.Run = func() error {
				dgemm(N, N, n, n, n, 1, b, n, a, n, 0, s1, n)
				transpose(c, n, s1, n, n, n)
				return nil
			}
		case "colout/transout":
			// C's storage is the row-major Cᵀ = Bᵀ·Aᵀ.
			cs.Run = func() error { dgemm(T, T, n, n, n, 1, b, n, a, n, 0, c, n); return nil }
		case "colout/copyback":
			cs.Copied = copied(1)
			cs.Run = func() error {
				dgemm(N, N, n, n, n, 1, a, n, b, n, 0, s1, n)
				transpose(c, n, s1, n, n, n)
				return nil
			}
		case "colout/packB":
			// s1 = Bᵀ row-major; Cᵀ = Bᵀ·Aᵀ with A's row-major storage flagged.
			cs.Copied = copied(1)
			cs.Run = func() error {
				transpose(s1, n, b, n, n, n)
				dgemm(N, T, n, n, n, 1, s1, n, a, n, 0, c, n)
				return nil
			}
		default: // auto
			err := autoGemm(cs, sigs, adapter.Strided{Data: a, Layout: al}, adapter.Strided{Data: b, Layout: bl}, adapter.Strided{Data: c, Layout: cl})
			if err != nil {
				return nil, err
			}
		}
		return cs, nil
	}
}
