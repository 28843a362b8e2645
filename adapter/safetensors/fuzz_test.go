package safetensors

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/strider-go/strider/internal/fixture"
)

var named = []error{ErrTruncated, ErrHeader, ErrDtype, ErrSize, ErrOffsets, ErrOverlap, ErrHole}

// FuzzHeader reads arbitrary bytes as a whole safetensors file: it must
// never panic, return only the named errors, and, for a file it accepts,
// hand out tensors whose Get and Convert agree. Nothing here allocates by
// a size the file claims (see TestClaimedSizes).
func FuzzHeader(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		paths, _ := filepath.Glob(fixture.Path("safetensors/" + dir + "/*.safetensors"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := newFile(b, false)
		if err != nil {
			for _, e := range named {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("unnamed error: %v", err)
		}
		for _, name := range file.Names() {
			info, err := file.Info(name)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Convert[float64](file, name)
			if info.Dtype == "F8_E4M3" || info.Dtype == "F8_E5M2" {
				if !errors.Is(err, ErrDtype) {
					t.Fatalf("%s: Convert of %s: %v", name, info.Dtype, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: Convert: %v", name, err)
			}
			if c.Size() != info.Len() || c.Check() != nil {
				t.Fatalf("%s: Convert: %d elements, want %d", name, c.Size(), info.Len())
			}
			var got []float64
			switch info.Dtype {
			case "F64":
				g, err := Get[float64](file, name)
				if err != nil {
					t.Fatal(err)
				}
				got = g.Data
			case "F32":
				g, err := Get[float32](file, name)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range g.Data {
					got = append(got, float64(v))
				}
			default:
				continue
			}
			for k, v := range got {
				if w := c.Data[k]; math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
					t.Fatalf("%s: element %d: Get %v, Convert %v", name, k, v, w)
				}
			}
		}
		if err := file.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
