package npy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite testdata/npy/fromgo/ (then run testdata/gen_npy.py --check-fromgo)")

// writeCase is a matrix for Write: the elements of layout l over a buffer
// of n values 1000 + k + 0.25, so the elements outside the view are
// sentinels that must not be written.
type writeCase struct {
	name    string
	n       int
	l       adapter.Layout
	f32     bool
	fortran bool // the order Write must choose
}

var writeCases = []writeCase{
	{name: "c_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}},
	{name: "f_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: 3}, fortran: true},
	{name: "c_padded_3x4_ld6", n: 20, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 6, ColStride: 1, Offset: 1}},
	{name: "f_padded_3x4_ld5", n: 20, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: 5, Offset: 2}, fortran: true},
	{name: "c_rows_reversed_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}},
	{name: "c_cols_reversed_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: -1, Offset: 3}},
	{name: "c_both_reversed_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: -4, ColStride: -1, Offset: 11}},
	{name: "f_cols_reversed_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: -3, Offset: 9}, fortran: true},
	{name: "f_rows_reversed_3x4", n: 12, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: -1, ColStride: 3, Offset: 2}, fortran: true},
	{name: "c_stepped_3x3", n: 45, l: adapter.Layout{Rows: 3, Cols: 3, RowStride: 18, ColStride: 3, Offset: 1}},
	{name: "f_stepped_4x3", n: 40, l: adapter.Layout{Rows: 4, Cols: 3, RowStride: 2, ColStride: 12, Offset: 1}, fortran: true},
	{name: "c_transpose_4x3", n: 12, l: adapter.Layout{Rows: 4, Cols: 3, RowStride: 1, ColStride: 4}, fortran: true},
	{name: "broadcast_row_4x5", n: 7, l: adapter.Layout{Rows: 4, Cols: 5, RowStride: 0, ColStride: 1, Offset: 1}, fortran: true},
	{name: "broadcast_col_4x5", n: 6, l: adapter.Layout{Rows: 4, Cols: 5, RowStride: 1, ColStride: 0, Offset: 1}},
	{name: "overlap_rows_4x3", n: 8, l: adapter.Layout{Rows: 4, Cols: 3, RowStride: 1, ColStride: 1, Offset: 1}},
	{name: "single_row_stepped_1x5", n: 12, l: adapter.Layout{Rows: 1, Cols: 5, RowStride: 99, ColStride: 2, Offset: 1}},
	{name: "single_col_stepped_5x1", n: 16, l: adapter.Layout{Rows: 5, Cols: 1, RowStride: 3, ColStride: 7, Offset: 1}},
	{name: "single_1x1", n: 3, l: adapter.Layout{Rows: 1, Cols: 1, RowStride: 5, ColStride: 5, Offset: 2}},
	{name: "f4_f_padded_3x4_ld5", n: 20, f32: true, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: 5, Offset: 2}, fortran: true},
	{name: "f4_c_both_reversed_3x4", n: 12, f32: true, l: adapter.Layout{Rows: 3, Cols: 4, RowStride: -4, ColStride: -1, Offset: 11}},
	// Longer than Write's buffer: contiguous runs bypass it, others fill it.
	{name: "f_padded_2100x3_ld2101", n: 2101 * 3, l: adapter.Layout{Rows: 2100, Cols: 3, RowStride: 1, ColStride: 2101}, fortran: true},
	{name: "c_stepped_3x9000", n: 3 * 18000, l: adapter.Layout{Rows: 3, Cols: 9000, RowStride: 18000, ColStride: 2}},
}

func (c writeCase) base() []float64 {
	b := make([]float64, c.n)
	for k := range b {
		b[k] = 1000 + float64(k) + 0.25
	}
	return b
}

// write writes c with Write or Write32.
func (c writeCase) write(w io.Writer) error {
	if c.f32 {
		b := make([]float32, c.n)
		for k, v := range c.base() {
			b[k] = float32(v)
		}
		return npy.Write32(w, adapter.Strided32{Data: b, Layout: c.l})
	}
	return npy.Write(w, adapter.Strided{Data: c.base(), Layout: c.l})
}

// TestWrite writes every layout, reads it back with Open and compares
// element by element: the order Write chose, the compact size (no padding
// or gap was written) and every value.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, c := range writeCases {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		path := filepath.Join(dir, c.name+".npy")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := npy.Open(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h := f.Header()
		isize := 8
		if c.f32 {
			isize = 4
		}
		if h.FortranOrder != c.fortran || h.Shape[0] != c.l.Rows || h.Shape[1] != c.l.Cols || h.DataOffset%64 != 0 || f.Copied() {
			t.Errorf("%s: header %+v copied %v, want fortran_order %v, shape (%d, %d)", c.name, h, f.Copied(), c.fortran, c.l.Rows, c.l.Cols)
		}
		if got, want := int64(buf.Len())-h.DataOffset, int64(c.l.Rows*c.l.Cols*isize); got != want {
			t.Errorf("%s: %d data bytes, want %d", c.name, got, want)
		}
		base := c.base()
		var at func(i, j int) float64
		if c.f32 {
			s, err := f.Strided32()
			if err != nil {
				t.Fatal(err)
			}
			at = func(i, j int) float64 { return float64(s.At(i, j)) }
		} else {
			s, err := f.Strided()
			if err != nil {
				t.Fatal(err)
			}
			at = s.At
		}
		for i := range c.l.Rows {
			for j := range c.l.Cols {
				if got, want := at(i, j), base[c.l.Index(i, j)]; got != want {
					t.Fatalf("%s: (%d, %d): got %v, want %v", c.name, i, j, got, want)
				}
			}
		}
		f.Close()
	}
}

func TestWriteErrors(t *testing.T) {
	data := make([]float64, 12)
	for i, test := range []struct {
		l    adapter.Layout
		want error
	}{
		{adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}, adapter.ErrOutOfBounds},
		{adapter.Layout{Rows: 0, Cols: 4, RowStride: 4, ColStride: 1}, adapter.ErrDims},
		{adapter.Layout{Rows: 3, Cols: 4, RowStride: 1 << 62, ColStride: 1}, adapter.ErrOverflow},
		{adapter.Layout{Rows: 1 << 40, Cols: 1 << 40, RowStride: 0, ColStride: 0}, adapter.ErrOverflow},
		{adapter.Layout{Rows: 1 << 31, Cols: 1 << 30, RowStride: 0, ColStride: 0}, adapter.ErrOverflow},
	} {
		var buf bytes.Buffer
		if err := npy.Write(&buf, adapter.Strided{Data: data, Layout: test.l}); !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
		if buf.Len() != 0 {
			t.Errorf("test %d: wrote %d bytes for a bad layout", i, buf.Len())
		}
	}
	// A writer's error is returned, and a short write is one.
	s := adapter.Strided{Data: data, Layout: adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}}
	if err := npy.Write(failWriter{}, s); !errors.Is(err, errFail) {
		t.Errorf("failing writer: got %v, want %v", err, errFail)
	}
	if err := npy.Write(shortWriter{}, s); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("short writer: got %v, want %v", err, io.ErrShortWrite)
	}
}

var errFail = errors.New("fail")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

// fromGoCase is one file strider wrote, described so that gen_npy.py can
// rebuild the array independently: with as_strided for Write and
// WriteArray (element idx is base[offset + Σ idx[k]*strides[k]]), with
// reshape in the given order for WriteData (base is the data). Base holds
// numbers, [re, im] pairs for complex dtypes, and float16 bits for "<f2".
type fromGoCase struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Dtype   string `json:"dtype"`
	Base    any    `json:"base"`
	Shape   []int  `json:"shape"`
	Strides []int  `json:"strides,omitempty"`
	Offset  int    `json:"offset"`
	Order   string `json:"order,omitempty"` // "C" or "F": WriteData's data order
	fortran bool   // the order the file must say
	bytes   []byte // what strider wrote
}

type numpyResult struct {
	Name         string `json:"name"`
	SHA256       string `json:"sha256"`
	Equal        bool   `json:"equal"`
	MmapEqual    bool   `json:"mmap_equal"`
	FortranOrder bool   `json:"fortran_order"`
	Error        string `json:"error"`
}

// fromGoCases returns every file strider's writers produce for NumPy to
// check: Write's matrices, WriteArray's N-d arrays and WriteData's dtypes.
func fromGoCases(t *testing.T) []fromGoCase {
	var cases []fromGoCase
	for _, c := range writeCases {
		if c.n > 1000 {
			continue // keep the committed files small
		}
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatal(err)
		}
		dtype := "<f8"
		if c.f32 {
			dtype = "<f4"
		}
		cases = append(cases, fromGoCase{Name: c.name, File: c.name + ".npy", Dtype: dtype, Base: c.base(),
			Shape: []int{c.l.Rows, c.l.Cols}, Strides: []int{c.l.RowStride, c.l.ColStride}, Offset: c.l.Offset,
			fortran: c.fortran, bytes: buf.Bytes()})
	}
	for _, c := range arrayCases {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		dtype := "<f8"
		if c.f32 {
			dtype = "<f4"
		}
		cases = append(cases, fromGoCase{Name: "nd_" + c.name, File: "nd_" + c.name + ".npy", Dtype: dtype, Base: c.base(),
			Shape: c.shape, Strides: c.strides, Offset: c.offset, fortran: c.fortran, bytes: buf.Bytes()})
	}
	for _, c := range dataCases() {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		order := "C"
		if c.fortran {
			order = "F"
		}
		cases = append(cases, fromGoCase{Name: "data_" + c.name, File: "data_" + c.name + ".npy", Dtype: c.dtype, Base: c.base,
			Shape: c.shape, Order: order, fortran: c.fortran, bytes: buf.Bytes()})
	}
	return cases
}

// TestFromGo checks that the files Write, WriteArray and WriteData produce
// load in NumPy as the same array, in the order expected, using the
// verdicts gen_npy.py --check-fromgo recorded for the exact bytes the
// writers produce now. With -update it rewrites the files and their
// descriptions instead; then rerun the script.
func TestFromGo(t *testing.T) {
	dir := fixture.Path("npy/fromgo")
	cases := fromGoCases(t)
	sums := map[string]string{}
	byName := map[string]fromGoCase{}
	for _, c := range cases {
		sum := sha256.Sum256(c.bytes)
		sums[c.Name] = hex.EncodeToString(sum[:])
		byName[c.Name] = c
	}
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if err := os.WriteFile(filepath.Join(dir, c.File), c.bytes, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := json.MarshalIndent(map[string]any{"cases": cases}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cases.json"), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote testdata/npy/fromgo; now run testdata/gen_npy.py --check-fromgo")
		return
	}

	b, err := os.ReadFile(filepath.Join(dir, "numpy.json"))
	if err != nil {
		t.Fatalf("%v: run go test -run TestFromGo -update, then testdata/gen_npy.py --check-fromgo", err)
	}
	var got struct {
		NumPyVersion string        `json:"numpy_version"`
		Results      []numpyResult `json:"results"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range got.Results {
		want, ok := sums[r.Name]
		switch {
		case !ok:
			continue
		case r.SHA256 != want:
			t.Errorf("%s: the writer's output changed since NumPy checked it: rerun with -update and gen_npy.py --check-fromgo", r.Name)
		case !r.Equal || !r.MmapEqual:
			t.Errorf("%s: NumPy %s loads a different array (mmap too: %v): %s", r.Name, got.NumPyVersion, r.MmapEqual, r.Error)
		case r.FortranOrder != byName[r.Name].fortran:
			t.Errorf("%s: NumPy reads fortran_order %v, want %v", r.Name, r.FortranOrder, byName[r.Name].fortran)
		}
		seen[r.Name] = true
	}
	for name := range sums {
		if !seen[name] {
			t.Errorf("%s: not checked by NumPy: rerun with -update and gen_npy.py --check-fromgo", name)
		}
	}
	// The committed files are what the writers write now.
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != sums[c.Name] {
			t.Errorf("%s: committed file differs from the writer's output: rerun with -update", c.Name)
		}
	}
}

// arrayCase is an N-d array for WriteArray over a buffer of n values
// 1000 + k + 0.25, so elements outside the view are sentinels that must
// not be written.
type arrayCase struct {
	name           string
	n              int
	shape, strides []int
	offset         int
	f32            bool
	fortran        bool // the order WriteArray must choose
}

var arrayCases = []arrayCase{
	{name: "c_2x3x4", n: 24, shape: []int{2, 3, 4}, strides: []int{12, 4, 1}},
	{name: "f_2x3x4", n: 24, shape: []int{2, 3, 4}, strides: []int{1, 2, 6}, fortran: true},
	{name: "rank0", n: 5, shape: []int{}, strides: []int{}, offset: 3},
	{name: "rank1_reversed_stepped_5", n: 10, shape: []int{5}, strides: []int{-2}, offset: 9},
	{name: "permuted_3x2x4", n: 24, shape: []int{3, 2, 4}, strides: []int{4, 12, 1}},
	{name: "permuted_4x3x2", n: 24, shape: []int{4, 3, 2}, strides: []int{1, 8, 4}, fortran: true},
	{name: "broadcast_2x3x4", n: 5, shape: []int{2, 3, 4}, strides: []int{0, 1, 0}, offset: 1},
	{name: "reversed_2x1x3x2", n: 12, shape: []int{2, 1, 3, 2}, strides: []int{-6, 6, -2, 1}, offset: 10},
	{name: "f_padded_2x3x2x2", n: 40, shape: []int{2, 3, 2, 2}, strides: []int{1, 3, 10, 20}, offset: 1, fortran: true},
	{name: "f4_c_stepped_2x2x3", n: 50, shape: []int{2, 2, 3}, strides: []int{24, 6, 2}, offset: 1, f32: true},
	{name: "f4_f_3x2x2", n: 12, shape: []int{3, 2, 2}, strides: []int{1, 3, 6}, f32: true, fortran: true},
	{name: "empty_2x0x3", n: 4, shape: []int{2, 0, 3}, strides: []int{0, 3, 1}},
	{name: "rank5_2x1x2x1x2", n: 8, shape: []int{2, 1, 2, 1, 2}, strides: []int{4, 4, 2, 2, 1}},
	{name: "overlap_3x3", n: 5, shape: []int{3, 3}, strides: []int{1, 1}},
	{name: "column_5x1x1", n: 20, shape: []int{5, 1, 1}, strides: []int{3, 1, 7}, offset: 2},
}

func (c arrayCase) base() []float64 {
	b := make([]float64, c.n)
	for k := range b {
		b[k] = 1000 + float64(k) + 0.25
	}
	return b
}

func (c arrayCase) write(w io.Writer) error {
	if c.f32 {
		b := make([]float32, c.n)
		for k, v := range c.base() {
			b[k] = float32(v)
		}
		return npy.WriteArray(w, adapter.Array[float32]{Data: b, Shape: c.shape, Strides: c.strides, Offset: c.offset})
	}
	return npy.WriteArray(w, adapter.Array[float64]{Data: c.base(), Shape: c.shape, Strides: c.strides, Offset: c.offset})
}

// TestWriteArray writes every array, reads it back with Open and compares
// element by element with the array written: the order WriteArray chose,
// the compact size and every value (the sentinels outside the view are
// distinct, so a gap written shows as a wrong value).
func TestWriteArray(t *testing.T) {
	for _, c := range arrayCases {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f, err := npy.Load(writeTemp(t, c.name, buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a := adapter.Array[float64]{Data: c.base(), Shape: c.shape, Strides: c.strides, Offset: c.offset}
		h := f.Header()
		isize := 8
		if c.f32 {
			isize = 4
		}
		if h.FortranOrder != c.fortran || !slices.Equal(h.Shape, c.shape) || h.DataOffset%64 != 0 {
			t.Errorf("%s: header %+v, want fortran_order %v, shape %v", c.name, h, c.fortran, c.shape)
		}
		if got, want := int64(buf.Len())-h.DataOffset, int64(a.Size()*isize); got != want {
			t.Errorf("%s: %d data bytes, want %d", c.name, got, want)
		}
		got, err := npy.Convert[float64](f)
		if err != nil {
			t.Fatal(err)
		}
		forEachIndex(c.shape, func(idx []int) {
			if g, w := got.At(idx...), a.At(idx...); g != w {
				t.Errorf("%s: %v: got %v, want %v", c.name, idx, g, w)
			}
		})
	}
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".npy")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWriteArrayErrors(t *testing.T) {
	data := make([]float64, 12)
	for i, test := range []struct {
		a    adapter.Array[float64]
		want error
	}{
		{adapter.Array[float64]{Data: data, Shape: []int{3, 4}, Strides: []int{4, 1}, Offset: 1}, adapter.ErrOutOfBounds},
		{adapter.Array[float64]{Data: data, Shape: []int{3, 4}, Strides: []int{4}}, adapter.ErrRank},
		{adapter.Array[float64]{Data: data, Shape: []int{-1, 4}, Strides: []int{4, 1}}, adapter.ErrDims},
		{adapter.Array[float64]{Data: data, Shape: []int{1 << 40, 1 << 40}, Strides: []int{0, 0}}, adapter.ErrOverflow},
		{adapter.Array[float64]{Data: data, Shape: []int{1 << 31, 1 << 30}, Strides: []int{0, 0}}, adapter.ErrOverflow},
		{adapter.Array[float64]{Data: data, Shape: []int{0, 1 << 62, 1 << 62}, Strides: []int{0, 0, 0}}, adapter.ErrOverflow},
		{adapter.Array[float64]{Data: data, Shape: make([]int, npy.MaxDims+1), Strides: make([]int, npy.MaxDims+1)}, adapter.ErrRank},
	} {
		var buf bytes.Buffer
		if err := npy.WriteArray(&buf, test.a); !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
		if buf.Len() != 0 {
			t.Errorf("test %d: wrote %d bytes for a bad array", i, buf.Len())
		}
	}
	a := adapter.Array[float64]{Data: data, Shape: []int{3, 4}, Strides: []int{1, 3}}
	if err := npy.WriteArray(failWriter{}, a); !errors.Is(err, errFail) {
		t.Errorf("failing writer: got %v, want %v", err, errFail)
	}
	if err := npy.WriteArray(shortWriter{}, a); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("short writer: got %v, want %v", err, io.ErrShortWrite)
	}
}

// TestWriteArrayLarge writes arrays longer than the writer's buffer:
// contiguous runs bypass it, strided ones fill it several times.
func TestWriteArrayLarge(t *testing.T) {
	data := make([]float64, 3*5000*2)
	for k := range data {
		data[k] = float64(k)
	}
	for _, a := range []adapter.Array[float64]{
		{Data: data, Shape: []int{3, 5000, 2}, Strides: []int{10000, 2, 1}},
		{Data: data, Shape: []int{3, 2, 5000}, Strides: []int{10000, 1, 2}},
		{Data: data, Shape: []int{3, 5000}, Strides: []int{10000, 2}},
	} {
		var buf bytes.Buffer
		if err := npy.WriteArray(&buf, a); err != nil {
			t.Fatal(err)
		}
		f, err := npy.Load(writeTemp(t, "large", buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := npy.Get[float64](f)
		if err != nil {
			t.Fatal(err)
		}
		forEachIndex(a.Shape, func(idx []int) {
			if g, w := got.At(idx...), a.At(idx...); g != w {
				t.Fatalf("shape %v strides %v: %v: got %v, want %v", a.Shape, a.Strides, idx, g, w)
			}
		})
	}
}

// dataCase is a WriteData call of one dtype.
type dataCase struct {
	name    string
	dtype   string
	shape   []int
	fortran bool
	base    any // the data as cases.json records it
	write   func(w io.Writer) error
}

func newDataCase[T npy.Elem](name, dtype string, shape []int, fortran bool, data []T, base any) dataCase {
	return dataCase{name: name, dtype: dtype, shape: shape, fortran: fortran, base: base,
		write: func(w io.Writer) error { return npy.WriteData(w, shape, fortran, data) }}
}

// intVals returns n distinct-looking values: the extremes, -1, 0, then
// values that wrap around T's range.
func intVals[T int8 | int16 | int32 | int64](n int, lo, hi T) []T {
	v := []T{lo, hi, -1, 0}
	for k := 0; len(v) < n; k++ {
		v = append(v, T(k*37-50))
	}
	return v[:n]
}

func uintVals[T uint8 | uint16 | uint32 | uint64](n int, hi T) []T {
	v := []T{0, hi, 1}
	for k := 0; len(v) < n; k++ {
		v = append(v, T(k*37+5))
	}
	return v[:n]
}

func ints[T uint8 | bool](v []T) []int {
	out := make([]int, len(v))
	for k, x := range v {
		switch x := any(x).(type) {
		case uint8:
			out[k] = int(x)
		case bool:
			if x {
				out[k] = 1
			}
		}
	}
	return out
}

// dataCases covers every dtype in the host's byte order (the committed
// files assume a little-endian host, as NumPy's own test data does), as a
// C-order 2×3 and a Fortran-order 2×3×2 array, plus a 0-d, an empty and a
// 4-D array.
func dataCases() []dataCase {
	var cases []dataCase
	add := func(kind string, mk func(name string, shape []int, fortran bool) dataCase) {
		cases = append(cases, mk(kind+"_c_2x3", []int{2, 3}, false), mk(kind+"_f_2x3x2", []int{2, 3, 2}, true))
	}
	size := func(shape []int) int {
		n := 1
		for _, d := range shape {
			n *= d
		}
		return n
	}
	add("b1", func(name string, shape []int, fortran bool) dataCase {
		v := make([]bool, size(shape))
		for k := range v {
			v[k] = k%3 != 1
		}
		return newDataCase(name, "|b1", shape, fortran, v, ints(v))
	})
	add("i1", func(name string, shape []int, fortran bool) dataCase {
		v := intVals[int8](size(shape), math.MinInt8, math.MaxInt8)
		return newDataCase(name, "|i1", shape, fortran, v, v)
	})
	add("i2", func(name string, shape []int, fortran bool) dataCase {
		v := intVals[int16](size(shape), math.MinInt16, math.MaxInt16)
		return newDataCase(name, "<i2", shape, fortran, v, v)
	})
	add("i4", func(name string, shape []int, fortran bool) dataCase {
		v := intVals[int32](size(shape), math.MinInt32, math.MaxInt32)
		return newDataCase(name, "<i4", shape, fortran, v, v)
	})
	add("i8", func(name string, shape []int, fortran bool) dataCase {
		v := intVals[int64](size(shape), math.MinInt64, math.MaxInt64)
		return newDataCase(name, "<i8", shape, fortran, v, v)
	})
	add("u1", func(name string, shape []int, fortran bool) dataCase {
		v := uintVals[uint8](size(shape), math.MaxUint8)
		return newDataCase(name, "|u1", shape, fortran, v, ints(v))
	})
	add("u2", func(name string, shape []int, fortran bool) dataCase {
		v := uintVals[uint16](size(shape), math.MaxUint16)
		return newDataCase(name, "<u2", shape, fortran, v, v)
	})
	add("u4", func(name string, shape []int, fortran bool) dataCase {
		v := uintVals[uint32](size(shape), math.MaxUint32)
		return newDataCase(name, "<u4", shape, fortran, v, v)
	})
	add("u8", func(name string, shape []int, fortran bool) dataCase {
		v := uintVals[uint64](size(shape), math.MaxUint64)
		return newDataCase(name, "<u8", shape, fortran, v, v)
	})
	// float16 as bits: 1, -2.5, +inf, -inf, NaN, -0, the smallest
	// subnormal, the largest subnormal, 65504, 1/3, then more.
	f16 := func(n int) ([]npy.Float16, []uint16) {
		bits := []uint16{0x3c00, 0xc100, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x0001, 0x03ff, 0x7bff, 0x3555}
		for k := 0; len(bits) < n; k++ {
			bits = append(bits, uint16(0x4000+k*0x123))
		}
		v := make([]npy.Float16, n)
		for k := range v {
			v[k] = npy.Float16(bits[k])
		}
		return v, bits[:n]
	}
	add("f2", func(name string, shape []int, fortran bool) dataCase {
		v, bits := f16(size(shape))
		return newDataCase(name, "<f2", shape, fortran, v, bits)
	})
	add("f4", func(name string, shape []int, fortran bool) dataCase {
		v := make([]float32, size(shape))
		for k := range v {
			v[k] = 1000 + float32(k) + 0.25
		}
		return newDataCase(name, "<f4", shape, fortran, v, v)
	})
	add("f8", func(name string, shape []int, fortran bool) dataCase {
		v := make([]float64, size(shape))
		for k := range v {
			v[k] = 1000 + float64(k) + 0.1
		}
		return newDataCase(name, "<f8", shape, fortran, v, v)
	})
	add("c8", func(name string, shape []int, fortran bool) dataCase {
		v := make([]complex64, size(shape))
		base := make([][2]float64, len(v))
		for k := range v {
			v[k] = complex(float32(k)+0.5, -float32(k)-0.25)
			base[k] = [2]float64{float64(real(v[k])), float64(imag(v[k]))}
		}
		return newDataCase(name, "<c8", shape, fortran, v, base)
	})
	add("c16", func(name string, shape []int, fortran bool) dataCase {
		v := make([]complex128, size(shape))
		base := make([][2]float64, len(v))
		for k := range v {
			v[k] = complex(float64(k)+0.1, -float64(k)-1e-300)
			base[k] = [2]float64{real(v[k]), imag(v[k])}
		}
		return newDataCase(name, "<c16", shape, fortran, v, base)
	})
	f0, b0 := f16(1)
	u4d := uintVals[uint8](12, math.MaxUint8)
	cases = append(cases,
		newDataCase("f2_rank0", "<f2", []int{}, false, f0, b0),
		newDataCase("i4_empty_0x3", "<i4", []int{0, 3}, false, []int32{}, []int32{}),
		newDataCase("u1_f_2x1x3x2", "|u1", []int{2, 1, 3, 2}, true, u4d, ints(u4d)),
	)
	return cases
}

// TestWriteData writes every dtype, loads it back and checks the header
// and the bytes against the data given.
func TestWriteData(t *testing.T) {
	for _, c := range dataCases() {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f, err := npy.Load(writeTemp(t, c.name, buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h := f.Header()
		if !hostLittle() {
			continue // the dtypes above are spelled little-endian
		}
		if h.Dtype != c.dtype || h.FortranOrder != c.fortran || !slices.Equal(h.Shape, c.shape) || h.DataOffset%64 != 0 {
			t.Errorf("%s: header %+v, want %s, fortran_order %v, shape %v", c.name, h, c.dtype, c.fortran, c.shape)
		}
	}
}

func TestWriteDataErrors(t *testing.T) {
	for i, test := range []struct {
		shape []int
		n     int
		want  error
	}{
		{[]int{2, 3}, 5, adapter.ErrShape},
		{[]int{2, 3}, 7, adapter.ErrShape},
		{[]int{0, 3}, 1, adapter.ErrShape},
		{[]int{}, 0, adapter.ErrShape},
		{[]int{-1, 3}, 0, adapter.ErrDims},
		{[]int{1 << 40, 1 << 40}, 0, adapter.ErrOverflow},
		{[]int{0, 1 << 62, 1 << 2}, 0, adapter.ErrOverflow},
		{make([]int, npy.MaxDims+1), 0, adapter.ErrRank},
	} {
		var buf bytes.Buffer
		if err := npy.WriteData(&buf, test.shape, false, make([]int16, test.n)); !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
		if buf.Len() != 0 {
			t.Errorf("test %d: wrote %d bytes", i, buf.Len())
		}
	}
}
