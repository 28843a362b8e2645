package blasbridge_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// routed is a blas.Float64 that sends every Dgemm and Dgemv through
// blasbridge on the row-major views Gonum's BLAS would read, and counts the
// outputs that went through scratch. The other routines are Gonum's.
type routed struct {
	gonum.Implementation
	gemms, gemvs             int // calls routed
	gemmAliased, gemvAliased int // outputs through scratch because they share an element with an input
	gemmScratch, gemvScratch int // outputs through scratch for any reason
	err                      error
}

func (r *routed) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *routed) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		r.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// op(A) is m×k: stored row-major m×k, or as the row-major k×m Aᵀ.
	al := adapter.Layout{Rows: m, Cols: k, RowStride: lda, ColStride: 1}
	if tA != blas.NoTrans {
		al = adapter.Layout{Rows: m, Cols: k, RowStride: 1, ColStride: lda}
	}
	bl := adapter.Layout{Rows: k, Cols: n, RowStride: ldb, ColStride: 1}
	if tB != blas.NoTrans {
		bl = adapter.Layout{Rows: k, Cols: n, RowStride: 1, ColStride: ldb}
	}
	cl := adapter.Layout{Rows: m, Cols: n, RowStride: ldc, ColStride: 1}
	p, err := blasbridge.Gemm(alpha, adapter.Strided{Data: a, Layout: al}, adapter.Strided{Data: b, Layout: bl}, beta, adapter.Strided{Data: c, Layout: cl})
	if err != nil {
		r.fail(fmt.Errorf("Dgemm(%c, %c, %d, %d, %d): %w", tA, tB, m, n, k, err))
		r.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	r.gemms++
	if p.C == blasbridge.Scratch || p.C == blasbridge.ScratchTransposed {
		r.gemmScratch++
	}
	if blasbridge.OutputAliased(p) {
		r.gemmAliased++
	}
}

func (r *routed) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 {
		r.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	// op(A): A is stored row-major m×n.
	l, nx, ny := adapter.Layout{Rows: m, Cols: n, RowStride: lda, ColStride: 1}, n, m
	if tA != blas.NoTrans {
		l, nx, ny = adapter.Layout{Rows: n, Cols: m, RowStride: 1, ColStride: lda}, m, n
	}
	p, err := blasbridge.Gemv(alpha, adapter.Strided{Data: a, Layout: l},
		blas64.Vector{N: nx, Inc: incX, Data: x}, beta, blas64.Vector{N: ny, Inc: incY, Data: y})
	if err != nil {
		r.fail(fmt.Errorf("Dgemv(%c, %d, %d): %w", tA, m, n, err))
		r.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	r.gemvs++
	if p.C == blasbridge.Scratch {
		r.gemvScratch++
	}
	if blasbridge.OutputAliased(p) {
		r.gemvAliased++
	}
}

// lapackRouteN is the order of the factorizations: Gonum's blocked paths
// with many blocks. It costs about 0.1 s, 0.3 s under the race detector
// (Gonum's kernels are assembly, which it does not instrument).
const lapackRouteN = 512

// TestLAPACKRouted runs Gonum's blocked Dgetrf, Dgeqrf and Dpotrf (both
// triangles) with every GEMM and GEMV going through blasbridge: their
// updates write blocks of the matrix they read, interleaved in memory but
// sharing no element, so no output may go through scratch; and the factors
// must agree with Gonum's own, computed with Gonum's BLAS.
func TestLAPACKRouted(t *testing.T) {
	n := lapackRouteN
	lda := n + 3 // padding between rows, as in a sub-block of a larger array
	rng := rand.New(rand.NewPCG(14, 3))
	general := make([]float64, n*lda)
	for i := range general {
		general[i] = 2*rng.Float64() - 1
	}
	// An SPD matrix: GᵀG/n + I.
	spd := make([]float64, n*lda)
	blas64.Implementation().Dgemm(blas.Trans, blas.NoTrans, n, n, n, 1/float64(n), general, lda, general, lda, 0, spd, lda)
	for i := range n {
		spd[i*lda+i]++
	}
	impl := lapackgonum.Implementation{}
	work := make([]float64, 1)
	impl.Dgeqrf(n, n, nil, lda, nil, work, -1)
	lwork := int(work[0])

	for _, tc := range []struct {
		name  string
		input []float64
		run   func(a []float64) (aux []float64, ok bool)
	}{
		{"Dgetrf", general, func(a []float64) ([]float64, bool) {
			ipiv := make([]int, n)
			ok := impl.Dgetrf(n, n, a, lda, ipiv)
			aux := make([]float64, n)
			for i, p := range ipiv {
				aux[i] = float64(p)
			}
			return aux, ok
		}},
		{"Dgeqrf", general, func(a []float64) ([]float64, bool) {
			tau := make([]float64, n)
			impl.Dgeqrf(n, n, a, lda, tau, make([]float64, lwork), lwork)
			return tau, true
		}},
		{"Dpotrf/Upper", spd, func(a []float64) ([]float64, bool) { return nil, impl.Dpotrf(blas.Upper, n, a, lda) }},
		{"Dpotrf/Lower", spd, func(a []float64) ([]float64, bool) { return nil, impl.Dpotrf(blas.Lower, n, a, lda) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.input)
			wantAux, wantOK := tc.run(want)

			r := &routed{}
			old := blas64.Implementation()
			blas64.Use(r)
			got := slices.Clone(tc.input)
			gotAux, gotOK := tc.run(got)
			blas64.Use(old)

			if r.err != nil {
				t.Fatalf("routed call failed: %v", r.err)
			}
			t.Logf("n=%d: %d GEMMs, %d through scratch (%d sharing an element with an input); %d GEMVs, %d through scratch (%d sharing)",
				n, r.gemms, r.gemmScratch, r.gemmAliased, r.gemvs, r.gemvScratch, r.gemvAliased)
			if r.gemms == 0 {
				t.Errorf("no GEMM was routed: Gonum's LAPACK did not use blas64.Implementation")
			}
			if r.gemmAliased != 0 || r.gemvAliased != 0 {
				t.Errorf("%d GEMM and %d GEMV outputs went through scratch for sharing an element with an input, want 0", r.gemmAliased, r.gemvAliased)
			}
			// Otherwise only the cost model sends an output through
			// scratch: for GEMM on a backend with slow flags (Gonum's
			// TN, as Dlarfb's Cᵀ·V), never for GEMV, whose flags are free.
			be := blasbridge.Active()
			flat := be.GemmEff == [2][2]float64{{1, 1}, {1, 1}}
			if r.gemvScratch != 0 || flat && r.gemmScratch != 0 {
				t.Errorf("%d GEMM and %d GEMV outputs went through scratch on %s, want 0", r.gemmScratch, r.gemvScratch, be.Name)
			}
			if gotOK != wantOK || !wantOK {
				t.Fatalf("ok = %v, Gonum says %v", gotOK, wantOK)
			}
			if !slices.Equal(gotAux, wantAux) && !closeTo(gotAux, wantAux, 1e-12) {
				t.Errorf("pivots or tau differ from Gonum's: %v", firstDiff(gotAux, wantAux))
			}
			if !closeTo(got, want, 1e-11) {
				t.Errorf("factors differ from Gonum's: %v", firstDiff(got, want))
			}
		})
	}
}

// closeTo reports whether got and want agree to tol relative to the largest
// magnitude in want.
func closeTo(got, want []float64, tol float64) bool {
	scale := 1.0
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= tol*scale) {
			return false
		}
	}
	return len(got) == len(want)
}

func firstDiff(got, want []float64) string {
	worst, at := 0.0, -1
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if at < 0 {
		return "none"
	}
	return fmt.Sprintf("largest difference %g at %d: got %v, want %v", worst, at, got[at], want[at])
}
