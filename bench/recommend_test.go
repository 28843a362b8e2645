package bench

import (
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
