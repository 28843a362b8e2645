package window

import (
	"errors"

	"github.com/strider-go/strider/internal/bounds"
)

// Errors returned for sizes and buffers from outside the program. Returned
// errors wrap one of these and add the numbers; test with errors.Is.
var (
	// ErrDims: a size, step, dilation or dimension is not positive, or a
	// window or kernel is larger than the (padded) input.
	ErrDims = bounds.ErrDims
	// ErrOutOfBounds: a view reaches outside its buffer.
	ErrOutOfBounds = bounds.ErrOutOfBounds
	// ErrOverflow: the arithmetic on the sizes overflows int.
	ErrOverflow = bounds.ErrOverflow
	// ErrLength: a buffer's length does not match the shape it should hold.
	ErrLength = errors.New("window: buffer length does not match the shape")
	// ErrOverlap: a convolution's output shares memory with its input or
	// filters; it would overwrite values it has still to read.
	ErrOverlap = errors.New("window: output overlaps an input")
	// ErrRank: the numbers of dimensions, strides, window axes or indices do
	// not agree. At and Set panic with it for a wrong number of indices.
	ErrRank = errors.New("window: rank mismatch")
	// ErrNotMatrix: the dimensions View.Matrix would flatten into rows, or
	// into columns, cannot be described by a single stride.
	ErrNotMatrix = errors.New("window: view has no 2-D strided layout")
	// ErrIndex is the panic value of At and Set for an index outside the
	// view.
	ErrIndex = errors.New("window: index out of range")
	// ErrReadOnly is the panic value for a write through a view whose
	// windows overlap, where one write would change several elements.
	ErrReadOnly = errors.New("window: write through overlapping windows")
)
