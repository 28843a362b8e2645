package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinogradError measures Winograd's error against the float64 direct
// sum on random inputs in [−1, 1), C = 64, 3×3, padding 1, in units of
// Σ|x|·|w| over each output's taps (the scale rounding works on), and
// checks the bounds the Winograd constant's documentation promises, next
// to the direct algorithm's own error in the same precision.
func TestWinogradError(t *testing.T) {
	p := Conv2D{N: 2, C: 64, H: 12, W: 13, F: 16, KH: 3, KW: 3, PadH: 1, PadW: 1}
	rnd := rand.New(rand.NewPCG(7, 8))
	x, w := randSlice(rnd, p.N*p.C*p.H*p.W), randSlice(rnd, p.F*p.C*9)
	want := refConvNCHW(p, x, w)
	absX, absW := make([]float64, len(x)), make([]float64, len(w))
	for i, v := range x {
		absX[i] = math.Abs(v)
	}
	for i, v := range w {
		absW[i] = math.Abs(v)
	}
	scale := refConvNCHW(p, absX, absW)
	rel := func(got []float64) float64 {
		e := 0.0
		for i := range got {
			e = max(e, math.Abs(got[i]-want[i])/scale[i])
		}
		return e
	}
	for _, tc := range []struct {
		tile  int
		f32   bool
		bound float64
	}{
		{2, false, 0x1p-50}, {4, false, 0x1p-47}, {2, true, 0x1p-21}, {4, true, 0x1p-18},
	} {
		q := p
		q.Algo, q.WinogradTile = Winograd, tc.tile
		d := p
		d.Algo = Direct
		var got, direct []float64
		if tc.f32 {
			g32, d32 := make([]float32, len(want)), make([]float32, len(want))
			if err := q.Forward32(g32, float32s(x), float32s(w)); err != nil {
				t.Fatal(err)
			}
			if err := d.Forward32(d32, float32s(x), float32s(w)); err != nil {
				t.Fatal(err)
			}
			got, direct = float64s(g32), float64s(d32)
		} else {
			got, direct = make([]float64, len(want)), make([]float64, len(want))
			if err := q.Forward(got, x, w); err != nil {
				t.Fatal(err)
			}
			if err := d.Forward(direct, x, w); err != nil {
				t.Fatal(err)
			}
		}
		e, ed := rel(got), rel(direct)
		name := fmt.Sprintf("F(%d×%d, 3×3) float%d", tc.tile, tc.tile, map[bool]int{false: 64, true: 32}[tc.f32])
		t.Logf("%s: max error %.3g (2^%.1f) of Σ|x|·|w|; direct %.3g (2^%.1f)", name, e, math.Log2(e), ed, math.Log2(ed))
		if e > tc.bound {
			t.Errorf("%s: error %.3g exceeds the documented %.3g", name, e, tc.bound)
		}
	}
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

// The written-out transforms equal the matrix products with wino2's and
// wino4's Bᵀ and Aᵀ.
func TestWinogradTransforms(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		v       *winoMat
		in, out func(*[36]float64)
	}{{&wino2, winoIn2[float64], winoOut2[float64]}, {&wino4, winoIn4[float64], winoOut4[float64]}} {
		a, m := tc.v.alpha, tc.v.m
		var d [36]float64
		for i := range a * a {
			d[i] = rnd.Float64()*2 - 1
		}
		want, tmp := d, make([]float64, 36)
		winoSandwich(tc.v.bt, a, a, want[:], tmp)
		got := d
		tc.in(&got)
		if k := closeTo(got[:a*a], want[:a*a], 1e-14); k >= 0 {
			t.Errorf("F(%d): input transform element %d: %v, want %v", m, k, got[k], want[k])
		}
		want = d
		winoSandwich(tc.v.at, m, a, want[:], tmp)
		got = d
		tc.out(&got)
		if k := closeTo(got[:m*m], want[:m*m], 1e-14); k >= 0 {
			t.Errorf("F(%d): output transform element %d: %v, want %v", m, k, got[k], want[k])
		}
	}
}
