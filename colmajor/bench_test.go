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
