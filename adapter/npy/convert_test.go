package npy_test

import (
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/internal/fixture"
)

func canMap() bool { return runtime.GOOS == "linux" || runtime.GOOS == "darwin" }

// TestGetSharesMemory checks the zero-copy claims on a mapped file: Get and
// Data of one File are the same memory (a write through one is read
// through the other), neither is a copy of Convert's, and the write does
// not reach the file.
func TestGetSharesMemory(t *testing.T) {
	if !canMap() {
		t.Skip("no memory mapping here")
	}
	for _, name := range []string{"t_lef8_f_r3", "t_lef4_c_r4"} {
		path := fixture.Path("npy/typed/" + name + ".npy")
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Copied() {
			t.Fatalf("%s: copied", name)
		}
		conv, err := npy.Convert[float64](f)
		if err != nil {
			t.Fatal(err)
		}
		last := len(conv.Data) - 1
		if strings.Contains(name, "f8") {
			a, err := npy.Get[float64](f)
			if err != nil {
				t.Fatal(err)
			}
			a.Data[last] = -7 // a sentinel no fixture value equals
			d, err := npy.Data[float64](f)
			if err != nil {
				t.Fatal(err)
			}
			if d[last] != -7 || &d[0] != &a.Data[0] {
				t.Errorf("%s: Data does not see Get's write", name)
			}
		} else {
			a, err := npy.Get[float32](f)
			if err != nil {
				t.Fatal(err)
			}
			a.Data[last] = -7
			d, err := npy.Data[float32](f)
			if err != nil {
				t.Fatal(err)
			}
			if d[last] != -7 || &d[0] != &a.Data[0] {
				t.Errorf("%s: Data does not see Get's write", name)
			}
		}
		if conv.Data[last] == -7 {
			t.Errorf("%s: Convert's copy sees the write", name)
		}
		// The mapping is the file's: the data lies inside it, not in a copy.
		h := f.Header()
		d, _ := npy.Data[float64](f)
		if d == nil {
			d32, _ := npy.Data[float32](f)
			if uintptr(unsafe.Pointer(&d32[0]))%4096 != uintptr(h.DataOffset)%4096 {
				t.Errorf("%s: the data is not at the file's offset in a mapping", name)
			}
		} else if uintptr(unsafe.Pointer(&d[0]))%4096 != uintptr(h.DataOffset)%4096 {
			t.Errorf("%s: the data is not at the file's offset in a mapping", name)
		}
		f.Close()
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, after) {
			t.Fatalf("%s: a write through a view reached the file", name)
		}
	}
}

// TestGetAllocs checks that Get and Data cost a header: the allocations do
// not grow with the data (two small slices for Get's shape and strides,
// nothing for Data).
func TestGetAllocs(t *testing.T) {
	dir := t.TempDir()
	counts := map[string]float64{}
	for _, size := range []struct {
		name string
		r, c int
	}{{"small", 3, 4}, {"large", 512, 1024}} {
		f, err := npy.Open(writeFile(t, dir, size.name+".npy", size.r, size.c, false))
		if err != nil {
			t.Fatal(err)
		}
		counts[size.name] = testing.AllocsPerRun(50, func() {
			if _, err := npy.Get[float64](f); err != nil {
				t.Fatal(err)
			}
		})
		if n := testing.AllocsPerRun(50, func() {
			if _, err := npy.Data[float64](f); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: Data allocates %v times", size.name, n)
		}
		f.Close()
	}
	if counts["small"] != counts["large"] || counts["large"] > 1 {
		t.Errorf("Get allocations: %v for 96 bytes, %v for 4 MiB; want equal and at most 1", counts["small"], counts["large"])
	}
}

// TestConvertCopies checks that Convert allocates fresh memory even for the
// file's own type, leaves the file's data alone, and has Get's shape and
// strides.
func TestConvertCopies(t *testing.T) {
	f, err := npy.Open(fixture.Path("npy/f_f8_2x3x4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := npy.Get[float64](f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := npy.Convert[float64](f)
	if err != nil {
		t.Fatal(err)
	}
	if &c.Data[0] == &g.Data[0] || !slices.Equal(c.Shape, g.Shape) || !slices.Equal(c.Strides, g.Strides) || !slices.Equal(c.Data, g.Data) {
		t.Fatalf("Convert: %v, Get: %v", c, g)
	}
	c.Data[0] = -1
	if g.Data[0] == -1 {
		t.Error("Convert's result shares the file's memory")
	}
}

// TestDtypeErrors checks that accessors name both types and point to the
// accessor that reads the file.
func TestDtypeErrors(t *testing.T) {
	open := func(name string) *npy.File {
		f, err := npy.Open(fixture.Path("npy/typed/" + name + ".npy"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	f32, u8, c16 := open("t_lef4_c_r2"), open("t_u1_c_r2"), open("t_lec16_c_r2")
	for i, test := range []struct {
		err  error
		want []string
	}{
		{func() error { _, err := f32.Strided(); return err }(), []string{"<f4", "float32", "float64", "Strided32", "Get[float32]"}},
		{func() error { _, err := f32.Matrix(); return err }(), []string{"Strided32", "Get[float32]"}},
		{func() error { _, err := u8.Strided(); return err }(), []string{"|u1", "uint8", "Convert"}},
		{func() error { _, err := npy.Get[float32](u8); return err }(), []string{"uint8", "float32", "Convert"}},
		{func() error { _, err := npy.Data[int8](u8); return err }(), []string{"uint8", "int8", "Data[uint8]"}},
		{func() error { _, err := npy.Convert[float64](c16); return err }(), []string{"complex128", "Data[complex128]", "real and imag"}},
		{func() error { _, err := c16.Strided(); return err }(), []string{"complex128", "CDense"}},
		{func() error { _, err := u8.CDense(); return err }(), []string{"uint8", "complex128"}},
	} {
		if !errors.Is(test.err, npy.ErrDtype) {
			t.Errorf("test %d: got %v, want %v", i, test.err, npy.ErrDtype)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(test.err.Error(), w) {
				t.Errorf("test %d: %q does not say %q", i, test.err, w)
			}
		}
	}
}

// TestCDense reads the complex128 fixtures as Gonum matrices: C order
// zero-copy, Fortran order refused with ErrOrder pointing to Data.
func TestCDense(t *testing.T) {
	n := 0
	for _, c := range loadTyped(t) {
		if c.Dtype[1:] != "c16" || strings.HasPrefix(c.Name, "t_unaligned") {
			continue
		}
		f, err := npy.Open(fixture.Path("npy/" + c.File))
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.CDense()
		switch {
		case len(c.Shape) > 2:
			if !errors.Is(err, adapter.ErrRank) {
				t.Errorf("%s: got %v, want %v", c.Name, err, adapter.ErrRank)
			}
		case c.FortranOrder:
			if !errors.Is(err, npy.ErrOrder) || !strings.Contains(err.Error(), "row-major") || !strings.Contains(err.Error(), "Data[complex128]") {
				t.Errorf("%s: got %v, want %v naming row-major and Data", c.Name, err, npy.ErrOrder)
			}
		case err != nil:
			t.Errorf("%s: %v", c.Name, err)
		default:
			r, cols := m.Dims()
			wr, wc := 1, 1
			if len(c.Shape) > 0 {
				wr = c.Shape[0]
			}
			if len(c.Shape) > 1 {
				wc = c.Shape[1]
			}
			if r != wr || cols != wc {
				t.Fatalf("%s: Dims %d×%d, want %d×%d", c.Name, r, cols, wr, wc)
			}
			for i := range r {
				for j := range cols {
					w, err := parseWant(c.Values[i*cols+j], 'c')
					if err != nil {
						t.Fatal(err)
					}
					if got := m.At(i, j); !sameFloat(real(got), w.re) || !sameFloat(imag(got), w.im) {
						t.Errorf("%s: At(%d, %d): got %v, want (%v%+vi)", c.Name, i, j, got, w.re, w.im)
					}
				}
			}
			d, _ := npy.Data[complex128](f)
			if raw := m.RawCMatrix(); &raw.Data[0] != &d[0] {
				t.Errorf("%s: CDense does not share the File's memory", c.Name)
			}
			n++
		}
		f.Close()
	}
	if n < 6 {
		t.Errorf("only %d matrices read", n)
	}
}
