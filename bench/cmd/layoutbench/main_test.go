package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/bench"
	"github.com/strider-go/strider/bench/internal/explaintest"
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
	for _, name := range []string{"traverse", "gemm", "gemv", "strided", "batched", "conv", "nd", "backend"} {
		if !families[name] {
			t.Errorf("family %s missing", name)
		}
	}
	if r.Env.GOMAXPROCS < 1 || r.Env.Backend == "" || !r.Env.Quick {
		t.Errorf("env: %+v", r.Env)
	}
}

// TestRunRecommendationsFromMeasurements checks that each recommendation is
// derived from the measurements (never a table written in advance): the
// fastest measured choice, one that ties with it, or the naive one.
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
		if rec.Fastest != best || (rec.Choice != best && rec.Choice != rec.Naive && !slices.Contains(rec.TiedWith, best)) {
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
		{[]string{"-workloads", "gemm,nosuch"}, []string{`"nosuch"`, "traverse, gemm, gemv, strided, batched, conv, nd, backend", "gemm/col"}},
		{[]string{"-sizes", "8,x"}, []string{`"x" is not a positive integer`}},
		{[]string{"-sizes", "nosuch=8"}, []string{`"nosuch"`}},
		{[]string{"-workloads", "conv", "-sizes", "100000"}, []string{"hw=100000", "want 1..512"}},
		{[]string{"-backend", "nosuch"}, []string{`"nosuch"`, "gonum"}},
		{[]string{"-json", "-markdown"}, []string{"choose one"}},
		{[]string{"-plot", "x.svg"}, []string{".png"}},
		{[]string{"-readme", "/nonexistent/README.md"}, []string{"-readme"}},
		{[]string{"extra"}, []string{"unexpected argument", "explain and compare"}},
		{[]string{"-budget", "-1s"}, []string{"-budget"}},
		{[]string{"-maxreps", "-2"}, []string{"-maxreps"}},
		{[]string{"compare"}, []string{"want two reports", "got 0"}},
		{[]string{"compare", "a.json"}, []string{"want two reports", "got 1"}},
		{[]string{"compare", "-alpha", "1.5", "a.json", "b.json"}, []string{"-alpha 1.5"}},
		{[]string{"compare", "-nosuch", "a.json", "b.json"}, []string{"nosuch"}},
		{[]string{"explain"}, []string{"-shape is required"}},
		{[]string{"explain", "-shape", "6,8", "-strides", "8,4q"}, []string{`"4q"`}},
		{[]string{"explain", "-shape", "6,8,2", "-strides", "8,48"}, []string{"dimensions"}},
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
	for _, w := range append(bench.WorkloadNames(), "npy/gemv", "npy/gemm", "only with -npy FILE.npy") {
		if !strings.Contains(out.String(), w) {
			t.Errorf("-list lacks %s", w)
		}
	}
	if !strings.Contains(errOut.String(), "-npy FILE.npy") {
		t.Errorf("-h: usage lacks -npy:\n%s", errOut.String())
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"explain", "-h"}, &out, &errOut); err != nil {
		t.Errorf("explain -h: %v", err)
	}
	for _, want := range []string{"explain -npy FILE.npy", "-npy FILE.npy", "explain -safetensors FILE:NAME", "-safetensors FILE:NAME", "last ':'",
		"explain -npz FILE.npz:NAME", "-npz FILE.npz:NAME"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("explain -h: usage lacks %q:\n%s", want, errOut.String())
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

// writeNpy writes s to name in a temporary directory with npy.Write, in
// s's own order, and returns the path.
func writeNpy(t *testing.T, name string, s adapter.Strided) string {
	t.Helper()
	var b bytes.Buffer
	if err := npy.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// seq returns 1, 2, …, n.
func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i + 1)
	}
	return s
}

// TestRunNpy runs the command end to end on a Fortran-order and a C-order
// file and checks the JSON: only the npy family, every choice of npy/gemv
// and npy/gemm measured, a recommendation for each. Nothing about timing.
func TestRunNpy(t *testing.T) {
	for i, test := range []struct {
		name     string
		s        adapter.Strided
		gemvSize string
		choices  []string
	}{
		{"fortran.npy", adapter.Strided{Data: seq(24), Layout: adapter.Layout{Rows: 6, Cols: 4, RowStride: 1, ColStride: 6}}, "m=6x4", []string{"trans", "copy", "auto"}},
		{"c.npy", adapter.Strided{Data: seq(15), Layout: adapter.Layout{Rows: 5, Cols: 3, RowStride: 3, ColStride: 1}}, "m=5x3", []string{"copy", "auto"}},
	} {
		path := writeNpy(t, test.name, test.s)
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"-quick", "-npy", path, "-json", "-sizes", "4", "-reps", "1", "-mintime", "1us"}, &out, &errOut)
		if err != nil {
			t.Fatalf("test %d: %v\n%s", i, err, errOut.String())
		}
		var r bench.Report
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("test %d: %v\n%s", i, err, out.String())
		}
		got := map[string][]string{}
		for _, m := range r.Measurements {
			if m.Family != "npy" {
				t.Errorf("test %d: measured %s without -workloads", i, m.Workload)
			}
			got[m.Workload+" "+m.SizeLabel] = append(got[m.Workload+" "+m.SizeLabel], m.Choice)
		}
		var recs []string
		for _, rec := range r.Recommendations {
			if rec.Choice == "" || rec.Reason == "" {
				t.Errorf("test %d: %s %s: empty recommendation", i, rec.Workload, rec.SizeLabel)
			}
			recs = append(recs, rec.Workload+" "+rec.SizeLabel)
		}
		want := []string{"npy/gemv " + test.gemvSize, "npy/gemm k=4"}
		if !slices.Equal(recs, want) {
			t.Errorf("test %d: got recommendations for %v, want %v", i, recs, want)
		}
		for _, w := range want {
			if !slices.Equal(got[w], test.choices) {
				t.Errorf("test %d: %s: measured %v, want %v", i, w, got[w], test.choices)
			}
		}
	}
}

// TestRunNpyTablePlot checks the table and the plot of the npy family,
// and that -workloads adds it to other families.
func TestRunNpyTablePlot(t *testing.T) {
	path := writeNpy(t, "a.npy", adapter.Strided{Data: seq(12), Layout: adapter.Layout{Rows: 4, Cols: 3, RowStride: 1, ColStride: 4}})
	plot := filepath.Join(t.TempDir(), "npy.png")
	var out bytes.Buffer
	args := []string{"-npy", path, "-workloads", "gemv,npy", "-sizes", "8", "-reps", "1", "-mintime", "1us", "-plot", plot}
	if err := run(context.Background(), args, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"gemv/col — ",
		"npy/gemv — y = A·x, A the 4×3 matrix of " + path + ": <f8, Fortran order, shape (4, 3)",
		"col-major 4×3, ld=4 (contiguous)",
		"→ m=4x3:", "→ k=8:", "auto (=trans)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		t.Errorf("plot: %v", err)
	}
}

func TestExplainNpy(t *testing.T) {
	var b32 bytes.Buffer
	if err := npy.Write32(&b32, adapter.Strided32{Data: make([]float32, 6), Layout: adapter.Layout{Rows: 2, Cols: 3, RowStride: 3, ColStride: 1}}); err != nil {
		t.Fatal(err)
	}
	f32 := filepath.Join(t.TempDir(), "f32.npy")
	if err := os.WriteFile(f32, b32.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, test := range []struct {
		path       string
		r, c, size int
		fortran    bool
		want       []string
	}{
		{writeNpy(t, "f.npy", adapter.Strided{Data: seq(40), Layout: adapter.Layout{Rows: 5, Cols: 8, RowStride: 1, ColStride: 5}}), 5, 8, 8, true, []string{
			"<f8, Fortran order, shape (5, 8)", "mapped in place", "col-major 5×8, ld=5 (contiguous)",
			"flag blas.Trans", "copy needed: no", "trans on the view of Aᵀ, copied 0 B"}},
		{writeNpy(t, "c.npy", adapter.Strided{Data: seq(40), Layout: adapter.Layout{Rows: 5, Cols: 8, RowStride: 8, ColStride: 1}}), 5, 8, 8, false, []string{
			"<f8, C order, shape (5, 8)", "row-major 5×8, ld=8 (contiguous)", "flag blas.NoTrans"}},
		{f32, 2, 3, 4, false, []string{"<f4, C order, shape (2, 3)", "item size 4 bytes", "row-major 2×3"}},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"explain", "-npy", test.path}, &out, &bytes.Buffer{}); err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		s := out.String()
		for _, w := range append(test.want, "operand: "+test.path+": ") {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
		// Offsets from the data's start by the order's definition: Fortran
		// order stores column j after j columns of r items.
		rows := explaintest.Offsets(t, s)
		if len(rows) != min(test.r, 4) {
			t.Errorf("test %d: got %d rows of offsets, want %d", i, len(rows), min(test.r, 4))
		}
		for r, row := range rows {
			if len(row) != min(test.c, 6) {
				t.Errorf("test %d: row %d has %d offsets, want %d", i, r, len(row), min(test.c, 6))
			}
			for c, got := range row {
				want := (r*test.c + c) * test.size
				if test.fortran {
					want = (r + c*test.r) * test.size
				}
				if got != want {
					t.Errorf("test %d: offset of (%d, %d): got %d, want %d", i, r, c, got, want)
				}
			}
		}
	}

	// A 1-D file is an n×1 matrix.
	var out bytes.Buffer
	vec := writeNpy(t, "v.npy", adapter.Strided{Data: seq(7), Layout: adapter.Layout{Rows: 7, Cols: 1, RowStride: 1, ColStride: 1}})
	if err := run(context.Background(), []string{"explain", "-npy", vec}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "in elements: 7×1") {
		t.Errorf("1-D file: output lacks 7×1:\n%s", out.String())
	}

	// More dimensions are an N-d array, with C-order strides by definition.
	out.Reset()
	a3 := rawNpy(t, "<f4", "(2, 3, 4)", make([]byte, 4*24))
	if err := run(context.Background(), []string{"explain", "-npy", a3}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<f4, C order, shape (2, 3, 4)", "in elements: shape (2, 3, 4), strides (12, 4, 1), offset 0, item size 4 bytes",
		"C-contiguous yes", "rows 0, columns 1..2: row-major 2×12"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("3-D file: output lacks %q:\n%s", want, out.String())
		}
	}
}

// rawNpy writes a version 1.0 .npy file by hand — for what npy.Write does
// not make: more than two dimensions, big-endian data — and returns its
// path.
func rawNpy(t *testing.T, descr, shape string, data []byte) string {
	t.Helper()
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	pad := 64 - (10+len(dict)+1)%64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(append(b, hdr...), data...)
	path := filepath.Join(t.TempDir(), "raw.npy")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExplainNpyCopied: big-endian data is converted on Open, and explain
// says so.
func TestExplainNpyCopied(t *testing.T) {
	data := make([]byte, 8*4)
	for k := range 4 {
		binary.BigEndian.PutUint64(data[8*k:], math.Float64bits(float64(k)))
	}
	path := rawNpy(t, ">f8", "(2, 2)", data)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"explain", "-npy", path}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">f8, C order, shape (2, 2)", "copied into memory by Open (big-endian", "row-major 2×2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunNpyErrors: bad files are errors naming the file and the problem
// (exit status 1); bad combinations of flags are usage errors (exit 2).
func TestRunNpyErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.npy")
	text := filepath.Join(dir, "notes.npy")
	if err := os.WriteFile(text, []byte("not a .npy file at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b32 bytes.Buffer
	if err := npy.Write32(&b32, adapter.Strided32{Data: make([]float32, 4), Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 2, ColStride: 1}}); err != nil {
		t.Fatal(err)
	}
	f32 := filepath.Join(dir, "f32.npy")
	if err := os.WriteFile(f32, b32.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a3 := rawNpy(t, "<f8", "(2, 3, 4)", make([]byte, 8*24))
	f64 := writeNpy(t, "a.npy", adapter.Strided{Data: seq(4), Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 2, ColStride: 1}})
	for i, test := range []struct {
		args  []string
		usage bool
		want  []string
	}{
		{[]string{"-npy", missing}, false, []string{missing, "no such file"}},
		{[]string{"explain", "-npy", missing}, false, []string{missing, "no such file"}},
		{[]string{"-npy", text}, false, []string{text, "not a .npy file"}},
		{[]string{"explain", "-npy", text}, false, []string{text, "not a .npy file"}},
		{[]string{"-npy", f32}, false, []string{f32, "float32", "float64", "explain -npy"}},
		{[]string{"-npy", a3}, false, []string{a3, "(2, 3, 4)", "3 dimensions", "reshape", "explain -npy " + a3}},
		{[]string{"explain", "-npy", f64, "-shape", "2,2"}, true, []string{"-npy and -shape", "choose one"}},
		{[]string{"explain", "-npy", f64, "-strides", "16,8", "-itemsize", "8"}, true, []string{"-npy and -itemsize, -strides"}},
		{[]string{"-workloads", "npy"}, true, []string{"-npy FILE.npy"}},
		{[]string{"-sizes", "npy/gemm=8"}, true, []string{"-npy FILE.npy"}},
		{[]string{"-npy", f64, "-sizes", "npy/gemv=8"}, true, []string{"npy/gemv", "own size"}},
	} {
		err := run(context.Background(), test.args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("test %d %v: no error", i, test.args)
			continue
		}
		var u usageError
		if got := errors.As(err, &u); got != test.usage {
			t.Errorf("test %d %v: usage error %t, want %t: %v", i, test.args, got, test.usage, err)
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("test %d %v: error %q lacks %q", i, test.args, err, w)
			}
		}
	}
}

// TestRunAA runs the A/A check from the command line: every recommendation
// carries the naive choice's comparison with its twin, and the twin is not
// reported as a choice. Nothing about timing.
func TestRunAA(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-json", "-aa", "-workloads", "gemv/col", "-sizes", "8,16", "-reps", "1", "-mintime", "1us", "-budget", "1ms"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var r bench.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Recommendations) != 2 || r.Sampling == nil || !r.Sampling.AA || r.Sampling.BudgetNs != 1e6 {
		t.Fatalf("got %d recommendations, sampling %+v", len(r.Recommendations), r.Sampling)
	}
	for _, rec := range r.Recommendations {
		if rec.AA == nil || rec.AA.Base != "copy" || rec.AA.Other != "copy"+bench.TwinSuffix {
			t.Errorf("%s: A/A %+v", rec.SizeLabel, rec.AA)
		}
	}
	for _, m := range r.Measurements {
		if strings.Contains(m.Choice, "twin") {
			t.Errorf("twin reported as a choice: %s", m.Choice)
		}
	}
}

// TestCompare runs layoutbench compare on the package's two fixture
// reports, and on bad ones: errors name the file and the problem.
func TestCompare(t *testing.T) {
	oldPath, newPath := "../../testdata/compare_old.json", "../../testdata/compare_new.json"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"compare", oldPath, newPath}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"old: ", "new: ", "differs: backend: gonum → netlib", "gemm/colA", "only in old: traverse/row"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, out.String())
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"measurements\": [,]\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, []byte(`{"measurements": [{"workload": "conv/3x3", "choice": "NCHW/direct", "size": 8, "size_label": "hw=8", "median_ns": 5}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, test := range []struct {
		args []string
		want []string
	}{
		{[]string{"compare", oldPath, bad}, []string{bad, "line 2"}},
		{[]string{"compare", filepath.Join(dir, "missing.json"), newPath}, []string{"missing.json"}},
		{[]string{"compare", oldPath, other}, []string{"share no workload", "conv/3x3 (hw=8)"}},
	} {
		err := run(context.Background(), test.args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("test %d: no error", i)
			continue
		}
		var u usageError
		if errors.As(err, &u) {
			t.Errorf("test %d: %v is a usage error; the arguments were fine", i, err)
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("test %d: error %q lacks %q", i, err, w)
			}
		}
	}
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"compare", "-h"}, &bytes.Buffer{}, &errOut); err != nil || !strings.Contains(errOut.String(), "OLD.json NEW.json") {
		t.Errorf("compare -h: %v\n%s", err, errOut.String())
	}
}
