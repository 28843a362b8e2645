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

// testAliasing: an output that shares an element with an input is still
// right — equal to the product of copies of the original inputs — and the
// plan says it went through scratch; an output that shares a buffer with an
// input but no element, even interleaved with it in memory (blocks, rows
// and columns of one matrix, as blocked LAPACK updates them), is planned as
// it would be with a buffer of its own. Whether two views share an element
// is decided here by listing both.
func testAliasing(t *testing.T) {
	t.Run("Gemm", func(t *testing.T) { testAliasingGemm(t, gemm64) })
	t.Run("Gemm32", func(t *testing.T) { testAliasingGemm(t, gemm32) })
	t.Run("Gemv", func(t *testing.T) { testAliasingGemv(t, gemv64) })
	t.Run("Gemv32", func(t *testing.T) { testAliasingGemv(t, gemv32) })
	t.Run("Random", testAliasingRandom)
}

// sharesElement reports, by listing both views, whether x and y have an
// element at the same position of the same buffer.
func sharesElement[T float](x, y operand[T]) bool {
	if x.buffer != y.buffer {
		return false
	}
	seen := map[int]bool{}
	for i := range x.l.Rows {
		for j := range x.l.Cols {
			seen[at(x.l, i, j)] = true
		}
	}
	for i := range y.l.Rows {
		for j := range y.l.Cols {
			if seen[at(y.l, i, j)] {
				return true
			}
		}
	}
	return false
}

// separate returns copies of the operands, each over a buffer of its own.
func separate[T float](ops ...*operand[T]) {
	for _, o := range ops {
		*o = o.fresh()
	}
}

type aliasCase[T float] struct {
	name    string
	a, b, c operand[T]
	shares  bool // C shares an element with A or B (checked by listing)
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
					aliasCase[T]{name: fmt.Sprintf("n=%d/C=A=%s/B=%s", n, ck, ok), a: ops[0], b: other, c: ops[0], shares: true},
					aliasCase[T]{name: fmt.Sprintf("n=%d/C=B=%s/A=%s", n, ck, ok), a: other, b: ops[0], c: ops[0], shares: true})
			}
		}
		// C overlaps B's second half, in C's own layout.
		m, k := n, n+2
		for _, ck := range []string{"row", "col", "revrows"} {
			bl := place(rowMajor(k, n, n), 3)
			cl := place(kindLayout(ck, m, n), 3+k*n/2)
			ops := shared[T](rng, 3, 4, bl, cl)
			a := newOperand[T](rng, kindNamed("col"), m, k, 4)
			cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C=%s overlaps half of B", n, ck), a: a, b: ops[0], c: ops[1], shares: true})
		}
		b := newOperand[T](rng, kindNamed("row"), n, n, 6)
		// C interleaved with A, sharing no element: even and odd columns
		// (C general, so through scratch anyway), even and odd rows.
		al := adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2, Offset: 0}
		cl := adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2, Offset: 1}
		ops := shared[T](rng, 5, 2, al, cl)
		cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C in A's odd columns", n), a: ops[0], b: b, c: ops[1]})
		al = adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 1, Offset: 0}
		cl = adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 1, Offset: n}
		ops = shared[T](rng, 5, 2, al, cl)
		cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C in A's odd rows", n), a: ops[0], b: b, c: ops[1]})
		// C after A in the same buffer: disjoint, so direct.
		al = place(rowMajor(n, n, n), 1)
		cl = place(rowMajor(n, n, n), 1+n*n+2)
		ops = shared[T](rng, 7, 2, al, cl)
		cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/C after A in one buffer", n), a: ops[0], b: b, c: ops[1]})

		// Blocks of one row-major 2n×2n matrix M with padded rows, as a
		// blocked LU, QR or Cholesky updates them: the trailing block
		// M[n:, n:] -= M[n:, :n]·M[:n, n:], and the same with the panels
		// or the output read through their transposes.
		ld := 2*n + 3
		blk := func(i, j, r, c int) adapter.Layout {
			return adapter.Layout{Rows: r, Cols: c, RowStride: ld, ColStride: 1, Offset: i*ld + j}
		}
		blkT := func(i, j, r, c int) adapter.Layout { return blk(i, j, r, c).T() }
		for _, tc := range []struct {
			name    string
			a, b, c adapter.Layout
			shares  bool
		}{
			{"trailing update", blk(n, 0, n, n), blk(0, n, n, n), blk(n, n, n, n), false},
			{"trailing update, panels transposed", blkT(0, n, n, n), blkT(n, 0, n, n), blk(n, n, n, n), false},
			{"trailing update into Cᵀ", blk(n, 0, n, n), blk(0, n, n, n), blkT(n, n, n, n), false},
			{"a panel times its transpose into the diagonal block", blk(n, 0, n, n-1), blkT(n, 0, n, n-1), blk(0, 0, n, n), false},
			{"C one row and column past A", blk(0, 0, n, n), blk(0, n, n, n), blk(n-1, n-1, n, n), true},
			{"C is Aᵀ", blk(0, 0, n, n), blk(0, n, n, n), blkT(0, 0, n, n), true},
			{"C beside A, one column shared", blk(0, 0, n, n), blk(n, 0, n, n), blk(0, n-1, n, n), true},
			{"C beside A", blk(0, 0, n, n), blk(n, 0, n, n), blk(0, n, n, n), false},
		} {
			ops := shared[T](rng, 8, 3, tc.a, tc.b, tc.c)
			cases = append(cases, aliasCase[T]{name: fmt.Sprintf("n=%d/one matrix/%s", n, tc.name), a: ops[0], b: ops[1], c: ops[2], shares: tc.shares})
		}
	}
	return cases
}

func testAliasingGemm[T float](t *testing.T, run gemmFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	rng := newRand(600)
	fail := failures{t: t}
	for _, tc := range aliasGemmCases[T](rng) {
		if got := sharesElement(tc.a, tc.c) || sharesElement(tc.b, tc.c); got != tc.shares {
			t.Fatalf("%s: the case says C shares an element %v, listing says %v", tc.name, tc.shares, got)
		}
		for _, alpha := range []float64{1, -0.5} {
			for _, beta := range []float64{0, 2.5} {
				if err := checkAliasedGemm(run, tc.a, tc.b, tc.c, tc.shares, alpha, beta, size, tol); err != nil {
					fail.errorf("%s alpha=%v beta=%v: %v", tc.name, alpha, beta, err)
				}
			}
		}
	}
}

// checkAliasedGemm runs C = alpha·A·B + beta·C on fresh copies of the
// operands' buffers, keeping their sharing, and checks the result against
// the naive product of the originals, the inputs unchanged where C is not,
// and the plan: through scratch if C shares an element with an input, else
// the plan of the same call on operands in buffers of their own.
func checkAliasedGemm[T float](run gemmFunc[T], a, b, c operand[T], shares bool, alpha, beta float64, size int, tol float64) error {
	bufs := map[*buffer[T]]*buffer[T]{}
	for _, o := range []*operand[T]{&a, &b, &c} {
		if bufs[o.buffer] == nil {
			bufs[o.buffer] = o.buffer.clone()
		}
		o.buffer = bufs[o.buffer]
	}
	return caught(func() error {
		p, err := run(alpha, a, b, beta, c)
		if err != nil {
			return fmt.Errorf("blasbridge.Gemm: %w", err)
		}
		if err := checkGemmPlan(p, a.l, b.l, c.l, size, beta != 0); err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if shares && !isScratch(p.C) {
			return fmt.Errorf("plan %v: C shares an element with an input but is not computed through scratch", p)
		}
		if !shares {
			sa, sb, sc := a, b, c
			separate(&sa, &sb, &sc)
			want, err := run(alpha, sa, sb, beta, sc)
			if err != nil {
				return fmt.Errorf("blasbridge.Gemm on separate buffers: %w", err)
			}
			if p != want {
				return fmt.Errorf("plan %v, but on separate buffers %v", p, want)
			}
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
}

// testAliasingRandom: A, B and C at random small layouts (any strides, in
// -6..6, reversed, broadcast or interleaved) in one buffer, with C's
// elements distinct: the result is right, and C goes through scratch
// exactly when it shares an element with A or B, by listing.
func testAliasingRandom(t *testing.T) {
	rng := newRand(650)
	fail := failures{t: t}
	stride := func() int { return rng.IntN(13) - 6 }
	nShared, nDisjoint := 0, 0
	for iter := range 3000 {
		m, n, k := 1+rng.IntN(4), 1+rng.IntN(4), 1+rng.IntN(4)
		var ls [3]adapter.Layout
		for o, d := range [3][2]int{{m, k}, {k, n}, {m, n}} {
			for {
				l := adapter.Layout{Rows: d[0], Cols: d[1], RowStride: stride(), ColStride: stride()}
				if o == 2 && l.Overlaps() {
					continue // not writable
				}
				ls[o] = place(l, rng.IntN(24))
				break
			}
		}
		ops := shared[float64](rng, 9, 2, ls[0], ls[1], ls[2])
		a, b, c := ops[0], ops[1], ops[2]
		shares := sharesElement(a, c) || sharesElement(b, c)
		if shares {
			nShared++
		} else {
			nDisjoint++
		}
		alpha, beta := 1.5, []float64{0, -0.5}[iter%2]
		if err := checkAliasedGemm(gemm64, a, b, c, shares, alpha, beta, 8, tol64); err != nil {
			fail.errorf("A %v, B %v, C %v beta=%v: %v", a.l, b.l, c.l, beta, err)
		}
	}
	if nShared < 300 || nDisjoint < 300 {
		t.Errorf("%d draws share an element, %d do not: too few of one kind", nShared, nDisjoint)
	}
}

type aliasVecCase[T float] struct {
	name   string
	a      operand[T]
	x, y   vector[T]
	shares bool
}

func aliasGemvCases[T float](rng *rand.Rand) []aliasVecCase[T] {
	var cases []aliasVecCase[T]
	for _, n := range []int{4, 17} {
		for _, ak := range []string{"row", "col", "step"} {
			a := newOperand[T](rng, kindNamed(ak), n, n, 1)
			for _, inc := range []int{1, 3, -1, -2} {
				// y is x.
				v := asVector(shared[T](rng, 2, 2, place(vecLayout(n, inc, 0), 1))[0])
				cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y=x inc=%d", n, ak, inc), a: a, x: v, y: v, shares: true})
				// y is x shifted by one element, walking the other way: they
				// share elements for increments ±1, interleave for others.
				ops := shared[T](rng, 3, 2, place(vecLayout(n, inc, 0), 2), place(vecLayout(n, -inc, 0), 3))
				cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y is x shifted inc=%d", n, ak, inc),
					a: a, x: asVector(ops[0]), y: asVector(ops[1]), shares: abs(inc) == 1})
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
			cases = append(cases, aliasVecCase[T]{name: fmt.Sprintf("n=%d/A=%s/y is column 1 of A", n, ak), a: ops[0], x: x, y: y, shares: true})
		}
		// Rows and columns of one row-major matrix M, as an unblocked
		// Cholesky or Householder step uses them: A = M[j+1:, :j] (or its
		// transpose), x = row j left of the diagonal, y = column j below
		// it. Interleaved, sharing nothing.
		ld, j := n+2, n/2
		m := adapter.Layout{Rows: n, Cols: n, RowStride: ld, ColStride: 1}
		at0 := func(i, c int) int { return i*ld + c }
		aBelow := adapter.Layout{Rows: n - j - 1, Cols: j, RowStride: ld, ColStride: 1, Offset: at0(j+1, 0)}
		rowJ := vecLayout(j, 1, at0(j, 0))
		colJ := vecLayout(n-j-1, ld, at0(j+1, j))
		colJm1 := vecLayout(n-j-1, ld, at0(j+1, j-1)) // A's last column
		ops := shared[T](rng, 7, 2, m)
		buf := ops[0].buffer
		view := func(l adapter.Layout) operand[T] { return operand[T]{buffer: buf, l: l, kind: l.String()} }
		cases = append(cases,
			aliasVecCase[T]{name: fmt.Sprintf("n=%d/one matrix/column below the diagonal", n), a: view(aBelow), x: asVector(view(rowJ)), y: asVector(view(colJ))},
			aliasVecCase[T]{name: fmt.Sprintf("n=%d/one matrix/row left of the diagonal", n), a: view(aBelow.T()), x: asVector(view(colJ)), y: asVector(view(rowJ))},
			aliasVecCase[T]{name: fmt.Sprintf("n=%d/one matrix/y is A's last column", n), a: view(aBelow), x: asVector(view(rowJ)), y: asVector(view(colJm1)), shares: true})
	}
	return cases
}

func testAliasingGemv[T float](t *testing.T, run gemvFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	rng := newRand(700)
	fail := failures{t: t}
	for _, tc := range aliasGemvCases[T](rng) {
		if got := sharesElement(tc.y.operand, tc.a) || sharesElement(tc.y.operand, tc.x.operand); got != tc.shares {
			t.Fatalf("%s: the case says y shares an element %v, listing says %v", tc.name, tc.shares, got)
		}
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
					if err := checkGemvPlan(p, a.l, x.inc, tc.shares, size, beta != 0); err != nil {
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
