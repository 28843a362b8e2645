package blastest

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/fixture"
)

func loadGemm(t *testing.T) *fixture.Products {
	t.Helper()
	p, err := fixture.LoadGemm()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// viewLayout converts a 2-D NumPy view to a Layout.
func viewLayout(t *testing.T, v fixture.View) adapter.Layout {
	t.Helper()
	l, err := adapter.FromNumPy(v.Shape, v.Strides, 8, v.Offset)
	if err != nil {
		t.Fatalf("%s: %v", v.Note, err)
	}
	return l
}

// viewVector converts a 1-D NumPy view of data to a BLAS vector: n, inc,
// and the index in data of its lowest-addressed element.
func viewVector(t *testing.T, v fixture.View) (n, inc, lo int) {
	t.Helper()
	if len(v.Shape) != 1 || len(v.Strides) != 1 || v.Strides[0]%8 != 0 || v.Offset%8 != 0 {
		t.Fatalf("%s: not a float64 vector: shape %v strides %v offset %d", v.Note, v.Shape, v.Strides, v.Offset)
	}
	n, inc = v.Shape[0], v.Strides[0]/8
	lo = v.Offset/8 + min(0, (n-1)*inc)
	return n, inc, lo
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// compareBase compares a whole buffer with NumPy's, relative tolerance tol.
func compareBase[T float](got []T, want []float64, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("base has %d elements, want %d", len(got), len(want))
	}
	for k, w := range want {
		if d := math.Abs(float64(got[k]) - w); !(d <= tol*math.Abs(w)) {
			return fmt.Errorf("base[%d] = %v, NumPy %v", k, got[k], w)
		}
	}
	return nil
}

// testFixtures runs every NumPy case through Gemm and Gemm32 (and Gemv,
// Gemv32) and compares the whole base of the output, sentinels included,
// with NumPy's.
func testFixtures(t *testing.T) {
	fx := loadGemm(t)
	t.Logf("NumPy %s: %d GEMM cases, %d GEMV cases", fx.NumPyVersion, len(fx.Gemm), len(fx.Gemv))
	for _, c := range fx.Gemm {
		t.Run("gemm/"+c.Name, func(t *testing.T) {
			al, bl, cl := viewLayout(t, c.A), viewLayout(t, c.B), viewLayout(t, c.C)
			t.Run("float64", func(t *testing.T) {
				ad, bd := slices.Clone(c.A.Base), slices.Clone(c.B.Base)
				cd := slices.Clone(c.C.Base)
				switch c.CAliases {
				case "a":
					cd = ad
				case "b":
					cd = bd
				}
				var p blasbridge.Plan
				err := caught(func() (err error) {
					p, err = blasbridge.Gemm(c.Alpha, adapter.Strided{Data: ad, Layout: al}, adapter.Strided{Data: bd, Layout: bl},
						c.Beta, adapter.Strided{Data: cd, Layout: cl})
					return err
				})
				if err != nil {
					t.Fatalf("Gemm: %v", err)
				}
				if err := compareBase(cd, c.CAfter, tol64); err != nil {
					t.Errorf("C (%s): %v; plan %v", c.C.Note, err, p)
				}
				if c.CAliases != "a" && !slices.Equal(ad, c.A.Base) {
					t.Errorf("A's base changed")
				}
				if c.CAliases != "b" && !slices.Equal(bd, c.B.Base) {
					t.Errorf("B's base changed")
				}
				if c.CAliases != "" && !isScratch(p.C) {
					t.Errorf("C computed in place of %s without scratch: %v", c.CAliases, p)
				}
			})
			t.Run("float32", func(t *testing.T) {
				ad, bd, cd := to32(c.A.Base), to32(c.B.Base), to32(c.C.Base)
				switch c.CAliases {
				case "a":
					cd = ad
				case "b":
					cd = bd
				}
				err := caught(func() error {
					_, err := blasbridge.Gemm32(float32(c.Alpha), adapter.Strided32{Data: ad, Layout: al}, adapter.Strided32{Data: bd, Layout: bl},
						float32(c.Beta), adapter.Strided32{Data: cd, Layout: cl})
					return err
				})
				if err != nil {
					t.Fatalf("Gemm32: %v", err)
				}
				if err := compareBase(cd, c.CAfter, tol32); err != nil {
					t.Errorf("C (%s): %v", c.C.Note, err)
				}
			})
		})
	}
	for _, c := range fx.Gemv {
		t.Run("gemv/"+c.Name, func(t *testing.T) {
			al := viewLayout(t, c.A)
			xn, xinc, xlo := viewVector(t, c.X)
			yn, yinc, ylo := viewVector(t, c.Y)
			t.Run("float64", func(t *testing.T) {
				ad, xd, yd := slices.Clone(c.A.Base), slices.Clone(c.X.Base), slices.Clone(c.Y.Base)
				var p blasbridge.Plan
				err := caught(func() (err error) {
					p, err = blasbridge.Gemv(c.Alpha, adapter.Strided{Data: ad, Layout: al},
						blas64.Vector{N: xn, Inc: xinc, Data: xd[xlo:]}, c.Beta, blas64.Vector{N: yn, Inc: yinc, Data: yd[ylo:]})
					return err
				})
				if err != nil {
					t.Fatalf("Gemv: %v", err)
				}
				if err := compareBase(yd, c.YAfter, tol64); err != nil {
					t.Errorf("y (%s): %v; plan %v", c.Y.Note, err, p)
				}
				if !slices.Equal(ad, c.A.Base) || !slices.Equal(xd, c.X.Base) {
					t.Errorf("an input's base changed")
				}
				// GEMV never copies a matrix NumPy hands BLAS as is.
				if c.NumPyFlags["a"] != "general" && p.A.Packed {
					t.Errorf("A is %s for NumPy, but packed: %v", c.NumPyFlags["a"], p)
				}
			})
			t.Run("float32", func(t *testing.T) {
				ad, xd, yd := to32(c.A.Base), to32(c.X.Base), to32(c.Y.Base)
				err := caught(func() error {
					_, err := blasbridge.Gemv32(float32(c.Alpha), adapter.Strided32{Data: ad, Layout: al},
						blas32.Vector{N: xn, Inc: xinc, Data: xd[xlo:]}, float32(c.Beta), blas32.Vector{N: yn, Inc: yinc, Data: yd[ylo:]})
					return err
				})
				if err != nil {
					t.Fatalf("Gemv32: %v", err)
				}
				if err := compareBase(yd, c.YAfter, tol32); err != nil {
					t.Errorf("y (%s): %v", c.Y.Note, err)
				}
			})
		})
	}
}
