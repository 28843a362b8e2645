package npy_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/internal/fixture"
)

// TestLoadOutlivesClose checks Load's promise: its views are Go memory
// that stays valid after Close, and after the file is deleted; a
// collection in between frees nothing a view still holds.
func TestLoadOutlivesClose(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "a.npy", 30, 20, true)
	f, err := npy.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Copied() {
		t.Error("Load: Copied() = false")
	}
	a, err := npy.Get[float64](f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	if _, err := npy.Get[float64](f); !errors.Is(err, npy.ErrClosed) {
		t.Errorf("Get after Close: got %v, want %v", err, npy.ErrClosed)
	}
	for i := range 30 {
		for j := range 20 {
			want := float64(i*20+j) + 0.5
			if got := a.At(i, j); got != want {
				t.Fatalf("Get view after Close: (%d, %d) = %v, want %v", i, j, got, want)
			}
			if got := m.At(i, j); got != want {
				t.Fatalf("Matrix after Close: (%d, %d) = %v, want %v", i, j, got, want)
			}
		}
	}
}

// TestLoadErrors checks that Load rejects what Open rejects, naming the
// file, and that a file claiming more data than it has allocates nothing
// of that size (the shape is checked against the file's size first).
func TestLoadErrors(t *testing.T) {
	fx := loadFixtures(t)
	for _, c := range fx.Bad {
		path := fixture.Path("npy/" + c.File)
		_, errOpen := npy.Open(path)
		f, err := npy.Load(path)
		if err == nil {
			f.Close()
			t.Errorf("%s: loaded", c.Name)
			continue
		}
		if errOpen == nil || !errors.Is(err, sentinels[c.Want]) {
			t.Errorf("%s: Load: %v; Open: %v; want %s", c.Name, err, errOpen, c.Want)
		}
	}
	if _, err := npy.Load(filepath.Join(t.TempDir(), "missing.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
	}
	n := testing.AllocsPerRun(10, func() {
		npy.Load(fixture.Path("npy/bad/absurd_shape.npy"))
	})
	if n > 30 {
		t.Errorf("Load of a lying header: %v allocations", n)
	}
}
