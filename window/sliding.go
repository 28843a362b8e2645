package window

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
)

// Sliding returns the windows of size consecutive elements of x, taken every
// step elements, as the rows of a matrix that shares x:
//
//	row i is x[i*step : i*step+size],  Rows = (len(x)-size)/step + 1
//	Layout{Rows, Cols: size, RowStride: step, ColStride: 1}
//
// which is NumPy's sliding_window_view(x, size)[::step]. Elements of x after
// the last window are not part of the view; the result's Data ends at the last
// element a window reaches.
//
// Where step >= size the rows are disjoint and the layout is row-major with
// leading dimension step: adapter.Wrap gives a *mat.Dense and blasbridge hands
// it to BLAS as is. Where step < size consecutive rows share elements:
// Layout.Overlaps is true, Set panics, and blasbridge packs the view before
// BLAS.
//
// Sliding returns an error, and never panics, wrapping ErrDims for size <= 0
// or step <= 0 and matching ErrTooLarge (and ErrDims) for size > len(x). It
// does not allocate when it succeeds.
func Sliding(x []float64, size, step int) (adapter.Strided, error) {
	l, end, err := slidingLayout(len(x), size, step)
	if err != nil {
		return adapter.Strided{}, err
	}
	return adapter.Strided{Data: x[:end], Layout: l}, nil
}

// Sliding32 is Sliding over float32 data, for the blas32 paths.
func Sliding32(x []float32, size, step int) (adapter.Strided32, error) {
	l, end, err := slidingLayout(len(x), size, step)
	if err != nil {
		return adapter.Strided32{}, err
	}
	return adapter.Strided32{Data: x[:end], Layout: l}, nil
}

// slidingLayout returns the layout of the windows over n elements and the
// length of the buffer prefix they reach.
func slidingLayout(n, size, step int) (l adapter.Layout, end int, err error) {
	switch {
	case size <= 0:
		return l, 0, fmt.Errorf("%w: window size %d", ErrDims, size)
	case step <= 0:
		return l, 0, fmt.Errorf("%w: step %d", ErrDims, step)
	case size > n:
		return l, 0, tooLarge("window %d is larger than the %d-element input", size, n)
	}
	l = adapter.Layout{Rows: (n-size)/step + 1, Cols: size, RowStride: step, ColStride: 1}
	// The last window starts at (Rows-1)*step <= n-size: no overflow is
	// possible, and the window ends inside x.
	return l, (l.Rows-1)*step + size, nil
}
