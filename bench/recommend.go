package bench

import (
	"fmt"
	"slices"
	"strings"
)

// TieFloor is the smallest relative difference between two medians that
// counts as a difference: below it, choices tie whatever their spread.
const TieFloor = 0.05

// Tied reports whether slower is within noise of faster: their medians
// differ by at most TieFloor of faster's, or slower's fastest sample is no
// slower than faster's median. Noise on a shared machine only ever adds
// time, so a choice whose best run reaches the other's typical run may be
// just as fast.
func Tied(faster, slower Measurement) bool {
	return slower.MedianNs-faster.MedianNs <= TieFloor*faster.MedianNs || slower.MinNs <= faster.MedianNs
}

// Recommend derives the recommendation for one workload at one size from the
// measurements of its choices (all of the same workload and size), naive
// being the naive choice's name:
//
//   - the fastest choice is the one with the smallest median;
//   - when the naive choice is the fastest or within noise of it (Tied), the
//     naive choice is kept and marked a tie;
//   - otherwise the fastest is recommended, and choices within noise of it
//     are named as ties.
//
// When an auto choice was measured, the planner's pick (its Equivalent) is
// checked against the fastest fixed choice in the same way. Recommend
// returns the zero Recommendation for no measurements.
func Recommend(ms []Measurement, naive string) Recommendation {
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
	rec := fastest
	nm, haveNaive := byName[naive]
	switch {
	case !haveNaive:
		r.Reason = fmt.Sprintf("%s is fastest (the naive choice %s was not measured)", fastest.Choice, naive)
	case naive == fastest.Choice:
		r.Reason = fmt.Sprintf("the naive choice %s is fastest", naive)
	case Tied(fastest, nm):
		rec = nm
		r.Reason = fmt.Sprintf("%s is %.2f× faster than %s, within noise: keep %s", fastest.Choice, nm.MedianNs/fastest.MedianNs, naive, naive)
	default:
		r.Reason = fmt.Sprintf("%s is %.2f× faster than %s", fastest.Choice, nm.MedianNs/fastest.MedianNs, naive)
	}
	r.Choice = rec.Choice
	if haveNaive {
		r.Speedup = nm.MedianNs / rec.MedianNs
	}
	for _, m := range ms {
		if m.Choice != rec.Choice && (Tied(fastest, m) || m.Choice == fastest.Choice) {
			r.TiedWith = append(r.TiedWith, m.Choice)
		}
	}
	r.Tie = len(r.TiedWith) > 0
	if r.Tie {
		r.Reason += "; tie with " + strings.Join(r.TiedWith, ", ")
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
	if pick, ok := byName[auto.Equivalent]; ok && auto.Equivalent != Auto {
		r.Planner = auto.Equivalent
		agrees = pick.Choice == bestFixed.Choice || Tied(*bestFixed, pick)
		// blasbridge may run the plan faster than the fixed choice's own
		// code (its batched GEMMs share a worker pool): auto's own time
		// counts too.
		autoFast := auto.MedianNs <= bestFixed.MedianNs || Tied(*bestFixed, auto)
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
	} else {
		// A plan that matches no fixed choice is judged by its own time.
		r.Planner = auto.Plan
		if r.Planner == "" {
			r.Planner = Auto
		}
		agrees = auto.MedianNs <= bestFixed.MedianNs || Tied(*bestFixed, auto)
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

// recommendAll groups measurements by workload and size, in order of first
// appearance, and recommends for each group.
func recommendAll(ms []Measurement, naive func(workload string) string) []Recommendation {
	type key struct {
		w string
		n int
	}
	var order []key
	groups := map[key][]Measurement{}
	for _, m := range ms {
		k := key{m.Workload, m.Size}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	var rs []Recommendation
	for _, k := range order {
		rs = append(rs, Recommend(groups[k], naive(k.w)))
	}
	return rs
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
