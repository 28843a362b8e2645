package window

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/internal/fixture"
)

func maxAbs(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = max(m, math.Abs(v))
	}
	return m
}

// convOf is the Conv2D of fixture case k (NCHW, Auto).
func convOf(k fixture.Conv2DCase) Conv2D {
	return Conv2D{N: k.N, C: k.C, H: k.H, W: k.W, F: k.F, KH: k.KH, KW: k.KW,
		StrideH: k.StrideH, StrideW: k.StrideW, DilationH: k.DilationH, DilationW: k.DilationW, PadH: k.PadH, PadW: k.PadW,
		Groups: k.Groups}
}

// checkFixture compares got with PyTorch's want: exactly for dyadic values,
// else within tol.
func checkFixture[T convFloat](t *testing.T, what string, got []T, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol || math.IsNaN(float64(got[i])) {
			t.Errorf("%s: element %d: got %v, want %v", what, i, got[i], want[i])
			return
		}
	}
}

// TestConv2DFixtures checks every algorithm, format and precision against
// torch.nn.functional.conv2d; NHWC inputs are the fixtures transposed.
func TestConv2DFixtures(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	for _, k := range fx.Conv2D {
		p := convOf(k)
		oh, ow := p.OutDims()
		if oh != k.OH || ow != k.OW {
			t.Errorf("%v: OutDims = %d×%d, torch %d×%d", k, oh, ow, k.OH, k.OW)
			continue
		}
		tol64, tol32 := 0.0, 0.0
		if !k.Exact() {
			tol64 = 1e-12 * (1 + maxAbs(k.Y))
			tol32 = max(4*k.F32MaxAbsErr, 1e-5*(1+maxAbs(k.Y)))
		}
		for _, format := range []Format{NCHW, NHWC} {
			x, w, y := k.X, k.Weights, k.Y
			if format == NHWC {
				x, w, y = k.XNHWC(), k.WHWIO(), k.YNHWC()
			}
			for _, algo := range algosFor(p) {
				for _, tile := range winogradTiles(algo) {
					q := p
					q.Format, q.Algo, q.WinogradTile = format, algo, tile
					t64, t32 := tol64, tol32
					if algo == Winograd {
						// Not exact, even on dyadic values (F(4×4)'s
						// transforms hold thirds): TestWinogradError
						// bounds its error.
						t64, t32 = max(t64, 1e-13*(1+maxAbs(y))), max(t32, 1e-5*(1+maxAbs(y)))
					}
					what := fmt.Sprintf("%v %v %v tile %d", k, format, algo, tile)
					got := make([]float64, len(y))
					require.NoError(t, q.Forward(got, x, w), what)
					checkFixture(t, what, got, y, t64)
					got32 := make([]float32, len(y))
					require.NoError(t, q.Forward32(got32, fixture.Float32s(x), fixture.Float32s(w)), what)
					checkFixture(t, what+" float32", got32, y, t32)
				}
			}
		}
	}
}

func TestConv1DFixtures(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	for _, k := range fx.Conv1D {
		p := Conv1D{N: k.N, C: k.C, L: k.L, F: k.F, K: k.K, Stride: k.Stride, Dilation: k.Dilation, Pad: k.Pad}
		if ol := p.OutLen(); ol != k.OL {
			t.Errorf("%s: OutLen = %d, torch %d", k.Name, ol, k.OL)
			continue
		}
		tol64, tol32 := 0.0, 0.0
		if !k.Exact() {
			tol64 = 1e-12 * (1 + maxAbs(k.Y))
			tol32 = max(4*k.F32MaxAbsErr, 1e-5*(1+maxAbs(k.Y)))
		}
		for _, format := range []Format{NCHW, NHWC} {
			x, w, y := k.X, k.Weights, k.Y
			if format == NHWC {
				x, w, y = k.XNLC(), k.WKIO(), k.YNLC()
			}
			for _, algo := range convAlgos {
				q := p
				q.Format, q.Algo = format, algo
				got := make([]float64, len(y))
				require.NoError(t, q.Forward(got, x, w), "%s", k.Name)
				checkFixture(t, k.Name+" "+format.String()+" "+algo.String(), got, y, tol64)
				got32 := make([]float32, len(y))
				require.NoError(t, q.Forward32(got32, fixture.Float32s(x), fixture.Float32s(w)), "%s", k.Name)
				checkFixture(t, k.Name+" "+format.String()+" "+algo.String()+" float32", got32, y, tol32)
			}
		}
	}
}

// TestConv2DBackwardFixtures checks BackwardData and BackwardFilter against
// torch.nn.grad.conv2d_input and conv2d_weight, every format and precision,
// the GEMM path and the loop nest; NHWC data is the fixtures transposed.
func TestConv2DBackwardFixtures(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	for _, k := range fx.Conv2D {
		p := convOf(k)
		tol := func(want []float64, f32err float64, f32 bool) float64 {
			switch {
			case k.Exact():
				return 0
			case f32:
				return max(4*f32err, 1e-5*(1+maxAbs(want)))
			}
			return 1e-12 * (1 + maxAbs(want))
		}
		for _, format := range []Format{NCHW, NHWC} {
			x, w, dy, dx, dw := k.X, k.Weights, k.DY, k.DX, k.DW
			if format == NHWC {
				x, w, dy, dx, dw = k.XNHWC(), k.WHWIO(), k.DYNHWC(), k.DXNHWC(), k.DWHWIO()
			}
			for _, algo := range algosFor(p) {
				for _, tile := range winogradTiles(algo) {
					q := p
					q.Format, q.Algo, q.WinogradTile = format, algo, tile
					what := fmt.Sprintf("%v %v %v tile %d", k, format, algo, tile)
					tolD64, tolD32 := tol(dx, 0, false), tol(dx, k.DXF32MaxAbsErr, true)
					tolW64, tolW32 := tol(dw, 0, false), tol(dw, k.DWF32MaxAbsErr, true)
					if algo == Winograd {
						// Not exact, even on dyadic values: TestWinogradError
						// and TestWinogradFilterError bound the error.
						tolD64, tolD32 = max(tolD64, 1e-13*(1+maxAbs(dx))), max(tolD32, 1e-5*(1+maxAbs(dx)))
						tolW64, tolW32 = max(tolW64, 1e-12*(1+maxAbs(dw))), max(tolW32, 1e-4*(1+maxAbs(dw)))
					}
					got := make([]float64, len(dx))
					require.NoError(t, q.BackwardData(got, dy, w), what)
					checkFixture(t, what+" BackwardData", got, dx, tolD64)
					got = make([]float64, len(dw))
					require.NoError(t, q.BackwardFilter(got, x, dy), what)
					checkFixture(t, what+" BackwardFilter", got, dw, tolW64)

					got32 := make([]float32, len(dx))
					require.NoError(t, q.BackwardData32(got32, fixture.Float32s(dy), fixture.Float32s(w)), what)
					checkFixture(t, what+" BackwardData32", got32, dx, tolD32)
					got32 = make([]float32, len(dw))
					require.NoError(t, q.BackwardFilter32(got32, fixture.Float32s(x), fixture.Float32s(dy)), what)
					checkFixture(t, what+" BackwardFilter32", got32, dw, tolW32)
				}
			}
		}
	}
}
