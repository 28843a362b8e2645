package bench

import (
	"math"
	"strings"
	"testing"
)

// ms builds measurements of one workload at one size from (choice, median,
// min) triples.
func ms(naive string, cs ...any) []Measurement {
	var out []Measurement
	for k := 0; k < len(cs); k += 3 {
		name := cs[k].(string)
		out = append(out, Measurement{
			Family: "gemm", Workload: "gemm/col", Size: 256, SizeLabel: "n=256",
			Choice: name, Naive: name == naive,
			MedianNs: cs[k+1].(float64), MinNs: cs[k+2].(float64),
		})
	}
	return out
}

func TestRecommend(t *testing.T) {
	for i, test := range []struct {
		ms        []Measurement
		naive     string
		choice    string
		fastest   string
		tie       bool
		speedup   float64
		tiedWith0 string
	}{
		// A clear winner.
		{ms: ms("pack", "trans", 40e6, 39e6, "pack", 8e6, 7.9e6, "transout", 5e6, 4.9e6),
			naive: "pack", choice: "transout", fastest: "transout", speedup: 8.0 / 5},
		// The fastest within 5% of the naive choice: keep the naive one.
		{ms: ms("pack", "pack", 10e6, 9.9e6, "transout", 9.7e6, 9.6e6),
			naive: "pack", choice: "pack", fastest: "transout", tie: true, speedup: 1, tiedWith0: "transout"},
		// 20% apart in medians but the naive choice's best sample reaches
		// the fastest's median: noise, keep the naive one.
		{ms: ms("pack", "pack", 12e6, 9.9e6, "transout", 10e6, 9.8e6),
			naive: "pack", choice: "pack", fastest: "transout", tie: true, speedup: 1, tiedWith0: "transout"},
		// The naive choice is fastest.
		{ms: ms("pack", "pack", 5e6, 4.9e6, "trans", 9e6, 8.9e6),
			naive: "pack", choice: "pack", fastest: "pack", speedup: 1},
		// Two non-naive choices tie: the fastest is recommended, the other named.
		{ms: ms("pack", "pack", 20e6, 19e6, "a", 10e6, 9.9e6, "b", 10.2e6, 10.1e6),
			naive: "pack", choice: "a", fastest: "a", tie: true, speedup: 2, tiedWith0: "b"},
	} {
		r := Recommend(test.ms, test.naive)
		if r.Choice != test.choice || r.Fastest != test.fastest || r.Tie != test.tie {
			t.Errorf("test %d: got choice %s, fastest %s, tie %v; want %s, %s, %v (%s)",
				i, r.Choice, r.Fastest, r.Tie, test.choice, test.fastest, test.tie, r.Reason)
		}
		if d := r.Speedup - test.speedup; d > 1e-12 || d < -1e-12 {
			t.Errorf("test %d: got speedup %v, want %v", i, r.Speedup, test.speedup)
		}
		if test.tiedWith0 != "" && (len(r.TiedWith) == 0 || r.TiedWith[0] != test.tiedWith0) {
			t.Errorf("test %d: got tied with %v, want %s first", i, r.TiedWith, test.tiedWith0)
		}
		if r.PlannerAgrees != nil {
			t.Errorf("test %d: planner verdict without an auto choice: %s", i, r.PlannerNote)
		}
		if r.Workload != "gemm/col" || r.Size != 256 || r.Naive != test.naive {
			t.Errorf("test %d: got %s %d naive %s", i, r.Workload, r.Size, r.Naive)
		}
	}
}

func TestRecommendPlanner(t *testing.T) {
	for i, test := range []struct {
		equivalent string
		plan       string
		autoMedian float64
		agrees     bool
		planner    string
	}{
		{"transout", "", 5.1e6, true, "transout"}, // picks the fastest fixed choice
		{"pack", "", 8.1e6, false, "pack"},        // picks a choice measured 1.6× slower
		{"pack", "", 4.8e6, true, "pack"},         // the fixed pack is slower, but strider runs it faster than the best
		{"", "some plan", 5.1e6, true, "some plan"},
		{"", "some plan", 9e6, false, "some plan"},
	} {
		m := ms("pack", "pack", 8e6, 7.9e6, "transout", 5e6, 4.9e6, Auto, test.autoMedian, test.autoMedian)
		m[2].Equivalent, m[2].Plan = test.equivalent, test.plan
		r := Recommend(m, "pack")
		if r.PlannerAgrees == nil || *r.PlannerAgrees != test.agrees || r.Planner != test.planner {
			t.Errorf("test %d: got planner %q agrees %v, want %q %v (%s)", i, r.Planner, r.PlannerAgrees, test.planner, test.agrees, r.PlannerNote)
		}
	}
}

func TestRecommendNoNaive(t *testing.T) {
	r := Recommend(ms("x", "a", 2.0, 2.0, "b", 1.0, 1.0), "x")
	if r.Choice != "b" || r.Speedup != 0 {
		t.Errorf("got %s speedup %v, want b and 0", r.Choice, r.Speedup)
	}
	if r := Recommend(nil, "x"); r.Choice != "" {
		t.Errorf("no measurements: got %+v", r)
	}
}

func TestMedianMAD(t *testing.T) {
	for i, test := range []struct {
		xs       []float64
		med, mad float64
	}{
		{[]float64{3, 1, 2}, 2, 1},
		{[]float64{1, 2, 3, 100}, 2.5, 1},
		{[]float64{5}, 5, 0},
	} {
		med, mad := medianMAD(test.xs)
		if med != test.med || mad != test.mad {
			t.Errorf("test %d: got %v, %v, want %v, %v", i, med, mad, test.med, test.mad)
		}
	}
}

// around returns 8 samples spread ±1% around med, none equal.
func around(med float64) []float64 {
	d := []float64{-0.01, -0.007, -0.004, -0.001, 0.001, 0.004, 0.007, 0.01}
	xs := make([]float64, len(d))
	for i, x := range d {
		xs[i] = med * (1 + x)
	}
	return xs
}

// TestRecommendWithSamples checks the rule on samples whose verdict is
// plain by construction: ±1% spreads are told apart by the U test exactly
// when they do not overlap.
func TestRecommendWithSamples(t *testing.T) {
	m := func(name string, med float64, copied int64, equiv string) Measurement {
		x := sampled(name, around(med))
		x.Copied, x.Equivalent = copied, equiv
		return x
	}
	for i, test := range []struct {
		ms      []Measurement
		choice  string
		tie     bool
		reason  string
		vsNaive bool // VsNaive set and significant (at 4% it is: the floor makes the tie)
	}{
		// auto ties with the fastest fixed choice, a little faster or a
		// little slower: auto either way, so runs do not flip between
		// names of one plan.
		{[]Measurement{m("pack", 150, 2, ""), m("packA", 100, 1, ""), m(Auto, 99, 1, "packA")}, Auto, true, "auto is 1.52× faster than pack", true},
		{[]Measurement{m("pack", 150, 2, ""), m("packA", 100, 1, ""), m(Auto, 101, 1, "packA")}, Auto, true, "auto is 1.49× faster than pack", true},
		// auto ties with the fastest (4% apart) but not distinguishably
		// faster than the naive choice (2.4%): the fastest it is.
		{[]Measurement{m("pack", 106.5, 2, ""), m("packA", 100, 1, ""), m(Auto, 104, 1, "packA")}, "packA", true, "packA is 1.06× faster than pack", true},
		// Two fixed choices tie: the one that copies less.
		{[]Measurement{m("pack", 150, 2, ""), m("transout", 100, 1, ""), m("trans", 101, 0, "")}, "trans", true, "trans is 1.49× faster than pack", true},
		// Significant but under the 5% floor: keep the naive choice.
		{[]Measurement{m("pack", 104, 2, ""), m("trans", 100, 0, "")}, "pack", true, "less than the 5% that counts: keep pack", true},
		// Overlapping samples: not significant, keep the naive choice.
		{[]Measurement{m("pack", 100.5, 2, ""), m("trans", 100, 0, "")}, "pack", true, "not significant: keep pack", false},
	} {
		r := Recommend(test.ms, "pack")
		if r.Choice != test.choice || r.Tie != test.tie || !strings.Contains(r.Reason, test.reason) {
			t.Errorf("test %d: got %s, tie %v: %q; want %s, %v, %q", i, r.Choice, r.Tie, r.Reason, test.choice, test.tie, test.reason)
		}
		if got := r.VsNaive != nil && r.VsNaive.Significant; got != test.vsNaive {
			t.Errorf("test %d: VsNaive %+v, want significant %v", i, r.VsNaive, test.vsNaive)
		}
		if r.Choice != "pack" && (r.VsNaive.Low < 1 || r.VsNaive.Base != r.Choice || r.VsNaive.Other != "pack") {
			t.Errorf("test %d: speedup interval %+v", i, r.VsNaive)
		}
	}
	// auto's time over its pick's: the figure of the A/A between names.
	r := Recommend([]Measurement{m("pack", 150, 2, ""), m("packA", 100, 1, ""), m(Auto, 99, 1, "packA")}, "pack")
	if a := r.AutoVsPick; a == nil || a.Base != "packA" || a.Other != Auto || math.Abs(a.Estimate-0.99) > 1e-9 || a.Low > 0.99 || a.High < 0.99 {
		t.Errorf("auto vs pick: got %+v, want packA vs auto, 0.99×", a)
	}
}
