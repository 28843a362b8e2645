// Package blastest is the conformance suite for blasbridge: every backend
// runs all of it in one line, as Gonum's pure-Go and netlib BLAS both run
// blas/testblas.
//
//	func TestConformance(t *testing.T) { blastest.Run(t) }
//
// The suite tests whatever backend is active (blasbridge.Active): a backend
// package's test binary imports the package, whose init calls SetBackend,
// and calls Run.
//
// Every assertion is against an independent reference: naive loops over the
// element formula written out here, and products NumPy computed on real
// NumPy views (testdata/gemm.json, from testdata/gen_gemm.py). Every operand
// lives inside a larger buffer filled with distinct sentinels, and every
// sentinel of every buffer must survive: nothing outside a view is read into
// a result or written.
package blastest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// Run runs the whole conformance suite against the active backend, as
// subtests: Gemm, Gemm32, Gemv, Gemv32, Fixtures, Plans, Errors, Aliasing,
// Allocs and Concurrency.
//
// Run must not run in parallel with other tests that change the active
// backend: the Plans/NumPyFlags subtest briefly installs a copy of the
// active backend with flat costs when the active one is not flat, so that
// NumPy's flags are checked on every build.
func Run(t *testing.T) {
	be := blasbridge.Active()
	t.Logf("backend %q, GemmEff %v", be.Name, be.GemmEff)
	t.Run("Gemm", func(t *testing.T) { testGemm(t, gemm64) })
	t.Run("Gemm32", func(t *testing.T) { testGemm(t, gemm32) })
	t.Run("Gemv", func(t *testing.T) { testGemv(t, gemv64) })
	t.Run("Gemv32", func(t *testing.T) { testGemv(t, gemv32) })
	t.Run("Fixtures", testFixtures)
	t.Run("Plans", testPlans)
	t.Run("Errors", testErrors)
	t.Run("Aliasing", testAliasing)
	t.Run("Allocs", testAllocs)
	t.Run("Concurrency", testConcurrency)
}

type float interface{ ~float32 | ~float64 }

// Tolerances, relative to the magnitude of the terms summed (so that
// cancellation does not make an exact-enough result look wrong).
const (
	tol64 = 1e-12
	tol32 = 1e-4
)

// maxFailures stops a subtest that has already said enough.
const maxFailures = 10

// seed fixes every random draw in the suite.
const seed = 20240611

func newRand(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// at is element (i, j)'s index, written out here so the reference does not
// share the code under test's formula.
func at(l adapter.Layout, i, j int) int { return l.Offset + i*l.RowStride + j*l.ColStride }

// sentinel is the value of position k in buffer id outside every view:
// distinct, large, and exact in float32.
func sentinel(id, k int) float64 { return -1e6 - 1000*float64(id) - float64(k) }

// buffer is a flat buffer with one or more views, and a snapshot of it as
// filled, before the operation under test.
type buffer[T float] struct {
	data []T
	orig []T
}

func (b *buffer[T]) snapshot() { b.orig = slices.Clone(b.data) }

// clone returns a fresh copy of the buffer as filled.
func (b *buffer[T]) clone() *buffer[T] {
	return &buffer[T]{data: slices.Clone(b.orig), orig: b.orig}
}

// unchanged reports the first position where b differs from its snapshot.
func (b *buffer[T]) unchanged() error {
	for k := range b.data {
		if !same(b.data[k], b.orig[k]) {
			return fmt.Errorf("buffer[%d] = %v, was %v", k, b.data[k], b.orig[k])
		}
	}
	return nil
}

func same[T float](x, y T) bool { return x == y || x != x && y != y }

// kind is a way of placing an r×c matrix in a buffer.
type kind struct {
	name string
	// strides returns (RowStride, ColStride) for an r×c matrix.
	strides func(r, c int) (int, int)
	// input is true for layouts that may only be read (broadcasts).
	input bool
	// blas is true for layouts with a BLAS view whatever the shape.
	blas bool
}

// kinds are the layouts the suite draws operands from.
var kinds = []kind{
	{name: "row", strides: func(r, c int) (int, int) { return c, 1 }, blas: true},
	{name: "rowpad", strides: func(r, c int) (int, int) { return c + 3, 1 }, blas: true},
	{name: "col", strides: func(r, c int) (int, int) { return 1, r }, blas: true},
	{name: "colpad", strides: func(r, c int) (int, int) { return 1, r + 2 }, blas: true},
	// Every other row and column of a row-major matrix with ld = 2c+1.
	{name: "step", strides: func(r, c int) (int, int) { return 2 * (2*c + 1), 2 }},
	// Every other row and column of a column-major matrix with ld = 2r+1.
	{name: "colstep", strides: func(r, c int) (int, int) { return 2, 2 * (2*r + 1) }},
	{name: "revrows", strides: func(r, c int) (int, int) { return -c, 1 }},
	{name: "revcols", strides: func(r, c int) (int, int) { return c, -1 }},
	{name: "revboth", strides: func(r, c int) (int, int) { return -c, -1 }},
	{name: "bcastrow", strides: func(r, c int) (int, int) { return 0, 1 }, input: true},
	{name: "bcastcol", strides: func(r, c int) (int, int) { return 1, 0 }, input: true},
}

func kindNamed(name string) kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	panic("blastest: no kind " + name)
}

// operand is a matrix view inside a sentinel-filled buffer.
type operand[T float] struct {
	*buffer[T]
	l    adapter.Layout
	kind string
}

// extent returns the lowest and highest index offsets of an r×c layout
// relative to its first element. The suite's sizes do not overflow.
func extent(r, c, rs, cs int) (lo, hi int) {
	for _, d := range [...][2]int{{r, rs}, {c, cs}} {
		span := (d[0] - 1) * d[1]
		if span < 0 {
			lo += span
		} else {
			hi += span
		}
	}
	return lo, hi
}

// newOperand places an r×c matrix of kind k in a buffer with sentinels
// before, between and after its elements, and fills the elements from rng.
func newOperand[T float](rng *rand.Rand, k kind, r, c, id int) operand[T] {
	rs, cs := k.strides(r, c)
	lo, hi := extent(r, c, rs, cs)
	pad := 2 + id%3
	l := adapter.Layout{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: pad - lo}
	data := make([]T, pad+hi-lo+1+3)
	for p := range data {
		data[p] = T(sentinel(id, p))
	}
	for i := range r {
		for j := range c {
			data[at(l, i, j)] = T(2*rng.Float64() - 1)
		}
	}
	b := &buffer[T]{data: data}
	b.snapshot()
	return operand[T]{buffer: b, l: l, kind: k.name}
}

// fresh returns the operand over a fresh copy of its buffer as filled.
func (o operand[T]) fresh() operand[T] {
	o.buffer = o.buffer.clone()
	return o
}

// value returns the original element (i, j).
func (o operand[T]) value(i, j int) float64 { return float64(o.orig[at(o.l, i, j)]) }

// product is A·B from the original values, and the magnitude of the terms
// summed, both row-major m×n.
type product struct {
	n        int
	sum, mag []float64
}

func refProduct[T float](a, b operand[T]) product {
	m, n, k := a.l.Rows, b.l.Cols, a.l.Cols
	p := product{n: n, sum: make([]float64, m*n), mag: make([]float64, m*n)}
	for i := range m {
		for j := range n {
			var s, mag float64
			for q := range k {
				x := a.value(i, q) * b.value(q, j)
				s += x
				mag += math.Abs(x)
			}
			p.sum[i*n+j], p.mag[i*n+j] = s, mag
		}
	}
	return p
}

// gemmOf returns alpha·A·B + beta·C from the product and C's original
// values cv, with the magnitude of the terms summed. beta == 0 ignores C and
// alpha == 0 ignores A·B, as BLAS does.
func (p product) gemmOf(alpha, beta float64, cv func(i, j int) float64) (want, scale []float64) {
	want, scale = make([]float64, len(p.sum)), make([]float64, len(p.sum))
	for e := range p.sum {
		var s, mag float64
		if alpha != 0 {
			s, mag = alpha*p.sum[e], math.Abs(alpha)*p.mag[e]
		}
		if beta != 0 {
			x := beta * cv(e/p.n, e%p.n)
			s += x
			mag += math.Abs(x)
		}
		want[e], scale[e] = s, mag
	}
	return want, scale
}

// refGemm returns alpha·A·B + beta·C from the original values, and the
// magnitude of the terms summed for each element, both row-major m×n.
func refGemm[T float](alpha float64, a, b operand[T], beta float64, c operand[T]) (want, scale []float64) {
	return refProduct(a, b).gemmOf(alpha, beta, c.value)
}

// checkOutput checks that out's view holds want (row-major, within tol of
// scale) and that every other position of its buffer is as filled.
func checkOutput[T float](out operand[T], want, scale []float64, tol float64) error {
	r, c := out.l.Rows, out.l.Cols
	owner := make([]int, len(out.data))
	for p := range owner {
		owner[p] = -1
	}
	for i := range r {
		for j := range c {
			owner[at(out.l, i, j)] = i*c + j
		}
	}
	for p, got := range out.data {
		e := owner[p]
		if e < 0 {
			if !same(got, out.orig[p]) {
				return fmt.Errorf("sentinel at %d overwritten: got %v, want %v", p, got, out.orig[p])
			}
			continue
		}
		if d := math.Abs(float64(got) - want[e]); !(d <= tol*scale[e]) {
			return fmt.Errorf("element (%d, %d): got %v, want %v (error %.3g, scale %.3g)", e/c, e%c, got, want[e], d, scale[e])
		}
	}
	return nil
}

// caught runs f and turns a panic into an error.
func caught(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// failures counts errors in a subtest and stops it after maxFailures.
type failures struct {
	t *testing.T
	n int
}

func (f *failures) errorf(format string, args ...any) {
	f.t.Helper()
	f.n++
	f.t.Errorf(format, args...)
	if f.n >= maxFailures {
		f.t.Fatalf("stopping after %d failures", f.n)
	}
}

func itemSize[T float]() int {
	var z T
	switch any(z).(type) {
	case float32:
		return 4
	}
	return 8
}

func tolerance[T float]() float64 {
	if itemSize[T]() == 4 {
		return tol32
	}
	return tol64
}

// gemmFunc runs Gemm or Gemm32 on operands.
type gemmFunc[T float] func(alpha float64, a, b operand[T], beta float64, c operand[T]) (blasbridge.Plan, error)

func gemm64(alpha float64, a, b operand[float64], beta float64, c operand[float64]) (blasbridge.Plan, error) {
	return blasbridge.Gemm(alpha, adapter.Strided{Data: a.data, Layout: a.l}, adapter.Strided{Data: b.data, Layout: b.l},
		beta, adapter.Strided{Data: c.data, Layout: c.l})
}

func gemm32(alpha float64, a, b operand[float32], beta float64, c operand[float32]) (blasbridge.Plan, error) {
	return blasbridge.Gemm32(float32(alpha), adapter.Strided32{Data: a.data, Layout: a.l}, adapter.Strided32{Data: b.data, Layout: b.l},
		float32(beta), adapter.Strided32{Data: c.data, Layout: c.l})
}

// checkGemmPlan checks the invariants every GEMM plan keeps, on any backend:
// unpacked operands use their own BLAS view with the flag their order
// needs, general operands are packed, the output is written through its
// own view only in its own orientation, and CopiedBytes adds up.
func checkGemmPlan(p blasbridge.Plan, a, b, c adapter.Layout, size int, betaNonZero bool) error {
	m, n, k := a.Rows, b.Cols, a.Cols
	if p.M != m || p.N != n || p.K != k {
		return fmt.Errorf("plan is %d×%d×%d, want %d×%d×%d", p.M, p.N, p.K, m, n, k)
	}
	if p.Backend != blasbridge.Active().Name {
		return fmt.Errorf("plan names backend %q, active is %q", p.Backend, blasbridge.Active().Name)
	}
	copies := 0
	for _, op := range [...]struct {
		name string
		o    blasbridge.Operand
		l    adapter.Layout
		r, c int
	}{{"A", p.A, a, m, k}, {"B", p.B, b, k, n}} {
		if op.o.Layout != op.l {
			return fmt.Errorf("%s: plan has layout %+v, want %+v", op.name, op.o.Layout, op.l)
		}
		if op.o.Packed {
			copies += op.r * op.c
			if ld := map[bool]int{false: op.c, true: op.r}[op.o.Trans]; op.o.LD != ld {
				return fmt.Errorf("%s: packed with ld %d, want %d", op.name, op.o.LD, ld)
			}
			continue
		}
		rowLD, colLD := blasViews(op.l)
		switch {
		case op.o.Trans && colLD == 0:
			return fmt.Errorf("%s: %v has no column-major view, not packed but Trans", op.name, op.l)
		case !op.o.Trans && rowLD == 0:
			return fmt.Errorf("%s: %v has no row-major view, not packed but not Trans", op.name, op.l)
		case op.o.Trans && op.o.LD != colLD:
			return fmt.Errorf("%s: trans with ld %d, want %d", op.name, op.o.LD, colLD)
		case !op.o.Trans && op.o.LD != rowLD:
			return fmt.Errorf("%s: no-trans with ld %d, want %d", op.name, op.o.LD, rowLD)
		}
	}
	rowLD, colLD := blasViews(c)
	switch p.C {
	case blasbridge.Direct:
		if rowLD == 0 || p.CLD != rowLD {
			return fmt.Errorf("direct output into %v with ld %d", c, p.CLD)
		}
	case blasbridge.Transposed:
		if colLD == 0 || p.CLD != colLD {
			return fmt.Errorf("transposed output into %v with ld %d", c, p.CLD)
		}
	case blasbridge.Scratch, blasbridge.ScratchTransposed:
		copies += m * n
		if betaNonZero {
			copies += m * n
		}
	default:
		return fmt.Errorf("unknown output %v", p.C)
	}
	if p.CopiedBytes != copies*size {
		return fmt.Errorf("CopiedBytes %d, want %d (%s)", p.CopiedBytes, copies*size, p)
	}
	return nil
}

// blasViews returns, from the definition, the leading dimensions of l's
// BLAS views, 0 where there is none: row-major (element (i, j) at
// Offset + i*ld + j with ld >= max(1, Cols), read with no-trans) and
// column-major (at Offset + i + j*ld with ld >= max(1, Rows), read with
// trans). The stride of a size-1 dimension is never used, so a single row
// has a row-major view when its column stride is 1 (the planner reports
// ld = Cols) and a column-major one whenever its column stride is positive
// (ld = that stride); a single column likewise; a 1×1 matrix has both.
func blasViews(l adapter.Layout) (rowLD, colLD int) {
	view := func(r, c, rs, cs int) int {
		if c > 1 && cs != 1 {
			return 0
		}
		if r == 1 {
			if c > 1 {
				return c
			}
			return 1
		}
		if rs < max(1, c) {
			return 0
		}
		return rs
	}
	return view(l.Rows, l.Cols, l.RowStride, l.ColStride), view(l.Cols, l.Rows, l.ColStride, l.RowStride)
}

func isScratch(o blasbridge.Output) bool {
	return o == blasbridge.Scratch || o == blasbridge.ScratchTransposed
}
