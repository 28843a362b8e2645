package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// The two reports under testdata are real runs of layoutbench -quick
// -threads 1 -sizes 256 -maxreps 8 -json on a busy 2-core machine:
// compare_old.json on Gonum's BLAS, of gemm/colA, gemv/col, traverse/row,
// traverse/col and backend/NN; compare_new.json built with -tags netlib
// (OpenBLAS), of the same but traverse/row (and backend/NN there has a
// second choice, netlib).
func readTestReport(t *testing.T, name string) *Report {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ReadReport(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

func TestDiffReports(t *testing.T) {
	old, new := readTestReport(t, "compare_old.json"), readTestReport(t, "compare_new.json")
	d, err := DiffReports(old, new, Alpha)
	if err != nil {
		t.Fatal(err)
	}
	// Which choices are in both, and which in one, by set arithmetic on
	// the files' keys.
	keys := func(r *Report) []string {
		var ks []string
		for _, m := range r.Measurements {
			ks = append(ks, m.Workload+" "+m.SizeLabel+" "+m.Choice)
		}
		return ks
	}
	ok, nk := keys(old), keys(new)
	var both, onlyOld, onlyNew []string
	for _, k := range ok {
		if slices.Contains(nk, k) {
			both = append(both, k)
		} else {
			onlyOld = append(onlyOld, k)
		}
	}
	for _, k := range nk {
		if !slices.Contains(ok, k) {
			onlyNew = append(onlyNew, k)
		}
	}
	var got []string
	for _, c := range d.Changes {
		got = append(got, c.Workload+" "+c.SizeLabel+" "+c.Choice)
	}
	if !slices.Equal(got, both) || !slices.Equal(d.OnlyOld, onlyOld) || !slices.Equal(d.OnlyNew, onlyNew) {
		t.Errorf("got changes %v, only old %v, only new %v; want %v, %v, %v", got, d.OnlyOld, d.OnlyNew, both, onlyOld, onlyNew)
	}
	if len(onlyOld) == 0 || len(onlyNew) == 0 {
		t.Error("the fixtures should each have a workload the other lacks")
	}

	// Verdicts against the U statistic counted pair by pair: samples that
	// do not overlap at all (U = 0 or mn, p = 2/C(n1+n2, n1) < α for 5 and
	// more each) with medians more than 5% apart are a change; samples
	// whose U is within an eighth of mn of its middle are not.
	sample := func(r *Report, key string) Measurement {
		i := slices.IndexFunc(r.Measurements, func(m Measurement) bool { return m.Workload+" "+m.SizeLabel+" "+m.Choice == key })
		return r.Measurements[i]
	}
	var separated, mixed int
	for i, c := range d.Changes {
		o, n := sample(old, got[i]), sample(new, got[i])
		u, mn := uStat(o.Samples, n.Samples)
		ratio := n.MedianNs / o.MedianNs
		switch {
		case (u == 0 || u == float64(mn)) && len(o.Samples) >= 5 && len(n.Samples) >= 5 && math.Abs(math.Log(ratio)) > math.Log(1+TieFloor):
			separated++
			want := "faster"
			if ratio > 1 {
				want = "slower"
			}
			if c.Verdict != want {
				t.Errorf("%s: samples apart, medians %.3g× apart: got %s, want %s", got[i], ratio, c.Verdict, want)
			}
		case math.Abs(u-float64(mn)/2) <= float64(mn)/8:
			mixed++
			if c.Verdict != "~" {
				t.Errorf("%s: samples mixed (U=%v of %d): got %s, want ~", got[i], u, mn, c.Verdict)
			}
		}
		if c.Ratio == nil || c.Ratio.N1 != len(o.Samples) || c.Ratio.N2 != len(n.Samples) {
			t.Errorf("%s: ratio %+v", got[i], c.Ratio)
		}
	}
	if separated == 0 || mixed == 0 {
		t.Errorf("the fixtures should hold both a clear change (%d) and none (%d)", separated, mixed)
	}

	// Recommendations that changed, by matching the files' own.
	var wantRecs []RecommendationChange
	for _, o := range old.Recommendations {
		for _, n := range new.Recommendations {
			if o.Workload == n.Workload && o.Size == n.Size && o.Choice != n.Choice {
				wantRecs = append(wantRecs, RecommendationChange{o.Workload, o.SizeLabel, o.Choice, n.Choice})
			}
		}
	}
	if !slices.Equal(d.Recommendations, wantRecs) {
		t.Errorf("got recommendation changes %v, want %v", d.Recommendations, wantRecs)
	}
	if !slices.Contains(d.EnvChanges, "backend: gonum → netlib") {
		t.Errorf("env changes %v lack the backend", d.EnvChanges)
	}

	var b bytes.Buffer
	if err := WriteDiff(&b, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"differs: backend: gonum → netlib", "gemm/colA", "gemv/col", "only in old: traverse/row", "only in new: backend/NN n=256 netlib", "faster", "~", "Mann-Whitney"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

// TestDiffReportsVersion0: a report without samples (as written before
// version 2) compares by medians only, every verdict "?".
func TestDiffReportsVersion0(t *testing.T) {
	old, new := readTestReport(t, "compare_old.json"), readTestReport(t, "compare_new.json")
	old.Version, old.Sampling = 0, nil
	for i := range old.Measurements {
		old.Measurements[i].Samples = nil
	}
	data, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	old, err = ReadReport(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	d, err := DiffReports(old, new, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Changes {
		if c.Verdict != "?" || c.Ratio != nil {
			t.Errorf("%s %s: got %s %+v, want ? without a ratio", c.Workload, c.Choice, c.Verdict, c.Ratio)
		}
	}
	var b bytes.Buffer
	if err := WriteDiff(&b, d); err != nil || !strings.Contains(b.String(), "report version 0") || !strings.Contains(b.String(), "sampling: each choice sampled alone → interleaved") {
		t.Errorf("got %v:\n%s", err, b.String())
	}
}

func TestReadReportErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/compare_old.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, test := range []struct {
		in   string
		want string
	}{
		{"", "empty"},
		{"{", "cut short"},
		{"{\n  \"measurements\": [\n    {\"workload\": \"gemv/col\",, }\n  ]\n}", "line 3"},
		{`{"measurements": [{"workload": "gemv/col", "choice": "copy", "size": 64, "median_ns": "fast"}]}`, "measurements.median_ns"},
		{`{"measurements": []}`, "no measurements"},
		{`{"measurements": null}`, "no measurements"},
		{`[1, 2]`, "JSON array"},
		{`{"version": 99, "measurements": [{}]}`, "version 99"},
		{`{"measurements": [{"choice": "copy", "size": 64, "median_ns": 1}]}`, "measurement 0: no workload"},
		{`{"measurements": [{"workload": "gemv/col", "size": 64, "median_ns": 1}]}`, "no choice"},
		{`{"measurements": [{"workload": "gemv/col", "choice": "copy", "size": 0, "median_ns": 1}]}`, "size 0"},
		{`{"measurements": [{"workload": "gemv/col", "choice": "copy", "size": 64, "median_ns": -1}]}`, "median_ns -1"},
		{`{"measurements": [{"workload": "gemv/col", "choice": "copy", "size": 64, "median_ns": 1, "samples_ns": [1, 0]}]}`, "samples_ns[1] is 0"},
		{`{"measurements": [{"workload": "w", "choice": "c", "size": 1, "size_label": "n=1", "median_ns": 1}, {"workload": "w", "choice": "c", "size": 1, "size_label": "n=1", "median_ns": 2}]}`, "measurements 0 and 1 are both w n=1 c"},
		{string(good) + "{}", "more than one JSON value"},
		{string(good[:len(good)/2]), "cut short"},
	} {
		_, err := ReadReport(strings.NewReader(test.in))
		if !errors.Is(err, ErrReport) || !strings.Contains(err.Error(), test.want) {
			t.Errorf("test %d: got %v, want ErrReport saying %q", i, err, test.want)
		}
	}
}

func TestDiffReportsNothingShared(t *testing.T) {
	old := readTestReport(t, "compare_old.json")
	other := &Report{Measurements: []Measurement{{Workload: "conv/3x3", Size: 8, SizeLabel: "hw=8", Choice: "NCHW/direct", MedianNs: 1}}}
	_, err := DiffReports(old, other, Alpha)
	if !errors.Is(err, ErrReport) || !strings.Contains(err.Error(), "share no workload") || !strings.Contains(err.Error(), "conv/3x3 (hw=8)") || !strings.Contains(err.Error(), "gemv/col (") {
		t.Errorf("got %v, want an error naming both reports' workloads", err)
	}
}
