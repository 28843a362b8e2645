package colmajor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

func sentinels32(n int) []float32 {
	buf := make([]float32, n)
	for k := range buf {
		buf[k] = float32(sentinel(k))
	}
	return buf
}

func randVals32(rnd *rand.Rand, r, c int) [][]float32 {
	vals := make([][]float32, r)
	for i := range vals {
		vals[i] = make([]float32, c)
		for j := range vals[i] {
			vals[i][j] = 2*rnd.Float32() - 1
		}
	}
	return vals
}

func naiveMul32(a, b [][]float32) [][]float32 {
	r, k, c := len(a), len(b), len(b[0])
	out := make([][]float32, r)
	for i := range out {
		out[i] = make([]float32, c)
		for j := range c {
			var s float32
			for p := range k {
				s += a[i][p] * b[p][j]
			}
			out[i][j] = s
		}
	}
	return out
}

// fixture32 is fixture for Dense32.
type fixture32 struct {
	m    *Dense32
	buf  []float32
	vals [][]float32
}

func newFixture32(t *testing.T, l layout, vals [][]float32, via string) fixture32 {
	t.Helper()
	buf := sentinels32(l.pre + (l.pc-1)*l.ld + l.pr + l.post)
	for q := range l.pc {
		for p := range l.pr {
			k := l.pre + p + q*l.ld
			buf[k] = 5000 + float32(k)
		}
	}
	for p, row := range vals {
		for q, v := range row {
			buf[l.at(p, q)] = v
		}
	}
	var m *Dense32
	var err error
	switch via {
	case "New":
		m, err = New32(buf[l.at(0, 0):], l.r, l.c, l.ld)
	case "Slice":
		m, err = New32(buf[l.pre:], l.pr, l.pc, l.ld)
		if err == nil {
			m = m.Slice(l.i, l.i+l.r, l.j, l.j+l.c)
		}
	default:
		panic(via)
	}
	if err != nil {
		t.Fatalf("%s %+v: %v", via, l, err)
	}
	return fixture32{m: m, buf: buf, vals: vals}
}

func checkBuf32(t *testing.T, tc int, what string, buf, want []float32) {
	t.Helper()
	if len(buf) != len(want) {
		t.Fatalf("test %d: %s: got len %d, want %d", tc, what, len(buf), len(want))
	}
	bad := 0
	for k := range buf {
		if buf[k] != want[k] {
			if bad < 5 {
				t.Errorf("test %d: %s: buf[%d]: got %v, want %v", tc, what, k, buf[k], want[k])
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("test %d: %s: %d elements differ", tc, what, bad)
	}
}

func checkMatrix32(t *testing.T, tc int, what string, m *Dense32, vals [][]float32) {
	t.Helper()
	r, c := m.Dims()
	if r != len(vals) || c != len(vals[0]) {
		t.Errorf("test %d: %s: got dims %d×%d, want %d×%d", tc, what, r, c, len(vals), len(vals[0]))
		return
	}
	for i := range r {
		for j := range c {
			if got := m.At(i, j); got != vals[i][j] {
				t.Errorf("test %d: %s: At(%d, %d): got %v, want %v", tc, what, i, j, got, vals[i][j])
			}
		}
	}
}

func TestNew32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 1))
	for tc, l := range layouts {
		for _, via := range vias {
			f := newFixture32(t, l, randVals32(rnd, l.r, l.c), via)
			m := f.m
			what := fmt.Sprintf("%s %+v", via, l)
			if r, c := m.Dims(); r != l.r || c != l.c || m.LD() != l.ld {
				t.Errorf("test %d: %s: got %d×%d ld %d, want %d×%d ld %d", tc, what, r, c, m.LD(), l.r, l.c, l.ld)
			}
			checkMatrix32(t, tc, what, m, f.vals)
			g := m.RawGeneralCols()
			if g.Rows != l.r || g.Cols != l.c || g.Stride != l.ld || len(g.Data) != (l.c-1)*l.ld+l.r || &g.Data[0] != &f.buf[l.at(0, 0)] {
				t.Errorf("test %d: %s: RawGeneralCols: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
					tc, what, g.Rows, g.Cols, g.Stride, len(g.Data), l.r, l.c, l.ld, (l.c-1)*l.ld+l.r, l.at(0, 0))
			}

			want := slices.Clone(f.buf)
			for p := range l.r {
				for q := range l.c {
					v := float32(100*p + q)
					m.Set(p, q, v)
					want[l.at(p, q)] = v
				}
			}
			checkBuf32(t, tc, what+": Set", f.buf, want)
			for p := range l.r {
				for q := range l.c {
					f.buf[l.at(p, q)] = float32(-p - q)
					if got := m.At(p, q); got != float32(-p-q) {
						t.Errorf("test %d: %s: At(%d, %d) after buffer write: got %v, want %v", tc, what, p, q, got, -p-q)
					}
				}
			}
		}
	}
}

// TestTGeneral32 checks that TGeneral is Aᵀ over the same memory.
func TestTGeneral32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 2))
	for tc, l := range layouts {
		f := newFixture32(t, l, randVals32(rnd, l.r, l.c), "Slice")
		g := f.m.TGeneral()
		if g.Rows != l.c || g.Cols != l.r || g.Stride != l.ld || len(g.Data) != (l.c-1)*l.ld+l.r || &g.Data[0] != &f.buf[l.at(0, 0)] {
			t.Errorf("test %d: TGeneral: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
				tc, g.Rows, g.Cols, g.Stride, len(g.Data), l.c, l.r, l.ld, (l.c-1)*l.ld+l.r, l.at(0, 0))
		}
		want := slices.Clone(f.buf)
		for q := range l.c {
			for p := range l.r {
				if got := g.Data[q*g.Stride+p]; got != f.vals[p][q] {
					t.Errorf("test %d: TGeneral (%d, %d): got %v, want %v", tc, q, p, got, f.vals[p][q])
				}
				g.Data[q*g.Stride+p] = float32(p + 10*q)
				want[l.at(p, q)] = float32(p + 10*q)
			}
		}
		checkBuf32(t, tc, "TGeneral writes", f.buf, want)
	}
}

func TestViews32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 3))
	for tc, l := range layouts {
		f := newFixture32(t, l, randVals32(rnd, l.r, l.c), "Slice")
		want := slices.Clone(f.buf)
		for q := range l.c {
			col := f.m.RawColView(q)
			if len(col) != l.r || &col[0] != &f.buf[l.at(0, q)] {
				t.Errorf("test %d: RawColView(%d): got len %d, want len %d at buf[%d]", tc, q, len(col), l.r, l.at(0, q))
			}
			for p := range l.r {
				if col[p] != f.vals[p][q] {
					t.Errorf("test %d: RawColView(%d)[%d]: got %v, want %v", tc, q, p, col[p], f.vals[p][q])
				}
			}
			col[0] = float32(300 + q)
			want[l.at(0, q)] = float32(300 + q)
		}
		for p := range l.r {
			v := f.m.RowView(p)
			if v.N != l.c || v.Inc != l.ld || len(v.Data) != (l.c-1)*l.ld+1 || &v.Data[0] != &f.buf[l.at(p, 0)] {
				t.Errorf("test %d: RowView(%d): got N %d Inc %d len %d, want N %d Inc %d len %d at buf[%d]",
					tc, p, v.N, v.Inc, len(v.Data), l.c, l.ld, (l.c-1)*l.ld+1, l.at(p, 0))
			}
			// blas32 writes through the strided row.
			blas32.Scal(2, v)
			for q := range l.c {
				want[l.at(p, q)] *= 2
			}
		}
		checkBuf32(t, tc, "view writes", f.buf, want)
	}
}

func TestSlice32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 4))
	parent := layout{pr: 5, pc: 6, ld: 7, pre: 2, post: 3, r: 5, c: 6}
	for tc, test := range []struct{ i, k, j, l int }{
		{0, 5, 0, 6}, {1, 4, 2, 5}, {4, 5, 0, 6}, {0, 5, 5, 6}, {2, 3, 3, 4},
	} {
		f := newFixture32(t, parent, randVals32(rnd, 5, 6), "New")
		s := f.m.Slice(test.i, test.k, test.j, test.l)
		sub := make([][]float32, test.k-test.i)
		for p := range sub {
			sub[p] = f.vals[test.i+p][test.j:test.l]
		}
		checkMatrix32(t, tc, "Slice", s, sub)
		idx := func(p, q int) int { return parent.at(test.i+p, test.j+q) }
		g := s.RawGeneralCols()
		if g.Stride != parent.ld || len(g.Data) != (test.l-test.j-1)*parent.ld+test.k-test.i || &g.Data[0] != &f.buf[idx(0, 0)] {
			t.Errorf("test %d: Slice data: got stride %d len %d, want stride %d len %d at buf[%d]",
				tc, g.Stride, len(g.Data), parent.ld, (test.l-test.j-1)*parent.ld+test.k-test.i, idx(0, 0))
		}
		want := slices.Clone(f.buf)
		s.Set(test.k-test.i-1, test.l-test.j-1, 901)
		want[idx(test.k-test.i-1, test.l-test.j-1)] = 901
		checkBuf32(t, tc, "Slice write", f.buf, want)
	}

	m := NewDense32(3, 4)
	for tc, test := range []struct {
		i, k, j, l int
		want       any
	}{
		{-1, 2, 0, 1, mat.ErrRowAccess},
		{0, 4, 0, 1, mat.ErrRowAccess},
		{1, 1, 0, 1, mat.ErrRowAccess},
		{0, 1, -1, 1, mat.ErrColAccess},
		{0, 1, 0, 5, mat.ErrColAccess},
		{0, 1, 2, 2, mat.ErrColAccess},
	} {
		if got := panicOf(func() { m.Slice(test.i, test.k, test.j, test.l) }); got != test.want {
			t.Errorf("test %d: Slice(%d, %d, %d, %d) panic: got %v, want %v", tc, test.i, test.k, test.j, test.l, got, test.want)
		}
	}
}

func TestPanics32(t *testing.T) {
	m := NewDense32(5, 6).Slice(1, 4, 2, 5)
	for tc, test := range []struct {
		name string
		f    func()
		want any
	}{
		{"At(-1, 0)", func() { m.At(-1, 0) }, mat.ErrRowAccess},
		{"At(3, 0)", func() { m.At(3, 0) }, mat.ErrRowAccess},
		{"At(0, 3)", func() { m.At(0, 3) }, mat.ErrColAccess},
		{"Set(3, 0)", func() { m.Set(3, 0, 1) }, mat.ErrRowAccess},
		{"Set(0, -1)", func() { m.Set(0, -1, 1) }, mat.ErrColAccess},
		{"RawColView(3)", func() { m.RawColView(3) }, mat.ErrColAccess},
		{"RowView(3)", func() { m.RowView(3) }, mat.ErrRowAccess},
		{"NewDense32(0, 1)", func() { NewDense32(0, 1) }, mat.ErrZeroLength},
		{"Mul inner", func() { NewDense32(2, 2).Mul(NewDense32(2, 3), NewDense32(2, 2)) }, mat.ErrShape},
		{"Mul receiver", func() { NewDense32(2, 3).Mul(NewDense32(2, 3), NewDense32(3, 2)) }, mat.ErrShape},
		{"Mul slice receiver", func() { m.Mul(NewDense32(3, 2), NewDense32(2, 2)) }, mat.ErrShape},
	} {
		if got := panicOf(test.f); got != test.want {
			t.Errorf("test %d: %s panic: got %v, want %v", tc, test.name, got, test.want)
		}
	}
}

func TestMul32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 5))
	// kind places an r×c Dense32: contiguous, padded, or a sub-block.
	kinds := map[string]func(r, c int) layout{
		"col":    func(r, c int) layout { return layout{pr: r, pc: c, ld: r, r: r, c: c} },
		"colPad": func(r, c int) layout { return layout{pr: r, pc: c, ld: r + 3, pre: 2, post: 4, r: r, c: c} },
		"colSlice": func(r, c int) layout {
			return layout{pr: r + 3, pc: c + 2, ld: r + 5, pre: 1, post: 2, i: 2, j: 1, r: r, c: c}
		},
	}
	names := []string{"col", "colPad", "colSlice"}
	tc := 0
	for _, sh := range mulShapes {
		r, k, c := sh[0], sh[1], sh[2]
		for _, mk := range names {
			for _, ak := range names {
				for _, bk := range names {
					av, bv := randVals32(rnd, r, k), randVals32(rnd, k, c)
					want := naiveMul32(av, bv)
					a := newFixture32(t, kinds[ak](r, k), av, "Slice")
					b := newFixture32(t, kinds[bk](k, c), bv, "Slice")
					abuf0, bbuf0 := slices.Clone(a.buf), slices.Clone(b.buf)
					ml := kinds[mk](r, c)
					stale := make([][]float32, r)
					for i := range stale {
						stale[i] = slices.Repeat([]float32{77}, c)
					}
					m := newFixture32(t, ml, stale, "Slice")
					buf0 := slices.Clone(m.buf)
					what := fmt.Sprintf("%d×%d×%d c=%s a=%s b=%s", r, k, c, mk, ak, bk)

					m.m.Mul(a.m, b.m)
					tol := float32(1e-5) * float32(k)
					for i := range r {
						for j := range c {
							idx := ml.at(i, j)
							if got := m.buf[idx]; math.Abs(float64(got-want[i][j])) > float64(tol) {
								t.Errorf("test %d: %s: (%d, %d): got %v, want %v", tc, what, i, j, got, want[i][j])
							}
							// Everything else of the buffer is compared exactly.
							m.buf[idx], buf0[idx] = 0, 0
						}
					}
					checkBuf32(t, tc, what+": around the receiver", m.buf, buf0)
					checkBuf32(t, tc, what+": a unchanged", a.buf, abuf0)
					checkBuf32(t, tc, what+": b unchanged", b.buf, bbuf0)
					tc++
				}
			}
		}
	}
}

func TestDense32CopyOf(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 6))
	for tc, test := range []struct{ r, c, stride, pre, post int }{
		{1, 1, 1, 0, 0}, {3, 4, 4, 0, 0}, {3, 4, 6, 2, 3}, {5, 1, 3, 1, 1}, {1, 5, 5, 2, 0},
	} {
		// A row-major r×c matrix with the given stride at buf[pre:].
		vals := randVals32(rnd, test.r, test.c)
		buf := sentinels32(test.pre + (test.r-1)*test.stride + test.c + test.post)
		for i, row := range vals {
			for j, v := range row {
				buf[test.pre+i*test.stride+j] = v
			}
		}
		buf0 := slices.Clone(buf)
		g := blas32.General{Rows: test.r, Cols: test.c, Stride: test.stride, Data: buf[test.pre : test.pre+(test.r-1)*test.stride+test.c]}
		m := Dense32CopyOf(g)
		checkMatrix32(t, tc, "Dense32CopyOf", m, vals)
		if m.LD() != test.r {
			t.Errorf("test %d: Dense32CopyOf LD: got %d, want %d", tc, m.LD(), test.r)
		}
		// No shared memory, in either direction.
		m.Set(0, 0, 4242)
		checkBuf32(t, tc, "source after write to copy", buf, buf0)
		for k := range buf {
			buf[k] = 555
		}
		vals[0][0] = 4242
		checkMatrix32(t, tc, "copy after write to source", m, vals)
	}
}

func TestRowMajorCopy32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 7))
	for tc, l := range layouts {
		f := newFixture32(t, l, randVals32(rnd, l.r, l.c), "Slice")
		buf0 := slices.Clone(f.buf)
		g := f.m.RowMajorCopy()
		if g.Rows != l.r || g.Cols != l.c || g.Stride != l.c || len(g.Data) != l.r*l.c {
			t.Errorf("test %d: RowMajorCopy: got %d×%d stride %d len %d, want %d×%d stride %d len %d",
				tc, g.Rows, g.Cols, g.Stride, len(g.Data), l.r, l.c, l.c, l.r*l.c)
		}
		for p := range l.r {
			for q := range l.c {
				if got := g.Data[p*l.c+q]; got != f.vals[p][q] {
					t.Errorf("test %d: RowMajorCopy data[%d]: got %v, want %v", tc, p*l.c+q, got, f.vals[p][q])
				}
			}
		}
		// No shared memory, in either direction.
		g.Data[0] = 4242
		checkBuf32(t, tc, "source after write to RowMajorCopy", f.buf, buf0)
		for p := range l.r {
			for q := range l.c {
				f.m.Set(p, q, -9)
			}
		}
		for p := range l.r {
			for q := range l.c {
				want := f.vals[p][q]
				if p == 0 && q == 0 {
					want = 4242
				}
				if got := g.Data[p*l.c+q]; got != want {
					t.Errorf("test %d: RowMajorCopy data[%d] after write to source: got %v, want %v", tc, p*l.c+q, got, want)
				}
			}
		}
	}
}

var (
	sinkDense32 *Dense32
	sinkVec32   blas32.Vector
	sinkGen32   blas32.General
	sinkF32     []float32
)

func TestAllocs32(t *testing.T) {
	for tc, test := range []struct {
		name string
		want float64
		f    func(buf []float32, m *Dense32, n int)
	}{
		{"New32", 1, func(buf []float32, _ *Dense32, n int) { sinkDense32, _ = New32(buf, n, n, n) }},
		{"Slice", 1, func(_ []float32, m *Dense32, n int) { sinkDense32 = m.Slice(1, n, 1, n) }},
		{"TGeneral", 0, func(_ []float32, m *Dense32, _ int) { sinkGen32 = m.TGeneral() }},
		{"RowView", 0, func(_ []float32, m *Dense32, n int) { sinkVec32 = m.RowView(n - 1) }},
		{"RawColView", 0, func(_ []float32, m *Dense32, n int) { sinkF32 = m.RawColView(n - 1) }},
	} {
		var got [2]float64
		for s, n := range []int{4, 512} {
			buf := make([]float32, n*n)
			m, err := New32(buf, n, n, n)
			if err != nil {
				t.Fatal(err)
			}
			got[s] = testing.AllocsPerRun(100, func() { test.f(buf, m, n) })
		}
		if got[0] != test.want || got[1] != test.want {
			t.Errorf("test %d: %s allocs at 4×4, 512×512: got %v, want %v", tc, test.name, got, test.want)
		}
	}

	// Mul is one blas32.Gemm on the stored data: nothing at n=8 or n=128
	// beyond what blas32 itself allocates (goroutines, from 4 blocks of
	// 64×64 up, counted against blas32.Gemm on the same data).
	for s, n := range []int{8, 128} {
		a, b, m := NewDense32(n, n), NewDense32(n, n), NewDense32(n, n)
		base := testing.AllocsPerRun(20, func() {
			blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, b.TGeneral(), a.TGeneral(), 0, m.TGeneral())
		})
		if got := testing.AllocsPerRun(20, func() { m.Mul(a, b) }); got != base {
			t.Errorf("test %d: Dense32.Mul allocs at n=%d: got %v, want %v (blas32.Gemm's)", s, n, got, base)
		}
	}
}
