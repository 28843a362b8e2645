// Package mapfile maps whole files into memory copy-on-write for the
// readers of adapter (npy, its archives, safetensors), and reads them into
// Go memory where mapping is not available.
package mapfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"
)

// maxInt is the largest int.
const maxInt = int(^uint(0) >> 1)

// ErrTooLarge is returned for a file whose size does not fit in an int.
var ErrTooLarge = errors.New("file too large for this platform's address space")

// Open returns the contents of the file at path: mapped privately
// (Mapped true; pages are shared with the page cache until written, and a
// write copies its page, so writes never reach the file: np.load's
// mmap_mode='c'), or, where mapping is not available, read into Go memory
// aligned for any element type. release unmaps a mapping and does nothing
// for Go memory; call it once, when no view of data is in use any more.
// An empty file gives nil data.
func Open(path string) (data []byte, mapped bool, release func() error, err error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, false, nil, err
	}
	defer fd.Close() // a mapping outlives its descriptor
	st, err := fd.Stat()
	if err != nil {
		return nil, false, nil, err
	}
	size := st.Size()
	if size > int64(maxInt) {
		return nil, false, nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	none := func() error { return nil }
	if size == 0 {
		return nil, false, none, nil
	}
	if m, err := Map(fd, int(size)); err == nil {
		return m, true, func() error { return Unmap(m) }, nil
	}
	// A file system that cannot map can still be read. The allocation is
	// the file's real size, never one the file claims.
	data = AlignedBytes(int(size))
	if n, err := fd.ReadAt(data, 0); n < len(data) {
		if err == nil || errors.Is(err, io.EOF) {
			err = fmt.Errorf("read %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
		return nil, false, nil, err
	}
	return data, false, none, nil
}

// AlignedBytes returns n zero bytes aligned for any element type.
func AlignedBytes(n int) []byte {
	if n == 0 {
		return nil
	}
	w := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), n)
}
