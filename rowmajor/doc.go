// Package rowmajor wraps flat buffers as row-major Gonum matrices without
// copying: []float64 as *mat.Dense or blas64.General, []float32 as
// blas32.General, with any leading dimension.
//
// # Layout
//
// An r×c row-major matrix with leading dimension ld >= c stores row i at
// data[i*ld : i*ld+c]. Padding between rows (ld > c), as in a sub-block of a
// larger array, is never read or written:
//
//	Data: [a00 a01 a02 * | a10 a11 a12 * ]   Rows=2, Cols=3, LD=4 (row-major)
//	At(i, j) == Data[i*LD + j]; * is never read or written.
//
// The wrappers end the view's data at its last used element,
// data[:(r-1)*ld+c], so BLAS length checks pass and nothing past the last row
// is reachable.
//
// # Aliasing
//
// Every value returned here shares the caller's buffer: writes through the
// view change the buffer and the reverse. Sub-views share it too. Nothing
// here allocates more than a matrix header.
//
// # Panics
//
// Constructors take shapes that may come from outside the program and return
// errors (ErrDims, ErrLeadingDim, ErrOutOfBounds, ErrOverflow); they never
// panic. Slice panics, as mat.Dense.Slice does, for indices outside the
// matrix: those are programmer errors.
package rowmajor
