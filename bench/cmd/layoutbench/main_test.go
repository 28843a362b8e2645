package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/bench"
)

// TestRunQuickJSON runs the command end to end in -quick mode with a tiny
// size list and checks the JSON: every family measured, a recommendation for
// every workload. It asserts nothing about timing.
func TestRunQuickJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-quick", "-json", "-sizes", "8", "-reps", "1", "-mintime", "1us"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr is not a terminal, yet got %q", errOut.String())
	}
	var r bench.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	families := map[string]bool{}
	for _, m := range r.Measurements {
		families[m.Family] = true
	}
	recs := map[string]bool{}
	for _, rec := range r.Recommendations {
		if rec.Choice == "" {
			t.Errorf("%s %s: no choice", rec.Workload, rec.SizeLabel)
		}
		recs[rec.Workload] = true
	}
	for _, f := range bench.Families() {
		if !families[f.Name] {
			t.Errorf("family %s missing from the JSON", f.Name)
		}
		for _, w := range f.Workloads {
			if !recs[w.Name] {
				t.Errorf("workload %s has no recommendation", w.Name)
			}
		}
	}
	for _, name := range []string{"traverse", "gemm", "gemv", "strided", "batched", "conv", "backend"} {
		if !families[name] {
			t.Errorf("family %s missing", name)
		}
	}
	if r.Env.GOMAXPROCS < 1 || r.Env.Backend == "" || !r.Env.Quick {
		t.Errorf("env: %+v", r.Env)
	}
}

// TestRunRecommendationsFromMeasurements checks that each recommendation is
// the fastest measured choice or the naive one (never a table written in
// advance).
func TestRunRecommendationsFromMeasurements(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-json", "-workloads", "gemm/col,traverse", "-sizes", "16", "-reps", "1", "-mintime", "1us"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var r bench.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	for _, rec := range r.Recommendations {
		best := ""
		var bestT float64
		for _, m := range r.Measurements {
			if m.Workload == rec.Workload && m.Size == rec.Size && (best == "" || m.MedianNs < bestT) {
				best, bestT = m.Choice, m.MedianNs
			}
		}
		if rec.Fastest != best || (rec.Choice != best && rec.Choice != rec.Naive) {
			t.Errorf("%s %s: recommends %s (fastest %s), measured fastest %s", rec.Workload, rec.SizeLabel, rec.Choice, rec.Fastest, best)
		}
	}
}

func TestRunTableMarkdownPlotReadme(t *testing.T) {
	dir := t.TempDir()
	plot := filepath.Join(dir, "layout.png")
	readme := filepath.Join(dir, "README.md")
	orig := "# x\n\n## Choosing a layout\n\n" + beginMarker + "\nold table\n" + endMarker + "\n\nrest\n"
	if err := os.WriteFile(readme, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-workloads", "gemv,batched/distinct", "-sizes", "8", "-reps", "1", "-mintime", "1us"}

	var table bytes.Buffer
	if err := run(context.Background(), args, &table, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gemv/col — y = A·x", "batched/distinct", "GB/s", "GFLOP/s", "vs naive", "★", "→ n=8:"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}

	var md bytes.Buffer
	if err := run(context.Background(), append(args, "-markdown", "-plot", plot, "-readme", readme), &md, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| `gemv/col`") {
		t.Errorf("markdown lacks the gemv row:\n%s", md.String())
	}
	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		t.Errorf("plot: %v", err)
	}
	got, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if strings.Contains(s, "old table") || !strings.Contains(s, "| `gemv/col`") || !strings.Contains(s, "(layout.png)") ||
		!strings.HasPrefix(s, "# x\n\n## Choosing a layout\n\n"+beginMarker+"\n") || !strings.HasSuffix(s, endMarker+"\n\nrest\n") {
		t.Errorf("README not rewritten between the markers:\n%s", s)
	}
}

func TestRunUsageErrors(t *testing.T) {
	for i, test := range []struct {
		args []string
		want []string // in the error message
	}{
		{[]string{"-nosuch"}, []string{"nosuch"}},
		{[]string{"-workloads", "gemm,nosuch"}, []string{`"nosuch"`, "traverse, gemm, gemv, strided, batched, conv, backend", "gemm/col"}},
		{[]string{"-sizes", "8,x"}, []string{`"x" is not a positive integer`}},
		{[]string{"-sizes", "nosuch=8"}, []string{`"nosuch"`}},
		{[]string{"-workloads", "conv", "-sizes", "100000"}, []string{"hw=100000", "want 1..512"}},
		{[]string{"-backend", "nosuch"}, []string{`"nosuch"`, "gonum"}},
		{[]string{"-json", "-markdown"}, []string{"choose one"}},
		{[]string{"-plot", "x.svg"}, []string{".png"}},
		{[]string{"-readme", "/nonexistent/README.md"}, []string{"-readme"}},
		{[]string{"extra"}, []string{"unexpected argument"}},
		{[]string{"explain"}, []string{"-shape and -strides are required"}},
		{[]string{"explain", "-shape", "6,8", "-strides", "8,4q"}, []string{`"4q"`}},
		{[]string{"explain", "-shape", "6,8,2", "-strides", "8,48,4"}, []string{"dimensions"}},
		{[]string{"explain", "-shape", "6,8", "-strides", "8,44"}, []string{"stride 44 bytes"}},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), test.args, &bytes.Buffer{}, &stderr)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("test %d %v: got %v, want a usage error", i, test.args, err)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("test %d %v: error %q lacks %q", i, test.args, err, w)
			}
		}
	}
}

func TestRunHelpAndList(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, &errOut); err != nil {
		t.Errorf("-h: %v", err)
	}
	if !strings.Contains(errOut.String(), "-workloads") {
		t.Errorf("-h: usage lacks -workloads:\n%s", errOut.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"-list"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, w := range bench.WorkloadNames() {
		if !strings.Contains(out.String(), w) {
			t.Errorf("-list lacks %s", w)
		}
	}
}

func TestExplain(t *testing.T) {
	for i, test := range []struct {
		args []string
		want []string
	}{
		{[]string{"-shape", "6,8", "-strides", "8,48", "-itemsize", "8"}, []string{
			"shape (6, 8), strides (8, 48) bytes", "col-major 6×8, ld=6 (contiguous)", "flag blas.Trans", "copy needed: no",
			"i=1    8   56  104"}},
		{[]string{"-shape", "(6, 8)", "-strides", "(1, 6)", "-elements"}, []string{
			"strides (1, 6) elements", "col-major 6×8, ld=6"}},
		{[]string{"-shape", "3x4", "-strides", "[64 8]", "-offset", "80"}, []string{
			"row-major 3×4, ld=8, offset 10", "i=1  144  152  160  168"}},
		{[]string{"-shape", "6,8", "-strides", "-64,8"}, []string{"offset moved to 40 elements", "(reversed rows)", "copy needed: yes"}},
		{[]string{"-shape", "4,4", "-strides", "8,4", "-itemsize", "4"}, []string{"general 4×4, strides (2, 1) (overlapping)", "of 4-byte items"}},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"explain"}, test.args...), &out, &bytes.Buffer{}); err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, out.String())
			}
		}
	}
	// A buffer too short for the layout is an error, not a panic.
	err := run(context.Background(), []string{"explain", "-shape", "6,8", "-strides", "64,8", "-len", "40"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil {
		t.Error("-len 40 for 48 elements: no error")
	}
}

func TestParseTuple(t *testing.T) {
	for _, s := range []string{"6,8", "(6, 8)", "[6 8]", "6x8", "6×8", " ( 6 ,8 ) "} {
		got, err := parseTuple(s)
		if err != nil || !slices.Equal(got, []int{6, 8}) {
			t.Errorf("%q: got %v, %v", s, got, err)
		}
	}
	if got, err := parseTuple("(-64, 8)"); err != nil || !slices.Equal(got, []int{-64, 8}) {
		t.Errorf("negative: got %v, %v", got, err)
	}
	for _, s := range []string{"", "()", "6,a"} {
		if _, err := parseTuple(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("64,128;gemm=8,16 conv=4")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[""], []int{64, 128}) || !slices.Equal(got["gemm"], []int{8, 16}) || !slices.Equal(got["conv"], []int{4}) {
		t.Errorf("got %v", got)
	}
	if got, err := parseSizes(""); err != nil || got != nil {
		t.Errorf("empty: got %v, %v", got, err)
	}
}
