package blastest

import (
	"fmt"
	"testing"
)

// gemmShapes are the (m, n, k) the layout sweep runs: single elements, rows,
// columns, k = 1 outer products, and a few general sizes.
var gemmShapes = [][3]int{
	{1, 1, 1}, {1, 5, 3}, {5, 1, 3}, {4, 3, 1}, {1, 1, 6},
	{1, 6, 1}, {3, 5, 4}, {7, 2, 9}, {17, 33, 9},
}

var (
	alphas = []float64{1, -0.5, 0}
	betas  = []float64{0, 1, 2.5}
)

// testGemm runs every combination of layouts for A, B and C, every shape
// and every (alpha, beta) through Gemm or Gemm32 against the naive product,
// with sentinels around every operand.
func testGemm[T float](t *testing.T, run gemmFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	for si, s := range gemmShapes {
		m, n, k := s[0], s[1], s[2]
		t.Run(fmt.Sprintf("m=%d,n=%d,k=%d", m, n, k), func(t *testing.T) {
			rng := newRand(uint64(si))
			var as, bs, cs []operand[T]
			for id, kd := range kinds {
				as = append(as, newOperand[T](rng, kd, m, k, 3*id))
				bs = append(bs, newOperand[T](rng, kd, k, n, 3*id+1))
				if !kd.input {
					cs = append(cs, newOperand[T](rng, kd, m, n, 3*id+2))
				}
			}
			fail := failures{t: t}
			calls := 0
			for _, a := range as {
				for _, b := range bs {
					prod := refProduct(a, b)
					for _, c0 := range cs {
						for _, alpha := range alphas {
							for _, beta := range betas {
								c := c0.fresh()
								name := fmt.Sprintf("A=%s B=%s C=%s alpha=%v beta=%v", a.kind, b.kind, c.kind, alpha, beta)
								err := caught(func() error {
									p, err := run(alpha, a, b, beta, c)
									if err != nil {
										return fmt.Errorf("blasbridge.Gemm: %w", err)
									}
									if err := checkGemmPlan(p, a.l, b.l, c.l, size, beta != 0); err != nil {
										return fmt.Errorf("plan: %w", err)
									}
									want, scale := prod.gemmOf(alpha, beta, c.value)
									if err := checkOutput(c, want, scale, tol); err != nil {
										return fmt.Errorf("output C: %w (plan %v)", err, p)
									}
									if err := a.unchanged(); err != nil {
										return fmt.Errorf("input A written: %w", err)
									}
									if err := b.unchanged(); err != nil {
										return fmt.Errorf("input B written: %w", err)
									}
									return nil
								})
								calls++
								if err != nil {
									fail.errorf("%s: %v", name, err)
								}
							}
						}
					}
				}
			}
			if calls != len(as)*len(bs)*len(cs)*len(alphas)*len(betas) {
				t.Fatalf("ran %d calls", calls)
			}
		})
	}
}
