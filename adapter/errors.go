package adapter

import (
	"errors"

	"github.com/strider-go/strider/internal/bounds"
)

// Errors returned for layouts from outside the program. Returned errors wrap
// one of these and add the offending numbers; test with errors.Is.
var (
	// ErrDims: a dimension is zero or negative (Gonum has no empty matrices;
	// an Array may have zero-length axes but no negative ones).
	ErrDims = bounds.ErrDims
	// ErrOutOfBounds: some element of the layout lies outside the buffer.
	ErrOutOfBounds = bounds.ErrOutOfBounds
	// ErrOverflow: computing the layout's extent overflows int.
	ErrOverflow = bounds.ErrOverflow
	// ErrMisaligned: a byte stride or offset is not a multiple of the item size.
	ErrMisaligned = bounds.ErrMisaligned
	// ErrRank: the numbers of dimensions, strides or indices do not agree,
	// or a 2-D layout was asked of an array of another rank. Index, At and
	// Set panic with it for a wrong number of indices.
	ErrRank = bounds.ErrRank
	// ErrItemSize: the item size is zero or negative.
	ErrItemSize = bounds.ErrItemSize
	// ErrShape: shapes that must agree (or broadcast) do not.
	ErrShape = bounds.ErrShape
	// ErrNotMatrix: the axes Array.Matrix would flatten into rows, or into
	// columns, cannot be described by a single stride.
	ErrNotMatrix = errors.New("strider: array has no 2-D strided layout")
	// ErrIndex is the panic value of Index, At and Set for an index outside
	// the array, and of Permute, Slice, Select and Reverse for an axis or
	// bound outside it.
	ErrIndex = errors.New("strider: index out of range")
	// ErrReadOnly is the panic value for a write through an array whose
	// elements share addresses (a broadcast axis, overlapping windows),
	// where one write would change several elements.
	ErrReadOnly = errors.New("strider: write through an array whose elements share addresses")
)
