// Package npy reads NumPy .npy files of float64 and float32 as zero-copy,
// memory-mapped strider matrices and N-d arrays, and writes any
// adapter.Strided back in its own order.
//
//	f, err := npy.Open("a.npy") // C or Fortran order, mapped, not copied
//	defer f.Close()
//	a, err := f.Matrix()        // *mat.Dense (C) or *colmajor.Dense (Fortran)
//	y.MulVec(a, x)              // BLAS reads the file's pages in place
//
// # Layout
//
// A .npy file holds a header and then the elements in C order (last index
// fastest) or Fortran order (first index fastest). Open maps the file and
// describes the data where it lies; for a Fortran-order 3×2 file:
//
//	file: [header … | a00 a10 a20 | a01 a11 a21]   DataOffset % 64 == 0
//	Strided: Layout{Rows: 3, Cols: 2, RowStride: 1, ColStride: 3}
//	At(i, j) == Data[i + 3*j]; nothing is transposed or copied.
//
// A 1-D array is an n×1 matrix and a 0-d array 1×1; any rank is available
// as an adapter.Array (shape and element strides), which window.Windows and
// the Array views take as they are.
// Write goes the other way: row-major data is written row by row as
// fortran_order False, column-major data column by column as fortran_order
// True, padding is dropped, and a general layout (reversed, stepped) is
// written in the order of its smaller stride, so np.load reads the same
// array back.
//
// # Aliasing
//
// The data is mapped copy-on-write (np.load's mmap_mode='c'): views read
// the page cache directly, and a write through a view (mat.Dense.Set, or a
// Gonum operation that uses it as a destination) copies the written page
// into private memory. Writes never reach the file and never fault, so the
// matrices Open hands out behave the same whether the data was mapped or
// Copied: like a private copy of the file, made lazily. Writes are not
// visible to other Files of the same path. Do not modify or truncate the
// file while it is open; pages not yet written may show the change, and
// reading past a truncated end raises SIGBUS.
//
// Every view shares the File's memory, which Close unmaps: a view used
// after Close reads unmapped memory and crashes the program (it is not a
// recoverable panic). Keep the File open as long as any view, matrix or
// array made from it is in use, or copy what must outlive it (mat.DenseCopyOf).
//
// # Panics
//
// Nothing in this package panics on file contents. The header is parsed by
// this package, not by codeberg.org/sbinet/npyio, whose reader panics or
// allocates gigabytes on malformed headers and unpickles object arrays (see
// header.go); object arrays are rejected with ErrDtype, never unpickled.
// Every size is computed with overflow checks before anything is allocated
// or mapped, and the shape must account for exactly the bytes after the
// header. Errors wrap ErrMagic, ErrVersion, ErrHeader, ErrDtype,
// ErrTruncated, ErrSize, ErrClosed or adapter's ErrRank and ErrDims; test
// them with errors.Is.
package npy
