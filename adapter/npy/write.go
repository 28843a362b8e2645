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
func asBytes[T float32 | float64](s []T) []byte {
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
