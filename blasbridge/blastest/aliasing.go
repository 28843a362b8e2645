package blastest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/strider-go/strider/adapter"
)

// shared returns operands in the given layouts over one sentinel-filled
// buffer, extra sentinels past the last element. Where layouts overlap,
// the later one's values win; every operand reads the buffer as filled.
func shared[T float](rng *rand.Rand, id, extra int, ls ...adapter.Layout) []operand[T] {
	n := 0
	for _, l := range ls {
		_, hi := extent(l.Rows, l.Cols, l.RowStride, l.ColStride)
		n = max(n, l.Offset+hi+1)
	}
	data := make([]T, n+extra)
	for p := range data {
		data[p] = T(sentinel(id, p))
	}
	for _, l := range ls {
		for i := range l.Rows {
			for j := range l.Cols {
				data[at(l, i, j)] = T(2*rng.Float64() - 1)
			}
		}
	}
	b := &buffer[T]{data: data}
	b.snapshot()
	ops := make([]operand[T], len(ls))
	for i, l := range ls {
		ops[i] = operand[T]{buffer: b, l: l, kind: fmt.Sprintf("%v", l)}
	}
	return ops
}

// asVector views an n×1 operand (RowStride = inc) as a BLAS vector.
func asVector[T float](o operand[T]) vector[T] {
	n, inc := o.l.Rows, o.l.RowStride
	first := at(o.l, 0, 0)
	return vector[T]{operand: o, n: n, inc: inc, lo: first + min(0, (n-1)*inc), hi: first + max(0, (n-1)*inc) + 1}
}

func vecLayout(n, inc, first int) adapter.Layout {
	return adapter.Layout{Rows: n, Cols: 1, RowStride: inc, ColStride: 1, Offset: first}
}

// place shifts l so that its lowest element is at index p.
func place(l adapter.Layout, p int) adapter.Layout {
	lo, _ := extent(l.Rows, l.Cols, l.RowStride, l.ColStride)
	l.Offset = p - lo
	return l
}

// testAliasing: an output that overlaps an input is still right — equal to
// the product of copies of the original inputs — and the plan says it went
// through scratch; an output that merely shares a buffer with an input,
// without overlapping it, is written directly.
func testAliasing(t *testing.T) {
	t.Run("Gemm", func(t *testing.T) { testAliasingGemm(t, gemm64) })
	t.Run("Gemm32", func(t *testing.T) { testAliasingGemm(t, gemm32) })
	t.Run("Gemv", func(t *testing.T) { testAliasingGemv(t, gemv64) })
	t.Run("Gemv32", func(t *testing.T) { testAliasingGemv(t, gemv32) })
}

type aliasCase[T float] struct {
	name    string
	a, b, c operand[T]
	scratch bool // the output overlaps an input's range
}

func aliasGemmCases[T float](rng *rand.Rand) []aliasCase[T] {
	var cases []aliasCase[T]
	for _, n := range []int{5, 17} {
		// C is A, or C is B: same buffer, same layout.
		for _, ck := range []string{"row", "rowpad", "col", "colpad", "step", "colstep", "revrows", "revcols", "revboth"} {
			for _, ok := range []string{"row", "col", "step"} {
				cl := place(kindLayout(ck, n, n), 2)
				ops := shared[T](rng, 1, 3, cl)
				other := newOperand[T](rng, kindNamed(ok), n, n, 2)
				cases = append(cases,
					aliasCase[T]{name: fmt.Sprintf("n=%d/C=A=%s/B=%s", n, ck, ok), a: ops[0], b: other, c: ops[0], scratch: true},
					aliasCase[T]{name: fmt.Sprintf("n=%d/C=B=%s/A=%s", n, ck, ok), a: other, b: ops[0], c: ops[0], scratch: true})
			}
		}
		// C overlaps B's second half, in C's own layout.
		m, k := n, n+2
		for _, ck := range []string{"row", "col", "revrows", "step"} {
			bl := place(rowMajor(k, n, n), 3)
			cl := place(kindLayout(ck, m, n), 3+k*n/2)
			ops := shared[T](rng, 3, 4, bl, cl)
			a := newOperand[T](rng, kindNamed("col"), m, k, 4)
			cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C=%s overlaps half of B", n, ck), a: a, b: ops[0], c: ops[1], scratch: true})
		}
		// C interleaved with A: no shared element, but the ranges overlap.
		al := adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2, Offset: 0}
		cl := adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2, Offset: 1}
		ops := shared[T](rng, 5, 2, al, cl)
		b := newOperand[T](rng, kindNamed("row"), n, n, 6)
		cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C interleaved with A", n), a: ops[0], b: b, c: ops[1], scratch: true})
		// C after A in the same buffer: disjoint, so direct.
		al = place(rowMajor(n, n, n), 1)
		cl = place(rowMajor(n, n, n), 1+n*n+2)
		ops = shared[T](rng, 7, 2, al, cl)
		cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C after A in one buffer", n), a: ops[0], b: b, c: ops[1]})
	}
	return cases
}

func testAliasingGemm[T float](t *testing.T, run gemmFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	rng := newRand(600)
	fail := failures{t: t}
	for _, tc := range aliasGemmCases[T](rng) {
		for _, alpha := range []float64{1, -0.5} {
			for _, beta := range []float64{0, 2.5} {
				// Fresh copies of the shared buffers, keeping the sharing.
				a, b, c := tc.a, tc.b, tc.c
				bufs := map[*buffer[T]]*buffer[T]{}
				for _, o := range []*operand[T]{&a, &b, &c} {
					if bufs[o.buffer] == nil {
						bufs[o.buffer] = o.buffer.clone()
					}
					o.buffer = bufs[o.buffer]
				}
				err := caught(func() error {
					p, err := run(alpha, a, b, beta, c)
					if err != nil {
						return fmt.Errorf("blasbridge.Gemm: %w", err)
					}
					if err := checkGemmPlan(p, a.l, b.l, c.l, size, beta != 0); err != nil {
						return fmt.Errorf("plan: %w", err)
					}
					if isScratch(p.C) != tc.scratch {
						return fmt.Errorf("plan %v: through scratch %v, want %v", p, isScratch(p.C), tc.scratch)
					}
					want, scale := refGemm(alpha, a, b, beta, c)
					if err := checkOutput(c, want, scale, tol); err != nil {
						return fmt.Errorf("output C: %w (plan %v)", err, p)
					}
					for _, in := range []operand[T]{a, b} {
						if in.buffer != c.buffer {
							if err := in.unchanged(); err != nil {
								return fmt.Errorf("input written: %w", err)
							}
						}
					}
					return nil
				})
				if err != nil {
					fail.errorf("%s alpha=%v beta=%v: %v", tc.name, alpha, beta, err)
				}
			}
		}
	}
}

type aliasVecCase[T float] struct {
	name    string
	a       operand[T]
	x, y    vector[T]
	scratch bool
}

func aliasGemvCases[T float](rng *rand.Rand) []aliasVecCase[T] {
	var cases []aliasVecCase[T]
	for _, n := range []int{4, 17} {
		for _, ak := range []string{"row", "col", "step"} {
			a := newOperand[T](rng, kindNamed(ak), n, n, 1)
			for _, inc := range []int{1, 3, -1, -2} {
				// y is x.
				v := asVector(shared[T](rng, 2, 2, place(vecLayout(n, inc, 0), 1))[0])
				cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y=x inc=%d", n, ak, inc), a: a, x: v, y: v, scratch: true})
				// y is x shifted by one element, walking the other way.
				ops := shared[T](rng, 3, 2, place(vecLayout(n, inc, 0), 2), place(vecLayout(n, -inc, 0), 3))
				cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y overlaps x inc=%d", n, ak, inc),
					a: a, x: asVector(ops[0]), y: asVector(ops[1]), scratch: true})
				// x and y in one buffer, disjoint: direct.
				span := (n-1)*abs(inc) + 1
				ops = shared[T](rng, 4, 2, place(vecLayout(n, inc, 0), 1), place(vecLayout(n, inc, 0), 1+span+1))
				cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y after x inc=%d", n, ak, inc),
					a: a, x: asVector(ops[0]), y: asVector(ops[1])})
			}
		}
		// y is a column of a column-major A, or a row of a row-major A.
		for _, ak := range []string{"col", "row"} {
			al := place(kindLayout(ak, n, n), 2)
			col := vecLayout(n, al.RowStride, at(al, 0, 1)) // column 1 of A
			ops := shared[T](rng, 5, 3, al)
			y := asVector(operand[T]{buffer: ops[0].buffer, l: col, kind: "column 1 of A"})
			x := newVector[T](rng, n, 1, 6)
			cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y is column 1 of A", n, ak), a: ops[0], x: x, y: y, scratch: true})
		}
	}
	return cases
}

func testAliasingGemv[T float](t *testing.T, run gemvFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	rng := newRand(700)
	fail := failures{t: t}
	for _, tc := range aliasGemvCases[T](rng) {
		for _, alpha := range []float64{1, -0.5} {
			for _, beta := range []float64{0, 2.5} {
				a, x, y := tc.a, tc.x, tc.y
				bufs := map[*buffer[T]]*buffer[T]{}
				for _, o := range []*operand[T]{&a, &x.operand, &y.operand} {
					if bufs[o.buffer] == nil {
						bufs[o.buffer] = o.buffer.clone()
					}
					o.buffer = bufs[o.buffer]
				}
				err := caught(func() error {
					p, err := run(alpha, a, x, beta, y)
					if err != nil {
						return fmt.Errorf("blasbridge.Gemv: %w", err)
					}
					if err := checkGemvPlan(p, a.l, x.inc, tc.scratch, size, beta != 0); err != nil {
						return fmt.Errorf("plan: %w", err)
					}
					want, scale := refGemv(alpha, a, x, beta, y)
					if err := checkOutput(y.operand, want, scale, tol); err != nil {
						return fmt.Errorf("y: %w (plan %v)", err, p)
					}
					return nil
				})
				if err != nil {
					fail.errorf("%s alpha=%v beta=%v: %v", tc.name, alpha, beta, err)
				}
			}
		}
	}
}
