package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strider-go/strider/bench"
)

// TestRunHTML checks that -html writes a page of the run that printed its
// JSON: a chart per workload and a table row per measurement.
func TestRunHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	var out bytes.Buffer
	args := []string{"-json", "-workloads", "gemv,traverse/row", "-sizes", "8", "-reps", "1", "-mintime", "1us", "-html", path}
	if err := run(context.Background(), args, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("-json with -html: %v", err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(s), "</html>") {
		t.Errorf("%s is not one HTML page", path)
	}
	if got := strings.Count(s, "<svg "); got != 2 {
		t.Errorf("%d charts, want 2 (gemv/col, traverse/row)", got)
	}
	for _, m := range rep.Measurements {
		row := `<tr data-workload="` + m.Workload + `" data-size="8" class="`
		if !strings.Contains(s, row) {
			t.Errorf("no row for %s", m.Workload)
		}
	}
	if got, want := strings.Count(s, `" data-size="8" class="`), len(rep.Measurements); got != want {
		t.Errorf("%d measurement rows, want %d", got, want)
	}
}

func TestRunHTMLUsage(t *testing.T) {
	for i, arg := range []string{"x.png", "-json", "report"} {
		err := run(context.Background(), []string{"-html", arg}, &bytes.Buffer{}, &bytes.Buffer{})
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), ".html") {
			t.Errorf("test %d: -html %s: got %v, want a usage error asking for .html", i, arg, err)
		}
	}
}
