package bench

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// WriteHTML writes r as one self-contained HTML page: the recommendations,
// the environment of the run, an explanation of how to read the numbers,
// and for each workload its description and choices, a chart of throughput
// against size (inline SVG drawn with gonum/plot, as WritePlot draws its
// panel) and the table of its measurements with the recommendation per
// size. The page loads nothing: no scripts, style sheets, fonts or images
// from elsewhere, so it opens in a browser without network access.
//
// Every field of r.Env is listed, in the order of its declaration.
func WriteHTML(w io.Writer, r *Report) error {
	page, err := newHTMLPage(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, page); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title    string
	Subtitle string
	Warnings []string
	Summary  []htmlSummary
	Env      []envRow
	Families []htmlFamily
	// Sampling says how the times were taken and what decides; CIHeader
	// heads the tables' interval column.
	Sampling, CIHeader string
	// CI is set when the charts' bars are the medians' intervals rather
	// than the spans of the samples.
	CI bool
}

type htmlFamily struct {
	Name, ID, Doc string
	Workloads     []htmlWorkload
}

type htmlWorkload struct {
	Name, ID, Doc, Naive string
	Choices              []Choice
	Chart                template.HTML
	Rows                 []htmlRow
	Recs                 []htmlRec
}

// htmlRow is one measurement; First marks the first row of a size.
type htmlRow struct {
	Workload, SizeLabel, Choice, Bench           string
	Size, Reps                                   int
	Time, CI, Rate, Copied, Speedup              string
	Faster, Slower, Recommended, First, Unstable bool
}

// htmlRec is a recommendation for one size, in recLine's words.
type htmlRec struct {
	SizeLabel, Line     string
	Size                int
	PlannerWrong, Noisy bool
}

// envRow is one field of Env; Field is its Go name.
type envRow struct{ Field, Label, Value string }

func newHTMLPage(r *Report) (*htmlPage, error) {
	e := r.Env
	p := &htmlPage{
		Title: joinSome(" · ", "strider layoutbench", e.Date[:min(10, len(e.Date))], e.CPU),
		Subtitle: joinSome(" · ", e.CPU, fmt.Sprintf("%d CPUs", e.NumCPU), fmt.Sprintf("GOMAXPROCS %d", e.GOMAXPROCS),
			"backend "+backendLabel(e.Backend, e.BackendAbout), e.Date),
		Env:      envRows(reflect.ValueOf(e), ""),
		Sampling: samplingNote(r),
		CIHeader: ciHeader(r),
		CI:       allCI(r.Measurements),
	}
	if n := loadNote(e); n != "" {
		p.Warnings = append(p.Warnings, strings.TrimPrefix(n, "; "))
	}
	p.Warnings = append(p.Warnings, envWarnings(reflect.ValueOf(e))...)

	for _, g := range groupRecs(r.Recommendations) {
		p.Summary = append(p.Summary, newHTMLSummary(g))
	}
	charts, err := reportCharts(r, false)
	if err != nil {
		return nil, err
	}
	svgs := map[string]template.HTML{}
	for i := range charts {
		svg, err := chartSVG(&charts[i])
		if err != nil {
			return nil, err
		}
		svgs[charts[i].workload] = svg
	}

	docs := workloadDocs(r)
	famDocs := map[string]string{}
	for _, f := range append(Families(), r.extra...) {
		famDocs[f.Name] = f.Doc
	}
	var order []string
	workloads := map[string]*htmlWorkload{}
	family := map[string]string{}
	lastSize := map[string]int{}
	for _, m := range r.Measurements {
		hw, ok := workloads[m.Workload]
		if !ok {
			d := docs[m.Workload]
			hw = &htmlWorkload{Name: m.Workload, ID: htmlID("w", m.Workload), Doc: d.Doc, Naive: d.Naive, Choices: d.Choices, Chart: svgs[m.Workload]}
			workloads[m.Workload] = hw
			order = append(order, m.Workload)
			family[m.Workload] = m.Family
			if m.Family == "" {
				family[m.Workload], _, _ = strings.Cut(m.Workload, "/")
			}
			lastSize[m.Workload] = -1
		}
		if hw.Naive == "" && m.Naive {
			hw.Naive = m.Choice
		}
		choice := m.Choice
		if m.Equivalent != "" {
			choice += " (=" + m.Equivalent + ")"
		}
		hw.Rows = append(hw.Rows, htmlRow{
			Workload: m.Workload, SizeLabel: m.SizeLabel, Size: m.Size, Reps: m.Reps, Choice: choice, Bench: m.Bench,
			Time: fmtNs(m.MedianNs), CI: fmtCI(m), Unstable: m.Unstable,
			Rate: fmt.Sprintf("%.3g %s", m.Rate, m.RateUnit), Copied: fmtBytes(m.Copied),
			Speedup: fmt.Sprintf("%.2f×", m.Speedup),
			Faster:  m.Speedup >= 1+TieFloor, Slower: m.Speedup > 0 && m.Speedup <= 1-TieFloor,
			Recommended: isRecommended(m, r.Recommendations),
			First:       m.Size != lastSize[m.Workload],
		})
		lastSize[m.Workload] = m.Size
	}
	for _, rec := range r.Recommendations {
		if hw, ok := workloads[rec.Workload]; ok {
			hw.Recs = append(hw.Recs, newHTMLRec(rec))
		}
	}
	// A family's workloads are consecutive in a report of Run; should
	// one come back later, its section gets an id of its own.
	ids := map[string]int{}
	for _, name := range order {
		fam := family[name]
		if n := len(p.Families); n == 0 || p.Families[n-1].Name != fam {
			id := htmlID("f", fam)
			if ids[id]++; ids[id] > 1 {
				id += "-" + strconv.Itoa(ids[id])
			}
			p.Families = append(p.Families, htmlFamily{Name: fam, ID: id, Doc: famDocs[fam]})
		}
		f := &p.Families[len(p.Families)-1]
		f.Workloads = append(f.Workloads, *workloads[name])
	}
	return p, nil
}

// htmlSummary is a row of the recommendations: consecutive sizes of a
// workload with the same recommended choice.
type htmlSummary struct {
	Workload, WorkloadID, Sizes, Choice, Naive, Speedup string
	Tie, Noisy                                          bool
	Planners                                            []htmlPlanner
}

type htmlPlanner struct {
	Name  string
	Wrong bool
}

func newHTMLSummary(g []Recommendation) htmlSummary {
	first, last := g[0], g[len(g)-1]
	h := htmlSummary{Workload: first.Workload, WorkloadID: htmlID("w", first.Workload), Sizes: first.SizeLabel, Choice: first.Choice, Naive: first.Naive}
	if len(g) > 1 {
		unit, _, _ := strings.Cut(first.SizeLabel, "=")
		h.Sizes = fmt.Sprintf("%s=%d–%d", unit, first.Size, last.Size)
	}
	lo, hi := first.Speedup, first.Speedup
	for _, rec := range g {
		lo, hi = min(lo, rec.Speedup), max(hi, rec.Speedup)
		h.Tie = h.Tie || rec.Choice == rec.Naive && rec.Fastest != rec.Naive && !rec.Noisy
		h.Noisy = h.Noisy || rec.Noisy
		if rec.PlannerAgrees == nil {
			continue
		}
		pl := htmlPlanner{Name: rec.Planner, Wrong: !*rec.PlannerAgrees}
		if !slices.Contains(h.Planners, pl) {
			h.Planners = append(h.Planners, pl)
		}
	}
	h.Speedup = fmt.Sprintf("%.2f×", lo)
	if hi-lo >= 0.005 {
		h.Speedup = fmt.Sprintf("%.2f–%.2f×", lo, hi)
	}
	return h
}

func newHTMLRec(rec Recommendation) htmlRec {
	return htmlRec{
		SizeLabel: rec.SizeLabel, Size: rec.Size, Line: recLine(rec), Noisy: rec.Noisy,
		PlannerWrong: rec.PlannerAgrees != nil && !*rec.PlannerAgrees,
	}
}

// joinSome joins the parts that are not empty.
func joinSome(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// htmlID makes an element id out of a name: "gemm/col" → "w-gemm-col".
func htmlID(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// chartSVG draws one chart as inline SVG: without the XML prolog, scaled
// by the page's style sheet.
func chartSVG(c *chart) (template.HTML, error) {
	lw, _ := c.legendSize()
	width, height := panelW+vg.Points(legendGap)+lw+vg.Points(8), c.height()
	cv := vgsvg.New(width, height)
	dc := draw.New(cv)
	c.draw(draw.Crop(dc, vg.Points(4), -vg.Points(4), vg.Points(4), -vg.Points(4)), lw)
	var b bytes.Buffer
	if _, err := cv.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("bench: vgsvg wrote no <svg> element")
	}
	label := html.EscapeString("throughput of " + c.workload + " against size, one line per choice")
	// The SVG is gonum/plot's own output, which escapes its text.
	return template.HTML(`<svg role="img" aria-label="` + label + `"` + strings.TrimPrefix(s[i:], "<svg")), nil
}

// envLabels are the headings of Env's fields; a field not named here is
// headed by its JSON name.
var envLabels = map[string]string{
	"Date":           "date",
	"CPU":            "CPU",
	"NumCPU":         "CPUs",
	"GOMAXPROCS":     "GOMAXPROCS",
	"GOOS":           "OS",
	"GOARCH":         "architecture",
	"GoVersion":      "Go",
	"Backend":        "backend",
	"Backends":       "backends compared",
	"BackendAbout":   "backend details",
	"BackendWarning": "backend warning",
	"Quick":          "quick mode",
	"Reps":           "samples per measurement",
	"MinSample":      "least time of a sample",
	"LoadAvg":        "load average (1 min) at the start",
	"LoadAvgEnd":     "load average (1 min) at the end",
	"CPUFeatures":    "CPU vector extensions",
}

// envRows lists the exported fields of the struct v in their order, nested
// structs flattened under their field's label.
func envRows(v reflect.Value, prefix string) []envRow {
	var rows []envRow
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		fv := v.Field(i)
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		label := envLabels[f.Name]
		if label == "" {
			label = tag
			if label == "" {
				label = f.Name
			}
			label = strings.ReplaceAll(label, "_", " ")
		}
		if prefix != "" {
			label = prefix + " · " + label
		}
		for fv.Kind() == reflect.Pointer && !fv.IsNil() {
			fv = fv.Elem()
		}
		if fv.Kind() == reflect.Struct {
			rows = append(rows, envRows(fv, label)...)
			continue
		}
		rows = append(rows, envRow{Field: prefix + f.Name, Label: label, Value: envValue(fv, tag)})
	}
	return rows
}

// envValue formats one field: nanoseconds (a JSON name ending in _ns) as a
// duration, lists comma-separated, a negative load average as unknown.
func envValue(v reflect.Value, tag string) string {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		switch {
		case strings.HasSuffix(tag, "_ns"):
			return fmtNs(x)
		case strings.HasPrefix(tag, "load") && x < 0:
			return "unknown"
		}
		return strconv.FormatFloat(x, 'g', 4, 64)
	case reflect.Bool:
		if v.Bool() {
			return "yes"
		}
		return "no"
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return "—"
		}
		s := make([]string, v.Len())
		for i := range s {
			s[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(s, ", ")
	case reflect.Map:
		keys := v.MapKeys()
		s := make([]string, len(keys))
		for i, k := range keys {
			s[i] = fmt.Sprintf("%v=%v", k.Interface(), v.MapIndex(k).Interface())
		}
		slices.Sort(s)
		return strings.Join(s, ", ")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "—"
		}
	}
	if s := fmt.Sprint(v.Interface()); s != "" {
		return s
	}
	return "—"
}

// envWarnings collects the strings and lists of strings of Env whose
// field name says they are warnings, for the top of the page.
func envWarnings(v reflect.Value) []string {
	var ws []string
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || !strings.Contains(f.Name, "Warning") {
			continue
		}
		switch x := v.Field(i).Interface().(type) {
		case string:
			if x != "" {
				ws = append(ws, x)
			}
		case []string:
			ws = append(ws, x...)
		}
	}
	return ws
}

var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="generator" content="strider layoutbench" />
<title>{{.Title}}</title>
<style>
:root { --fg: #1d2330; --muted: #5d6678; --line: #dfe3ea; --bg: #f6f7f9; --card: #fff; --accent: #2f6fde; --good: #1a7f37; --bad: #b42318; --warn-bg: #fff6db; --warn-line: #e9c46a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 0 24px 48px; }
header { background: #1d2330; color: #fff; padding: 20px 0 16px; margin-bottom: 20px; }
header .in { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
header h1 { margin: 0; font-size: 24px; font-weight: 650; letter-spacing: .2px; }
header p { margin: 4px 0 0; color: #c9d1e0; }
h2 { font-size: 20px; margin: 32px 0 8px; }
h3 { font-size: 17px; margin: 0 0 4px; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
p.doc { margin: 0 0 12px; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 12px 0; }
.warn { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 8px; padding: 10px 16px; margin: 12px 0; }
nav ul { list-style: none; padding: 0; margin: 0; columns: 4 200px; }
nav li { margin: 2px 0; break-inside: avoid; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.first td { border-top: 1px solid #b9c0cc; }
tr:not(.first) td.size { color: transparent; }
tr.rec td { background: #eef5ff; font-weight: 600; }
td.mark { color: var(--accent); width: 1.5em; }
table.measurements td code { white-space: nowrap; }
.faster { color: var(--good); }
.slower { color: var(--bad); }
.tie { color: var(--muted); font-weight: normal; font-size: 12px; }
.wrong { color: var(--bad); }
.noisy { color: #9a6700; }
tr.unstable td.ci { color: #9a6700; font-weight: 600; }
table.env th { width: 34%; background: none; font-weight: 500; }
table.env td { overflow-wrap: anywhere; }
.body { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 6fr); gap: 20px; align-items: start; }
@media (max-width: 1000px) { .body { grid-template-columns: minmax(0, 1fr); } }
figure { margin: 0; }
figure svg { display: block; width: 100%; max-width: 620px; height: auto; }
figure svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif !important; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
ul.recs { margin: 10px 0 0; padding-left: 18px; font-size: 13.5px; }
ul.recs li { margin: 2px 0; }
details { margin-top: 8px; font-size: 13.5px; }
details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 0; }
details dt { font-family: ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; }
details dd { margin: 0; color: var(--muted); }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px; }
@media (max-width: 1000px) { .two { grid-template-columns: minmax(0, 1fr); } }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
</style>
</head>
<body>
<header><div class="in">
<h1>strider layoutbench</h1>
<p>{{.Subtitle}}</p>
</div></header>
<main>
{{range .Warnings}}<div class="warn" role="note">⚠ {{.}}</div>
{{end}}
<section id="recommendations">
<h2>Recommendations</h2>
<div class="card">
<table class="summary">
<thead><tr><th>workload</th><th>sizes</th><th>choose</th><th class="num">speedup over naive</th><th>naive</th><th>strider's planner</th></tr></thead>
<tbody>
{{range .Summary}}<tr data-workload="{{.Workload}}"><td><a href="#{{.WorkloadID}}"><code>{{.Workload}}</code></a></td><td>{{.Sizes}}</td><td><code>{{.Choice}}</code>{{if .Tie}} <span class="tie">(tie)</span>{{end}}{{if .Noisy}} <span class="noisy">(too noisy)</span>{{end}}</td><td class="num">{{.Speedup}}</td><td><code>{{.Naive}}</code></td><td>{{range $i, $p := .Planners}}{{if $i}}, {{end}}<span{{if $p.Wrong}} class="wrong"{{end}}>{{$p.Name}}{{if $p.Wrong}} (slower){{end}}</span>{{end}}</td></tr>
{{end}}</tbody>
</table>
</div>
</section>

<div class="two">
<section id="environment">
<h2>Environment</h2>
<div class="card">
<table class="env">
<tbody>
{{range .Env}}<tr data-field="{{.Field}}"><th>{{.Label}}</th><td>{{.Value}}</td></tr>
{{end}}</tbody>
</table>
</div>
</section>

<section id="reading">
<h2>How to read this report</h2>
<div class="card">
<p>Each workload is one operation on fixed operand layouts; each of its <em>choices</em> is one way to compute it: a loop order, a trans flag, a copy, an algorithm, a backend. The <em>naive</em> choice is what a program without strider does; <code>auto</code> asks strider, and <code>auto (=X)</code> says which fixed choice its plan amounts to.</p>
<p>How the times were taken: {{.Sampling}}.</p>
<p>★ marks the recommended choice at each size: the fastest, unless the measurements cannot tell it from the naive choice; then the naive choice is kept and marked a tie, because a change of code needs a difference the measurements can see. <em>rate</em> is the throughput at the median, <em>copied</em> what the choice copies per run, <em>vs naive</em> the naive choice's median over this one's.</p>
<p>In the charts, throughput is plotted against size on log scales, one line per choice; {{if .CI}}the bars are the medians' confidence intervals{{else}}the bars reach from the slowest to the fastest sample{{end}}, and rings mark the recommended choice at each size.</p>
</div>
</section>
</div>

<nav class="card" aria-label="workloads">
<ul>
{{range .Families}}{{range .Workloads}}<li><a href="#{{.ID}}"><code>{{.Name}}</code></a></li>
{{end}}{{end}}</ul>
</nav>

{{range .Families}}<section class="family" id="{{.ID}}">
<h2>{{.Name}}</h2>
{{if .Doc}}<p class="doc">{{.Doc}}</p>
{{end}}{{range .Workloads}}<section class="workload card" id="{{.ID}}" data-workload="{{.Name}}">
<h3>{{.Name}}</h3>
<p class="doc">{{if .Doc}}{{.Doc}}. {{end}}Naive choice: <code>{{.Naive}}</code>.</p>
<div class="body">
<figure>
{{.Chart}}
<figcaption>Throughput of <code>{{.Name}}</code> against size; {{if $.CI}}bars: the medians' confidence intervals{{else}}bars from the slowest to the fastest sample{{end}}; rings mark the recommended choice.</figcaption>
</figure>
<div>
<table class="measurements">
<thead><tr><th>size</th><th>choice</th><th class="num">time</th><th class="num">{{$.CIHeader}}</th><th class="num">n</th><th class="num">rate</th><th class="num">copied</th><th class="num">vs naive</th><th></th></tr></thead>
<tbody>
{{range .Rows}}<tr data-workload="{{.Workload}}" data-size="{{.Size}}" class="{{if .First}}first{{end}}{{if .Recommended}} rec{{end}}{{if .Unstable}} unstable{{end}}"><td class="size">{{.SizeLabel}}</td><td title="{{.Bench}}"><code>{{.Choice}}</code></td><td class="num">{{.Time}}</td><td class="num ci">{{.CI}}</td><td class="num">{{.Reps}}</td><td class="num">{{.Rate}}</td><td class="num">{{.Copied}}</td><td class="num{{if .Faster}} faster{{else if .Slower}} slower{{end}}">{{.Speedup}}</td><td class="mark">{{if .Recommended}}★{{end}}</td></tr>
{{end}}</tbody>
</table>
<ul class="recs">
{{range .Recs}}<li data-size="{{.Size}}"{{if or .PlannerWrong .Noisy}} class="{{if .PlannerWrong}}wrong{{end}}{{if .Noisy}} noisy{{end}}"{{end}}><strong>{{.SizeLabel}}</strong>: {{.Line}}</li>
{{end}}</ul>
{{if .Choices}}<details>
<summary>The choices</summary>
<dl>
{{range .Choices}}<dt>{{.Name}}</dt>
<dd>{{.Doc}}</dd>
{{end}}</dl>
</details>
{{end}}</div>
</div>
</section>
{{end}}</section>
{{end}}
<footer>Written by <code>layoutbench -html</code> of strider (github.com/strider-go/strider). Each choice's go test benchmark is named in its row's tooltip.</footer>
</main>
</body>
</html>
`))
