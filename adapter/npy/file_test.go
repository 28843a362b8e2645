package npy_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/internal/fixture"
	"github.com/strider-go/strider/window"
)

// writeFile writes an r×c matrix of values i*c + j + 0.5 (in C or Fortran
// order) to a .npy file in dir.
func writeFile(t testing.TB, dir, name string, r, c int, fortran bool) string {
	t.Helper()
	data := make([]float64, r*c)
	l := adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
	if fortran {
		l = adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
	}
	for i := range r {
		for j := range c {
			data[l.Index(i, j)] = float64(i*c+j) + 0.5
		}
	}
	path := filepath.Join(dir, name)
	fd, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(fd, adapter.Strided{Data: data, Layout: l}); err != nil {
		t.Fatal(err)
	}
	if err := fd.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClose(t *testing.T) {
	for _, name := range []string{"f_f8_3x4.npy", "c_f8be_3x4.npy", "c_f4_3x4.npy", "c_f8_0x3.npy"} {
		f, err := npy.Open(fixture.Path("npy/" + name))
		if err != nil {
			t.Fatal(err)
		}
		for k := range 2 {
			if err := f.Close(); err != nil {
				t.Errorf("%s: Close %d: %v", name, k, err)
			}
		}
		if _, err := f.Strided(); !errors.Is(err, npy.ErrClosed) {
			t.Errorf("%s: Strided after Close: got %v, want %v", name, err, npy.ErrClosed)
		}
		if _, err := f.Strided32(); !errors.Is(err, npy.ErrClosed) {
			t.Errorf("%s: Strided32 after Close: got %v, want %v", name, err, npy.ErrClosed)
		}
		if _, err := f.Matrix(); !errors.Is(err, npy.ErrClosed) {
			t.Errorf("%s: Matrix after Close: got %v, want %v", name, err, npy.ErrClosed)
		}
		if _, err := f.Array(); !errors.Is(err, npy.ErrClosed) {
			t.Errorf("%s: Array after Close: got %v, want %v", name, err, npy.ErrClosed)
		}
		if _, err := f.Array32(); !errors.Is(err, npy.ErrClosed) {
			t.Errorf("%s: Array32 after Close: got %v, want %v", name, err, npy.ErrClosed)
		}
		if len(f.Shape()) != 2 || f.Dtype() == "" {
			t.Errorf("%s: metadata after Close: shape %v, dtype %q", name, f.Shape(), f.Dtype())
		}
	}
}

// TestWritesStayPrivate writes through the matrices of a mapped file and
// checks that the view changes, the file does not, and the write did not
// fault: the mapping is copy-on-write.
func TestWritesStayPrivate(t *testing.T) {
	dir := t.TempDir()
	for _, fortran := range []bool{false, true} {
		path := writeFile(t, dir, "a.npy", 300, 200, fortran)
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Copied() && (runtime.GOOS == "linux" || runtime.GOOS == "darwin") {
			t.Errorf("fortran %v: native aligned data was copied", fortran)
		}
		m, err := f.Matrix()
		if err != nil {
			t.Fatal(err)
		}
		switch m := m.(type) {
		case *mat.Dense:
			m.Set(299, 199, -1)
			m.Scale(2, m) // a Gonum operation using the view as destination
		case *colmajor.Dense:
			m.Set(299, 199, -1)
			tv := m.TView()
			tv.Scale(2, tv)
		default:
			t.Fatalf("Matrix is %T", m)
		}
		if got := m.At(299, 199); got != -2 {
			t.Errorf("fortran %v: At after Set and Scale: got %v, want -2", fortran, got)
		}
		if got := m.At(0, 0); got != 1 {
			t.Errorf("fortran %v: At(0, 0) after Scale: got %v, want 1", fortran, got)
		}
		f2, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := f2.Strided()
		if err != nil {
			t.Fatal(err)
		}
		if got := s2.At(299, 199); got != 299*200+199+0.5 {
			t.Errorf("fortran %v: a second File sees %v", fortran, got)
		}
		f2.Close()
		f.Close()
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("fortran %v: writes through a view reached the file", fortran)
		}
	}
}

// TestOpenAllocs checks that Open, Strided and Close allocate a handful of
// small values, as many for 8 MiB as for 96 bytes: nothing is copied.
func TestOpenAllocs(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("no memory mapping here")
	}
	dir := t.TempDir()
	counts := map[string]float64{}
	for _, size := range []struct {
		name string
		r, c int
	}{{"small", 3, 4}, {"large", 1024, 1024}} {
		path := writeFile(t, dir, size.name+".npy", size.r, size.c, true)
		var sum float64
		counts[size.name] = testing.AllocsPerRun(20, func() {
			f, err := npy.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Strided()
			if err != nil {
				t.Fatal(err)
			}
			sum += s.At(size.r-1, size.c-1)
			if f.Copied() {
				t.Fatal("copied")
			}
			f.Close()
		})
	}
	if counts["small"] != counts["large"] || counts["large"] > 12 {
		t.Errorf("Open+Strided+Close allocations: %v for 96 bytes, %v for 8 MiB; want equal and at most 12", counts["small"], counts["large"])
	}
	t.Logf("allocations per Open+Strided+Close: %v", counts["large"])
}

// TestArrayWindows checks the promise in Array's doc: it is an
// adapter.Array that passes Check, reads the file's elements at the offsets
// of its order, and window's N-d machinery takes as it is.
func TestArrayWindows(t *testing.T) {
	for _, name := range []string{"c_f8_2x3x4.npy", "f_f8_2x3x4.npy"} {
		f, err := npy.Open(fixture.Path("npy/" + name))
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.Array()
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Check(); err != nil {
			t.Errorf("%s: Check: %v", name, err)
		}
		// base(24).reshape(2, 3, 4) in either order: C index of (1, 2, 3)
		// is 23, Fortran index is 1 + 2*2 + 3*6 = 23 too; (1, 0, 2) differs.
		if got, want := v.At(1, 2, 3), 1000+23+0.25; got != want {
			t.Errorf("%s: At(1, 2, 3): got %v, want %v", name, got, want)
		}
		want := 1000 + 14 + 0.25 // C: 1*12 + 0*4 + 2
		if name[0] == 'f' {
			want = 1000 + 13 + 0.25 // F: 1 + 0*2 + 2*6
		}
		if got := v.At(1, 0, 2); got != want {
			t.Errorf("%s: At(1, 0, 2): got %v, want %v", name, got, want)
		}
		// Windows of 2 along the last axis: window (1, 0, 1) starts at
		// element (1, 0, 1) and its second element is (1, 0, 2).
		w, err := window.Windows(v, []window.Axis{{}, {}, {Size: 2}})
		if err != nil {
			t.Fatalf("%s: Windows: %v", name, err)
		}
		if got := w.At(1, 0, 1, 1); got != want {
			t.Errorf("%s: Windows At(1, 0, 1, 1): got %v, want %v", name, got, want)
		}
		if len(w.Data) > 0 && &w.Data[0] != &v.Data[0] {
			t.Errorf("%s: the windows do not share the file's memory", name)
		}
		f.Close()
	}
}
