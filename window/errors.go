package window

import (
	"errors"

	"github.com/strider-go/strider/adapter"
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
	// not agree. adapter.Array's At and Set panic with it for a wrong number
	// of indices. It is adapter.ErrRank, so errors.Is matches either.
	ErrRank = adapter.ErrRank
	// ErrNotMatrix: the axes adapter.Array.Matrix would flatten into rows,
	// or into columns, cannot be described by a single stride. It is
	// adapter.ErrNotMatrix.
	ErrNotMatrix = adapter.ErrNotMatrix
	// ErrIndex is the panic value of adapter.Array's At and Set for an index
	// outside a view. It is adapter.ErrIndex.
	ErrIndex = adapter.ErrIndex
	// ErrReadOnly is the panic value for a write through a view whose
	// windows overlap, where one write would change several elements. It
	// is adapter.ErrReadOnly.
	ErrReadOnly = adapter.ErrReadOnly
)
