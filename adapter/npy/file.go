package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"unsafe"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/mapfile"
)

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// File is an open .npy file. Its data is either the file itself,
// memory-mapped copy-on-write (the zero-copy case, Open), or Go memory the
// data was read and converted into (Copied: Load, and Open where the data
// cannot be used in place). Every view a File hands out shares that data.
// A File's methods may be called concurrently, except Close.
type File struct {
	h      Header
	dt     dtype
	mapped []byte // the whole file, mapped; nil when the data lives in Go memory
	// data holds the elements in the host's byte order, aligned for their
	// type: a window of mapped, or Go memory.
	data   []byte
	copied bool
	closed bool
	// release frees mapped: it unmaps a file, and does nothing for an
	// archive member, whose data is a window of the Archive's mapping.
	release func() error
}

// Open opens the .npy file at path and maps its data into memory: the
// zero-copy way to read a file, whose views die at Close (see the package
// documentation, and Load for the copying alternative). The data is shared
// with the page cache, not copied, when it is stored in the host's byte
// order at an offset aligned for its type (NumPy aligns it to 64 bytes)
// and, for bool data, every byte is 0 or 1. Otherwise, and where memory
// mapping is not available, Open reads the data into Go memory, converting
// the byte order, and Copied reports true.
//
// Open reads the header with its own strict parser, never unpickles, and
// returns an error naming the problem, never a panic, for a file it cannot
// read: wrapping ErrMagic, ErrVersion, ErrHeader, ErrDtype (a type Elem
// does not list: object arrays, strings, datetimes, structured dtypes),
// ErrTruncated (the file ends before the data the shape describes) or
// ErrSize (the file holds more, or the shape's size overflows). The file
// holds exactly one array: trailing bytes are an error.
//
// Call Close when done; it unmaps the data, after which no view of it may
// be used: using one crashes the program.
func Open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close() // a mapping outlives its descriptor
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	f, err := newFile(fd, st.Size(), func(size int) ([]byte, func() error, error) {
		m, err := mapfile.Map(fd, size)
		return m, func() error { return mapfile.Unmap(m) }, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// newFile reads the .npy file r of size bytes. It maps the file with mapFn
// when the data can be used in place, and reads it otherwise, or when mapFn
// is nil or fails. mapFn returns the file's bytes and the function that
// releases them.
func newFile(r io.ReaderAt, size int64, mapFn func(size int) ([]byte, func() error, error)) (*File, error) {
	h, err := decodeHeader(r, size)
	if err != nil {
		return nil, err
	}
	dt, _ := dtypeOf(h.Dtype) // decodeHeader accepted it
	f := &File{h: h, dt: dt}
	nbytes := h.count() * dt.size // decodeHeader checked it against size
	if nbytes == 0 {
		return f, nil
	}
	native := h.Dtype[0] == '|' || h.bigEndian() != littleEndian
	if native && mapFn != nil && size <= int64(maxInt) {
		// The data is used in place only where it is aligned for its type
		// in memory: BLAS kernels (OpenBLAS's SSE2 ones among them) assume
		// that, and a mapping's alignment is the file offset's.
		m, release, err := mapFn(int(size))
		if err == nil && uintptr(unsafe.Pointer(&m[h.DataOffset]))%uintptr(dt.align()) != 0 {
			err = release()
			m = nil
		}
		if err == nil && m != nil {
			data := m[h.DataOffset : h.DataOffset+int64(nbytes) : h.DataOffset+int64(nbytes)]
			if dt.kind != 'b' || validBools(data) {
				f.mapped, f.release, f.data = m, release, data
				return f, nil
			}
			// A bool that is not 0 or 1 is not a Go bool: copy and fix.
			if err := release(); err != nil {
				return nil, err
			}
		}
		// A file system that cannot map can still be read.
	}

	f.copied = true
	f.data = mapfile.AlignedBytes(nbytes)
	if m, err := r.ReadAt(f.data, h.DataOffset); m < len(f.data) {
		if err == nil || errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: read %d of %d data bytes", ErrTruncated, m, len(f.data))
		}
		return nil, err
	}
	if !native {
		swapBytes(f.data, dt.swapSize())
	}
	if dt.kind == 'b' {
		for k, b := range f.data {
			if b > 1 {
				f.data[k] = 1 // NumPy reads any nonzero byte as True
			}
		}
	}
	return f, nil
}

// validBools reports whether every byte of b is a Go bool: 0 or 1.
func validBools(b []byte) bool {
	for _, c := range b {
		if c > 1 {
			return false
		}
	}
	return true
}

// swapBytes reverses the bytes of each size-byte unit of b.
func swapBytes(b []byte, size int) {
	switch size {
	case 8:
		for k := 0; k+8 <= len(b); k += 8 {
			binary.LittleEndian.PutUint64(b[k:], bits.ReverseBytes64(binary.LittleEndian.Uint64(b[k:])))
		}
	case 4:
		for k := 0; k+4 <= len(b); k += 4 {
			binary.LittleEndian.PutUint32(b[k:], bits.ReverseBytes32(binary.LittleEndian.Uint32(b[k:])))
		}
	case 2:
		for k := 0; k+2 <= len(b); k += 2 {
			b[k], b[k+1] = b[k+1], b[k]
		}
	}
}

// view returns b as a slice of T. b is aligned for T and holds a whole
// number of them.
func view[T any](b []byte) []T {
	if len(b) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/int(unsafe.Sizeof(zero)))
}

// Header returns the file's header. Its Shape is a copy.
func (f *File) Header() Header {
	h := f.h
	h.Shape = f.Shape()
	return h
}

// Shape returns a copy of the array's dimensions; it is empty for a 0-d
// array.
func (f *File) Shape() []int { return append([]int(nil), f.h.Shape...) }

// FortranOrder reports whether the data is stored column-major, as NumPy
// saves a Fortran-contiguous array.
func (f *File) FortranOrder() bool { return f.h.FortranOrder }

// Dtype returns the element type as NumPy's dtype.str spells it: "<f8",
// ">f4", "|u1", "<i4", "<c16" (see Header.Dtype).
func (f *File) Dtype() string { return f.h.Dtype }

// Copied reports whether the data was read into Go memory rather than
// mapped in place: always for Load, and for Open when the data is in the
// other byte order (big-endian data on a little-endian host or the
// reverse), at an offset not aligned for its type, bool data holding bytes
// other than 0 and 1, or no memory mapping on this system. Copied data is
// Go memory: its views stay valid after Close.
func (f *File) Copied() bool { return f.copied }

// Strided returns the float64 data as a matrix sharing the file's memory:
//
//	C order, shape (r, c):       Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
//	Fortran order, shape (r, c): Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
//
// A 1-D array of n elements is an n×1 column, as Gonum's vectors are, and a
// 0-d array is 1×1. Strided returns an error wrapping ErrDtype for any
// other dtype (saying to use Strided32 or Get[float32] for float32 data,
// and Convert for the rest), adapter.ErrRank for more than two dimensions
// (use Get), adapter.ErrDims for an empty array (Gonum has no empty
// matrices) and ErrClosed after Close. adapter.Wrap, or Matrix, turns the
// result into the Gonum matrix that reaches BLAS without a copy.
func (f *File) Strided() (adapter.Strided, error) {
	l, err := f.layout(dtype{'f', 8})
	if err != nil {
		return adapter.Strided{}, err
	}
	return adapter.Strided{Data: view[float64](f.data), Layout: l}, nil
}

// Strided32 is Strided for float32 data.
func (f *File) Strided32() (adapter.Strided32, error) {
	l, err := f.layout(dtype{'f', 4})
	if err != nil {
		return adapter.Strided32{}, err
	}
	return adapter.Strided32{Data: view[float32](f.data), Layout: l}, nil
}

// Matrix returns the float64 data as the Gonum matrix adapter.Wrap makes of
// Strided: a *mat.Dense for C order and a *colmajor.Dense (which Gonum hands
// to BLAS with the transpose flag) for Fortran order, sharing the file's
// memory. It returns the errors Strided does.
func (f *File) Matrix() (mat.Matrix, error) {
	s, err := f.Strided()
	if err != nil {
		return nil, err
	}
	return adapter.Wrap(s.Data, s.Layout)
}

// layout returns the 2-D layout of the data after checking that the File
// is open and holds items of type want.
func (f *File) layout(want dtype) (adapter.Layout, error) {
	if err := f.check(want); err != nil {
		return adapter.Layout{}, err
	}
	r, c, err := f.dims2()
	if err != nil {
		return adapter.Layout{}, err
	}
	if f.h.FortranOrder {
		return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}, nil
	}
	return adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}, nil
}

// dims2 returns the shape of a matrix of rank at most 2 with no empty
// dimension, or an error wrapping adapter.ErrRank or adapter.ErrDims.
func (f *File) dims2() (r, c int, err error) {
	shape := f.h.Shape
	switch len(shape) {
	case 0:
		r, c = 1, 1
	case 1:
		r, c = shape[0], 1
	case 2:
		r, c = shape[0], shape[1]
	default:
		return 0, 0, fmt.Errorf("%w: shape %v has %d dimensions; use Get or Data", adapter.ErrRank, shape, len(shape))
	}
	if r == 0 || c == 0 {
		return 0, 0, fmt.Errorf("%w: shape %v is empty", adapter.ErrDims, shape)
	}
	return r, c, nil
}

// check returns ErrClosed after Close, and an error wrapping ErrDtype,
// naming the file's type and want and saying what reads the file, unless
// the file holds items of type want.
func (f *File) check(want dtype) error {
	if f.closed {
		return ErrClosed
	}
	if f.dt == want {
		return nil
	}
	data := "Data[" + f.dt.goName() + "]"
	var hint string
	switch {
	case want.kind != 'f' || want.size == 2:
		hint = "use " + data
	case f.dt == dtype{'f', 4}:
		hint = "use Strided32, Array32 or Get[float32]"
	case f.dt == dtype{'f', 8}:
		hint = "use Strided, Array or Get[float64]"
	case f.dt == dtype{'c', 16}:
		hint = "use " + data + " or CDense"
	case f.dt.kind == 'c':
		hint = "use " + data
	default:
		hint = "use " + data + ", or Convert to copy it into float64 or float32"
	}
	return fmt.Errorf("%w: the file holds %s (%s), not %s: %s", ErrDtype, f.h.Dtype, f.dt.goName(), want.goName(), hint)
}

// Array returns the float64 data as Get[float64] does. It returns an error
// wrapping ErrDtype for any other dtype and ErrClosed after Close.
func (f *File) Array() (adapter.Array[float64], error) { return Get[float64](f) }

// Array32 is Array for float32 data: Get[float32].
func (f *File) Array32() (adapter.Array[float32], error) { return Get[float32](f) }

// Get returns the float64 or float32 data in any number of dimensions as
// an adapter.Array sharing the file's memory (a zero-copy view: a header
// and two small slices), with C- or Fortran-order strides in elements:
// Strides[k] is the product of the dimensions after k (C order) or before
// k (Fortran order), and Offset is 0. For a Fortran-order 2×3×4 file:
//
//	file: [header … | a000 a100 a010 a110 a020 …]
//	Array{Shape: [2 3 4], Strides: [1 2 6], Offset: 0}
//
// Shape and Strides are fresh slices. The result passes Check (the shape
// was checked against the data), and its views (Permute, Slice, Select,
// window.Windows) share the file's memory too. Get returns an error
// wrapping ErrDtype, naming both types, when the file does not hold T (use
// Convert to copy other real types into T), and ErrClosed after Close.
func Get[T adapter.Float](f *File) (adapter.Array[T], error) {
	var zero T
	if err := f.check(dtype{'f', int(unsafe.Sizeof(zero))}); err != nil {
		return adapter.Array[T]{}, err
	}
	shape, strides := f.strides()
	return adapter.Array[T]{Data: view[T](f.data), Shape: shape, Strides: strides}, nil
}

// Data returns the elements as a flat slice of T in the file's order (C or
// Fortran: see FortranOrder and Strides), sharing the file's memory: no
// copy is made when the data was mapped in place, and a write through the
// slice is seen by every other view of the File. Element idx of the array
// is at
//
//	Data[Σ idx[k]*Strides()[k]]
//
// Data returns an error wrapping ErrDtype, naming the file's type and T,
// when the file does not hold T (a "<i4" file is Data[int32], "|u1" is
// Data[uint8], "<f2" is Data[Float16]), and ErrClosed after Close. The
// slice is nil for an empty array.
func Data[T Elem](f *File) ([]T, error) {
	if err := f.check(dtypeFor[T]()); err != nil {
		return nil, err
	}
	return view[T](f.data), nil
}

// Strides returns the element strides of the file's order, matching
// Shape: Strides()[k] is the product of the dimensions after k (C order)
// or before k (Fortran order). It is a fresh slice, empty for a 0-d array.
func (f *File) Strides() []int {
	_, strides := f.strides()
	return strides
}

// strides returns a copy of the shape and the element strides of the
// file's order. They cannot overflow: decodeHeader checked the product of
// the nonzero dimensions.
func (f *File) strides() (shape, strides []int) {
	r := len(f.h.Shape)
	buf := make([]int, 2*r)
	shape, strides = buf[:r:r], buf[r:]
	copy(shape, f.h.Shape)
	s := 1
	for k := range r {
		if !f.h.FortranOrder {
			k = r - 1 - k
		}
		strides[k] = s
		s *= max(shape[k], 1)
	}
	return shape, strides
}

// CDense returns complex128 data of rank 0, 1 or 2 in C order as a
// *mat.CDense sharing the file's memory (zero-copy; a 1-D array is an n×1
// column, a 0-d array 1×1). Gonum's CDense is row-major, so for a
// Fortran-order file (other than a single row or column, whose bytes are
// the same in either order) CDense returns an error wrapping ErrOrder that
// points to Data, which reads either order. It returns an error wrapping
// ErrDtype for any other dtype, adapter.ErrRank for more than two
// dimensions, adapter.ErrDims for an empty array and ErrClosed after
// Close.
func (f *File) CDense() (*mat.CDense, error) {
	if err := f.check(dtype{'c', 16}); err != nil {
		return nil, err
	}
	r, c, err := f.dims2()
	if err != nil {
		return nil, err
	}
	if f.h.FortranOrder && r > 1 && c > 1 {
		return nil, fmt.Errorf("%w: the %d×%d complex128 data is in Fortran order (column-major), and Gonum's CDense is row-major: use Data[complex128] with Strides (element (i, j) at i + %d*j), or save the array in C order", ErrOrder, r, c, r)
	}
	return mat.NewCDense(r, c, view[complex128](f.data)), nil
}

// Close unmaps the file's data (a mapped File), or drops the File's
// reference to its copy (a Copied one). Every view a mapped File handed
// out (Strided, Matrix, Get, Data and what was made from them) must not be
// used afterwards: its memory is gone, and reading it crashes the program.
// Views of Copied data are Go memory and stay valid. Close is idempotent;
// methods returning data return ErrClosed after it, while Header, Shape,
// Strides, FortranOrder, Dtype and Copied still answer.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.data = nil
	if m := f.mapped; m != nil {
		f.mapped = nil
		return f.release()
	}
	return nil
}
