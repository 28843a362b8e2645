package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"sync"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/mapfile"
)

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// File is an open safetensors file. Its bytes are either the file itself,
// memory-mapped copy-on-write (the zero-copy case), or, where mapping is not
// available, a Go copy read once by Open. Tensors are handed out as views
// of those bytes, except tensors whose data is not aligned for their type,
// which Get copies once and then shares (Copied reports them). A File's
// methods may be called concurrently, except Close.
type File struct {
	h      *header
	data   []byte // the whole file
	mapped bool   // data is a mapping, to unmap at Close

	mu     sync.Mutex
	copies map[string]unsafe.Pointer // Go copies of tensors Get could not view in place
	closed bool
}

// Open opens the safetensors file at path and maps it into memory. The
// header is parsed and every tensor's dtype, shape and data_offsets are
// checked before Open returns, so Get and Convert fail only for the reasons
// they state. Open returns an error naming the problem, never a panic, for
// a file it cannot read, wrapping ErrTruncated, ErrHeader, ErrDtype
// (an unknown dtype), ErrSize, ErrOffsets, ErrOverlap or ErrHole.
//
// Call Close when done; it unmaps the file, after which no view of it may
// be used.
func Open(path string) (*File, error) {
	// The file is mapped, or read at its real size where it cannot be
	// mapped: never allocated by a size it claims.
	data, mapped, release, err := mapfile.Open(path)
	if errors.Is(err, mapfile.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrSize, err)
	}
	if err != nil {
		return nil, err
	}
	if len(data) < 8 {
		release()
		return nil, fmt.Errorf("%s: %w: %d bytes, no room for the 8-byte header size", path, ErrTruncated, len(data))
	}
	f, err := newFile(data, mapped)
	if err != nil {
		release()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// newFile parses data, the whole file, and wraps it in a File.
func newFile(data []byte, mapped bool) (*File, error) {
	h, err := parse(data)
	if err != nil {
		return nil, err
	}
	return &File{h: h, data: data, mapped: mapped}, nil
}

// Names returns the names of the file's tensors, sorted; a fresh slice.
func (f *File) Names() []string { return append([]string(nil), f.h.names...) }

// Metadata returns a copy of the header's "__metadata__" map: nil when the
// header has none, empty when it is null or {}.
func (f *File) Metadata() map[string]string { return maps.Clone(f.h.meta) }

// Info returns what the header says about the named tensor; its Shape is a
// fresh slice. It returns an error wrapping ErrNotFound for a name the file
// does not hold. Info answers after Close.
func (f *File) Info(name string) (TensorInfo, error) {
	t, ok := f.h.tensors[name]
	if !ok {
		return TensorInfo{}, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	t.Shape = append([]int{}, t.Shape...)
	return t, nil
}

// BufferStart returns the file byte where the byte buffer starts, after
// the 8-byte header size and the header: a tensor's DataOffsets count from
// there.
func (f *File) BufferStart() int { return f.h.start() }

// Copied reports whether Get hands out the named tensor from a Go copy
// rather than from the file's mapping: when its data is not aligned for
// its type in the file (the reference writer pads the header so that it
// always is), when the host is big-endian, or where memory mapping is not
// available. The answer does not depend on whether Get was called yet, and
// is false for unknown names.
func (f *File) Copied(name string) bool {
	t, ok := f.h.tensors[name]
	return ok && !f.inPlace(t)
}

// inPlace reports whether Get can view t where it lies in f.data.
func (f *File) inPlace(t TensorInfo) bool {
	return f.mapped && littleEndian && (f.h.start()+t.DataOffsets[0])%t.ItemSize == 0
}

// bytes returns the named tensor's info and data bytes, checking that the
// File is open.
func (f *File) bytes(name string) (TensorInfo, []byte, error) {
	if f.closed {
		return TensorInfo{}, nil, ErrClosed
	}
	t, ok := f.h.tensors[name]
	if !ok {
		return TensorInfo{}, nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	s := f.h.start()
	return t, f.data[s+t.DataOffsets[0] : s+t.DataOffsets[1]], nil
}

// Get returns the named tensor as an adapter.Array in C order sharing the
// file's memory: no copy, Strides[k] the product of the dimensions after k,
// Offset 0. For a 2×3×4 F32 tensor:
//
//	file: [N | header … | … t000 t001 t002 t003 t010 … t123 …]
//	Array[float32]{Shape: [2 3 4], Strides: [12 4 1], Offset: 0}
//
// T must match the stored dtype: float64 (or a type defined on it) for F64
// and float32 for F32; anything else returns an error wrapping ErrDtype
// (Convert copies and converts). A 0-d tensor has an empty Shape and one
// element; an empty tensor has nil Data. Shape and Strides are fresh slices
// (one allocation); the result passes Check. A tensor whose data is not
// aligned for T in the file is copied by the first Get and shared by the
// next (see Copied). Get returns an error wrapping ErrNotFound for an
// unknown name and ErrClosed after Close.
func Get[T adapter.Float](f *File, name string) (adapter.Array[T], error) {
	t, b, err := f.bytes(name)
	if err != nil {
		return adapter.Array[T]{}, err
	}
	want := "F64"
	if unsafe.Sizeof(T(0)) == 4 {
		want = "F32"
	}
	if t.Dtype != want {
		return adapter.Array[T]{}, fmt.Errorf("%w: tensor %q is %s, not %s; Convert copies it", ErrDtype, name, t.Dtype, want)
	}
	a := adapter.Array[T]{}
	a.Shape, a.Strides = cStrides(t.Shape)
	n := len(b) / t.ItemSize
	switch {
	case n == 0:
	case f.inPlace(t):
		a.Data = unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
	default:
		f.mu.Lock()
		p, ok := f.copies[name]
		if !ok {
			c := make([]T, n)
			decode(c, b, t.Dtype)
			p = unsafe.Pointer(&c[0])
			if f.copies == nil {
				f.copies = map[string]unsafe.Pointer{}
			}
			f.copies[name] = p
		}
		f.mu.Unlock()
		a.Data = unsafe.Slice((*T)(p), n)
	}
	return a, nil
}

// Convert returns the named tensor converted to T, always in a fresh C-order
// copy that shares nothing with the File and outlives Close: F64, F32, F16
// and BF16 convert with Go's conversion (exact, except F64 to float32,
// which rounds to nearest), integers round to the nearest T when they have
// more bits than T's mantissa (above 2⁵³ for float64, 2²⁴ for float32), and
// BOOL gives 0 for a zero byte and 1 otherwise. It returns an error wrapping
// ErrDtype for F8_E4M3 and F8_E5M2, ErrNotFound for an unknown name and
// ErrClosed after Close.
func Convert[T adapter.Float](f *File, name string) (adapter.Array[T], error) {
	t, b, err := f.bytes(name)
	if err != nil {
		return adapter.Array[T]{}, err
	}
	if t.Dtype == "F8_E4M3" || t.Dtype == "F8_E5M2" {
		return adapter.Array[T]{}, fmt.Errorf("%w: tensor %q is %s; 8-bit floats are not converted", ErrDtype, name, t.Dtype)
	}
	a := adapter.Array[T]{}
	a.Shape, a.Strides = cStrides(t.Shape)
	if n := len(b) / t.ItemSize; n > 0 {
		a.Data = make([]T, n)
		decode(a.Data, b, t.Dtype)
	}
	return a, nil
}

// cStrides returns a copy of shape and its C-order element strides, in one
// allocation. They cannot overflow: parse checked the product of the
// nonzero dimensions.
func cStrides(shape []int) (sh, strides []int) {
	r := len(shape)
	buf := make([]int, 2*r)
	sh, strides = buf[:r:r], buf[r:]
	copy(sh, shape)
	s := 1
	for k := r - 1; k >= 0; k-- {
		strides[k] = s
		s *= max(shape[k], 1)
	}
	return sh, strides
}

// Close unmaps the file, or drops its copy, and drops the tensors Get
// copied. Every view Get handed out (and what was made from it) must not be
// used afterwards: its memory is gone, and reading it faults. Close is
// idempotent; Get and Convert return ErrClosed after it, while Names,
// Metadata, Info and Copied still answer.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.copies = nil
	d := f.data
	f.data = nil
	if f.mapped {
		return mapfile.Unmap(d)
	}
	return nil
}
