package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/bench/internal/explaintest"
)

// writeSafetensors writes tensors with safetensors.Write to name in a
// temporary directory and returns the path, with where each tensor's bytes
// start in the file, read back from the header by the format's definition:
// 8 bytes of little-endian header length N, N bytes of JSON, then the
// buffer that data_offsets index.
func writeSafetensors(t *testing.T, name string, tensors []safetensors.Tensor) (path string, start map[string]int) {
	t.Helper()
	var b bytes.Buffer
	if err := safetensors.Write(&b, tensors, nil); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, safetensorsStarts(t, b.Bytes())
}

// safetensorsStarts returns the file offset of each tensor's first byte.
func safetensorsStarts(t *testing.T, file []byte) map[string]int {
	t.Helper()
	n := int(binary.LittleEndian.Uint64(file))
	var h map[string]json.RawMessage
	if err := json.Unmarshal(file[8:8+n], &h); err != nil {
		t.Fatal(err)
	}
	start := map[string]int{}
	for k, v := range h {
		if k == "__metadata__" {
			continue
		}
		var e struct {
			DataOffsets [2]int `json:"data_offsets"`
		}
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatal(err)
		}
		start[k] = 8 + n + e.DataOffsets[0]
	}
	return start
}

// rawSafetensors writes a safetensors file by hand, for what Write does not
// make (other dtypes, misaligned data): the JSON header padded with pad
// spaces, then data. It returns the path.
func rawSafetensors(t *testing.T, header string, pad int, data []byte) string {
	t.Helper()
	hdr := header + strings.Repeat(" ", pad)
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	b = append(append(b, hdr...), data...)
	path := filepath.Join(t.TempDir(), "raw.safetensors")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func explainOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"explain"}, args...), &out, &bytes.Buffer{})
	return out.String(), err
}

func TestExplainSafetensors(t *testing.T) {
	f32 := func(r, c int) adapter.Array[float32] {
		a := adapter.Array[float32]{Data: make([]float32, r*c), Shape: []int{r, c}, Strides: []int{c, 1}}
		return a
	}
	col := adapter.Array[float64]{Data: make([]float64, 6), Shape: []int{2, 3}, Strides: []int{1, 2}} // Fortran order: written in C order
	path, start := writeSafetensors(t, "model.safetensors", []safetensors.Tensor{
		{Name: "w", Array: f32(3, 4)},
		{Name: "layers.0:q", Array: f32(2, 2)},
		{Name: "v", Array: adapter.Array[float64]{Data: make([]float64, 5), Shape: []int{5}, Strides: []int{1}}},
		{Name: "t", Array: adapter.Array[float64]{Data: make([]float64, 24), Shape: []int{2, 3, 4}, Strides: []int{12, 4, 1}}},
		{Name: "col", Array: col},
	})
	for i, test := range []struct {
		name       string
		r, c, size int // the matrix, for the offsets table; r == 0 for N-d
		want       []string
	}{
		{"w", 3, 4, 4, []string{
			`tensor "w": F32, shape (3, 4), 12 elements of 4 bytes`,
			fmt.Sprintf("file bytes %d..%d", start["w"], start["w"]+47),
			"strides (4, 1) elements, (16, 4) bytes, offset 0",
			fmt.Sprintf("aligned: yes: file byte %d is a multiple of 4", start["w"]),
			"Get[float32] returns it in place",
			"in elements: 3×4, strides (4, 1)",
			"row-major 3×4, ld=4 (contiguous)", "flag blas.NoTrans", "copy needed: no",
			"as A of y = A·x (blasbridge.Gemv): no-trans, copied 0 B"}},
		{"layers.0:q", 2, 2, 4, []string{`tensor "layers.0:q": F32, shape (2, 2)`, "row-major 2×2"}},
		{"v", 5, 1, 8, []string{`tensor "v": F64, shape (5)`, "Get[float64] returns it in place", "in elements: 5×1"}},
		{"col", 2, 3, 8, []string{"strides (3, 1) elements, (24, 8) bytes", "row-major 2×3, ld=3"}},
		{"t", 0, 0, 8, []string{"strides (12, 4, 1) elements, (96, 32, 8) bytes",
			"in elements: shape (2, 3, 4), strides (12, 4, 1), offset 0, item size 8 bytes",
			"C-contiguous yes", "rows 0..1, columns 2: row-major 6×4, ld=4"}},
	} {
		s, err := explainOut(t, "-safetensors", path+":"+test.name)
		if err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		for _, w := range append(test.want, "file: "+path+": safetensors, 5 tensors") {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
		if test.r == 0 {
			continue
		}
		// Offsets from the tensor's first byte by C order's definition.
		for r, row := range explaintest.Offsets(t, s) {
			if len(row) != test.c {
				t.Errorf("test %d: row %d has %d offsets, want %d", i, r, len(row), test.c)
			}
			for c, got := range row {
				if want := (r*test.c + c) * test.size; got != want {
					t.Errorf("test %d: offset of (%d, %d): got %d, want %d", i, r, c, got, want)
				}
			}
		}
	}
}

// TestExplainSafetensorsCopied: a tensor whose data is misaligned in the
// file is copied by Get, and one of another dtype is explained as the copy
// Convert makes.
func TestExplainSafetensorsCopied(t *testing.T) {
	// 8 + 57 = 65: the F32 tensor starts at an odd file byte.
	hdr := `{"m":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}`
	misaligned := rawSafetensors(t, hdr, 57-len(hdr), make([]byte, 24))
	hdr = `{"h":{"dtype":"BF16","shape":[4,2],"data_offsets":[0,16]},"i":{"dtype":"I32","shape":[3],"data_offsets":[16,28]},"q":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[28,32]}}`
	dtypes := rawSafetensors(t, hdr, (8-len(hdr)%8)%8, make([]byte, 32))
	for i, test := range []struct {
		arg  string
		want []string
	}{
		{misaligned + ":m", []string{"file bytes 65..88", "aligned: no: file byte 65 is not a multiple of 4",
			"Get[float32] returns it as a copy", "its 24 bytes", "(F32, as a copy)", "row-major 2×3, ld=3"}},
		{dtypes + ":h", []string{`tensor "h": BF16, shape (4, 2), 8 elements of 2 bytes`, "strides (2, 1) elements, (4, 2) bytes",
			"Convert[float32] copies and converts it into a fresh C-order array of 32 bytes",
			"in elements: 4×2, strides (2, 1), offset 0, item size 4 bytes", "row-major 4×2"}},
		{dtypes + ":i", []string{"Convert[float64]", "array of 24 bytes", "in elements: 3×1", "item size 8 bytes"}},
		{dtypes + ":q", []string{"neither Get nor Convert reads the 8-bit float F8_E4M3"}},
	} {
		s, err := explainOut(t, "-safetensors", test.arg)
		if err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
	}
}

func TestSplitFileName(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "m.safetensors")
	colon := filepath.Join(dir, "run:3.safetensors")
	for _, p := range []string{plain, colon} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, test := range []struct {
		arg, path, name string
	}{
		{plain, plain, ""},
		{plain + ":", plain, ""},
		{plain + ":w", plain, "w"},
		{plain + ":a:b", plain, "a:b"},
		{colon + ":w", colon, "w"},
		{colon, colon, ""},
		{colon + ":x:y", colon, "x:y"},
	} {
		path, name, err := splitFileName("safetensors", test.arg)
		if err != nil || path != test.path || name != test.name {
			t.Errorf("test %d %q: got %q, %q, %v, want %q, %q", i, test.arg, path, name, err, test.path, test.name)
		}
	}
}

// TestExplainSafetensorsErrors: a missing file or tensor is an error naming
// it (exit status 1), the tensors listed; bad arguments are usage errors.
func TestExplainSafetensorsErrors(t *testing.T) {
	var many []safetensors.Tensor
	for k := 24; k >= 0; k-- { // written in reverse: the listing sorts
		many = append(many, safetensors.Tensor{Name: fmt.Sprintf("t%02d", k), Array: adapter.Array[float32]{Data: make([]float32, 1), Shape: []int{1}, Strides: []int{1}}})
	}
	path, _ := writeSafetensors(t, "many.safetensors", many)
	var first20 []string
	for k := range 20 {
		first20 = append(first20, fmt.Sprintf("t%02d", k))
	}
	listing := "it holds 25 tensors: " + strings.Join(first20, ", ") + ", … and 5 more"
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.safetensors")
	for i, test := range []struct {
		args    []string
		usage   bool
		want    []string
		wantNot []string
	}{
		{[]string{"-safetensors", missing + ":w"}, false, []string{missing, "no such file"}, nil},
		{[]string{"-safetensors", missing}, false, []string{missing, "no such file"}, nil},
		{[]string{"-safetensors", path + ":nosuch"}, false, []string{path, `no tensor "nosuch"`, listing}, []string{", t20"}},
		{[]string{"-safetensors", path}, false, []string{"name a tensor, as " + path + ":NAME", listing}, []string{", t20"}},
		{[]string{"-safetensors", path + ":"}, false, []string{listing}, nil},
		{[]string{"-safetensors", ":t00"}, true, []string{"want FILE:NAME", "FILE is empty"}, nil},
		{[]string{"-safetensors", dir + ":t00"}, true, []string{dir + " is a directory"}, nil},
		{[]string{"-safetensors", path + ":t00", "-shape", "2,2"}, true, []string{"-safetensors and -shape", "choose one"}, nil},
		{[]string{"-safetensors", path + ":t00", "-npy", path}, true, []string{"-npy and -safetensors", "choose one"}, nil},
		{[]string{"-safetensors", path + ":t00", "-einsum", "ij,jk->ik"}, true, []string{"-safetensors and -einsum", "choose one"}, nil},
	} {
		_, err := explainOut(t, test.args...)
		if err == nil {
			t.Errorf("test %d %v: no error", i, test.args)
			continue
		}
		var u usageError
		if got := errors.As(err, &u); got != test.usage {
			t.Errorf("test %d %v: usage error %t, want %t: %v", i, test.args, got, test.usage, err)
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("test %d %v: error %q lacks %q", i, test.args, err, w)
			}
		}
		for _, w := range test.wantNot {
			if strings.Contains(err.Error(), w) {
				t.Errorf("test %d %v: error %q has %q", i, test.args, err, w)
			}
		}
	}
}

// npzMember is one array of a test archive.
type npzMember struct {
	name string
	s    adapter.Strided
}

// writeNpz writes members with npy.Write into an archive made by
// npy.ArchiveWriter, deflated if compress, and returns its path and bytes.
func writeNpz(t *testing.T, compress bool, members ...npzMember) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	aw := npy.NewArchiveWriter(&b, compress)
	for _, m := range members {
		w, err := aw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.Write(w, m.s); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

func TestExplainNpz(t *testing.T) {
	c := adapter.Strided{Data: seq(12), Layout: adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}}
	f := adapter.Strided{Data: seq(6), Layout: adapter.Layout{Rows: 2, Cols: 3, RowStride: 1, ColStride: 2}}
	v := adapter.Strided{Data: seq(5), Layout: adapter.Layout{Rows: 5, Cols: 1, RowStride: 1, ColStride: 1}}
	members := []npzMember{{"c", c}, {"f", f}, {"v:1", v}}
	stored, storedBytes := writeNpz(t, false, members...)
	deflated, _ := writeNpz(t, true, members...)
	one, _ := writeNpz(t, false, npzMember{"only", f})
	for i, test := range []struct {
		arg     string
		r, c    int
		fortran bool
		want    []string
	}{
		{stored + ":c", 3, 4, false, []string{`member "c.npy": <f8, C order, shape (3, 4)`, "not compressed", "aligned: yes",
			"Open:    in place", "in elements: 3×4, strides (4, 1)", "row-major 3×4, ld=4 (contiguous)", "flag blas.NoTrans",
			"as A of y = A·x (blasbridge.Gemv): no-trans, copied 0 B"}},
		{stored + ":f", 2, 3, true, []string{`member "f.npy": <f8, Fortran order, shape (2, 3)`, "Open:    in place",
			"col-major 2×3, ld=2 (contiguous)", "flag blas.Trans", "trans on the view of Aᵀ, copied 0 B"}},
		{stored + ":v:1", 5, 1, false, []string{`member "v:1.npy"`, "in elements: 5×1"}},
		{deflated + ":c", 3, 4, false, []string{"deflated", "Open:    a copy: Open inflated the member", ", a copy\n", "row-major 3×4"}},
		{deflated + ":f", 2, 3, true, []string{"a copy", "col-major 2×3, ld=2"}},
		{one, 2, 3, true, []string{`member "only.npy"`, "npz, 1 array\n", "col-major 2×3"}},
	} {
		s, err := explainOut(t, "-npz", test.arg)
		if err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
		// Offsets from the data's start by the order's definition.
		for r, row := range explaintest.Offsets(t, s) {
			for c, got := range row {
				want := (r*test.c + c) * 8
				if test.fortran {
					want = (r + c*test.r) * 8
				}
				if got != want {
					t.Errorf("test %d: offset of (%d, %d): got %d, want %d", i, r, c, got, want)
				}
			}
		}
		// A stored member's data is where the output says, in the archive:
		// its first element, 1.
		if _, after, ok := strings.Cut(s, "its data from archive byte "); ok && test.arg != one {
			var at int
			if _, err := fmt.Sscan(after, &at); err != nil {
				t.Fatalf("test %d: %v", i, err)
			}
			if at%64 != 0 || math.Float64frombits(binary.LittleEndian.Uint64(storedBytes[at:])) != 1 {
				t.Errorf("test %d: data at archive byte %d: want 64-aligned, and the first element 1", i, at)
			}
		} else if test.arg != one && !strings.Contains(test.arg, deflated) {
			t.Errorf("test %d: no archive byte in\n%s", i, s)
		}
	}
}

// TestExplainNpzMisaligned: a stored member whose data is not aligned (as
// np.savez often writes) is copied by Open, and explain says why.
func TestExplainNpzMisaligned(t *testing.T) {
	var member bytes.Buffer
	if err := npy.Write(&member, adapter.Strided{Data: seq(4), Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 2, ColStride: 1}}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	// The data starts after a 30-byte local header, the name "m.npy" and the
	// .npy header of 128 bytes: at byte 163, which is odd.
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "m.npy", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(member.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "np.npz")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := explainOut(t, "-npz", path+":m")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"its data from archive byte 163 (byte 128 of the .npy)", "aligned: no: archive byte 163 is not a multiple of 8",
		"Open:    a copy: Open read the member into Go memory, since its data is not aligned", "row-major 2×2"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// TestExplainNpzErrors: a missing archive or member is an error naming it
// (exit status 1), the members listed; bad arguments are usage errors.
func TestExplainNpzErrors(t *testing.T) {
	m := adapter.Strided{Data: seq(1), Layout: adapter.Layout{Rows: 1, Cols: 1, RowStride: 1, ColStride: 1}}
	path, _ := writeNpz(t, false, npzMember{"b", m}, npzMember{"a", m}, npzMember{"c d", m})
	listing := `it holds 3 arrays: a, b, "c d"`
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.npz")
	for i, test := range []struct {
		args  []string
		usage bool
		want  []string
	}{
		{[]string{"-npz", missing + ":a"}, false, []string{missing, "no such file"}},
		{[]string{"-npz", missing}, false, []string{missing, "no such file"}},
		{[]string{"-npz", path + ":nosuch"}, false, []string{path, `no array "nosuch"`, listing}},
		{[]string{"-npz", path}, false, []string{"name an array, as " + path + ":NAME", listing}},
		{[]string{"-npz", ":a"}, true, []string{"want FILE:NAME", "FILE is empty"}},
		{[]string{"-npz", dir + ":a"}, true, []string{dir + " is a directory"}},
		{[]string{"-npz", path + ":a", "-shape", "2,2"}, true, []string{"-npz and -shape", "choose one"}},
		{[]string{"-npz", path + ":a", "-safetensors", path + ":a"}, true, []string{"-npz and -safetensors", "choose one"}},
		{[]string{"-npz", path + ":a", "-matmul"}, true, []string{"-npz and -matmul", "choose one"}},
		{[]string{"-npy", path, "-npz", path + ":a"}, true, []string{"-npy and -npz", "choose one"}},
	} {
		_, err := explainOut(t, test.args...)
		if err == nil {
			t.Errorf("test %d %v: no error", i, test.args)
			continue
		}
		var u usageError
		if got := errors.As(err, &u); got != test.usage {
			t.Errorf("test %d %v: usage error %t, want %t: %v", i, test.args, got, test.usage, err)
		}
		for _, w := range test.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("test %d %v: error %q lacks %q", i, test.args, err, w)
			}
		}
	}
}
