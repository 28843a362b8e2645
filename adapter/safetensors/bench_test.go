package safetensors_test

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/safetensors"
)

// BenchmarkOpenGemv opens a file holding one 256 MiB F64 matrix and
// computes y = W·x: reader=strider maps the file and hands BLAS the mapped
// pages (Get, no copy); reader=copy reads the tensor's bytes into a fresh
// slice and wraps it in a mat.Dense, as a reader without mapping must. The
// file is in the page cache for both; B/op shows what each allocates.
func BenchmarkOpenGemv(b *testing.B) {
	const size = 256 << 20
	const r = 4096
	const c = size / 8 / r
	path := filepath.Join(b.TempDir(), "w.safetensors")
	rnd := rand.New(rand.NewPCG(1, 2))
	{
		data := make([]float64, r*c)
		for k := range data {
			data[k] = rnd.Float64()
		}
		w, err := adapter.NewArray(data, []int{r, c}, nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		fd, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(fd, 1<<20)
		if err := safetensors.Write(bw, []safetensors.Tensor{{Name: "w", Array: w}}, nil); err != nil {
			b.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := fd.Close(); err != nil {
			b.Fatal(err)
		}
	}
	x := mat.NewVecDense(c, nil)
	for k := range c {
		x.SetVec(k, rnd.Float64())
	}
	y := mat.NewVecDense(r, nil)

	b.Run("size=256MiB/reader=strider", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			f, err := safetensors.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			a, err := safetensors.Get[float64](f, "w")
			if err != nil {
				b.Fatal(err)
			}
			s, err := adapter.StridedView(a, 1)
			if err != nil {
				b.Fatal(err)
			}
			m, err := adapter.Wrap(s.Data, s.Layout)
			if err != nil {
				b.Fatal(err)
			}
			y.MulVec(m, x)
			f.Close()
		}
	})
	b.Run("size=256MiB/reader=copy", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			f, err := safetensors.Open(path) // for the header only
			if err != nil {
				b.Fatal(err)
			}
			info, err := f.Info("w")
			if err != nil {
				b.Fatal(err)
			}
			f.Close()
			fd, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			st, _ := fd.Stat()
			start := st.Size() - int64(info.DataOffsets[1]) // the tensor is the whole buffer
			data := make([]float64, r*c)
			if _, err := fd.ReadAt(unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), size), start); err != nil {
				b.Fatal(err)
			}
			fd.Close()
			y.MulVec(mat.NewDense(r, c, data), x)
		}
	})
}
