package blastest

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

func rowMajor(r, c, ld int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: ld, ColStride: 1}
}

func colMajor(r, c, ld int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: ld}
}

// planShapes have no dimension 1, so their row- and column-major layouts
// are not also the other order.
var planShapes = [][3]int{{3, 5, 4}, {7, 2, 9}, {17, 33, 9}, {64, 64, 64}, {512, 512, 512}}

// flatCosts reports whether every flag combination costs the same on be.
func flatCosts(be blasbridge.Backend) bool {
	for _, r := range be.GemmEff {
		for _, e := range r {
			if e != 1 {
				return false
			}
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func testPlans(t *testing.T) {
	t.Run("ZeroCopy", testPlansZeroCopy)
	t.Run("ColumnMajorOutput", testPlansColOutput)
	t.Run("FullSpeedViews", testPlansFullSpeedViews)
	t.Run("Packed", testPlansPacked)
	t.Run("PlanGemmAgrees", testPlansAgree)
	t.Run("NumPyFlags", func(t *testing.T) {
		be := blasbridge.Active()
		if flatCosts(be) {
			testPlansNumPy(t)
			return
		}
		// Check the planner's flat-cost behaviour on this build too: the
		// active backend's kernels with every flag combination at full speed.
		flat := be
		flat.Name += "-flat"
		flat.GemmEff = [2][2]float64{{1, 1}, {1, 1}}
		old := blasbridge.SetBackend(flat)
		defer blasbridge.SetBackend(old)
		t.Run("flat-costs", testPlansNumPy)
	})
	t.Run("String", testPlansString)
	t.Run("Gemv", testPlansGemv)
}

// testPlansZeroCopy: all row-major and all column-major layouts copy
// nothing on any backend, as PlanGemm, Gemm and Gemm32 report.
func testPlansZeroCopy(t *testing.T) {
	for _, s := range planShapes {
		m, n, k := s[0], s[1], s[2]
		for _, pad := range []int{0, 3} {
			for _, order := range []string{"row", "col"} {
				var a, b, c adapter.Layout
				if order == "row" {
					a, b, c = rowMajor(m, k, k+pad), rowMajor(k, n, n+pad), rowMajor(m, n, n+pad)
				} else {
					a, b, c = colMajor(m, k, m+pad), colMajor(k, n, k+pad), colMajor(m, n, m+pad)
				}
				name := fmt.Sprintf("m=%d,n=%d,k=%d/pad=%d/order=%s", m, n, k, pad, order)
				check := func(how string, p blasbridge.Plan, size int) {
					t.Helper()
					if err := checkGemmPlan(p, a, b, c, size, false); err != nil {
						t.Errorf("%s: %s: %v", name, how, err)
					}
					wantTrans, wantOut := order == "col", blasbridge.Direct
					if wantTrans {
						wantOut = blasbridge.Transposed
					}
					if p.CopiedBytes != 0 || p.A.Packed || p.B.Packed || p.A.Trans != wantTrans || p.B.Trans != wantTrans || p.C != wantOut {
						t.Errorf("%s: %s: got %v, want no copies, trans %v, %v", name, how, p, wantTrans, wantOut)
					}
				}
				p, err := blasbridge.PlanGemm(a, b, c)
				if err != nil {
					t.Fatalf("%s: PlanGemm: %v", name, err)
				}
				check("PlanGemm", p, 8)
				if m*n*k > 1<<16 {
					continue
				}
				rng := newRand(200)
				p, err = blasbridge.Gemm(1, adapter.Strided{Data: randSlice[float64](rng, a), Layout: a},
					adapter.Strided{Data: randSlice[float64](rng, b), Layout: b}, 0.5, adapter.Strided{Data: randSlice[float64](rng, c), Layout: c})
				if err != nil {
					t.Fatalf("%s: Gemm: %v", name, err)
				}
				check("Gemm", p, 8)
				p, err = blasbridge.Gemm32(1, adapter.Strided32{Data: randSlice[float32](rng, a), Layout: a},
					adapter.Strided32{Data: randSlice[float32](rng, b), Layout: b}, 0.5, adapter.Strided32{Data: randSlice[float32](rng, c), Layout: c})
				if err != nil {
					t.Fatalf("%s: Gemm32: %v", name, err)
				}
				check("Gemm32", p, 4)
			}
		}
	}
}

// randSlice returns random data exactly long enough for l.
func randSlice[T float](rng interface{ Float64() float64 }, l adapter.Layout) []T {
	_, hi := extent(l.Rows, l.Cols, l.RowStride, l.ColStride)
	s := make([]T, l.Offset+hi+1)
	for i := range s {
		s[i] = T(2*rng.Float64() - 1)
	}
	return s
}

// testPlansColOutput: a column-major C is computed transposed, with no
// copy, whenever the flags that needs (Cᵀ = op(B)ᵀ·op(A)ᵀ) run at the
// backend's best speed: always on a flat-cost backend, and for column-major
// inputs on any backend. A zero-copy plan at full speed cannot be beaten.
// The same holds for a row-major C written directly.
func testPlansColOutput(t *testing.T) {
	be := blasbridge.Active()
	best := 0.0
	for _, r := range be.GemmEff {
		best = max(best, r[0], r[1])
	}
	inputs := []string{"row", "rowpad", "col", "colpad"}
	checked := 0
	for _, s := range planShapes {
		m, n, k := s[0], s[1], s[2]
		for _, ak := range inputs {
			for _, bk := range inputs {
				for _, ck := range []string{"row", "col"} {
					a, b, c := kindLayout(ak, m, k), kindLayout(bk, k, n), kindLayout(ck, m, n)
					p, err := blasbridge.PlanGemm(a, b, c)
					if err != nil {
						t.Fatalf("PlanGemm(%s, %s, %s): %v", ak, bk, ck, err)
					}
					if err := checkGemmPlan(p, a, b, c, 8, false); err != nil {
						t.Errorf("m=%d,n=%d,k=%d A=%s B=%s C=%s: %v", m, n, k, ak, bk, ck, err)
					}
					tA, tB := a.Order() == adapter.ColMajor, b.Order() == adapter.ColMajor
					out := blasbridge.Direct
					if ck == "col" {
						tA, tB, out = !tB, !tA, blasbridge.Transposed
					}
					if be.GemmEff[b2i(tA)][b2i(tB)] < best {
						continue
					}
					checked++
					if p.C != out || p.CopiedBytes != 0 {
						t.Errorf("m=%d,n=%d,k=%d A=%s B=%s C=%s: got %v, want %v with no copy", m, n, k, ak, bk, ck, p, out)
					}
				}
			}
		}
	}
	if checked < len(planShapes)*4*2 {
		t.Errorf("only %d zero-copy plans at full speed checked", checked)
	}
}

// testPlansFullSpeedViews: whenever some choice among the operands' BLAS
// views (blasViews, both for single rows and columns with unit stride) and
// the output's gives flags at the backend's best rate, the plan copies
// nothing. Shapes with dimensions of 1 are where several choices exist: a
// depthwise convolution's 1×1 · 1×L products into a row of an NHWC output
// (column stride F) used to pack A on Gonum's BLAS, whose TT flags are
// slow, though A and B take either flag.
func testPlansFullSpeedViews(t *testing.T) {
	be := blasbridge.Active()
	best := 0.0
	for _, r := range be.GemmEff {
		best = max(best, r[0], r[1])
	}
	shapes := [][3]int{{1, 6, 1}, {1, 1, 6}, {6, 1, 1}, {1, 1, 1}, {1, 5, 3}, {5, 1, 3}, {4, 3, 1}, {64, 1, 48}, {1, 64, 48}, {3, 5, 4}}
	inputs := []string{"row", "rowpad", "col", "colpad"}
	checked := 0
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ak := range inputs {
			for _, bk := range inputs {
				for _, ck := range inputs {
					a, b, c := kindLayout(ak, m, k), kindLayout(bk, k, n), kindLayout(ck, m, n)
					// Is some zero-copy choice at full speed? C = op(A)·op(B)
					// directly, or Cᵀ = op(B)ᵀ·op(A)ᵀ into the view of Cᵀ.
					aRow, aCol := blasViews(a)
					bRow, bCol := blasViews(b)
					cRow, cCol := blasViews(c)
					fullSpeed := false
					for _, tA := range []bool{false, true} {
						for _, tB := range []bool{false, true} {
							if tA && aCol == 0 || !tA && aRow == 0 || tB && bCol == 0 || !tB && bRow == 0 {
								continue
							}
							if cRow != 0 && be.GemmEff[b2i(tA)][b2i(tB)] >= best || cCol != 0 && be.GemmEff[b2i(!tB)][b2i(!tA)] >= best {
								fullSpeed = true
							}
						}
					}
					if !fullSpeed {
						continue
					}
					checked++
					p, err := blasbridge.PlanGemm(a, b, c)
					if err != nil {
						t.Fatalf("PlanGemm: %v", err)
					}
					if err := checkGemmPlan(p, a, b, c, 8, false); err != nil {
						t.Errorf("m=%d,n=%d,k=%d A=%s B=%s C=%s: %v", m, n, k, ak, bk, ck, err)
					}
					if p.CopiedBytes != 0 || isScratch(p.C) {
						t.Errorf("m=%d,n=%d,k=%d A=%v B=%v C=%v: got %v, want a zero-copy plan", m, n, k, a, b, c, p)
					}
				}
			}
		}
	}
	if checked < 300 {
		t.Errorf("only %d plans with a zero-copy choice at full speed checked", checked)
	}
}

// kindLayout is the layout kindNamed(name) gives an r×c matrix at offset
// enough to keep it inside a buffer.
func kindLayout(name string, r, c int) adapter.Layout {
	rs, cs := kindNamed(name).strides(r, c)
	lo, _ := extent(r, c, rs, cs)
	return adapter.Layout{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: -lo}
}

// testPlansPacked: a general-strided input is packed, and only it: the plan
// copies exactly its elements, on any backend, when the other operands are
// row-major.
func testPlansPacked(t *testing.T) {
	general := []string{"step", "colstep", "revrows", "revcols", "revboth", "bcastrow", "bcastcol"}
	for _, s := range planShapes[:4] {
		m, n, k := s[0], s[1], s[2]
		for _, g := range general {
			for _, which := range []string{"A", "B"} {
				a, b, c := kindLayout("row", m, k), kindLayout("row", k, n), kindLayout("row", m, n)
				elems := m * k
				if which == "A" {
					a = kindLayout(g, m, k)
				} else {
					b, elems = kindLayout(g, k, n), k*n
				}
				name := fmt.Sprintf("m=%d,n=%d,k=%d/%s=%s", m, n, k, which, g)
				check := func(how string, p blasbridge.Plan, size int) {
					t.Helper()
					if err := checkGemmPlan(p, a, b, c, size, false); err != nil {
						t.Errorf("%s: %s: %v", name, how, err)
					}
					packed, other := p.A, p.B
					if which == "B" {
						packed, other = p.B, p.A
					}
					if !packed.Packed || other.Packed || p.C != blasbridge.Direct || p.CopiedBytes != elems*size {
						t.Errorf("%s: %s: got %v, want only %s packed, %d B copied", name, how, p, which, elems*size)
					}
				}
				p, err := blasbridge.PlanGemm(a, b, c)
				if err != nil {
					t.Fatalf("%s: PlanGemm: %v", name, err)
				}
				check("PlanGemm", p, 8)
				rng := newRand(300)
				p, err = blasbridge.Gemm(1, adapter.Strided{Data: randSlice[float64](rng, a), Layout: a},
					adapter.Strided{Data: randSlice[float64](rng, b), Layout: b}, 0, adapter.Strided{Data: randSlice[float64](rng, c), Layout: c})
				if err != nil {
					t.Fatalf("%s: Gemm: %v", name, err)
				}
				check("Gemm", p, 8)
				p, err = blasbridge.Gemm32(1, adapter.Strided32{Data: randSlice[float32](rng, a), Layout: a},
					adapter.Strided32{Data: randSlice[float32](rng, b), Layout: b}, 0, adapter.Strided32{Data: randSlice[float32](rng, c), Layout: c})
				if err != nil {
					t.Fatalf("%s: Gemm32: %v", name, err)
				}
				check("Gemm32", p, 4)
			}
		}
	}
}

// testPlansAgree: PlanGemm shows the plan Gemm follows, for beta == 0 and
// an output that overlaps no input.
func testPlansAgree(t *testing.T) {
	shapes := [][3]int{{1, 5, 3}, {3, 5, 4}, {17, 33, 9}, {64, 48, 80}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		rng := newRand(400)
		for _, ak := range kinds {
			for _, bk := range kinds {
				for _, ck := range kinds {
					if ck.input {
						continue
					}
					a, b, c := kindLayout(ak.name, m, k), kindLayout(bk.name, k, n), kindLayout(ck.name, m, n)
					want, err := blasbridge.PlanGemm(a, b, c)
					if err != nil {
						t.Fatalf("PlanGemm: %v", err)
					}
					got, err := blasbridge.Gemm(-0.5, adapter.Strided{Data: randSlice[float64](rng, a), Layout: a},
						adapter.Strided{Data: randSlice[float64](rng, b), Layout: b}, 0, adapter.Strided{Data: randSlice[float64](rng, c), Layout: c})
					if err != nil {
						t.Fatalf("Gemm: %v", err)
					}
					if got != want {
						t.Errorf("m=%d,n=%d,k=%d A=%s B=%s C=%s: Gemm followed %v, PlanGemm says %v", m, n, k, ak.name, bk.name, ck.name, got, want)
					}
				}
			}
		}
	}
}

// testPlansNumPy: on a backend where every flag costs the same, a plan
// hands BLAS-able inputs to BLAS with NumPy's flags. NumPy and strider
// disagree only on inputs with a dimension of 1, whose stride strider
// ignores; those are skipped (layouts.json documents why).
func testPlansNumPy(t *testing.T) {
	if !flatCosts(blasbridge.Active()) {
		t.Fatalf("backend %q does not have flat costs", blasbridge.Active().Name)
	}
	fx := loadGemm(t)
	compared := 0
	for _, c := range fx.Gemm {
		fa, fb := c.NumPyFlags["a"], c.NumPyFlags["b"]
		if c.GoOrder["c"] != "row" || fa == "general" || fb == "general" {
			continue
		}
		al, bl, cl := viewLayout(t, c.A), viewLayout(t, c.B), viewLayout(t, c.C)
		p, err := blasbridge.PlanGemm(al, bl, cl)
		if err != nil {
			t.Fatalf("%s: PlanGemm: %v", c.Name, err)
		}
		if p.C != blasbridge.Direct || p.CopiedBytes != 0 {
			t.Errorf("%s: got %v, want direct output, no copy", c.Name, p)
		}
		for _, op := range [...]struct {
			name string
			o    blasbridge.Operand
		}{{"a", p.A}, {"b", p.B}} {
			flag, goOrder := c.NumPyFlags[op.name], c.GoOrder[op.name]
			if flag != goOrder {
				t.Logf("%s: %s is %s for NumPy, %s for strider (a size-1 dimension): skipped", c.Name, op.name, flag, goOrder)
				continue
			}
			compared++
			if op.o.Packed || op.o.Trans != (flag == "col") {
				t.Errorf("%s: %s: plan %+v, NumPy passes it %s (Trans %v)", c.Name, op.name, op.o, flag, flag == "col")
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d operands compared with NumPy", compared)
	}
}

func testPlansString(t *testing.T) {
	for _, tc := range []struct {
		a, b, c adapter.Layout
		want    string
	}{
		{
			a: colMajor(512, 512, 512), b: colMajor(512, 512, 512), c: colMajor(512, 512, 512),
			want: "A: trans (col-major, ld=512) · B: trans (col-major, ld=512) · C: transposed output · copied 0 B",
		},
		{
			a: rowMajor(512, 512, 512), b: rowMajor(512, 512, 512), c: rowMajor(512, 512, 512),
			want: "A: no-trans · B: no-trans · C: direct output · copied 0 B",
		},
		{
			a: rowMajor(3, 4, 6), b: rowMajor(4, 5, 5), c: rowMajor(3, 5, 5),
			want: "A: no-trans (ld=6) · B: no-trans · C: direct output · copied 0 B",
		},
		{
			// Reversed rows: packed row-major, 3·4·8 bytes.
			a: adapter.Layout{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, b: rowMajor(4, 5, 5), c: rowMajor(3, 5, 5),
			want: "A: packed row-major (general), no-trans · B: no-trans · C: direct output · copied 96 B",
		},
	} {
		p, err := blasbridge.PlanGemm(tc.a, tc.b, tc.c)
		if err != nil {
			t.Fatalf("PlanGemm: %v", err)
		}
		if got := p.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// testPlansGemv: GEMV never copies a matrix with a BLAS view, on any
// backend: its flags are free everywhere and copying costs more than the
// product.
func testPlansGemv(t *testing.T) {
	const n = 256
	rng := newRand(500)
	x := blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)}
	for _, tc := range []struct {
		l    adapter.Layout
		want string
	}{
		{rowMajor(n, n, n), "A: no-trans · x: as is · y: direct output · copied 0 B"},
		{colMajor(n, n, n), "A: trans (col-major, ld=256) · x: as is · y: direct output · copied 0 B"},
		{colMajor(n, n, n+8), "A: trans (col-major, ld=264) · x: as is · y: direct output · copied 0 B"},
		{adapter.Layout{Rows: n, Cols: n, RowStride: 2 * n, ColStride: 2}, "A: packed row-major (general), no-trans · x: as is · y: direct output · copied 512.0 KiB"},
	} {
		y := blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)}
		p, err := blasbridge.Gemv(1, adapter.Strided{Data: randSlice[float64](rng, tc.l), Layout: tc.l}, x, 0, y)
		if err != nil {
			t.Fatalf("Gemv: %v", err)
		}
		if err := checkGemvPlan(p, tc.l, 1, false, 8, false); err != nil {
			t.Errorf("%v: %v", tc.l, err)
		}
		if got := p.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	// A broadcast x is packed: n elements.
	l := rowMajor(n, n, n)
	p, err := blasbridge.Gemv(1, adapter.Strided{Data: randSlice[float64](rng, l), Layout: l},
		blas64.Vector{N: n, Inc: 0, Data: []float64{2}}, 0, blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)})
	if err != nil {
		t.Fatalf("Gemv: %v", err)
	}
	if err := checkGemvPlan(p, l, 0, false, 8, false); err != nil {
		t.Error(err)
	}
}
