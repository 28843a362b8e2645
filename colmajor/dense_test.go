package colmajor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Test values are small integers, so every product and sum below is exact in
// float64 and results compare with ==, whatever order BLAS adds in.

// sentinel is the value stored at buffer index k outside every matrix:
// distinct per index and never NaN, so a stray read gives a wrong number and
// a stray write shows up at its index.
func sentinel(k int) float64 { return -1000 - float64(k) }

func sentinels(n int) []float64 {
	buf := make([]float64, n)
	for k := range buf {
		buf[k] = sentinel(k)
	}
	return buf
}

func randVals(rnd *rand.Rand, r, c int) [][]float64 {
	vals := make([][]float64, r)
	for i := range vals {
		vals[i] = make([]float64, c)
		for j := range vals[i] {
			vals[i][j] = float64(rnd.IntN(19) - 9)
		}
	}
	return vals
}

// constVals returns an r×c matrix of v: stale receiver contents that a
// product must overwrite.
func constVals(r, c int, v float64) [][]float64 {
	vals := make([][]float64, r)
	for i := range vals {
		vals[i] = make([]float64, c)
		for j := range vals[i] {
			vals[i][j] = v
		}
	}
	return vals
}

func naiveMul(a, b [][]float64) [][]float64 {
	r, k, c := len(a), len(b), len(b[0])
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range c {
			var s float64
			for p := range k {
				s += a[i][p] * b[p][j]
			}
			out[i][j] = s
		}
	}
	return out
}

func transpose(vals [][]float64) [][]float64 {
	out := make([][]float64, len(vals[0]))
	for j := range out {
		out[j] = make([]float64, len(vals))
		for i := range vals {
			out[j][i] = vals[i][j]
		}
	}
	return out
}

// flatten returns vals row-major with stride equal to the row length.
func flatten(vals [][]float64) []float64 {
	var out []float64
	for _, row := range vals {
		out = append(out, row...)
	}
	return out
}

// checkBuf reports the indices where buf differs from want.
func checkBuf(t *testing.T, tc int, what string, buf, want []float64) {
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

// checkMatrix compares m with vals through At.
func checkMatrix(t *testing.T, tc int, what string, m mat.Matrix, vals [][]float64) {
	t.Helper()
	r, c := m.Dims()
	if r != len(vals) || c != len(vals[0]) {
		t.Errorf("test %d: %s: got dims %d×%d, want %d×%d", tc, what, r, c, len(vals), len(vals[0]))
		return
	}
	bad := 0
	for i := range r {
		for j := range c {
			if got := m.At(i, j); got != vals[i][j] {
				if bad < 5 {
					t.Errorf("test %d: %s: At(%d, %d): got %v, want %v", tc, what, i, j, got, vals[i][j])
				}
				bad++
			}
		}
	}
}

// panicOf returns the value f panics with, or nil.
func panicOf(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// layout places an r×c column-major matrix in a buffer: the pr×pc parent
// with leading dimension ld starts at index pre and is followed by post
// elements; the matrix is the parent's sub-block at row i, column j, so
// element (p, q) lives at pre + (i+p) + (j+q)*ld.
type layout struct {
	pr, pc, ld, pre, post int
	i, j, r, c            int
}

var layouts = []layout{
	{pr: 1, pc: 1, ld: 1, r: 1, c: 1},
	{pr: 3, pc: 4, ld: 3, r: 3, c: 4},
	{pr: 3, pc: 4, ld: 5, pre: 2, post: 3, r: 3, c: 4},
	{pr: 1, pc: 5, ld: 4, pre: 1, post: 1, r: 1, c: 5},
	{pr: 6, pc: 1, ld: 6, pre: 3, post: 2, r: 6, c: 1},
	{pr: 6, pc: 7, ld: 8, pre: 2, post: 3, i: 1, j: 2, r: 3, c: 4},
	{pr: 6, pc: 7, ld: 6, i: 5, j: 6, r: 1, c: 1},
	{pr: 6, pc: 7, ld: 6, r: 6, c: 1},
	{pr: 6, pc: 7, ld: 9, pre: 1, post: 1, i: 2, r: 4, c: 7},
}

func (l layout) at(p, q int) int { return l.pre + (l.i + p) + (l.j+q)*l.ld }

// fixture is a matrix built from a layout with New or Slice, the buffer
// behind it, and its values. Parent elements outside the matrix hold
// 5000+index, the rest of the buffer sentinels.
type fixture struct {
	m    *Dense
	buf  []float64
	vals [][]float64
}

func newFixture(t *testing.T, l layout, vals [][]float64, via string) fixture {
	t.Helper()
	buf := sentinels(l.pre + (l.pc-1)*l.ld + l.pr + l.post)
	for q := range l.pc {
		for p := range l.pr {
			k := l.pre + p + q*l.ld
			buf[k] = 5000 + float64(k)
		}
	}
	for p, row := range vals {
		for q, v := range row {
			buf[l.at(p, q)] = v
		}
	}
	var m *Dense
	var err error
	switch via {
	case "New":
		// New of the sub-block directly, starting at its first element.
		m, err = New(buf[l.at(0, 0):], l.r, l.c, l.ld)
	case "Slice":
		m, err = New(buf[l.pre:], l.pr, l.pc, l.ld)
		if err == nil {
			m = m.Slice(l.i, l.i+l.r, l.j, l.j+l.c)
		}
	default:
		panic(via)
	}
	if err != nil {
		t.Fatalf("%s %+v: %v", via, l, err)
	}
	return fixture{m: m, buf: buf, vals: vals}
}

var vias = []string{"New", "Slice"}

func TestInterfaces(t *testing.T) {
	var m any = &Dense{}
	for _, tc := range []struct {
		name string
		ok   bool
		want bool
	}{
		{name: "mat.Matrix", ok: is[mat.Matrix](m), want: true},
		{name: "mat.Mutable", ok: is[mat.Mutable](m), want: true},
		{name: "mat.Untransposer", ok: is[mat.Untransposer](m), want: true},
		{name: "mat.ColViewer", ok: is[mat.ColViewer](m), want: true},
		{name: "mat.RowViewer", ok: is[mat.RowViewer](m), want: true},
		{name: "mat.RawColViewer", ok: is[mat.RawColViewer](m), want: true},
		// Gonum reads a RawMatrixer as row-major storage of the matrix
		// itself, which would silently transpose every column-major matrix.
		{name: "mat.RawMatrixer", ok: is[mat.RawMatrixer](m), want: false},
	} {
		if tc.ok != tc.want {
			t.Errorf("*Dense implements %s: got %v, want %v", tc.name, tc.ok, tc.want)
		}
	}
}

func is[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

func TestNew(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for tc, l := range layouts {
		for _, via := range vias {
			f := newFixture(t, l, randVals(rnd, l.r, l.c), via)
			m := f.m
			what := fmt.Sprintf("%s %+v", via, l)
			if r, c := m.Dims(); r != l.r || c != l.c {
				t.Errorf("test %d: %s: Dims: got %d×%d, want %d×%d", tc, what, r, c, l.r, l.c)
			}
			if got := m.LD(); got != l.ld {
				t.Errorf("test %d: %s: LD: got %d, want %d", tc, what, got, l.ld)
			}
			if m.IsEmpty() {
				t.Errorf("test %d: %s: IsEmpty: got true, want false", tc, what)
			}
			for p := range l.r {
				for q := range l.c {
					if got, want := m.At(p, q), f.buf[l.at(p, q)]; got != want {
						t.Errorf("test %d: %s: At(%d, %d): got %v, want %v", tc, what, p, q, got, want)
					}
				}
			}
			g := m.RawGeneralCols()
			if g.Rows != l.r || g.Cols != l.c || g.Stride != l.ld {
				t.Errorf("test %d: %s: RawGeneralCols: got %d×%d stride %d, want %d×%d stride %d",
					tc, what, g.Rows, g.Cols, g.Stride, l.r, l.c, l.ld)
			}
			// The data ends at the last element and starts at the first.
			if got, want := len(g.Data), (l.c-1)*l.ld+l.r; got != want {
				t.Errorf("test %d: %s: len(Data): got %d, want %d", tc, what, got, want)
			}
			if &g.Data[0] != &f.buf[l.at(0, 0)] {
				t.Errorf("test %d: %s: Data does not start at buf[%d]", tc, what, l.at(0, 0))
			}

			// Writes through the matrix land at exactly their index.
			want := slices.Clone(f.buf)
			for p := range l.r {
				for q := range l.c {
					v := float64(100*p + q)
					m.Set(p, q, v)
					want[l.at(p, q)] = v
				}
			}
			checkBuf(t, tc, what+": Set", f.buf, want)

			// Writes into the buffer show through the matrix.
			for p := range l.r {
				for q := range l.c {
					v := float64(-7*p + 3*q + 1)
					f.buf[l.at(p, q)] = v
					if got := m.At(p, q); got != v {
						t.Errorf("test %d: %s: At(%d, %d) after buffer write: got %v, want %v", tc, what, p, q, got, v)
					}
				}
			}
		}
	}
}

func TestNewGeneralCols(t *testing.T) {
	buf := sentinels(11)
	m, err := NewGeneralCols(blas64.GeneralCols{Rows: 2, Cols: 3, Stride: 4, Data: buf[1:]})
	if err != nil {
		t.Fatalf("NewGeneralCols: %v", err)
	}
	m.Set(1, 2, 42)
	if got := buf[1+1+2*4]; got != 42 {
		t.Errorf("Set(1, 2) through NewGeneralCols: got buf[10] = %v, want 42", got)
	}
	if _, err := NewGeneralCols(blas64.GeneralCols{Rows: 2, Cols: 3, Stride: 1, Data: buf}); !errors.Is(err, ErrLeadingDim) {
		t.Errorf("NewGeneralCols with Stride 1: got %v, want %v", err, ErrLeadingDim)
	}
}

func TestNewErrors(t *testing.T) {
	for tc, test := range []struct {
		n, r, c, ld int
		want        error
	}{
		{n: 12, r: 3, c: 4, ld: 3},
		{n: 11, r: 3, c: 4, ld: 3, want: ErrOutOfBounds},
		{n: 18, r: 3, c: 4, ld: 5}, // exactly (c-1)*ld + r
		{n: 17, r: 3, c: 4, ld: 5, want: ErrOutOfBounds},
		{n: 0, r: 1, c: 1, ld: 1, want: ErrOutOfBounds},
		{n: 1, r: 1, c: 1, ld: 1},
		{n: 1, r: 1, c: 1, ld: math.MaxInt},
		{n: 12, r: 0, c: 4, ld: 3, want: ErrDims},
		{n: 12, r: 3, c: 0, ld: 3, want: ErrDims},
		{n: 12, r: -1, c: 4, ld: 3, want: ErrDims},
		{n: 12, r: 3, c: -4, ld: 3, want: ErrDims},
		{n: 12, r: 3, c: 4, ld: 2, want: ErrLeadingDim},
		{n: 12, r: 3, c: 4, ld: 0, want: ErrLeadingDim},
		{n: 12, r: 3, c: 4, ld: -3, want: ErrLeadingDim},
		{n: 12, r: 2, c: 3, ld: math.MaxInt / 2, want: ErrOverflow}, // 2*ld fits, +2 does not
		{n: 12, r: 2, c: 4, ld: math.MaxInt / 2, want: ErrOverflow},
		{n: 12, r: 2, c: 2, ld: math.MaxInt / 2, want: ErrOutOfBounds},
		{n: 12, r: 1, c: math.MaxInt, ld: 2, want: ErrOverflow},
		{n: 12, r: math.MaxInt, c: 2, ld: math.MaxInt, want: ErrOverflow},
	} {
		buf := make([]float64, test.n)
		buf32 := make([]float32, test.n)
		for _, ctor := range []struct {
			name string
			f    func() (any, error)
		}{
			{"New", func() (any, error) { return New(buf, test.r, test.c, test.ld) }},
			{"New32", func() (any, error) { return New32(buf32, test.r, test.c, test.ld) }},
		} {
			var m any
			var err error
			if p := panicOf(func() { m, err = ctor.f() }); p != nil {
				t.Errorf("test %d: %s(len %d, %d, %d, %d) panicked: %v", tc, ctor.name, test.n, test.r, test.c, test.ld, p)
				continue
			}
			if test.want == nil {
				if err != nil {
					t.Errorf("test %d: %s: got error %v, want nil", tc, ctor.name, err)
				}
				continue
			}
			if !errors.Is(err, test.want) {
				t.Errorf("test %d: %s: got error %v, want %v", tc, ctor.name, err, test.want)
			}
			switch m := m.(type) {
			case *Dense:
				if m != nil {
					t.Errorf("test %d: %s: got matrix %v with error, want nil", tc, ctor.name, m)
				}
			case *Dense32:
				if m != nil {
					t.Errorf("test %d: %s: got matrix %v with error, want nil", tc, ctor.name, m)
				}
			}
		}
	}
}

func TestNewDense(t *testing.T) {
	m := NewDense(3, 2)
	if r, c := m.Dims(); r != 3 || c != 2 || m.LD() != 3 {
		t.Errorf("NewDense(3, 2): got %d×%d ld %d, want 3×2 ld 3", r, c, m.LD())
	}
	checkMatrix(t, 0, "NewDense", m, constVals(3, 2, 0))
	for tc, test := range [][2]int{{0, 2}, {2, 0}, {-1, 2}} {
		if got := panicOf(func() { NewDense(test[0], test[1]) }); got != mat.ErrZeroLength {
			t.Errorf("test %d: NewDense(%d, %d) panic: got %v, want %v", tc, test[0], test[1], got, mat.ErrZeroLength)
		}
	}
	var zero Dense
	if !zero.IsEmpty() {
		t.Errorf("zero Dense: IsEmpty: got false, want true")
	}
}

func TestAtSetPanics(t *testing.T) {
	parent := NewDense(5, 6)
	m := parent.Slice(1, 4, 2, 5) // 3×3; the parent has elements on every side
	for tc, test := range []struct {
		i, j int
		want any
	}{
		{i: -1, j: 0, want: mat.ErrRowAccess},
		{i: 3, j: 0, want: mat.ErrRowAccess},
		{i: 3, j: 3, want: mat.ErrRowAccess},
		{i: 0, j: -1, want: mat.ErrColAccess},
		{i: 0, j: 3, want: mat.ErrColAccess},
		{i: 2, j: 3, want: mat.ErrColAccess},
		{i: 2, j: 2, want: nil},
	} {
		if got := panicOf(func() { m.At(test.i, test.j) }); got != test.want {
			t.Errorf("test %d: At(%d, %d) panic: got %v, want %v", tc, test.i, test.j, got, test.want)
		}
		if got := panicOf(func() { m.Set(test.i, test.j, 1) }); got != test.want {
			t.Errorf("test %d: Set(%d, %d) panic: got %v, want %v", tc, test.i, test.j, got, test.want)
		}
	}
	if got := panicOf(func() { m.ColView(3) }); got != mat.ErrColAccess {
		t.Errorf("ColView(3) panic: got %v, want %v", got, mat.ErrColAccess)
	}
	if got := panicOf(func() { m.RawColView(-1) }); got != mat.ErrColAccess {
		t.Errorf("RawColView(-1) panic: got %v, want %v", got, mat.ErrColAccess)
	}
	if got := panicOf(func() { m.RowView(3) }); got != mat.ErrRowAccess {
		t.Errorf("RowView(3) panic: got %v, want %v", got, mat.ErrRowAccess)
	}
	if got := panicOf(func() { m.RowView(-1) }); got != mat.ErrRowAccess {
		t.Errorf("RowView(-1) panic: got %v, want %v", got, mat.ErrRowAccess)
	}
}

// TestTView checks TView, T and Untranspose: Aᵀ as a row-major *mat.Dense
// over the same memory, which Gonum then writes through.
func TestTView(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for tc, l := range layouts {
		for _, view := range []string{"TView", "T", "Untranspose"} {
			f := newFixture(t, l, randVals(rnd, l.r, l.c), "Slice")
			var tv *mat.Dense
			switch view {
			case "TView":
				tv = f.m.TView()
			case "T":
				tv = f.m.T().(*mat.Dense)
			case "Untranspose":
				tv = f.m.Untranspose().(*mat.Dense)
			}
			what := fmt.Sprintf("%s %+v", view, l)
			checkMatrix(t, tc, what, tv, transpose(f.vals))
			raw := tv.RawMatrix()
			if raw.Stride != l.ld || len(raw.Data) != (l.c-1)*l.ld+l.r || &raw.Data[0] != &f.buf[l.at(0, 0)] {
				t.Errorf("test %d: %s: got stride %d, len %d, want stride %d, len %d at buf[%d]",
					tc, what, raw.Stride, len(raw.Data), l.ld, (l.c-1)*l.ld+l.r, l.at(0, 0))
			}

			// Set (q, p) of Aᵀ is element (p, q) of A.
			want := slices.Clone(f.buf)
			tv.Set(l.c-1, 0, 77)
			want[l.at(0, l.c-1)] = 77
			checkBuf(t, tc, what+": Set", f.buf, want)

			// Gonum's Copy writes through the view and nowhere else.
			src := randVals(rnd, l.c, l.r)
			tv.Copy(mat.NewDense(l.c, l.r, flatten(src)))
			for p := range l.r {
				for q := range l.c {
					want[l.at(p, q)] = src[q][p]
				}
			}
			checkBuf(t, tc, what+": mat.Dense.Copy", f.buf, want)

			// So does Gonum's Mul: the view receives Aᵀ = X·Y.
			const k = 3
			x, y := randVals(rnd, l.c, k), randVals(rnd, k, l.r)
			tv.Mul(mat.NewDense(l.c, k, flatten(x)), mat.NewDense(k, l.r, flatten(y)))
			xy := naiveMul(x, y)
			for p := range l.r {
				for q := range l.c {
					want[l.at(p, q)] = xy[q][p]
				}
			}
			checkBuf(t, tc, what+": mat.Dense.Mul", f.buf, want)
		}
	}
}

func TestColView(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 3))
	for tc, l := range layouts {
		f := newFixture(t, l, randVals(rnd, l.r, l.c), "Slice")
		want := slices.Clone(f.buf)
		for q := range l.c {
			v, ok := f.m.ColView(q).(*mat.VecDense)
			if !ok {
				t.Fatalf("test %d: ColView: got %T, want *mat.VecDense", tc, f.m.ColView(q))
			}
			raw := v.RawVector()
			if raw.N != l.r || raw.Inc != 1 || len(raw.Data) != l.r || &raw.Data[0] != &f.buf[l.at(0, q)] {
				t.Errorf("test %d: ColView(%d): got N %d Inc %d len %d, want N %d Inc 1 len %d at buf[%d]",
					tc, q, raw.N, raw.Inc, len(raw.Data), l.r, l.r, l.at(0, q))
			}
			raw2 := f.m.RawColView(q)
			if len(raw2) != l.r || &raw2[0] != &f.buf[l.at(0, q)] {
				t.Errorf("test %d: RawColView(%d): got len %d, want len %d at buf[%d]", tc, q, len(raw2), l.r, l.at(0, q))
			}
			for p := range l.r {
				if got := v.AtVec(p); got != f.vals[p][q] {
					t.Errorf("test %d: ColView(%d).AtVec(%d): got %v, want %v", tc, q, p, got, f.vals[p][q])
				}
				v.SetVec(p, float64(300+p+10*q))
				want[l.at(p, q)] = float64(300 + p + 10*q)
			}
			raw2[l.r-1] = -1
			want[l.at(l.r-1, q)] = -1
		}
		checkBuf(t, tc, "ColView writes", f.buf, want)
	}
}

func TestRowView(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 4))
	for tc, l := range layouts {
		f := newFixture(t, l, randVals(rnd, l.r, l.c), "Slice")
		want := slices.Clone(f.buf)
		for p := range l.r {
			v, ok := f.m.RowView(p).(*mat.VecDense)
			if !ok {
				t.Fatalf("test %d: RowView: got %T, want *mat.VecDense", tc, f.m.RowView(p))
			}
			raw := v.RawVector()
			if raw.N != l.c || raw.Inc != l.ld || len(raw.Data) != (l.c-1)*l.ld+1 || &raw.Data[0] != &f.buf[l.at(p, 0)] {
				t.Errorf("test %d: RowView(%d): got N %d Inc %d len %d, want N %d Inc %d len %d at buf[%d]",
					tc, p, raw.N, raw.Inc, len(raw.Data), l.c, l.ld, (l.c-1)*l.ld+1, l.at(p, 0))
			}
			for q := range l.c {
				if got := v.AtVec(q); got != f.vals[p][q] {
					t.Errorf("test %d: RowView(%d).AtVec(%d): got %v, want %v", tc, p, q, got, f.vals[p][q])
				}
				v.SetVec(q, float64(400+p+10*q))
				want[l.at(p, q)] = float64(400 + p + 10*q)
			}
		}
		checkBuf(t, tc, "RowView writes", f.buf, want)
	}
}

func TestSlice(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 5))
	// A 5×6 parent with ld 7 at buf[2:], 3 elements after it.
	parent := layout{pr: 5, pc: 6, ld: 7, pre: 2, post: 3, r: 5, c: 6}
	for tc, test := range []struct {
		i, k, j, l     int
		i2, k2, j2, l2 int // a slice of the slice
	}{
		{0, 5, 0, 6, 1, 4, 2, 5},
		{1, 4, 2, 5, 0, 3, 0, 3},
		{1, 4, 2, 5, 1, 2, 1, 3},
		{4, 5, 0, 6, 0, 1, 5, 6},
		{0, 5, 5, 6, 2, 5, 0, 1},
		{2, 3, 3, 4, 0, 1, 0, 1},
	} {
		f := newFixture(t, parent, randVals(rnd, 5, 6), "New")
		s := f.m.Slice(test.i, test.k, test.j, test.l)
		sub := make([][]float64, test.k-test.i)
		for p := range sub {
			sub[p] = f.vals[test.i+p][test.j:test.l]
		}
		checkMatrix(t, tc, "Slice", s, sub)
		idx := func(p, q int) int { return parent.at(test.i+p, test.j+q) }
		g := s.RawGeneralCols()
		if g.Stride != parent.ld || len(g.Data) != (test.l-test.j-1)*parent.ld+test.k-test.i || &g.Data[0] != &f.buf[idx(0, 0)] {
			t.Errorf("test %d: Slice data: got stride %d len %d, want stride %d len %d at buf[%d]",
				tc, g.Stride, len(g.Data), parent.ld, (test.l-test.j-1)*parent.ld+test.k-test.i, idx(0, 0))
		}

		// Writes through the slice, and through a slice of it, land in the
		// parent's buffer at the right index and nowhere else.
		want := slices.Clone(f.buf)
		s.Set(0, 0, 901)
		want[idx(0, 0)] = 901
		s2 := s.Slice(test.i2, test.k2, test.j2, test.l2)
		s2.Set(test.k2-test.i2-1, test.l2-test.j2-1, 902)
		want[idx(test.k2-1, test.l2-1)] = 902
		checkBuf(t, tc, "Slice writes", f.buf, want)

		// Mul into the slice writes exactly the slice.
		r, c := test.k-test.i, test.l-test.j
		a, b := randVals(rnd, r, 2), randVals(rnd, 2, c)
		s.Mul(mat.NewDense(r, 2, flatten(a)), mat.NewDense(2, c, flatten(b)))
		ab := naiveMul(a, b)
		for p := range r {
			for q := range c {
				want[idx(p, q)] = ab[p][q]
			}
		}
		checkBuf(t, tc, "Mul into Slice", f.buf, want)
	}
}

func TestSlicePanics(t *testing.T) {
	m := NewDense(3, 4)
	for tc, test := range []struct {
		i, k, j, l int
		want       any
	}{
		{-1, 2, 0, 1, mat.ErrRowAccess},
		{0, 4, 0, 1, mat.ErrRowAccess},
		{1, 1, 0, 1, mat.ErrRowAccess},
		{2, 1, 0, 1, mat.ErrRowAccess},
		{0, 1, -1, 1, mat.ErrColAccess},
		{0, 1, 0, 5, mat.ErrColAccess},
		{0, 1, 2, 2, mat.ErrColAccess},
		{0, 1, 3, 2, mat.ErrColAccess},
		{0, 3, 0, 4, nil},
	} {
		if got := panicOf(func() { m.Slice(test.i, test.k, test.j, test.l) }); got != test.want {
			t.Errorf("test %d: Slice(%d, %d, %d, %d) panic: got %v, want %v", tc, test.i, test.k, test.j, test.l, got, test.want)
		}
	}
	// A slice cannot reach back into its parent.
	s := m.Slice(1, 2, 1, 3)
	if got := panicOf(func() { s.Slice(0, 2, 0, 1) }); got != mat.ErrRowAccess {
		t.Errorf("Slice past a slice panic: got %v, want %v", got, mat.ErrRowAccess)
	}
}

// operandKinds are the layouts a Gonum or colmajor product meets.
var operandKinds = []string{"row", "rowT", "col", "colPad", "colSlice", "colT"}

// operand returns vals as a matrix of the given kind and the buffer behind
// it, which no product may change.
func operand(t *testing.T, kind string, vals [][]float64) (mat.Matrix, []float64) {
	t.Helper()
	r, c := len(vals), len(vals[0])
	switch kind {
	case "row":
		buf := flatten(vals)
		return mat.NewDense(r, c, buf), buf
	case "rowT":
		buf := flatten(transpose(vals))
		return mat.Transpose{Matrix: mat.NewDense(c, r, buf)}, buf
	case "col":
		l := layout{pr: r, pc: c, ld: r, r: r, c: c}
		f := newFixture(t, l, vals, "New")
		return f.m, f.buf
	case "colPad":
		l := layout{pr: r, pc: c, ld: r + 3, pre: 2, post: 5, r: r, c: c}
		f := newFixture(t, l, vals, "New")
		return f.m, f.buf
	case "colSlice":
		l := layout{pr: r + 3, pc: c + 4, ld: r + 5, pre: 1, post: 3, i: 1, j: 2, r: r, c: c}
		f := newFixture(t, l, vals, "Slice")
		return f.m, f.buf
	case "colT":
		l := layout{pr: c, pc: r, ld: c + 2, pre: 1, post: 2, r: c, c: r}
		f := newFixture(t, l, transpose(vals), "New")
		return mat.Transpose{Matrix: f.m}, f.buf
	}
	panic(kind)
}

var mulShapes = [][3]int{{1, 1, 1}, {2, 3, 4}, {4, 4, 4}, {5, 1, 3}, {1, 6, 1}, {3, 7, 1}, {1, 2, 5}, {7, 5, 6}}

// TestGonumMul multiplies column-major operands with Gonum's own
// mat.Dense.Mul, which must see them through Untranspose.
func TestGonumMul(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 6))
	tc := 0
	for _, sh := range mulShapes {
		r, k, c := sh[0], sh[1], sh[2]
		for _, ak := range operandKinds {
			for _, bk := range operandKinds {
				av, bv := randVals(rnd, r, k), randVals(rnd, k, c)
				want := naiveMul(av, bv)
				a, abuf := operand(t, ak, av)
				b, bbuf := operand(t, bk, bv)
				abuf0, bbuf0 := slices.Clone(abuf), slices.Clone(bbuf)
				what := fmt.Sprintf("%d×%d×%d a=%s b=%s", r, k, c, ak, bk)

				var dst mat.Dense
				dst.Mul(a, b)
				checkMatrix(t, tc, what, &dst, want)

				// Into the Aᵀ view of a padded column-major matrix: it
				// receives (a·b), so the column-major matrix holds (a·b)ᵀ.
				l := layout{pr: c, pc: r, ld: c + 2, pre: 3, post: 2, r: c, c: r}
				f := newFixture(t, l, constVals(c, r, 77), "New")
				wbuf := slices.Clone(f.buf)
				f.m.TView().Mul(a, b)
				for p := range c {
					for q := range r {
						wbuf[l.at(p, q)] = want[q][p]
					}
				}
				checkBuf(t, tc, what+": into TView", f.buf, wbuf)

				checkBuf(t, tc, what+": a unchanged", abuf, abuf0)
				checkBuf(t, tc, what+": b unchanged", bbuf, bbuf0)
				tc++
			}
		}
	}
}

// receiverKinds are the column-major receivers of Dense.Mul and Dense.Copy.
var receiverKinds = []string{"empty", "new", "padded", "slice"}

// receiver returns an r×c column-major receiver of the given kind filled
// with stale values, the buffer behind it (nil for "empty"), and the buffer
// index of element (i, j).
func receiver(t *testing.T, kind string, r, c int) (*Dense, []float64, func(i, j int) int) {
	t.Helper()
	var l layout
	switch kind {
	case "empty":
		return &Dense{}, nil, nil
	case "new":
		m := NewDense(r, c)
		return m, m.RawGeneralCols().Data, func(i, j int) int { return i + j*r }
	case "padded":
		l = layout{pr: r, pc: c, ld: r + 2, pre: 3, post: 2, r: r, c: c}
	case "slice":
		l = layout{pr: r + 2, pc: c + 3, ld: r + 4, pre: 1, post: 2, i: 1, j: 2, r: r, c: c}
	default:
		panic(kind)
	}
	f := newFixture(t, l, constVals(r, c, 77), "Slice")
	return f.m, f.buf, l.at
}

func TestMul(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 7))
	tc := 0
	for _, sh := range mulShapes {
		r, k, c := sh[0], sh[1], sh[2]
		for _, rk := range receiverKinds {
			for _, ak := range operandKinds {
				for _, bk := range operandKinds {
					av, bv := randVals(rnd, r, k), randVals(rnd, k, c)
					want := naiveMul(av, bv)
					a, abuf := operand(t, ak, av)
					b, bbuf := operand(t, bk, bv)
					abuf0, bbuf0 := slices.Clone(abuf), slices.Clone(bbuf)
					m, buf, at := receiver(t, rk, r, c)
					wbuf := slices.Clone(buf)
					what := fmt.Sprintf("%d×%d×%d c=%s a=%s b=%s", r, k, c, rk, ak, bk)

					m.Mul(a, b)
					checkMatrix(t, tc, what, m, want)
					if buf == nil {
						// An empty receiver is allocated column-major, ld = r.
						if m.LD() != r || len(m.RawGeneralCols().Data) != r*c {
							t.Errorf("test %d: %s: got ld %d len %d, want ld %d len %d", tc, what, m.LD(), len(m.RawGeneralCols().Data), r, r*c)
						}
						buf, at = m.RawGeneralCols().Data, func(i, j int) int { return i + j*r }
						wbuf = make([]float64, r*c)
					}
					for i := range r {
						for j := range c {
							wbuf[at(i, j)] = want[i][j]
						}
					}
					checkBuf(t, tc, what, buf, wbuf)
					checkBuf(t, tc, what+": a unchanged", abuf, abuf0)
					checkBuf(t, tc, what+": b unchanged", bbuf, bbuf0)
					tc++
				}
			}
		}
	}
}

func TestMulShapePanics(t *testing.T) {
	a, b := mat.NewDense(2, 3, nil), NewDense(3, 4)
	for tc, test := range []struct {
		m    *Dense
		a, b mat.Matrix
	}{
		{m: NewDense(2, 3), a: a, b: b},
		{m: NewDense(3, 4), a: a, b: b},
		{m: NewDense(4, 2), a: a, b: b},
		{m: NewDense(2, 4), a: a, b: a},                   // inner dimensions differ
		{m: &Dense{}, a: b, b: a},                         // inner dimensions differ, empty receiver
		{m: NewDense(5, 7).Slice(0, 2, 0, 5), a: a, b: b}, // a slice of the wrong width
	} {
		assert.PanicsWithValue(t, mat.ErrShape, func() { test.m.Mul(test.a, test.b) }, "test %d", tc)
	}
}

func TestCopy(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 8))
	tc := 0
	for _, sh := range [][2]int{{1, 1}, {3, 4}, {5, 2}, {1, 6}} {
		r, c := sh[0], sh[1]
		for _, rk := range receiverKinds {
			for _, ak := range operandKinds {
				av := randVals(rnd, r, c)
				a, abuf := operand(t, ak, av)
				abuf0 := slices.Clone(abuf)
				m, buf, at := receiver(t, rk, r, c)
				wbuf := slices.Clone(buf)
				what := fmt.Sprintf("%d×%d c=%s a=%s", r, c, rk, ak)

				if gr, gc := m.Copy(a); gr != r || gc != c {
					t.Errorf("test %d: %s: Copy returned %d×%d, want %d×%d", tc, what, gr, gc, r, c)
				}
				checkMatrix(t, tc, what, m, av)
				if buf != nil {
					for i := range r {
						for j := range c {
							wbuf[at(i, j)] = av[i][j]
						}
					}
					checkBuf(t, tc, what, buf, wbuf)
				}
				checkBuf(t, tc, what+": source unchanged", abuf, abuf0)

				// The copy shares nothing with the source.
				m.Set(r-1, c-1, 12345)
				checkBuf(t, tc, what+": source after write to copy", abuf, abuf0)
				tc++
			}
		}
	}

	// A receiver of another shape takes the overlapping top-left block.
	src := NewDense(3, 4)
	for i := range 3 {
		for j := range 4 {
			src.Set(i, j, float64(10*i+j))
		}
	}
	for tc, test := range []struct{ r, c, wr, wc int }{
		{2, 2, 2, 2}, {5, 2, 3, 2}, {2, 6, 2, 4}, {5, 6, 3, 4},
	} {
		l := layout{pr: test.r, pc: test.c, ld: test.r + 1, pre: 1, post: 1, r: test.r, c: test.c}
		f := newFixture(t, l, constVals(test.r, test.c, 77), "New")
		want := slices.Clone(f.buf)
		for i := range test.wr {
			for j := range test.wc {
				want[l.at(i, j)] = float64(10*i + j)
			}
		}
		if gr, gc := f.m.Copy(src); gr != test.wr || gc != test.wc {
			t.Errorf("test %d: Copy into %d×%d: got %d×%d, want %d×%d", tc, test.r, test.c, gr, gc, test.wr, test.wc)
		}
		checkBuf(t, tc, "Copy overlap", f.buf, want)
	}
}

func TestDenseCopyOf(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 9))
	for tc, ak := range operandKinds {
		av := randVals(rnd, 4, 3)
		a, abuf := operand(t, ak, av)
		abuf0 := slices.Clone(abuf)
		m := DenseCopyOf(a)
		checkMatrix(t, tc, ak, m, av)
		if m.LD() != 4 {
			t.Errorf("test %d: %s: LD: got %d, want 4", tc, ak, m.LD())
		}
		// No shared memory, in either direction.
		m.Set(3, 2, 999)
		checkBuf(t, tc, ak+": source after write to copy", abuf, abuf0)
		for k := range abuf {
			abuf[k] = 555
		}
		av[3][2] = 999
		checkMatrix(t, tc, ak+": copy after write to source", m, av)
	}
}

func TestRowMajorCopy(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 10))
	for tc, l := range layouts {
		f := newFixture(t, l, randVals(rnd, l.r, l.c), "Slice")
		buf0 := slices.Clone(f.buf)
		d := f.m.RowMajorCopy()
		raw := d.RawMatrix()
		if raw.Stride != l.c {
			t.Errorf("test %d: RowMajorCopy stride: got %d, want %d", tc, raw.Stride, l.c)
		}
		for p := range l.r {
			for q := range l.c {
				if got := raw.Data[p*l.c+q]; got != f.vals[p][q] {
					t.Errorf("test %d: RowMajorCopy data[%d]: got %v, want %v", tc, p*l.c+q, got, f.vals[p][q])
				}
			}
		}
		// No shared memory, in either direction.
		d.Set(0, 0, 4242)
		checkBuf(t, tc, "source after write to RowMajorCopy", f.buf, buf0)
		for p := range l.r {
			for q := range l.c {
				f.m.Set(p, q, -9)
			}
		}
		f.vals[0][0] = 4242
		checkMatrix(t, tc, "RowMajorCopy after write to source", d, f.vals)
	}
}

// TestGonumReads checks Gonum's read-only routines against a row-major copy
// built by hand.
func TestGonumReads(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 11))
	for tc, l := range layouts {
		f := newFixture(t, l, randVals(rnd, l.r, l.c), "Slice")
		buf0 := slices.Clone(f.buf)
		rm := mat.NewDense(l.r, l.c, flatten(f.vals))

		if got, want := fmt.Sprint(mat.Formatted(f.m)), fmt.Sprint(mat.Formatted(rm)); got != want {
			t.Errorf("test %d: mat.Formatted:\ngot\n%s\nwant\n%s", tc, got, want)
		}
		if !mat.Equal(f.m, rm) || !mat.Equal(rm, f.m) || !mat.Equal(f.m, f.m) {
			t.Errorf("test %d: mat.Equal: got false, want true", tc)
		}
		if !mat.Equal(f.m.T(), rm.T()) {
			t.Errorf("test %d: mat.Equal of transposes: got false, want true", tc)
		}

		dst := mat.NewDense(l.r, l.c, nil)
		dst.Copy(f.m)
		checkMatrix(t, tc, "mat.Dense.Copy", dst, f.vals)
		checkMatrix(t, tc, "mat.DenseCopyOf", mat.DenseCopyOf(f.m), f.vals)
		var sum float64
		for _, row := range f.vals {
			for _, v := range row {
				sum += v
			}
		}
		if got := mat.Sum(f.m); got != sum {
			t.Errorf("test %d: mat.Sum: got %v, want %v", tc, got, sum)
		}
		checkBuf(t, tc, "reads leave the buffer", f.buf, buf0)

		rm.Set(l.r-1, 0, 1e6)
		if mat.Equal(f.m, rm) {
			t.Errorf("test %d: mat.Equal after a change: got true, want false", tc)
		}
	}
}

var (
	sinkDense  *Dense
	sinkMat    *mat.Dense
	sinkVec    mat.Vector
	sinkF64    []float64
	sinkMatrix mat.Matrix
)

// TestAllocs checks that wrapping and views cost one header, whatever the
// size of the matrix.
func TestAllocs(t *testing.T) {
	for tc, test := range []struct {
		name string
		want float64
		f    func(buf []float64, m *Dense, n int)
	}{
		{"New", 1, func(buf []float64, _ *Dense, n int) { sinkDense, _ = New(buf, n, n, n) }},
		{"Slice", 1, func(_ []float64, m *Dense, n int) { sinkDense = m.Slice(1, n, 1, n) }},
		{"TView", 1, func(_ []float64, m *Dense, _ int) { sinkMat = m.TView() }},
		{"T", 1, func(_ []float64, m *Dense, _ int) { sinkMatrix = m.T() }},
		{"Untranspose", 1, func(_ []float64, m *Dense, _ int) { sinkMatrix = m.Untranspose() }},
		{"ColView", 1, func(_ []float64, m *Dense, n int) { sinkVec = m.ColView(n - 1) }},
		{"RowView", 1, func(_ []float64, m *Dense, n int) { sinkVec = m.RowView(n - 1) }},
		{"RawColView", 0, func(_ []float64, m *Dense, n int) { sinkF64 = m.RawColView(n - 1) }},
	} {
		var got [2]float64
		for s, n := range []int{4, 512} {
			buf := make([]float64, n*n)
			m, err := New(buf, n, n, n)
			if err != nil {
				t.Fatal(err)
			}
			got[s] = testing.AllocsPerRun(100, func() { test.f(buf, m, n) })
		}
		if got[0] != test.want || got[1] != test.want {
			t.Errorf("test %d: %s allocs at 4×4, 512×512: got %v, want %v", tc, test.name, got, test.want)
		}
	}
}

// TestMulAllocs checks that Mul passes its operands to BLAS as they are: a
// few headers, as many at n=128 as at n=8, and no temporary matrix.
func TestMulAllocs(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 12))
	for tc, test := range []struct{ ak, bk string }{
		{"row", "row"}, {"col", "col"}, {"row", "col"}, {"col", "row"},
		{"colPad", "colSlice"}, {"rowT", "colT"},
	} {
		var got, extra, bytes [2]float64
		for s, n := range []int{8, 128} {
			// (8×n)·(n×8): Gonum's BLAS runs it serially at every n.
			a, _ := operand(t, test.ak, randVals(rnd, 8, n))
			b, _ := operand(t, test.bk, randVals(rnd, n, 8))
			m := NewDense(8, 8)
			got[s] = testing.AllocsPerRun(20, func() { m.Mul(a, b) })

			// (n×n)·(n×n): from 4 blocks of 64×64 up Gonum's BLAS starts
			// goroutines, which allocate; count what Mul adds to Gonum's
			// own row-major product of the same size.
			a, _ = operand(t, test.ak, randVals(rnd, n, n))
			b, _ = operand(t, test.bk, randVals(rnd, n, n))
			ra, _ := operand(t, "row", randVals(rnd, n, n))
			rb, _ := operand(t, "row", randVals(rnd, n, n))
			rc := mat.NewDense(n, n, nil)
			base := testing.AllocsPerRun(20, func() { rc.Mul(ra, rb) })
			baseBytes := allocBytes(func() { rc.Mul(ra, rb) })
			m = NewDense(n, n)
			extra[s] = testing.AllocsPerRun(20, func() { m.Mul(a, b) }) - base
			bytes[s] = allocBytes(func() { m.Mul(a, b) }) - baseBytes
		}
		if got[0] != got[1] || got[0] > 8 {
			t.Errorf("test %d: Mul(%s, %s) 8×n×8 allocs at n=8, n=128: got %v, want equal and <= 8", tc, test.ak, test.bk, got)
		}
		if extra[0] != extra[1] || extra[0] > 8 {
			t.Errorf("test %d: Mul(%s, %s) n×n×n allocs beyond Gonum's at n=8, n=128: got %v, want equal and <= 8", tc, test.ak, test.bk, extra)
		}
		// A temporary 128×128 matrix would be 128 KiB.
		if bytes[1] > 1024 {
			t.Errorf("test %d: Mul(%s, %s) n=128 bytes beyond Gonum's: got %v, want <= 1024", tc, test.ak, test.bk, bytes[1])
		}
	}
}

// allocBytes returns the bytes f allocates on the heap, averaged over runs.
func allocBytes(f func()) float64 {
	const runs = 20
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / runs
}
