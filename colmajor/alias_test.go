package colmajor_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/colmajor"
)

// aliasCase places a (r×k), b (k×c) and the receiver (r×c), all
// column-major with leading dimension ld, at offsets in one buffer.
type aliasCase struct {
	name             string
	r, k, c, ld      int
	aOff, bOff, mOff int
	size             int
}

// aliasCases: the receiver is a, is b, overlaps part of a or b,
// interleaves with a, or sits beside them in the same buffer.
var aliasCases = []aliasCase{
	{"receiver is a", 3, 3, 3, 3, 0, 9, 0, 18},
	{"receiver is b", 3, 3, 3, 3, 0, 9, 9, 18},
	{"receiver overlaps a's tail", 3, 3, 3, 3, 0, 20, 5, 40},
	{"receiver overlaps b's head", 3, 3, 3, 3, 0, 12, 6, 40},
	{"receiver interleaved with a", 3, 3, 3, 6, 0, 30, 3, 60},
	{"receiver after a and b", 2, 3, 4, 3, 0, 6, 18, 40},
	{"a and b the same", 3, 3, 3, 3, 0, 0, 9, 18},
}

// TestMulAliasing: Mul into a receiver that shares memory with a or b in
// any way gives the product of the inputs as they were, as Gonum's
// mat.Dense.Mul does for an identical receiver, and writes nothing outside
// the receiver.
func TestMulAliasing(t *testing.T) {
	for _, tc := range aliasCases {
		t.Run(tc.name, func(t *testing.T) {
			buf := make([]float64, tc.size)
			for i := range buf {
				buf[i] = float64(i%7) - 3 + 0.5
			}
			orig := append([]float64(nil), buf...)
			a := mustNew(t, buf[tc.aOff:], tc.r, tc.k, tc.ld)
			b := mustNew(t, buf[tc.bOff:], tc.k, tc.c, tc.ld)
			m := mustNew(t, buf[tc.mOff:], tc.r, tc.c, tc.ld)
			want := naiveMul(orig, tc)
			m.Mul(a, b)
			checkAliasResult(t, tc, buf, orig, want, 1e-12)

			buf32 := make([]float32, tc.size)
			for i, v := range orig {
				buf32[i] = float32(v)
			}
			a32, _ := colmajor.New32(buf32[tc.aOff:], tc.r, tc.k, tc.ld)
			b32, _ := colmajor.New32(buf32[tc.bOff:], tc.k, tc.c, tc.ld)
			m32, err := colmajor.New32(buf32[tc.mOff:], tc.r, tc.c, tc.ld)
			if err != nil {
				t.Fatal(err)
			}
			m32.Mul(a32, b32)
			got := make([]float64, tc.size)
			for i, v := range buf32 {
				got[i] = float64(v)
			}
			checkAliasResult(t, tc, got, orig, want, 1e-5)
		})
	}
}

// TestMulAliasingRowMajor: a row-major mat.Dense input sharing the
// receiver's memory is handled too.
func TestMulAliasingRowMajor(t *testing.T) {
	buf := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	m := mustNew(t, buf, 3, 3, 3)
	a := mat.NewDense(3, 3, buf) // row-major over the same numbers: aᵀ of m
	b := mat.NewDense(3, 3, []float64{1, 0, 0, 0, 2, 0, 0, 0, 3})
	var want mat.Dense
	want.Mul(mat.DenseCopyOf(a), b)
	m.Mul(a, b)
	if !mat.Equal(m, &want) {
		t.Fatalf("got\n%v\nwant\n%v", mat.Formatted(m), mat.Formatted(&want))
	}
}

func mustNew(t *testing.T, data []float64, r, c, ld int) *colmajor.Dense {
	t.Helper()
	m, err := colmajor.New(data, r, c, ld)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// naiveMul returns the buffer with the receiver's elements replaced by the
// product of a and b read from orig.
func naiveMul(orig []float64, tc aliasCase) []float64 {
	want := append([]float64(nil), orig...)
	for i := range tc.r {
		for j := range tc.c {
			var s float64
			for q := range tc.k {
				s += orig[tc.aOff+q*tc.ld+i] * orig[tc.bOff+j*tc.ld+q]
			}
			want[tc.mOff+j*tc.ld+i] = s
		}
	}
	return want
}

func checkAliasResult(t *testing.T, tc aliasCase, got, orig, want []float64, tol float64) {
	t.Helper()
	inM := func(p int) bool {
		p -= tc.mOff
		return p >= 0 && p%tc.ld < tc.r && p/tc.ld < tc.c
	}
	for p := range got {
		if inM(p) {
			if math.Abs(got[p]-want[p]) > tol*(1+math.Abs(want[p])) {
				t.Fatalf("receiver element at %d = %v, want %v", p, got[p], want[p])
			}
		} else if got[p] != orig[p] {
			t.Fatalf("element %d outside the receiver changed: %v, was %v", p, got[p], orig[p])
		}
	}
}
