package window

import (
	"errors"
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// Errors returned for sizes and buffers from outside the program. Returned
// errors wrap one of these and add the numbers; test with errors.Is.
var (
	// ErrDims: a size, step, dilation or dimension is not positive, or a
	// convolution's format or algorithm is unknown. Errors wrapping
	// ErrTooLarge match it too.
	ErrDims = bounds.ErrDims
	// ErrTooLarge: a window or kernel is larger than its (padded) input.
	// Returned errors match both ErrTooLarge and ErrDims, which reported
	// this case alone before ErrTooLarge existed.
	ErrTooLarge = errors.New("window: window larger than its input")
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

// dimsError is an error that matches ErrDims (and sentinel, when set) but
// says what is wrong in its own words, not ErrDims' "non-positive
// dimension", for the cases where nothing is non-positive.
type dimsError struct {
	msg      string
	sentinel error
}

func (e *dimsError) Error() string { return e.msg }

func (e *dimsError) Is(target error) bool {
	return target == ErrDims || (e.sentinel != nil && target == e.sentinel)
}

// tooLarge returns an error matching ErrTooLarge and ErrDims.
func tooLarge(format string, args ...any) error {
	return &dimsError{msg: "window: " + fmt.Sprintf(format, args...), sentinel: ErrTooLarge}
}

// badParam returns an error matching ErrDims for a parameter that is wrong
// for a reason other than its sign.
func badParam(format string, args ...any) error {
	return &dimsError{msg: "window: " + fmt.Sprintf(format, args...)}
}
