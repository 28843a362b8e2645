package npy_test

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
)

// Open an archive np.savez wrote (np.savez(path, a=..., b=...), to which
// zipfile then added a text file), list its arrays and read one. np.savez
// does not align its members, so this one's data, at byte 398 of the
// archive, is copied into Go memory (Copied); ArchiveWriter's archives are
// mapped in place.
func ExampleOpenArchive() {
	a, err := npy.OpenArchive("../../testdata/npz/savez_with_text.npz")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()        // after Close, views of mapped members must not be used
	fmt.Println(a.Names()) // readme.txt is not a .npy member: not listed

	f, err := a.Open("b")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	m, err := f.Matrix()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Dtype(), f.Shape(), "fortran_order:", f.FortranOrder(), "copied:", f.Copied())
	fmt.Printf("%v\n", mat.Formatted(m))

	_, err = a.Open("readme")
	fmt.Println(err)
	// Output:
	// [a b]
	// <f8 [2 3] fortran_order: true copied: true
	// ⎡1000.25  1001.25  1002.25⎤
	// ⎣1003.25  1004.25  1005.25⎦
	// ../../testdata/npz/savez_with_text.npz: member "readme": npy: no such array in the archive (the archive has 2 arrays)
}

// Write two matrices into a .npz archive that np.load reads, then read
// them back: ArchiveWriter aligns stored members, so OpenArchive maps
// their data in place (Copied is false) and GEMV reads the archive's pages.
func ExampleNewArchiveWriter() {
	dir, err := os.MkdirTemp("", "npz")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "weights.npz")

	fd, err := os.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	aw := npy.NewArchiveWriter(fd, false) // true: deflated, as np.savez_compressed
	for _, m := range []struct {
		name string
		s    adapter.Strided
	}{
		{"w", adapter.Strided{Data: []float64{1, 2, 3, 4, 5, 6}, Layout: adapter.Layout{Rows: 2, Cols: 3, RowStride: 3, ColStride: 1}}},
		{"bias", adapter.Strided{Data: []float64{0.5, -0.5}, Layout: adapter.Layout{Rows: 2, Cols: 1, RowStride: 1, ColStride: 1}}},
	} {
		w, err := aw.Create(m.name)
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := npy.Write(w, m.s); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := aw.Close(); err != nil {
		fmt.Println(err)
		return
	}
	if err := fd.Close(); err != nil {
		fmt.Println(err)
		return
	}

	a, err := npy.OpenArchive(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	fmt.Println(a.Names())
	f, err := a.Open("w")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	w, err := f.Matrix()
	if err != nil {
		fmt.Println(err)
		return
	}
	var y mat.VecDense
	y.MulVec(w, mat.NewVecDense(3, []float64{1, 1, 1}))
	fmt.Println("copied:", f.Copied(), "y:", y.RawVector().Data)
	// Output:
	// [w bias]
	// copied: false y: [6 15]
}
