//go:build netlib && cgo

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strider-go/strider/blasbridge/netlib"
)

// TestNetlibHeaders: built with -tags netlib, the report's first line and
// explain's plans name OpenBLAS's core and threads, and the warning shows
// exactly when Check has one, whatever core this process runs.
func TestNetlibHeaders(t *testing.T) {
	about := fmt.Sprintf(", core %s, %d threads", netlib.Core(), netlib.Threads())
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-workloads", "gemv/col", "-sizes", "8", "-reps", "1", "-mintime", "1us"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.Contains(first, "backend netlib (OpenBLAS ") || !strings.HasSuffix(first, about+")") {
		t.Errorf("report header %q lacks the backend's core and threads %q", first, about)
	}
	if got, want := strings.Contains(out.String(), "\nwarning: "), netlib.Check() != nil; got != want {
		t.Errorf("report: warning shown %v, want %v:\n%s", got, want, out.String())
	}

	out.Reset()
	if err := run(context.Background(), []string{"explain", "-shape", "6,8", "-strides", "8,48"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "\nbackend netlib: OpenBLAS ") || !strings.Contains(s, about+"\n") {
		t.Errorf("explain lacks the backend's core and threads %q:\n%s", about, s)
	}
}

// childOut names the file the child test process writes to; only the
// child has it in its environment.
const childOut = "STRIDER_LAYOUTBENCH_CHILD_OUT"

// TestFallbackChild does nothing in a normal run. Started by
// TestFallbackHeaders, it runs the report and explain into the file
// childOut names.
func TestFallbackChild(t *testing.T) {
	path := os.Getenv(childOut)
	if path == "" {
		t.Skip("the child process of TestFallbackHeaders")
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-workloads", "gemv/col", "-sizes", "8", "-reps", "1", "-mintime", "1us"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	out.WriteString("\f")
	if err := run(context.Background(), []string{"explain", "-matmul", "-a-shape", "4,3", "-b-shape", "3,2"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFallbackHeaders proves the commands show the warning end to end:
// OpenBLAS picks its kernels when it loads, so a child of this test binary
// runs with OPENBLAS_CORETYPE=Prescott in its environment (only the
// child's), and its report and explain must both name the core and carry
// the warning with the fix netlib.CheckCore gives for this CPU. On a CPU
// without AVX2 and FMA Prescott is no fallback and the test is skipped.
func TestFallbackHeaders(t *testing.T) {
	w := netlib.CheckCore("Prescott", netlib.CPUFeatures())
	if w == nil {
		t.Skip("this CPU has neither AVX2 with FMA nor AVX-512")
	}
	path := filepath.Join(t.TempDir(), "out.txt")
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallbackChild$", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, childOut+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OPENBLAS_CORETYPE=Prescott", childOut+"="+path)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, b)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	report, explain, _ := strings.Cut(string(b), "\f")
	warning := "\nwarning: " + w.String() + "\n"
	if first, _, _ := strings.Cut(report, "\n"); !strings.Contains(first, "core Prescott") {
		t.Errorf("report header %q does not name core Prescott", first)
	}
	if !strings.Contains(report, warning) || !strings.Contains(report, "OPENBLAS_CORETYPE="+w.CoreType) {
		t.Errorf("report lacks the warning %q:\n%s", warning, report)
	}
	if !strings.Contains(explain, "core Prescott") || !strings.Contains("\n"+explain, warning) {
		t.Errorf("explain lacks the core or the warning %q:\n%s", warning, explain)
	}
}
