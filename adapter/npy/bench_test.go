package npy_test

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
)

// BenchmarkOpenGemv opens a Fortran-order float64 .npy file (the layout
// NumPy saves for np.asfortranarray, and LAPACK results) and computes
// y = A·x, per iteration:
//
//	reader=strider: npy.Open, Matrix (a *colmajor.Dense over the mapped
//	                file), VecDense.MulVec (GEMV with the transpose flag)
//	reader=npyio:   npyio.Read from a bufio.Reader into a mat.Dense (it reads
//	                element by element and transposes Fortran order with
//	                Set), then the same MulVec
//
// The file is written once per size and stays in the page cache, so this
// measures what each reader costs on top of the same GEMV; SetBytes is the
// file's data size.
func BenchmarkOpenGemv(b *testing.B) {
	dir := b.TempDir()
	for _, size := range []struct {
		name string
		r, c int
	}{
		{"16MiB", 1024, 2048},
		{"256MiB", 4096, 8192},
	} {
		b.Run("size="+size.name, func(b *testing.B) {
			path := filepath.Join(dir, size.name+".npy")
			x, want := writeBenchFile(b, path, size.r, size.c)
			for _, reader := range []string{"strider", "npyio"} {
				b.Run("reader="+reader, func(b *testing.B) {
					b.SetBytes(int64(size.r * size.c * 8))
					b.ReportAllocs()
					var y mat.VecDense
					for b.Loop() {
						if reader == "strider" {
							gemvStrider(b, path, &y, x)
						} else {
							gemvNpyio(b, path, &y, x)
						}
					}
					for i := range size.r {
						if d := y.AtVec(i) - want[i]; math.Abs(d) > 1e-9*math.Abs(want[i]) {
							b.Fatalf("y[%d] = %v, want %v", i, y.AtVec(i), want[i])
						}
					}
				})
			}
		})
	}
}

func gemvStrider(b *testing.B, path string, y *mat.VecDense, x *mat.VecDense) {
	f, err := npy.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	a, err := f.Matrix()
	if err != nil {
		b.Fatal(err)
	}
	y.MulVec(a, x)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

func gemvNpyio(b *testing.B, path string, y *mat.VecDense, x *mat.VecDense) {
	fd, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	var a mat.Dense
	if err := npyio.Read(bufio.NewReader(fd), &a); err != nil {
		b.Fatal(err)
	}
	fd.Close()
	y.MulVec(&a, x)
}

// writeBenchFile writes an r×c Fortran-order matrix of random values
// (fixed seed) to path, and returns a vector x and the reference A·x,
// computed by a naive loop over the columns as they are generated.
func writeBenchFile(b *testing.B, path string, r, c int) (x *mat.VecDense, want []float64) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, uint64(r)))
	data := make([]float64, r*c)
	xs := make([]float64, c)
	want = make([]float64, r)
	for j := range c {
		xs[j] = rng.Float64() - 0.5
		col := data[j*r : (j+1)*r]
		for i := range col {
			col[i] = rng.Float64() - 0.5
			want[i] += col[i] * xs[j]
		}
	}
	fd, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	s := adapter.Strided{Data: data, Layout: adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}}
	if err := npy.Write(fd, s); err != nil {
		b.Fatal(err)
	}
	if err := fd.Close(); err != nil {
		b.Fatal(fmt.Errorf("writing %s: %w", path, err))
	}
	return mat.NewVecDense(c, xs), want
}

// BenchmarkLoadOpen reads a float32 file per iteration, the two ways:
//
//	how=open: Open, Get[float32], Close (maps; the data is not read)
//	how=load: Load, Get[float32] (reads and copies the data)
func BenchmarkLoadOpen(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 22} {
		path := filepath.Join(b.TempDir(), "a.npy")
		writeDataFile(b, path, []int{n}, make([]float32, n))
		for _, how := range []string{"open", "load"} {
			b.Run(fmt.Sprintf("elems=%d/how=%s", n, how), func(b *testing.B) {
				b.SetBytes(int64(4 * n))
				b.ReportAllocs()
				for b.Loop() {
					var f *npy.File
					var err error
					if how == "open" {
						f, err = npy.Open(path)
					} else {
						f, err = npy.Load(path)
					}
					if err != nil {
						b.Fatal(err)
					}
					if _, err := npy.Get[float32](f); err != nil {
						b.Fatal(err)
					}
					f.Close()
				}
			})
		}
	}
}

// BenchmarkConvert converts 4Mi elements of a loaded file of each dtype
// into float32; SetBytes is the source's size.
func BenchmarkConvert(b *testing.B) {
	const n = 1 << 22
	dir := b.TempDir()
	for _, c := range []struct {
		dtype string
		size  int
		write func(path string)
	}{
		{"u1", 1, func(p string) { writeDataFile(b, p, []int{n}, make([]uint8, n)) }},
		{"i4", 4, func(p string) { writeDataFile(b, p, []int{n}, make([]int32, n)) }},
		{"f2", 2, func(p string) { writeDataFile(b, p, []int{n}, make([]npy.Float16, n)) }},
		{"f8", 8, func(p string) { writeDataFile(b, p, []int{n}, make([]float64, n)) }},
	} {
		path := filepath.Join(dir, c.dtype+".npy")
		c.write(path)
		f, err := npy.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("elems=4Mi/dtype="+c.dtype, func(b *testing.B) {
			b.SetBytes(int64(c.size * n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := npy.Convert[float32](f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func writeDataFile[T npy.Elem](b *testing.B, path string, shape []int, data []T) {
	b.Helper()
	fd, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := npy.WriteData(fd, shape, false, data); err != nil {
		b.Fatal(err)
	}
	if err := fd.Close(); err != nil {
		b.Fatal(err)
	}
}
