// Package adapter is strider's layout model: NumPy-style shapes, strides and
// offsets over flat buffers, their classification for BLAS, bounds checks,
// and wrapping as the right Gonum type without copying.
//
// # Layout
//
// A Layout places element (i, j) at Data[Offset + i*RowStride + j*ColStride],
// in elements (FromNumPy converts NumPy's bytes). Strides may be negative (a
// reversed axis), zero (a broadcast axis) or overlap. For example the view
// a[::-1, ::2] of a C-order 3×4 array a:
//
//	Data: [a00 * a02 * | a10 * a12 * | a20 * a22 * ]
//	Layout{Rows: 3, Cols: 2, RowStride: -4, ColStride: 2, Offset: 8}
//	At(0, 0) == Data[8] == a20; * is never read or written.
//
// Order classifies a layout the way NumPy's matmul and PyTorch's addmm do,
// after canonicalising the meaningless stride of a size-1 dimension:
//
//	RowMajor: ColStride == 1 && RowStride >= max(1, Cols)   BLAS NoTrans
//	ColMajor: RowStride == 1 && ColStride >= max(1, Rows)   BLAS Trans
//	General:  anything else                                  read via At, packed for BLAS
//
// Wrap turns each class into the Gonum type that reaches BLAS that way:
// *mat.Dense, *colmajor.Dense, or *Strided.
//
// # Conversions
//
// StridedOf views *mat.Dense, *colmajor.Dense, *Strided and their
// transposes (mat.Transpose, any mat.Untransposer) as a Strided; FromGeneral
// and FromGeneralCols view BLAS storage; General, GeneralCols and Wrap go
// back; ArrayOf, Strided.Array and StridedView cross to and from rank-2
// Arrays; Transposed swaps a Strided's strides and stays a Strided (T must
// return mat.Matrix). Every float64 entry point has a float32 twin beside it
// (Strided32, NewStrided32, Wrap32, FromGeneral32, FromGeneralCols32,
// Strided32Of, Strided32View). None copies.
//
// # Aliasing
//
// Everything here shares the caller's buffer; nothing copies. A layout whose
// elements share addresses (Overlaps: a broadcast axis, overlapping rows) can
// be read but not written: Strided.Set panics on one.
//
// # Concurrency
//
// Layout is a value and its methods are pure: use one from any number of
// goroutines. A wrapped matrix (of any of the three types) holds no state of
// its own beyond the caller's buffer and a header: any number of goroutines
// may read it at once (At, as a BLAS input), and goroutines may write
// disjoint elements at once (through distinct views, such as Slice or
// wrapped column blocks). As with Go slices and Gonum's matrices, a write
// concurrent with another access to the same element is a data race;
// strider does not lock.
//
// # Panics
//
// Layouts usually come from outside the program (a file header, another
// process), so FromNumPy, Check, NewStrided and Wrap return errors naming the
// problem (ErrDims, ErrOutOfBounds, ErrOverflow, ErrMisaligned, ErrRank,
// ErrItemSize) and never panic. At and Set panic for indices outside the
// matrix, as Gonum's matrices do; Set panics through an aliased layout.
package adapter
