// Package lapacktest is the conformance suite for blasbridge/lapack: every
// backend runs all of it in one line, as blastest does for blasbridge.
//
//	func TestConformance(t *testing.T) { lapacktest.Run(t) }
//
// The suite tests whatever backend is active (lapack.Active): a backend
// package's test binary imports the package, whose init calls SetBackend,
// and calls Run.
//
// Every assertion is against an independent reference: SciPy's LAPACK
// outputs on the same matrices (testdata/lapack/lapack.json, from
// testdata/lapack/gen_lapack.py), Gonum's own mat decompositions, and
// residuals computed here with naive loops. Every matrix lives inside a
// larger buffer filled with distinct sentinels that must survive, and a
// Preserve call must leave its input buffer bit for bit as it was.
package lapacktest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge/lapack"
)

// Run runs the whole suite against the active backend, as subtests:
// Fixtures, Fixtures32, Gonum, Inputs, Outputs, Plans, Errors, Modes,
// InPlace, Allocs and Concurrency.
//
// Run must not run in parallel with other tests that change the active
// backend: the Errors subtest briefly installs a copy of the active backend
// with a small MaxDim.
func Run(t *testing.T) {
	be := lapack.Active()
	t.Logf("backend %q, column-major %v, float32 LAPACK %v", be.Name, be.ColMajor, be.Float32 != nil)
	t.Run("Fixtures", func(t *testing.T) { testFixtures[float64](t) })
	t.Run("Fixtures32", func(t *testing.T) { testFixtures[float32](t) })
	t.Run("Gonum", testGonum)
	t.Run("Inputs", testInputs)
	t.Run("Outputs", func(t *testing.T) { testOutputs[float64](t); testOutputs[float32](t) })
	t.Run("Plans", func(t *testing.T) { testPlans[float64](t); testPlans[float32](t) })
	t.Run("Errors", testErrors)
	t.Run("Modes", func(t *testing.T) { testModes[float64](t); testModes[float32](t) })
	t.Run("InPlace", func(t *testing.T) { testInPlace[float64](t); testInPlace[float32](t) })
	t.Run("Allocs", testAllocs)
	t.Run("Concurrency", testConcurrency)
}

type float interface{ float32 | float64 }

func is64[T float]() bool {
	var z T
	_, ok := any(z).(float64)
	return ok
}

// tol is the comparison tolerance, relative to max(1, |want|).
func tol[T float]() float64 {
	if is64[T]() {
		return 1e-10
	}
	return 2e-3
}

func size[T float]() int {
	if is64[T]() {
		return 8
	}
	return 4
}

// seed fixes every random draw in the suite.
const seed = 20240614

func newRand(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// maxFailures stops a subtest that has already said enough.
const maxFailures = 10

// at is element (i, j)'s index, written out here so the reference does not
// share the code under test's formula.
func at(l adapter.Layout, i, j int) int { return l.Offset + i*l.RowStride + j*l.ColStride }

// sentinel is the value of position k in buffer id outside every view:
// distinct, large, and exact in float32.
func sentinel(id, k int) float64 { return -1e6 - 1000*float64(id) - float64(k) }

// layoutKinds are the layouts every operand is tried in.
var layoutKinds = []string{"row", "col", "row-padded", "col-padded", "general-reversed", "general-colfast"}

// layoutOf returns an r×c layout of the named kind and the buffer length it
// needs, with slack at both ends for sentinels.
func layoutOf(kind string, r, c int) (adapter.Layout, int) {
	var l adapter.Layout
	switch kind {
	case "row":
		l = adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
	case "col":
		l = adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
	case "row-padded":
		l = adapter.Layout{Rows: r, Cols: c, RowStride: c + 2, ColStride: 1, Offset: 3}
	case "col-padded":
		l = adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r + 3, Offset: 2}
	case "general-reversed":
		// Rows reversed, every other column.
		l = adapter.Layout{Rows: r, Cols: c, RowStride: -(2*c + 1), ColStride: 2, Offset: 1 + (r-1)*(2*c+1)}
	case "general-colfast":
		l = adapter.Layout{Rows: r, Cols: c, RowStride: 2, ColStride: 2*r + 1, Offset: 1}
	default:
		panic("lapacktest: unknown layout " + kind)
	}
	_, hi, err := l.Extent()
	if err != nil {
		panic(err)
	}
	return l, hi + 3
}

// buffer is a test matrix: a view inside a buffer of distinct sentinels,
// with a snapshot of the buffer as filled.
type buffer[T float] struct {
	kind string
	id   int
	data []T
	l    adapter.Layout
	orig []T
}

// newBuffer places the logical matrix vals in a fresh buffer of the given
// layout kind; id makes its sentinels distinct from other buffers'.
func newBuffer[T float](kind string, id int, vals [][]float64) *buffer[T] {
	r, c := len(vals), len(vals[0])
	l, n := layoutOf(kind, r, c)
	b := &buffer[T]{kind: kind, id: id, data: make([]T, n), l: l}
	for k := range b.data {
		b.data[k] = T(sentinel(id, k))
	}
	for i := range r {
		for j := range c {
			b.data[at(l, i, j)] = T(vals[i][j])
		}
	}
	b.orig = slices.Clone(b.data)
	return b
}

// emptyBuffer is newBuffer for an r×c matrix of zeros.
func emptyBuffer[T float](kind string, id, r, c int) *buffer[T] {
	vals := make([][]float64, r)
	for i := range vals {
		vals[i] = make([]float64, c)
	}
	return newBuffer[T](kind, id, vals)
}

// arg returns the buffer's view as the argument lapack takes: an
// *adapter.Strided or an *adapter.Strided32.
func (b *buffer[T]) arg() any {
	switch d := any(b.data).(type) {
	case []float64:
		return &adapter.Strided{Data: d, Layout: b.l}
	case []float32:
		return &adapter.Strided32{Data: d, Layout: b.l}
	}
	panic("not reached")
}

func (b *buffer[T]) at(i, j int) float64 { return float64(b.data[at(b.l, i, j)]) }

// values returns the view's logical matrix.
func (b *buffer[T]) values() [][]float64 {
	v := make([][]float64, b.l.Rows)
	for i := range v {
		v[i] = make([]float64, b.l.Cols)
		for j := range v[i] {
			v[i][j] = b.at(i, j)
		}
	}
	return v
}

// inView marks the buffer indices of the view's elements.
func (b *buffer[T]) inView() []bool {
	in := make([]bool, len(b.data))
	for i := range b.l.Rows {
		for j := range b.l.Cols {
			in[at(b.l, i, j)] = true
		}
	}
	return in
}

// sentinelsIntact reports the first sentinel outside the view that changed.
func (b *buffer[T]) sentinelsIntact() error {
	in := b.inView()
	for k, v := range b.data {
		if !in[k] && float64(v) != sentinel(b.id, k) {
			return fmt.Errorf("%s buffer: sentinel at %d changed to %v", b.kind, k, v)
		}
	}
	return nil
}

// unchanged reports the first element of the buffer that differs from its
// snapshot, bit for bit.
func (b *buffer[T]) unchanged() error {
	for k, v := range b.data {
		if math.Float64bits(float64(v)) != math.Float64bits(float64(b.orig[k])) {
			return fmt.Errorf("%s buffer: element %d changed from %v to %v", b.kind, k, b.orig[k], v)
		}
	}
	return nil
}

// near reports whether got is within tolerance of want.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// compare reports the first entry of got (r×c, read through get) that is
// not within tol of want.
func compare(get func(i, j int) float64, want [][]float64, tol float64) error {
	for i, row := range want {
		for j, w := range row {
			if g := get(i, j); !near(g, w, tol) {
				return fmt.Errorf("(%d,%d): got %v, want %v", i, j, g, w)
			}
		}
	}
	return nil
}

// compareUpToSign compares the columns of got with those of want, each
// column up to a sign fixed by its largest entry of want.
func compareUpToSign(get func(i, j int) float64, want [][]float64, tol float64) error {
	r, c := len(want), len(want[0])
	for j := range c {
		big := 0
		for i := range r {
			if math.Abs(want[i][j]) > math.Abs(want[big][j]) {
				big = i
			}
		}
		s := 1.0
		if get(big, j)*want[big][j] < 0 {
			s = -1
		}
		for i := range r {
			if g := s * get(i, j); !near(g, want[i][j], tol) {
				return fmt.Errorf("column %d (sign %v): (%d,%d): got %v, want %v", j, s, i, j, g, want[i][j])
			}
		}
	}
	return nil
}

// transpose returns the transpose of a logical matrix.
func transpose(a [][]float64) [][]float64 {
	t := make([][]float64, len(a[0]))
	for j := range t {
		t[j] = make([]float64, len(a))
		for i := range a {
			t[j][i] = a[i][j]
		}
	}
	return t
}

// matmul returns the naive product a·b.
func matmul(a, b [][]float64) [][]float64 {
	c := make([][]float64, len(a))
	for i := range a {
		c[i] = make([]float64, len(b[0]))
		for j := range b[0] {
			var s float64
			for k := range b {
				s += a[i][k] * b[k][j]
			}
			c[i][j] = s
		}
	}
	return c
}

// randMatrix returns an r×c matrix of normal entries.
func randMatrix(rng *rand.Rand, r, c int) [][]float64 {
	a := make([][]float64, r)
	for i := range a {
		a[i] = make([]float64, c)
		for j := range a[i] {
			a[i][j] = rng.NormFloat64()
		}
	}
	return a
}

// spd returns m·mᵀ + n·I for a random n×n m: symmetric positive definite.
func spd(rng *rand.Rand, n int) [][]float64 {
	m := randMatrix(rng, n, n)
	a := matmul(m, transpose(m))
	for i := range n {
		a[i][i] += float64(n)
	}
	return a
}

// dense returns a logical matrix as a *mat.Dense.
func dense(a [][]float64) *mat.Dense {
	d := mat.NewDense(len(a), len(a[0]), nil)
	for i, row := range a {
		d.SetRow(i, row)
	}
	return d
}

// reader reads a matrix lapack returned, float64 or float32.
type reader struct {
	r, c int
	at   func(i, j int) float64
	raw  any
}

func readerOf(m any) reader {
	switch m := m.(type) {
	case mat.Matrix:
		r, c := m.Dims()
		return reader{r: r, c: c, at: m.At, raw: m}
	case adapter.Matrix32:
		r, c := m.Dims()
		return reader{r: r, c: c, at: func(i, j int) float64 { return float64(m.At(i, j)) }, raw: m}
	}
	panic(fmt.Sprintf("lapacktest: %T is not a matrix", m))
}

var uplos = []blas.Uplo{blas.Lower, blas.Upper}

func uploName(ul blas.Uplo) string {
	if ul == blas.Upper {
		return "upper"
	}
	return "lower"
}
