package safetensors

import "errors"

// Errors returned for files that are not safetensors files strider can read,
// for tensors an accessor cannot return, and for use after Close. Returned
// errors wrap one of these and add the offending values and the tensor's
// name; test with errors.Is.
var (
	// ErrTruncated: the file ends before the 8-byte header size or before
	// the header that size announces.
	ErrTruncated = errors.New("safetensors: file truncated")
	// ErrHeader: the header is malformed: a size below 2 or above
	// MaxHeaderSize, not UTF-8, not one JSON object starting with '{' (only
	// whitespace may follow it), missing, unknown or repeated keys (tensor
	// names included), values of the wrong kind, negative numbers, or a
	// "__metadata__" that is not an object of strings.
	ErrHeader = errors.New("safetensors: malformed header")
	// ErrDtype: a dtype this package does not know, or one an accessor
	// cannot return: Get returns only F64 and F32 (as float64 and float32),
	// and neither Get nor Convert reads the 8-bit floats F8_E4M3 and F8_E5M2.
	ErrDtype = errors.New("safetensors: unsupported dtype")
	// ErrSize: a tensor's data_offsets span a different number of bytes than
	// its shape and dtype describe, or a dimension or the byte size
	// overflows int.
	ErrSize = errors.New("safetensors: data size does not match the shape")
	// ErrOffsets: a tensor's data_offsets are not [begin, end] with begin <=
	// end <= the length of the byte buffer.
	ErrOffsets = errors.New("safetensors: data offsets out of bounds")
	// ErrOverlap: two tensors' data share bytes.
	ErrOverlap = errors.New("safetensors: tensor data overlap")
	// ErrHole: bytes of the byte buffer belong to no tensor: a gap before,
	// between or after the tensors' data (the reference reader requires the
	// tensors to cover the buffer exactly, in some order).
	ErrHole = errors.New("safetensors: byte buffer has bytes no tensor covers")
	// ErrNotFound: the file has no tensor of that name.
	ErrNotFound = errors.New("safetensors: no such tensor")
	// ErrClosed: the File has been closed.
	ErrClosed = errors.New("safetensors: file already closed")
)
