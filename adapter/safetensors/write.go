package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// chunk is the size of the buffer Write encodes elements into before each
// call to the writer.
const chunk = 64 << 10

// Tensor is one named array for Write.
type Tensor struct {
	Name string
	// Array is an adapter.Array[float64], written as F64, or an
	// adapter.Array[float32], written as F32, with any strides: reversed,
	// stepped, permuted and broadcast arrays are written compactly in C
	// order, as NumPy's ascontiguousarray would lay them out.
	Array any
}

// Write writes tensors and metadata to w as a safetensors file the way the
// reference writer lays one out:
//
//	[N: u64 little-endian | header: N bytes of JSON, space-padded to N % 8 == 0 | byte buffer]
//	header: {"__metadata__":{…},"name":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]},…}
//
// The tensors' data follows each other without gaps, F64 tensors first and
// then F32, each group sorted by name, and the header lists them in that
// order, so every tensor is aligned for its type in a mapping of the file.
// Elements are little-endian whatever the host. The "__metadata__" entry is
// omitted when metadata is empty.
//
// Write returns an error, having written nothing, wrapping ErrHeader for a
// repeated name, the reserved name "__metadata__", or a name or metadata
// string that is not valid UTF-8, ErrDtype for an Array of another type, an adapter layout
// error for an Array that fails Check, and adapter.ErrOverflow for one whose
// byte size overflows int; then w's errors. It allocates the header and a
// 64 KiB buffer.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	type entry struct {
		name  string
		dtype string
		shape []int
		bytes int
		write func(*encoder) error
	}
	es := make([]entry, 0, len(tensors))
	seen := map[string]bool{}
	for _, t := range tensors {
		if t.Name == metadataKey || seen[t.Name] || !utf8.ValidString(t.Name) {
			return fmt.Errorf("%w: tensor name %q reserved, repeated or not UTF-8", ErrHeader, t.Name)
		}
		seen[t.Name] = true
		e := entry{name: t.Name}
		var err error
		switch a := t.Array.(type) {
		case adapter.Array[float64]:
			e.dtype, e.shape, e.bytes, err = describe(a, 8)
			e.write = func(enc *encoder) error { return writeArray(enc, a, 8) }
		case adapter.Array[float32]:
			e.dtype, e.shape, e.bytes, err = describe(a, 4)
			e.write = func(enc *encoder) error { return writeArray(enc, a, 4) }
		default:
			err = fmt.Errorf("%w: Array is %T, not adapter.Array[float64] or adapter.Array[float32]", ErrDtype, t.Array)
		}
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		es = append(es, e)
	}
	// Larger items first keeps every tensor aligned, as the reference
	// writer's sort by dtype does.
	slices.SortFunc(es, func(x, y entry) int {
		if c := cmp.Compare(y.dtype, x.dtype); c != 0 { // "F64" before "F32"
			return c
		}
		return cmp.Compare(x.name, y.name)
	})

	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("%w: metadata %q: %q is not UTF-8", ErrHeader, k, v)
		}
	}
	hdr := []byte{'{'}
	if len(metadata) > 0 {
		hdr = appendString(hdr, metadataKey)
		hdr = append(hdr, ":{"...)
		for k, key := range slices.Sorted(maps.Keys(metadata)) {
			if k > 0 {
				hdr = append(hdr, ',')
			}
			hdr = appendString(hdr, key)
			hdr = append(hdr, ':')
			hdr = appendString(hdr, metadata[key])
		}
		hdr = append(hdr, '}')
	}
	off := 0
	for k, e := range es {
		if k > 0 || len(metadata) > 0 {
			hdr = append(hdr, ',')
		}
		end, ok := bounds.Add(off, e.bytes)
		if !ok {
			return fmt.Errorf("%w: the tensors' data exceeds int", adapter.ErrOverflow)
		}
		hdr = appendString(hdr, e.name)
		hdr = append(hdr, `:{"dtype":"`...)
		hdr = append(hdr, e.dtype...)
		hdr = append(hdr, `","shape":[`...)
		for k, d := range e.shape {
			if k > 0 {
				hdr = append(hdr, ',')
			}
			hdr = strconv.AppendInt(hdr, int64(d), 10)
		}
		hdr = append(hdr, `],"data_offsets":[`...)
		hdr = strconv.AppendInt(hdr, int64(off), 10)
		hdr = append(hdr, ',')
		hdr = strconv.AppendInt(hdr, int64(end), 10)
		hdr = append(hdr, "]}"...)
		off = end
	}
	hdr = append(hdr, '}')
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if err := writeAll(w, n[:]); err != nil {
		return err
	}
	if err := writeAll(w, hdr); err != nil {
		return err
	}
	enc := &encoder{w: w, buf: make([]byte, 0, chunk)}
	for _, e := range es {
		if err := e.write(enc); err != nil {
			return err
		}
	}
	return enc.flush()
}

// appendString appends s as a JSON string, leaving <, > and & as they are.
func appendString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a valid UTF-8 string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
}

// describe returns the dtype, a copy of the shape and the byte size of a,
// after checking it.
func describe[T float32 | float64](a adapter.Array[T], size int) (dtype string, shape []int, n int, err error) {
	if err := a.Check(); err != nil {
		return "", nil, 0, err
	}
	n = size
	for _, d := range a.Shape {
		var ok bool
		if n, ok = bounds.Mul(n, d); !ok {
			return "", nil, 0, fmt.Errorf("%w: shape %v of %d-byte items", adapter.ErrOverflow, a.Shape, size)
		}
	}
	dtype = "F64"
	if size == 4 {
		dtype = "F32"
	}
	return dtype, append([]int{}, a.Shape...), n, nil
}

// encoder gathers little-endian elements into buf and writes it when full.
type encoder struct {
	w   io.Writer
	buf []byte
}

func (e *encoder) flush() error {
	if len(e.buf) == 0 {
		return nil
	}
	err := writeAll(e.w, e.buf)
	e.buf = e.buf[:0]
	return err
}

// writeArray encodes a's elements in C order (last index fastest): runs
// along the last axis, the outer indices counted like an odometer.
func writeArray[T float32 | float64](e *encoder, a adapter.Array[T], size int) error {
	r := len(a.Shape)
	if slices.Contains(a.Shape, 0) {
		return nil
	}
	n, s := 1, 0
	if r > 0 {
		n, s = a.Shape[r-1], a.Strides[r-1]
	}
	var idx []int
	if r > 1 {
		idx = make([]int, r-1)
	}
	base := a.Offset
	for {
		i := base
		for range n {
			if len(e.buf)+size > cap(e.buf) {
				if err := e.flush(); err != nil {
					return err
				}
			}
			if size == 8 {
				e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(float64(a.Data[i])))
			} else {
				e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(float32(a.Data[i])))
			}
			i += s
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			base += a.Strides[k]
			if idx[k] < a.Shape[k] {
				break
			}
			base -= a.Shape[k] * a.Strides[k]
			idx[k] = 0
		}
		if k < 0 {
			return nil
		}
	}
}

func writeAll(w io.Writer, p []byte) error {
	n, err := w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return err
}
