package blastest

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// testAllocs: a plan that copies nothing allocates nothing — the zero-copy
// claim as a test.
func testAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector instruments allocations")
	}
	const n = 32
	rng := newRand(800)
	for _, order := range []string{"row", "col"} {
		l := rowMajor(n, n, n)
		if order == "col" {
			l = colMajor(n, n, n)
		}
		a := adapter.Strided{Data: randSlice[float64](rng, l), Layout: l}
		b := adapter.Strided{Data: randSlice[float64](rng, l), Layout: l}
		c := adapter.Strided{Data: randSlice[float64](rng, l), Layout: l}
		a32 := adapter.Strided32{Data: randSlice[float32](rng, l), Layout: l}
		b32 := adapter.Strided32{Data: randSlice[float32](rng, l), Layout: l}
		c32 := adapter.Strided32{Data: randSlice[float32](rng, l), Layout: l}
		x := blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)}
		y := blas64.Vector{N: n, Inc: -1, Data: make([]float64, n)}
		for _, tc := range []struct {
			name string
			f    func() (blasbridge.Plan, error)
		}{
			{"Gemm", func() (blasbridge.Plan, error) { return blasbridge.Gemm(1, a, b, 0.5, c) }},
			{"Gemm32", func() (blasbridge.Plan, error) { return blasbridge.Gemm32(1, a32, b32, 0.5, c32) }},
			{"Gemv", func() (blasbridge.Plan, error) { return blasbridge.Gemv(1, a, x, 0.5, y) }},
			{"PlanGemm", func() (blasbridge.Plan, error) { return blasbridge.PlanGemm(a.Layout, b.Layout, c.Layout) }},
		} {
			p, err := tc.f()
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.name, order, err)
			}
			if p.CopiedBytes != 0 {
				t.Fatalf("%s/%s: plan copies: %v", tc.name, order, p)
			}
			var err2 error
			allocs := testing.AllocsPerRun(50, func() {
				if _, err := tc.f(); err != nil {
					err2 = err
				}
			})
			if err2 != nil {
				t.Fatal(err2)
			}
			if allocs != 0 {
				t.Errorf("%s, n=%d, all %s-major: %v allocations per call, want 0", tc.name, n, order, allocs)
			}
		}
	}
	// Outputs that interleave with their inputs in one matrix, sharing no
	// element: the exact aliasing test allocates nothing either.
	const ld = 2*n + 3
	m := randSlice[float64](rng, adapter.Layout{Rows: 2 * n, Cols: 2 * n, RowStride: ld, ColStride: 1})
	blk := func(i, j, r, c int) adapter.Strided {
		return adapter.Strided{Data: m, Layout: adapter.Layout{Rows: r, Cols: c, RowStride: ld, ColStride: 1, Offset: i*ld + j}}
	}
	col := blas64.Vector{N: n, Inc: ld, Data: m[n*ld+n:]}  // column n from row n, right of A
	row := blas64.Vector{N: n, Inc: 1, Data: m[(n-1)*ld:]} // row n-1, above A
	for _, tc := range []struct {
		name string
		f    func() (blasbridge.Plan, error)
	}{
		{"Gemm/trailing block update", func() (blasbridge.Plan, error) {
			return blasbridge.Gemm(-1, blk(n, 0, n, n), blk(0, n, n, n), 1, blk(n, n, n, n))
		}},
		{"Gemv/column below a row", func() (blasbridge.Plan, error) {
			return blasbridge.Gemv(-1, blk(n, 0, n, n), row, 1, col)
		}},
	} {
		p, err := tc.f()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p.CopiedBytes != 0 {
			t.Fatalf("%s: plan copies: %v", tc.name, p)
		}
		allocs := testing.AllocsPerRun(50, func() { _, _ = tc.f() })
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tc.name, allocs)
		}
	}
}
