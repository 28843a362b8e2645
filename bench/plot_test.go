package bench

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// plotReport is a report of k workloads named w0, w1, …, each with the
// choices at sizes 64 and 256, rates rising with size, the first choice
// recommended.
func plotReport(k int, choices ...string) *Report {
	r := &Report{Env: Env{Date: "2026-01-02T03:04:05Z", CPU: "Test CPU", Backend: "gonum", GOMAXPROCS: 2}}
	for w := range k {
		name := fmt.Sprintf("fam/w%d", w)
		for _, n := range []int{64, 256} {
			for c, choice := range choices {
				rate := float64(n) / 16 * float64(c+1)
				r.Measurements = append(r.Measurements, Measurement{
					Family: "fam", Workload: name, Size: n, SizeLabel: fmt.Sprintf("n=%d", n), Choice: choice,
					MedianNs: 1e6 / rate, MinNs: 0.9e6 / rate, MaxNs: 1.2e6 / rate, Rate: rate, RateUnit: "GFLOP/s",
				})
			}
			r.Recommendations = append(r.Recommendations, Recommendation{Workload: name, Size: n, SizeLabel: fmt.Sprintf("n=%d", n), Choice: choices[0]})
		}
	}
	return r
}

func decodePlot(t *testing.T, r *Report) image.Image {
	t.Helper()
	var b bytes.Buffer
	if err := WritePlot(&b, r); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestWritePlotCanvasFitsPanels checks that the picture grows with the
// number of workloads, three panels a row, and that one workload's picture
// is not mostly empty: every third of its width has ink.
func TestWritePlotCanvasFitsPanels(t *testing.T) {
	img := decodePlot(t, plotReport(1, "a", "b", "c"))
	one := img.Bounds()
	four := decodePlot(t, plotReport(4, "a", "b", "c")).Bounds()
	// Four panels: three in the first row, one in the second.
	if w1, w4 := one.Dx(), four.Dx(); w4*10 < w1*25 || w4*10 > w1*32 {
		t.Errorf("width of 1 panel %d, of 4 panels %d: want about three times", w1, w4)
	}
	// The title of one panel may take two lines, of four one.
	if h1, h4 := one.Dy(), four.Dy(); h4*10 < h1*16 || h4 > h1*2 {
		t.Errorf("height of 1 panel %d, of 4 panels %d: want a second row", h1, h4)
	}

	b := img.Bounds()
	for third := range 3 {
		ink := 0
		for x := b.Min.X + third*b.Dx()/3; x < b.Min.X+(third+1)*b.Dx()/3; x++ {
			for y := b.Min.Y; y < b.Max.Y; y++ {
				if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0xe000 {
					ink++
				}
			}
		}
		if ink < 200 {
			t.Errorf("third %d of a one-panel plot: %d dark pixels, want a drawing", third, ink)
		}
	}
}

// segment is a straight stroke.
type segment struct{ a, b vg.Point }

// TestPlotLegendBesideData draws figures on a recorder and checks that no
// legend entry lies inside a data area. A data area is where a long
// horizontal stroke (a grid line or the x axis) crosses a long vertical
// one (a grid line or the y axis).
func TestPlotLegendBesideData(t *testing.T) {
	choices := []string{"trans", "packA", "pack", "transout", "auto", "NCHW/winograd", "NHWC/prepared"}
	for _, k := range []int{1, 3, 5} {
		r := plotReport(k, choices...)
		// A long title must wrap or shrink into the picture.
		r.Env.CPU = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"
		r.Env.BackendAbout = "OpenBLAS 0.3.21, core SkylakeX (forced by OPENBLAS_CORETYPE), 2 threads"
		f, err := newFigure(r)
		if err != nil {
			t.Fatal(err)
		}
		rec := new(recorder.Canvas)
		f.draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: f.width, Y: f.height}}})

		var hs, vs []segment
		var legend []vg.Point
		// Texts and strokes drawn in a rotated or moved frame (the y
		// axis's label) have coordinates of that frame.
		var moved bool
		var saved []bool
		for _, a := range rec.Actions {
			switch a.(type) {
			case *recorder.Push:
				saved = append(saved, moved)
			case *recorder.Pop:
				moved, saved = saved[len(saved)-1], saved[:len(saved)-1]
			case *recorder.Rotate, *recorder.Translate, *recorder.Scale:
				moved = true
			}
			if moved {
				continue
			}
			switch a := a.(type) {
			case *recorder.Stroke:
				if len(a.Path) != 2 {
					continue
				}
				p, q := a.Path[0].Pos, a.Path[1].Pos
				switch {
				case p.Y == q.Y && math.Abs(float64(q.X-p.X)) > 60:
					hs = append(hs, segment{vg.Point{X: min(p.X, q.X), Y: p.Y}, vg.Point{X: max(p.X, q.X), Y: p.Y}})
				case p.X == q.X && math.Abs(float64(q.Y-p.Y)) > 60:
					vs = append(vs, segment{vg.Point{X: p.X, Y: min(p.Y, q.Y)}, vg.Point{X: p.X, Y: max(p.Y, q.Y)}})
				}
			case *recorder.FillString:
				if slices.Contains(choices, a.String) || a.String == "recommended" {
					legend = append(legend, a.Point)
				}
				if a.Point.X < 0 || a.Point.Y < 0 || a.Point.Y > f.height {
					t.Errorf("%d panels: text %q starts at %v, outside the %v×%v picture", k, a.String, a.Point, f.width, f.height)
				}
			}
		}
		if want := k * (len(choices) + 1); len(legend) != want {
			t.Fatalf("%d panels: %d legend entries, want %d", k, len(legend), want)
		}
		if len(hs) == 0 || len(vs) == 0 {
			t.Fatalf("%d panels: no grid lines found (%d horizontal, %d vertical)", k, len(hs), len(vs))
		}
		for _, pt := range legend {
			for _, h := range hs {
				for _, v := range vs {
					crosses := v.a.X >= h.a.X && v.a.X <= h.b.X && h.a.Y >= v.a.Y && h.a.Y <= v.b.Y
					inside := pt.X >= h.a.X && pt.X <= h.b.X && pt.Y >= v.a.Y && pt.Y <= v.b.Y
					if crosses && inside {
						t.Fatalf("%d panels: legend entry at %v inside the data area %v–%v × %v–%v", k, pt, h.a.X, h.b.X, v.a.Y, v.b.Y)
					}
				}
			}
		}
		// Every tile is inside the picture.
		for _, pt := range legend {
			if pt.X < 0 || pt.X > f.width || pt.Y < 0 || pt.Y > f.height {
				t.Errorf("%d panels: legend entry at %v outside the %v×%v picture", k, pt, f.width, f.height)
			}
		}
	}
}

func TestLogTicks(t *testing.T) {
	for i, test := range []struct {
		lo, hi float64
		want   []string
	}{
		{1, 100, []string{"1", "2", "5", "10", "20", "50", "100"}},
		{3, 30, []string{"5", "10", "20"}},
		// 1, 2 and 5 label only 10 here: every digit then.
		{6.7, 15, []string{"7", "8", "9", "10"}},
		{0.25, 0.45, []string{"0.3", "0.4"}},
		{0.012, 0.3, []string{"0.02", "0.05", "0.1", "0.2"}},
	} {
		var got []string
		for _, tick := range (logTicks{}).Ticks(test.lo, test.hi) {
			if tick.Label != "" {
				got = append(got, tick.Label)
			}
		}
		if !slices.Equal(got, test.want) {
			t.Errorf("test %d: got %v, want %v", i, got, test.want)
		}
	}
	// Within one digit's step, labels come from the default ticker.
	if got := (logTicks{}).Ticks(10.1, 10.9); len(got) == 0 {
		t.Errorf("10.1–10.9: no ticks")
	}
	if got := (logTicks{}).Ticks(0, 1); got != nil {
		t.Errorf("0–1: got %v, want none", got)
	}
	var _ plot.Ticker = logTicks{}
}

// TestRateSpan checks the error bars: a throughput's interval is the
// time's, inverted.
func TestRateSpan(t *testing.T) {
	m := Measurement{MedianNs: 100, MinNs: 50, MaxNs: 200, CILowNs: 80, CIHighNs: 125, Rate: 10}
	for i, test := range []struct {
		ci   bool
		want span
	}{
		{true, span{Low: 2, High: 2.5}}, // rates 8 and 12.5
		{false, span{Low: 5, High: 10}}, // rates 5 and 20
	} {
		if got := rateSpan(m, test.ci); math.Abs(got.Low-test.want.Low) > 1e-12 || math.Abs(got.High-test.want.High) > 1e-12 {
			t.Errorf("test %d: got %+v, want %+v", i, got, test.want)
		}
	}
	if got := rateSpan(Measurement{MedianNs: 100, Rate: 10}, false); got != (span{}) {
		t.Errorf("no spread: got %+v, want none", got)
	}
	if allCI([]Measurement{m, {MedianNs: 100}}) || !allCI([]Measurement{m}) || allCI(nil) {
		t.Error("allCI: want true only when every measurement has an interval")
	}
}
