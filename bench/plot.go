package bench

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The geometry of a figure: at most plotCols panels a row, each a plot of
// panelW×panelH (axes included) with its legend beside it, legendGap to the
// right of the data, so that the legend never covers a point.
//
//	┌────────────────── title ──────────────────┐
//	│ plot  legend │ plot  legend │ plot  legend │
//	│ plot  legend │ …                           │
//	└────────────────────────────────────────────┘
const (
	plotCols  = 3
	panelW    = 3.4 * vg.Inch
	panelH    = 2.7 * vg.Inch
	legendGap = 6 // points
	plotDPI   = 96
)

// WritePlot draws r as a PNG: one panel per workload, throughput against
// size (both on log scales) with one line per choice, bars for the
// medians' confidence intervals (when every measurement has one; else
// from the slowest to the fastest sample), the recommended choice at each
// size ringed and the legend beside the panel. The canvas grows with the
// number of workloads: up to three panels a row.
func WritePlot(w io.Writer, r *Report) error {
	f, err := newFigure(r)
	if err != nil {
		return err
	}
	img := vgimg.NewWith(vgimg.UseWH(f.width, f.height), vgimg.UseDPI(plotDPI))
	f.draw(draw.New(img))
	_, err = vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// figure is WritePlot's picture: a title over a grid of charts.
type figure struct {
	charts        []chart
	cols, rows    int
	legW, tileH   vg.Length
	width, height vg.Length
	title         []string // lines
	titleSty      text.Style
}

// figPad is the space around and between a figure's tiles.
const figPad = 6 // points

func newFigure(r *Report) (*figure, error) {
	charts, err := reportCharts(r, true)
	if err != nil {
		return nil, err
	}
	if len(charts) == 0 {
		return nil, fmt.Errorf("bench: nothing to plot")
	}
	f := &figure{charts: charts, cols: min(len(charts), plotCols)}
	f.rows = (len(charts) + f.cols - 1) / f.cols
	// Every tile is as wide as the widest legend needs and as tall as the
	// tallest one, so that the panels' data areas stay aligned.
	for _, c := range charts {
		lw, _ := c.legendSize()
		f.legW = max(f.legW, lw)
		f.tileH = max(f.tileH, c.height())
	}
	tileW := panelW + vg.Points(legendGap) + f.legW
	f.width = vg.Length(f.cols)*tileW + vg.Points(figPad*float64(f.cols+1))
	// The title in as few lines as fit, in a smaller font if a part of it
	// does not fit a line.
	for size := 13.0; size >= 7; size-- {
		f.titleSty = textStyle(size)
		f.titleSty.XAlign, f.titleSty.YAlign = draw.XCenter, draw.YTop
		var fits bool
		f.title, fits = fitLines(f.titleSty, plotTitle(r.Env), f.width-vg.Points(2*figPad))
		if fits {
			break
		}
	}
	f.height = vg.Length(f.rows)*f.tileH + vg.Points(figPad*float64(f.rows+1)) + f.titleHeight()
	return f, nil
}

func (f *figure) titleHeight() vg.Length {
	return vg.Length(len(f.title))*f.titleSty.Height("X") + vg.Points(8)
}

// draw draws the figure on dc, which is f.width×f.height.
func (f *figure) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	y := dc.Max.Y - vg.Points(4)
	for _, l := range f.title {
		dc.FillText(f.titleSty, vg.Point{X: dc.Center().X, Y: y}, l)
		y -= f.titleSty.Height("X")
	}
	dc.Max.Y -= f.titleHeight()

	plots := make([][]*plot.Plot, f.rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, f.cols)
	}
	for k, c := range f.charts {
		plots[k/f.cols][k%f.cols] = c.p
	}
	// Align the plots as if each tile were all plot, then take the same
	// strip off the right of every tile for its legend: every data area
	// shrinks alike, so they stay aligned.
	pad := vg.Points(figPad)
	tiles := draw.Tiles{Rows: f.rows, Cols: f.cols, PadX: pad, PadY: pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align(plots, tiles, dc)
	for k := range f.charts {
		f.charts[k].draw(canvases[k/f.cols][k%f.cols], f.legW)
	}
}

// plotTitle names the run in one line.
func plotTitle(e Env) string {
	return fmt.Sprintf("strider layoutbench · %s · %s · backend %s · GOMAXPROCS %d",
		e.Date[:min(10, len(e.Date))], e.CPU, backendLabel(e.Backend, e.BackendAbout), e.GOMAXPROCS)
}

// fitLines breaks s at " · " into as few lines as fit width in sty; fits
// is false when a part is wider than width by itself.
func fitLines(sty text.Style, s string, width vg.Length) (lines []string, fits bool) {
	fits = true
	for _, part := range strings.Split(s, " · ") {
		if n := len(lines); n > 0 && sty.Width(lines[n-1]+" · "+part) <= width {
			lines[n-1] += " · " + part
			continue
		}
		lines = append(lines, part)
		fits = fits && sty.Width(part) <= width
	}
	return lines, fits
}

// chart is one workload's panel: its plot and its legend, which is drawn
// beside the plot rather than over its data.
type chart struct {
	workload string
	p        *plot.Plot
	legend   plot.Legend
}

// reportCharts makes a chart per workload of r, in the order of its
// measurements; titled puts each workload's name above its plot.
func reportCharts(r *Report, titled bool) ([]chart, error) {
	var order []string
	byWorkload := map[string][]Measurement{}
	for _, m := range r.Measurements {
		if _, ok := byWorkload[m.Workload]; !ok {
			order = append(order, m.Workload)
		}
		byWorkload[m.Workload] = append(byWorkload[m.Workload], m)
	}
	charts := make([]chart, 0, len(order))
	ci := allCI(r.Measurements)
	for _, name := range order {
		c, err := newChart(name, byWorkload[name], r.Recommendations, titled, ci)
		if err != nil {
			return nil, err
		}
		charts = append(charts, c)
	}
	return charts, nil
}

// allCI reports whether every measurement has a confidence interval of
// its median, so that a chart's bars can be intervals throughout.
func allCI(ms []Measurement) bool {
	for _, m := range ms {
		if !(m.CILowNs > 0 && m.CILowNs <= m.MedianNs && m.CIHighNs >= m.MedianNs) {
			return false
		}
	}
	return len(ms) > 0
}

// legendSize is the width and height the chart's legend needs.
func (c *chart) legendSize() (w, h vg.Length) {
	r := c.legend.Rectangle(draw.Canvas{})
	return r.Size().X, r.Size().Y
}

// height is the height of the chart's tile: panelH, or more when its
// legend is taller than the data area.
func (c *chart) height() vg.Length {
	_, lh := c.legendSize()
	// The data area is what is left of panelH under the title and over
	// the x axis (its labels, tick labels and padding): about 50 points.
	over := vg.Points(50)
	if c.p.Title.Text != "" {
		over += c.p.Title.TextStyle.Height(c.p.Title.Text) + c.p.Title.Padding
	}
	return max(panelH, lh+over)
}

// draw draws the chart's plot into the left of dc, leaving a strip of
// legW on the right for its legend, whose top is level with the data's.
func (c *chart) draw(dc draw.Canvas, legW vg.Length) {
	pc := draw.Crop(dc, 0, -(legW + vg.Points(legendGap)), 0, 0)
	c.p.Draw(pc)
	data := c.p.DataCanvas(pc)
	lc := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Max.X - legW, Y: dc.Min.Y},
		Max: vg.Point{X: dc.Max.X, Y: data.Max.Y},
	}}
	c.legend.Draw(lc)
}

// textStyle is the sans-serif text of charts at size points.
func textStyle(size float64) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sansFont, vg.Points(size)),
		Handler: plot.DefaultTextHandler,
	}
}

// sansFont is the charts' typeface: Liberation Sans is metric-compatible
// with Arial and Helvetica, which a browser substitutes in the HTML
// report's SVG.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newChart plots one workload.
func newChart(name string, ms []Measurement, recs []Recommendation, titled, ci bool) (chart, error) {
	p := plot.New()
	setFonts(p)
	if titled {
		p.Title.Text = name
		p.Title.Padding = vg.Points(4)
	}
	p.X.Label.Text, _, _ = strings.Cut(ms[0].SizeLabel, "=")
	p.Y.Label.Text = ms[0].RateUnit
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = sizeTicks(ms), logTicks{}
	p.Add(plotter.NewGrid())

	leg := plot.NewLegend()
	leg.TextStyle = textStyle(8.5)
	leg.Top, leg.Left = true, true
	leg.ThumbnailWidth = vg.Points(18)
	leg.Padding = vg.Points(1.5)

	var choices []string
	points := map[string]plotter.XYs{}
	spans := map[string][]span{}
	for _, m := range ms {
		if _, ok := points[m.Choice]; !ok {
			choices = append(choices, m.Choice)
		}
		if m.Rate > 0 && !math.IsInf(m.Rate, 0) {
			points[m.Choice] = append(points[m.Choice], plotter.XY{X: float64(m.Size), Y: m.Rate})
			spans[m.Choice] = append(spans[m.Choice], rateSpan(m, ci))
		}
	}
	// Fixed ranges with a margin: the log scales need positive bounds even
	// when every point is the same (one size, one rate).
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for c, xy := range points {
		for i, p := range xy {
			xlo, xhi = min(xlo, p.X), max(xhi, p.X)
			ylo, yhi = min(ylo, p.Y-spans[c][i].Low), max(yhi, p.Y+spans[c][i].High)
		}
	}
	if !math.IsInf(xlo, 0) {
		p.X.Min, p.X.Max = xlo/1.25, xhi*1.25
		p.Y.Min, p.Y.Max = ylo/1.3, yhi*1.3
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
		xy, sp := points[c], spans[c]
		if len(xy) == 0 {
			continue
		}
		// Sizes in increasing order, so the line does not double back.
		idx := make([]int, len(xy))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xy[a].X, xy[b].X) })
		sxy, ssp := make(plotter.XYs, len(xy)), make(plotter.YErrors, len(xy))
		for i, j := range idx {
			sxy[i], ssp[i] = xy[j], sp[j]
		}
		l, s, err := plotter.NewLinePoints(sxy)
		if err != nil {
			return chart{}, err
		}
		col := plotutil.Color(k)
		l.Color, s.Color = col, col
		l.Dashes = plotutil.Dashes(k / 7)
		l.Width = vg.Points(1.5)
		s.Shape = plotutil.Shape(k)
		s.Radius = vg.Points(2.5)
		bars, err := plotter.NewYErrorBars(errPoints{sxy, ssp})
		if err != nil {
			return chart{}, err
		}
		bars.Color, bars.Width, bars.CapWidth = col, vg.Points(0.8), vg.Points(5)
		p.Add(bars, l, s)
		leg.Add(c, l, s)
	}
	if len(best) > 0 {
		s, err := plotter.NewScatter(best)
		if err != nil {
			return chart{}, err
		}
		s.Radius = vg.Points(6)
		s.Color = color.Gray{Y: 0x40}
		s.Shape = ringGlyph{}
		p.Add(s)
		// A smaller ring in the legend, to fit its line.
		thumb := *s
		thumb.Radius = vg.Points(4)
		leg.Add("recommended", &thumb)
	}
	return chart{workload: name, p: p, legend: leg}, nil
}

// setFonts gives p's texts the charts' typeface.
func setFonts(p *plot.Plot) {
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font,
	} {
		f.Typeface, f.Variant = sansFont.Typeface, sansFont.Variant
	}
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = vg.Points(10), vg.Points(10)
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(9), vg.Points(9)
}

// rateSpan is how far the rates at the bounds of the median's confidence
// interval (ci) lie below and above the rate at the median, or else the
// rates of the slowest and fastest samples; zero where unknown.
func rateSpan(m Measurement, ci bool) span {
	var e span
	if ci {
		e.Low = m.Rate - m.Rate*m.MedianNs/m.CIHighNs
		e.High = m.Rate*m.MedianNs/m.CILowNs - m.Rate
		return e
	}
	if m.MaxNs > m.MedianNs {
		e.Low = m.Rate - m.Rate*m.MedianNs/m.MaxNs
	}
	if m.MinNs > 0 && m.MinNs < m.MedianNs {
		e.High = m.Rate*m.MedianNs/m.MinNs - m.Rate
	}
	return e
}

// span is an error bar's extent below and above its point, an element of
// plotter.YErrors.
type span struct{ Low, High float64 }

// errPoints pairs points with their error bars for plotter.NewYErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// ringGlyph is an unfilled circle.
type ringGlyph struct{}

func (ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.2)})
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
// log axis spanning less than a decade still has labels; when that labels
// fewer than two values, every digit times a power of ten.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	for _, mantissas := range [][]float64{{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		var ts []plot.Tick
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range mantissas {
				// Dividing by an exact power of ten keeps 0.3 from
				// printing as 0.30000000000000004.
				v := m * math.Pow(10, e)
				if e < 0 {
					v = m / math.Pow(10, -e)
				}
				if v >= lo && v <= hi {
					ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
				}
			}
		}
		if len(ts) >= 2 {
			return ts
		}
	}
	return plot.DefaultTicks{}.Ticks(lo, hi)
}
