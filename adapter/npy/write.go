package npy

import (
	"fmt"
	"io"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// chunk is the number of bytes Write gathers before each call to the
// writer: bufio's default size times 16, so an unbuffered *os.File sees
// few system calls and no large buffer is allocated.
const chunk = 64 << 10

// Write writes the matrix s to w as a 2-D .npy file of float64 in the host's
// byte order, in s's own order, without transposing it in memory:
//
//	row-major (ColStride 1):    fortran_order False, written row by row
//	column-major (RowStride 1): fortran_order True, written column by column
//	a single row or column:     fortran_order False (the bytes are the same)
//	anything else:              the order whose inner stride is smallest,
//	                            element by element
//
// so np.load returns the same r×c array whatever the order. Padding
// between rows or columns is not written, and a reversed or stepped layout
// is written compactly. Write allocates a header and a buffer of at most
// 64 KiB; contiguous runs longer than the buffer go to w directly from
// s.Data, so w must not retain or modify the slices it is given
// (io.Writer's contract). It returns s.Layout.Check's error, wrapping an
// adapter layout error, for a layout outside s.Data, an error wrapping
// adapter.ErrOverflow for a (broadcast) matrix whose byte size overflows
// int, and w's errors.
func Write(w io.Writer, s adapter.Strided) error {
	return write(w, s.Data, s.Layout, "f8")
}

// Write32 is Write for float32 data.
func Write32(w io.Writer, s adapter.Strided32) error {
	return write(w, s.Data, s.Layout, "f4")
}

func write[T float32 | float64](w io.Writer, data []T, l adapter.Layout, kind string) error {
	if err := l.Check(len(data)); err != nil {
		return err
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	n, ok := bounds.Mul(l.Rows, l.Cols)
	if ok {
		_, ok = bounds.Mul(n, size)
	}
	if !ok {
		return fmt.Errorf("%w: %d×%d elements of %d bytes", adapter.ErrOverflow, l.Rows, l.Cols, size)
	}
	c := l.Canonical()
	var fortran bool
	switch {
	case c.Rows == 1 || c.Cols == 1:
		// A vector's bytes are the same in either order; NumPy calls it C.
	case c.Order() == adapter.RowMajor:
	case c.Order() == adapter.ColMajor:
		fortran = true
	default:
		fortran = c.FastAxis() == 0
	}
	bo := "<"
	if !littleEndian {
		bo = ">"
	}
	hdr := appendHeader(nil, bo+kind, fortran, []int{c.Rows, c.Cols})
	if err := writeAll(w, hdr); err != nil {
		return err
	}

	// The data is written as runs of n elements stride apart, run k
	// starting at Offset + k*next: rows (C order), columns (Fortran order),
	// or a whole vector.
	runs, n, stride, next := c.Rows, c.Cols, c.ColStride, c.RowStride
	switch {
	case c.Cols == 1:
		runs, n, stride, next = 1, c.Rows, c.RowStride, 0
	case fortran:
		runs, n, stride, next = c.Cols, c.Rows, c.RowStride, c.ColStride
	}
	buf := make([]T, min(chunk/size, n))
	used := 0
	flush := func() error {
		if used == 0 {
			return nil
		}
		err := writeAll(w, asBytes(buf[:used]))
		used = 0
		return err
	}
	for k := range runs {
		i := c.Offset + k*next
		if stride == 1 {
			run := data[i : i+n]
			if len(run) >= len(buf) {
				if err := flush(); err != nil {
					return err
				}
				if err := writeAll(w, asBytes(run)); err != nil {
					return err
				}
				continue
			}
			for len(run) > 0 {
				m := copy(buf[used:], run)
				used += m
				run = run[m:]
				if used == len(buf) {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			continue
		}
		for range n {
			buf[used] = data[i]
			used++
			i += stride
			if used == len(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// asBytes returns the memory of s as bytes, in the host's byte order.
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

func writeAll(w io.Writer, p []byte) error {
	n, err := w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return err
}

// WriteArray writes the array a, of any rank from 0 to MaxDims, to w as a
// .npy file of float64 or float32 in the host's byte order, in a's own
// order, without transposing or copying it in memory:
//
//	strides C-like (|Strides| not increasing over the axes longer than 1):
//	        fortran_order False, last index fastest
//	strides Fortran-like (not decreasing): fortran_order True, first index fastest
//	anything else: the order whose innermost axis has the smaller |stride|
//
// An array with at most one axis longer than 1, or with no elements, is
// written as C order (its bytes are the same in either). Only the elements are written, compactly:
// padding and gaps are dropped, a reversed axis is written forwards, and a
// broadcast axis (stride 0) is repeated, so np.load returns an array equal
// to a, element by element. WriteArray first checks a with a.Check, and
// returns its error (wrapping an adapter layout error) for an array
// outside its Data, an error wrapping adapter.ErrRank for more than
// MaxDims axes and adapter.ErrOverflow for a (broadcast) array whose byte
// size overflows int, writing nothing; then w's errors. It allocates a
// header and a buffer of at most 64 KiB; contiguous runs longer than the
// buffer go to w directly from a.Data, so w must not retain or modify the
// slices it is given (io.Writer's contract).
func WriteArray[T adapter.Float](w io.Writer, a adapter.Array[T]) error {
	if err := a.Check(); err != nil {
		return err
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	n, err := checkShape(a.Shape, size)
	if err != nil {
		return err
	}
	fortran := fortranLike(a.Shape, a.Strides)
	hdr := appendHeader(nil, dtype{'f', size}.str(), fortran, a.Shape)
	if err := writeAll(w, hdr); err != nil || n == 0 {
		return err
	}

	// The axes in the order the file lists the elements, outermost first.
	r := len(a.Shape)
	shape, strides := make([]int, r), make([]int, r)
	for k := range r {
		j := k
		if fortran {
			j = r - 1 - k
		}
		shape[k], strides[k] = a.Shape[j], a.Strides[j]
	}
	inner, stride := 1, 0
	if r > 0 {
		inner, stride = shape[r-1], strides[r-1]
		shape, strides = shape[:r-1], strides[:r-1]
	}
	cw := chunkWriter[T]{w: w, buf: make([]T, min(chunk/size, n))}
	idx := make([]int, len(shape))
	for {
		// The run of inner elements stride apart at the index idx.
		i := a.Offset
		for k, x := range idx {
			i += x * strides[k]
		}
		if err := cw.run(a.Data, i, inner, stride); err != nil {
			return err
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return cw.flush()
		}
	}
}

// WriteData writes data, the elements of an array of the given shape in C
// order (last index fastest) or, if fortran, Fortran order (first index
// fastest), to w as a .npy file of T's dtype (see Elem) in the host's byte
// order. It returns an error, writing nothing, wrapping adapter.ErrShape
// when len(data) is not the product of the shape, adapter.ErrDims for a
// negative dimension, adapter.ErrRank for more than MaxDims and
// adapter.ErrOverflow for a shape whose byte size overflows int; then w's
// errors. data goes to w as it is, in one call, so w must not retain or
// modify it (io.Writer's contract).
func WriteData[T Elem](w io.Writer, shape []int, fortran bool, data []T) error {
	dt := dtypeFor[T]()
	n, err := checkShape(shape, dt.size)
	if err != nil {
		return err
	}
	if len(data) != n {
		return fmt.Errorf("%w: %d elements for shape %v, which holds %d", adapter.ErrShape, len(data), shape, n)
	}
	if err := writeAll(w, appendHeader(nil, dt.str(), fortran, shape)); err != nil || n == 0 {
		return err
	}
	return writeAll(w, asBytes(data))
}

// checkShape returns the number of elements of shape after checking that
// it has at most MaxDims dimensions, none negative, and that its elements
// of size bytes fit int even ignoring a zero dimension, as Open requires.
func checkShape(shape []int, size int) (int, error) {
	if len(shape) > MaxDims {
		return 0, fmt.Errorf("%w: %d dimensions, more than MaxDims %d", adapter.ErrRank, len(shape), MaxDims)
	}
	n, empty := 1, false
	for _, d := range shape {
		switch {
		case d < 0:
			return 0, fmt.Errorf("%w: negative dimension in shape %v", adapter.ErrDims, shape)
		case d == 0:
			empty = true
			continue
		}
		var ok bool
		if n, ok = bounds.Mul(n, d); ok {
			_, ok = bounds.Mul(n, size)
		}
		if !ok {
			return 0, fmt.Errorf("%w: shape %v of %d-byte elements", adapter.ErrOverflow, shape, size)
		}
	}
	if empty {
		return 0, nil
	}
	return n, nil
}

// fortranLike reports whether an array of the given shape and strides is
// written in Fortran order: see WriteArray.
func fortranLike(shape, strides []int) bool {
	var first, last, axes int
	cLike, fLike := true, true
	for k, n := range shape {
		if n == 0 {
			return false // no elements: either order, and NumPy says C
		}
		if n == 1 {
			continue
		}
		s := strides[k]
		if s < 0 {
			s = -s
		}
		if axes == 0 {
			first = s
		} else {
			cLike = cLike && last >= s
			fLike = fLike && last <= s
		}
		last = s
		axes++
	}
	switch {
	case axes < 2, cLike:
		return false
	case fLike:
		return true
	}
	// C order's innermost axis is the last, Fortran order's the first.
	return first < last
}

// chunkWriter gathers elements into buf and writes it to w when full;
// contiguous runs longer than buf go to w directly.
type chunkWriter[T any] struct {
	w    io.Writer
	buf  []T
	used int
}

func (c *chunkWriter[T]) flush() error {
	if c.used == 0 {
		return nil
	}
	err := writeAll(c.w, asBytes(c.buf[:c.used]))
	c.used = 0
	return err
}

// run writes the n elements data[i], data[i+stride], ….
func (c *chunkWriter[T]) run(data []T, i, n, stride int) error {
	if stride == 1 {
		run := data[i : i+n]
		if len(run) >= len(c.buf) {
			if err := c.flush(); err != nil {
				return err
			}
			return writeAll(c.w, asBytes(run))
		}
		for len(run) > 0 {
			m := copy(c.buf[c.used:], run)
			c.used += m
			run = run[m:]
			if c.used == len(c.buf) {
				if err := c.flush(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for range n {
		c.buf[c.used] = data[i]
		c.used++
		i += stride
		if c.used == len(c.buf) {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}
