package colmajor_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/colmajor"
)

// BenchmarkMul measures C = A·B into a row-major C with a row-major B, for
// A row-major, A column-major (Gonum passes the trans flag, no copy), and A
// column-major copied to row-major first with mat.DenseCopyOf, which is what
// a user without colmajor does.
func BenchmarkMul(b *testing.B) {
	for _, n := range []int{64, 256, 512} {
		rnd := rand.New(rand.NewPCG(1, 2))
		data := make([]float64, n*n)
		for i := range data {
			data[i] = rnd.Float64()
		}
		rowA := mat.NewDense(n, n, data)
		colA, err := colmajor.New(slices.Clone(data), n, n, n)
		if err != nil {
			b.Fatal(err)
		}
		bData := make([]float64, n*n)
		for i := range bData {
			bData[i] = rnd.Float64()
		}
		B := mat.NewDense(n, n, bData)
		C := mat.NewDense(n, n, nil)

		for _, a := range []struct {
			name string
			mul  func()
		}{
			{"row", func() { C.Mul(rowA, B) }},
			{"col", func() { C.Mul(colA, B) }},
			{"copied", func() { C.Mul(mat.DenseCopyOf(colA), B) }},
		} {
			b.Run(fmt.Sprintf("n=%d/a=%s", n, a.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a.mul()
				}
			})
		}
	}
}

// BenchmarkMulInto times colmajor's own Mul (receiver column-major) at sizes
// where its fixed costs show: the overlap checks against both operands and
// the shape checks. dtype=f32 is Dense32.Mul.
func BenchmarkMulInto(b *testing.B) {
	for _, n := range []int{4, 64} {
		rnd := rand.New(rand.NewPCG(3, 4))
		vals := func() []float64 {
			v := make([]float64, n*n)
			for i := range v {
				v[i] = rnd.Float64()
			}
			return v
		}
		a, _ := colmajor.New(vals(), n, n, n)
		bm, _ := colmajor.New(vals(), n, n, n)
		c := colmajor.NewDense(n, n)
		b.Run(fmt.Sprintf("n=%d/dtype=f64", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Mul(a, bm)
			}
		})
		a32, b32, c32 := colmajor.NewDense32(n, n), colmajor.NewDense32(n, n), colmajor.NewDense32(n, n)
		b.Run(fmt.Sprintf("n=%d/dtype=f32", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c32.Mul(a32, b32)
			}
		})
	}
}
