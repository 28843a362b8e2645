package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/strider-go/strider/internal/bounds"
)

// MaxHeaderSize is the largest header Open accepts, in bytes: the limit of
// the reference implementation (100 MB). Real headers are kilobytes to a
// few megabytes.
const MaxHeaderSize = 100_000_000

// metadataKey is the header key of the free-form string map; it cannot
// name a tensor.
const metadataKey = "__metadata__"

// dtypes maps each dtype the format defines to its item size in bytes.
var dtypes = map[string]int{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2,
	"I64": 8, "I32": 4, "I16": 2, "I8": 1,
	"U64": 8, "U32": 4, "U16": 2, "U8": 1,
	"BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
}

// TensorInfo describes one tensor as the header does.
type TensorInfo struct {
	// Dtype is the format's name of the element type: "F64", "F32", "F16",
	// "BF16", "I64" … "U8", "BOOL", "F8_E4M3" or "F8_E5M2".
	Dtype string
	// Shape is the tensor's dimensions, in C order; empty for a 0-d tensor,
	// which holds one element.
	Shape []int
	// DataOffsets is [begin, end) of the tensor's bytes, relative to the
	// start of the byte buffer that follows the header.
	DataOffsets [2]int
	// ItemSize is the size of one element in bytes.
	ItemSize int
}

// Len returns the number of elements: the product of Shape (1 for a 0-d
// tensor). Open checked that it does not overflow.
func (t TensorInfo) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// header is a parsed and validated header.
type header struct {
	size    int // N: the header's length, without the 8-byte prefix
	names   []string
	tensors map[string]TensorInfo
	meta    map[string]string
}

// start returns the file offset of the byte buffer.
func (h *header) start() int { return 8 + h.size }

// parse reads and validates the header of the safetensors file b (the whole
// file): the size prefix, the JSON, every tensor's dtype, shape and
// offsets, and that the tensors cover the byte buffer exactly. Nothing it
// allocates depends on a size the file claims: the header is parsed where
// it lies in b, and no tensor data is touched.
func parse(b []byte) (*header, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, no room for the 8-byte header size", ErrTruncated, len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	switch {
	case n < 2:
		return nil, fmt.Errorf("%w: header size %d cannot hold a JSON object", ErrHeader, n)
	case n > MaxHeaderSize:
		return nil, fmt.Errorf("%w: header size %d exceeds %d", ErrHeader, n, MaxHeaderSize)
	case n > uint64(len(b)-8):
		return nil, fmt.Errorf("%w: header size %d, but the file has %d bytes after the size", ErrTruncated, n, len(b)-8)
	}
	h := &header{size: int(n), tensors: map[string]TensorInfo{}}
	if err := h.decode(b[8 : 8+n]); err != nil {
		return nil, err
	}
	if err := h.validate(len(b) - h.start()); err != nil {
		return nil, err
	}
	return h, nil
}

// decode parses the JSON of the header into h.
func (h *header) decode(js []byte) error {
	if js[0] != '{' {
		return fmt.Errorf("%w: header starts with %q, not '{'", ErrHeader, js[0])
	}
	if !utf8.Valid(js) {
		return fmt.Errorf("%w: header is not valid UTF-8", ErrHeader)
	}
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	if err := delim(d, '{'); err != nil {
		return err
	}
	for d.More() {
		name, err := str(d, "tensor name")
		if err != nil {
			return err
		}
		if _, dup := h.tensors[name]; dup || (name == metadataKey && h.meta != nil) {
			return fmt.Errorf("%w: key %q repeated", ErrHeader, name)
		}
		if name == metadataKey {
			if h.meta, err = decodeMetadata(d); err != nil {
				return err
			}
			continue
		}
		t, err := decodeTensor(d)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		h.tensors[name] = t
		h.names = append(h.names, name)
	}
	if err := delim(d, '}'); err != nil {
		return err
	}
	// The reference writer pads with spaces; its reader, a JSON parser,
	// accepts any JSON whitespace after the object, and so does this one.
	rest := js[d.InputOffset():]
	if k := slices.IndexFunc(rest, func(c byte) bool { return c != ' ' && c != '\t' && c != '\n' && c != '\r' }); k >= 0 {
		return fmt.Errorf("%w: %q after the header object", ErrHeader, rest[k])
	}
	slices.Sort(h.names)
	return nil
}

// decodeMetadata parses the "__metadata__" object of strings. null, which
// the reference reader takes for no metadata, gives an empty map.
func decodeMetadata(d *json.Decoder) (map[string]string, error) {
	m := map[string]string{}
	tok, err := token(d)
	if err != nil || tok == nil {
		return m, err
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: %s is %v, not an object", ErrHeader, metadataKey, tok)
	}
	for d.More() {
		k, err := str(d, metadataKey+" key")
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%w: %s key %q repeated", ErrHeader, metadataKey, k)
		}
		if m[k], err = str(d, metadataKey+" value"); err != nil {
			return nil, err
		}
	}
	if err := delim(d, '}'); err != nil {
		return nil, fmt.Errorf("%s: %w", metadataKey, err)
	}
	return m, nil
}

// decodeTensor parses {"dtype": …, "shape": […], "data_offsets": [b, e]}, in
// any order, every key exactly once.
func decodeTensor(d *json.Decoder) (TensorInfo, error) {
	var t TensorInfo
	if err := delim(d, '{'); err != nil {
		return t, err
	}
	var seen [3]bool
	for d.More() {
		key, err := str(d, "key")
		if err != nil {
			return t, err
		}
		k := slices.Index([]string{"dtype", "shape", "data_offsets"}, key)
		if k < 0 {
			return t, fmt.Errorf("%w: unknown key %q", ErrHeader, key)
		}
		if seen[k] {
			return t, fmt.Errorf("%w: key %q repeated", ErrHeader, key)
		}
		seen[k] = true
		switch k {
		case 0:
			if t.Dtype, err = str(d, "dtype"); err != nil {
				return t, err
			}
		case 1:
			t.Shape = []int{} // a 0-d tensor's shape is empty, not absent
			err = ints(d, "shape", ErrSize, func(v int) { t.Shape = append(t.Shape, v) })
		case 2:
			var off []int
			err = ints(d, "data_offsets", ErrOffsets, func(v int) { off = append(off, v) })
			if err == nil && len(off) != 2 {
				err = fmt.Errorf("%w: data_offsets has %d numbers, not 2", ErrHeader, len(off))
			}
			if err == nil {
				t.DataOffsets = [2]int(off)
			}
		}
		if err != nil {
			return t, err
		}
	}
	if err := delim(d, '}'); err != nil {
		return t, err
	}
	for k, key := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[k] {
			return t, fmt.Errorf("%w: key %q missing", ErrHeader, key)
		}
	}
	return t, nil
}

// token returns the next JSON token, with syntax errors (and a header that
// ends early) reported as ErrHeader.
func token(d *json.Decoder) (json.Token, error) {
	tok, err := d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: %v", ErrHeader, err)
	}
	return tok, nil
}

func delim(d *json.Decoder, want json.Delim) error {
	tok, err := token(d)
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("%w: got %v, want %v", ErrHeader, tok, want)
	}
	return nil
}

func str(d *json.Decoder, what string) (string, error) {
	tok, err := token(d)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s is %v, not a string", ErrHeader, what, tok)
	}
	return s, nil
}

// ints parses an array of non-negative integers, calling add for each. An
// integer too large for int is reported as tooBig.
func ints(d *json.Decoder, what string, tooBig error, add func(int)) error {
	if err := delim(d, '['); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for d.More() {
		tok, err := token(d)
		if err != nil {
			return err
		}
		num, ok := tok.(json.Number)
		if !ok {
			return fmt.Errorf("%w: %s holds %v, not a number", ErrHeader, what, tok)
		}
		s := string(num)
		if strings.ContainsAny(s, "-.eE") {
			return fmt.Errorf("%w: %s holds %s, not a non-negative integer", ErrHeader, what, s)
		}
		v, err := strconv.ParseInt(s, 10, 0)
		if err != nil {
			return fmt.Errorf("%w: %s holds %s, too large", tooBig, what, s)
		}
		add(int(v))
	}
	if err := delim(d, ']'); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// validate checks every tensor against the byte buffer of n bytes: a known
// dtype, a shape whose byte size fits int and equals end - begin, offsets
// inside the buffer, and, all together, a cover of the buffer without
// overlap or gap.
func (h *header) validate(n int) error {
	type span struct{ begin, end int }
	spans := make([]span, 0, len(h.names))
	for _, name := range h.names {
		t := h.tensors[name]
		size, ok := dtypes[t.Dtype]
		if !ok {
			return fmt.Errorf("tensor %q: %w: %q", name, ErrDtype, t.Dtype)
		}
		t.ItemSize = size
		h.tensors[name] = t
		// The product of the nonzero dimensions bounds the C-order strides
		// Get computes, so it must fit too, even for an empty tensor.
		elems, span1 := 1, 1
		for _, dim := range t.Shape {
			var ok1, ok2 bool
			elems, ok1 = bounds.Mul(elems, dim)
			span1, ok2 = bounds.Mul(span1, max(dim, 1))
			if !ok1 || !ok2 {
				return fmt.Errorf("tensor %q: %w: shape %v overflows", name, ErrSize, t.Shape)
			}
		}
		nbytes, ok := bounds.Mul(elems, size)
		if _, ok2 := bounds.Mul(span1, size); !ok || !ok2 {
			return fmt.Errorf("tensor %q: %w: shape %v of %s overflows", name, ErrSize, t.Shape, t.Dtype)
		}
		b, e := t.DataOffsets[0], t.DataOffsets[1]
		if b > e || e > n {
			return fmt.Errorf("tensor %q: %w: data_offsets [%d, %d] in a byte buffer of %d bytes", name, ErrOffsets, b, e, n)
		}
		if e-b != nbytes {
			return fmt.Errorf("tensor %q: %w: shape %v of %s is %d bytes, data_offsets [%d, %d] span %d",
				name, ErrSize, t.Shape, t.Dtype, nbytes, b, e, e-b)
		}
		spans = append(spans, span{b, e})
	}
	slices.SortFunc(spans, func(x, y span) int {
		if x.begin != y.begin {
			return x.begin - y.begin
		}
		return x.end - y.end
	})
	at := 0
	for _, s := range spans {
		switch {
		case s.begin > at:
			return fmt.Errorf("%w: bytes [%d, %d)", ErrHole, at, s.begin)
		case s.begin < at:
			return fmt.Errorf("%w: a tensor at [%d, %d) starts before byte %d, where the previous one ends", ErrOverlap, s.begin, s.end, at)
		}
		at = s.end
	}
	if at != n {
		return fmt.Errorf("%w: bytes [%d, %d) at the end of the file", ErrHole, at, n)
	}
	return nil
}
