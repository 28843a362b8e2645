package lapack_test

import (
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge/lapack"
)

// FuzzLayouts feeds every entry point layouts as they might arrive from a
// file header — dimensions 0..6, strides -12..12 (broadcast, reversed,
// overlapping), any offset — over small buffers with sentinels around them.
// Each call must return an error or a result, never panic; Preserve must
// leave A's buffer as it was, Overwrite may change only A's elements, and B
// is never written. (Copies too large to make are refused with ErrTooLarge;
// the conformance suite checks that with a broadcast A of 2^62 rows.)
func FuzzLayouts(f *testing.F) {
	f.Add(int8(4), int8(4), int8(4), int8(1), uint8(0), int8(4), int8(1), int8(1), int8(1), uint8(0), false, uint8(0))
	f.Add(int8(4), int8(4), int8(1), int8(4), uint8(0), int8(4), int8(2), int8(1), int8(4), uint8(0), true, uint8(1))
	f.Add(int8(3), int8(5), int8(-5), int8(1), uint8(10), int8(3), int8(2), int8(2), int8(1), uint8(1), false, uint8(2))
	f.Add(int8(5), int8(3), int8(0), int8(1), uint8(0), int8(5), int8(1), int8(1), int8(5), uint8(0), true, uint8(3))
	f.Add(int8(4), int8(4), int8(2), int8(9), uint8(1), int8(4), int8(1), int8(1), int8(4), uint8(0), true, uint8(4))
	f.Add(int8(6), int8(6), int8(6), int8(1), uint8(0), int8(6), int8(1), int8(1), int8(1), uint8(0), true, uint8(5))
	f.Fuzz(func(t *testing.T, r, c, rs, cs int8, off uint8, br, bc, brs, bcs int8, boff uint8, overwrite bool, op uint8) {
		dim := func(x int8) int { return int(uint8(x)) % 7 }
		stride := func(x int8) int { return int(x) % 13 }
		const n = 64
		a := make([]float64, n)
		for k := range a {
			a[k] = float64((k*7)%11) - 5 + float64(k%3)*0.25
		}
		b := make([]float64, n)
		for k := range b {
			b[k] = float64(k%5) - 2
		}
		origA, origB := slices.Clone(a), slices.Clone(b)
		al := adapter.Layout{Rows: dim(r), Cols: dim(c), RowStride: stride(rs), ColStride: stride(cs), Offset: int(off % 64)}
		bl := adapter.Layout{Rows: dim(br), Cols: dim(bc), RowStride: stride(brs), ColStride: stride(bcs), Offset: int(boff % 64)}
		as := &adapter.Strided{Data: a, Layout: al}
		bs := &adapter.Strided{Data: b, Layout: bl}
		mode := lapack.Preserve
		if overwrite {
			mode = lapack.Overwrite
		}
		var x mat.Dense
		switch op % 6 {
		case 0:
			_, _ = lapack.Solve(&x, as, bs, mode)
		case 1:
			_, _ = lapack.LeastSquares(&x, as, bs, mode)
		case 2:
			var qr lapack.QR
			if _, err := qr.Factorize(as, mode); err == nil {
				var q mat.Dense
				_ = qr.QTo(&q)
				_, _ = qr.SolveTo(&x, bs)
			}
		case 3:
			var ch lapack.Cholesky
			if _, err := ch.Factorize(as, blas.Lower, mode); err == nil {
				_, _ = ch.SolveTo(&x, bs)
			}
		case 4:
			var s lapack.SVD
			_, _ = s.Factorize(as, mat.SVDFull, mode)
		case 5:
			var e lapack.EigenSym
			_, _ = e.Factorize(as, blas.Upper, true, mode)
		}
		if !slices.Equal(b, origB) {
			t.Fatalf("B (%v) was written", bl)
		}
		inA := make([]bool, n)
		if al.Check(n) == nil {
			for i := range al.Rows {
				for j := range al.Cols {
					inA[al.Offset+i*al.RowStride+j*al.ColStride] = true
				}
			}
		}
		for k := range a {
			if a[k] != origA[k] && (mode == lapack.Preserve || !inA[k]) {
				t.Fatalf("%v A (%v): element %d written", mode, al, k)
			}
		}
	})
}
