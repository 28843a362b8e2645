package bench

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WritePlot draws r as a PNG: one panel per workload, throughput against
// size (both on log scales) with one line per choice, the recommended
// choice at each size ringed.
func WritePlot(w io.Writer, r *Report) error {
	var order []string
	byWorkload := map[string][]Measurement{}
	for _, m := range r.Measurements {
		if _, ok := byWorkload[m.Workload]; !ok {
			order = append(order, m.Workload)
		}
		byWorkload[m.Workload] = append(byWorkload[m.Workload], m)
	}
	if len(order) == 0 {
		return fmt.Errorf("bench: nothing to plot")
	}
	const cols = 3
	rows := (len(order) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for k, name := range order {
		p, err := panel(name, byWorkload[name], r.Recommendations)
		if err != nil {
			return err
		}
		plots[k/cols][k%cols] = p
	}
	width, height := 6*vg.Inch*cols/2, 3.6*vg.Inch*vg.Length(rows)
	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(96))
	dc := draw.New(img)
	e := r.Env
	title := fmt.Sprintf("strider layoutbench · %s · %s · backend %s · GOMAXPROCS %d", e.Date[:min(10, len(e.Date))], e.CPU, e.Backend, e.GOMAXPROCS)
	dc.FillText(draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, 13), Handler: plot.DefaultTextHandler, XAlign: draw.XCenter, YAlign: draw.YTop},
		vg.Point{X: width / 2, Y: height - vg.Points(4)}, title)
	dc.Max.Y -= vg.Points(22)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// panel plots one workload.
func panel(name string, ms []Measurement, recs []Recommendation) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = name
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text, _, _ = strings.Cut(ms[0].SizeLabel, "=")
	p.Y.Label.Text = ms[0].RateUnit
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = sizeTicks(ms), logTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	p.Legend.ThumbnailWidth = vg.Points(14)
	p.Add(plotter.NewGrid())

	var choices []string
	points := map[string]plotter.XYs{}
	for _, m := range ms {
		if _, ok := points[m.Choice]; !ok {
			choices = append(choices, m.Choice)
		}
		if m.Rate > 0 && !math.IsInf(m.Rate, 0) {
			points[m.Choice] = append(points[m.Choice], plotter.XY{X: float64(m.Size), Y: m.Rate})
		}
	}
	// Fixed ranges with a margin: the log scales need positive bounds even
	// when every point is the same (one size, one rate).
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, xy := range points {
		for _, p := range xy {
			xlo, xhi = min(xlo, p.X), max(xhi, p.X)
			ylo, yhi = min(ylo, p.Y), max(yhi, p.Y)
		}
	}
	if !math.IsInf(xlo, 0) {
		p.X.Min, p.X.Max = xlo/1.25, xhi*1.25
		p.Y.Min, p.Y.Max = ylo/1.5, yhi*1.5
	} else {
		p.X.Scale, p.Y.Scale = plot.LinearScale{}, plot.LinearScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.DefaultTicks{}, plot.DefaultTicks{}
	}
	var best plotter.XYs
	for _, m := range ms {
		if isRecommended(m, recs) && m.Rate > 0 {
			best = append(best, plotter.XY{X: float64(m.Size), Y: m.Rate})
		}
	}
	for k, c := range choices {
		xy := points[c]
		if len(xy) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.Color, s.Color = plotutil.Color(k), plotutil.Color(k)
		l.Dashes = plotutil.Dashes(k / 7)
		l.Width = vg.Points(1.5)
		s.Shape = plotutil.Shape(k)
		p.Add(l, s)
		p.Legend.Add(c, l, s)
	}
	if len(best) > 0 {
		s, err := plotter.NewScatter(best)
		if err != nil {
			return nil, err
		}
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(5)
		s.Color = color.Gray{Y: 0x60}
		ring := ringGlyph{s.Radius}
		s.GlyphStyle.Shape = ring
		p.Add(s)
		p.Legend.Add("recommended", s)
	}
	return p, nil
}

// ringGlyph is an unfilled circle.
type ringGlyph struct{ r vg.Length }

func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1)})
	var path vg.Path
	path.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	path.Arc(pt, sty.Radius, 0, 2*math.Pi)
	path.Close()
	c.Stroke(path)
}

// sizeTicks marks every measured size.
func sizeTicks(ms []Measurement) plot.Ticker {
	var t plot.ConstantTicks
	seen := map[int]bool{}
	for _, m := range ms {
		if !seen[m.Size] {
			seen[m.Size] = true
			t = append(t, plot.Tick{Value: float64(m.Size), Label: fmt.Sprint(m.Size)})
		}
	}
	return t
}

// logTicks labels 1, 2 and 5 times the powers of ten in range, so that a
// log axis spanning less than a decade still has labels.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if !(lo > 0) || !(hi > lo) {
		return ts
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		p := math.Pow(10, e)
		for _, m := range []float64{1, 2, 5} {
			if v := m * p; v >= lo && v <= hi {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return ts
}
