package bench

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable writes r as a readable table: for each workload its
// measurements, size by size, then its recommendation per size.
func WriteTable(w io.Writer, r *Report) error {
	e := r.Env
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "layoutbench %s on %s (%s%d CPUs, GOMAXPROCS %d, %s/%s, %s), backend %s\n",
		e.Date, e.CPU, featuresNote(e), e.NumCPU, e.GOMAXPROCS, e.GOOS, e.GOARCH, e.GoVersion, backendLabel(e.Backend, e.BackendAbout))
	if e.BackendWarning != "" {
		fmt.Fprintf(ew, "warning: %s\n", e.BackendWarning)
	}
	fmt.Fprintf(ew, "%s%s\n", samplingNote(r), loadNote(e))
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
			fmt.Fprintf(tw, "  size\tchoice\ttime\t%s\tn\trate\tcopied\tvs naive\t\n", ciHeader(r))
		}
		size := ""
		if m.Size != lastSize {
			size, lastSize = m.SizeLabel, m.Size
		}
		choice := m.Choice
		if m.Equivalent != "" {
			choice += " (=" + m.Equivalent + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%.3g %s\t%s\t%.2f×\t%s\n",
			size, choice, fmtNs(m.MedianNs), fmtCI(m), m.Reps, m.Rate, m.RateUnit, fmtBytes(m.Copied), m.Speedup, mark(m, recs[m.Workload]))
	}
	flush()
	if line := aaSummary(r); line != "" {
		fmt.Fprintf(ew, "\n%s\n", line)
	}
	return ew.err
}

// aaSummary sums up the A/A checks of a run made with Options.AA: how many
// tied, and the range of the twins' ratios.
func aaSummary(r *Report) string {
	var n, failed int
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, rec := range r.Recommendations {
		if rec.AA == nil {
			continue
		}
		n++
		if rec.Noisy {
			failed++
		}
		lo, hi = min(lo, rec.AA.Estimate), max(hi, rec.AA.Estimate)
	}
	switch {
	case n == 0:
		return ""
	case failed > 0:
		return fmt.Sprintf("A/A check: the naive choice and its twin did not tie at %d of %d workload sizes (twin's time over the original's, Hodges-Lehmann, %.2f–%.2f×): the machine is too noisy for those recommendations; they keep the naive choice", failed, n, lo, hi)
	}
	return fmt.Sprintf("A/A check: the naive choice and its twin tied at all %d workload sizes (twin's time over the original's, Hodges-Lehmann, %.2f–%.2f×)", n, lo, hi)
}

// featuresNote is the CPU's vector extensions for a header, or nothing.
func featuresNote(e Env) string {
	if e.CPUFeatures == "" {
		return ""
	}
	return e.CPUFeatures + "; "
}

// loadNote warns when other work was running on the machine, at the start
// or by the end of the run.
func loadNote(e Env) string {
	busy := float64(e.NumCPU) / 2
	switch {
	case e.LoadAvg > busy && e.LoadAvgEnd > busy:
		return fmt.Sprintf("; load average %.1f at the start, %.1f at the end: the machine was busy, read ratios with care", e.LoadAvg, e.LoadAvgEnd)
	case e.LoadAvg > busy:
		return fmt.Sprintf("; load average %.1f at the start: the machine was busy, read ratios with care", e.LoadAvg)
	case e.LoadAvgEnd > busy:
		return fmt.Sprintf("; load average %.1f at the end (%.1f at the start): other work started during the run, read ratios with care", e.LoadAvgEnd, e.LoadAvg)
	}
	return ""
}

// samplingNote says how the times were taken and what decides a
// recommendation.
func samplingNote(r *Report) string {
	s := r.Sampling
	if s == nil { // a report of version 0
		return fmt.Sprintf("each time is the median of %d samples after a warm-up; ± is the median absolute deviation", r.Env.Reps)
	}
	note := fmt.Sprintf("each time is the median of n samples (%d to %d, or until %s per choice is spent), taken round-robin across a workload's choices; "+
		"%s CI bounds the median, ~ marks an interval wider than ±%g%%; a choice is recommended over the naive one when a Mann-Whitney U test "+
		"tells them apart at α=%g and the medians differ by more than %g%%",
		s.MinReps, s.MaxReps, time.Duration(s.BudgetNs), confidence(s.Alpha), 100*s.Precision, s.Alpha, 100*s.TieFloor)
	if s.AA {
		note += "; A/A: the naive choice measured twice must tie, or the machine is too noisy to recommend"
	}
	return note
}

// ciHeader names the interval column.
func ciHeader(r *Report) string {
	if r.Sampling == nil {
		return "±"
	}
	return confidence(r.Sampling.Alpha) + " CI"
}

// fmtCI formats the interval of m's median relative to it, or its spread
// for a measurement without one.
func fmtCI(m Measurement) string {
	if len(m.Samples) == 0 {
		return fmt.Sprintf("%.0f%%", m.SpreadPct)
	}
	if m.CILowNs <= 0 || m.MedianNs <= 0 {
		return "n/a"
	}
	s := fmt.Sprintf("-%.1f/+%.1f%%", 100*(1-m.CILowNs/m.MedianNs), 100*(m.CIHighNs/m.MedianNs-1))
	if m.Unstable {
		s += " ~"
	}
	return s
}

// mark flags the recommended choice of m's size; none when the A/A check
// found the machine too noisy to recommend.
func mark(m Measurement, recs []Recommendation) string {
	for _, r := range recs {
		if r.Size == m.Size && r.Choice == m.Choice && !r.Noisy {
			return "★"
		}
	}
	return ""
}

// recLine is a recommendation in one line, with the A/A check's outcome.
func recLine(r Recommendation) string {
	choice := r.Choice
	if r.Noisy {
		choice += ", too noisy to recommend"
	}
	s := fmt.Sprintf("%s (%.2f× over %s) — %s", choice, r.Speedup, r.Naive, r.Reason)
	if r.PlannerNote != "" {
		s += "; " + r.PlannerNote
	}
	if a := r.AA; a != nil && !r.Noisy {
		s += fmt.Sprintf("; A/A: %s measured twice, %.2f×%s: tie", a.Base, a.Estimate, ci(&a.Ratio))
	}
	return s
}

// WriteMarkdown writes r as Markdown for a README: a line naming the
// machine, a table of recommendations (consecutive sizes with the same
// recommendation share a row), and the full measurements in a details block.
func WriteMarkdown(w io.Writer, r *Report) error {
	e := r.Env
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "Measured %s on %s (%s%d CPUs, GOMAXPROCS %d, %s, backend %s), medians of %d samples%s.\n\n",
		e.Date[:min(10, len(e.Date))], e.CPU, featuresNote(e), e.NumCPU, e.GOMAXPROCS, e.GoVersion, backendLabel(e.Backend, e.BackendAbout), e.Reps, loadNote(e))
	if e.BackendWarning != "" {
		fmt.Fprintf(ew, "> **Warning:** %s\n\n", e.BackendWarning)
	}
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
		tie, noisy := false, false
		for _, x := range g {
			lo, hi = min(lo, x.Speedup), max(hi, x.Speedup)
			tie = tie || x.Choice == x.Naive && x.Fastest != x.Naive
			noisy = noisy || x.Noisy
		}
		sp := fmt.Sprintf("%.2f×", lo)
		if hi-lo >= 0.005 {
			sp = fmt.Sprintf("%.2f–%.2f×", lo, hi)
		}
		choice := "`" + first.Choice + "`"
		switch {
		case noisy:
			choice += " (too noisy)"
		case tie:
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
	// The choices the report measured, so that a report reads the same
	// whatever backends the program rendering it was built with.
	measured := map[[2]string]bool{}
	for _, m := range r.Measurements {
		measured[[2]string{m.Workload, m.Choice}] = true
	}
	seen := map[string]bool{}
	for _, rec := range r.Recommendations {
		if w, ok := docs[rec.Workload]; ok && !seen[w.Name] {
			seen[w.Name] = true
			fmt.Fprintf(ew, "- `%s`: %s. Choices: ", w.Name, w.Doc)
			k := 0
			for _, c := range w.Choices {
				if !measured[[2]string{w.Name, c.Name}] {
					continue
				}
				if k > 0 {
					fmt.Fprint(ew, "; ")
				}
				k++
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
