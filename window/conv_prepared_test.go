package window

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/fixture"
)

// TestPreparedFixtures checks Prepared layers against PyTorch on every
// fixture, algorithm, format and precision, with the filters given to
// Prepare overwritten afterwards: the layer must not read them again.
func TestPreparedFixtures(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	for _, k := range fx.Conv2D {
		p := convOf(k)
		for _, format := range []Format{NCHW, NHWC} {
			x, w, y := k.X, k.Weights, k.Y
			if format == NHWC {
				x, w, y = k.XNHWC(), k.WHWIO(), k.YNHWC()
			}
			for _, algo := range algosFor(p) {
				q := p
				q.Format, q.Algo = format, algo
				tol64, tol32 := 0.0, max(4*k.F32MaxAbsErr, 1e-5*(1+maxAbs(y)))
				if !k.Exact() || algo == Winograd {
					tol64 = 1e-12 * (1 + maxAbs(y))
				}
				what := fmt.Sprintf("%v %v %v", k, format, algo)
				wc := append([]float64(nil), w...)
				l, err := Prepare(q, wc)
				require.NoError(t, err, what)
				clear(wc)
				got := make([]float64, len(y))
				require.NoError(t, l.Forward(got, x), what)
				checkFixture(t, what+" Prepared", got, y, tol64)

				w32 := fixture.Float32s(w)
				l32, err := Prepare(q, w32)
				require.NoError(t, err, what)
				clear(w32)
				got32 := make([]float32, len(y))
				require.NoError(t, l32.Forward(got32, fixture.Float32s(x)), what)
				checkFixture(t, what+" Prepared float32", got32, y, tol32)
			}
		}
	}
}

// A prepared layer's steady state allocates nothing, in every algorithm,
// on one goroutine and on several.
func TestPreparedAllocs(t *testing.T) {
	for _, algo := range []Algorithm{Auto, BatchedGEMM, Im2Col, Direct, Depthwise, Winograd} {
		for _, format := range []Format{NCHW, NHWC} {
			p := Conv2D{Format: format, N: 4, C: 8, H: 12, W: 12, F: 8, KH: 3, KW: 3, PadH: 1, PadW: 1, Algo: algo}
			if algo == Depthwise {
				p.Groups = p.C
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			w := randSlice(rnd, convWeights(p))
			x := randSlice(rnd, p.N*p.C*p.H*p.W)
			oh, ow := p.OutDims()
			y := make([]float64, p.N*p.F*oh*ow)
			l, err := Prepare(p, w)
			require.NoError(t, err)
			require.NoError(t, l.Forward(y, x))
			allocs := testing.AllocsPerRun(20, func() {
				if err := l.Forward(y, x); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, allocs, "%v %v: %v allocations per Forward", algo, format, allocs)
		}
	}
}

// Concurrent Forward calls on one layer give the serial results.
func TestPreparedConcurrent(t *testing.T) {
	p := Conv2D{Format: NHWC, N: 2, C: 8, H: 10, W: 9, F: 6, KH: 3, KW: 3, PadH: 1, PadW: 1, Algo: Winograd}
	rnd := rand.New(rand.NewPCG(3, 4))
	w := randSlice(rnd, convWeights(p))
	l, err := Prepare(p, w)
	require.NoError(t, err)
	oh, ow := p.OutDims()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 5))
			x := randSlice(r, p.N*p.C*p.H*p.W)
			got, want := make([]float64, p.N*p.F*oh*ow), make([]float64, p.N*p.F*oh*ow)
			for range 5 {
				if err := l.Forward(got, x); err != nil {
					t.Error(err)
					return
				}
			}
			q := p
			q.Algo = Direct
			if err := q.Forward(want, x, w); err != nil {
				t.Error(err)
				return
			}
			if k := closeTo(got, want, 1e-12); k >= 0 {
				t.Errorf("goroutine %d: element %d: got %v, want %v", i, k, got[k], want[k])
			}
		}()
	}
	wg.Wait()
}

// countingBLAS counts GEMM calls; it is not Gonum's type, so calls are
// not cut into blocks and the count is the plan's.
type countingBLAS struct {
	blas.Float64
	calls atomic.Int64
}

func (c *countingBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cc []float64, ldc int) {
	c.calls.Add(1)
	c.Float64.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cc, ldc)
}

// TestConvPlan checks plans against what runs: the BLAS calls counted
// under a counting backend, the algorithm, and the Prepared flag.
func TestConvPlan(t *testing.T) {
	be := blasbridge.Active()
	counter := &countingBLAS{Float64: be.Float64}
	counting := be
	counting.Name, counting.Float64 = "counting", counter
	old := blasbridge.SetBackend(counting)
	defer blasbridge.SetBackend(old)

	for _, tc := range []struct {
		p    Conv2D
		algo Algorithm
	}{
		{Conv2D{Format: NCHW, N: 2, C: 8, H: 12, W: 11, F: 4, KH: 3, KW: 3, PadH: 1, PadW: 1, Algo: BatchedGEMM}, BatchedGEMM},
		{Conv2D{Format: NHWC, N: 2, C: 8, H: 12, W: 11, F: 4, KH: 3, KW: 3, StrideH: 2, StrideW: 2, Algo: BatchedGEMM}, BatchedGEMM},
		{Conv2D{Format: NCHW, N: 2, C: 8, H: 12, W: 11, F: 4, KH: 3, KW: 3, StrideH: 2, StrideW: 2, Algo: BatchedGEMM, Groups: 2}, BatchedGEMM},
		{Conv2D{Format: NHWC, N: 3, C: 6, H: 9, W: 9, F: 6, KH: 3, KW: 3, Algo: Im2Col, Groups: 3}, Im2Col},
		{Conv2D{Format: NHWC, N: 2, C: 4, H: 9, W: 9, F: 4, KH: 3, KW: 3, Groups: 4}, Depthwise},
		{Conv2D{Format: NCHW, N: 2, C: 8, H: 13, W: 9, F: 4, KH: 3, KW: 3, PadH: 1, PadW: 1, Algo: Winograd, Groups: 2}, Winograd},
		{Conv2D{Format: NCHW, N: 1, C: 2, H: 5, W: 5, F: 2, KH: 3, KW: 3, Algo: Direct}, Direct},
	} {
		p := tc.p
		plan, err := p.Plan()
		require.NoError(t, err)
		assert.Equal(t, tc.algo, plan.Algorithm, "%v", p)
		assert.Equal(t, "counting", plan.Backend)
		assert.NotEmpty(t, plan.Reason)
		assert.False(t, plan.Prepared)
		rnd := rand.New(rand.NewPCG(1, 1))
		x, w := randSlice(rnd, p.N*p.C*p.H*p.W), randSlice(rnd, convWeights(p))
		oh, ow := p.OutDims()
		y := make([]float64, p.N*p.F*oh*ow)
		counter.calls.Store(0)
		require.NoError(t, p.Forward(y, x, w))
		calls := int(counter.calls.Load())
		if plan.Batch > 1 {
			// Winograd: two transform GEMMs per task, and batched calls
			// that issue their items one call each, or fewer when folded.
			batchedCalls := plan.Calls - 2*plan.Tasks
			assert.LessOrEqual(t, calls, 2*plan.Tasks+batchedCalls*plan.Batch, "%v: %s", p, plan)
			assert.GreaterOrEqual(t, calls, plan.Calls, "%v: %s", p, plan)
		} else {
			assert.Equal(t, plan.Calls, calls, "%v: %s", p, plan)
		}
		l, err := Prepare(p, w)
		require.NoError(t, err)
		lp := l.Plan()
		assert.True(t, lp.Prepared)
		assert.Equal(t, plan.Algorithm, lp.Algorithm)
		assert.True(t, strings.Contains(lp.String(), plan.Algorithm.String()), lp.String())
		t.Log(lp)
	}
}
