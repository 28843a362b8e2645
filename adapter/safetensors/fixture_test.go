package safetensors_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/internal/fixture"
)

// val is a fixture value: a JSON number, or "NaN", "+Inf", "-Inf".
type val float64

func (v *val) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*v = val(math.NaN())
		case "+Inf":
			*v = val(math.Inf(1))
		case "-Inf":
			*v = val(math.Inf(-1))
		default:
			return fmt.Errorf("bad value %q", s)
		}
		return nil
	}
	var f float64
	err := json.Unmarshal(b, &f)
	*v = val(f)
	return err
}

type goodTensor struct {
	Name        string `json:"name"`
	Dtype       string `json:"dtype"`
	Shape       []int  `json:"shape"`
	DataOffsets [2]int `json:"data_offsets"`
	Aligned     bool   `json:"aligned"`
	F64         []val  `json:"f64"`
	F32         []val  `json:"f32"`
	Error       string `json:"error"`
}

type goodFile struct {
	Name       string            `json:"name"`
	File       string            `json:"file"`
	HeaderSize int               `json:"header_size"`
	Metadata   map[string]string `json:"metadata"`
	Tensors    []goodTensor      `json:"tensors"`
}

type badFile struct {
	Name        string `json:"name"`
	File        string `json:"file"`
	Want        string `json:"want"`
	Why         string `json:"why"`
	PythonError string `json:"python_error"`
}

type fixtures struct {
	NumPyVersion string     `json:"numpy_version"`
	Good         []goodFile `json:"good"`
	Bad          []badFile  `json:"bad"`
}

var errByName = map[string]error{
	"ErrTruncated": safetensors.ErrTruncated,
	"ErrHeader":    safetensors.ErrHeader,
	"ErrDtype":     safetensors.ErrDtype,
	"ErrSize":      safetensors.ErrSize,
	"ErrOffsets":   safetensors.ErrOffsets,
	"ErrOverlap":   safetensors.ErrOverlap,
	"ErrHole":      safetensors.ErrHole,
	"ErrNotFound":  safetensors.ErrNotFound,
	"ErrClosed":    safetensors.ErrClosed,
}

func loadFixtures(t testing.TB) *fixtures {
	t.Helper()
	b, err := os.ReadFile(fixture.Path("safetensors/safetensors.json"))
	if err != nil {
		t.Fatalf("%v: run testdata/safetensors/gen_safetensors.py", err)
	}
	var fx fixtures
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	return &fx
}

// same reports whether got and want are the same value, bit for bit (so
// -0 differs from 0), with any NaN equal to any NaN.
func same(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Float64bits(got) == math.Float64bits(want)
}

// checkValues compares a, read in C order through At, with want.
func checkValues[T adapter.Float](t *testing.T, what string, a adapter.Array[T], shape []int, want []val) {
	t.Helper()
	if err := a.Check(); err != nil {
		t.Errorf("%s: Check: %v", what, err)
		return
	}
	if !slices.Equal(a.Shape, shape) {
		t.Errorf("%s: shape: got %v, want %v", what, a.Shape, shape)
		return
	}
	if a.Size() != len(want) {
		t.Errorf("%s: size: got %d, want %d", what, a.Size(), len(want))
		return
	}
	idx := make([]int, len(shape))
	for k := range want {
		// idx is element k in C order.
		r := k
		for ax := len(shape) - 1; ax >= 0; ax-- {
			idx[ax] = r % shape[ax]
			r /= shape[ax]
		}
		if got := float64(a.At(idx...)); !same(got, float64(want[k])) {
			t.Errorf("%s: element %v: got %v, want %v", what, idx, got, float64(want[k]))
		}
	}
}

// mapped reports whether Open maps files here, so Copied is decided by
// alignment alone.
var mapped = runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "freebsd"

// TestGood reads every good fixture and checks the header, every tensor's
// values through Get (F64, F32) and Convert (all dtypes, both widths)
// against the values NumPy recorded, and the errors for the rest.
func TestGood(t *testing.T) {
	fx := loadFixtures(t)
	for _, g := range fx.Good {
		t.Run(g.Name, func(t *testing.T) {
			f, err := safetensors.Open(fixture.Path("safetensors/" + g.File))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var names []string
			for _, tt := range g.Tensors {
				names = append(names, tt.Name)
			}
			if got := f.Names(); !slices.Equal(got, names) {
				t.Errorf("Names: got %q, want %q", got, names)
			}
			if got := f.Metadata(); len(got) != len(g.Metadata) || !mapsEqual(got, g.Metadata) {
				t.Errorf("Metadata: got %v, want %v", got, g.Metadata)
			}
			for _, tt := range g.Tensors {
				checkTensor(t, f, tt)
			}
			if _, err := safetensors.Get[float64](f, "nope"); !errors.Is(err, safetensors.ErrNotFound) {
				t.Errorf("Get(nope): got %v, want %v", err, safetensors.ErrNotFound)
			}
			if _, err := f.Info("nope"); !errors.Is(err, safetensors.ErrNotFound) {
				t.Errorf("Info(nope): got %v, want %v", err, safetensors.ErrNotFound)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func checkTensor(t *testing.T, f *safetensors.File, tt goodTensor) {
	t.Helper()
	info, err := f.Info(tt.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Dtype != tt.Dtype || !slices.Equal(info.Shape, tt.Shape) || info.DataOffsets != tt.DataOffsets {
		t.Errorf("%s: Info: got %+v, want %s %v %v", tt.Name, info, tt.Dtype, tt.Shape, tt.DataOffsets)
	}
	if info.Shape == nil {
		t.Errorf("%s: Info: nil Shape", tt.Name)
	}
	if tt.Error != "" {
		want := errByName[tt.Error]
		if _, err := safetensors.Convert[float64](f, tt.Name); !errors.Is(err, want) {
			t.Errorf("%s: Convert: got %v, want %v", tt.Name, err, want)
		}
		if _, err := safetensors.Convert[float32](f, tt.Name); !errors.Is(err, want) {
			t.Errorf("%s: Convert[float32]: got %v, want %v", tt.Name, err, want)
		}
		return
	}
	c64, err := safetensors.Convert[float64](f, tt.Name)
	if err != nil {
		t.Fatalf("%s: Convert: %v", tt.Name, err)
	}
	checkValues(t, tt.Name+": Convert[float64]", c64, tt.Shape, tt.F64)
	c32, err := safetensors.Convert[float32](f, tt.Name)
	if err != nil {
		t.Fatalf("%s: Convert: %v", tt.Name, err)
	}
	checkValues(t, tt.Name+": Convert[float32]", c32, tt.Shape, tt.F32)

	if mapped {
		if got := f.Copied(tt.Name); got != !tt.Aligned {
			t.Errorf("%s: Copied: got %v, want %v", tt.Name, got, !tt.Aligned)
		}
	}
	g64, err64 := safetensors.Get[float64](f, tt.Name)
	g32, err32 := safetensors.Get[float32](f, tt.Name)
	switch tt.Dtype {
	case "F64":
		if err64 != nil {
			t.Fatalf("%s: Get[float64]: %v", tt.Name, err64)
		}
		checkValues(t, tt.Name+": Get[float64]", g64, tt.Shape, tt.F64)
	case "F32":
		if err32 != nil {
			t.Fatalf("%s: Get[float32]: %v", tt.Name, err32)
		}
		checkValues(t, tt.Name+": Get[float32]", g32, tt.Shape, tt.F32)
	}
	if tt.Dtype != "F64" && !errors.Is(err64, safetensors.ErrDtype) {
		t.Errorf("%s: Get[float64] of %s: got %v, want %v", tt.Name, tt.Dtype, err64, safetensors.ErrDtype)
	}
	if tt.Dtype != "F32" && !errors.Is(err32, safetensors.ErrDtype) {
		t.Errorf("%s: Get[float32] of %s: got %v, want %v", tt.Name, tt.Dtype, err32, safetensors.ErrDtype)
	}
}

// TestBad checks that every malformed fixture is rejected with the error
// the generator names, which its own reader also gave.
func TestBad(t *testing.T) {
	fx := loadFixtures(t)
	if len(fx.Bad) < 40 {
		t.Fatalf("only %d bad fixtures", len(fx.Bad))
	}
	for i, b := range fx.Bad {
		want, ok := errByName[b.Want]
		if !ok {
			t.Fatalf("test %d (%s): unknown error %q", i, b.Name, b.Want)
		}
		f, err := safetensors.Open(fixture.Path("safetensors/" + b.File))
		if err == nil {
			f.Close()
		}
		if !errors.Is(err, want) {
			t.Errorf("test %d (%s, %s): got %v, want %v (Python: %s)", i, b.Name, b.Why, err, want, b.PythonError)
		}
	}
}
