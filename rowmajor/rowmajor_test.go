package rowmajor

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Test values are small integers, so products are exact and compare with ==.

// sentinel is the value stored at buffer index k outside every matrix:
// distinct per index and never NaN.
func sentinel(k int) float64 { return -1000 - float64(k) }

// layout places an r×c row-major matrix in a buffer: the pr×pc parent with
// leading dimension ld starts at index pre and is followed by post elements;
// the matrix is the parent's sub-block at row i, column j, so element (p, q)
// lives at pre + (i+p)*ld + (j+q).
type layout struct {
	pr, pc, ld, pre, post int
	i, j, r, c            int
}

var layouts = []layout{
	{pr: 1, pc: 1, ld: 1, r: 1, c: 1},
	{pr: 3, pc: 4, ld: 4, r: 3, c: 4},
	{pr: 3, pc: 4, ld: 6, pre: 2, post: 3, r: 3, c: 4},
	{pr: 5, pc: 1, ld: 4, pre: 1, post: 1, r: 5, c: 1},
	{pr: 1, pc: 6, ld: 6, pre: 3, post: 2, r: 1, c: 6},
	{pr: 6, pc: 7, ld: 8, pre: 2, post: 3, i: 1, j: 2, r: 3, c: 4},
	{pr: 6, pc: 7, ld: 7, i: 5, j: 6, r: 1, c: 1},
	{pr: 6, pc: 7, ld: 9, pre: 1, post: 1, j: 3, r: 6, c: 2},
}

func (l layout) at(p, q int) int { return l.pre + (l.i+p)*l.ld + l.j + q }

// buffer returns the buffer of l: vals in the matrix, 5000+index in the rest
// of the parent, sentinels elsewhere.
func (l layout) buffer(vals [][]float64) []float64 {
	buf := make([]float64, l.pre+(l.pr-1)*l.ld+l.pc+l.post)
	for k := range buf {
		buf[k] = sentinel(k)
	}
	for p := range l.pr {
		for q := range l.pc {
			k := l.pre + p*l.ld + q
			buf[k] = 5000 + float64(k)
		}
	}
	for p, row := range vals {
		for q, v := range row {
			buf[l.at(p, q)] = v
		}
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

func flatten(vals [][]float64) []float64 {
	var out []float64
	for _, row := range vals {
		out = append(out, row...)
	}
	return out
}

func checkBuf(t *testing.T, tc int, what string, buf, want []float64) {
	t.Helper()
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

func panicOf(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestNew(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 1))
	for tc, l := range layouts {
		vals := randVals(rnd, l.r, l.c)
		buf := l.buffer(vals)
		what := fmt.Sprintf("%+v", l)
		// The sub-block is wrapped from its first element.
		m, err := New(buf[l.at(0, 0):], l.r, l.c, l.ld)
		if err != nil {
			t.Fatalf("test %d: %s: %v", tc, what, err)
		}
		if r, c := m.Dims(); r != l.r || c != l.c {
			t.Errorf("test %d: %s: Dims: got %d×%d, want %d×%d", tc, what, r, c, l.r, l.c)
		}
		raw := m.RawMatrix()
		if raw.Stride != l.ld || len(raw.Data) != (l.r-1)*l.ld+l.c || &raw.Data[0] != &buf[l.at(0, 0)] {
			t.Errorf("test %d: %s: RawMatrix: got stride %d len %d, want stride %d len %d at buf[%d]",
				tc, what, raw.Stride, len(raw.Data), l.ld, (l.r-1)*l.ld+l.c, l.at(0, 0))
		}
		for p := range l.r {
			for q := range l.c {
				if got := m.At(p, q); got != vals[p][q] {
					t.Errorf("test %d: %s: At(%d, %d): got %v, want %v", tc, what, p, q, got, vals[p][q])
				}
			}
		}

		// Writes through the matrix land at exactly their index.
		want := slices.Clone(buf)
		for p := range l.r {
			for q := range l.c {
				m.Set(p, q, float64(100*p+q))
				want[l.at(p, q)] = float64(100*p + q)
			}
		}
		checkBuf(t, tc, what+": Set", buf, want)

		// Writes into the buffer show through the matrix.
		for p := range l.r {
			for q := range l.c {
				buf[l.at(p, q)] = float64(-p - 10*q)
				if got := m.At(p, q); got != float64(-p-10*q) {
					t.Errorf("test %d: %s: At(%d, %d) after buffer write: got %v, want %v", tc, what, p, q, got, -p-10*q)
				}
			}
		}
		want = slices.Clone(buf)

		// Gonum's Copy and Mul write the matrix and nothing around it.
		src := randVals(rnd, l.r, l.c)
		m.Copy(mat.NewDense(l.r, l.c, flatten(src)))
		for p := range l.r {
			for q := range l.c {
				want[l.at(p, q)] = src[p][q]
			}
		}
		checkBuf(t, tc, what+": mat.Dense.Copy", buf, want)

		const k = 3
		a, b := randVals(rnd, l.r, k), randVals(rnd, k, l.c)
		m.Mul(mat.NewDense(l.r, k, flatten(a)), mat.NewDense(k, l.c, flatten(b)))
		for p := range l.r {
			for q := range l.c {
				var s float64
				for x := range k {
					s += a[p][x] * b[x][q]
				}
				want[l.at(p, q)] = s
			}
		}
		checkBuf(t, tc, what+": mat.Dense.Mul", buf, want)
	}
}

func TestGeneral(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 2))
	for tc, l := range layouts {
		vals := randVals(rnd, l.r, l.c)
		buf := l.buffer(vals)
		buf32 := make([]float32, len(buf))
		for k, v := range buf {
			buf32[k] = float32(v)
		}
		g, err := General(buf[l.at(0, 0):], l.r, l.c, l.ld)
		if err != nil {
			t.Fatalf("test %d: General: %v", tc, err)
		}
		g32, err := General32(buf32[l.at(0, 0):], l.r, l.c, l.ld)
		if err != nil {
			t.Fatalf("test %d: General32: %v", tc, err)
		}
		n := (l.r-1)*l.ld + l.c
		if g.Rows != l.r || g.Cols != l.c || g.Stride != l.ld || len(g.Data) != n || &g.Data[0] != &buf[l.at(0, 0)] {
			t.Errorf("test %d: General: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
				tc, g.Rows, g.Cols, g.Stride, len(g.Data), l.r, l.c, l.ld, n, l.at(0, 0))
		}
		if g32.Rows != l.r || g32.Cols != l.c || g32.Stride != l.ld || len(g32.Data) != n || &g32.Data[0] != &buf32[l.at(0, 0)] {
			t.Errorf("test %d: General32: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
				tc, g32.Rows, g32.Cols, g32.Stride, len(g32.Data), l.r, l.c, l.ld, n, l.at(0, 0))
		}
		for p := range l.r {
			for q := range l.c {
				if got := g.Data[p*g.Stride+q]; got != vals[p][q] {
					t.Errorf("test %d: General (%d, %d): got %v, want %v", tc, p, q, got, vals[p][q])
				}
				if got := g32.Data[p*g32.Stride+q]; got != float32(vals[p][q]) {
					t.Errorf("test %d: General32 (%d, %d): got %v, want %v", tc, p, q, got, vals[p][q])
				}
			}
		}

		// BLAS writes A·B through the view and nothing around it.
		const k = 2
		a, b := randVals(rnd, l.r, k), randVals(rnd, k, l.c)
		want := slices.Clone(buf)
		want32 := slices.Clone(buf32)
		for p := range l.r {
			for q := range l.c {
				var s float64
				for x := range k {
					s += a[p][x] * b[x][q]
				}
				want[l.at(p, q)] = s
				want32[l.at(p, q)] = float32(s)
			}
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: l.r, Cols: k, Stride: k, Data: flatten(a)},
			blas64.General{Rows: k, Cols: l.c, Stride: l.c, Data: flatten(b)}, 0, g)
		checkBuf(t, tc, "blas64.Gemm into General", buf, want)
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas32.General{Rows: l.r, Cols: k, Stride: k, Data: to32(flatten(a))},
			blas32.General{Rows: k, Cols: l.c, Stride: l.c, Data: to32(flatten(b))}, 0, g32)
		for i := range buf32 {
			if buf32[i] != want32[i] {
				t.Errorf("test %d: blas32.Gemm into General32: buf[%d]: got %v, want %v", tc, i, buf32[i], want32[i])
			}
		}
	}
}

func to32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

func TestErrors(t *testing.T) {
	for tc, test := range []struct {
		n, r, c, ld int
		want        error
	}{
		{n: 12, r: 3, c: 4, ld: 4},
		{n: 11, r: 3, c: 4, ld: 4, want: ErrOutOfBounds},
		{n: 16, r: 3, c: 4, ld: 6}, // exactly (r-1)*ld + c
		{n: 15, r: 3, c: 4, ld: 6, want: ErrOutOfBounds},
		{n: 0, r: 1, c: 1, ld: 1, want: ErrOutOfBounds},
		{n: 1, r: 1, c: 1, ld: math.MaxInt},
		{n: 12, r: 0, c: 4, ld: 4, want: ErrDims},
		{n: 12, r: 3, c: 0, ld: 4, want: ErrDims},
		{n: 12, r: -3, c: 4, ld: 4, want: ErrDims},
		{n: 12, r: 3, c: -1, ld: 4, want: ErrDims},
		{n: 12, r: 3, c: 4, ld: 3, want: ErrLeadingDim},
		{n: 12, r: 3, c: 4, ld: 0, want: ErrLeadingDim},
		{n: 12, r: 3, c: 4, ld: -4, want: ErrLeadingDim},
		{n: 12, r: 3, c: 2, ld: math.MaxInt / 2, want: ErrOverflow}, // 2*ld fits, +2 does not
		{n: 12, r: 4, c: 2, ld: math.MaxInt / 2, want: ErrOverflow},
		{n: 12, r: 2, c: 2, ld: math.MaxInt / 2, want: ErrOutOfBounds},
		{n: 12, r: math.MaxInt, c: 1, ld: 2, want: ErrOverflow},
	} {
		buf, buf32 := make([]float64, test.n), make([]float32, test.n)
		for _, ctor := range []struct {
			name string
			f    func() (ok bool, err error)
		}{
			{"New", func() (bool, error) { m, err := New(buf, test.r, test.c, test.ld); return m != nil, err }},
			{"General", func() (bool, error) {
				g, err := General(buf, test.r, test.c, test.ld)
				return g.Data != nil, err
			}},
			{"General32", func() (bool, error) {
				g, err := General32(buf32, test.r, test.c, test.ld)
				return g.Data != nil, err
			}},
		} {
			var ok bool
			var err error
			if p := panicOf(func() { ok, err = ctor.f() }); p != nil {
				t.Errorf("test %d: %s(len %d, %d, %d, %d) panicked: %v", tc, ctor.name, test.n, test.r, test.c, test.ld, p)
				continue
			}
			if test.want == nil {
				if err != nil || !ok {
					t.Errorf("test %d: %s: got error %v, want nil", tc, ctor.name, err)
				}
				continue
			}
			if !errors.Is(err, test.want) || ok {
				t.Errorf("test %d: %s: got error %v (matrix %v), want %v", tc, ctor.name, err, ok, test.want)
			}
		}
	}
}

func TestSlice(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	parent := layout{pr: 5, pc: 6, ld: 8, pre: 2, post: 3, r: 5, c: 6}
	for tc, test := range []struct{ i, k, j, l int }{
		{0, 5, 0, 6}, {1, 4, 2, 5}, {4, 5, 0, 6}, {0, 5, 5, 6}, {2, 3, 3, 4}, {0, 2, 4, 6},
	} {
		vals := randVals(rnd, 5, 6)
		buf := parent.buffer(vals)
		buf32 := to32(buf)
		g, _ := General(buf[parent.pre:], 5, 6, parent.ld)
		g32, _ := General32(buf32[parent.pre:], 5, 6, parent.ld)
		s := Slice(g, test.i, test.k, test.j, test.l)
		s32 := Slice32(g32, test.i, test.k, test.j, test.l)
		r, c := test.k-test.i, test.l-test.j
		idx := func(p, q int) int { return parent.at(test.i+p, test.j+q) }
		n := (r-1)*parent.ld + c
		if s.Rows != r || s.Cols != c || s.Stride != parent.ld || len(s.Data) != n || &s.Data[0] != &buf[idx(0, 0)] {
			t.Errorf("test %d: Slice: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
				tc, s.Rows, s.Cols, s.Stride, len(s.Data), r, c, parent.ld, n, idx(0, 0))
		}
		if s32.Rows != r || s32.Cols != c || s32.Stride != parent.ld || len(s32.Data) != n || &s32.Data[0] != &buf32[idx(0, 0)] {
			t.Errorf("test %d: Slice32: got %d×%d stride %d len %d, want %d×%d stride %d len %d at buf[%d]",
				tc, s32.Rows, s32.Cols, s32.Stride, len(s32.Data), r, c, parent.ld, n, idx(0, 0))
		}
		for p := range r {
			for q := range c {
				if got := s.Data[p*s.Stride+q]; got != vals[test.i+p][test.j+q] {
					t.Errorf("test %d: Slice (%d, %d): got %v, want %v", tc, p, q, got, vals[test.i+p][test.j+q])
				}
				if got := s32.Data[p*s32.Stride+q]; got != float32(vals[test.i+p][test.j+q]) {
					t.Errorf("test %d: Slice32 (%d, %d): got %v, want %v", tc, p, q, got, vals[test.i+p][test.j+q])
				}
			}
		}

		// Writes through the slice, wrapped as a *mat.Dense, reach the
		// parent's buffer at exactly their index.
		want := slices.Clone(buf)
		var d mat.Dense
		d.SetRawMatrix(s)
		for p := range r {
			for q := range c {
				d.Set(p, q, float64(700+10*p+q))
				want[idx(p, q)] = float64(700 + 10*p + q)
			}
		}
		checkBuf(t, tc, "Slice writes", buf, want)
		s32.Data[(r-1)*s32.Stride+c-1] = 99
		if got := buf32[idx(r-1, c-1)]; got != 99 {
			t.Errorf("test %d: Slice32 write: got buf[%d] = %v, want 99", tc, idx(r-1, c-1), got)
		}
	}

	g, _ := General(make([]float64, 12), 3, 4, 4)
	g32, _ := General32(make([]float32, 12), 3, 4, 4)
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
		if got := panicOf(func() { Slice(g, test.i, test.k, test.j, test.l) }); got != test.want {
			t.Errorf("test %d: Slice(%d, %d, %d, %d) panic: got %v, want %v", tc, test.i, test.k, test.j, test.l, got, test.want)
		}
		if got := panicOf(func() { Slice32(g32, test.i, test.k, test.j, test.l) }); got != test.want {
			t.Errorf("test %d: Slice32(%d, %d, %d, %d) panic: got %v, want %v", tc, test.i, test.k, test.j, test.l, got, test.want)
		}
	}
}

var (
	sinkDense *mat.Dense
	sinkGen   blas64.General
	sinkGen32 blas32.General
)

// TestAllocs checks that wrapping costs at most a header, whatever the size.
func TestAllocs(t *testing.T) {
	for tc, test := range []struct {
		name string
		want float64
		f    func(buf []float64, buf32 []float32, n int)
	}{
		{"New", 1, func(buf []float64, _ []float32, n int) { sinkDense, _ = New(buf, n, n, n) }},
		{"General", 0, func(buf []float64, _ []float32, n int) { sinkGen, _ = General(buf, n, n, n) }},
		{"General32", 0, func(_ []float64, buf32 []float32, n int) { sinkGen32, _ = General32(buf32, n, n, n) }},
		{"Slice", 0, func(buf []float64, _ []float32, n int) {
			sinkGen = Slice(blas64.General{Rows: n, Cols: n, Stride: n, Data: buf}, 1, n, 1, n)
		}},
		{"Slice32", 0, func(_ []float64, buf32 []float32, n int) {
			sinkGen32 = Slice32(blas32.General{Rows: n, Cols: n, Stride: n, Data: buf32}, 1, n, 1, n)
		}},
	} {
		var got [2]float64
		for s, n := range []int{4, 512} {
			buf, buf32 := make([]float64, n*n), make([]float32, n*n)
			got[s] = testing.AllocsPerRun(100, func() { test.f(buf, buf32, n) })
		}
		if got[0] != test.want || got[1] != test.want {
			t.Errorf("test %d: %s allocs at 4×4, 512×512: got %v, want %v", tc, test.name, got, test.want)
		}
	}
}
