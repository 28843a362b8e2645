package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes r as a readable table: for each workload its
// measurements, size by size, then its recommendation per size.
func WriteTable(w io.Writer, r *Report) error {
	e := r.Env
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "layoutbench %s on %s (%d CPUs, GOMAXPROCS %d, %s/%s, %s), backend %s\n",
		e.Date, e.CPU, e.NumCPU, e.GOMAXPROCS, e.GOOS, e.GOARCH, e.GoVersion, e.Backend)
	fmt.Fprintf(ew, "each time is the median of %d samples after a warm-up; ± is the median absolute deviation%s\n", e.Reps, loadNote(e))
	docs := workloadDocs(r)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	recs := map[string][]Recommendation{}
	for _, rec := range r.Recommendations {
		recs[rec.Workload] = append(recs[rec.Workload], rec)
	}
	var last string
	flush := func() {
		if last == "" {
			return
		}
		tw.Flush()
		for _, rec := range recs[last] {
			fmt.Fprintf(ew, "  → %s: %s\n", rec.SizeLabel, recLine(rec))
		}
	}
	lastSize := -1
	for _, m := range r.Measurements {
		if m.Workload != last {
			flush()
			last, lastSize = m.Workload, -1
			fmt.Fprintf(ew, "\n%s — %s (naive: %s)\n", m.Workload, docs[m.Workload].Doc, docs[m.Workload].Naive)
			fmt.Fprintln(tw, "  size\tchoice\ttime\t±\trate\tcopied\tvs naive\t")
		}
		size := ""
		if m.Size != lastSize {
			size, lastSize = m.SizeLabel, m.Size
		}
		choice := m.Choice
		if m.Equivalent != "" {
			choice += " (=" + m.Equivalent + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%.0f%%\t%.3g %s\t%s\t%.2f×\t%s\n",
			size, choice, fmtNs(m.MedianNs), m.SpreadPct, m.Rate, m.RateUnit, fmtBytes(m.Copied), m.Speedup, mark(m, recs[m.Workload]))
	}
	flush()
	return ew.err
}

// loadNote warns when other work was running on the machine.
func loadNote(e Env) string {
	if e.LoadAvg > float64(e.NumCPU)/2 {
		return fmt.Sprintf("; load average %.1f at the start: the machine was busy, read ratios with care", e.LoadAvg)
	}
	return ""
}

// mark flags the recommended choice of m's size.
func mark(m Measurement, recs []Recommendation) string {
	for _, r := range recs {
		if r.Size == m.Size && r.Choice == m.Choice {
			return "★"
		}
	}
	return ""
}

// recLine is a recommendation in one line.
func recLine(r Recommendation) string {
	s := fmt.Sprintf("%s (%.2f× over %s) — %s", r.Choice, r.Speedup, r.Naive, r.Reason)
	if r.PlannerNote != "" {
		s += "; " + r.PlannerNote
	}
	return s
}

// WriteMarkdown writes r as Markdown for a README: a line naming the
// machine, a table of recommendations (consecutive sizes with the same
// recommendation share a row), and the full measurements in a details block.
func WriteMarkdown(w io.Writer, r *Report) error {
	e := r.Env
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "Measured %s on %s (%d CPUs, GOMAXPROCS %d, %s, backend %s), medians of %d samples%s.\n\n",
		e.Date[:min(10, len(e.Date))], e.CPU, e.NumCPU, e.GOMAXPROCS, e.GoVersion, e.Backend, e.Reps, loadNote(e))
	docs := workloadDocs(r)
	fmt.Fprintln(ew, "| workload | sizes | choose | speedup over naive | naive | strider's planner |")
	fmt.Fprintln(ew, "|---|---|---|---|---|---|")
	for _, g := range groupRecs(r.Recommendations) {
		first, last := g[0], g[len(g)-1]
		sizes := first.SizeLabel
		if len(g) > 1 {
			unit, _, _ := strings.Cut(first.SizeLabel, "=")
			sizes = fmt.Sprintf("%s=%d–%d", unit, first.Size, last.Size)
		}
		lo, hi := first.Speedup, first.Speedup
		tie := false
		for _, x := range g {
			lo, hi = min(lo, x.Speedup), max(hi, x.Speedup)
			tie = tie || x.Choice == x.Naive && x.Fastest != x.Naive
		}
		sp := fmt.Sprintf("%.2f×", lo)
		if hi-lo >= 0.005 {
			sp = fmt.Sprintf("%.2f–%.2f×", lo, hi)
		}
		choice := "`" + first.Choice + "`"
		if tie {
			choice += " (tie)"
		}
		planner := ""
		for _, x := range g {
			if x.PlannerAgrees == nil {
				continue
			}
			p := x.Planner
			if !*x.PlannerAgrees {
				p = "**" + p + " (slower)**"
			}
			if !strings.Contains(planner, p) {
				if planner != "" {
					planner += ", "
				}
				planner += p
			}
		}
		fmt.Fprintf(ew, "| `%s` | %s | %s | %s | `%s` | %s |\n",
			first.Workload, sizes, choice, sp, first.Naive, planner)
	}
	fmt.Fprintln(ew)
	seen := map[string]bool{}
	for _, rec := range r.Recommendations {
		if w, ok := docs[rec.Workload]; ok && !seen[w.Name] {
			seen[w.Name] = true
			fmt.Fprintf(ew, "- `%s`: %s. Choices: ", w.Name, w.Doc)
			for k, c := range w.Choices {
				if k > 0 {
					fmt.Fprint(ew, "; ")
				}
				fmt.Fprintf(ew, "`%s` %s", c.Name, c.Doc)
			}
			fmt.Fprintln(ew, ".")
		}
	}
	fmt.Fprintln(ew, "\n<details><summary>All measurements</summary>")
	fmt.Fprintln(ew)
	fmt.Fprintln(ew, "| workload | size | choice | time | ± | rate | copied | vs naive |")
	fmt.Fprintln(ew, "|---|---|---|---|---|---|---|---|")
	for _, m := range r.Measurements {
		c := m.Choice
		if m.Equivalent != "" {
			c += " (=" + m.Equivalent + ")"
		}
		if isRecommended(m, r.Recommendations) {
			c = "**" + c + "**"
		}
		fmt.Fprintf(ew, "| %s | %s | %s | %s | %.0f%% | %.3g %s | %s | %.2f× |\n",
			m.Workload, m.SizeLabel, c, fmtNs(m.MedianNs), m.SpreadPct, m.Rate, m.RateUnit, fmtBytes(m.Copied), m.Speedup)
	}
	fmt.Fprintln(ew, "\n</details>")
	return ew.err
}

func isRecommended(m Measurement, recs []Recommendation) bool {
	for _, r := range recs {
		if r.Workload == m.Workload && r.Size == m.Size && r.Choice == m.Choice {
			return true
		}
	}
	return false
}

// groupRecs splits recommendations into runs of consecutive sizes of one
// workload with the same choice.
func groupRecs(rs []Recommendation) [][]Recommendation {
	var gs [][]Recommendation
	for _, r := range rs {
		if n := len(gs); n > 0 {
			g := gs[n-1]
			if p := g[len(g)-1]; p.Workload == r.Workload && p.Choice == r.Choice {
				gs[n-1] = append(g, r)
				continue
			}
		}
		gs = append(gs, []Recommendation{r})
	}
	return gs
}

// workloadDocs maps the name of every workload of Families and of r's
// extra families to it.
func workloadDocs(r *Report) map[string]Workload {
	m := map[string]Workload{}
	for _, f := range append(Families(), r.extra...) {
		for _, w := range f.Workloads {
			m[w.Name] = w
		}
	}
	return m
}

// errWriter keeps the first write error, so printing code can ignore them.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}
