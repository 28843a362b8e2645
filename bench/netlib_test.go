//go:build netlib && cgo

package bench

// Built with -tags netlib, this package's tests and benchmarks run on
// OpenBLAS (the import's init makes it the active backend), and the backend
// family compares it with pure Go.
import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/netlib"
)

func init() { RegisterBackend(blasbridge.Active()) }

// TestNetlibHeader: on OpenBLAS, the report's header and Explain name the
// core the library runs and its threads, and carry Check's warning exactly
// when it has one.
func TestNetlibHeader(t *testing.T) {
	old, err := UseBackend("netlib")
	if err != nil {
		t.Fatal(err)
	}
	defer blasbridge.SetBackend(old)
	about := fmt.Sprintf(", core %s, %d threads", netlib.Core(), netlib.Threads())
	warning := ""
	if w := netlib.Check(); w != nil {
		warning = w.String()
	}

	e := env(Options{})
	if !strings.HasPrefix(e.BackendAbout, "OpenBLAS ") || !strings.HasSuffix(e.BackendAbout, about) || e.BackendWarning != warning {
		t.Errorf("env: about %q, warning %q; want OpenBLAS's version then %q, and warning %q", e.BackendAbout, e.BackendWarning, about, warning)
	}
	var table bytes.Buffer
	if err := WriteTable(&table, &Report{Env: e}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(table.String(), "\n")
	if !strings.HasSuffix(first, "backend netlib ("+e.BackendAbout+")") {
		t.Errorf("table header %q does not end with the backend and its core", first)
	}
	if got := strings.Contains(table.String(), "warning: "); got != (warning != "") {
		t.Errorf("table: warning shown %v, want %v:\n%s", got, warning != "", table.String())
	}

	var out bytes.Buffer
	l := adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: 3}
	if err := Explain(&out, Operand{Layout: l, ItemSize: 8}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "\nbackend netlib: "+e.BackendAbout+"\n") {
		t.Errorf("Explain does not name the core:\n%s", s)
	}
}
