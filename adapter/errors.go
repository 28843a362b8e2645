package adapter

import "github.com/strider-go/strider/internal/bounds"

// Errors returned for layouts from outside the program. Returned errors wrap
// one of these and add the offending numbers; test with errors.Is.
var (
	// ErrDims: a dimension is zero or negative (Gonum has no empty matrices).
	ErrDims = bounds.ErrDims
	// ErrOutOfBounds: some element of the layout lies outside the buffer.
	ErrOutOfBounds = bounds.ErrOutOfBounds
	// ErrOverflow: computing the layout's extent overflows int.
	ErrOverflow = bounds.ErrOverflow
	// ErrMisaligned: a byte stride or offset is not a multiple of the item size.
	ErrMisaligned = bounds.ErrMisaligned
	// ErrRank: a NumPy shape is not 2-D.
	ErrRank = bounds.ErrRank
	// ErrItemSize: the item size is zero or negative.
	ErrItemSize = bounds.ErrItemSize
)
