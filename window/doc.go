// Package window gives sliding windows over signals, images and N-d arrays as
// zero-copy strided views, and convolution as GEMMs over such views.
//
// # Layout
//
// Sliding views a signal as the matrix whose rows are its windows: element
// (i, j) is x[i*step + j], so the layout has RowStride step and ColStride 1.
// For size 3 and step 2:
//
//	x:     [x0 x1 x2 x3 x4 x5]
//	row 0:  x0 x1 x2
//	row 1:        x2 x3 x4         x5 is in no window
//	Layout{Rows: 2, Cols: 3, RowStride: 2, ColStride: 1}
//
// When step < size, as here, consecutive rows share elements (x2): the layout
// overlaps, and BLAS refuses it (its leading dimension is less than its
// number of columns), so blasbridge packs it. When step >= size the rows are
// disjoint and the view is a row-major matrix with leading dimension step,
// which BLAS reads as is.
//
// Windows generalises this to an N-d adapter.Array, NumPy's
// sliding_window_view with steps and dilation: another Array whose first
// axes index the windows and whose last axes index the elements of a window,
//
//	element idx of the view is Data[Offset + Σ idx[k]*Strides[k]]
//	x above as Array{Shape: [6], Strides: [1]}, Axis{Size: 3, Step: 2}:
//	view Array{Shape: [2 3], Strides: [2 1]}, the Sliding layout
//
// for float32 and float64 data alike. Array.Matrix flattens one back to a
// matrix layout where a single stride can describe the rows and another the
// columns, and adapter.StridedView to the adapter.Strided that Wrap and
// blasbridge take.
//
// # Aliasing
//
// Every view shares the caller's buffer; nothing is copied, and a write
// through a view is a write to the buffer. A view whose elements share
// addresses (overlapping windows, a zero stride: Layout.Overlaps,
// Array.Overlapping) can be read but not written, since one write would change
// several elements.
//
// # Panics
//
// Sizes, steps, strides and offsets may come from outside the program, so
// Sliding, Windows and Array.Matrix return errors naming the problem
// (ErrDims, ErrTooLarge, ErrRank, ErrOutOfBounds, ErrOverflow,
// ErrNotMatrix) and never panic. An Array's At, Set and Index panic for a
// wrong number of indices (ErrRank) or an index outside the view
// (ErrIndex), as Gonum's matrices do; Set panics with an error wrapping
// ErrReadOnly through a view whose elements share addresses, without
// writing. These errors are adapter's own values, so
// errors.Is matches window.ErrRank and adapter.ErrRank alike.
//
// # Convolution
//
// Conv2D computes the cross-correlation that PyTorch and TensorFlow call
// convolution, as a sum over the kernel's taps of one GEMM each over a shifted
// strided view of the input (kn2row): no KH·KW-times-larger im2col buffer.
// Im2Col (one large GEMM, best with few channels and a stride in NCHW),
// Winograd (F(2×2) and F(4×4) minimal filtering of 3×3 kernels: tiles
// transformed by GEMMs, α² GEMMs as one strided batch), Depthwise (a kernel
// of its own for Groups = C) and Direct (a plain loop, the reference) are
// the alternatives; Auto picks one, and Plan says which and why.
//
// Groups splits a layer into grouped or depthwise convolutions. BackwardData
// (the gradient with respect to the input; a transposed convolution) and
// BackwardFilter (with respect to the weights) are the same per-tap GEMMs
// read the other way. Prepare re-packs or transforms the filters once and
// gives the layer its own scratch, so its Forward allocates nothing.
// ForwardArray takes the input and output as strided N-d arrays (crops,
// channel subsets, the other format's storage) and reads them in place
// where BLAS can. OIHWToHWIO and HWIOToOIHW convert filter layouts.
package window
