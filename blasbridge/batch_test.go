package blasbridge

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/strider-go/strider/adapter"
)

// batchItemLayout returns an r×c item layout at offset 0 in one of the
// test orders: row- and column-major, contiguous or padded, and general
// (stepped, reversed rows, reversed columns).
func batchItemLayout(r, c int, order string) adapter.Layout {
	l := adapter.Layout{Rows: r, Cols: c}
	switch order {
	case "row":
		l.RowStride, l.ColStride = c+1, 1
	case "rowc":
		l.RowStride, l.ColStride = c, 1
	case "col":
		l.RowStride, l.ColStride = 1, r+2
	case "colc":
		l.RowStride, l.ColStride = 1, r
	case "step":
		l.RowStride, l.ColStride = 2*c+3, 2
	case "revrows":
		l.RowStride, l.ColStride = -c, 1
	case "revcols":
		l.RowStride, l.ColStride = 1, -(r + 1)
	default:
		panic("unknown order " + order)
	}
	return l
}

// batchSpan is the distance from an item's lowest to its highest address.
func batchSpan(l adapter.Layout) int {
	return (l.Rows-1)*abs(l.RowStride) + (l.Cols-1)*abs(l.ColStride)
}

// batchStride returns a batch stride of the given kind for items in layout
// l: "stack" (items back to back), "gap" (3 unused elements between items),
// "neg" (backwards, with a gap), "zero" (broadcast).
func batchStride(l adapter.Layout, kind string) int {
	switch kind {
	case "stack":
		return batchSpan(l) + 1
	case "gap":
		return batchSpan(l) + 4
	case "neg":
		return -(batchSpan(l) + 3)
	case "zero":
		return 0
	}
	panic("unknown stride kind " + kind)
}

// batchOp is one operand of a test batch: a buffer with sentinels in every
// gap, and the layout and stride of its items.
type batchOp[T float] struct {
	data   []T
	l      adapter.Layout
	stride int
}

const batchMargin = 3

// newBatchOp places count items of layout l (offset ignored) with batch
// stride stride in a fresh buffer, batchMargin elements from either end.
// Every element holds a distinct sentinel; elements of items hold random
// values (NaN instead, if nan is set).
func newBatchOp[T float](rnd *rand.Rand, l adapter.Layout, stride, count int, nan bool) batchOp[T] {
	lo, hi := 0, 0
	for _, ax := range [...][2]int{{l.Rows, l.RowStride}, {l.Cols, l.ColStride}, {count, stride}} {
		s := (ax[0] - 1) * ax[1]
		lo, hi = lo+min(0, s), hi+max(0, s)
	}
	l.Offset = batchMargin - lo
	op := batchOp[T]{data: make([]T, hi-lo+1+2*batchMargin), l: l, stride: stride}
	for i := range op.data {
		op.data[i] = T(-1000 - i)
	}
	op.each(count, func(_, _, _, k int) {
		if nan {
			op.data[k] = T(math.NaN())
		} else {
			op.data[k] = T(2*rnd.Float64() - 1)
		}
	})
	return op
}

// each calls fn with the item, row, column and buffer index of every
// element of every item.
func (o batchOp[T]) each(count int, fn func(item, i, j, k int)) {
	for it := range count {
		for i := range o.l.Rows {
			for j := range o.l.Cols {
				fn(it, i, j, o.l.Index(i, j)+it*o.stride)
			}
		}
	}
}

func (o batchOp[T]) clone() batchOp[T] {
	o.data = append([]T(nil), o.data...)
	return o
}

// batchRun calls GemmBatched or GemmBatched32.
func batchRun[T float](alpha T, a, b batchOp[T], beta T, c batchOp[T], count int) (BatchPlan, error) {
	switch ad := any(a.data).(type) {
	case []float64:
		return GemmBatched(float64(alpha), adapter.Strided{Data: ad, Layout: a.l}, a.stride,
			adapter.Strided{Data: any(b.data).([]float64), Layout: b.l}, b.stride,
			float64(beta), adapter.Strided{Data: any(c.data).([]float64), Layout: c.l}, c.stride, count)
	case []float32:
		return GemmBatched32(float32(alpha), adapter.Strided32{Data: ad, Layout: a.l}, a.stride,
			adapter.Strided32{Data: any(b.data).([]float32), Layout: b.l}, b.stride,
			float32(beta), adapter.Strided32{Data: any(c.data).([]float32), Layout: c.l}, c.stride, count)
	}
	panic("unreachable")
}

// batchWant computes the expected C buffer with a naive triple loop per
// item, reading the inputs from snapshots taken before the call (so an
// output that overlaps an input is checked against the inputs as they
// were). It also returns, per buffer index, whether an item of C covers it,
// and per index a bound on the rounding error.
func batchWant[T float](alpha T, a, b batchOp[T], beta T, c batchOp[T], count int) (want []float64, covered []bool, tol []float64) {
	want = make([]float64, len(c.data))
	for i, v := range c.data {
		want[i] = float64(v)
	}
	covered = make([]bool, len(c.data))
	tol = make([]float64, len(c.data))
	eps := 1e-13
	if _, ok := any(a.data).([]float32); ok {
		eps = 1e-5
	}
	k := a.l.Cols
	c.each(count, func(it, i, j, idx int) {
		var sum, mag float64
		for l := range k {
			x := float64(a.data[a.l.Index(i, l)+it*a.stride]) * float64(b.data[b.l.Index(l, j)+it*b.stride])
			sum += x
			mag += math.Abs(x)
		}
		v := float64(alpha) * sum
		if beta != 0 {
			v += float64(beta) * float64(c.data[idx])
			mag += math.Abs(float64(beta) * float64(c.data[idx]))
		}
		want[idx] = v
		covered[idx] = true
		tol[idx] = eps * (1 + mag)
	})
	return want, covered, tol
}

// batchCheck compares C's buffer with the expected one: items within
// rounding, every other element (the sentinels) exactly.
func batchCheck[T float](t *testing.T, name string, got []T, want []float64, covered []bool, tol []float64) {
	t.Helper()
	bad := 0
	for i, g := range got {
		w := want[i]
		ok := float64(g) == w
		if covered[i] {
			ok = math.Abs(float64(g)-w) <= tol[i]
		}
		if !ok {
			if bad < 5 {
				what := "item element"
				if !covered[i] {
					what = "sentinel"
				}
				t.Errorf("%s: %s at index %d: got %v, want %v", name, what, i, g, w)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d bad elements in all", name, bad)
	}
}

func batchEqualData[T float](t *testing.T, name string, got, want []T) {
	t.Helper()
	for i := range got {
		if got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i]) {
			t.Errorf("%s: index %d changed: got %v, want %v", name, i, got[i], want[i])
			return
		}
	}
}

// batchCase is one batch: layouts by order name, strides by kind name.
type batchCase struct {
	m, n, k, count      int
	orderA, strideA     string
	orderB, strideB     string
	orderC, strideC     string
	alpha, beta         float64
	wantFold, wantNoFld bool
}

func (tc batchCase) String() string {
	return fmt.Sprintf("%dx%dx%d/count=%d/A=%s,%s/B=%s,%s/C=%s,%s/alpha=%v/beta=%v",
		tc.m, tc.n, tc.k, tc.count, tc.orderA, tc.strideA, tc.orderB, tc.strideB, tc.orderC, tc.strideC, tc.alpha, tc.beta)
}

// batchTest runs one case against the naive loop; for batches that are not
// folded it also checks the result is bit for bit that of Gemm on each item,
// since both issue the same BLAS call.
func batchTest[T float](t *testing.T, rnd *rand.Rand, tc batchCase) BatchPlan {
	t.Helper()
	la := batchItemLayout(tc.m, tc.k, tc.orderA)
	lb := batchItemLayout(tc.k, tc.n, tc.orderB)
	lc := batchItemLayout(tc.m, tc.n, tc.orderC)
	a := newBatchOp[T](rnd, la, batchStride(la, tc.strideA), tc.count, false)
	b := newBatchOp[T](rnd, lb, batchStride(lb, tc.strideB), tc.count, false)
	c := newBatchOp[T](rnd, lc, batchStride(lc, tc.strideC), tc.count, tc.beta == 0)
	a0, b0, c0 := a.clone(), b.clone(), c.clone()
	alpha, beta := T(tc.alpha), T(tc.beta)
	want, covered, tol := batchWant(alpha, a0, b0, beta, c0, tc.count)

	p, err := batchRun(alpha, a, b, beta, c, tc.count)
	require.NoError(t, err, tc.String())
	batchCheck(t, tc.String(), c.data, want, covered, tol)
	batchEqualData(t, tc.String()+": A", a.data, a0.data)
	batchEqualData(t, tc.String()+": B", b.data, b0.data)
	assert.Equal(t, tc.count, p.Count, tc.String())
	if tc.wantFold {
		assert.True(t, p.Folded, "%v: got plan %v, want folded", tc, p)
	}
	if tc.wantNoFld {
		assert.False(t, p.Folded, "%v: got plan %v, want not folded", tc, p)
	}

	if !p.Folded {
		c2 := c0.clone()
		for it := range tc.count {
			ai, bi, ci := a0.l, b0.l, c2.l
			ai.Offset += it * a0.stride
			bi.Offset += it * b0.stride
			ci.Offset += it * c2.stride
			var err error
			switch cd := any(c2.data).(type) {
			case []float64:
				_, err = Gemm(float64(alpha), adapter.Strided{Data: any(a0.data).([]float64), Layout: ai},
					adapter.Strided{Data: any(b0.data).([]float64), Layout: bi}, float64(beta), adapter.Strided{Data: cd, Layout: ci})
			case []float32:
				_, err = Gemm32(float32(alpha), adapter.Strided32{Data: any(a0.data).([]float32), Layout: ai},
					adapter.Strided32{Data: any(b0.data).([]float32), Layout: bi}, float32(beta), adapter.Strided32{Data: cd, Layout: ci})
			}
			require.NoError(t, err)
		}
		batchEqualData(t, tc.String()+": batched against Gemm per item", c.data, c2.data)
	}
	return p
}

func TestGemmBatchedLayouts(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	orders := []string{"row", "col", "step", "revrows"}
	outOrders := []string{"row", "col", "step", "revcols"}
	n := 0
	for _, oa := range orders {
		for _, ob := range orders {
			for _, oc := range outOrders {
				for _, sa := range []string{"gap", "neg", "zero"} {
					for _, sb := range []string{"gap", "neg", "zero"} {
						for _, sc := range []string{"stack", "gap", "neg"} {
							tc := batchCase{m: 3, n: 4, k: 2, count: 4,
								orderA: oa, strideA: sa, orderB: ob, strideB: sb, orderC: oc, strideC: sc,
								alpha: 1.5, beta: []float64{0, 0.5}[n%2]}
							batchTest[float64](t, rnd, tc)
							n++
						}
					}
				}
			}
		}
	}
}

func TestGemmBatchedFloat32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []batchCase{
		{m: 3, n: 4, k: 5, count: 6, orderA: "row", strideA: "gap", orderB: "col", strideB: "neg", orderC: "row", strideC: "stack", alpha: 1, beta: 0},
		{m: 4, n: 3, k: 2, count: 5, orderA: "step", strideA: "zero", orderB: "revrows", strideB: "gap", orderC: "col", strideC: "neg", alpha: -2, beta: 0.5},
		{m: 3, n: 3, k: 3, count: 4, orderA: "col", strideA: "neg", orderB: "row", strideB: "zero", orderC: "revcols", strideC: "gap", alpha: 0.5, beta: 1},
		// Large enough to run on workers.
		{m: 8, n: 8, k: 8, count: 300, orderA: "row", strideA: "gap", orderB: "col", strideB: "gap", orderC: "row", strideC: "gap", alpha: 1, beta: 0},
		{m: 8, n: 8, k: 8, count: 300, orderA: "step", strideA: "neg", orderB: "row", strideB: "zero", orderC: "step", strideC: "gap", alpha: 1, beta: 2},
		// Folded.
		{m: 4, n: 5, k: 3, count: 7, orderA: "rowc", strideA: "stack", orderB: "col", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0.5, wantFold: true},
	} {
		batchTest[float32](t, rnd, tc)
	}
}

// TestGemmBatchedWorkers runs batches large enough to be shared among
// workers, in every output mode: views, per-item scratch, and a packed
// broadcast operand.
func TestGemmBatchedWorkers(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []batchCase{
		{m: 8, n: 8, k: 8, count: 1000, orderA: "rowc", strideA: "stack", orderB: "rowc", strideB: "stack", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantNoFld: true},
		{m: 8, n: 8, k: 8, count: 333, orderA: "col", strideA: "neg", orderB: "row", strideB: "gap", orderC: "col", strideC: "gap", alpha: 1, beta: 0.5},
		{m: 7, n: 9, k: 5, count: 500, orderA: "step", strideA: "gap", orderB: "revrows", strideB: "neg", orderC: "step", strideC: "neg", alpha: 2, beta: 1},
		{m: 6, n: 8, k: 10, count: 400, orderA: "revrows", strideA: "gap", orderB: "step", strideB: "zero", orderC: "revcols", strideC: "gap", alpha: 1, beta: 0},
		{m: 16, n: 16, k: 16, count: 101, orderA: "row", strideA: "zero", orderB: "col", strideB: "gap", orderC: "row", strideC: "neg", alpha: 1, beta: -1},
	} {
		p := batchTest[float64](t, rnd, tc)
		if batchShares() {
			assert.Greater(t, p.Workers, 1, "%v: plan %v", tc, p)
		}
	}
}

// batchShares reports whether small batches are shared among workers
// here: on more than one core, with Gonum's BLAS (a backend that threads
// its own calls, as OpenBLAS does, runs small items in sequence).
func batchShares() bool {
	return runtime.GOMAXPROCS(0) > 1 && active.Load().GoBLAS()
}

// batchThreaded is Gonum's BLAS disguised as a backend that threads its
// own calls, as OpenBLAS does: the scheduler treats it as one.
type batchThreaded struct{ gonum.Implementation }

// TestGemmBatchedSchedule checks which batches are shared among workers, on
// Gonum (every item, folded batches in blocks) and on a backend that
// threads its own calls (neither its large items, nor its tiny ones, nor a
// folded batch), and that every schedule computes the right thing.
func TestGemmBatchedSchedule(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2")
	}
	threaded := Gonum
	threaded.Name = "threaded"
	threaded.Float64, threaded.Float32 = batchThreaded{}, batchThreaded{}
	require.False(t, threaded.GoBLAS())
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		batchCase
		gonumShared, threadedShared bool
	}{
		{batchCase: batchCase{m: 130, n: 130, k: 70, count: 3, orderA: "row", strideA: "gap", orderB: "col", strideB: "neg", orderC: "row", strideC: "gap", alpha: 1, beta: 0.5},
			gonumShared: true, threadedShared: false},
		{batchCase: batchCase{m: 32, n: 32, k: 32, count: 40, orderA: "rowc", strideA: "stack", orderB: "col", strideB: "gap", orderC: "col", strideC: "neg", alpha: 1, beta: 0},
			gonumShared: true, threadedShared: true},
		{batchCase: batchCase{m: 8, n: 8, k: 8, count: 500, orderA: "rowc", strideA: "stack", orderB: "rowc", strideB: "stack", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0},
			gonumShared: true, threadedShared: false},
		// Folded: small items in shared blocks everywhere; items the BLAS
		// threads as one call on the threaded backend.
		{batchCase: batchCase{m: 8, n: 8, k: 8, count: 500, orderA: "rowc", strideA: "stack", orderB: "rowc", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0.5, wantFold: true},
			gonumShared: true, threadedShared: true},
		{batchCase: batchCase{m: 70, n: 70, k: 70, count: 4, orderA: "col", strideA: "zero", orderB: "colc", strideB: "stack", orderC: "colc", strideC: "stack", alpha: 1, beta: 0.5, wantFold: true},
			gonumShared: true, threadedShared: false},
	} {
		for _, be := range []*Backend{&Gonum, &threaded} {
			la := batchItemLayout(tc.m, tc.k, tc.orderA)
			lb := batchItemLayout(tc.k, tc.n, tc.orderB)
			lc := batchItemLayout(tc.m, tc.n, tc.orderC)
			a := newBatchOp[float64](rnd, la, batchStride(la, tc.strideA), tc.count, false)
			b := newBatchOp[float64](rnd, lb, batchStride(lb, tc.strideB), tc.count, false)
			c := newBatchOp[float64](rnd, lc, batchStride(lc, tc.strideC), tc.count, false)
			want, covered, tol := batchWant(1, a, b, tc.beta, c, tc.count)
			p, err := gemmBatched(be, 1,
				batchOperand[float64]{data: a.data, l: a.l, stride: a.stride},
				batchOperand[float64]{data: b.data, l: b.l, stride: b.stride},
				tc.beta, batchOperand[float64]{data: c.data, l: c.l, stride: c.stride}, tc.count)
			require.NoError(t, err)
			name := fmt.Sprintf("%v on %s", tc.batchCase, be.Name)
			batchCheck(t, name, c.data, want, covered, tol)
			assert.Equal(t, tc.wantFold, p.Folded, "%s: plan %v", name, p)
			shared := tc.gonumShared
			if be == &threaded {
				shared = tc.threadedShared
			}
			assert.Equal(t, shared, p.Workers > 1, "%s: plan %v", name, p)
			if !shared && tc.count > 1 && !p.Folded {
				assert.Contains(t, p.String(), "items in sequence", name)
			}
		}
	}
}

func TestGemmBatchedCountOne(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	for _, oc := range []string{"row", "col", "step"} {
		p := batchTest[float64](t, rnd, batchCase{m: 5, n: 4, k: 3, count: 1,
			orderA: "col", strideA: "neg", orderB: "step", strideB: "zero", orderC: oc, strideC: "stack", alpha: 1, beta: 0.5})
		assert.False(t, p.Folded)
		assert.Equal(t, 1, p.Workers)
		assert.True(t, strings.HasPrefix(p.String(), "1 item · "), p.String())
	}
}

func TestGemmBatchedFold(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []batchCase{
		// B broadcast, row-major items of A and C stacked: (count·m)×k · k×n.
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "stack", orderB: "row", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantFold: true},
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "stack", orderB: "col", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 2, beta: 0.5, wantFold: true},
		// A broadcast, column-major items of B and C stacked: m×k · k×(count·n).
		{m: 4, n: 5, k: 3, count: 6, orderA: "col", strideA: "zero", orderB: "colc", strideB: "stack", orderC: "colc", strideC: "stack", alpha: 1, beta: 1, wantFold: true},
		// The broadcast operand may be general: packed once.
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "stack", orderB: "step", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantFold: true},
		// Not folded: a gap between items, both broadcast, neither broadcast.
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "gap", orderB: "row", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantNoFld: true},
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "zero", orderB: "row", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantNoFld: true},
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "stack", orderB: "rowc", strideB: "stack", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantNoFld: true},
		{m: 4, n: 5, k: 3, count: 6, orderA: "rowc", strideA: "neg", orderB: "row", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantNoFld: true},
	} {
		p := batchTest[float64](t, rnd, tc)
		if tc.wantFold {
			assert.Contains(t, p.String(), fmt.Sprintf("folded %d items into one GEMM", tc.count))
			assert.Equal(t, 1, p.Workers)
		}
	}

	// Folded batches large enough to share, in blocks of items, among
	// workers: by rows and by columns (C column-major: transposed calls),
	// with a packed broadcast operand, and a single row per item.
	for _, tc := range []batchCase{
		{m: 8, n: 8, k: 8, count: 2000, orderA: "rowc", strideA: "stack", orderB: "row", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantFold: true},
		{m: 8, n: 8, k: 8, count: 2001, orderA: "col", strideA: "zero", orderB: "colc", strideB: "stack", orderC: "colc", strideC: "stack", alpha: 2, beta: 0.5, wantFold: true},
		{m: 6, n: 5, k: 7, count: 3001, orderA: "rowc", strideA: "stack", orderB: "step", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 1, wantFold: true},
		{m: 1, n: 64, k: 64, count: 700, orderA: "rowc", strideA: "stack", orderB: "col", strideB: "zero", orderC: "rowc", strideC: "stack", alpha: 1, beta: 0, wantFold: true},
	} {
		p := batchTest[float64](t, rnd, tc)
		if batchShares() {
			assert.Greater(t, p.Workers, 1, "%v: plan %v", tc, p)
			assert.Contains(t, p.String(), "in blocks of items on")
		}
	}

	// Padded rows continue across items when the batch stride is m·ld.
	t.Run("padded", func(t *testing.T) {
		m, n, k, count := 3, 4, 5, 7
		la := adapter.Layout{Rows: m, Cols: k, RowStride: k + 2, ColStride: 1}
		lc := adapter.Layout{Rows: m, Cols: n, RowStride: n + 3, ColStride: 1}
		lb := batchItemLayout(k, n, "col")
		a := newBatchOp[float64](rnd, la, m*la.RowStride, count, false)
		b := newBatchOp[float64](rnd, lb, 0, count, false)
		c := newBatchOp[float64](rnd, lc, m*lc.RowStride, count, false)
		p := batchFoldCheck(t, rnd, a, b, c, count)
		assert.Equal(t, count*m, p.M)
	})
	// Column-major mirror with padding.
	t.Run("padded-col", func(t *testing.T) {
		m, n, k, count := 3, 4, 5, 7
		lb := adapter.Layout{Rows: k, Cols: n, RowStride: 1, ColStride: k + 1}
		lc := adapter.Layout{Rows: m, Cols: n, RowStride: 1, ColStride: m + 2}
		la := batchItemLayout(m, k, "row")
		a := newBatchOp[float64](rnd, la, 0, count, false)
		b := newBatchOp[float64](rnd, lb, n*lb.ColStride, count, false)
		c := newBatchOp[float64](rnd, lc, n*lc.ColStride, count, false)
		p := batchFoldCheck(t, rnd, a, b, c, count)
		assert.Equal(t, count*n, p.N)
	})
	// Single-row items stack with any batch stride of at least k.
	t.Run("rows", func(t *testing.T) {
		n, k, count := 4, 5, 9
		la := adapter.Layout{Rows: 1, Cols: k, RowStride: 99, ColStride: 1}
		lc := adapter.Layout{Rows: 1, Cols: n, RowStride: -3, ColStride: 1}
		a := newBatchOp[float64](rnd, la, k+2, count, false)
		b := newBatchOp[float64](rnd, batchItemLayout(k, n, "row"), 0, count, false)
		c := newBatchOp[float64](rnd, lc, n+1, count, false)
		batchFoldCheck(t, rnd, a, b, c, count)
	})
	// Column-major items stacked down the rows of one column-major matrix:
	// item i starts m rows below item i-1.
	t.Run("col-down", func(t *testing.T) {
		m, n, k, count := 3, 4, 5, 6
		la := adapter.Layout{Rows: m, Cols: k, RowStride: 1, ColStride: count*m + 1}
		lc := adapter.Layout{Rows: m, Cols: n, RowStride: 1, ColStride: count * m}
		a := newBatchOp[float64](rnd, la, m, count, false)
		b := newBatchOp[float64](rnd, batchItemLayout(k, n, "row"), 0, count, false)
		c := newBatchOp[float64](rnd, lc, m, count, false)
		batchFoldCheck(t, rnd, a, b, c, count)
	})
	// The same with enough items to share: blocks of rows of a column-major
	// C are blocks of columns of the row-major Cᵀ that BLAS writes.
	t.Run("col-down-workers", func(t *testing.T) {
		m, n, k, count := 8, 8, 8, 1500
		la := adapter.Layout{Rows: m, Cols: k, RowStride: 1, ColStride: count*m + 1}
		lc := adapter.Layout{Rows: m, Cols: n, RowStride: 1, ColStride: count * m}
		a := newBatchOp[float64](rnd, la, m, count, false)
		b := newBatchOp[float64](rnd, batchItemLayout(k, n, "row"), 0, count, false)
		c := newBatchOp[float64](rnd, lc, m, count, false)
		p := batchFoldCheck(t, rnd, a, b, c, count)
		if batchShares() {
			assert.Greater(t, p.Workers, 1, "plan %v", p)
		}
	})
	// A folded batch whose output overlaps an input runs as its one call,
	// through scratch.
	t.Run("in-place-workers", func(t *testing.T) {
		m, k, count := 8, 8, 2000
		item := batchItemLayout(m, k, "rowc")
		a := newBatchOp[float64](rnd, item, m*k, count, false)
		b := newBatchOp[float64](rnd, batchItemLayout(k, k, "col"), 0, count, false)
		want, covered, tol := batchWant(1.5, a.clone(), b.clone(), 0.5, a.clone(), count)
		p, err := batchRun(1.5, a, b, 0.5, a, count)
		require.NoError(t, err)
		assert.True(t, p.Folded, "plan %v", p)
		batchCheck(t, t.Name(), a.data, want, covered, tol)
		assert.Equal(t, 1, p.Workers, "plan %v", p)
		assert.Contains(t, p.String(), "through scratch")
	})
	// A stacked view with too small a leading dimension is not BLAS-legal:
	// no fold, and still right.
	// (A's items overlap one another here, which inputs may.)
	t.Run("col-down-short", func(t *testing.T) {
		m, n, k, count := 3, 4, 5, 6
		la := adapter.Layout{Rows: m, Cols: k, RowStride: 1, ColStride: m + 1}
		lc := adapter.Layout{Rows: m, Cols: n, RowStride: 1, ColStride: count * m}
		a := newBatchOp[float64](rnd, la, m, count, false)
		b := newBatchOp[float64](rnd, batchItemLayout(k, n, "row"), 0, count, false)
		c := newBatchOp[float64](rnd, lc, m, count, false)
		want, covered, tol := batchWant(1, a.clone(), b.clone(), 0.5, c.clone(), count)
		p, err := batchRun(1, a, b, 0.5, c, count)
		require.NoError(t, err)
		assert.False(t, p.Folded, "plan %v", p)
		batchCheck(t, "col-down-short", c.data, want, covered, tol)
	})
}

func batchFoldCheck(t *testing.T, rnd *rand.Rand, a, b, c batchOp[float64], count int) BatchPlan {
	t.Helper()
	a0, b0 := a.clone(), b.clone()
	want, covered, tol := batchWant(1.5, a0, b0, 0.5, c.clone(), count)
	p, err := batchRun(1.5, a, b, 0.5, c, count)
	require.NoError(t, err)
	assert.True(t, p.Folded, "plan %v", p)
	batchCheck(t, t.Name(), c.data, want, covered, tol)
	batchEqualData(t, "A", a.data, a0.data)
	batchEqualData(t, "B", b.data, b0.data)
	return p
}

// TestGemmBatchedInterleaved: items of C interleaved with one another (the
// batch stride is smaller than the item's row stride) are disjoint by the
// nesting rule; a non-nesting but disjoint C is checked element by element.
func TestGemmBatchedInterleaved(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 14))
	m, n, k, count := 3, 4, 2, 5
	// An m×count×n row-major array; item i is its [:, i, :] slice.
	lc := adapter.Layout{Rows: m, Cols: n, RowStride: count * n, ColStride: 1}
	a := newBatchOp[float64](rnd, batchItemLayout(m, k, "row"), batchStride(batchItemLayout(m, k, "row"), "gap"), count, false)
	b := newBatchOp[float64](rnd, batchItemLayout(k, n, "col"), batchStride(batchItemLayout(k, n, "col"), "gap"), count, false)
	c := newBatchOp[float64](rnd, lc, n, count, false)
	want, covered, tol := batchWant(1, a.clone(), b.clone(), 1, c.clone(), count)
	_, err := batchRun(1, a, b, 1, c, count)
	require.NoError(t, err)
	batchCheck(t, "interleaved", c.data, want, covered, tol)

	// Item addresses {0, 2, 3, 5} + 4i: strides 2, 3, 4 do not nest, yet no
	// two items share an address.
	lc = adapter.Layout{Rows: 2, Cols: 2, RowStride: 3, ColStride: 2}
	a = newBatchOp[float64](rnd, batchItemLayout(2, 3, "row"), 0, 3, false)
	b = newBatchOp[float64](rnd, batchItemLayout(3, 2, "col"), batchStride(batchItemLayout(3, 2, "col"), "neg"), 3, false)
	c = newBatchOp[float64](rnd, lc, 4, 3, false)
	want, covered, tol = batchWant(1, a.clone(), b.clone(), 0.5, c.clone(), 3)
	_, err = batchRun(1, a, b, 0.5, c, 3)
	require.NoError(t, err)
	batchCheck(t, "brute force", c.data, want, covered, tol)
}

// TestGemmBatchedAliased: a C that overlaps an input is computed from the
// inputs as they were, even when writing item i changes the input of a later
// item.
func TestGemmBatchedAliased(t *testing.T) {
	rnd := rand.New(rand.NewPCG(15, 16))
	m, k, count := 4, 4, 5
	item := batchItemLayout(m, k, "rowc")
	for _, tc := range []struct {
		name     string
		shift    int  // C's first item is A's item shift
		bBcast   bool // B broadcast: the batch folds
		wantFold bool
		beta     float64
	}{
		{name: "in-place", shift: 0, beta: 0.5},
		{name: "in-place-folded", shift: 0, bBcast: true, wantFold: true, beta: 0},
		{name: "next-item", shift: 1, beta: 0},
		{name: "next-item-beta", shift: 1, beta: 2},
		{name: "next-item-folded", shift: 1, bBcast: true, wantFold: true, beta: 1},
		{name: "previous-item", shift: -1, beta: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One buffer holds count+1 items; A reads items [1, count], or
			// [0, count) when shift is 1.
			buf := newBatchOp[float64](rnd, item, m*k, count+1, false)
			a := buf
			if tc.shift <= 0 {
				a.l.Offset += m * k
			}
			c := a
			c.l.Offset += tc.shift * m * k
			lb := batchItemLayout(k, k, "col")
			sb := batchStride(lb, "gap")
			if tc.bBcast {
				sb = 0
			}
			b := newBatchOp[float64](rnd, lb, sb, count, false)
			want, covered, tol := batchWant(1, a.clone(), b.clone(), tc.beta, c.clone(), count)
			p, err := batchRun(1, a, b, tc.beta, c, count)
			require.NoError(t, err)
			assert.Equal(t, tc.wantFold, p.Folded, "plan %v", p)
			assert.Contains(t, p.String(), "through scratch")
			batchCheck(t, tc.name, c.data, want, covered, tol)
		})
	}
	// The same through workers.
	t.Run("workers", func(t *testing.T) {
		m, count := 8, 400
		item := batchItemLayout(m, m, "rowc")
		a := newBatchOp[float64](rnd, item, m*m, count+1, false)
		c := a
		c.l.Offset += m * m
		b := newBatchOp[float64](rnd, batchItemLayout(m, m, "row"), batchStride(batchItemLayout(m, m, "row"), "gap"), count, false)
		want, covered, tol := batchWant(1, a.clone(), b.clone(), 1, c.clone(), count)
		_, err := batchRun(1, a, b, 1, c, count)
		require.NoError(t, err)
		batchCheck(t, "workers", c.data, want, covered, tol)
	})
}

func TestGemmBatchedCopiedBytes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(17, 18))
	m, n, k, count := 3, 4, 5, 6
	// A general, per item; B general and broadcast, once.
	la, lb := batchItemLayout(m, k, "step"), batchItemLayout(k, n, "step")
	a := newBatchOp[float64](rnd, la, batchStride(la, "gap"), count, false)
	b := newBatchOp[float64](rnd, lb, 0, count, false)
	c := newBatchOp[float64](rnd, batchItemLayout(m, n, "row"), batchStride(batchItemLayout(m, n, "row"), "gap"), count, false)
	p, err := batchRun(1, a, b, 0, c, count)
	require.NoError(t, err)
	assert.True(t, p.A.Packed && p.B.Packed, "plan %v", p)
	assert.Equal(t, (count*m*k+k*n)*8, p.CopiedBytes, "plan %v", p)
}

func TestGemmBatchedErrors(t *testing.T) {
	rnd := rand.New(rand.NewPCG(19, 20))
	m, n, k := 3, 4, 2
	row := func(r, c int) adapter.Layout { return batchItemLayout(r, c, "rowc") }
	for i, tc := range []struct {
		name              string
		la, lb, lc        adapter.Layout
		sa, sb, sc, count int
		lenA, lenC        int // buffer lengths, if not the default
		want              error
		msg               string
	}{
		{name: "count zero", count: 0, want: ErrBatch},
		{name: "count negative", count: -3, want: ErrBatch},
		{name: "last A item past the end", sa: m*k + 1, count: 4, lenA: 4 * m * k, want: adapter.ErrOutOfBounds, msg: "A: item 3"},
		{name: "negative stride before the start", sa: -m * k, count: 2, want: adapter.ErrOutOfBounds, msg: "A: item 1"},
		{name: "B first item out", lb: adapter.Layout{Rows: k, Cols: n, RowStride: n, ColStride: 1, Offset: -1}, count: 2, want: adapter.ErrOutOfBounds, msg: "B: item 0"},
		{name: "C past the end", sc: m * n, count: 5, lenC: 4 * m * n, want: adapter.ErrOutOfBounds, msg: "C: item 4"},
		{name: "stride overflows", sa: math.MaxInt/2 + 1, count: 3, want: adapter.ErrOverflow},
		{name: "negative stride overflows", sb: math.MinInt / 2, count: 4, want: adapter.ErrOverflow},
		{name: "count overflows", sc: 1 << 40, count: 1 << 30, want: adapter.ErrOverflow},
		{name: "non-positive dimension", la: adapter.Layout{Rows: 0, Cols: k, RowStride: k, ColStride: 1}, count: 1, want: adapter.ErrDims},
		{name: "shapes", lb: row(k+1, n), count: 2, want: ErrShape},
		{name: "C stride zero", sc: 0, count: 2, want: ErrAliasedOutput, msg: "batch stride 0"},
		{name: "C items overlap", sc: n, count: 3, want: ErrAliasedOutput, msg: "items 0 and 1"},
		{name: "C item aliased", lc: adapter.Layout{Rows: m, Cols: n, RowStride: 0, ColStride: 1}, sc: n, count: 2, want: ErrAliasedOutput},
		// Disjoint, in fact, but neither nested nor small enough to check.
		{name: "C overlap not ruled out",
			la: row(2, 3), lb: row(3, 2), lc: adapter.Layout{Rows: 2, Cols: 2, RowStride: 3, ColStride: 2},
			sc: 4, count: 20000, want: ErrAliasedOutput, msg: "could not rule out"},
	} {
		la, lb, lc := tc.la, tc.lb, tc.lc
		if la.Rows == 0 && la.Cols == 0 {
			la = row(m, k)
		}
		if lb.Rows == 0 {
			lb = row(k, n)
		}
		if lc.Rows == 0 {
			lc = row(m, n)
		}
		// Room for every item from offset 0, or a small buffer when that
		// is absurd (the case is refused before the end is looked at).
		size := func(l adapter.Layout, stride, n int) int {
			if n > 0 {
				return n
			}
			if l.Rows <= 0 || abs(stride) > 1<<20 || tc.count > 1<<20 {
				return 64
			}
			return batchSpan(l) + 1 + max(0, tc.count-1)*abs(stride)
		}
		a := adapter.Strided{Data: make([]float64, size(la, tc.sa, tc.lenA)), Layout: la}
		b := adapter.Strided{Data: make([]float64, size(lb, tc.sb, 0)), Layout: lb}
		c := adapter.Strided{Data: make([]float64, size(lc, tc.sc, tc.lenC)), Layout: lc}
		for i := range c.Data {
			c.Data[i] = rnd.Float64()
		}
		for i := range a.Data {
			a.Data[i] = 1
		}
		c0 := append([]float64(nil), c.Data...)
		p, err := GemmBatched(1, a, tc.sa, b, tc.sb, 0, c, tc.sc, tc.count)
		if !errors.Is(err, tc.want) {
			t.Errorf("test %d (%s): got error %v, want %v", i, tc.name, err, tc.want)
			continue
		}
		if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("test %d (%s): got message %q, want it to contain %q", i, tc.name, err, tc.msg)
		}
		assert.Equal(t, BatchPlan{}, p, "test %d (%s)", i, tc.name)
		assert.Equal(t, c0, c.Data, "test %d (%s): C changed", i, tc.name)

		// The float32 entry point validates the same way.
		a32 := adapter.Strided32{Data: make([]float32, len(a.Data)), Layout: la}
		b32 := adapter.Strided32{Data: make([]float32, len(b.Data)), Layout: lb}
		c32 := adapter.Strided32{Data: make([]float32, len(c.Data)), Layout: lc}
		if _, err := GemmBatched32(1, a32, tc.sa, b32, tc.sb, 0, c32, tc.sc, tc.count); !errors.Is(err, tc.want) {
			t.Errorf("test %d (%s): float32: got error %v, want %v", i, tc.name, err, tc.want)
		}
	}
}

// TestGemmBatchedDisjoint checks the proof of disjointness of C's items
// against brute force on small layouts.
func TestGemmBatchedDisjoint(t *testing.T) {
	for r := 1; r <= 3; r++ {
		for c := 1; c <= 3; c++ {
			for rs := -7; rs <= 7; rs++ {
				for cs := -7; cs <= 7; cs++ {
					l := adapter.Layout{Rows: r, Cols: c, RowStride: rs, ColStride: cs}
					if l.Overlaps() {
						continue
					}
					for count := 2; count <= 3; count++ {
						for s := -9; s <= 9; s++ {
							lo, hi := 0, 0
							for _, ax := range [...][2]int{{r, rs}, {c, cs}, {count, s}} {
								sp := (ax[0] - 1) * ax[1]
								lo, hi = lo+min(0, sp), hi+max(0, sp)
							}
							l.Offset = -lo
							seen := map[int]bool{}
							want := false
							for it := range count {
								for i := range r {
									for j := range c {
										k := l.Index(i, j) + it*s
										want = want || seen[k]
										seen[k] = true
									}
								}
							}
							err := checkItemsDisjoint(l, count, s, 0, hi-lo)
							if got := err != nil; got != want {
								t.Errorf("%v, count %d, stride %d: got overlap %v (%v), want %v", l, count, s, got, err, want)
							}
						}
					}
				}
			}
		}
	}
}

func TestGemmBatchedAllocs(t *testing.T) {
	if batchRace {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	rnd := rand.New(rand.NewPCG(21, 22))
	const m, count = 8, 1000
	item := batchItemLayout(m, m, "rowc")
	a := newBatchOp[float64](rnd, item, m*m, count, false)
	b := newBatchOp[float64](rnd, item, m*m, count, false)
	c := newBatchOp[float64](rnd, item, m*m, count, false)
	as, bs, cs := adapter.Strided{Data: a.data, Layout: a.l}, adapter.Strided{Data: b.data, Layout: b.l}, adapter.Strided{Data: c.data, Layout: c.l}
	p, err := GemmBatched(1, as, m*m, bs, m*m, 0, cs, m*m, count)
	require.NoError(t, err)
	if batchShares() {
		require.Greater(t, p.Workers, 1, "plan %v", p)
	}
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := GemmBatched(1, as, m*m, bs, m*m, 0, cs, m*m, count); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs, "allocations per batch of %d products of %d×%d (plan %v)", count, m, m, p)

	// Folded: B broadcast. On Gonum the folded GEMM is issued in blocks
	// that Gonum does not thread, so it allocates nothing either.
	if Gonum.GoBLAS() && Active().Name == Gonum.Name {
		p, err := GemmBatched(1, as, m*m, bs, 0, 0, cs, m*m, count)
		require.NoError(t, err)
		require.True(t, p.Folded, "plan %v", p)
		allocs = testing.AllocsPerRun(50, func() {
			if _, err := GemmBatched(1, as, m*m, bs, 0, 0, cs, m*m, count); err != nil {
				panic(err)
			}
		})
		assert.Zero(t, allocs, "allocations per folded batch (plan %v)", p)
	}

	// Column-major output (transposed call), sequential batch.
	cc := adapter.Strided{Data: c.data, Layout: batchItemLayout(m, m, "colc")}
	allocs = testing.AllocsPerRun(50, func() {
		if _, err := GemmBatched(1, as, m*m, bs, m*m, 1, cc, m*m, 3); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs, "allocations per sequential batch")
}

// TestGemmBatchedConcurrent runs batches from several goroutines at once;
// under -race it checks the pool hands work over safely.
func TestGemmBatchedConcurrent(t *testing.T) {
	const goroutines, rounds = 4, 8
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(g), 23))
			for r := range rounds {
				tc := batchCase{m: 8, n: 8, k: 8, count: 200 + 50*g + r,
					orderA: "row", strideA: "gap", orderB: []string{"col", "step"}[r%2], strideB: []string{"gap", "zero"}[g%2],
					orderC: []string{"rowc", "col", "step"}[r%3], strideC: "stack", alpha: 1, beta: float64(r % 2)}
				la := batchItemLayout(tc.m, tc.k, tc.orderA)
				lb := batchItemLayout(tc.k, tc.n, tc.orderB)
				lc := batchItemLayout(tc.m, tc.n, tc.orderC)
				a := newBatchOp[float64](rnd, la, batchStride(la, tc.strideA), tc.count, false)
				b := newBatchOp[float64](rnd, lb, batchStride(lb, tc.strideB), tc.count, false)
				c := newBatchOp[float64](rnd, lc, batchStride(lc, tc.strideC), tc.count, false)
				want, covered, tol := batchWant(1, a, b, tc.beta, c, tc.count)
				if _, err := batchRun(1, a, b, tc.beta, c, tc.count); err != nil {
					t.Error(err)
					return
				}
				batchCheck(t, tc.String(), c.data, want, covered, tol)
			}
		}()
	}
	wg.Wait()
}

// FuzzGemmBatched feeds small random batches — dimensions 1..4, counts
// -1..5, item strides in -8..8, batch strides in -16..16, offsets and
// buffer lengths fitted to the batch or arbitrary, C perhaps sharing A's or
// B's buffer — through GemmBatched. It must never panic; it must return an
// error exactly when the count is not positive, an element of some item lies
// outside its buffer, or two elements of C share an address (decided here by
// brute force), and write nothing then; otherwise C must equal the naive
// product of copies of the inputs, item by item, and every other element of
// every buffer must be unchanged.
func FuzzGemmBatched(f *testing.F) {
	// m, n, k, count, six item strides, three batch strides, offsets, lengths, mode, seed.
	f.Add(int8(3), int8(4), int8(2), int8(4), int8(2), int8(1), int8(4), int8(1), int8(4), int8(1), int8(6), int8(8), int8(12), uint16(0), uint16(0), uint8(7), uint64(1))
	f.Add(int8(2), int8(2), int8(2), int8(5), int8(1), int8(2), int8(2), int8(1), int8(3), int8(2), int8(0), int8(-5), int8(4), uint16(0), uint16(0), uint8(7), uint64(2))
	f.Add(int8(3), int8(3), int8(3), int8(3), int8(3), int8(1), int8(3), int8(1), int8(3), int8(1), int8(9), int8(0), int8(9), uint16(0), uint16(0), uint8(7|8), uint64(3))
	f.Add(int8(1), int8(3), int8(2), int8(2), int8(0), int8(-1), int8(3), int8(1), int8(0), int8(1), int8(2), int8(6), int8(0), uint16(1), uint16(2), uint8(3), uint64(4))
	f.Add(int8(2), int8(3), int8(2), int8(0), int8(2), int8(1), int8(3), int8(1), int8(3), int8(1), int8(4), int8(6), int8(6), uint16(0), uint16(0), uint8(7), uint64(5))
	f.Fuzz(func(t *testing.T, m, n, k, cnt int8, ars, acs, brs, bcs, crs, ccs, sa, sb, sc int8,
		offs, lens uint16, mode uint8, seed uint64) {
		dim := func(x int8) int { return 1 + int(uint8(x))%4 }
		count := int(uint8(cnt))%7 - 1
		strides := [6]int{int(ars) % 9, int(acs) % 9, int(brs) % 9, int(bcs) % 9, int(crs) % 9, int(ccs) % 9}
		bstrides := [3]int{int(sa) % 17, int(sb) % 17, int(sc) % 17}
		dims := [6]int{dim(m), dim(k), dim(k), dim(n), dim(m), dim(n)}
		// share: 0 none, 1 C in A's buffer, 2 C in B's buffer.
		bufOf := [3]int{0, 1, 2}
		switch (mode >> 3) % 3 {
		case 1:
			bufOf[2] = 0
		case 2:
			bufOf[2] = 1
		}
		alpha := []float64{1, -0.5, 2, 0}[(mode>>5)%4]
		beta := []float64{0, 1, -0.5, 2}[(mode>>6)%4]
		items := max(count, 1)

		var ls [3]adapter.Layout
		var bufLen [3]int
		for o := range 3 {
			l := adapter.Layout{Rows: dims[2*o], Cols: dims[2*o+1], RowStride: strides[2*o], ColStride: strides[2*o+1]}
			off, ln := int(offs>>(5*o))%32, int(lens>>(5*o))%32
			need := 0
			if mode&(1<<o) != 0 {
				lo, hi := 0, 0
				for _, ax := range [...][2]int{{l.Rows, l.RowStride}, {l.Cols, l.ColStride}, {items, bstrides[o]}} {
					s := (ax[0] - 1) * ax[1]
					lo, hi = lo+min(0, s), hi+max(0, s)
				}
				l.Offset = -lo + off%3
				need = l.Offset + hi + 1 + ln%3
			} else {
				l.Offset = off - 2
				need = ln * 3
			}
			ls[o] = l
			bufLen[bufOf[o]] = max(bufLen[bufOf[o]], need)
		}

		rng := rand.New(rand.NewPCG(seed, 2))
		var bufs [3][]float64
		for b := range 3 {
			bufs[b] = make([]float64, bufLen[b])
			for p := range bufs[b] {
				bufs[b][p] = -1e6 - 1000*float64(b) - float64(p)
			}
		}
		// Brute force: every element of every item inside its buffer; C's
		// elements all distinct.
		valid := count >= 1
		cSeen := map[int]bool{}
		for o := range 3 {
			l := ls[o]
			for it := range items {
				for i := range l.Rows {
					for j := range l.Cols {
						p := l.Index(i, j) + it*bstrides[o]
						if p < 0 || p >= bufLen[bufOf[o]] {
							valid = false
							continue
						}
						if o == 2 {
							if cSeen[p] {
								valid = false
							}
							cSeen[p] = true
						}
						bufs[bufOf[o]][p] = float64(rng.IntN(9) - 4)
					}
				}
			}
		}
		var orig [3][]float64
		for b := range 3 {
			orig[b] = append([]float64(nil), bufs[b]...)
		}

		op := func(o int) adapter.Strided { return adapter.Strided{Data: bufs[bufOf[o]], Layout: ls[o]} }
		p, err := GemmBatched(alpha, op(0), bstrides[0], op(1), bstrides[1], beta, op(2), bstrides[2], count)
		if err != nil {
			if valid {
				t.Fatalf("valid batch (count %d, layouts %+v, batch strides %v, buffers %v): got error %v", count, ls, bstrides, bufLen, err)
			}
			for b := range 3 {
				for i := range bufs[b] {
					if bufs[b][i] != orig[b][i] {
						t.Fatalf("error %v, yet buffer %d changed at %d", err, b, i)
					}
				}
			}
			return
		}
		if !valid {
			t.Fatalf("invalid batch (count %d, layouts %+v, batch strides %v, buffers %v): no error, plan %v", count, ls, bstrides, bufLen, p)
		}
		want := [3][]float64{}
		for b := range 3 {
			want[b] = append([]float64(nil), orig[b]...)
		}
		at := func(o, it, i, j int) float64 { return orig[bufOf[o]][ls[o].Index(i, j)+it*bstrides[o]] }
		for it := range count {
			for i := range ls[2].Rows {
				for j := range ls[2].Cols {
					var s float64
					for l := range ls[0].Cols {
						s += at(0, it, i, l) * at(1, it, l, j)
					}
					v := alpha * s
					if beta != 0 {
						v += beta * at(2, it, i, j)
					}
					want[bufOf[2]][ls[2].Index(i, j)+it*bstrides[2]] = v
				}
			}
		}
		for b := range 3 {
			for i := range bufs[b] {
				if bufs[b][i] != want[b][i] {
					t.Fatalf("buffer %d index %d: got %v, want %v (count %d, layouts %+v, batch strides %v, alpha %v, beta %v, plan %v)",
						b, i, bufs[b][i], want[b][i], count, ls, bstrides, alpha, beta, p)
				}
			}
		}
	})
}

// Items shared among workers on Gonum's BLAS are cut into calls of at most
// three 64×64 tiles of C, so Gonum does not start goroutines of its own
// inside ours: the steady state allocates nothing, and results are right.
func TestBatchSharedGonumTiles(t *testing.T) {
	if batchRace {
		t.Skip("the race detector allocates")
	}
	old := SetBackend(Gonum)
	defer SetBackend(old)
	const count, m, n, k = 8, 96, 200, 48 // 2×4 tiles of C per item
	rnd := rand.New(rand.NewPCG(4, 4))
	a := adapter.Strided{Data: make([]float64, count*m*k), Layout: adapter.Layout{Rows: m, Cols: k, RowStride: k, ColStride: 1}}
	b := adapter.Strided{Data: make([]float64, count*k*n), Layout: adapter.Layout{Rows: k, Cols: n, RowStride: 1, ColStride: k}} // column-major: the trans flag
	c := adapter.Strided{Data: make([]float64, count*m*n), Layout: adapter.Layout{Rows: m, Cols: n, RowStride: n, ColStride: 1}}
	for i := range a.Data {
		a.Data[i] = rnd.Float64()
	}
	for i := range b.Data {
		b.Data[i] = rnd.Float64()
	}
	bp, err := GemmBatched(1, a, m*k, b, k*n, 0, c, m*n, count)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOMAXPROCS(0) > 1 && bp.Workers < 2 {
		t.Skipf("the batch is not shared (%v): nothing to cut", bp)
	}
	for it := range count {
		for i := range m {
			for j := range n {
				want := 0.0
				for l := range k {
					want += a.Data[it*m*k+i*k+l] * b.Data[it*k*n+j*k+l]
				}
				if got := c.Data[it*m*n+i*n+j]; math.Abs(got-want) > 1e-12*float64(k) {
					t.Fatalf("item %d (%d, %d): got %v, want %v", it, i, j, got, want)
				}
			}
		}
	}
	// Counted by hand: testing.AllocsPerRun runs on one processor, where
	// nothing is shared. The counts are process-wide, and a collection
	// empties the pools (jobs, scratch) whenever it comes, so the fewest of
	// three rounds is the steady state.
	fewest := uint64(math.MaxUint64)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 20 {
			if _, err := GemmBatched(1, a, m*k, b, k*n, 0, c, m*n, count); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		fewest = min(fewest, after.Mallocs-before.Mallocs)
	}
	if fewest > 2 {
		t.Errorf("%d allocations in 20 calls, want none (%v)", fewest, bp)
	}
}
