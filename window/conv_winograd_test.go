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
