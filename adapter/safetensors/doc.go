// Package safetensors reads Hugging Face safetensors files as zero-copy,
// memory-mapped strider arrays, converts the other dtypes into fresh
// copies, and writes any strided float64 or float32 arrays as a file.
//
//	f, err := safetensors.Open("model.safetensors") // mapped, header checked
//	defer f.Close()
//	w, err := safetensors.Get[float32](f, "lm_head.weight") // a view, no copy
//	h, err := safetensors.Convert[float32](f, "embed.weight") // BF16 → float32, a copy
//
// # Aliasing
//
// Views die at Close. Get returns arrays whose Data is the mapped file:
// Close unmaps it, and a view (or anything made from it: Permute, Slice,
// adapter.StridedView, a *mat.Dense from adapter.Wrap) used after Close
// reads unmapped memory and crashes the program; it is not a recoverable
// panic. Keep the File open as long as any view is in use, or use Convert,
// whose result is a fresh copy that owns its memory and outlives Close.
//
// The file is mapped copy-on-write (like np.load's mmap_mode='c'): views
// read the page cache directly, and a write through a view copies the
// written page into private memory. Writes never reach the file, are not
// seen by other Files of the same path, and are seen by later Gets of the
// same File, whose views share the same pages. Do not modify or truncate
// the file while it is open: pages not yet written may show the change, and
// reading past a truncated end raises SIGBUS.
//
// A tensor whose data is not aligned for its type in the file (possible in
// files written by other tools; the reference writer pads the header to a
// multiple of 8 bytes, and so does Write) cannot be viewed in place: the
// first Get copies it into Go memory and later Gets share that copy, so
// views of one tensor alias each other either way. Copied reports these
// tensors. On big-endian hosts, which this package does not otherwise
// support or test, every Get copies and converts the byte order, and Write
// still writes little-endian.
//
// # Layout
//
// A safetensors file is
//
//	[N: u64 little-endian | header: N bytes of JSON | byte buffer]
//	header: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}, …,
//	         "__metadata__": {"key": "value", …}}
//
// where tensor "name" occupies bytes [b, e) of the byte buffer, in C order
// (last index fastest), little-endian. Get describes it where it lies:
//
//	buffer: [… t00 t01 t02 | t10 t11 t12 …]   shape [2 3], F32
//	Array[float32]{Shape: [2 3], Strides: [3 1], Offset: 0}
//	At(i, j) == Data[3*i + j]; Data is exactly the tensor's bytes.
//
// A 0-d tensor has shape [] and one element. Get returns F64 tensors as
// Array[float64] and F32 as Array[float32]; Convert turns F64, F32, F16,
// BF16, signed and unsigned integers of 8 to 64 bits and BOOL into either.
// The 8-bit floats F8_E4M3 and F8_E5M2 may be present (Open accepts them,
// and Info describes them) but are not read.
//
// Open enforces the format as the reference implementation does, and a
// little more strictly: a header of at most MaxHeaderSize bytes that is
// valid UTF-8 and one JSON object beginning with '{' (trailing whitespace
// allowed, as the writer pads with spaces), tensor entries with exactly the
// keys dtype, shape and data_offsets, no repeated key anywhere, a known
// dtype, non-negative integers, end - begin equal to the shape's byte size,
// and tensors that tile the byte buffer exactly: no overlap and no byte
// uncovered, trailing bytes included.
//
// # Panics
//
// Nothing in this package panics on file contents. Every size is checked
// for overflow, every offset against the file, before any tensor is
// touched, and nothing is allocated according to a size the file claims:
// the header is parsed where it lies, and the data is allocated only when
// Convert (or a copying Get) asks for it, by the real size of its bytes.
// Errors wrap ErrTruncated, ErrHeader, ErrDtype, ErrSize, ErrOffsets,
// ErrOverlap, ErrHole, ErrNotFound or ErrClosed; test them with errors.Is.
// Write returns errors for what it is given, and panics only where
// adapter.Array's methods would.
package safetensors
