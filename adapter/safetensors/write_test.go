package safetensors_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite testdata/safetensors/fromgo/ (then run testdata/safetensors/gen_safetensors.py --check-fromgo)")

// writeCase is a set of arrays Write gets, each a view of its own base
// buffer of distinct values 1000 + k + 0.25, so elements outside a view
// are sentinels that must not be written.
type writeCase struct {
	name    string
	meta    map[string]string
	tensors func() []safetensors.Tensor
}

func base64(n int) []float64 {
	s := make([]float64, n)
	for k := range s {
		s[k] = 1000 + float64(k) + 0.25
	}
	return s
}

func base32(n int) []float32 {
	s := make([]float32, n)
	for k := range s {
		s[k] = 1000 + float32(k) + 0.25
	}
	return s
}

func must[T adapter.Float](a adapter.Array[T], err error) adapter.Array[T] {
	if err != nil {
		panic(err)
	}
	return a
}

var writeCases = []writeCase{
	{name: "c_3x4", tensors: func() []safetensors.Tensor {
		return []safetensors.Tensor{{Name: "w", Array: must(adapter.NewArray(base64(12), []int{3, 4}, nil, 0))}}
	}},
	{name: "views", meta: map[string]string{"format": "pt", "note": "ünï <&> \"q\"\n"}, tensors: func() []safetensors.Tensor {
		c := must(adapter.NewArray(base64(24), []int{2, 3, 4}, nil, 0))
		f := must(adapter.NewArray(base32(24), []int{2, 3, 4}, nil, 0))
		return []safetensors.Tensor{
			{Name: "permuted", Array: c.Permute(2, 0, 1)},
			{Name: "reversed", Array: c.Reverse(1).Reverse(2)},
			{Name: "stepped", Array: c.Slice(2, 1, 4, 2)},
			{Name: "selected", Array: c.Select(1, 2)},
			{Name: "f32_odd", Array: f.Select(0, 1).Select(0, 1).Slice(0, 0, 3, 1)},
			{Name: "f32_perm", Array: f.Permute(1, 2, 0)},
			{Name: "broadcast", Array: must(must(adapter.NewArray(base64(3), []int{3}, nil, 0)).BroadcastTo(2, 3))},
			{Name: "scalar", Array: must(adapter.NewArray(base64(5), []int{}, nil, 4))},
			{Name: "empty", Array: must(adapter.NewArray[float32](nil, []int{2, 0}, nil, 0))},
			{Name: "fortran", Array: must(adapter.NewArray(base64(6), []int{2, 3}, []int{1, 2}, 0))},
		}
	}},
	{name: "meta_only", meta: map[string]string{"k": "v"}, tensors: func() []safetensors.Tensor { return nil }},
	{name: "large", tensors: func() []safetensors.Tensor {
		// More than Write's 64 KiB buffer, reversed.
		return []safetensors.Tensor{{Name: "x", Array: must(adapter.NewArray(base64(10000), []int{100, 100}, nil, 0)).Reverse(0)}}
	}},
}

// TestRoundTrip writes each case, opens the file and compares every tensor
// with the array written, element by element.
func TestRoundTrip(t *testing.T) {
	for _, c := range writeCases {
		ts := c.tensors()
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, ts, c.meta); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		b := buf.Bytes()
		if n := binary.LittleEndian.Uint64(b); n%8 != 0 {
			t.Errorf("%s: header size %d, want a multiple of 8", c.name, n)
		}
		path := filepath.Join(t.TempDir(), c.name+".safetensors")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := safetensors.Open(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var names []string
		for _, tt := range ts {
			names = append(names, tt.Name)
			switch a := tt.Array.(type) {
			case adapter.Array[float64]:
				g, err := safetensors.Get[float64](f, tt.Name)
				if err != nil {
					t.Fatalf("%s/%s: %v", c.name, tt.Name, err)
				}
				sameArray(t, c.name+"/"+tt.Name, g, a)
			case adapter.Array[float32]:
				g, err := safetensors.Get[float32](f, tt.Name)
				if err != nil {
					t.Fatalf("%s/%s: %v", c.name, tt.Name, err)
				}
				sameArray(t, c.name+"/"+tt.Name, g, a)
			}
			if mapped && f.Copied(tt.Name) {
				t.Errorf("%s/%s: misaligned in Write's output", c.name, tt.Name)
			}
		}
		slices.Sort(names)
		if got := f.Names(); !slices.Equal(got, names) {
			t.Errorf("%s: Names: got %q, want %q", c.name, got, names)
		}
		if got := f.Metadata(); len(got) != len(c.meta) || !mapsEqual(got, c.meta) {
			t.Errorf("%s: Metadata: got %q, want %q", c.name, got, c.meta)
		}
		f.Close()
	}
}

func sameArray[T adapter.Float](t *testing.T, what string, got, want adapter.Array[T]) {
	t.Helper()
	if !slices.Equal(got.Shape, want.Shape) {
		t.Errorf("%s: shape: got %v, want %v", what, got.Shape, want.Shape)
		return
	}
	idx := make([]int, len(want.Shape))
	for k := range want.Size() {
		r := k
		for ax := len(idx) - 1; ax >= 0; ax-- {
			idx[ax] = r % want.Shape[ax]
			r /= want.Shape[ax]
		}
		if g, w := got.At(idx...), want.At(idx...); g != w {
			t.Errorf("%s: element %v: got %v, want %v", what, idx, g, w)
		}
	}
}

// TestWriteErrors checks what Write refuses, and that it writes nothing
// then.
func TestWriteErrors(t *testing.T) {
	ok := must(adapter.NewArray(base64(2), []int{2}, nil, 0))
	bad := adapter.Array[float64]{Data: base64(2), Shape: []int{3}, Strides: []int{1}}
	for i, c := range []struct {
		ts   []safetensors.Tensor
		want error
	}{
		{[]safetensors.Tensor{{Name: "a", Array: ok}, {Name: "a", Array: ok}}, safetensors.ErrHeader},
		{[]safetensors.Tensor{{Name: "__metadata__", Array: ok}}, safetensors.ErrHeader},
		{[]safetensors.Tensor{{Name: "\xff", Array: ok}}, safetensors.ErrHeader},
		{[]safetensors.Tensor{{Name: "a", Array: []float64{1}}}, safetensors.ErrDtype},
		{[]safetensors.Tensor{{Name: "a", Array: &ok}}, safetensors.ErrDtype},
		{[]safetensors.Tensor{{Name: "a", Array: bad}}, adapter.ErrOutOfBounds},
		{[]safetensors.Tensor{{Name: "a", Array: must(ok.Slice(0, 0, 1, 1).BroadcastTo(1<<40, 1<<30))}}, adapter.ErrOverflow},
	} {
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, c.ts, nil); !errors.Is(err, c.want) {
			t.Errorf("test %d: got %v, want %v", i, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("test %d: wrote %d bytes", i, buf.Len())
		}
	}
}

// fromGoTensor describes one array Write wrote: its base buffer and how
// the array views it, for gen_safetensors.py to rebuild.
type fromGoTensor struct {
	Name    string    `json:"name"`
	Dtype   string    `json:"dtype"`
	Base    []float64 `json:"base"`
	Shape   []int     `json:"shape"`
	Strides []int     `json:"strides"`
	Offset  int       `json:"offset"`
}

type fromGoCase struct {
	Name     string            `json:"name"`
	File     string            `json:"file"`
	Metadata map[string]string `json:"metadata"`
	Tensors  []fromGoTensor    `json:"tensors"`
}

// TestFromGo checks that the files Write produces read back in the
// generator's independent Python reader as the arrays written, using the
// verdicts gen_safetensors.py --check-fromgo recorded for the exact bytes
// Write produces now. With -update it rewrites the files and their
// descriptions instead; then rerun the script.
func TestFromGo(t *testing.T) {
	dir := fixture.Path("safetensors/fromgo")
	var cases []fromGoCase
	sums := map[string]string{}
	for _, c := range writeCases {
		if c.name == "large" {
			continue // keep the committed files small
		}
		ts := c.tensors()
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, ts, c.meta); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		sums[c.name] = hex.EncodeToString(sum[:])
		fc := fromGoCase{Name: c.name, File: c.name + ".safetensors", Metadata: c.meta, Tensors: []fromGoTensor{}}
		for _, tt := range ts {
			d := fromGoTensor{Name: tt.Name}
			switch a := tt.Array.(type) {
			case adapter.Array[float64]:
				d.Dtype, d.Base, d.Shape, d.Strides, d.Offset = "F64", a.Data, a.Shape, a.Strides, a.Offset
			case adapter.Array[float32]:
				d.Dtype, d.Shape, d.Strides, d.Offset = "F32", a.Shape, a.Strides, a.Offset
				d.Base = []float64{}
				for _, v := range a.Data {
					d.Base = append(d.Base, float64(v))
				}
			}
			if d.Base == nil {
				d.Base = []float64{}
			}
			fc.Tensors = append(fc.Tensors, d)
		}
		cases = append(cases, fc)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fc.File), buf.Bytes(), 0o644); err != nil {
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
		t.Log("wrote testdata/safetensors/fromgo; now run testdata/safetensors/gen_safetensors.py --check-fromgo")
		return
	}

	b, err := os.ReadFile(filepath.Join(dir, "python.json"))
	if err != nil {
		t.Fatalf("%v: run go test -run TestFromGo -update, then gen_safetensors.py --check-fromgo", err)
	}
	var got struct {
		NumPyVersion string `json:"numpy_version"`
		Results      []struct {
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
			Equal  bool   `json:"equal"`
			Error  string `json:"error"`
		} `json:"results"`
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
			t.Errorf("%s: Write's output changed since Python checked it: rerun with -update and gen_safetensors.py --check-fromgo", r.Name)
		case !r.Equal:
			t.Errorf("%s: the Python reader (NumPy %s) reads different arrays: %s", r.Name, got.NumPyVersion, r.Error)
		}
		seen[r.Name] = true
	}
	for name := range sums {
		if !seen[name] {
			t.Errorf("%s: not checked by Python: rerun with -update and gen_safetensors.py --check-fromgo", name)
		}
	}
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
