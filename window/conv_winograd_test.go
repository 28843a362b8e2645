package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// winogradBounds are the error bounds the Winograd constant's
// documentation states, relative to each output's Σ|a|·|b| over the terms
// of its sum, for F(2×2) and F(4×4) in float64 and float32.
var winogradBounds = []struct {
	tile  int
	f32   bool
	bound float64
}{
	{2, false, 0x1p-50}, {4, false, 0x1p-47}, {2, true, 0x1p-21}, {4, true, 0x1p-18},
}

// checkWinogradError runs pass (a Forward or BackwardFilter of q into a new
// slice, in float32 when f32) with Winograd at every documented tile and
// precision and with Direct, measures the largest error against want
// relative to scale, logs it next to the direct algorithm's own, and fails
// where it exceeds the bound.
func checkWinogradError(t *testing.T, p Conv2D, of string, want, scale []float64, pass func(q Conv2D, f32 bool) []float64) {
	t.Helper()
	rel := func(got []float64) float64 {
		e := 0.0
		for i := range got {
			e = max(e, math.Abs(got[i]-want[i])/scale[i])
		}
		return e
	}
	for _, tc := range winogradBounds {
		q, d := p, p
		q.Algo, q.WinogradTile = Winograd, tc.tile
		d.Algo = Direct
		e, ed := rel(pass(q, tc.f32)), rel(pass(d, tc.f32))
		name := fmt.Sprintf("F(%d×%d, 3×3) float%d", tc.tile, tc.tile, map[bool]int{false: 64, true: 32}[tc.f32])
		t.Logf("%s: max error %.3g (2^%.1f) of %s; direct %.3g (2^%.1f)", name, e, math.Log2(e), of, ed, math.Log2(ed))
		if e > tc.bound {
			t.Errorf("%s: error %.3g exceeds the documented %.3g", name, e, tc.bound)
		}
	}
}

func absSlice(s []float64) []float64 {
	a := make([]float64, len(s))
	for i, v := range s {
		a[i] = math.Abs(v)
	}
	return a
}

// TestWinogradError measures Winograd's error against the float64 direct
// sum on random inputs in [−1, 1), C = 64, 3×3, padding 1, in units of
// Σ|x|·|w| over each output's taps (the scale rounding works on), and
// checks the bounds the Winograd constant's documentation promises, next
// to the direct algorithm's own error in the same precision.
func TestWinogradError(t *testing.T) {
	p := Conv2D{N: 2, C: 64, H: 12, W: 13, F: 16, KH: 3, KW: 3, PadH: 1, PadW: 1}
	rnd := rand.New(rand.NewPCG(7, 8))
	x, w := randSlice(rnd, p.N*p.C*p.H*p.W), randSlice(rnd, p.F*p.C*9)
	want, scale := refConvNCHW(p, x, w), refConvNCHW(p, absSlice(x), absSlice(w))
	checkWinogradError(t, p, "Σ|x|·|w|", want, scale, func(q Conv2D, f32 bool) []float64 {
		if f32 {
			got := make([]float32, len(want))
			require.NoError(t, q.Forward32(got, float32s(x), float32s(w)))
			return float64s(got)
		}
		got := make([]float64, len(want))
		require.NoError(t, q.Forward(got, x, w))
		return got
	})
}

// TestWinogradFilterError pins BackwardFilter's Winograd error, the
// largest error of an element of dW relative to its Σ|x|·|dy|, against the
// same bounds.
func TestWinogradFilterError(t *testing.T) {
	p := Conv2D{N: 2, C: 32, H: 12, W: 13, F: 16, KH: 3, KW: 3, PadH: 1, PadW: 1}
	rnd := rand.New(rand.NewPCG(9, 10))
	oh, ow := p.OutDims()
	x, w, dy := randSlice(rnd, p.N*p.C*p.H*p.W), randSlice(rnd, p.F*p.C*9), randSlice(rnd, p.N*p.F*oh*ow)
	_, want := refBackwardNCHW(p, x, w, dy)
	_, scale := refBackwardNCHW(p, absSlice(x), w, absSlice(dy))
	checkWinogradError(t, p, "Σ|x|·|dy|", want, scale, func(q Conv2D, f32 bool) []float64 {
		if f32 {
			got := make([]float32, len(want))
			require.NoError(t, q.BackwardFilter32(got, float32s(x), float32s(dy)))
			return float64s(got)
		}
		got := make([]float64, len(want))
		require.NoError(t, q.BackwardFilter(got, x, dy))
		return got
	})
}

// winoSandwich sets d[:r·r] = L · D · Lᵀ, L r×k (row-major, float64), D the
// k×k matrix in d; tmp is scratch of at least r·k.
func winoSandwich[T convFloat](l []float64, r, k int, d, tmp []T) {
	for i := range r {
		li := l[i*k : (i+1)*k]
		for jj := range k {
			var s T
			for q, lv := range li {
				if lv != 0 {
					s += T(lv) * d[q*k+jj]
				}
			}
			tmp[i*k+jj] = s
		}
	}
	for i := range r {
		for jj := range r {
			lj := l[jj*k : (jj+1)*k]
			var s T
			for q, lv := range lj {
				if lv != 0 {
					s += tmp[i*k+q] * T(lv)
				}
			}
			d[i*r+jj] = s
		}
	}
}

// The Kronecker forms Forward uses equal the matrix products with wino2's
// and wino4's Bᵀ and Aᵀ applied on both sides, in float64 and float32.
func TestWinogradTransforms(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, v := range []*winoMat{&wino2, &wino4} {
		a, m := v.alpha, v.m
		d := make([]float64, 36)
		for i := range a * a {
			d[i] = rnd.Float64()*2 - 1
		}
		tmp := make([]float64, 36)
		for _, tc := range []struct {
			name string
			l    []float64
			r    int
			k64  []float64
			k32  []float32
		}{{"input", v.bt, a, v.tin64, v.tin32}, {"output", v.at, m, v.tout64, v.tout32}} {
			want := append([]float64(nil), d...)
			winoSandwich(tc.l, tc.r, a, want, tmp)
			for p := range tc.r * tc.r {
				got, got32 := 0.0, float32(0)
				for q := range a * a {
					got += tc.k64[p*a*a+q] * d[q]
					got32 += tc.k32[p*a*a+q] * float32(d[q])
				}
				if math.Abs(got-want[p]) > 1e-13 || math.Abs(float64(got32)-want[p]) > 1e-4 {
					t.Errorf("F(%d) %s transform, element %d: %v (float32 %v), want %v", m, tc.name, p, got, got32, want[p])
				}
			}
		}
	}
}
