package bench

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// TieFloor is the smallest relative difference between two choices that
// counts as a difference: below it, choices tie however significant the
// difference is, because a change of code needs a difference worth making.
const TieFloor = 0.05

// Tied reports whether slower is within noise of faster. With samples on
// both sides (Measurement.Samples, as Run records them), slower is within
// noise unless the Mann-Whitney U test tells the two apart at the level
// Alpha and slower's median is more than TieFloor above faster's.
// Measurements without samples (reports of version 0) fall back to the
// rule of that version: medians within TieFloor, or slower's fastest
// sample no slower than faster's median.
func Tied(faster, slower Measurement) bool {
	_, d := distinct(faster, slower, Alpha)
	return !d
}

// distinct reports whether s is slower than f by more than the noise, and
// the comparison that says so (nil without samples).
func distinct(f, s Measurement, alpha float64) (*Ratio, bool) {
	if len(f.Samples) == 0 || len(s.Samples) == 0 {
		tied := s.MedianNs-f.MedianNs <= TieFloor*f.MedianNs || s.MinNs <= f.MedianNs
		return nil, !tied
	}
	r := CompareSamples(f.Samples, s.Samples, alpha)
	return &r, r.Significant && s.MedianNs > (1+TieFloor)*f.MedianNs
}

// Recommend derives the recommendation for one workload at one size from the
// measurements of its choices (all of the same workload and size), naive
// being the naive choice's name, at the significance level Alpha:
//
//   - the fastest choice is the one with the smallest median, and the
//     choices that are not distinguishably slower than it (Tied) tie with
//     it;
//   - when the naive choice ties with the fastest, it is kept;
//   - otherwise a choice is recommended among those that tie with the
//     fastest and are distinguishably faster than the naive choice: the
//     auto choice when it is one of them (strider's planner does as well
//     as the best), else the one that copies least, else the first
//     measured. Preferring by rule rather than by the smallest median
//     keeps the recommendation from flipping between choices that tie.
//
// When an auto choice was measured, the planner's pick (its Equivalent) is
// checked against the fastest fixed choice in the same way, and auto's own
// time against the pick's (AutoVsPick). Recommend returns the zero
// Recommendation for no measurements.
func Recommend(ms []Measurement, naive string) Recommendation {
	return recommend(ms, naive, nil, Alpha)
}

// recommend is Recommend at the level alpha; twin, when not nil, is a
// second, independent measurement of the naive choice (the A/A check).
func recommend(ms []Measurement, naive string, twin *Measurement, alpha float64) Recommendation {
	if len(ms) == 0 {
		return Recommendation{}
	}
	byName := map[string]Measurement{}
	for _, m := range ms {
		byName[m.Choice] = m
	}
	fastest := ms[0]
	for _, m := range ms[1:] {
		if m.MedianNs < fastest.MedianNs {
			fastest = m
		}
	}
	r := Recommendation{
		Family: fastest.Family, Workload: fastest.Workload,
		Size: fastest.Size, SizeLabel: fastest.SizeLabel,
		Fastest: fastest.Choice, Naive: naive,
	}
	// top: the choices that tie with the fastest, in measured order.
	var top []Measurement
	for _, m := range ms {
		if _, d := distinct(fastest, m, alpha); !d || m.Choice == fastest.Choice {
			top = append(top, m)
		}
	}
	inTop := func(name string) bool {
		return slices.ContainsFunc(top, func(m Measurement) bool { return m.Choice == name })
	}
	nm, haveNaive := byName[naive]
	var rec Measurement
	switch {
	case !haveNaive:
		rec = prefer(top)
		r.Reason = fmt.Sprintf("%s is fastest (the naive choice %s was not measured)", rec.Choice, naive)
		if rec.Choice != fastest.Choice {
			r.Reason = fmt.Sprintf("%s ties with the fastest, %s (the naive choice %s was not measured)", rec.Choice, fastest.Choice, naive)
		}
	case inTop(naive):
		rec = nm
		if naive == fastest.Choice {
			r.Reason = fmt.Sprintf("the naive choice %s is fastest", naive)
			break
		}
		c, _ := distinct(fastest, nm, alpha)
		r.VsNaive = pair(fastest, nm, c)
		r.Reason = fmt.Sprintf("%s is %.2f× faster than %s%s: keep %s",
			fastest.Choice, nm.MedianNs/fastest.MedianNs, naive, whyTie(c), naive)
	default:
		// Only choices the naive one is distinguishably slower than.
		var better []Measurement
		for _, m := range top {
			if _, d := distinct(m, nm, alpha); d {
				better = append(better, m)
			}
		}
		if len(better) == 0 { // cannot be: the naive choice is distinctly slower than the fastest
			better = []Measurement{fastest}
		}
		rec = prefer(better)
		c, _ := distinct(rec, nm, alpha)
		r.VsNaive = pair(rec, nm, c)
		r.Reason = fmt.Sprintf("%s is %.2f× faster than %s%s", rec.Choice, nm.MedianNs/rec.MedianNs, naive, ci(c))
	}
	r.Choice = rec.Choice
	if haveNaive {
		r.Speedup = nm.MedianNs / rec.MedianNs
	}
	for _, m := range top {
		if m.Choice != rec.Choice {
			r.TiedWith = append(r.TiedWith, m.Choice)
		}
	}
	r.Tie = len(r.TiedWith) > 0
	if r.Tie {
		r.Reason += "; tie with " + strings.Join(r.TiedWith, ", ")
	}
	if twin != nil && haveNaive {
		aa(&r, nm, *twin, alpha)
	}

	auto, ok := byName[Auto]
	if !ok {
		return r
	}
	var bestFixed *Measurement
	for i, m := range ms {
		if m.Choice != Auto && (bestFixed == nil || m.MedianNs < bestFixed.MedianNs) {
			bestFixed = &ms[i]
		}
	}
	if bestFixed == nil {
		return r
	}
	var agrees bool
	_, autoSlow := distinct(*bestFixed, auto, alpha)
	autoFast := auto.MedianNs <= bestFixed.MedianNs || !autoSlow
	if pick, ok := byName[auto.Equivalent]; ok && auto.Equivalent != Auto {
		r.Planner = auto.Equivalent
		c, _ := distinct(pick, auto, alpha)
		r.AutoVsPick = pair(pick, auto, c)
		_, pickSlow := distinct(*bestFixed, pick, alpha)
		agrees = pick.Choice == bestFixed.Choice || !pickSlow
		// blasbridge may run the plan faster than the fixed choice's own
		// code (its batched GEMMs share a worker pool): auto's own time
		// counts too.
		switch {
		case agrees:
			r.PlannerNote = fmt.Sprintf("planner picks %s: right", pick.Choice)
		case autoFast:
			agrees = true
			r.PlannerNote = fmt.Sprintf("planner picks %s; as strider runs it (%s) it is as fast as the best fixed choice, %s (%s)",
				pick.Choice, fmtNs(auto.MedianNs), bestFixed.Choice, fmtNs(bestFixed.MedianNs))
		default:
			r.PlannerNote = fmt.Sprintf("planner picks %s (%s) but %s measured %.2f× faster (%s)",
				pick.Choice, fmtNs(pick.MedianNs), bestFixed.Choice, pick.MedianNs/bestFixed.MedianNs, fmtNs(bestFixed.MedianNs))
		}
		if c != nil {
			r.PlannerNote += fmt.Sprintf("; auto takes %.2f× %s's time%s", c.Estimate, pick.Choice, ci(c))
		}
	} else {
		// A plan that matches no fixed choice is judged by its own time.
		r.Planner = auto.Plan
		if r.Planner == "" {
			r.Planner = Auto
		}
		agrees = autoFast
		if agrees {
			r.PlannerNote = fmt.Sprintf("auto (%s) is as fast as the best fixed choice, %s", fmtNs(auto.MedianNs), bestFixed.Choice)
		} else {
			r.PlannerNote = fmt.Sprintf("auto (%s) is %.2f× slower than %s (%s)",
				fmtNs(auto.MedianNs), auto.MedianNs/bestFixed.MedianNs, bestFixed.Choice, fmtNs(bestFixed.MedianNs))
		}
	}
	r.PlannerAgrees = &agrees
	return r
}

// aa records the A/A check of naive against its twin in r: the same plan
// measured twice must tie by the rule that separates choices, or the
// machine is too noisy for any recommendation, and the naive choice is
// kept.
func aa(r *Recommendation, naive, twin Measurement, alpha float64) {
	c := CompareSamples(naive.Samples, twin.Samples, alpha)
	r.AA = &Pair{Base: naive.Choice, Other: twin.Choice, Ratio: c}
	f, s := naive, twin
	if s.MedianNs < f.MedianNs {
		f, s = s, f
	}
	if _, d := distinct(f, s, alpha); !d {
		return
	}
	r.Noisy = true
	r.Reason = fmt.Sprintf("A/A check failed: %s set up and measured twice, medians %.2f× apart%s: at this size the machine (its noise, or where buffers land in memory) does not reproduce a time to %g%%, too noisy to recommend: keep %s (measured: %s)",
		naive.Choice, s.MedianNs/f.MedianNs, ci(&c), 100*TieFloor, naive.Choice, r.Reason)
	r.Choice, r.Speedup, r.Tie, r.TiedWith = naive.Choice, 1, false, nil
}

// prefer picks among choices that tie: auto, else the one that copies
// least (unknown counts as most), else the first.
func prefer(ms []Measurement) Measurement {
	if i := slices.IndexFunc(ms, func(m Measurement) bool { return m.Choice == Auto }); i >= 0 {
		return ms[i]
	}
	best := ms[0]
	for _, m := range ms[1:] {
		if copiedRank(m) < copiedRank(best) {
			best = m
		}
	}
	return best
}

func copiedRank(m Measurement) int64 {
	if m.Copied < 0 {
		return 1 << 62
	}
	return m.Copied
}

// pair returns c as a Pair of base and other, or nil.
func pair(base, other Measurement, c *Ratio) *Pair {
	if c == nil {
		return nil
	}
	return &Pair{Base: base.Choice, Other: other.Choice, Ratio: *c}
}

// ci formats a comparison's interval and p-value for a reason line.
func ci(c *Ratio) string {
	if c == nil {
		return ""
	}
	if !c.HasInterval() {
		return fmt.Sprintf(" (p=%.2g)", c.P)
	}
	return fmt.Sprintf(" (%s CI %.2f–%.2f×, p=%.2g)", confidence(c.Alpha), c.Low, c.High, c.P)
}

// whyTie says why a difference c counts as a tie.
func whyTie(c *Ratio) string {
	switch {
	case c == nil:
		return ", within noise"
	case !c.Significant:
		return ci(c) + ", not significant"
	}
	return fmt.Sprintf("%s, less than the %g%% that counts", ci(c), 100*TieFloor)
}

// recommendAll groups measurements by workload and size, in order of first
// appearance, and recommends for each group at level alpha; twins holds the
// A/A twins by workload and size.
func recommendAll(ms []Measurement, naive func(workload string) string, twins map[groupKey]Measurement, alpha float64) []Recommendation {
	var order []groupKey
	groups := map[groupKey][]Measurement{}
	for _, m := range ms {
		k := groupKey{m.Workload, m.Size}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	var rs []Recommendation
	for _, k := range order {
		var twin *Measurement
		if t, ok := twins[k]; ok {
			twin = &t
		}
		rs = append(rs, recommend(groups[k], naive(k.workload), twin, alpha))
	}
	return rs
}

// groupKey names one workload at one size.
type groupKey struct {
	workload string
	size     int
}

// setSpeedups fills Speedup of every measurement from its group's naive one.
func setSpeedups(ms []Measurement) {
	for i := range ms {
		j := slices.IndexFunc(ms, func(m Measurement) bool {
			return m.Naive && m.Workload == ms[i].Workload && m.Size == ms[i].Size
		})
		if j >= 0 && ms[i].MedianNs > 0 {
			ms[i].Speedup = ms[j].MedianNs / ms[i].MedianNs
		}
	}
}

// fmtNs formats a duration in nanoseconds with three significant digits.
func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.3gs", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.3gms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3gµs", ns/1e3)
	}
	return fmt.Sprintf("%.3gns", ns)
}

// fmtBytes formats a byte count in binary units; -1 is "n/a".
func fmtBytes(b int64) string {
	switch {
	case b < 0:
		return "n/a"
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// confidence formats the confidence level 1-alpha as a percentage.
func confidence(alpha float64) string {
	return strconv.FormatFloat(100*(1-alpha), 'g', 4, 64) + "%"
}
