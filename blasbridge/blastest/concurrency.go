package blastest

import (
	"fmt"
	"sync"
	"testing"
)

// testConcurrency: goroutines calling Gemm and Gemv at once on distinct
// outputs, with plans that pack inputs and go through scratch (pooled,
// shared between calls), all get the right results. Run it under -race.
func testConcurrency(t *testing.T) {
	const (
		workers = 8
		iters   = 20
	)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if g%2 == 0 {
				err = concurrentWorker(g, iters, gemm64, gemv64)
			} else {
				err = concurrentWorker(g, iters, gemm32, gemv32)
			}
			if err != nil {
				t.Errorf("worker %d: %v", g, err)
			}
		}()
	}
	wg.Wait()
}

// concurrentWorker runs one goroutine's products: sizes differ between
// workers so pooled scratch of every size changes hands.
func concurrentWorker[T float](g, iters int, gemm gemmFunc[T], gemv gemvFunc[T]) error {
	rng := newRand(900 + uint64(g))
	m, n, k := 9+g, 33-g, 5+2*g
	size, tol := itemSize[T](), tolerance[T]()
	a := newOperand[T](rng, kindNamed("revrows"), m, k, 1) // packed
	b := newOperand[T](rng, kindNamed("colstep"), k, n, 2) // packed
	c0 := newOperand[T](rng, kindNamed("step"), m, n, 3)   // through scratch
	x := newVector[T](rng, k, 0, 4)                        // broadcast: packed
	y0 := newVector[T](rng, m, -2, 5)
	wantC, scaleC := refGemm(-0.5, a, b, 2.5, c0)
	wantY, scaleY := refGemv(1, a, x, 2.5, y0)
	for it := range iters {
		c, y := c0.fresh(), y0.fresh()
		p, err := gemm(-0.5, a, b, 2.5, c)
		if err != nil {
			return fmt.Errorf("iteration %d: Gemm: %w", it, err)
		}
		if !p.A.Packed || !p.B.Packed || !isScratch(p.C) {
			return fmt.Errorf("iteration %d: plan %v, want A, B packed and C through scratch", it, p)
		}
		if err := checkGemmPlan(p, a.l, b.l, c.l, size, true); err != nil {
			return fmt.Errorf("iteration %d: %w", it, err)
		}
		if err := checkOutput(c, wantC, scaleC, tol); err != nil {
			return fmt.Errorf("iteration %d: C: %w", it, err)
		}
		if _, err := gemv(1, a, x, 2.5, y); err != nil {
			return fmt.Errorf("iteration %d: Gemv: %w", it, err)
		}
		if err := checkOutput(y.operand, wantY, scaleY, tol); err != nil {
			return fmt.Errorf("iteration %d: y: %w", it, err)
		}
	}
	return nil
}
