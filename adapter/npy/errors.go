package npy

import "errors"

// Errors returned for files that are not .npy files strider can read, and for
// use after Close. Returned errors wrap one of these (or one of adapter's
// layout errors) and add the offending values; test with errors.Is.
var (
	// ErrMagic: the file does not start with the .npy magic "\x93NUMPY".
	ErrMagic = errors.New("npy: not a .npy file (bad magic)")
	// ErrVersion: the format version is not 1.0, 2.0 or 3.0.
	ErrVersion = errors.New("npy: unsupported .npy format version")
	// ErrHeader: the header dictionary is malformed: bad syntax, missing,
	// extra or repeated keys, values of the wrong kind, negative dimensions,
	// too many dimensions, or a header longer than MaxHeaderLen.
	ErrHeader = errors.New("npy: malformed header")
	// ErrDtype: the data type is not one Elem lists (object arrays are
	// never unpickled; strings, datetimes and structured dtypes are not
	// read), or is not the one an accessor asks for.
	ErrDtype = errors.New("npy: unsupported dtype")
	// ErrTruncated: the file ends before the header or the data the header
	// describes.
	ErrTruncated = errors.New("npy: file truncated")
	// ErrSize: the shape's size overflows, or the file holds more data bytes
	// than the shape describes.
	ErrSize = errors.New("npy: data size does not match the shape")
	// ErrOrder: the data is stored in an order the accessor cannot
	// describe (CDense of a Fortran-order file).
	ErrOrder = errors.New("npy: data order not supported by this accessor")
	// ErrClosed: the File has been closed.
	ErrClosed = errors.New("npy: file already closed")
)
