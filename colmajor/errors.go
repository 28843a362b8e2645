package colmajor

import "github.com/strider-go/strider/internal/bounds"

// Errors returned for shapes and buffers from outside the program. Returned
// errors wrap one of these and add the numbers; test with errors.Is.
var (
	// ErrDims: a dimension is zero or negative (Gonum has no empty matrices).
	ErrDims = bounds.ErrDims
	// ErrLeadingDim: the leading dimension is smaller than the column length (rows).
	ErrLeadingDim = bounds.ErrLeadingDim
	// ErrOutOfBounds: the buffer is too short for the shape.
	ErrOutOfBounds = bounds.ErrOutOfBounds
	// ErrOverflow: (c-1)*ld + r overflows int.
	ErrOverflow = bounds.ErrOverflow
)
