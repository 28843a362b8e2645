package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the demonstration end to end at a tiny size; it asserts what
// the output shows, never how fast anything was.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, []string{"-n", "16", "-reps", "1"}))
	s := out.String()
	for _, want := range []string{
		"*mat.Dense", "*colmajor.Dense", "*adapter.Strided",
		"col-major 8×6, ld=8 (contiguous)",
		"row-major 3×4, ld=8, offset 10 (4 padding elements per row)",
		"(broadcast rows)", "(reversed rows)",
		"trans flag (colmajor.Dense, 0 B copied)",
	} {
		assert.True(t, strings.Contains(s, want), "output lacks %q:\n%s", want, s)
	}
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-reps", "0"}, {"-nosuch"}} {
		assert.Error(t, run(&bytes.Buffer{}, args), "%v", args)
	}
}
