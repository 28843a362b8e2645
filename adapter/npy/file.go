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
)

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// File is an open .npy file of float64 or float32 data. Its data is either
// the file itself, memory-mapped copy-on-write (the zero-copy case), or a Go
// slice the data was read and converted into (Copied). Every view a File
// hands out shares that data. A File's methods may be called concurrently,
// except Close.
type File struct {
	h      Header
	mapped []byte // the whole file, mapped; nil when the data lives in Go memory
	f64    []float64
	f32    []float32
	copied bool
	closed bool
	// release frees mapped: it unmaps a file, and does nothing for an
	// archive member, whose data is a window of the Archive's mapping.
	release func() error
}

// Open opens the .npy file at path and maps its data into memory. The data
// is shared with the page cache, not copied, when it is stored in the host's
// byte order at an offset that is a multiple of the item size (NumPy aligns
// it to 64 bytes). Otherwise, and where memory mapping is not available,
// Open reads the data into a Go slice, converting the byte order, and Copied
// reports true.
//
// Open reads the header with its own strict parser, never unpickles, and
// returns an error naming the problem, never a panic, for a file it cannot
// read: wrapping ErrMagic, ErrVersion, ErrHeader, ErrDtype (anything but
// float64 and float32, including object arrays), ErrTruncated (the file
// ends before the data the shape describes) or ErrSize (the file holds
// more, or the shape's size overflows). The file holds exactly one array:
// trailing bytes are an error.
//
// Call Close when done; it unmaps the data, after which no view of it may
// be used.
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
		m, err := mapFile(fd, size)
		return m, func() error { return unmap(m) }, err
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
	f := &File{h: h}
	n, isize := h.count(), h.ItemSize()
	if n == 0 {
		return f, nil
	}
	native := h.bigEndian() != littleEndian
	if native && mapFn != nil && size <= int64(maxInt) {
		// The data is used in place only where it is aligned for its type
		// in memory: BLAS kernels (OpenBLAS's SSE2 ones among them) assume
		// that, and a mapping's alignment is the file offset's.
		m, release, err := mapFn(int(size))
		if err == nil && uintptr(unsafe.Pointer(&m[h.DataOffset]))%uintptr(isize) != 0 {
			err = release()
			m = nil
		}
		if err == nil && m != nil {
			f.mapped, f.release = m, release
			p := unsafe.Pointer(&m[h.DataOffset])
			if isize == 8 {
				f.f64 = unsafe.Slice((*float64)(p), n)
			} else {
				f.f32 = unsafe.Slice((*float32)(p), n)
			}
			return f, nil
		}
		// A file system that cannot map can still be read.
	}

	f.copied = true
	var b []byte
	if isize == 8 {
		f.f64 = make([]float64, n)
		b = unsafe.Slice((*byte)(unsafe.Pointer(&f.f64[0])), n*8)
	} else {
		f.f32 = make([]float32, n)
		b = unsafe.Slice((*byte)(unsafe.Pointer(&f.f32[0])), n*4)
	}
	if m, err := r.ReadAt(b, h.DataOffset); m < len(b) {
		if err == nil || errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: read %d of %d data bytes", ErrTruncated, m, len(b))
		}
		return nil, err
	}
	if !native {
		swapBytes(b, isize)
	}
	return f, nil
}

// swapBytes reverses the bytes of each size-byte element of b.
func swapBytes(b []byte, size int) {
	if size == 8 {
		for k := 0; k+8 <= len(b); k += 8 {
			binary.LittleEndian.PutUint64(b[k:], bits.ReverseBytes64(binary.LittleEndian.Uint64(b[k:])))
		}
		return
	}
	for k := 0; k+4 <= len(b); k += 4 {
		binary.LittleEndian.PutUint32(b[k:], bits.ReverseBytes32(binary.LittleEndian.Uint32(b[k:])))
	}
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
// ">f8", "<f4" or ">f4".
func (f *File) Dtype() string { return f.h.Dtype }

// Copied reports whether the data was read into Go memory (big-endian
// data on a little-endian host or the reverse, data at an offset that is
// not a multiple of the item size, or no memory mapping on this system)
// rather than mapped in place.
func (f *File) Copied() bool { return f.copied }

// Strided returns the float64 data as a matrix sharing the file's memory:
//
//	C order, shape (r, c):       Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
//	Fortran order, shape (r, c): Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
//
// A 1-D array of n elements is an n×1 column, as Gonum's vectors are, and a
// 0-d array is 1×1. Strided returns an error wrapping ErrDtype for float32
// data (use Strided32), adapter.ErrRank for more than two dimensions (use
// Array), adapter.ErrDims for an empty array (Gonum has no empty matrices)
// and ErrClosed after Close. adapter.Wrap, or Matrix, turns the result into
// the Gonum matrix that reaches BLAS without a copy.
func (f *File) Strided() (adapter.Strided, error) {
	l, err := f.layout(8)
	if err != nil {
		return adapter.Strided{}, err
	}
	return adapter.Strided{Data: f.f64, Layout: l}, nil
}

// Strided32 is Strided for float32 data.
func (f *File) Strided32() (adapter.Strided32, error) {
	l, err := f.layout(4)
	if err != nil {
		return adapter.Strided32{}, err
	}
	return adapter.Strided32{Data: f.f32, Layout: l}, nil
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
// is open and holds items of isize bytes.
func (f *File) layout(isize int) (adapter.Layout, error) {
	if err := f.check(isize); err != nil {
		return adapter.Layout{}, err
	}
	shape := f.h.Shape
	var r, c int
	switch len(shape) {
	case 0:
		r, c = 1, 1
	case 1:
		r, c = shape[0], 1
	case 2:
		r, c = shape[0], shape[1]
	default:
		return adapter.Layout{}, fmt.Errorf("%w: shape %v has %d dimensions; use Array", adapter.ErrRank, shape, len(shape))
	}
	if r == 0 || c == 0 {
		return adapter.Layout{}, fmt.Errorf("%w: shape %v is empty", adapter.ErrDims, shape)
	}
	if f.h.FortranOrder {
		return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}, nil
	}
	return adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}, nil
}

func (f *File) check(isize int) error {
	if f.closed {
		return ErrClosed
	}
	if f.h.ItemSize() != isize {
		want := "float64"
		if isize == 4 {
			want = "float32"
		}
		return fmt.Errorf("%w: the file holds %s, not %s", ErrDtype, f.h.Dtype, want)
	}
	return nil
}

// Array returns the float64 data in any number of dimensions as an
// adapter.Array sharing the file's memory, with C- or Fortran-order strides
// in elements: Strides[k] is the product of the dimensions after k (C order)
// or before k (Fortran order), and Offset is 0. For a Fortran-order 2×3×4
// file:
//
//	file: [header … | a000 a100 a010 a110 a020 …]
//	Array{Shape: [2 3 4], Strides: [1 2 6], Offset: 0}
//
// Shape and Strides are fresh slices. The result passes Check (Open
// checked the shape against the data), and its views (Permute, Slice,
// Select, window.Windows) share the file's memory too. Array returns an
// error wrapping ErrDtype for float32 data (use Array32) and ErrClosed
// after Close.
func (f *File) Array() (adapter.Array[float64], error) {
	if err := f.check(8); err != nil {
		return adapter.Array[float64]{}, err
	}
	shape, strides := f.strides()
	return adapter.Array[float64]{Data: f.f64, Shape: shape, Strides: strides}, nil
}

// Array32 is Array for float32 data.
func (f *File) Array32() (adapter.Array[float32], error) {
	if err := f.check(4); err != nil {
		return adapter.Array[float32]{}, err
	}
	shape, strides := f.strides()
	return adapter.Array[float32]{Data: f.f32, Shape: shape, Strides: strides}, nil
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

// Close unmaps the file's data, or drops the copy. Every view the File
// handed out (Strided, Matrix, Array and what was made from them) must not
// be used afterwards: its memory is gone, and reading it faults. Close is
// idempotent; methods returning data return ErrClosed after it, while
// Header, Shape, FortranOrder, Dtype and Copied still answer.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.f64, f.f32 = nil, nil
	if m := f.mapped; m != nil {
		f.mapped = nil
		return f.release()
	}
	return nil
}
