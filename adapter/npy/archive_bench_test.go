package npy_test

import (
	"archive/zip"
	"bufio"
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

// BenchmarkArchiveGemv opens the C-order float64 member "a" of a .npz
// archive (np.savez's format: stored, not compressed) and computes y = A·x,
// per iteration:
//
//	align=64/how=strider:   npy.OpenArchive, Open (a window of the mapped
//	                        archive, aligned by ArchiveWriter), Matrix (a
//	                        *mat.Dense over it), VecDense.MulVec, Close
//	align=64/how=copy:      what a Gonum user writes without strider:
//	                        zip.OpenReader, the member's Open, npyio.Read
//	                        from a bufio.Reader into a mat.Dense, MulVec
//	align=none/how=strider: the same archive laid out as np.savez lays it
//	                        out, with the data at an offset that is not a
//	                        multiple of 8, so Open copies it (Copied)
//
// The archives are written once per size and stay in the page cache, so
// this measures what each reader costs on top of the same GEMV; SetBytes
// is the member's data size. The 256 MiB size is skipped under -short.
func BenchmarkArchiveGemv(b *testing.B) {
	dir := b.TempDir()
	for _, size := range []struct {
		name string
		r, c int
	}{
		{"16MiB", 1024, 2048},
		{"256MiB", 4096, 8192},
	} {
		b.Run("size="+size.name, func(b *testing.B) {
			if testing.Short() && size.r*size.c > 1<<21 {
				b.Skip("-short")
			}
			aligned := filepath.Join(dir, size.name+".npz")
			unaligned := filepath.Join(dir, size.name+"-numpy.npz")
			x, want := writeBenchArchives(b, aligned, unaligned, size.r, size.c)
			for _, bm := range []struct {
				name, path string
				copied     bool
				gemv       func(b *testing.B, path string, y, x *mat.VecDense, copied bool)
			}{
				{"align=64/how=strider", aligned, false, gemvArchive},
				{"align=64/how=copy", aligned, true, gemvZipNpyio},
				{"align=none/how=strider", unaligned, true, gemvArchive},
			} {
				b.Run(bm.name, func(b *testing.B) {
					b.SetBytes(int64(size.r * size.c * 8))
					b.ReportAllocs()
					var y mat.VecDense
					for b.Loop() {
						bm.gemv(b, bm.path, &y, x, bm.copied)
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

func gemvArchive(b *testing.B, path string, y, x *mat.VecDense, copied bool) {
	a, err := npy.OpenArchive(path)
	if err != nil {
		b.Fatal(err)
	}
	f, err := a.Open("a")
	if err != nil {
		b.Fatal(err)
	}
	if f.Copied() != copied {
		b.Fatalf("Copied() = %v, want %v", f.Copied(), copied)
	}
	m, err := f.Matrix()
	if err != nil {
		b.Fatal(err)
	}
	y.MulVec(m, x)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
}

func gemvZipNpyio(b *testing.B, path string, y, x *mat.VecDense, _ bool) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		b.Fatal(err)
	}
	var m mat.Dense
	if err := npyio.Read(bufio.NewReader(rc), &m); err != nil {
		b.Fatal(err)
	}
	rc.Close()
	zr.Close()
	y.MulVec(&m, x)
}

// writeBenchArchives writes an r×c C-order matrix of random values (fixed
// seed) as the member "a" of two archives: aligned, by ArchiveWriter, and
// unaligned, by archive/zip with the member's data 3 bytes past a multiple
// of 8 (np.savez's offsets are as arbitrary). It returns a vector x and
// the reference A·x.
func writeBenchArchives(b *testing.B, aligned, unaligned string, r, c int) (x *mat.VecDense, want []float64) {
	b.Helper()
	rng := rand.New(rand.NewPCG(2, uint64(r)))
	data := make([]float64, r*c)
	xs := make([]float64, c)
	for j := range xs {
		xs[j] = rng.Float64() - 0.5
	}
	want = make([]float64, r)
	for i := range r {
		row := data[i*c : (i+1)*c]
		for j := range row {
			row[j] = rng.Float64() - 0.5
			want[i] += row[j] * xs[j]
		}
	}
	s := adapter.Strided{Data: data, Layout: adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}}

	fd, err := os.Create(aligned)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(fd, 1<<20)
	aw := npy.NewArchiveWriter(bw, false)
	w, err := aw.Create("a")
	if err == nil {
		err = npy.Write(w, s)
	}
	if err == nil {
		err = aw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err := fd.Close(); err != nil {
		b.Fatal(err)
	}
	if err != nil {
		b.Fatal(err)
	}

	// A 30-byte local header and "a.npy", then the 128-byte .npy header:
	// the data starts at 163 ≡ 3 (mod 8).
	fd, err = os.Create(unaligned)
	if err != nil {
		b.Fatal(err)
	}
	bw = bufio.NewWriterSize(fd, 1<<20)
	zw := zip.NewWriter(bw)
	w, err = zw.CreateHeader(&zip.FileHeader{Name: "a.npy", Method: zip.Store})
	if err == nil {
		err = npy.Write(w, s)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err := fd.Close(); err != nil {
		b.Fatal(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return mat.NewVecDense(c, xs), want
}
