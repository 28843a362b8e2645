package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strider-go/strider/bench"
)

var htmlShot = flag.String("htmlshot", "", "directory to keep the page and screenshot of TestHTMLInChromium in, to look at")

// htmlReport is a report of two workloads with hand-written measurements
// and recommendations; the tests' expectations are written out from these
// numbers, not computed by the package's formatting.
func htmlReport() *bench.Report {
	m := func(w string, n int, choice string, median, spread, rate float64, copied int64, speedup float64) bench.Measurement {
		unit, fam := "GFLOP/s", "gemm"
		if strings.HasPrefix(w, "gemv") {
			unit, fam = "GB/s", "gemv"
		}
		return bench.Measurement{
			Family: fam, Workload: w, Size: n, SizeLabel: fmt.Sprintf("n=%d", n), Choice: choice,
			Bench: fmt.Sprintf("Benchmark%s/n=%d/%s", w, n, choice), Reps: 5, Inner: 10,
			MedianNs: median, MinNs: median * 0.95, MaxNs: median * 1.1, MADNs: median * spread / 100, SpreadPct: spread,
			Rate: rate, RateUnit: unit, Copied: copied, Speedup: speedup,
		}
	}
	ms := []bench.Measurement{
		m("gemm/col", 64, "trans", 200e3, 4.2, 2.62144, 0, 0.5),
		m("gemm/col", 64, "packA", 50e3, 1, 10.48576, 32768, 2),
		m("gemm/col", 64, "pack", 100e3, 2, 5.24288, 65536, 1),
		m("gemm/col", 64, "auto", 52e3, 3, 10.08, 32768, 1.923),
		m("gemm/col", 256, "trans", 40e6, 0.4, 0.8388608, 0, 0.25),
		m("gemm/col", 256, "packA", 2.5e6, 1.4, 13.42, 524288, 4),
		m("gemm/col", 256, "pack", 10e6, 0.6, 3.356, 1048576, 1),
		m("gemm/col", 256, "auto", 40.5e6, 2.5, 0.828, 0, 0.247),
		m("gemv/col", 256, "trans", 8e3, 12, 65.5, 0, 30),
		m("gemv/col", 256, "copy", 240e3, 0, 2.18, 524288, 1),
	}
	ms[2].Naive, ms[6].Naive, ms[9].Naive = true, true, true
	ms[3].Plan, ms[3].Equivalent = "A packed, NN", "packA"
	ms[7].Plan, ms[7].Equivalent = "TT", "trans"
	// Sampled with a confidence interval that stayed wide.
	ms[9].Samples = []float64{228e3, 240e3, 247.2e3, 239e3, 241e3, 260e3}
	ms[9].CILowNs, ms[9].CIHighNs, ms[9].Unstable = 228e3, 247.2e3, true
	yes, no := true, false
	return &bench.Report{
		Env: bench.Env{
			Date: "2026-01-02T03:04:05Z", CPU: "Test CPU <9000> & Co", NumCPU: 2, GOMAXPROCS: 2,
			GOOS: "linux", GOARCH: "amd64", GoVersion: "go1.26.8", Backend: "gonum", Backends: []string{"gonum", "netlib"},
			Quick: true, Reps: 5, MinSample: 3e6, LoadAvg: 1.7,
		},
		Measurements: ms,
		Recommendations: []bench.Recommendation{
			{Family: "gemm", Workload: "gemm/col", Size: 64, SizeLabel: "n=64", Choice: "packA", Fastest: "packA", Naive: "pack", Speedup: 2,
				Tie: true, TiedWith: []string{"auto"}, Reason: "packA is 2.00× faster than pack; tie with auto",
				Planner: "packA", PlannerAgrees: &yes, PlannerNote: "planner picks packA: right"},
			{Family: "gemm", Workload: "gemm/col", Size: 256, SizeLabel: "n=256", Choice: "packA", Fastest: "packA", Naive: "pack", Speedup: 4,
				Reason:  "packA is 4.00× faster than pack",
				Planner: "trans", PlannerAgrees: &no, PlannerNote: "planner picks trans (40ms) but packA measured 16.00× faster (2.5ms)"},
			{Family: "gemv", Workload: "gemv/col", Size: 256, SizeLabel: "n=256", Choice: "trans", Fastest: "trans", Naive: "copy", Speedup: 30,
				Reason: "trans is 30.00× faster than copy"},
		},
	}
}

// node is an element of a parsed page.
type node struct {
	name     string
	attr     map[string]string
	children []*node // elements and text, in order
	text     string  // of a text node, named "#text"
	parent   *node
}

// parseHTML reads a page as XML with HTML's void elements and entities,
// and returns its document node (whose children are the top elements).
func parseHTML(t *testing.T, page []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	doc := &node{name: "#document", attr: map[string]string{}}
	cur := doc
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("page does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}, parent: cur}
			for _, a := range tok.Attr {
				key := a.Name.Local
				if a.Name.Space == "xmlns" || a.Name.Space == "http://www.w3.org/2000/xmlns/" {
					key = "xmlns:" + key
				} else if a.Name.Space != "" && a.Name.Space != tok.Name.Space {
					key = a.Name.Space + ":" + key
				}
				n.attr[key] = a.Value
			}
			cur.children = append(cur.children, n)
			cur = n
		case xml.EndElement:
			if cur.parent == nil || cur.name != tok.Name.Local {
				t.Fatalf("page: </%s> closes <%s>", tok.Name.Local, cur.name)
			}
			cur = cur.parent
		case xml.CharData:
			cur.children = append(cur.children, &node{name: "#text", text: string(tok), parent: cur})
		}
	}
	if cur != doc {
		t.Fatalf("page: <%s> not closed", cur.name)
	}
	return doc
}

// all returns the elements under n (n included) called name ("" for all).
func (n *node) all(name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(n *node) {
		if n.name == name || name == "" && n.name != "#text" {
			out = append(out, n)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(n)
	return out
}

// textContent is all the text under n, spaces collapsed.
func (n *node) textContent() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(n *node) {
		b.WriteString(n.text)
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (n *node) hasClass(c string) bool {
	return slices.Contains(strings.Fields(n.attr["class"]), c)
}

// ownText is the text directly inside n.
func (n *node) ownText() string {
	var b strings.Builder
	for _, c := range n.children {
		b.WriteString(c.text)
	}
	return b.String()
}

// cells returns the texts of a row's cells.
func (n *node) cells() []string {
	var s []string
	for _, c := range n.children {
		if c.name == "td" || c.name == "th" {
			s = append(s, c.textContent())
		}
	}
	return s
}

func writeHTML(t *testing.T, r *bench.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := bench.WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteHTMLSelfContained checks that the page is one document that
// refers to nothing outside itself.
func TestWriteHTMLSelfContained(t *testing.T) {
	page := writeHTML(t, htmlReport())
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) {
		t.Errorf("page starts %q, want <!DOCTYPE html>", page[:min(40, len(page))])
	}
	doc := parseHTML(t, page)
	var top []string
	for _, c := range doc.children {
		if c.name != "#text" || strings.TrimSpace(c.text) != "" {
			top = append(top, c.name)
		}
	}
	if !slices.Equal(top, []string{"html"}) || len(doc.all("html")) != 1 {
		t.Fatalf("top of the page: %q, want one html element", top)
	}
	if n := len(doc.all("head")); n != 1 {
		t.Errorf("%d head elements, want 1", n)
	}
	if n := len(doc.all("body")); n != 1 {
		t.Errorf("%d body elements, want 1", n)
	}
	if titles := doc.all("title"); len(titles) != 1 || !strings.HasPrefix(titles[0].textContent(), "strider layoutbench") {
		t.Errorf("title: got %d, want one naming layoutbench", len(titles))
	}
	for _, name := range []string{"script", "link", "img", "iframe", "object", "embed", "base", "image", "use", "foreignObject"} {
		if n := len(doc.all(name)); n > 0 {
			t.Errorf("%d <%s> elements, want none: the page must load nothing", n, name)
		}
	}
	ids := map[string]bool{}
	for _, n := range doc.all("") {
		if id, ok := n.attr["id"]; ok {
			if ids[id] {
				t.Errorf("id %q used twice", id)
			}
			ids[id] = true
		}
	}
	for _, n := range doc.all("") {
		for k, v := range n.attr {
			if strings.HasPrefix(k, "xmlns") {
				continue // a namespace's name, not a reference
			}
			if k == "href" || strings.HasSuffix(k, ":href") || k == "src" {
				if !strings.HasPrefix(v, "#") || !ids[v[1:]] {
					t.Errorf("<%s %s=%q>: want a link to an element of the page", n.name, k, v)
				}
			}
			if strings.Contains(v, "://") || strings.HasPrefix(v, "//") || strings.Contains(strings.ToLower(v), "url(") {
				t.Errorf("<%s %s=%q> refers outside the page", n.name, k, v)
			}
		}
		if tx := n.ownText(); strings.Contains(tx, "://") || strings.Contains(strings.ToLower(tx), "url(") || strings.Contains(tx, "@import") {
			t.Errorf("<%s> text refers outside the page: %.80q", n.name, tx)
		}
	}
	styles := doc.all("style")
	if len(styles) != 1 || styles[0].parent.name != "head" || !strings.Contains(styles[0].ownText(), "table") {
		t.Errorf("want one style sheet in head")
	}
}

// TestWriteHTMLCharts checks an inline SVG chart per workload, in its
// section, with a legend naming every choice.
func TestWriteHTMLCharts(t *testing.T) {
	r := htmlReport()
	doc := parseHTML(t, writeHTML(t, r))
	want := map[string][]string{
		"gemm/col": {"trans", "packA", "pack", "auto", "recommended"},
		"gemv/col": {"trans", "copy", "recommended"},
	}
	if n := len(doc.all("svg")); n != len(want) {
		t.Errorf("%d svg elements, want %d", n, len(want))
	}
	for _, sec := range doc.all("section") {
		w, ok := sec.attr["data-workload"]
		if !ok {
			continue
		}
		svgs := sec.all("svg")
		if len(svgs) != 1 {
			t.Errorf("%s: %d charts, want 1", w, len(svgs))
			continue
		}
		svg := svgs[0]
		if svg.attr["viewBox"] == "" || svg.attr["aria-label"] == "" {
			t.Errorf("%s: svg lacks viewBox or label: %v", w, svg.attr)
		}
		if n := len(svg.all("path")); n < 10 {
			t.Errorf("%s: %d paths, want lines, glyphs and axes", w, n)
		}
		var texts []string
		for _, tx := range svg.all("text") {
			texts = append(texts, tx.textContent())
		}
		for _, c := range want[w] {
			if !slices.Contains(texts, c) {
				t.Errorf("%s: chart texts %q lack %q", w, texts, c)
			}
		}
		for _, label := range []string{"64", "256"} {
			if w == "gemm/col" && !slices.Contains(texts, label) {
				t.Errorf("%s: no tick label %s: %q", w, label, texts)
			}
		}
		delete(want, w)
	}
	if len(want) > 0 {
		t.Errorf("no sections for %v", want)
	}
}

// TestWriteHTMLTables checks the measurement tables row by row, the
// recommendation lines and the summary against the numbers of htmlReport.
func TestWriteHTMLTables(t *testing.T) {
	doc := parseHTML(t, writeHTML(t, htmlReport()))
	want := map[string][][]string{
		"gemm/col": {
			{"n=64", "trans", "200µs", "4%", "5", "2.62 GFLOP/s", "0 B", "0.50×", ""},
			{"n=64", "packA", "50µs", "1%", "5", "10.5 GFLOP/s", "32.0 KiB", "2.00×", "★"},
			{"n=64", "pack", "100µs", "2%", "5", "5.24 GFLOP/s", "64.0 KiB", "1.00×", ""},
			{"n=64", "auto (=packA)", "52µs", "3%", "5", "10.1 GFLOP/s", "32.0 KiB", "1.92×", ""},
			{"n=256", "trans", "40ms", "0%", "5", "0.839 GFLOP/s", "0 B", "0.25×", ""},
			{"n=256", "packA", "2.5ms", "1%", "5", "13.4 GFLOP/s", "512.0 KiB", "4.00×", "★"},
			{"n=256", "pack", "10ms", "1%", "5", "3.36 GFLOP/s", "1.0 MiB", "1.00×", ""},
			{"n=256", "auto (=trans)", "40.5ms", "2%", "5", "0.828 GFLOP/s", "0 B", "0.25×", ""},
		},
		"gemv/col": {
			{"n=256", "trans", "8µs", "12%", "5", "65.5 GB/s", "0 B", "30.00×", "★"},
			// The interval is the median's −5%/+3%, marked unstable.
			{"n=256", "copy", "240µs", "", "5", "2.18 GB/s", "512.0 KiB", "1.00×", ""},
		},
	}
	wantRecs := map[string][]string{
		"gemm/col": {
			"n=64: packA (2.00× over pack) — packA is 2.00× faster than pack; tie with auto; planner picks packA: right",
			"n=256: packA (4.00× over pack) — packA is 4.00× faster than pack; planner picks trans (40ms) but packA measured 16.00× faster (2.5ms)",
		},
		"gemv/col": {"n=256: trans (30.00× over copy) — trans is 30.00× faster than copy"},
	}
	tables := 0
	for _, tab := range doc.all("table") {
		if !tab.hasClass("measurements") {
			continue
		}
		tables++
		sec := tab.parent
		for sec != nil && sec.attr["data-workload"] == "" {
			sec = sec.parent
		}
		if sec == nil {
			t.Fatal("measurement table outside a workload's section")
		}
		w := sec.attr["data-workload"]
		var got [][]string
		for _, tr := range tab.all("tr") {
			if tr.parent.name != "tbody" {
				continue
			}
			cells := tr.cells()
			if len(cells) != 9 {
				t.Errorf("%s: row %q: want 9 cells", w, cells)
				continue
			}
			if rec := tr.hasClass("rec"); rec != (cells[8] == "★") {
				t.Errorf("%s: row %q: class rec %v", w, cells, rec)
			}
			if ci := cells[3]; tr.hasClass("unstable") {
				if !strings.Contains(ci, "5.0") || !strings.Contains(ci, "3.0") {
					t.Errorf("%s: row %q: interval %q, want −5.0%%, +3.0%%", w, cells, ci)
				}
				cells[3] = ""
			}
			got = append(got, cells)
		}
		if !reflect.DeepEqual(got, want[w]) {
			t.Errorf("%s rows:\ngot  %q\nwant %q", w, got, want[w])
		}
		var recs []string
		for _, ul := range sec.all("ul") {
			if ul.hasClass("recs") {
				for _, li := range ul.all("li") {
					recs = append(recs, li.textContent())
				}
			}
		}
		if !slices.Equal(recs, wantRecs[w]) {
			t.Errorf("%s recommendations:\ngot  %q\nwant %q", w, recs, wantRecs[w])
		}
	}
	if tables != 2 {
		t.Errorf("%d measurement tables, want 2", tables)
	}

	// Consecutive sizes with the same choice share a summary row; a
	// planner whose pick is slower is marked.
	wantSummary := [][]string{
		{"gemm/col", "n=64–256", "packA", "2.00–4.00×", "pack", "packA, trans (slower)"},
		{"gemv/col", "n=256", "trans", "30.00×", "copy", ""},
	}
	var summary [][]string
	for _, tab := range doc.all("table") {
		if tab.hasClass("summary") {
			for _, tr := range tab.all("tr") {
				if tr.parent.name == "tbody" {
					summary = append(summary, tr.cells())
				}
			}
		}
	}
	if !reflect.DeepEqual(summary, wantSummary) {
		t.Errorf("summary:\ngot  %q\nwant %q", summary, wantSummary)
	}
}

// TestWriteHTMLEnvironment checks that every field of Env is listed, in
// order, with readable values, and that a busy machine is warned about.
func TestWriteHTMLEnvironment(t *testing.T) {
	r := htmlReport()
	// Fields the fixture leaves zero (those added to Env since) get a
	// value naming them, which must show.
	filled := map[string]string{}
	ev := reflect.ValueOf(&r.Env).Elem()
	for i := range ev.NumField() {
		f, v := ev.Type().Field(i), ev.Field(i)
		if !f.IsExported() || !v.IsZero() {
			continue
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString("value of " + f.Name)
			filled[f.Name] = "value of " + f.Name
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.String {
				v.Set(reflect.ValueOf([]string{"one of " + f.Name, "two"}))
				filled[f.Name] = "one of " + f.Name + ", two"
			}
		case reflect.Int, reflect.Int64:
			v.SetInt(7)
			filled[f.Name] = "7"
		case reflect.Bool:
			v.SetBool(true)
			filled[f.Name] = "yes"
		}
	}
	doc := parseHTML(t, writeHTML(t, r))
	got := map[string]string{}
	var fields []string
	for _, tr := range doc.all("tr") {
		if f, ok := tr.attr["data-field"]; ok {
			fields = append(fields, f)
			got[f] = tr.cells()[1]
		}
	}
	// Every exported field, whatever Env holds by now, in its order.
	var want []string
	et := reflect.TypeFor[bench.Env]()
	for i := range et.NumField() {
		if f := et.Field(i); f.IsExported() && f.Type.Kind() != reflect.Struct {
			want = append(want, f.Name)
		}
	}
	for _, f := range want {
		if !slices.Contains(fields, f) {
			t.Errorf("environment lacks the field %s", f)
		}
	}
	for k, v := range map[string]string{
		"Date": "2026-01-02T03:04:05Z", "CPU": "Test CPU <9000> & Co", "NumCPU": "2", "GOMAXPROCS": "2",
		"GOOS": "linux", "GOARCH": "amd64", "GoVersion": "go1.26.8", "Backend": "gonum", "Backends": "gonum, netlib",
		"Quick": "yes", "Reps": "5", "MinSample": "3ms", "LoadAvg": "1.7",
	} {
		if got[k] != v {
			t.Errorf("environment %s: got %q, want %q", k, got[k], v)
		}
	}
	for k, v := range filled {
		if got[k] != v {
			t.Errorf("environment %s: got %q, want %q", k, got[k], v)
		}
	}
	if i, j := slices.Index(fields, "Date"), slices.Index(fields, "LoadAvg"); i < 0 || j < i {
		t.Errorf("environment fields out of order: %v", fields)
	}
	if len(doc.all("section")) == 0 || !strings.Contains(doc.textContent(), "Environment") {
		t.Error("no environment section")
	}

	warnings := func(doc *node) []string {
		var ws []string
		for _, d := range doc.all("div") {
			if d.hasClass("warn") {
				ws = append(ws, d.textContent())
			}
		}
		return ws
	}
	// A field named a warning is one, at the top of the page.
	var fieldWarnings []string
	for k, v := range filled {
		if strings.Contains(k, "Warning") {
			fieldWarnings = append(fieldWarnings, v)
		}
	}
	ws := warnings(doc)
	if len(ws) != 1+len(fieldWarnings) || !strings.Contains(ws[0], "load average 1.7") {
		t.Errorf("load 1.7 on 2 CPUs: warnings %q, want one about the load and %q", ws, fieldWarnings)
	}
	for _, w := range fieldWarnings {
		if !slices.ContainsFunc(ws, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("warnings %q lack %q", ws, w)
		}
	}
	r.Env.LoadAvg = 0.2
	if ws := warnings(parseHTML(t, writeHTML(t, r))); len(ws) != len(fieldWarnings) {
		t.Errorf("load 0.2: warnings %q, want only %q", ws, fieldWarnings)
	}
}

// TestWriteHTMLExplanations checks the prose: how to read the numbers, and
// each workload's and choice's description from its family.
func TestWriteHTMLExplanations(t *testing.T) {
	doc := parseHTML(t, writeHTML(t, htmlReport()))
	var reading string
	for _, s := range doc.all("section") {
		if s.attr["id"] == "reading" {
			reading = s.textContent()
		}
	}
	for _, want := range []string{"median", "5 samples", "naive", "tie"} {
		if !strings.Contains(reading, want) {
			t.Errorf("explanations lack %q: %s", want, reading)
		}
	}
	var gemmCol bench.Workload
	for _, f := range bench.Families() {
		for _, w := range f.Workloads {
			if w.Name == "gemm/col" {
				gemmCol = w
			}
		}
	}
	var sec *node
	for _, s := range doc.all("section") {
		if s.attr["data-workload"] == "gemm/col" {
			sec = s
		}
	}
	if sec == nil {
		t.Fatal("no gemm/col section")
	}
	text := sec.textContent()
	if !strings.Contains(text, gemmCol.Doc) {
		t.Errorf("gemm/col section lacks its description %q", gemmCol.Doc)
	}
	for _, c := range gemmCol.Choices {
		if !strings.Contains(text, c.Name+" "+strings.Join(strings.Fields(c.Doc), " ")) {
			t.Errorf("gemm/col section lacks choice %s: %s", c.Name, c.Doc)
		}
	}
}

// TestWriteHTMLNoisy checks that a recommendation the A/A check found too
// noisy is marked in the summary and in its workload's lines.
func TestWriteHTMLNoisy(t *testing.T) {
	r := htmlReport()
	rec := &r.Recommendations[2]
	rec.Choice, rec.Speedup, rec.Noisy, rec.Reason = "copy", 1, true, "the machine is too noisy"
	doc := parseHTML(t, writeHTML(t, r))
	var summary []string
	for _, tab := range doc.all("table") {
		if tab.hasClass("summary") {
			for _, tr := range tab.all("tr") {
				if tr.attr["data-workload"] == "gemv/col" {
					summary = tr.cells()
				}
			}
		}
	}
	if len(summary) < 3 || summary[2] != "copy (too noisy)" {
		t.Errorf("summary of gemv/col: %q, want copy (too noisy)", summary)
	}
	noisy := 0
	for _, li := range doc.all("li") {
		if li.hasClass("noisy") {
			noisy++
			if !strings.Contains(li.textContent(), "the machine is too noisy") {
				t.Errorf("noisy line %q lacks its reason", li.textContent())
			}
		}
	}
	if noisy != 1 {
		t.Errorf("%d noisy lines, want 1", noisy)
	}
}

func TestWriteHTMLEmpty(t *testing.T) {
	doc := parseHTML(t, writeHTML(t, &bench.Report{Env: bench.Env{CPU: "x"}}))
	if n := len(doc.all("svg")); n != 0 {
		t.Errorf("%d charts of no measurements", n)
	}
	if !strings.Contains(doc.textContent(), "Environment") {
		t.Error("no environment section")
	}
}

// chromium returns the path of a Chromium or Chrome, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInChromium renders the page in headless Chromium, with the
// network shut off, and checks the DOM it built (the charts and tables)
// and its screenshot (not blank, the charts' colours drawn). With
// -args -htmlshot DIR the page and screenshot stay in DIR.
func TestHTMLInChromium(t *testing.T) {
	browser := chromium()
	if browser == "" {
		t.Skip("no chromium installed (Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	if *htmlShot != "" {
		dir = *htmlShot
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, writeHTML(t, htmlReport()), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	chrome := func(args ...string) []byte {
		args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--no-first-run", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
			// Nothing to load from the network, and no way to.
			"--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"}, args...)
		cmd := exec.CommandContext(ctx, browser, append(args, "file://"+page)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", browser, err, errOut.String())
		}
		return out.Bytes()
	}

	dom := parseHTML(t, chrome("--dump-dom"))
	if n := len(dom.all("svg")); n != 2 {
		t.Errorf("rendered DOM: %d svg elements, want 2", n)
	}
	rows := 0
	for _, tab := range dom.all("table") {
		if tab.hasClass("measurements") {
			for _, tr := range tab.all("tr") {
				if tr.parent.name == "tbody" {
					rows++
				}
			}
		}
	}
	if rows != len(htmlReport().Measurements) {
		t.Errorf("rendered DOM: %d measurement rows, want %d", rows, len(htmlReport().Measurements))
	}

	chrome("--screenshot="+shot, "--window-size=1400,2000")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 2000 {
		t.Errorf("screenshot %v, want 1400×2000", b)
	}
	colours := map[[3]uint32]bool{}
	light, red, green := 0, 0, 0
	near := func(r, g, b uint32, c [3]uint32) bool {
		d := func(x, y uint32) int { return int(x>>8) - int(y) }
		return d(r, c[0])*d(r, c[0])+d(g, c[1])*d(g, c[1])+d(b, c[2])*d(b, c[2]) < 40*40
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r+g+bl > 3*0xe000 {
				light++
			}
			// The first two colours of plotutil's palette: the charts'
			// first two lines.
			if near(r, g, bl, [3]uint32{0xf1, 0x5a, 0x60}) {
				red++
			}
			if near(r, g, bl, [3]uint32{0x7a, 0xc3, 0x6a}) {
				green++
			}
		}
	}
	total := b.Dx() * b.Dy()
	if len(colours) < 64 || light == total || light < total/3 {
		t.Errorf("screenshot: %d colours, %d of %d pixels light: want a page drawn on a light background", len(colours), light, total)
	}
	if red < 50 || green < 50 {
		t.Errorf("screenshot: %d red and %d green pixels of chart lines, want the charts drawn", red, green)
	}
}

// WriteHTML renders a report, here one read back from layoutbench -json,
// as a page to open in a browser.
func ExampleWriteHTML() {
	const js = `{"env": {"date": "2026-01-02T03:04:05Z", "cpu": "Example CPU", "num_cpu": 2, "gomaxprocs": 2, "backend": "gonum", "reps": 5},
	 "measurements": [
	  {"family": "gemv", "workload": "gemv/col", "size": 256, "size_label": "n=256", "choice": "trans", "median_ns": 8000, "min_ns": 7900, "max_ns": 8100, "rate": 65.5, "rate_unit": "GB/s", "speedup": 30},
	  {"family": "gemv", "workload": "gemv/col", "size": 256, "size_label": "n=256", "choice": "copy", "naive": true, "median_ns": 240000, "min_ns": 239000, "max_ns": 250000, "rate": 2.18, "rate_unit": "GB/s", "speedup": 1}],
	 "recommendations": [{"workload": "gemv/col", "size": 256, "size_label": "n=256", "choice": "trans", "fastest": "trans", "naive": "copy", "speedup": 30, "reason": "trans is 30.00× faster than copy"}]}`
	var r bench.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		panic(err)
	}
	var page bytes.Buffer
	if err := bench.WriteHTML(&page, &r); err != nil {
		panic(err)
	}
	// A program would write page.Bytes() to report.html and open it.
	s := page.String()
	fmt.Println(strings.Count(s, "<svg "), "chart;", strings.Count(s, `<tr data-workload="gemv/col" data-size="256"`), "measurements")
	// Output: 1 chart; 2 measurements
}
