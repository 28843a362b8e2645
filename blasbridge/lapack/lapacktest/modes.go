package lapacktest

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// testModes checks that Preserve and Overwrite agree bit for bit: both run
// the same routine on the same orientation, Preserve on a copy in A's own
// order, Overwrite in A's buffer. It is the fast path (in place) checked
// against the general one (copy) on the same inputs.
func testModes[T float](t *testing.T) {
	rng := newRand(9)
	a, pd, b := randMatrix(rng, 70, 70), spd(rng, 70), randMatrix(rng, 70, 2)
	for _, kind := range layoutKinds {
		var got [2][][]float64
		for k, mode := range modes {
			var out [][]float64
			lu, qr, ch, s, e := newLU[T](), newQR[T](), newChol[T](), newSVD[T](), newEig[T]()
			x := emptyBuffer[T]("row", 3, 70, 2)
			r := emptyBuffer[T]("col", 4, 70, 70)
			l := emptyBuffer[T]("row", 5, 70, 70)
			for _, err := range []error{
				ignorePlan(lu.factorize(newBuffer[T](kind, 1, a).arg(), mode)),
				ignorePlan(lu.solveTo(x.arg(), false, newBuffer[T]("col", 2, b).arg())),
				ignorePlan(qr.factorize(newBuffer[T](kind, 1, a).arg(), mode)),
				qr.rTo(r.arg()),
				ignorePlan(ch.factorize(newBuffer[T](kind, 1, pd).arg(), blas.Lower, mode)),
				ch.lTo(l.arg()),
				ignorePlan(s.factorize(newBuffer[T](kind, 1, a).arg(), mat.SVDThin, mode)),
				ignorePlan(e.factorize(newBuffer[T](kind, 1, pd).arg(), blas.Upper, true, mode)),
			} {
				if err != nil {
					t.Fatalf("%T %s %v: %v", *new(T), kind, mode, err)
				}
			}
			out = append(out, x.values()...)
			out = append(out, r.values()...)
			out = append(out, l.values()...)
			out = append(out, s.values(), e.values(), readAll(s.u())[7], readAll(e.vectors())[9])
			got[k] = out
		}
		if err := sameBits(got[0], got[1]); err != nil {
			t.Errorf("%T %s: Preserve and Overwrite differ: %v", *new(T), kind, err)
		}
	}
}

func sameBits(a, b [][]float64) error {
	for i := range a {
		for j := range a[i] {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				return fmt.Errorf("result row %d, %d: %v and %v", i, j, a[i][j], b[i][j])
			}
		}
	}
	return nil
}
