package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/half"
)

// sentinels are the errors a rejected file must wrap.
var sentinels = []error{ErrMagic, ErrVersion, ErrHeader, ErrDtype, ErrTruncated, ErrSize}

// file returns a version 1.0 .npy file with header dictionary d, padded as
// NumPy pads it, followed by data.
func file(d string, data []byte) []byte {
	hlen := len(d) + 1
	pad := 64 - (10+hlen)%64
	b := []byte(magic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(hlen+pad))
	b = append(b, d...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	b = append(b, '\n')
	return append(b, data...)
}

func TestParseDict(t *testing.T) {
	const c34 = "'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)"
	for i, test := range []struct {
		d       string
		data    int // data bytes after the header
		want    Header
		wantErr error
	}{
		{d: "{" + c34 + ", }", data: 96, want: Header{Dtype: "<f8", Shape: []int{3, 4}}},
		{d: "{" + c34 + "}", data: 96, want: Header{Dtype: "<f8", Shape: []int{3, 4}}},
		{d: `{"shape": (3, 4), "fortran_order": True, "descr": ">f4"}`, data: 48, want: Header{Dtype: ">f4", FortranOrder: true, Shape: []int{3, 4}}},
		{d: "{'descr':'<f4','fortran_order':False,'shape':(5,)}", data: 20, want: Header{Dtype: "<f4", Shape: []int{5}}},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': ()}", data: 8, want: Header{Dtype: "<f8", Shape: []int{}}},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L)}", data: 96, want: Header{Dtype: "<f8", Shape: []int{3, 4}}},
		{d: "{'descr': '|f8', 'fortran_order': False, 'shape': (0, 4)}", data: 0, want: Header{Dtype: "<f8", Shape: []int{0, 4}}},
		{d: "{'descr': 'd', 'fortran_order': False, 'shape': (2,)}", data: 16, want: Header{Dtype: "<f8", Shape: []int{2}}},
		{d: "{'descr': 'float32', 'fortran_order': False, 'shape': (2,)}", data: 8, want: Header{Dtype: "<f4", Shape: []int{2}}},
		{d: "\t{ 'descr' : '<f8' ,\n'fortran_order' : False , 'shape' : ( 3 , 4 , ) , }  ", data: 96, want: Header{Dtype: "<f8", Shape: []int{3, 4}}},
		{d: `{'descr': '<\f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{"descr": "<\f8", 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{'de\'scr': '<f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{'des\cr': '<f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{'\descr': '<f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{"\"descr": '<f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{'d\\escr': '<f8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrHeader},
		{d: `{'descr': '<f\'8', 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrDtype},
		{d: `{"descr": "<f8\"", 'fortran_order': False, 'shape': (3, 4)}`, data: 96, wantErr: ErrDtype},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'shape': (3, 4)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (03, 4)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)} x", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3 4)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, -4)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4.0)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': 12}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': None, 'shape': (12,)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<f8, 'fortran_order': False, 'shape': (3, 4)}", data: 96, wantErr: ErrHeader},
		{d: "{3: '<f8', 'fortran_order': False, 'shape': (3, 4)}", data: 96, wantErr: ErrHeader},
		{d: "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 4)}", data: 96, want: Header{Dtype: "<i8", Shape: []int{3, 4}}},
		{d: "{'descr': '>u2', 'fortran_order': True, 'shape': (3,)}", data: 6, want: Header{Dtype: ">u2", FortranOrder: true, Shape: []int{3}}},
		{d: "{'descr': '<u1', 'fortran_order': False, 'shape': (3,)}", data: 3, want: Header{Dtype: "|u1", Shape: []int{3}}},
		{d: "{'descr': '?', 'fortran_order': False, 'shape': (3,)}", data: 3, want: Header{Dtype: "|b1", Shape: []int{3}}},
		{d: "{'descr': 'complex64', 'fortran_order': False, 'shape': (3,)}", data: 24, want: Header{Dtype: "<c8", Shape: []int{3}}},
		{d: "{'descr': '>c16', 'fortran_order': False, 'shape': (2, 2)}", data: 64, want: Header{Dtype: ">c16", Shape: []int{2, 2}}},
		{d: "{'descr': '=e', 'fortran_order': False, 'shape': (2,)}", data: 4, want: Header{Dtype: "<f2", Shape: []int{2}}},
		{d: "{'descr': '<U5', 'fortran_order': False, 'shape': (3,)}", data: 60, wantErr: ErrDtype},
		{d: "{'descr': '|S5', 'fortran_order': False, 'shape': (3,)}", data: 15, wantErr: ErrDtype},
		{d: "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '<m8[s]', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '|V8', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '<f16', 'fortran_order': False, 'shape': (3,)}", data: 48, wantErr: ErrDtype},
		{d: "{'descr': '<c32', 'fortran_order': False, 'shape': (3,)}", data: 96, wantErr: ErrDtype},
		{d: "{'descr': '<i3', 'fortran_order': False, 'shape': (3,)}", data: 9, wantErr: ErrDtype},
		{d: "{'descr': '<b2', 'fortran_order': False, 'shape': (3,)}", data: 6, wantErr: ErrDtype},
		{d: "{'descr': '<i08', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '<int32', 'fortran_order': False, 'shape': (3,)}", data: 12, wantErr: ErrDtype},
		{d: "{'descr': 'l', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (3,)}", data: 36, wantErr: ErrDtype},
		{d: "{'descr': '|O', 'fortran_order': False, 'shape': (3, 4)}", data: 96, wantErr: ErrDtype},
		{d: "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '<float64', 'fortran_order': False, 'shape': (3,)}", data: 24, wantErr: ErrDtype},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1)}", data: 8, wantErr: ErrSize},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3037000500, 3037000500)}", data: 8, wantErr: ErrSize},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4)}", data: 0, wantErr: ErrSize},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)}", data: 88, wantErr: ErrTruncated},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)}", data: 104, wantErr: ErrSize},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': (" + strings.Repeat("1, ", MaxDims+1) + ")}", data: 8, wantErr: ErrHeader},
		{d: "{'descr': '<f8', 'fortran_order': False, 'shape': " + strings.Repeat("(", maxDepth+2) + "1" + strings.Repeat(")", maxDepth+2) + "}", data: 8, wantErr: ErrHeader},
	} {
		b := file(test.d, make([]byte, test.data))
		h, err := decodeHeader(bytes.NewReader(b), int64(len(b)))
		if test.wantErr != nil {
			if !errors.Is(err, test.wantErr) {
				t.Errorf("test %d: %s: got error %v, want %v", i, test.d, err, test.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d: %s: unexpected error %v", i, test.d, err)
			continue
		}
		test.want.Major, test.want.DataOffset = 1, int64(len(b)-test.data)
		if !littleEndian {
			test.want.Dtype = strings.Replace(test.want.Dtype, "<", ">", 1)
		}
		if h.Dtype != test.want.Dtype || h.FortranOrder != test.want.FortranOrder || !slices.Equal(h.Shape, test.want.Shape) ||
			h.Major != 1 || h.Minor != 0 || h.DataOffset != test.want.DataOffset || h.DataOffset%64 != 0 {
			t.Errorf("test %d: %s: got %+v, want %+v", i, test.d, h, test.want)
		}
	}
}

// TestAppendHeader checks the header Write emits against the bytes NumPy
// 1.24's np.save writes, copied from its output, and that it parses back.
func TestAppendHeader(t *testing.T) {
	for i, test := range []struct {
		dtype   string
		fortran bool
		shape   []int
		want    string
	}{
		{"<f8", false, []int{2, 3}, "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + strings.Repeat(" ", 58) + "\n"},
		{"<f4", false, []int{5}, "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + strings.Repeat(" ", 60) + "\n"},
		{"<f8", false, nil, "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + strings.Repeat(" ", 62) + "\n"},
	} {
		got := appendHeader(nil, test.dtype, test.fortran, test.shape)
		if string(got) != test.want {
			t.Errorf("test %d: got\n%q, want\n%q", i, got, test.want)
		}
		if len(got)%64 != 0 {
			t.Errorf("test %d: header of %d bytes, not a multiple of 64", i, len(got))
		}
	}
	// The longest header Write can produce (2-D, 19-digit dimensions) is
	// format 1.0 and parses back.
	shape := []int{math.MaxInt, math.MaxInt}
	got := appendHeader(nil, "<f8", true, shape)
	var h Header
	h.Major = int(got[6])
	if err := h.parseDict(got[10:]); err != nil || h.Major != 1 || !slices.Equal(h.Shape, shape) || !h.FortranOrder {
		t.Errorf("long header: version %d, %+v, %v", got[6], h, err)
	}
}

func TestDecodeHeaderShort(t *testing.T) {
	full := file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2)}", make([]byte, 32))
	for n := range len(full) {
		_, err := decodeHeader(bytes.NewReader(full[:n]), int64(n))
		if !errors.Is(err, ErrTruncated) {
			t.Errorf("prefix of %d bytes: got %v, want %v", n, err, ErrTruncated)
		}
	}
}

// decodeElem decodes the element at the start of p, of type dt in byte
// order bo, with encoding/binary and math: independently of newFile's
// byte swapping and unsafe views. Real types return im 0; a bool is 0 or 1
// (NumPy reads any nonzero byte as True).
func decodeElem(p []byte, dt dtype, bo binary.ByteOrder) (re, im float64) {
	switch dt {
	case dtype{'b', 1}:
		if p[0] != 0 {
			return 1, 0
		}
		return 0, 0
	case dtype{'i', 1}:
		return float64(int8(p[0])), 0
	case dtype{'u', 1}:
		return float64(p[0]), 0
	case dtype{'i', 2}:
		return float64(int16(bo.Uint16(p))), 0
	case dtype{'u', 2}:
		return float64(bo.Uint16(p)), 0
	case dtype{'i', 4}:
		return float64(int32(bo.Uint32(p))), 0
	case dtype{'u', 4}:
		return float64(bo.Uint32(p)), 0
	case dtype{'i', 8}:
		return float64(int64(bo.Uint64(p))), 0
	case dtype{'u', 8}:
		return float64(bo.Uint64(p)), 0
	case dtype{'f', 2}:
		return float64(half.Float16ToFloat32(bo.Uint16(p))), 0
	case dtype{'f', 4}:
		return float64(math.Float32frombits(bo.Uint32(p))), 0
	case dtype{'f', 8}:
		return math.Float64frombits(bo.Uint64(p)), 0
	case dtype{'c', 8}:
		return float64(math.Float32frombits(bo.Uint32(p))), float64(math.Float32frombits(bo.Uint32(p[4:])))
	case dtype{'c', 16}:
		return math.Float64frombits(bo.Uint64(p)), math.Float64frombits(bo.Uint64(p[8:]))
	}
	panic("decodeElem: " + dt.goName())
}

// FuzzHeader feeds arbitrary bytes through the header parser and the read
// path of Open. Nothing may panic; a rejected file wraps one of the
// sentinels; an accepted one has a shape accounting for exactly its data
// bytes, views that read only those bytes, and survives a Write round trip.
func FuzzHeader(f *testing.F) {
	f.Add(file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", make([]byte, 48)))
	f.Add(file("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 1, 2), }", make([]byte, 16)))
	f.Add(file("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", make([]byte, 8)))
	f.Add(file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", nil))
	f.Add([]byte(magic + "\x02\x00\xff\xff\xff\xff{"))
	f.Add(file("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", []byte{0, 1, 2, 255}))
	f.Add(file("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", []byte{0, 1, 2, 127, 128, 255}))
	f.Add(file("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", []byte{0, 1, 255}))
	f.Add(file("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", []byte{0x80, 0, 0, 1}))
	f.Add(file("{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", []byte{1, 2, 3, 4}))
	f.Add(file("{'descr': '>i8', 'fortran_order': False, 'shape': (1, 1), }", []byte{0xff, 0, 0, 0, 0, 0, 0, 1}))
	f.Add(file("{'descr': '<u8', 'fortran_order': False, 'shape': (), }", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
	f.Add(file("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", []byte{0, 0x3c, 0x01, 0x00, 0x00, 0x7e}))
	f.Add(file("{'descr': '>f2', 'fortran_order': False, 'shape': (1,), }", []byte{0xfc, 0}))
	f.Add(file("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", make([]byte, 16)))
	f.Add(file("{'descr': '>c16', 'fortran_order': True, 'shape': (1, 2), }", bytes.Repeat([]byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 1}, 4)))
	f.Add(file("{'descr': '<U2', 'fortran_order': False, 'shape': (1,), }", make([]byte, 8)))
	f.Add(file("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }", make([]byte, 8)))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps no sentinel", err)
		}
		isize := h.ItemSize()
		if len(h.Shape) > MaxDims || slices.ContainsFunc(h.Shape, func(d int) bool { return d < 0 }) {
			t.Fatalf("accepted shape %v", h.Shape)
		}
		if int64(h.count())*int64(isize) != int64(len(b))-h.DataOffset {
			t.Fatalf("shape %v of %s over %d data bytes", h.Shape, h.Dtype, int64(len(b))-h.DataOffset)
		}
		fl, err := newFile(bytes.NewReader(b), int64(len(b)), nil)
		if err != nil {
			t.Fatalf("header accepted, file not: %v", err)
		}
		defer fl.Close()
		dt := fl.dt
		if len(fl.data) != h.count()*isize {
			t.Fatalf("%d data bytes for shape %v of %s", len(fl.data), h.Shape, h.Dtype)
		}
		// Element k in file order, decoded independently of newFile.
		var bo binary.ByteOrder = binary.LittleEndian
		if h.bigEndian() {
			bo = binary.BigEndian
		}
		elem := func(k int) (re, im float64) {
			p := b[h.DataOffset+int64(k*isize):]
			return decodeElem(p, dt, bo)
		}
		same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
		// Every element's value, through Convert for the real types and
		// Data for complex ones.
		switch dt.kind {
		case 'c':
			var got []complex128
			if dt.size == 16 {
				if got, err = Data[complex128](fl); err != nil {
					t.Fatal(err)
				}
			} else {
				c8, err := Data[complex64](fl)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range c8 {
					got = append(got, complex128(v))
				}
			}
			for k := range min(len(got), 64) {
				re, im := elem(k)
				if !same(real(got[k]), re) || !same(imag(got[k]), im) {
					t.Fatalf("element %d: got %v, want (%v%+vi)", k, got[k], re, im)
				}
			}
			if _, err := Convert[float64](fl); !errors.Is(err, ErrDtype) {
				t.Fatalf("Convert of %s: %v", h.Dtype, err)
			}
		default:
			a, err := Convert[float64](fl)
			if err != nil || len(a.Data) != h.count() {
				t.Fatalf("Convert: %d elements, %v", len(a.Data), err)
			}
			if err := a.Check(); err != nil {
				t.Fatalf("Convert of shape %v: Check: %v", h.Shape, err)
			}
			for k := range min(len(a.Data), 64) {
				if re, _ := elem(k); !same(a.Data[k], re) {
					t.Fatalf("element %d: got %v, want %v", k, a.Data[k], re)
				}
			}
		}
		if dt != (dtype{'f', 8}) && dt != (dtype{'f', 4}) {
			if _, err := fl.Strided(); !errors.Is(err, ErrDtype) {
				t.Fatalf("Strided of %s: %v", h.Dtype, err)
			}
			return
		}
		if isize == 8 {
			a, err := fl.Array()
			if err != nil || len(a.Data) != h.count() {
				t.Fatalf("Array: %d elements, %v", len(a.Data), err)
			}
			if err := a.Check(); err != nil {
				t.Fatalf("Array of shape %v: Check: %v", h.Shape, err)
			}
			for k := range min(len(a.Data), 64) {
				if re, _ := elem(k); !same(a.Data[k], re) {
					t.Fatalf("element %d: got %v, want %v", k, a.Data[k], re)
				}
			}
			s, err := fl.Strided()
			if err != nil {
				if len(h.Shape) <= 2 && h.count() > 0 || !errors.Is(err, adapter.ErrRank) && !errors.Is(err, adapter.ErrDims) {
					t.Fatalf("Strided of shape %v: %v", h.Shape, err)
				}
				return
			}
			if err := s.Layout.Check(len(s.Data)); err != nil {
				t.Fatalf("Strided of shape %v: %v", h.Shape, err)
			}
			var w bytes.Buffer
			if err := Write(&w, s); err != nil {
				t.Fatal(err)
			}
			back, err := newFile(bytes.NewReader(w.Bytes()), int64(w.Len()), nil)
			if err != nil {
				t.Fatalf("reading what Write wrote: %v", err)
			}
			bs, err := back.Strided()
			if err != nil {
				t.Fatal(err)
			}
			r, c := s.Dims()
			for i := range min(r, 8) {
				for j := range min(c, 8) {
					if !same(bs.At(i, j), s.At(i, j)) {
						t.Fatalf("round trip (%d, %d): got %v, want %v", i, j, bs.At(i, j), s.At(i, j))
					}
				}
			}
			return
		}
		a, err := fl.Array32()
		if err != nil || len(a.Data) != h.count() {
			t.Fatalf("Array32: %d elements, %v", len(a.Data), err)
		}
		if err := a.Check(); err != nil {
			t.Fatalf("Array32 of shape %v: Check: %v", h.Shape, err)
		}
		for k := range min(len(a.Data), 64) {
			if re, _ := elem(k); !same(float64(a.Data[k]), re) {
				t.Fatalf("element %d: got %v, want %v", k, a.Data[k], re)
			}
		}
		if _, err := fl.Strided(); !errors.Is(err, ErrDtype) {
			t.Fatalf("Strided of float32: %v", err)
		}
	})
}
