package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEFromJSON: the README's layoutbench section is exactly what
//
//	layoutbench -from bench/layout.json -readme README.md -plot bench/layout.png
//
// writes, so every figure in it comes from the committed report, which
// names the machine it ran on.
func TestREADMEFromJSON(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := readReportFile("../../layout.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "README.md")
	if err := os.WriteFile(tmp, readme, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateReadme(tmp, filepath.Join(dir, "bench", "layout.png"), rep); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, readme) {
		section := func(b []byte) string {
			s := string(b)
			i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
			if i < 0 || j < i {
				return s
			}
			return s[i:j]
		}
		t.Errorf("README.md's layoutbench section is not bench/layout.json's; regenerate it with\n\tgo run ./bench/cmd/layoutbench -from bench/layout.json -readme README.md -plot bench/layout.png\n--- from the JSON\n%s\n--- README.md\n%s", section(got), section(readme))
	}
}

// TestREADMEBackendFigures: the README's DGEMM figures for pure Go and
// OpenBLAS are those of the committed bench/backend.json (layoutbench
// -workloads backend/NN -sizes 1024 -json, built with -tags netlib), on
// the machine that report names.
func TestREADMEBackendFigures(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := readReportFile("../../backend.json")
	if err != nil {
		t.Fatal(err)
	}
	rate := map[string]float64{}
	for _, m := range rep.Measurements {
		if m.Workload == "backend/NN" && m.Size == 1024 {
			rate[m.Choice] = m.Rate
		}
	}
	if rate["gonum"] == 0 || rate["netlib"] == 0 {
		t.Fatalf("bench/backend.json has no backend/NN n=1024 rates for gonum and netlib: %v", rate)
	}
	want := fmt.Sprintf("Measured on %s (%d CPUs, %s, DGEMM n=1024, `bench/backend.json`): pure Go %.1f GFLOP/s, OpenBLAS %.0f GFLOP/s",
		rep.Env.CPU, rep.Env.NumCPU, rep.Env.BackendAbout, rate["gonum"], rate["netlib"])
	if !bytes.Contains(readme, []byte(want)) {
		t.Errorf("README.md does not say %q", want)
	}
}

// TestRunFrom: -from renders a saved report without measuring, in every
// output form, and refuses the flags that would measure.
func TestRunFrom(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"-from", "../../backend.json"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "backend/NN") || !strings.Contains(out.String(), "core Cooperlake") {
		t.Errorf("table from bench/backend.json lacks its workload or backend:\n%s", out.String())
	}
	out.Reset()
	plot := filepath.Join(dir, "p.png")
	if err := run(t.Context(), []string{"-from", "../../backend.json", "-markdown", "-plot", plot}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "Measured ") {
		t.Errorf("-markdown from a report: %q", out.String())
	}
	if st, err := os.Stat(plot); err != nil || st.Size() == 0 {
		t.Errorf("-plot from a report: %v", err)
	}
	var u usageError
	if err := run(t.Context(), []string{"-from", "../../backend.json", "-quick"}, &out, &errb); !errors.As(err, &u) {
		t.Errorf("-from with -quick: got %v, want a usage error", err)
	}
	if err := run(t.Context(), []string{"-from", filepath.Join(dir, "missing.json")}, &out, &errb); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("-from a missing file: got %v", err)
	}
}
