package blasbridge_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/rowmajor"
)

// mulSentinel fills storage outside every view.
const mulSentinel = -7777.25

// atOnly is a mat.Matrix with nothing but Dims, At and T: no storage to
// find, so Mul must have Gonum copy it.
type atOnly struct{ m mat.Matrix }

func (a atOnly) Dims() (int, int)    { return a.m.Dims() }
func (a atOnly) At(i, j int) float64 { return a.m.At(i, j) }
func (a atOnly) T() mat.Matrix       { return mat.Transpose{Matrix: a} }

func sentinelBuf(n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = mulSentinel
	}
	return b
}

// randVal is a random value exact in binary, so that products are exact.
func randVal(rng *rand.Rand) float64 { return math.Round((2*rng.Float64()-1)*64) / 16 }

// mulOperand is an r×c input of one kind, with values drawn from rng, its
// storage (nil if it has none) and whether Mul can read it in place.
type mulOperand struct {
	name  string
	m     mat.Matrix
	store []float64
	view  bool
}

// mulOperands returns r×c inputs of every kind Mul accepts, each in a
// sentinel-filled buffer larger than it.
func mulOperands(rng *rand.Rand, r, c int) []mulOperand {
	var ops []mulOperand
	// Row-major with padding: a *mat.Dense from rowmajor.New (ld = c+3).
	{
		ld := c + 3
		buf := sentinelBuf(r*ld + 2)
		for i := range r {
			for j := range c {
				buf[i*ld+j] = randVal(rng)
			}
		}
		d, err := rowmajor.New(buf, r, c, ld)
		if err != nil {
			panic(err)
		}
		ops = append(ops, mulOperand{"*mat.Dense (padded)", d, buf, true})
	}
	// mat.Transpose of a row-major c×r.
	{
		d := mat.NewDense(c, r, nil)
		for i := range c {
			for j := range r {
				d.Set(i, j, randVal(rng))
			}
		}
		ops = append(ops, mulOperand{"mat.Transpose{*mat.Dense}", d.T(), d.RawMatrix().Data, true})
	}
	// Column-major with padding, and the transpose of a column-major c×r.
	{
		ld := r + 2
		buf := sentinelBuf(c*ld + 1)
		for j := range c {
			for i := range r {
				buf[j*ld+i] = randVal(rng)
			}
		}
		d, err := colmajor.New(buf, r, c, ld)
		if err != nil {
			panic(err)
		}
		ops = append(ops, mulOperand{"*colmajor.Dense", d, buf, true})
		t := colmajor.NewDense(c, r)
		for i := range c {
			for j := range r {
				t.Set(i, j, randVal(rng))
			}
		}
		ops = append(ops, mulOperand{"colmajor.Dense.T()", t.T(), nil, true})
	}
	// Strided: every other column of a row-major matrix, reversed rows (no
	// BLAS view: packed), and the transpose of one.
	{
		l := adapter.Layout{Rows: r, Cols: c, RowStride: -2 * c, ColStride: 2, Offset: (r - 1) * 2 * c}
		buf := sentinelBuf(r*2*c + 1)
		for i := range r {
			for j := range c {
				buf[l.Index(i, j)] = randVal(rng)
			}
		}
		s := &adapter.Strided{Data: buf, Layout: l}
		ops = append(ops, mulOperand{"*adapter.Strided (reversed, stepped)", s, buf, true})
		lt := adapter.Layout{Rows: c, Cols: r, RowStride: 1, ColStride: c + 1}
		bt := sentinelBuf(r * (c + 1))
		for i := range c {
			for j := range r {
				bt[lt.Index(i, j)] = randVal(rng)
			}
		}
		st := &adapter.Strided{Data: bt, Layout: lt}
		ops = append(ops, mulOperand{"(*adapter.Strided).T()", st.T(), bt, true})
	}
	// A vector, as a column, with a stride.
	if c == 1 {
		buf := sentinelBuf(3*r + 1)
		for i := range r {
			buf[3*i] = randVal(rng)
		}
		v := mat.NewVecDense(r, nil)
		v.SetRawVector(blas64.Vector{N: r, Inc: 3, Data: buf})
		ops = append(ops, mulOperand{"*mat.VecDense (inc 3)", v, buf, true})
	}
	if r == 1 {
		v := mat.NewVecDense(c, nil)
		for i := range c {
			v.SetVec(i, randVal(rng))
		}
		ops = append(ops, mulOperand{"mat.Transpose{*mat.VecDense}", v.T(), nil, true})
	}
	// No storage Mul can read: a symmetric matrix, and a bare mat.Matrix.
	if r == c {
		s := mat.NewSymDense(r, nil)
		for i := range r {
			for j := i; j < r; j++ {
				s.SetSym(i, j, randVal(rng))
			}
		}
		ops = append(ops, mulOperand{"*mat.SymDense", s, nil, false})
	}
	{
		d := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				d.Set(i, j, randVal(rng))
			}
		}
		ops = append(ops, mulOperand{"a bare mat.Matrix", atOnly{d}, nil, false})
	}
	return ops
}

// mulDst is an m×n destination of one kind over a sentinel-filled buffer:
// at(i, j) is the buffer index of element (i, j).
type mulDst struct {
	name string
	m    mat.Matrix
	buf  []float64
	at   func(i, j int) int
}

func mulDsts(m, n int) []mulDst {
	var ds []mulDst
	{
		ld := n + 2
		buf := sentinelBuf(m*ld + 3)
		d, _ := rowmajor.New(buf[1:], m, n, ld)
		ds = append(ds, mulDst{"*mat.Dense (padded)", d, buf, func(i, j int) int { return 1 + i*ld + j }})
	}
	{
		ld := m + 1
		buf := sentinelBuf(n*ld + 2)
		d, _ := colmajor.New(buf, m, n, ld)
		ds = append(ds, mulDst{"*colmajor.Dense (padded)", d, buf, func(i, j int) int { return i + j*ld }})
	}
	{
		// Every other element of a row-major m×2n matrix: general strided.
		buf := sentinelBuf(m*2*n + 1)
		l := adapter.Layout{Rows: m, Cols: n, RowStride: 2 * n, ColStride: 2, Offset: 1}
		ds = append(ds, mulDst{"*adapter.Strided (stepped)", &adapter.Strided{Data: buf, Layout: l}, buf, l.Index})
	}
	{
		// The transpose of a row-major n×m: writing dst writes it.
		ld := m + 1
		buf := sentinelBuf(n * ld)
		d, _ := rowmajor.New(buf, n, m, ld)
		ds = append(ds, mulDst{"mat.Transpose{*mat.Dense}", d.T(), buf, func(i, j int) int { return j*ld + i }})
	}
	return ds
}

// naive is a·b by the definition, from At.
func naive(a, b mat.Matrix) (want, scale [][]float64) {
	m, k := a.Dims()
	_, n := b.Dims()
	want, scale = make([][]float64, m), make([][]float64, m)
	for i := range m {
		want[i], scale[i] = make([]float64, n), make([]float64, n)
		for j := range n {
			for q := range k {
				x := a.At(i, q) * b.At(q, j)
				want[i][j] += x
				scale[i][j] += math.Abs(x)
			}
		}
	}
	return want, scale
}

// TestMul multiplies every pair of operand kinds into every destination
// kind, for shapes with and without dimensions of 1, and checks the
// result, read from the destination's buffer, against the naive product;
// every sentinel around the destination survives and the inputs are
// unchanged; the plan packs exactly the operands without storage; and it
// is the plan Gemm follows on the same views.
func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, s := range [][3]int{{4, 5, 3}, {6, 6, 6}, {1, 5, 4}, {5, 1, 4}, {4, 3, 1}, {33, 17, 20}} {
		m, n, k := s[0], s[1], s[2]
		as, bs := mulOperands(rng, m, k), mulOperands(rng, k, n)
		for _, a := range as {
			for _, b := range bs {
				want, scale := naive(a.m, b.m)
				aCopy, bCopy := mat.DenseCopyOf(a.m), mat.DenseCopyOf(b.m)
				for _, d := range mulDsts(m, n) {
					name := fmt.Sprintf("m=%d,n=%d,k=%d: %s · %s → %s", m, n, k, a.name, b.name, d.name)
					before := append([]float64(nil), d.buf...)
					p, err := blasbridge.Mul(d.m, a.m, b.m)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					inView := map[int]bool{}
					for i := range m {
						for j := range n {
							idx := d.at(i, j)
							inView[idx] = true
							if got := d.buf[idx]; !(math.Abs(got-want[i][j]) <= 1e-12*(1+scale[i][j])) {
								t.Fatalf("%s: (%d, %d) = %v, want %v (plan %v)", name, i, j, got, want[i][j], p)
							}
						}
					}
					for idx, v := range d.buf {
						if !inView[idx] && v != before[idx] {
							t.Fatalf("%s: buffer[%d] outside dst changed: %v, was %v", name, idx, v, before[idx])
						}
					}
					if !mat.Equal(aCopy, a.m) || !mat.Equal(bCopy, b.m) {
						t.Fatalf("%s: an input changed", name)
					}
					// Operands without storage are copied, and counted.
					copied := 0
					for _, op := range []struct {
						mulOperand
						o    blasbridge.Operand
						r, c int
					}{{a, p.A, m, k}, {b, p.B, k, n}} {
						if !op.view {
							copied += op.r * op.c * 8
							if !op.o.Packed {
								t.Errorf("%s: plan %v: %s has no storage but is not packed", name, p, op.name)
							}
						}
					}
					if p.CopiedBytes < copied {
						t.Errorf("%s: plan %v copies %d B, want at least %d", name, p, p.CopiedBytes, copied)
					}
					// Operands with storage: the plan Gemm follows on the
					// same views (adapter.StridedOf; it takes no vectors).
					av, okA := adapter.StridedOf(a.m)
					bv, okB := adapter.StridedOf(b.m)
					cv, okC := adapter.StridedOf(d.m)
					if a.view && b.view && okA && okB && okC {
						g, err := blasbridge.Gemm(1, av, bv, 0, cv)
						if err != nil || g != p {
							t.Errorf("%s: Mul followed %v, Gemm on the same views %v (%v)", name, p, g, err)
						}
					}
				}
			}
		}
	}
}

// TestMulWritesThrough: a column-major destination over the caller's buffer
// holds the product there, column by column, and nothing is copied.
func TestMulWritesThrough(t *testing.T) {
	buf := make([]float64, 6)
	c, err := colmajor.New(buf, 2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	b := mat.NewDense(2, 3, []float64{1, 0, 1, 0, 1, 1})
	p, err := blasbridge.Mul(c, a, b)
	if err != nil {
		t.Fatal(err)
	}
	// a·b = [1 2 3; 3 4 7], stored by columns.
	if want := []float64{1, 3, 2, 4, 3, 7}; !slices.Equal(buf, want) {
		t.Errorf("buffer %v, want %v", buf, want)
	}
	if p.CopiedBytes != 0 {
		t.Errorf("plan %v copies", p)
	}
}

// TestMulEmptyDst: an empty *mat.Dense or *colmajor.Dense is sized to the
// product, as their Mul methods do.
func TestMulEmptyDst(t *testing.T) {
	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	b := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1})
	want := mat.NewDense(2, 2, []float64{4, 5, 10, 11})
	var d mat.Dense
	if _, err := blasbridge.Mul(&d, a, b); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(&d, want) {
		t.Errorf("*mat.Dense: got %v, want %v", mat.Formatted(&d), mat.Formatted(want))
	}
	var c colmajor.Dense
	if _, err := blasbridge.Mul(&c, a, b); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(&c, want) {
		t.Errorf("*colmajor.Dense: got %v, want %v", mat.Formatted(&c), mat.Formatted(want))
	}
}

// TestMulAliased: a destination that is an operand, or overlaps one, gets
// the product of the inputs as they were (mat.Dense.Mul panics on the
// partial overlap), through scratch; a destination interleaved with an
// operand but sharing no element is written directly.
func TestMulAliased(t *testing.T) {
	const n = 6
	rng := rand.New(rand.NewPCG(43, 44))
	newM := func() *mat.Dense {
		d := mat.NewDense(2*n, 2*n, nil)
		for i := range 2 * n {
			for j := range 2 * n {
				d.Set(i, j, randVal(rng))
			}
		}
		return d
	}
	for _, tc := range []struct {
		name    string
		dst     func(m *mat.Dense) mat.Matrix
		a, b    func(m *mat.Dense) mat.Matrix
		scratch bool
	}{
		{"dst is a", func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, 0, n) },
			func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, 0, n) }, func(m *mat.Dense) mat.Matrix { return m.Slice(n, 2*n, n, 2*n) }, true},
		{"dst overlaps b by a row and a column", func(m *mat.Dense) mat.Matrix { return m.Slice(n-1, 2*n-1, n-1, 2*n-1) },
			func(m *mat.Dense) mat.Matrix { return m.Slice(n, 2*n, 0, n) }, func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, 0, n) }, true},
		{"dst is bᵀ", func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, 0, n).T() },
			func(m *mat.Dense) mat.Matrix { return m.Slice(n, 2*n, n, 2*n) }, func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, 0, n) }, true},
		{"trailing block update", func(m *mat.Dense) mat.Matrix { return m.Slice(n, 2*n, n, 2*n) },
			func(m *mat.Dense) mat.Matrix { return m.Slice(n, 2*n, 0, n) }, func(m *mat.Dense) mat.Matrix { return m.Slice(0, n, n, 2*n) }, false},
	} {
		m := newM()
		dst, a, b := tc.dst(m), tc.a(m), tc.b(m)
		want, scale := naive(a, b)
		p, err := blasbridge.Mul(dst, a, b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range n {
			for j := range n {
				if got := dst.At(i, j); !(math.Abs(got-want[i][j]) <= 1e-12*(1+scale[i][j])) {
					t.Fatalf("%s: (%d, %d) = %v, want %v (plan %v)", tc.name, i, j, got, want[i][j], p)
				}
			}
		}
		if got := p.C == blasbridge.Scratch || p.C == blasbridge.ScratchTransposed; got != tc.scratch {
			t.Errorf("%s: plan %v: through scratch %v, want %v", tc.name, p, got, tc.scratch)
		}
	}
}

// TestMulErrors: a destination without storage is an error naming its
// type; a bad external layout is Gemm's error, with nothing written; shape
// mismatches panic with mat.ErrShape, as mat.Dense.Mul does.
func TestMulErrors(t *testing.T) {
	a := mat.NewDense(2, 3, nil)
	b := mat.NewDense(3, 4, nil)
	for _, dst := range []mat.Matrix{mat.NewSymDense(2, nil), atOnly{mat.NewDense(2, 4, nil)}, nil} {
		_, err := blasbridge.Mul(dst, a, b)
		if !errors.Is(err, blasbridge.ErrNotWritable) || !strings.Contains(err.Error(), fmt.Sprintf("%T", dst)) && dst != nil {
			t.Errorf("dst %T: got %v, want ErrNotWritable naming the type", dst, err)
		}
	}
	buf := sentinelBuf(8)
	bad := &adapter.Strided{Data: buf, Layout: adapter.Layout{Rows: 2, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}}
	if _, err := blasbridge.Mul(bad, a, b); !errors.Is(err, adapter.ErrOutOfBounds) {
		t.Errorf("dst outside its data: got %v, want ErrOutOfBounds", err)
	}
	for i, v := range buf {
		if v != mulSentinel {
			t.Fatalf("dst outside its data: buffer[%d] written", i)
		}
	}
	for _, tc := range []struct {
		name      string
		dst, a, b mat.Matrix
	}{
		{"inner dimensions", mat.NewDense(2, 4, nil), a, mat.NewDense(4, 4, nil)},
		{"dst rows", mat.NewDense(3, 4, nil), a, b},
		{"dst columns", colmajor.NewDense(2, 5), a, b},
	} {
		func() {
			defer func() {
				if r := recover(); r != mat.ErrShape {
					t.Errorf("%s: recovered %v, want mat.ErrShape", tc.name, r)
				}
			}()
			_, _ = blasbridge.Mul(tc.dst, tc.a, tc.b)
		}()
	}
}

// TestMulAllocs: operands and destination with storage cost nothing but
// the GEMM: no allocation.
func TestMulAllocs(t *testing.T) {
	if blasbridge.RaceEnabled {
		t.Skip("the race detector instruments allocations")
	}
	const n = 32 // one tile of Gonum's GEMM: it starts no goroutines
	a, b, c := colmajor.NewDense(n, n), colmajor.NewDense(n, n).T(), colmajor.NewDense(n, n)
	d := mat.NewDense(n, n, nil)
	for _, tc := range []struct {
		name string
		dst  mat.Matrix
	}{{"into *colmajor.Dense", c}, {"into *mat.Dense", d}} {
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := blasbridge.Mul(tc.dst, a, b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tc.name, allocs)
		}
	}
}

// TestMulColMajorPlan: two column-major operands are multiplied with the
// backend's fastest flags: into a column-major destination as
// dstᵀ = bᵀ·aᵀ, NN on the stored data, with no copy; into a row-major one
// with no copy where the backend's TT flags run at full speed, else (Gonum)
// at the price of one n×n copy (an operand packed, or the output through
// scratch) instead of Gonum's TT GEMM at a tenth of the speed.
func TestMulColMajorPlan(t *testing.T) {
	const n = 256
	be := blasbridge.Active()
	best := max(be.GemmEff[0][0], be.GemmEff[0][1], be.GemmEff[1][0], be.GemmEff[1][1])
	a, b := colmajor.NewDense(n, n), colmajor.NewDense(n, n)
	for _, tc := range []struct {
		name   string
		dst    mat.Matrix
		copies int
	}{
		{"into *colmajor.Dense", colmajor.NewDense(n, n), 0},
		{"into *mat.Dense", mat.NewDense(n, n, nil), n * n * 8},
	} {
		p, err := blasbridge.Mul(tc.dst, a, b)
		if err != nil {
			t.Fatal(err)
		}
		// The flags of the call issued: C = op(A)·op(B), or
		// Cᵀ = op(B)ᵀ·op(A)ᵀ for a transposed output.
		tA, tB := p.A.Trans, p.B.Trans
		if p.C == blasbridge.Transposed || p.C == blasbridge.ScratchTransposed {
			tA, tB = !p.B.Trans, !p.A.Trans
		}
		rate := be.GemmEff[b2i(tA)][b2i(tB)]
		if best == be.GemmEff[1][1] {
			tc.copies = 0 // flat costs: the flags are free
		}
		if rate < best || p.CopiedBytes > tc.copies {
			t.Errorf("%s on %s: got %v (rate %v of %v), want the best rate with at most %d B copied", tc.name, be.Name, p, rate, best, tc.copies)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
