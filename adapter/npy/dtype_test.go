package npy_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/internal/fixture"
)

// typedCase is a file of any dtype NumPy wrote, with the values np.load
// reads, in C order: strings for integers and floats (exact for int64 and
// uint64 extremes; "inf", "nan", "-0.0" as Python spells them), [re, im]
// pairs for complex numbers, 0 or 1 for bools.
type typedCase struct {
	Name         string            `json:"name"`
	File         string            `json:"file"`
	Dtype        string            `json:"dtype"`
	FortranOrder bool              `json:"fortran_order"`
	Shape        []int             `json:"shape"`
	DataOffset   int64             `json:"data_offset"`
	Values       []json.RawMessage `json:"values"`
}

func loadTyped(t testing.TB) []typedCase {
	t.Helper()
	var fx struct {
		Typed []typedCase `json:"typed"`
	}
	b, err := os.ReadFile(fixture.Path("npy/npy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Typed) < 200 {
		t.Fatalf("testdata/npy/npy.json has %d typed cases", len(fx.Typed))
	}
	return fx.Typed
}

// want is one expected element: its real and imaginary parts, or an
// integer held exactly.
type want struct {
	re, im float64
	i      int64
	u      uint64
}

func parseWant(raw json.RawMessage, kind byte) (want, error) {
	var w want
	switch kind {
	case 'b':
		var b int
		err := json.Unmarshal(raw, &b)
		w.re, w.i, w.u = float64(b), int64(b), uint64(b)
		return w, err
	case 'c':
		var p [2]string
		if err := json.Unmarshal(raw, &p); err != nil {
			return w, err
		}
		var err1, err2 error
		w.re, err1 = strconv.ParseFloat(p[0], 64)
		w.im, err2 = strconv.ParseFloat(p[1], 64)
		return w, errors.Join(err1, err2)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return w, err
	}
	var err error
	switch kind {
	case 'i':
		w.i, err = strconv.ParseInt(s, 10, 64)
		w.re = float64(w.i)
	case 'u':
		w.u, err = strconv.ParseUint(s, 10, 64)
		w.re = float64(w.u)
	default:
		w.re, err = strconv.ParseFloat(s, 64)
	}
	return w, err
}

// sameFloat reports whether x and y are the same value: equal with the same
// sign (so -0 differs from 0), or both NaN.
func sameFloat(x, y float64) bool {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) && math.IsNaN(y)
	}
	return x == y && math.Signbit(x) == math.Signbit(y)
}

// elemsOf returns element k of the flat data of f (read with Data of the
// file's type) as a want, and the Go type's name.
func elemsOf(f *npy.File) (func(k int) want, int, error) {
	switch f.Dtype()[1:] {
	case "b1":
		d, err := npy.Data[bool](f)
		return func(k int) want {
			if d[k] {
				return want{re: 1, i: 1, u: 1}
			}
			return want{}
		}, len(d), err
	case "i1":
		return intElems[int8](f)
	case "i2":
		return intElems[int16](f)
	case "i4":
		return intElems[int32](f)
	case "i8":
		return intElems[int64](f)
	case "u1":
		return uintElems[uint8](f)
	case "u2":
		return uintElems[uint16](f)
	case "u4":
		return uintElems[uint32](f)
	case "u8":
		return uintElems[uint64](f)
	case "f2":
		d, err := npy.Data[npy.Float16](f)
		return func(k int) want { return want{re: float64(d[k].Float32())} }, len(d), err
	case "f4":
		d, err := npy.Data[float32](f)
		return func(k int) want { return want{re: float64(d[k])} }, len(d), err
	case "f8":
		d, err := npy.Data[float64](f)
		return func(k int) want { return want{re: d[k]} }, len(d), err
	case "c8":
		d, err := npy.Data[complex64](f)
		return func(k int) want { return want{re: float64(real(d[k])), im: float64(imag(d[k]))} }, len(d), err
	case "c16":
		d, err := npy.Data[complex128](f)
		return func(k int) want { return want{re: real(d[k]), im: imag(d[k])} }, len(d), err
	}
	return nil, 0, fmt.Errorf("dtype %s", f.Dtype())
}

func intElems[T int8 | int16 | int32 | int64](f *npy.File) (func(k int) want, int, error) {
	d, err := npy.Data[T](f)
	return func(k int) want { return want{re: float64(d[k]), i: int64(d[k])} }, len(d), err
}

func uintElems[T uint8 | uint16 | uint32 | uint64](f *npy.File) (func(k int) want, int, error) {
	d, err := npy.Data[T](f)
	return func(k int) want { return want{re: float64(d[k]), u: uint64(d[k])} }, len(d), err
}

// TestTypedFixtures opens (and loads) every file of every dtype, byte order,
// order and rank NumPy wrote, and checks the header, Strides, whether the
// data was mapped or copied, every element through Data against NumPy's
// values (integers exactly, floats to the bit but for NaN payloads, -0
// kept), every real element through Convert, and that the accessors of
// other types refuse the file with ErrDtype.
func TestTypedFixtures(t *testing.T) {
	mapping := runtime.GOOS == "linux" || runtime.GOOS == "darwin"
	for _, c := range loadTyped(t) {
		for _, load := range []bool{false, true} {
			path := fixture.Path("npy/" + c.File)
			var f *npy.File
			var err error
			if load {
				f, err = npy.Load(path)
			} else {
				f, err = npy.Open(path)
			}
			if err != nil {
				t.Fatalf("%s (Load %v): %v", c.Name, load, err)
			}
			checkTyped(t, c, f, load, mapping)
			f.Close()
		}
	}
}

func checkTyped(t *testing.T, c typedCase, f *npy.File, load, mapping bool) {
	t.Helper()
	name := fmt.Sprintf("%s (Load %v)", c.Name, load)
	h := f.Header()
	if f.Dtype() != c.Dtype || f.FortranOrder() != c.FortranOrder || !slices.Equal(f.Shape(), c.Shape) || h.DataOffset != c.DataOffset {
		t.Errorf("%s: dtype %s, fortran %v, shape %v, offset %d; want %s, %v, %v, %d",
			name, f.Dtype(), f.FortranOrder(), f.Shape(), h.DataOffset, c.Dtype, c.FortranOrder, c.Shape, c.DataOffset)
	}
	kind := c.Dtype[1]
	isize, _ := strconv.Atoi(c.Dtype[2:])
	if h.ItemSize() != isize {
		t.Errorf("%s: ItemSize %d, want %d", name, h.ItemSize(), isize)
	}
	align := int64(isize)
	if kind == 'c' {
		align /= 2
	}
	foreign := c.Dtype[0] == '>' && hostLittle() || c.Dtype[0] == '<' && !hostLittle()
	wantCopy := load || !mapping || foreign || c.DataOffset%align != 0 || c.Name == "t_bool_bytes"
	if len(c.Values) == 0 {
		wantCopy = load
	}
	if f.Copied() != wantCopy {
		t.Errorf("%s: Copied() = %v, want %v", name, f.Copied(), wantCopy)
	}
	strides := f.Strides()
	// Strides by definition: products of the dimensions after (C) or
	// before (Fortran) each axis.
	for k := range c.Shape {
		s := 1
		for j := range c.Shape {
			if c.FortranOrder && j < k || !c.FortranOrder && j > k {
				s *= c.Shape[j]
			}
		}
		if strides[k] != s {
			t.Errorf("%s: Strides() = %v", name, strides)
			break
		}
	}
	at, n, err := elemsOf(f)
	if err != nil {
		t.Fatalf("%s: Data: %v", name, err)
	}
	if n != len(c.Values) {
		t.Fatalf("%s: %d elements, want %d", name, n, len(c.Values))
	}
	conv, cerr := npy.Convert[float64](f)
	if kind == 'c' {
		if !errors.Is(cerr, npy.ErrDtype) {
			t.Errorf("%s: Convert of complex: got %v, want %v", name, cerr, npy.ErrDtype)
		}
	} else if cerr != nil {
		t.Fatalf("%s: Convert: %v", name, cerr)
	}
	forEachIndex(c.Shape, func(idx []int) {
		k := 0
		for d, i := range idx {
			k += i * strides[d]
		}
		w, err := parseWant(c.Values[cIndex(c.Shape, idx)], kind)
		if err != nil {
			t.Fatalf("%s: value %v: %v", name, idx, err)
		}
		got := at(k)
		switch {
		case kind == 'i' && got.i != w.i, kind == 'u' && got.u != w.u,
			!sameFloat(got.re, w.re), !sameFloat(got.im, w.im):
			t.Errorf("%s: element %v: got %+v, want %+v", name, idx, got, w)
		}
		if kind != 'c' && !sameFloat(conv.Data[k], w.re) {
			t.Errorf("%s: Convert element %v: got %v, want %v", name, idx, conv.Data[k], w.re)
		}
	})
	// Accessors of other types refuse the file, naming both types.
	if c.Dtype[1:] != "f8" {
		if _, err := npy.Data[float64](f); !errors.Is(err, npy.ErrDtype) {
			t.Errorf("%s: Data[float64]: got %v, want %v", name, err, npy.ErrDtype)
		}
		if _, err := npy.Get[float64](f); !errors.Is(err, npy.ErrDtype) {
			t.Errorf("%s: Get[float64]: got %v, want %v", name, err, npy.ErrDtype)
		}
		if _, err := f.Matrix(); !errors.Is(err, npy.ErrDtype) {
			t.Errorf("%s: Matrix: got %v, want %v", name, err, npy.ErrDtype)
		}
	}
	if c.Dtype[1:] != "i4" {
		if _, err := npy.Data[int32](f); !errors.Is(err, npy.ErrDtype) {
			t.Errorf("%s: Data[int32]: got %v, want %v", name, err, npy.ErrDtype)
		}
	}
}

func hostLittle() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }
