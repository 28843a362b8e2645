package blasbridge

import "errors"

// Errors returned for operands from outside the program. Returned errors wrap
// one of these (or one of adapter's layout errors) and add the numbers; test
// with errors.Is.
var (
	// ErrShape: the operands' dimensions do not fit the product.
	ErrShape = errors.New("blasbridge: operand shapes do not match")
	// ErrAliasedOutput: two elements of the output share an address (a zero
	// or overlapping stride), so the result would be ill-defined.
	ErrAliasedOutput = errors.New("blasbridge: output elements share addresses")
	// ErrTooLarge: a dimension or leading dimension exceeds what the backend
	// takes (CBLAS backends take 32-bit C ints).
	ErrTooLarge = errors.New("blasbridge: dimension too large for the backend")
	// ErrVector: a vector's increment or length does not fit its data.
	ErrVector = errors.New("blasbridge: bad vector")
	// ErrNotWritable: Mul's destination has no storage to write through:
	// it is not a *mat.Dense, *colmajor.Dense, *adapter.Strided, vector or
	// other raw matrix, nor a transpose of one. (The one error here about
	// the program's own values rather than outside input.)
	ErrNotWritable = errors.New("blasbridge: destination has no storage to write")
)
