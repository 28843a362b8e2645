package npy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	npyio "codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/internal/fixture"
)

// npyCase is one file NumPy wrote, as testdata/gen_npy.py records it.
type npyCase struct {
	Name         string    `json:"name"`
	File         string    `json:"file"`
	Note         string    `json:"note"`
	Version      []int     `json:"version"`
	Dtype        string    `json:"dtype"`
	FortranOrder bool      `json:"fortran_order"`
	Shape        []int     `json:"shape"`
	DataOffset   int64     `json:"data_offset"`
	Values       []float64 `json:"values"` // C order
}

// npyBad is a file strider must reject, with NumPy's verdict on it.
type npyBad struct {
	Name       string `json:"name"`
	File       string `json:"file"`
	Want       string `json:"want"` // the sentinel's name
	Why        string `json:"why"`
	NumPyError string `json:"numpy_error"`
	NumPyShape []int  `json:"numpy_shape"`
}

type npyFixtures struct {
	NumPyVersion string    `json:"numpy_version"`
	Cases        []npyCase `json:"cases"`
	Bad          []npyBad  `json:"bad"`
}

func loadFixtures(t testing.TB) npyFixtures {
	t.Helper()
	b, err := os.ReadFile(fixture.Path("npy/npy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx npyFixtures
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) == 0 || len(fx.Bad) == 0 {
		t.Fatal("testdata/npy/npy.json has no cases")
	}
	return fx
}

// cIndex returns the C-order position of idx in shape: where the value
// lies in npyCase.Values.
func cIndex(shape, idx []int) int {
	k := 0
	for d, n := range shape {
		k = k*n + idx[d]
	}
	return k
}

// forEachIndex calls fn with every index of shape, in C order.
func forEachIndex(shape []int, fn func(idx []int)) {
	for _, n := range shape {
		if n == 0 {
			return
		}
	}
	idx := make([]int, len(shape))
	for {
		fn(idx)
		d := len(idx) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// TestFixtures opens every file NumPy wrote and checks the header, whether
// the data was mapped or copied, and every value through Array, Strided
// and Matrix.
func TestFixtures(t *testing.T) {
	fx := loadFixtures(t)
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			f, err := npy.Open(fixture.Path("npy/" + c.File))
			if err != nil {
				t.Fatalf("%s: %v", c.Note, err)
			}
			defer f.Close()
			h := f.Header()
			if h.Major != c.Version[0] || h.Minor != c.Version[1] || f.Dtype() != c.Dtype || f.FortranOrder() != c.FortranOrder ||
				!slices.Equal(f.Shape(), c.Shape) || h.DataOffset != c.DataOffset {
				t.Errorf("got version %d.%d, dtype %s, fortran %v, shape %v, offset %d; want %v, %s, %v, %v, %d",
					h.Major, h.Minor, f.Dtype(), f.FortranOrder(), f.Shape(), h.DataOffset,
					c.Version, c.Dtype, c.FortranOrder, c.Shape, c.DataOffset)
			}
			isize := h.ItemSize()
			wantCopy := c.Dtype[0] == '>' || c.DataOffset%int64(isize) != 0
			if f.Copied() != wantCopy {
				t.Errorf("Copied() = %v, want %v", f.Copied(), wantCopy)
			}

			// Every element through the N-d description.
			var data []float64
			var shape, strides []int
			if isize == 8 {
				a, err := f.Array()
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Check(); err != nil {
					t.Errorf("Array: Check: %v", err)
				}
				data, shape, strides = a.Data, a.Shape, a.Strides
				if _, err := f.Strided32(); !errors.Is(err, npy.ErrDtype) {
					t.Errorf("Strided32 of float64: got %v, want %v", err, npy.ErrDtype)
				}
			} else {
				a, err := f.Array32()
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Check(); err != nil {
					t.Errorf("Array32: Check: %v", err)
				}
				for _, v := range a.Data {
					data = append(data, float64(v))
				}
				shape, strides = a.Shape, a.Strides
				if _, err := f.Strided(); !errors.Is(err, npy.ErrDtype) {
					t.Errorf("Strided of float32: got %v, want %v", err, npy.ErrDtype)
				}
			}
			if !slices.Equal(shape, c.Shape) || len(data) != len(c.Values) {
				t.Fatalf("Array: shape %v with %d elements, want %v with %d", shape, len(data), c.Shape, len(c.Values))
			}
			forEachIndex(shape, func(idx []int) {
				k := 0
				for d, i := range idx {
					k += i * strides[d]
				}
				if want := c.Values[cIndex(shape, idx)]; data[k] != want {
					t.Errorf("Array element %v: got %v, want %v", idx, data[k], want)
				}
			})

			// Matrices: rank 0, 1 and 2 with no empty dimension.
			empty := slices.Contains(c.Shape, 0)
			var l adapter.Layout
			var at func(i, j int) float64
			if isize == 8 {
				s, err := f.Strided()
				if err != nil {
					checkMatrixErr(t, c, empty, err)
					return
				}
				l, at = s.Layout, s.At
			} else {
				s, err := f.Strided32()
				if err != nil {
					checkMatrixErr(t, c, empty, err)
					return
				}
				l, at = s.Layout, func(i, j int) float64 { return float64(s.At(i, j)) }
			}
			if len(c.Shape) > 2 || empty {
				t.Fatalf("shape %v: got a matrix, want an error", c.Shape)
			}
			r, cols := l.Rows, l.Cols
			if r*cols != len(c.Values) || len(c.Shape) == 2 && (r != c.Shape[0] || cols != c.Shape[1]) || len(c.Shape) == 1 && cols != 1 {
				t.Fatalf("Dims() = %d, %d for shape %v", r, cols, c.Shape)
			}
			for i := range r {
				for j := range cols {
					if got, want := at(i, j), c.Values[i*cols+j]; got != want {
						t.Errorf("At(%d, %d): got %v, want %v", i, j, got, want)
					}
				}
			}
			if isize != 8 {
				return
			}
			mm, err := f.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(mm, mat.NewDense(r, cols, c.Values)) {
				t.Errorf("Matrix: got %v, want %v", mat.Formatted(mm), c.Values)
			}
			switch mm.(type) {
			case *colmajor.Dense:
				if !c.FortranOrder || r == 1 || cols == 1 {
					t.Errorf("Matrix of fortran_order %v %d×%d is %T", c.FortranOrder, r, cols, mm)
				}
			case *mat.Dense:
				if c.FortranOrder && r > 1 && cols > 1 {
					t.Errorf("Matrix of fortran_order %v %d×%d is %T", c.FortranOrder, r, cols, mm)
				}
			default:
				t.Errorf("Matrix is %T, want a BLAS-ready type", mm)
			}
		})
	}
}

func checkMatrixErr(t *testing.T, c npyCase, empty bool, err error) {
	t.Helper()
	switch {
	case empty && errors.Is(err, adapter.ErrDims), len(c.Shape) > 2 && errors.Is(err, adapter.ErrRank):
	default:
		t.Errorf("shape %v: unexpected error %v", c.Shape, err)
	}
}

var sentinels = map[string]error{
	"ErrMagic":     npy.ErrMagic,
	"ErrVersion":   npy.ErrVersion,
	"ErrHeader":    npy.ErrHeader,
	"ErrDtype":     npy.ErrDtype,
	"ErrTruncated": npy.ErrTruncated,
	"ErrSize":      npy.ErrSize,
}

// TestBadFiles checks that every malformed file is rejected with the error
// the generator names, and an error message naming the file.
func TestBadFiles(t *testing.T) {
	fx := loadFixtures(t)
	for _, c := range fx.Bad {
		path := fixture.Path("npy/" + c.File)
		f, err := npy.Open(path)
		if err == nil {
			f.Close()
			t.Errorf("%s (%s): opened; NumPy says %v", c.Name, c.Why, c.NumPyError)
			continue
		}
		want, ok := sentinels[c.Want]
		if !ok {
			t.Fatalf("%s: unknown sentinel %s", c.Name, c.Want)
		}
		if !errors.Is(err, want) {
			t.Errorf("%s (%s): got %v, want %v", c.Name, c.Why, err, want)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", c.Name, err)
		}
	}
}

// TestWriteReproducesNumPy writes what Open read from each 2-D float64
// file NumPy wrote in format 1.0, and expects NumPy's exact bytes: the same
// header (padding included) and the same data order.
func TestWriteReproducesNumPy(t *testing.T) {
	fx := loadFixtures(t)
	n := 0
	for _, c := range fx.Cases {
		if len(c.Shape) != 2 || slices.Contains(c.Shape, 0) || c.Dtype != "<f8" || c.Version[0] != 1 || c.DataOffset%64 != 0 {
			continue
		}
		n++
		path := fixture.Path("npy/" + c.File)
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.Strided()
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := npy.Write(&got, s); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: Write differs from np.save:\n got %q\nwant %q", c.Name, got.Bytes()[:128], want[:128])
		}
	}
	if n < 5 {
		t.Errorf("only %d fixtures compared", n)
	}
}

// TestAgainstNpyio reads the 2-D float64 fixtures with npyio into a
// mat.Dense, an independent reader, and compares.
func TestAgainstNpyio(t *testing.T) {
	fx := loadFixtures(t)
	for _, c := range fx.Cases {
		if len(c.Shape) != 2 || slices.Contains(c.Shape, 0) || c.Dtype[1:] != "f8" || c.Version[0] == 3 {
			continue
		}
		path := fixture.Path("npy/" + c.File)
		r, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var want mat.Dense
		err = npyio.Read(r, &want)
		r.Close()
		if err != nil {
			t.Errorf("%s: npyio: %v", c.Name, err)
			continue
		}
		f, err := npy.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Matrix()
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got, &want) {
			t.Errorf("%s: got %v, npyio reads %v", c.Name, mat.Formatted(got), mat.Formatted(&want))
		}
		f.Close()
	}
}
