// Package npy reads and writes NumPy .npy files. Read a file with Load,
// which copies it into Go memory as np.load does, so what you read stays
// valid for as long as you use it (the safe default), or with Open, which
// maps it without copying, so what you read dies at Close: using a view of
// an opened File after Close crashes the process.
//
// Every numeric dtype is read and written (bool, signed and unsigned
// integers, float16, float32, float64, complex64, complex128; either byte
// order, C or Fortran order, any rank) as typed Go slices, strider N-d
// arrays and Gonum matrices.
//
// # Load or Open: who owns the memory
//
// There are two ways to read a file, and the choice decides how long what
// you read stays valid:
//
//	Load(path)  copies the data into Go memory, like np.load.
//	            Views live as long as you use them; Close is optional.
//	            The safe default.
//	Open(path)  maps the file: zero-copy, like np.load(mmap_mode='c').
//	            Views share the mapping and die at Close: using one after
//	            Close crashes the process (not a recoverable panic).
//
//	f, err := npy.Load("a.npy")   // copies
//	a, err := npy.Get[float64](f) // a is valid for as long as it is used
//
//	f, err := npy.Open("big.npy") // maps, copies nothing
//	if err != nil { … }
//	defer f.Close()               // a, and all made from it, die here
//	a, err := npy.Get[float64](f) // a reads the file's pages in place
//
// Open falls back to reading into Go memory (File.Copied reports it) when
// the data cannot be used in place: big-endian data on a little-endian
// host, data not aligned for its type, bools stored as bytes other than 0
// and 1, or no mmap on the system. Do not rely on it: treat every view of
// an Opened File as dead after Close.
//
// # Reading
//
// Get[float64] and Get[float32] return an adapter.Array sharing the
// File's memory (a zero-copy view), Strided and Matrix the same as a
// Gonum-ready matrix, Data[T] the flat elements of any dtype (Data[uint8]
// for an image, Data[complex128], Data[Float16]) in the file's order, with
// Strides to index them, and CDense a complex128 matrix. Convert copies
// any real dtype into float64 or float32, explicitly. Each accessor
// returns ErrDtype, naming the file's type and the one asked for, when they
// differ:
//
//	file dtype     zero-copy view                 copy
//	<f8            Get[float64], Strided, Matrix  Convert[T]
//	<f4            Get[float32], Strided32        Convert[T]
//	|u1 <i4 … <f2  Data[uint8], Data[int32] …     Convert[T]
//	<c16 <c8       Data[complex128], CDense       (real, imag of Data)
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
// as an adapter.Array (shape and element strides: Get, or Data with
// Strides), which window.Windows and the Array views take as they are.
// WriteArray goes the other way, for any rank: an array with C-like
// strides is written as fortran_order False, a Fortran-like one as
// fortran_order True, each without transposing it in memory; padding is
// dropped, and a general array (permuted, reversed, stepped, broadcast) is
// written compactly in the order of its smaller innermost stride, so
// np.load reads the same array back. Write and Write32 do the same for
// matrices, WriteData for flat data of any dtype.
//
// # Aliasing
//
// Every view of a File shares its data: a write through one (mat.Dense.Set,
// Array.Set, a Gonum operation using it as a destination) is seen by every
// other view of the same File. A loaded File's data is private Go memory.
// An opened File's is mapped copy-on-write (np.load's mmap_mode='c'):
// views read the page cache directly, and a write copies the written page
// into private memory, so writes never reach the file, never fault, and
// are not visible to other Files of the same path. Do not modify or
// truncate a file while it is open; pages not yet written may show the
// change, and reading past a truncated end raises SIGBUS. Convert always
// returns fresh memory.
//
// # Archives
//
// OpenArchive opens an .npz file (np.savez, np.savez_compressed) the way
// Open opens a .npy file: the archive is mapped once, Names lists its
// arrays, and Archive.Open returns each as a File. A stored member whose
// data is aligned for its type is a window of the mapping, zero-copy, and
// dies at Archive.Close as an Opened File's views do; other members (those
// np.savez_compressed deflated, and NumPy's stored members, which it does
// not align) are read into Go memory and Copied reports it. ArchiveWriter
// writes archives NumPy reads, with stored members aligned to 64 bytes so
// they map in place. Sizes, offsets and names in the zip directory are
// checked before anything is allocated: a member claiming more than
// deflate can expand to is an error (ErrArchive), as are repeated, non-UTF-8
// and encrypted members.
//
// # Panics
//
// Nothing in this package panics on file contents. The header is parsed by
// this package, not by codeberg.org/sbinet/npyio, whose reader panics or
// allocates gigabytes on malformed headers and unpickles object arrays (see
// header.go); object arrays are rejected with ErrDtype, never unpickled,
// as are strings, datetimes and structured dtypes. Every size is computed
// with overflow checks and checked against the file's real size before
// anything is allocated or mapped, and the shape must account for exactly
// the bytes after the header. Errors wrap ErrMagic, ErrVersion, ErrHeader,
// ErrDtype, ErrTruncated, ErrSize, ErrOrder, ErrClosed, ErrArchive,
// ErrNotFound or adapter's
// ErrRank and ErrDims; test them with errors.Is.
package npy
