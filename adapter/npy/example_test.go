package npy_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
)

// Open a Fortran-order file NumPy saved (np.save of
// np.asfortranarray(a)) and multiply it by a vector: Gonum's GEMV reads the
// mapped file with the transpose flag; nothing is copied or transposed.
func Example_open() {
	f, err := npy.Open("../../testdata/npy/f_f8_3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close() // after Close, a and its views must not be used

	fmt.Println(f.Dtype(), f.Shape(), "fortran_order:", f.FortranOrder(), "copied:", f.Copied())
	s, err := f.Strided()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Layout)

	a, err := f.Matrix()
	if err != nil {
		fmt.Println(err)
		return
	}
	var y mat.VecDense
	y.MulVec(a, mat.NewVecDense(4, []float64{1, 0, 0, 1}))
	fmt.Printf("%T\n%v\n", a, mat.Formatted(a))
	fmt.Println(y.RawVector().Data)
	// Output:
	// <f8 [3 4] fortran_order: true copied: false
	// col-major 3×4, ld=3 (contiguous)
	// *colmajor.Dense
	// ⎡1000.25  1001.25  1002.25  1003.25⎤
	// ⎢1004.25  1005.25  1006.25  1007.25⎥
	// ⎣1008.25  1009.25  1010.25  1011.25⎦
	// [2003.5 2011.5 2019.5]
}

// Write a padded column-major matrix (leading dimension 4, one unused
// element per column): it is written column by column as fortran_order
// True, without the padding, and reads back as the same matrix.
func ExampleWrite() {
	data := []float64{
		1, 2, 3, -1, // column 0, then padding
		4, 5, 6, -1, // column 1
	}
	s := adapter.Strided{Data: data, Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 1, ColStride: 4}}
	var buf bytes.Buffer
	if err := npy.Write(&buf, s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes: %s\n", buf.Len(), bytes.TrimSpace(buf.Bytes()[10:128]))

	dir, err := os.MkdirTemp("", "npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "a.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	f, err := npy.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	a, err := f.Matrix()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v\n", mat.Formatted(a))
	// Output:
	// 176 bytes: {'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }
	// ⎡1  4⎤
	// ⎢2  5⎥
	// ⎣3  6⎦
}

// Array describes a file of any rank as an adapter.Array with element
// strides, here a Fortran-order 2×3×4 array.
func ExampleFile_Array() {
	f, err := npy.Open("../../testdata/npy/f_f8_2x3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	a, err := f.Array()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a, len(a.Data))
	fmt.Println(a.At(1, 0, 2), a.Select(0, 1).Permute(1, 0).At(2, 0)) // a[1, 0, 2] both
	_, err = f.Strided()
	fmt.Println(err)
	// Output:
	// shape [2 3 4], strides [1 2 6], offset 0 24
	// 1013.25 1013.25
	// strider: wrong number of dimensions: shape [2 3 4] has 3 dimensions; use Get or Data
}

// Big-endian data is converted into Go memory, and the File says so.
func ExampleFile_Copied() {
	f, err := npy.Open("../../testdata/npy/c_f8be_3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	s, err := f.Strided()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Dtype(), f.Copied(), s.At(2, 3))
	// Output:
	// >f8 true 1011.25
}

// Files strider cannot read are errors naming the problem; object arrays
// are never unpickled.
func ExampleOpen_errors() {
	for _, name := range []string{"object", "shape_lies_bigger", "v2_header_len_4GiB"} {
		_, err := npy.Open("../../testdata/npy/bad/" + name + ".npy")
		fmt.Println(err)
	}
	// Output:
	// ../../testdata/npy/bad/object.npy: npy: unsupported dtype: "|O" is an object array, stored as a pickle, which strider never unpickles
	// ../../testdata/npy/bad/shape_lies_bigger.npy: npy: file truncated: shape [4 4] of <f8 needs 128 data bytes, the file has 96
	// ../../testdata/npy/bad/v2_header_len_4GiB.npy: npy: malformed header: header length 4294967295 exceeds MaxHeaderLen 65536
}
