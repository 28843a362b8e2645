package bench

import (
	"bytes"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// A backend that describes itself, as the netlib one does, with a warning:
// what OpenBLAS 0.3.21 says of itself after falling back to Prescott.
const (
	testAbout   = "OpenBLAS 0.3.21, core Prescott, 2 threads"
	testWarning = "OpenBLAS runs its Prescott kernels …: start the program with OPENBLAS_CORETYPE=SkylakeX"
)

// TestHeaderDescribe: the report's table and Markdown name the backend with
// its description and show its warning; without one they name it alone.
func TestHeaderDescribe(t *testing.T) {
	for i, test := range []struct {
		env         Env
		table, md   []string
		notInHeader []string
	}{
		{
			Env{Date: "2026-01-02T03:04:05Z", Backend: "netlib", BackendAbout: testAbout, BackendWarning: testWarning},
			[]string{"backend netlib (" + testAbout + ")\n", "\nwarning: " + testWarning + "\n"},
			[]string{"backend netlib (" + testAbout + ")", "\n> **Warning:** " + testWarning + "\n"},
			nil,
		},
		{
			Env{Date: "2026-01-02T03:04:05Z", Backend: "netlib", BackendAbout: "OpenBLAS 0.3.21, core Cooperlake, 2 threads"},
			[]string{"backend netlib (OpenBLAS 0.3.21, core Cooperlake, 2 threads)\n"},
			[]string{"backend netlib (OpenBLAS 0.3.21, core Cooperlake, 2 threads)"},
			[]string{"arning"},
		},
		{
			Env{Date: "2026-01-02T03:04:05Z", Backend: "gonum"},
			[]string{"backend gonum\n"},
			[]string{"backend gonum)"},
			[]string{"arning", "core"},
		},
	} {
		r := &Report{Env: test.env}
		var table, md bytes.Buffer
		if err := WriteTable(&table, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&md, r); err != nil {
			t.Fatal(err)
		}
		for _, w := range test.table {
			if !strings.Contains(table.String(), w) {
				t.Errorf("test %d: table lacks %q:\n%s", i, w, table.String())
			}
		}
		for _, w := range test.md {
			if !strings.Contains(md.String(), w) {
				t.Errorf("test %d: Markdown lacks %q:\n%s", i, w, md.String())
			}
		}
		for _, w := range test.notInHeader {
			if strings.Contains(table.String(), w) || strings.Contains(md.String(), w) {
				t.Errorf("test %d: header has %q:\n%s\n%s", i, w, table.String(), md.String())
			}
		}
	}
}

// TestEnvDescribe: a run records what the active backend's Describe says
// when it starts.
func TestEnvDescribe(t *testing.T) {
	be := blasbridge.Gonum
	be.Describe = func() (string, string) { return testAbout, testWarning }
	old := blasbridge.SetBackend(be)
	defer blasbridge.SetBackend(old)
	e := env(Options{})
	if e.BackendAbout != testAbout || e.BackendWarning != testWarning {
		t.Errorf("got about %q, warning %q; want %q, %q", e.BackendAbout, e.BackendWarning, testAbout, testWarning)
	}

	blasbridge.SetBackend(blasbridge.Gonum)
	if e := env(Options{}); e.BackendAbout != "" || e.BackendWarning != "" {
		t.Errorf("Gonum: got about %q, warning %q; want none", e.BackendAbout, e.BackendWarning)
	}
}

// TestExplainDescribe: Explain and ExplainContraction head their plans with
// the backend's description and warning, and print neither for a backend
// without them.
func TestExplainDescribe(t *testing.T) {
	be := blasbridge.Gonum
	be.Describe = func() (string, string) { return testAbout, testWarning }
	old := blasbridge.SetBackend(be)
	defer blasbridge.SetBackend(old)
	head := "backend gonum: " + testAbout + "\nwarning: " + testWarning + "\n"

	l := adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}
	var out bytes.Buffer
	if err := Explain(&out, Operand{Layout: l, ItemSize: 8}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "\n\n"+head+"plans on backend gonum,") {
		t.Errorf("Explain: plans not headed by %q:\n%s", head, s)
	}

	ct := Contraction{A: ArrayOperand{Shape: []int{3, 4}, ItemSize: 8}, B: ArrayOperand{Shape: []int{4, 2}, ItemSize: 8}, C: ArrayOperand{Shape: []int{3, 2}, ItemSize: 8}}
	out.Reset()
	if err := ExplainContraction(&out, ct); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, head+"matmul on backend gonum") {
		t.Errorf("ExplainContraction: does not start with %q:\n%s", head, s)
	}

	blasbridge.SetBackend(blasbridge.Gonum)
	out.Reset()
	if err := Explain(&out, Operand{Layout: l, ItemSize: 8}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "backend gonum:") || strings.Contains(s, "warning") {
		t.Errorf("Explain on Gonum: a description where there is none:\n%s", s)
	}
}

// TestEnvCPUFeatures: the header's vector extensions are those the
// kernel lists in /proc/cpuinfo (Linux on amd64), and headers show them.
func TestEnvCPUFeatures(t *testing.T) {
	e := env(Options{})
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" {
		t.Skip("no /proc/cpuinfo on amd64")
	}
	var flags map[string]bool
	for line := range strings.Lines(string(raw)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			flags = make(map[string]bool)
			for _, f := range strings.Fields(v) {
				flags[f] = true
			}
			break
		}
	}
	if flags == nil {
		t.Skip("no flags line in /proc/cpuinfo")
	}
	got := strings.Fields(e.CPUFeatures)
	has := func(name string) bool { return slices.Contains(got, name) }
	for name, flag := range map[string]bool{
		"AVX":         flags["avx"],
		"AVX2":        flags["avx2"],
		"FMA":         flags["fma"],
		"AVX512F":     flags["avx512f"],
		"AVX512BW":    flags["avx512bw"],
		"AVX512DQ":    flags["avx512dq"],
		"AVX512VL":    flags["avx512vl"],
		"AVX512_BF16": flags["avx512_bf16"],
	} {
		if has(name) != flag {
			t.Errorf("CPUFeatures %q: %s is %v, /proc/cpuinfo says %v", e.CPUFeatures, name, has(name), flag)
		}
	}
	var table, md bytes.Buffer
	r := &Report{Env: Env{Date: "2026-01-02T03:04:05Z", CPU: "cpu", CPUFeatures: "AVX AVX2 FMA", NumCPU: 2, Backend: "gonum"}}
	if err := WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{table.String(), md.String()} {
		if !strings.Contains(out, "on cpu (AVX AVX2 FMA; 2 CPUs") {
			t.Errorf("header without the CPU's features:\n%s", out)
		}
	}
}

// TestLoadNote: the busy-machine warning looks at the load average at the
// start and at the end of the run.
func TestLoadNote(t *testing.T) {
	for _, c := range []struct {
		start, end float64
		want       string
	}{
		{0.2, 0.3, ""},
		{0.2, -1, ""},
		{1.7, 0.4, "; load average 1.7 at the start: the machine was busy, read ratios with care"},
		{1.7, 2.5, "; load average 1.7 at the start, 2.5 at the end: the machine was busy, read ratios with care"},
		{0.1, 1.5, "; load average 1.5 at the end (0.1 at the start): other work started during the run, read ratios with care"},
	} {
		if got := loadNote(Env{NumCPU: 2, LoadAvg: c.start, LoadAvgEnd: c.end}); got != c.want {
			t.Errorf("load %v → %v: got %q, want %q", c.start, c.end, got, c.want)
		}
	}
}
