package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// ErrReport: a JSON report that cannot be read, or two reports that cannot
// be compared.
var ErrReport = errors.New("bench: bad report")

// ReadReport reads a report in the JSON form layoutbench -json writes, of
// version ReportVersion or older, and checks what DiffReports relies on.
// Malformed JSON, a newer version, a measurement without a workload,
// choice or size, a median or sample that is not a positive number, and a
// choice measured twice at one size are errors (wrapping ErrReport) that
// say where the problem is.
func ReadReport(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var rep Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rep); err != nil {
		return nil, jsonError(data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: %s: more than one JSON value", ErrReport, position(data, dec.InputOffset()))
	}
	if rep.Version > ReportVersion {
		return nil, fmt.Errorf("%w: version %d, newer than this layoutbench reads (up to %d)", ErrReport, rep.Version, ReportVersion)
	}
	if len(rep.Measurements) == 0 {
		return nil, fmt.Errorf("%w: no measurements", ErrReport)
	}
	seen := map[string]int{}
	for i, m := range rep.Measurements {
		where := fmt.Sprintf("measurement %d", i)
		switch {
		case m.Workload == "":
			return nil, fmt.Errorf("%w: %s: no workload", ErrReport, where)
		case m.Choice == "":
			return nil, fmt.Errorf("%w: %s (%s): no choice", ErrReport, where, m.Workload)
		case m.Size <= 0:
			return nil, fmt.Errorf("%w: %s (%s %s): size %d, want a positive one", ErrReport, where, m.Workload, m.Choice, m.Size)
		case !finitePositive(m.MedianNs):
			return nil, fmt.Errorf("%w: %s (%s %s): median_ns %v, want a positive time", ErrReport, where, m.Workload, m.Choice, m.MedianNs)
		}
		for k, x := range m.Samples {
			if !finitePositive(x) {
				return nil, fmt.Errorf("%w: %s (%s %s): samples_ns[%d] is %v, want a positive time", ErrReport, where, m.Workload, m.Choice, k, x)
			}
		}
		key := measurementKey(m)
		if j, ok := seen[key]; ok {
			return nil, fmt.Errorf("%w: measurements %d and %d are both %s", ErrReport, j, i, key)
		}
		seen[key] = i
		if m.SizeLabel == "" {
			rep.Measurements[i].SizeLabel = fmt.Sprintf("size=%d", m.Size)
		}
	}
	return &rep, nil
}

func finitePositive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// jsonError turns a decoding error into one that names the line and column,
// and the field for a value of the wrong type.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%w: %s: %v", ErrReport, position(data, syn.Offset), syn)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("%w: %s: the report is a JSON %s, want an object", ErrReport, position(data, typ.Offset), typ.Value)
	case errors.As(err, &typ):
		return fmt.Errorf("%w: %s: field %s is a JSON %s, want %v", ErrReport, position(data, typ.Offset), typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: empty", ErrReport)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: cut short: %v", ErrReport, err)
	}
	return fmt.Errorf("%w: %v", ErrReport, err)
}

// position formats a byte offset into data as line:column.
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

func measurementKey(m Measurement) string {
	return m.Workload + " " + m.SizeLabel + " " + m.Choice
}

// ReportDiff is what changed between two reports of the same workloads:
// another machine, backend or commit.
type ReportDiff struct {
	Old, New Env
	// OldVersion and NewVersion are the reports' versions.
	OldVersion, NewVersion int
	// EnvChanges name the settings that differ: "GOMAXPROCS: 2 → 1".
	EnvChanges []string
	// Changes are the choices measured in both, in the old report's order.
	Changes []Change
	// OnlyOld and OnlyNew name the choices measured in one report only:
	// "gemm/col n=64 trans".
	OnlyOld, OnlyNew []string
	// Recommendations are the workloads and sizes whose recommended choice
	// changed.
	Recommendations []RecommendationChange
	// Alpha is the level of the tests.
	Alpha float64
}

// Change is one choice of one workload at one size in two reports.
type Change struct {
	Workload, SizeLabel, Choice string
	Size                        int
	// OldNs and NewNs are the medians.
	OldNs, NewNs float64
	// Ratio is the new times over the old (nil when either report has no
	// samples of it: reports of version 0).
	Ratio *Ratio
	// Verdict is "slower" or "faster" when the test tells the two apart at
	// the level Alpha and the medians differ by more than TieFloor (the
	// rule of Tied); "~" when they do not; "?" without samples.
	Verdict string
}

// RecommendationChange is a workload and size whose recommended choice
// differs between two reports.
type RecommendationChange struct {
	Workload, SizeLabel string
	Old, New            string
}

// DiffReports compares two reports choice by choice at the level alpha
// (Alpha when not in (0, 1)). Reports that share no workload, size and
// choice are an error (wrapping ErrReport) that names what each measured.
func DiffReports(old, new *Report, alpha float64) (*ReportDiff, error) {
	if alpha <= 0 || alpha >= 1 {
		alpha = Alpha
	}
	d := &ReportDiff{Old: old.Env, New: new.Env, OldVersion: old.Version, NewVersion: new.Version, Alpha: alpha}
	d.EnvChanges = envChanges(old, new)
	byKey := map[string]Measurement{}
	for _, m := range new.Measurements {
		byKey[measurementKey(m)] = m
	}
	matched := map[string]bool{}
	for _, o := range old.Measurements {
		k := measurementKey(o)
		n, ok := byKey[k]
		if !ok {
			d.OnlyOld = append(d.OnlyOld, k)
			continue
		}
		matched[k] = true
		c := Change{Workload: o.Workload, SizeLabel: o.SizeLabel, Choice: o.Choice, Size: o.Size, OldNs: o.MedianNs, NewNs: n.MedianNs, Verdict: "?"}
		if len(o.Samples) > 0 && len(n.Samples) > 0 {
			r := CompareSamples(o.Samples, n.Samples, alpha)
			c.Ratio = &r
			f, s := o.MedianNs, n.MedianNs
			if s < f {
				f, s = s, f
			}
			switch {
			case !r.Significant || s <= (1+TieFloor)*f:
				c.Verdict = "~"
			case n.MedianNs > o.MedianNs:
				c.Verdict = "slower"
			default:
				c.Verdict = "faster"
			}
		}
		d.Changes = append(d.Changes, c)
	}
	for _, m := range new.Measurements {
		if k := measurementKey(m); !matched[k] {
			d.OnlyNew = append(d.OnlyNew, k)
		}
	}
	if len(d.Changes) == 0 {
		return nil, fmt.Errorf("%w: the reports share no workload, size and choice: the old one measured %s; the new one %s",
			ErrReport, workloadsOf(old), workloadsOf(new))
	}
	recs := map[string]Recommendation{}
	for _, r := range new.Recommendations {
		recs[r.Workload+" "+r.SizeLabel] = r
	}
	for _, o := range old.Recommendations {
		if n, ok := recs[o.Workload+" "+o.SizeLabel]; ok && n.Choice != o.Choice {
			d.Recommendations = append(d.Recommendations, RecommendationChange{Workload: o.Workload, SizeLabel: o.SizeLabel, Old: o.Choice, New: n.Choice})
		}
	}
	return d, nil
}

// workloadsOf lists a report's workloads with their sizes.
func workloadsOf(r *Report) string {
	var order []string
	sizes := map[string][]string{}
	for _, m := range r.Measurements {
		if _, ok := sizes[m.Workload]; !ok {
			order = append(order, m.Workload)
		}
		if s := sizes[m.Workload]; len(s) == 0 || s[len(s)-1] != m.SizeLabel {
			sizes[m.Workload] = append(s, m.SizeLabel)
		}
	}
	var parts []string
	for _, w := range order {
		parts = append(parts, fmt.Sprintf("%s (%s)", w, strings.Join(sizes[w], ", ")))
	}
	return strings.Join(parts, ", ")
}

// envChanges names the settings of the machine and the run that differ.
func envChanges(old, new *Report) []string {
	o, n := old.Env, new.Env
	var out []string
	add := func(name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			out = append(out, fmt.Sprintf("%s: %v → %v", name, a, b))
		}
	}
	add("CPU", o.CPU, n.CPU)
	add("CPUs", o.NumCPU, n.NumCPU)
	add("GOMAXPROCS", o.GOMAXPROCS, n.GOMAXPROCS)
	add("platform", o.GOOS+"/"+o.GOARCH, n.GOOS+"/"+n.GOARCH)
	add("Go", o.GoVersion, n.GoVersion)
	add("backend", o.Backend, n.Backend)
	add("backend details", o.BackendAbout, n.BackendAbout)
	add("quick", o.Quick, n.Quick)
	add("report version", old.Version, new.Version)
	design := func(r *Report) string {
		if r.Sampling == nil {
			return "each choice sampled alone"
		}
		return r.Sampling.Design
	}
	add("sampling", design(old), design(new))
	return out
}

// WriteDiff writes d as a table: per workload, size and choice the old and
// new medians and the change, with its interval and significance.
func WriteDiff(w io.Writer, d *ReportDiff) error {
	ew := &errWriter{w: w}
	for _, e := range []struct {
		name    string
		env     Env
		version int
	}{{"old", d.Old, d.OldVersion}, {"new", d.New, d.NewVersion}} {
		fmt.Fprintf(ew, "%s: %s on %s (GOMAXPROCS %d, %s), backend %s, report version %d\n",
			e.name, e.env.Date, e.env.CPU, e.env.GOMAXPROCS, e.env.GoVersion, e.env.Backend, e.version)
	}
	if len(d.EnvChanges) > 0 {
		fmt.Fprintf(ew, "differs: %s\n", strings.Join(d.EnvChanges, "; "))
	}
	fmt.Fprintf(ew, "change: new time over old (Hodges-Lehmann estimate and %s CI); slower or faster when a Mann-Whitney U test tells them apart at α=%g and the medians differ by more than %g%%, else ~; ? without samples\n",
		confidence(d.Alpha), d.Alpha, 100*TieFloor)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nworkload\tsize\tchoice\told\tnew\tchange\tCI\tp\t")
	var lastW, lastS string
	for _, c := range d.Changes {
		wl, size := c.Workload, c.SizeLabel
		if wl == lastW {
			wl = ""
			if size == lastS {
				size = ""
			}
		}
		lastW, lastS = c.Workload, c.SizeLabel
		change, interval, p := fmt.Sprintf("%+.1f%%", 100*(c.NewNs/c.OldNs-1)), "", ""
		if r := c.Ratio; r != nil {
			change = fmt.Sprintf("%+.1f%%", 100*(r.Estimate-1))
			if r.HasInterval() {
				interval = fmt.Sprintf("%+.1f%% … %+.1f%%", 100*(r.Low-1), 100*(r.High-1))
			}
			p = fmt.Sprintf("%.2g", r.P)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wl, size, c.Choice, fmtNs(c.OldNs), fmtNs(c.NewNs), change, interval, p, c.Verdict)
	}
	tw.Flush()
	if len(d.Recommendations) > 0 {
		fmt.Fprintln(ew, "\nrecommendations that changed:")
		for _, r := range d.Recommendations {
			fmt.Fprintf(ew, "  %s %s: %s → %s\n", r.Workload, r.SizeLabel, r.Old, r.New)
		}
	}
	if len(d.OnlyOld) > 0 {
		fmt.Fprintf(ew, "\nonly in old: %s\n", strings.Join(d.OnlyOld, "; "))
	}
	if len(d.OnlyNew) > 0 {
		fmt.Fprintf(ew, "\nonly in new: %s\n", strings.Join(d.OnlyNew, "; "))
	}
	return ew.err
}
