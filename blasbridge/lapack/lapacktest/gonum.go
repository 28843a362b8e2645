package lapacktest

import (
	"errors"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/blasbridge/lapack"
)

// testGonum compares every factorization with Gonum's own mat result on
// random matrices large enough for the blocked LAPACK paths, in every
// layout and mode, float64 and float32.
func testGonum(t *testing.T) {
	rng := newRand(1)
	sq := randMatrix(rng, 70, 70)
	tall := randMatrix(rng, 75, 40)
	wide := randMatrix(rng, 40, 75)
	pd := spd(rng, 70)
	rhs := randMatrix(rng, 75, 3)
	small := randMatrix(rng, 30, 20)
	symm := spd(rng, 30)
	for i := range symm {
		symm[i][i] -= 45 // indefinite
	}
	for _, kind := range layoutKinds {
		for _, mode := range modes {
			t.Run(fmt.Sprintf("%s/%v", kind, mode), func(t *testing.T) {
				gonumLU[float64](t, kind, mode, sq, rhs[:70])
				gonumLU[float32](t, kind, mode, sq, rhs[:70])
				for _, a := range [][][]float64{tall, wide, sq} {
					gonumQR[float64](t, kind, mode, a, rhs[:len(a)])
					gonumQR[float32](t, kind, mode, a, rhs[:len(a)])
				}
				gonumCholesky[float64](t, kind, mode, pd, rhs[:70])
				gonumCholesky[float32](t, kind, mode, pd, rhs[:70])
				for _, a := range [][][]float64{small, transpose(small)} {
					gonumSVD[float64](t, kind, mode, a)
					gonumSVD[float32](t, kind, mode, a)
				}
				gonumEigen[float64](t, kind, mode, symm)
				gonumEigen[float32](t, kind, mode, symm)
			})
		}
	}
}

// tolGonum loosens tol for the 70×70 problems, whose results (errors grow
// with n and the condition number) are compared with float64 references.
func tolGonum[T float]() float64 {
	if is64[T]() {
		return 1e-9
	}
	return 2e-2
}

func gonumLU[T float](t *testing.T, kind string, mode lapack.Mode, a, b [][]float64) {
	t.Helper()
	var want mat.Dense
	if err := want.Solve(dense(a), dense(b)); err != nil {
		t.Fatal(err)
	}
	ab := newBuffer[T](kind, 1, a)
	bb := newBuffer[T]("col-padded", 2, b)
	x := emptyBuffer[T]("row-padded", 3, len(b), len(b[0]))
	if _, err := solve[T](x.arg(), ab.arg(), bb.arg(), mode); err != nil {
		t.Errorf("%T Solve: %v", *new(T), err)
		return
	}
	if err := compare(x.at, mat2rows(&want), tolGonum[T]()); err != nil {
		t.Errorf("%T Solve against mat.Dense.Solve: %v", *new(T), err)
	}
	var lu mat.LU
	lu.Factorize(dense(a))
	h := newLU[T]()
	if _, err := h.factorize(newBuffer[T](kind, 1, a).arg(), mode); err != nil {
		t.Fatal(err)
	}
	if d, w := h.det(), lu.Det(); !near(d, w, tolGonum[T]()*10) {
		t.Errorf("%T Det: got %v, mat.LU says %v", *new(T), d, w)
	}
}

func gonumQR[T float](t *testing.T, kind string, mode lapack.Mode, a, b [][]float64) {
	t.Helper()
	m, n := len(a), len(a[0])
	name := fmt.Sprintf("%T %d×%d", *new(T), m, n)
	// mat.Dense.Solve finds the least-squares (m > n) or minimum-norm
	// (m < n) solution.
	var want mat.Dense
	if err := want.Solve(dense(a), dense(b)); err != nil {
		t.Fatal(err)
	}
	x := emptyBuffer[T]("col", 3, n, len(b[0]))
	if _, err := leastSquares[T](x.arg(), newBuffer[T](kind, 1, a).arg(), newBuffer[T]("row", 2, b).arg(), mode); err != nil {
		t.Errorf("%s LeastSquares: %v", name, err)
	} else if err := compare(x.at, mat2rows(&want), tolGonum[T]()); err != nil {
		t.Errorf("%s LeastSquares against mat.Dense.Solve: %v", name, err)
	}
	if m < n {
		return // mat.QR needs m >= n
	}
	var qr mat.QR
	qr.Factorize(dense(a))
	var r, q mat.Dense
	qr.RTo(&r)
	qr.QTo(&q)
	h := newQR[T]()
	if _, err := h.factorize(newBuffer[T](kind, 1, a).arg(), mode); err != nil {
		t.Fatal(err)
	}
	gr := emptyBuffer[T]("row", 4, m, n) // mat's R is m×n
	gq := emptyBuffer[T]("col", 5, m, m)
	if err := errors.Join(h.rTo(gr.arg()), h.qTo(gq.arg())); err != nil {
		t.Errorf("%s RTo, QTo: %v", name, err)
		return
	}
	if err := compare(gr.at, mat2rows(&r), tolGonum[T]()); err != nil {
		t.Errorf("%s R against mat.QR: %v", name, err)
	}
	if err := compare(gq.at, mat2rows(&q), tolGonum[T]()); err != nil {
		t.Errorf("%s Q against mat.QR: %v", name, err)
	}
	x = emptyBuffer[T]("general-reversed", 6, n, len(b[0]))
	if _, err := h.solveTo(x.arg(), newBuffer[T]("general-colfast", 2, b).arg()); err != nil {
		t.Errorf("%s QR.SolveTo: %v", name, err)
	} else if err := compare(x.at, mat2rows(&want), tolGonum[T]()); err != nil {
		t.Errorf("%s QR.SolveTo against mat.Dense.Solve: %v", name, err)
	}
}

func gonumCholesky[T float](t *testing.T, kind string, mode lapack.Mode, a, b [][]float64) {
	t.Helper()
	n := len(a)
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, a[i][j])
		}
	}
	var want mat.Cholesky
	if !want.Factorize(sym) {
		t.Fatal("mat.Cholesky failed")
	}
	var l mat.TriDense
	want.LTo(&l)
	var x mat.Dense
	if err := want.SolveTo(&x, dense(b)); err != nil {
		t.Fatal(err)
	}
	for _, ul := range uplos {
		h := newChol[T]()
		if _, err := h.factorize(newBuffer[T](kind, 1, a).arg(), ul, mode); err != nil {
			t.Errorf("%T %s: %v", *new(T), uploName(ul), err)
			continue
		}
		gl := emptyBuffer[T]("col-padded", 3, n, n)
		gx := emptyBuffer[T]("row", 4, n, len(b[0]))
		if err := errors.Join(h.lTo(gl.arg()), ignorePlan(h.solveTo(gx.arg(), newBuffer[T]("col", 2, b).arg()))); err != nil {
			t.Errorf("%T %s: %v", *new(T), uploName(ul), err)
			continue
		}
		if err := compare(gl.at, mat2rows(&l), tolGonum[T]()); err != nil {
			t.Errorf("%T %s: L against mat.Cholesky: %v", *new(T), uploName(ul), err)
		}
		if err := compare(gx.at, mat2rows(&x), tolGonum[T]()); err != nil {
			t.Errorf("%T %s: SolveTo against mat.Cholesky: %v", *new(T), uploName(ul), err)
		}
		if d, w := h.logDet(), want.LogDet(); !near(d, w, tolGonum[T]()) {
			t.Errorf("%T %s: LogDet %v, mat.Cholesky says %v", *new(T), uploName(ul), d, w)
		}
	}
}

func gonumSVD[T float](t *testing.T, kind string, mode lapack.Mode, a [][]float64) {
	t.Helper()
	var want mat.SVD
	if !want.Factorize(dense(a), mat.SVDThin) {
		t.Fatal("mat.SVD failed")
	}
	var u, v mat.Dense
	want.UTo(&u)
	want.VTo(&v)
	h := newSVD[T]()
	if _, err := h.factorize(newBuffer[T](kind, 1, a).arg(), mat.SVDThin, mode); err != nil {
		t.Errorf("%T: %v", *new(T), err)
		return
	}
	vals := h.values()
	for i, w := range want.Values(nil) {
		if !near(vals[i], w, tolGonum[T]()) {
			t.Errorf("%T value %d: got %v, mat.SVD says %v", *new(T), i, vals[i], w)
		}
	}
	if is64[T]() { // float32 vectors of close singular values differ more
		if err := compareUpToSign(h.u().at, mat2rows(&u), tolGonum[T]()); err != nil {
			t.Errorf("U against mat.SVD: %v", err)
		}
		if err := compareUpToSign(h.v().at, mat2rows(&v), tolGonum[T]()); err != nil {
			t.Errorf("V against mat.SVD: %v", err)
		}
	}
}

func gonumEigen[T float](t *testing.T, kind string, mode lapack.Mode, a [][]float64) {
	t.Helper()
	n := len(a)
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, a[i][j])
		}
	}
	var want mat.EigenSym
	if !want.Factorize(sym, true) {
		t.Fatal("mat.EigenSym failed")
	}
	var z mat.Dense
	want.VectorsTo(&z)
	for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
		h := newEig[T]()
		if _, err := h.factorize(newBuffer[T](kind, 1, a).arg(), ul, true, mode); err != nil {
			t.Errorf("%T: %v", *new(T), err)
			return
		}
		vals := h.values()
		for i, w := range want.Values(nil) {
			if !near(vals[i], w, tolGonum[T]()) {
				t.Errorf("%T %s value %d: got %v, mat.EigenSym says %v", *new(T), uploName(ul), i, vals[i], w)
			}
		}
		if is64[T]() {
			if err := compareUpToSign(h.vectors().at, mat2rows(&z), tolGonum[T]()); err != nil {
				t.Errorf("%s vectors against mat.EigenSym: %v", uploName(ul), err)
			}
		}
	}
}

func ignorePlan(_ lapack.Plan, err error) error { return err }

func mat2rows(m mat.Matrix) [][]float64 {
	r, c := m.Dims()
	v := make([][]float64, r)
	for i := range v {
		v[i] = make([]float64, c)
		for j := range v[i] {
			v[i][j] = m.At(i, j)
		}
	}
	return v
}
