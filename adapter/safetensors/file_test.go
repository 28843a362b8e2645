package safetensors_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/internal/fixture"
)

// writeTemp writes tensors to a file in a temporary directory.
func writeTemp(t testing.TB, tensors []safetensors.Tensor, meta map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, tensors, meta); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.safetensors")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func seq(n int, start float64) []float64 {
	s := make([]float64, n)
	for k := range s {
		s[k] = start + float64(k)
	}
	return s
}

// TestZeroCopy checks that Get views the mapped file: a write through one
// view shows in a second Get of the same File, but reaches neither the file
// nor another File of it (copy-on-write), and Get allocates only its shape.
func TestZeroCopy(t *testing.T) {
	if !mapped {
		t.Skip("no memory mapping on " + runtime.GOOS)
	}
	a, _ := adapter.NewArray(seq(12, 1), []int{3, 4}, nil, 0)
	path := writeTemp(t, []safetensors.Tensor{{Name: "w", Array: a}}, nil)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := safetensors.Get[float64](f, "w")
	if err != nil {
		t.Fatal(err)
	}
	if f.Copied("w") {
		t.Fatal("Copied: got true for an aligned tensor")
	}
	v.Set(-7, 2, 3)
	w, _ := safetensors.Get[float64](f, "w")
	if &w.Data[0] != &v.Data[0] || w.At(2, 3) != -7 {
		t.Errorf("second Get: got %v at %p, want -7 at %p", w.At(2, 3), &w.Data[0], &v.Data[0])
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a write through a view reached the file")
	}
	g, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if x, _ := safetensors.Get[float64](g, "w"); x.At(2, 3) != 12 {
		t.Errorf("another File: got %v, want 12", x.At(2, 3))
	}
	allocs := testing.AllocsPerRun(100, func() { safetensors.Get[float64](f, "w") })
	if allocs > 1 {
		t.Errorf("Get allocates %v times, want at most 1 (shape and strides)", allocs)
	}
}

// TestCopiedShared checks that a misaligned tensor is copied once and the
// copy shared by later Gets, so its views alias each other as mapped views
// do.
func TestCopiedShared(t *testing.T) {
	f, err := safetensors.Open(fixture.Path("safetensors/good/misaligned_f32.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !f.Copied("m32") || f.Copied("nope") {
		t.Fatalf("Copied: got %v, %v, want true, false", f.Copied("m32"), f.Copied("nope"))
	}
	a, err := safetensors.Get[float32](f, "m32")
	if err != nil {
		t.Fatal(err)
	}
	a.Set(-1, 1)
	b, _ := safetensors.Get[float32](f, "m32")
	if b.At(1) != -1 {
		t.Errorf("second Get: got %v, want -1", b.At(1))
	}
	c, _ := safetensors.Convert[float32](f, "m32")
	if c.At(1) != 1001.25 {
		t.Errorf("Convert reads the file, not the copy: got %v, want 1001.25", c.At(1))
	}
}

// TestClose checks use after Close.
func TestClose(t *testing.T) {
	f, err := safetensors.Open(fixture.Path("safetensors/good/ranks.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := safetensors.Convert[float64](f, "f64_r2")
	for k := range 2 {
		if err := f.Close(); err != nil {
			t.Errorf("Close %d: %v", k, err)
		}
	}
	if _, err := safetensors.Get[float64](f, "f64_r2"); !errors.Is(err, safetensors.ErrClosed) {
		t.Errorf("Get after Close: got %v, want %v", err, safetensors.ErrClosed)
	}
	if _, err := safetensors.Convert[float64](f, "f64_r2"); !errors.Is(err, safetensors.ErrClosed) {
		t.Errorf("Convert after Close: got %v, want %v", err, safetensors.ErrClosed)
	}
	if n := len(f.Names()); n != 10 {
		t.Errorf("Names after Close: got %d, want 10", n)
	}
	if _, err := f.Info("f64_r2"); err != nil {
		t.Errorf("Info after Close: %v", err)
	}
	if c.At(1, 2) != 1005.25 {
		t.Errorf("Convert's copy after Close: got %v, want 1005.25", c.At(1, 2))
	}
}

// TestClaimedSizes checks that a file claiming a huge header or tensor
// costs no allocation of that size.
func TestClaimedSizes(t *testing.T) {
	dir := t.TempDir()
	mk := func(n uint64, rest string) string {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], n)
		p := filepath.Join(dir, fmt.Sprintf("f%d.safetensors", n))
		if err := os.WriteFile(p, append(b[:], rest...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for i, c := range []struct {
		path string
		want error
	}{
		{mk(safetensors.MaxHeaderSize, "{}"), safetensors.ErrTruncated},
		{mk(1<<62, "{}"), safetensors.ErrHeader},
		{mk(76, `{"a":{"dtype":"F64","shape":[100000000,100],"data_offsets":[0,80000000000]}}`), safetensors.ErrOffsets},
	} {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, err := safetensors.Open(c.path)
		runtime.ReadMemStats(&m1)
		if !errors.Is(err, c.want) {
			t.Errorf("test %d: got %v, want %v", i, err, c.want)
		}
		if d := m1.TotalAlloc - m0.TotalAlloc; d > 1<<16 {
			t.Errorf("test %d: Open allocated %d bytes", i, d)
		}
	}
}

// TestConcurrentGet runs Get and Convert from several goroutines, on a
// mapped and a copied tensor (run with -race).
func TestConcurrentGet(t *testing.T) {
	f, err := safetensors.Open(fixture.Path("safetensors/good/misaligned_f32.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				a, err := safetensors.Get[float32](f, "m32")
				b, err2 := safetensors.Get[float64](f, "a64")
				if err != nil || err2 != nil || a.At(0) != 1000.25 || b.At(0) != 1000.25 {
					t.Errorf("got %v, %v (%v, %v)", a, b, err, err2)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BufferStart is 8 plus the header length in the file's first 8 bytes, and
// a tensor's bytes lie at BufferStart + DataOffsets.
func TestBufferStart(t *testing.T) {
	var buf bytes.Buffer
	a, err := adapter.NewArray([]float32{1.5, 2.5, 3.5}, []int{3}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := safetensors.Write(&buf, []safetensors.Tensor{{Name: "t", Array: a}}, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.safetensors")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw := buf.Bytes()
	if got, want := f.BufferStart(), 8+int(binary.LittleEndian.Uint64(raw)); got != want {
		t.Fatalf("BufferStart = %d, want %d", got, want)
	}
	info, err := f.Info("t")
	if err != nil {
		t.Fatal(err)
	}
	at := f.BufferStart() + info.DataOffsets[0]
	if v := math.Float32frombits(binary.LittleEndian.Uint32(raw[at:])); v != 1.5 {
		t.Errorf("the tensor's first element at file byte %d is %v, want 1.5", at, v)
	}
}
