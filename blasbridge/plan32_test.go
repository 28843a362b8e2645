package blasbridge_test

import (
	"errors"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// PlanGemm and PlanGemm32 foresee the plans Gemm and Gemm32 follow, and
// reject the same layouts, for one table of layouts.
func TestPlanGemmBothTypes(t *testing.T) {
	const m, n, k = 5, 4, 3
	row := func(r, c int) adapter.Layout { return adapter.Layout{Rows: r, Cols: c, RowStride: c + 1, ColStride: 1} }
	col := func(r, c int) adapter.Layout { return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r + 2} }
	rev := func(r, c int) adapter.Layout {
		return adapter.Layout{Rows: r, Cols: c, RowStride: -c, ColStride: 1, Offset: (r - 1) * c}
	}
	gen := func(r, c int) adapter.Layout { return adapter.Layout{Rows: r, Cols: c, RowStride: 2 * c, ColStride: 2} }
	kinds := []func(r, c int) adapter.Layout{row, col, rev, gen}
	for ia, fa := range kinds {
		for ib, fb := range kinds {
			for ic, fc := range kinds {
				a, b, c := fa(m, k), fb(k, n), fc(m, n)
				p64, err64 := blasbridge.PlanGemm(a, b, c)
				p32, err32 := blasbridge.PlanGemm32(a, b, c)
				if err64 != nil || err32 != nil {
					t.Fatalf("test %d%d%d: errors %v, %v", ia, ib, ic, err64, err32)
				}
				g64, err := blasbridge.Gemm(1, adapter.Strided{Data: make([]float64, 64), Layout: a},
					adapter.Strided{Data: make([]float64, 64), Layout: b}, 0, adapter.Strided{Data: make([]float64, 64), Layout: c})
				if err != nil || g64 != p64 {
					t.Errorf("test %d%d%d: Gemm followed %v (%v), PlanGemm said %v", ia, ib, ic, g64, err, p64)
				}
				g32, err := blasbridge.Gemm32(1, adapter.Strided32{Data: make([]float32, 64), Layout: a},
					adapter.Strided32{Data: make([]float32, 64), Layout: b}, 0, adapter.Strided32{Data: make([]float32, 64), Layout: c})
				if err != nil || g32 != p32 {
					t.Errorf("test %d%d%d: Gemm32 followed %v (%v), PlanGemm32 said %v", ia, ib, ic, g32, err, p32)
				}
			}
		}
	}
	for i, plan := range []func(a, b, c adapter.Layout) (blasbridge.Plan, error){blasbridge.PlanGemm, blasbridge.PlanGemm32} {
		if _, err := plan(row(m, k), row(k+1, n), row(m, n)); !errors.Is(err, blasbridge.ErrShape) {
			t.Errorf("test %d: mismatched shapes: %v, want ErrShape", i, err)
		}
		if _, err := plan(row(m, k), row(k, n), adapter.Layout{Rows: m, Cols: n, RowStride: 0, ColStride: 1}); err == nil {
			t.Errorf("test %d: broadcast output: no error", i)
		}
	}
}
