package npy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
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
// rebuild the matrix with as_strided: element (i, j) is
// base[offset + i*strides[0] + j*strides[1]].
type fromGoCase struct {
	Name    string    `json:"name"`
	File    string    `json:"file"`
	Dtype   string    `json:"dtype"`
	Base    []float64 `json:"base"`
	Rows    int       `json:"rows"`
	Cols    int       `json:"cols"`
	Strides [2]int    `json:"strides"`
	Offset  int       `json:"offset"`
}

type numpyResult struct {
	Name         string `json:"name"`
	SHA256       string `json:"sha256"`
	Equal        bool   `json:"equal"`
	MmapEqual    bool   `json:"mmap_equal"`
	FortranOrder bool   `json:"fortran_order"`
	Error        string `json:"error"`
}

// TestFromGo checks that the files Write produces load in NumPy as the same
// array, using the verdicts gen_npy.py --check-fromgo recorded for the
// exact bytes Write produces now. With -update it rewrites the files and
// their descriptions instead; then rerun the script.
func TestFromGo(t *testing.T) {
	dir := fixture.Path("npy/fromgo")
	var cases []fromGoCase
	sums := map[string]string{}
	for _, c := range writeCases {
		if c.n > 1000 {
			continue // keep the committed files small
		}
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		sums[c.name] = hex.EncodeToString(sum[:])
		dtype := "<f8"
		if c.f32 {
			dtype = "<f4"
		}
		cases = append(cases, fromGoCase{Name: c.name, File: c.name + ".npy", Dtype: dtype, Base: c.base(),
			Rows: c.l.Rows, Cols: c.l.Cols, Strides: [2]int{c.l.RowStride, c.l.ColStride}, Offset: c.l.Offset})
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c.name+".npy"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if *update {
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
			t.Errorf("%s: Write's output changed since NumPy checked it: rerun with -update and gen_npy.py --check-fromgo", r.Name)
		case !r.Equal || !r.MmapEqual:
			t.Errorf("%s: NumPy %s loads a different array (mmap too: %v): %s", r.Name, got.NumPyVersion, r.MmapEqual, r.Error)
		}
		seen[r.Name] = true
	}
	for name := range sums {
		if !seen[name] {
			t.Errorf("%s: not checked by NumPy: rerun with -update and gen_npy.py --check-fromgo", name)
		}
	}
	// The committed files are what Write writes now.
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != sums[c.Name] {
			t.Errorf("%s: committed file differs from Write's output: rerun with -update", c.Name)
		}
	}
}
