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

// Load reads a file into Go memory, as np.load does: the safe default.
// What it returns is ordinary Go memory, valid for as long as it is used,
// after Close too (Close is optional for a loaded File).
func Example_load() {
	f, err := npy.Load("../../testdata/npy/f_f8_2x3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := npy.Get[float64](f)
	if err != nil {
		fmt.Println(err)
		return
	}
	f.Close() // optional: a stays valid

	fmt.Println(f.Dtype(), f.Shape(), "fortran_order:", f.FortranOrder(), "copied:", f.Copied())
	fmt.Println(a, a.At(1, 2, 3))
	// Output:
	// <f8 [2 3 4] fortran_order: true copied: true
	// shape [2 3 4], strides [1 2 6], offset 0 1023.25
}

// Open maps a Fortran-order file NumPy saved (np.save of
// np.asfortranarray(a)) and multiplies it by a vector: Gonum's GEMV reads
// the mapped file with the transpose flag; nothing is copied or
// transposed. The matrix a is a view of the mapping: it is valid only
// until f.Close, which the deferred call runs when the function returns,
// so a must not escape this function.
func Example_open() {
	f, err := npy.Open("../../testdata/npy/f_f8_3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close() // a, and every view made from f, dies here

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
	fmt.Println(y.RawVector().Data) // y is Go memory: it may outlive f
	// Output:
	// <f8 [3 4] fortran_order: true copied: false
	// col-major 3×4, ld=3 (contiguous)
	// *colmajor.Dense
	// ⎡1000.25  1001.25  1002.25  1003.25⎤
	// ⎢1004.25  1005.25  1006.25  1007.25⎥
	// ⎣1008.25  1009.25  1010.25  1011.25⎦
	// [2003.5 2011.5 2019.5]
}

// Get views a float32 file of any rank as an adapter.Array without a copy.
// The view is the mapping: compute with it, and copy out what must outlive
// the File, before Close.
func ExampleGet() {
	f, err := npy.Open("../../testdata/npy/f_f4_2x3x4.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close() // a dies here

	a, err := npy.Get[float32](f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a, a.At(1, 2, 3))
	_, err = npy.Get[float64](f)
	fmt.Println(err)
	// Output:
	// shape [2 3 4], strides [1 2 6], offset 0 1023.25
	// npy: unsupported dtype: the file holds <f4 (float32), not float64: use Strided32, Array32 or Get[float32]
}

// Convert copies an 8-bit image (NumPy's uint8, "|u1") into float32 for
// arithmetic: fresh memory in the file's order, independent of the File.
func ExampleConvert() {
	f, err := npy.Load("../../testdata/npy/typed/t_u1_c_r2.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	pix, err := npy.Data[uint8](f) // the bytes as stored
	if err != nil {
		fmt.Println(err)
		return
	}
	img, err := npy.Convert[float32](f)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range img.Data {
		img.Data[k] /= 255
	}
	fmt.Println(f.Dtype(), img.Shape, pix[:4])
	fmt.Printf("%.3f\n", img.Data[:4])
	// Output:
	// |u1 [3 4] [0 255 1 2]
	// [0.000 1.000 0.004 0.008]
}

// Data returns the flat elements of any dtype, here int32 in Fortran
// order; Strides says where each element is.
func ExampleData() {
	f, err := npy.Load("../../testdata/npy/typed/t_lei4_f_r2.npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := npy.Data[int32](f)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := f.Strides()
	fmt.Println(f.Dtype(), f.Shape(), st, f.FortranOrder())
	fmt.Println("a[0, 1] =", d[0*st[0]+1*st[1]], "a[2, 3] =", d[2*st[0]+3*st[1]])
	_, err = npy.Data[int64](f)
	fmt.Println(err)
	// Output:
	// <i4 [3 4] [1 3] true
	// a[0, 1] = 2147483647 a[2, 3] = 7
	// npy: unsupported dtype: the file holds <i4 (int32), not int64: use Data[int32]
}

// CDense reads a complex128 matrix in C order as a Gonum *mat.CDense.
func ExampleFile_CDense() {
	var buf bytes.Buffer
	z := []complex128{1 + 2i, 3, -1i, 4 - 4i}
	if err := npy.WriteData(&buf, []int{2, 2}, false, z); err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "npy")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "z.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	f, err := npy.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := f.CDense()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Dtype(), m.At(0, 0), m.At(1, 0), m.At(1, 1))
	// Output:
	// <c16 (1+2i) (0-1i) (4-4i)
}

// WriteArray writes a 3-D array in its own order: this permuted view of a
// C-order buffer has Fortran-like strides, so it is written as
// fortran_order True, compactly, without transposing anything.
func ExampleWriteArray() {
	data := make([]float64, 24)
	for k := range data {
		data[k] = float64(k)
	}
	c, err := adapter.NewArray(data, []int{4, 3, 2}, nil, 0) // C order
	if err != nil {
		fmt.Println(err)
		return
	}
	a := c.Permute(2, 1, 0) // 2×3×4, strides [1 2 6]
	var buf bytes.Buffer
	if err := npy.WriteArray(&buf, a); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes: %s\n", buf.Len(), bytes.TrimSpace(buf.Bytes()[10:128]))
	fmt.Println(a.At(1, 2, 3))
	// Output:
	// 320 bytes: {'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }
	// 23
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
	defer f.Close() // a dies here
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
