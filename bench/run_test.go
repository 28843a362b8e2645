package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/blasbridge"
)

// tinyReport runs every workload once at size 8 with the shortest samples:
// it checks that every choice of every workload computes the same result
// (Run compares them), not how fast anything is. The run is shared by the
// tests that call it, which must not change it.
func tinyReport(t *testing.T) *Report {
	t.Helper()
	r, err := tinyRun()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var tinyRun = sync.OnceValues(func() (*Report, error) {
	return Run(context.Background(), Options{
		Quick: true, Sizes: map[string][]int{"": {8}}, Reps: 1, MinTime: time.Microsecond,
	})
})

func TestRunAllWorkloads(t *testing.T) {
	r := tinyReport(t)
	var want []string
	for _, f := range Families() {
		for _, w := range f.Workloads {
			want = append(want, w.Name)
			for _, c := range w.Choices {
				i := slices.IndexFunc(r.Measurements, func(m Measurement) bool { return m.Workload == w.Name && m.Choice == c.Name })
				if i < 0 {
					t.Errorf("%s %s: not measured", w.Name, c.Name)
					continue
				}
				m := r.Measurements[i]
				// Reps 1 asks for one sample and allows up to 3 (MaxReps).
				if !(m.MedianNs > 0) || !(m.Rate > 0) || m.Reps < 1 || m.Reps > 3 || len(m.Samples) != m.Reps || m.Inner < 1 {
					t.Errorf("%s %s: got %+v", w.Name, c.Name, m)
				}
				if !strings.HasPrefix(m.Bench, "Benchmark"+f.Bench+"/"+w.SizeLabel(8)+"/") {
					t.Errorf("%s %s: bench name %s", w.Name, c.Name, m.Bench)
				}
			}
		}
	}
	var got []string
	for _, rec := range r.Recommendations {
		got = append(got, rec.Workload)
		if rec.Choice == "" || rec.Reason == "" {
			t.Errorf("%s: empty recommendation %+v", rec.Workload, rec)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got recommendations for %v, want %v", got, want)
	}
}

func TestBenchNames(t *testing.T) {
	var names []string
	for _, f := range Families() {
		for _, w := range f.Workloads {
			for _, c := range w.Choices {
				names = append(names, BenchName(&f, &w, &c, 256))
			}
		}
	}
	for _, want := range []string{
		"Gemm/n=256/layout=col/plan=trans",
		"Gemm/n=256/layout=col/plan=auto",
		"Gemm/n=256/layout=flags/flags=TT",
		"Traverse/n=256/layout=row/axis=fast",
		"Gemv/n=256/a=col/plan=copy",
		"Strided/n=256/a=stepped/plan=pack",
		"Batched/n=256/count=4/b=shared/plan=folded",
		"Conv/hw=256/layer=3x3/format=NHWC/algo=kn2row",
		"Backend/n=256/flags=NN/impl=gonum",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("no benchmark %s", want)
		}
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("duplicate benchmark name %s", n)
		}
		seen[n] = true
		for _, seg := range strings.Split(n, "/")[1:] {
			if k, v, ok := strings.Cut(seg, "="); !ok || k == "" || v == "" {
				t.Errorf("%s: segment %q is not key=value", n, seg)
			}
		}
	}
}

func TestSelect(t *testing.T) {
	ws, err := Select([]string{"gemv", "gemm/col"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Name)
	}
	if want := []string{"gemm/col", "gemv/col"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	_, err = Select([]string{"gemm", "nosuch"})
	if !errors.Is(err, ErrUnknownWorkload) || !strings.Contains(err.Error(), `"nosuch"`) || !strings.Contains(err.Error(), "traverse, gemm, gemv") {
		t.Errorf("got %v, want ErrUnknownWorkload naming nosuch and the valid names", err)
	}
}

func TestRunErrors(t *testing.T) {
	ctx := context.Background()
	for i, test := range []struct {
		o    Options
		want error
	}{
		{Options{Workloads: []string{"gemmm"}}, ErrUnknownWorkload},
		{Options{Workloads: []string{"gemv"}, Sizes: map[string][]int{"": {0}}}, ErrSize},
		{Options{Workloads: []string{"conv"}, Sizes: map[string][]int{"conv": {100000}}}, ErrSize},
		{Options{Workloads: []string{"gemv"}, Sizes: map[string][]int{"gemvv": {8}}}, ErrUnknownWorkload},
	} {
		if _, err := Run(ctx, test.o); !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cancelled, Options{Workloads: []string{"gemv"}, Sizes: map[string][]int{"": {8}}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestRunSizesPerWorkload(t *testing.T) {
	r, err := Run(context.Background(), Options{
		Workloads: []string{"gemv", "traverse/col"},
		Sizes:     map[string][]int{"": {8}, "gemv": {4, 6}},
		Reps:      1, MinTime: time.Microsecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range r.Recommendations {
		got = append(got, rec.Workload+" "+rec.SizeLabel)
	}
	if want := []string{"traverse/col n=8", "gemv/col n=4", "gemv/col n=6"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReportOutputs(t *testing.T) {
	r := tinyReport(t)

	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON round trip changed the report")
	}

	if back.Version != ReportVersion || back.Sampling == nil || back.Sampling.Design != "interleaved" {
		t.Errorf("JSON: version %d, sampling %+v", back.Version, back.Sampling)
	}

	var tab bytes.Buffer
	if err := WriteTable(&tab, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gemm/col — C = A·B", "GFLOP/s", "GB/s", "★", "→ n=8:", "auto (=", "vs naive", "95% CI", "round-robin", "Mann-Whitney"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q", want)
		}
	}

	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| workload | sizes | choose |", "| `gemv/col`", "<details>"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}

	var img bytes.Buffer
	if err := WritePlot(&img, r); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&img)
	if err != nil || cfg.Width < 500 || cfg.Height < 500 {
		t.Errorf("plot: got %+v, %v", cfg, err)
	}
}

func TestSameResult(t *testing.T) {
	if err := sameResult([]float64{1, 2}, []float64{1, 2 + 1e-14}); err != nil {
		t.Error(err)
	}
	if err := sameResult([]float64{1, 2}, []float64{1, 2.1}); err == nil {
		t.Error("2 and 2.1: no error")
	}
	if err := sameResult([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("lengths 1 and 2: no error")
	}
}

// TestNDPlanCopiesNothing: strider's plan for attention in both storages,
// the broadcast matmul and the permuted einsum reads every operand in place,
// as ContractPlan.CopiedBytes reports it, where pack copies.
func TestNDPlanCopiesNothing(t *testing.T) {
	r := tinyReport(t)
	for _, m := range r.Measurements {
		if !strings.HasPrefix(m.Workload, "nd/") {
			continue
		}
		switch m.Choice {
		case "plan":
			if m.Copied != 0 {
				t.Errorf("%s %s %s: copied %d bytes, want 0", m.Workload, m.SizeLabel, m.Choice, m.Copied)
			}
		case "pack":
			if m.Copied <= 0 {
				t.Errorf("%s %s %s: copied %d bytes, want > 0", m.Workload, m.SizeLabel, m.Choice, m.Copied)
			}
		}
	}
}

// sameChoiceFamily is a workload whose two choices, first (naive) and
// second, are one plan under two names: the same closure over the same
// buffers, so nothing but the name and the position in a round tells
// them apart.
func sameChoiceFamily(n int) Family {
	a, b, c := randSlice(1, n*n), randSlice(2, n*n), make([]float64, n*n)
	setup := func(int) (*Case, error) {
		return &Case{
			Run: func() error {
				blasbridge.Active().Float64.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
				return nil
			},
			Flops:  2 * float64(n*n*n),
			Result: func() []float64 { return c },
		}, nil
	}
	return Family{Name: "aa", Bench: "AA", Workloads: []Workload{{
		Name: "aa/same", Key: "w=same", Unit: "n", Sizes: []int{n}, QuickSizes: []int{n}, MaxSize: n, Naive: "first",
		Choices: []Choice{{Name: "first", Key: "c=first", Setup: setup}, {Name: "second", Key: "c=second", Setup: setup}},
	}}}
}

// TestRunAAReal measures real work with the real clock. Two names for one
// plan must come out a tie or the report must say the machine is too
// noisy: never a recommendation of one over the other. At α = 0.001 (and
// the 5% floor) a false recommendation has odds below one in a thousand
// however loaded the machine, since interleaving gives both names the same
// share of its noise. Then the A/A twin of a workload of the package: it
// is measured, reported in the recommendation and not as a choice.
func TestRunAAReal(t *testing.T) {
	ctx := context.Background()
	r, err := Run(ctx, Options{
		Workloads: []string{"aa"}, Extra: []Family{sameChoiceFamily(48)},
		Reps: 8, MinTime: 200 * time.Microsecond, Budget: 50 * time.Millisecond, AA: true, Alpha: 0.001,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := r.Recommendations[0]
	if rec.Choice != "first" {
		t.Errorf("identical plans: recommends %s: %s", rec.Choice, rec.Reason)
	}
	if rec.AA == nil || rec.AA.N1 < 8 || rec.AA.N2 < 8 || rec.AA.Alpha != 0.001 {
		t.Errorf("A/A: got %+v", rec.AA)
	}
	t.Logf("first vs second: %s; A/A %+v", rec.Reason, rec.AA)

	r, err = Run(ctx, Options{
		Workloads: []string{"gemv/col"}, Sizes: map[string][]int{"": {32}},
		Reps: 6, MinTime: 100 * time.Microsecond, Budget: 20 * time.Millisecond, AA: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Measurements {
		if strings.HasSuffix(m.Choice, TwinSuffix) {
			t.Errorf("the twin %s is reported as a choice", m.Choice)
		}
	}
	for _, rec := range r.Recommendations {
		if rec.AA == nil || rec.AA.Base != rec.Naive || rec.AA.Other != rec.Naive+TwinSuffix || rec.AA.N2 < 6 {
			t.Errorf("%s %s: A/A %+v", rec.Workload, rec.SizeLabel, rec.AA)
		}
		if rec.Noisy && (rec.Choice != rec.Naive || !strings.Contains(rec.Reason, "too noisy")) {
			t.Errorf("%s %s: noisy, yet %s: %s", rec.Workload, rec.SizeLabel, rec.Choice, rec.Reason)
		}
	}
	if !r.Sampling.AA {
		t.Error("Sampling.AA not set")
	}
	var tab bytes.Buffer
	if err := WriteTable(&tab, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A/A: the naive choice measured twice must tie", "A/A check: the naive choice and its twin"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
}

// TestTableMarks: the table shows each median's interval, marks an
// unstable one, and says when the A/A check found the machine too noisy;
// the Markdown says so too.
func TestTableMarks(t *testing.T) {
	pack, trans := sampled("pack", around(100)), sampled("trans", around(50))
	pack.Naive = true
	lo, hi, _ := medianCI(trans.Samples, Alpha)
	trans.CILowNs, trans.CIHighNs, trans.Unstable = lo, hi, true
	twin := sampled("pack"+TwinSuffix, around(120))
	ms := []Measurement{pack, trans}
	setSpeedups(ms)
	rec := recommend(ms, "pack", &twin, Alpha)
	r := &Report{Version: ReportVersion, Measurements: ms, Recommendations: []Recommendation{rec},
		Sampling: &Sampling{Design: "interleaved", MinReps: 8, MaxReps: 24, BudgetNs: 3e9, Precision: 0.02, Alpha: Alpha, TieFloor: TieFloor, AA: true}}
	var tab bytes.Buffer
	if err := WriteTable(&tab, r); err != nil {
		t.Fatal(err)
	}
	// Of 8 samples, the 95% interval of the median is the least and the
	// greatest (P(Binomial(8, 1/2) <= 1) = 9/256 > 2.5%): around's ±1%.
	for _, want := range []string{"-1.0/+1.0% ~", "pack, too noisy to recommend", "A/A check failed", "did not tie at 1 of 1"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
	if strings.Contains(tab.String(), "★") {
		t.Errorf("a recommendation marked although the machine was too noisy:\n%s", tab.String())
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "`pack` (too noisy)") {
		t.Errorf("markdown lacks the noisy mark:\n%s", md.String())
	}
}
