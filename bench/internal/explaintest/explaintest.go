// Package explaintest reads what bench.Explain prints, for the tests of
// bench and of the layoutbench command.
package explaintest

import (
	"strconv"
	"strings"
	"testing"
)

// Offsets reads the byte-offset table at the end of Explain's output: row i
// holds the offsets of (i, 0), (i, 1), ….
func Offsets(t testing.TB, out string) [][]int {
	t.Helper()
	_, table, ok := strings.Cut(out, "byte offsets of element (i, j)")
	if !ok {
		t.Fatalf("no offsets table in\n%s", out)
	}
	var rows [][]int
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], "i=") {
			continue
		}
		var row []int
		for _, s := range f[1:] {
			if s == "…" {
				break
			}
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("offset %q: %v", s, err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}
