package lapacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/blasbridge/lapack"
)

// Fixture is testdata/lapack/lapack.json: SciPy's LAPACK outputs, in
// LAPACK's column-major output arrays written as logical row lists.
type Fixture struct {
	NumPyVersion string        `json:"numpy_version"`
	SciPyVersion string        `json:"scipy_version"`
	Cases        []FixtureCase `json:"cases"`
}

// FixtureCase is one matrix A (and right-hand side B) with what SciPy's
// LAPACK made of it; fields are nil where the case has no such result.
type FixtureCase struct {
	Name   string      `json:"name"`
	A      [][]float64 `json:"a"`
	B      [][]float64 `json:"b"`
	Getrf  *Getrf      `json:"getrf"`
	GetrfT *Getrf      `json:"getrf_t"` // of Aᵀ
	Solve  *struct {
		X   [][]float64 `json:"x"`  // A·X = B
		XT  [][]float64 `json:"xt"` // Aᵀ·X = B
		Det float64     `json:"det"`
	} `json:"solve"`
	Geqrf *struct {
		QR    [][]float64 `json:"qr"` // dgeqrf's array: R above, reflectors below
		Tau   []float64   `json:"tau"`
		QThin [][]float64 `json:"q_thin"`
		QFull [][]float64 `json:"q_full"`
		R     [][]float64 `json:"r"`
	} `json:"geqrf"`
	Lstsq *struct {
		X        [][]float64 `json:"x"`
		Residual []float64   `json:"residual"`
	} `json:"lstsq"`
	PotrfLower *Potrf `json:"potrf_lower"`
	PotrfUpper *Potrf `json:"potrf_upper"`
	ChoSolve   *struct {
		X [][]float64 `json:"x"`
	} `json:"cho_solve"`
	SVD *struct {
		S  []float64   `json:"s"`
		U  [][]float64 `json:"u"`
		VT [][]float64 `json:"vt"`
	} `json:"svd"`
	Eigh *struct {
		W []float64   `json:"w"`
		V [][]float64 `json:"v"`
	} `json:"eigh"`
}

// Getrf is dgetrf's output: the LU array, 0-based pivots and INFO.
type Getrf struct {
	LU   [][]float64 `json:"lu"`
	Ipiv []int       `json:"ipiv"`
	Info int         `json:"info"`
}

// Potrf is dpotrf's whole output array (clean=0: the other triangle keeps
// A's entries) and INFO.
type Potrf struct {
	C    [][]float64 `json:"c"`
	Info int         `json:"info"`
}

// LoadFixture reads testdata/lapack/lapack.json from the repository.
func LoadFixture() (*Fixture, error) {
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "lapack", "lapack.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Fixture
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

func loadFixture(t *testing.T) *Fixture {
	t.Helper()
	f, err := LoadFixture()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("fixture has no cases")
	}
	return f
}

var modes = []lapack.Mode{lapack.Preserve, lapack.Overwrite}

// expectInPlace reports whether a factorization of a buffer of this kind
// in this mode should run in the buffer itself.
func expectInPlace[T float](kind string, mode lapack.Mode) bool {
	return mode == lapack.Overwrite && !strings.HasPrefix(kind, "general") && (is64[T]() || lapack.Active().Float32 != nil)
}

// checkInput checks what a factorization did to its input buffer: nothing
// under Preserve (or when it copied), and sentinels intact always; and that
// the plan says in place exactly when expected.
func checkInput[T float](a *buffer[T], mode lapack.Mode, p lapack.Plan) error {
	if err := a.sentinelsIntact(); err != nil {
		return err
	}
	want := expectInPlace[T](a.kind, mode)
	if p.A.InPlace != want {
		return fmt.Errorf("plan %v: A in place %v, want %v", p, p.A.InPlace, want)
	}
	if !p.A.InPlace {
		return a.unchanged()
	}
	return nil
}

// dstKinds are the output layouts solves and extractions are tried with.
var dstKinds = []string{"row", "col-padded", "general-reversed"}

func testFixtures[T float](t *testing.T) {
	fx := loadFixture(t)
	tl := tol[T]()
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			failures := 0
			fail := func(format string, args ...any) {
				t.Helper()
				if failures < maxFailures {
					t.Errorf(format, args...)
				}
				failures++
			}
			for _, kind := range layoutKinds {
				for _, mode := range modes {
					where := fmt.Sprintf("A %s, %v", kind, mode)
					if c.Getrf != nil {
						fixtureLU[T](c, kind, mode, tl, func(f string, a ...any) { fail(where+": LU: "+f, a...) })
					}
					if c.Geqrf != nil {
						fixtureQR[T](c, kind, mode, tl, func(f string, a ...any) { fail(where+": QR: "+f, a...) })
					}
					if c.PotrfLower != nil {
						for _, ul := range uplos {
							fixtureCholesky[T](c, kind, mode, ul, tl, func(f string, a ...any) { fail(where+", "+uploName(ul)+": Cholesky: "+f, a...) })
						}
					}
					if c.SVD != nil {
						fixtureSVD[T](c, kind, mode, tl, func(f string, a ...any) { fail(where+": SVD: "+f, a...) })
					}
					if c.Eigh != nil {
						for _, ul := range uplos {
							fixtureEigen[T](c, kind, mode, ul, tl, func(f string, a ...any) { fail(where+", "+uploName(ul)+": EigenSym: "+f, a...) })
						}
					}
				}
			}
		})
	}
}

type failFunc func(format string, args ...any)

func fixtureLU[T float](c FixtureCase, kind string, mode lapack.Mode, tl float64, fail failFunc) {
	a := newBuffer[T](kind, 1, c.A)
	lu := newLU[T]()
	p, err := lu.factorize(a.arg(), mode)
	if err := checkInput(a, mode, p); err != nil {
		fail("%v", err)
	}
	if p.Transposed != lu.transposed() {
		fail("plan says transposed %v, LU says %v", p.Transposed, lu.transposed())
	}
	// The factors are of A, or of Aᵀ when its storage reached LAPACK as Aᵀ.
	want, get := c.Getrf, a.at
	if lu.transposed() {
		want, get = c.GetrfT, func(i, j int) float64 { return a.at(j, i) }
	}
	if want.Info > 0 {
		if !errors.Is(err, lapack.ErrSingular) {
			fail("got %v, want ErrSingular", err)
		} else if z := fmt.Sprintf("U(%d,%d)", want.Info-1, want.Info-1); !strings.Contains(err.Error(), z) {
			fail("error %q does not name %s", err, z)
		}
	} else if err != nil {
		fail("got %v", err)
		return
	}
	// In place, the buffer holds getrf's array, also for a singular A.
	if p.A.InPlace {
		if err := compare(get, want.LU, tl); err != nil {
			fail("factors in the buffer: %v", err)
		}
	}
	if c.Solve == nil {
		if c.B != nil && want.Info > 0 {
			x := emptyBuffer[T]("row", 3, len(c.B), len(c.B[0]))
			if _, err := lu.solveTo(x.arg(), false, newBuffer[T]("row", 2, c.B).arg()); !errors.Is(err, lapack.ErrSingular) {
				fail("SolveTo after a singular factorization: got %v, want ErrSingular", err)
			}
			if err := x.unchanged(); err != nil {
				fail("SolveTo after a singular factorization wrote X: %v", err)
			}
		}
		return
	}
	if d := lu.det(); !near(d, c.Solve.Det, tl*10) {
		fail("Det: got %v, want %v", d, c.Solve.Det)
	}
	for k, dk := range dstKinds {
		b := newBuffer[T](layoutKinds[k], 2, c.B)
		for _, trans := range []bool{false, true} {
			x := emptyBuffer[T](dk, 3, len(c.B), len(c.B[0]))
			if _, err := lu.solveTo(x.arg(), trans, b.arg()); err != nil {
				fail("SolveTo(trans %v) into %s: %v", trans, dk, err)
				continue
			}
			want := c.Solve.X
			if trans {
				want = c.Solve.XT
			}
			if err := compare(x.at, want, tl); err != nil {
				fail("SolveTo(trans %v) into %s: %v", trans, dk, err)
			}
			if err := x.sentinelsIntact(); err != nil {
				fail("SolveTo into %s: %v", dk, err)
			}
			if err := b.unchanged(); err != nil {
				fail("SolveTo changed B: %v", err)
			}
		}
	}
	// The one-shot Solve, into B itself.
	a = newBuffer[T](kind, 1, c.A)
	b := newBuffer[T]("col-padded", 2, c.B)
	if _, err := solve[T](b.arg(), a.arg(), b.arg(), mode); err != nil {
		fail("Solve into B: %v", err)
	} else if err := compare(b.at, c.Solve.X, tl); err != nil {
		fail("Solve into B: %v", err)
	}
	if err := b.sentinelsIntact(); err != nil {
		fail("Solve: %v", err)
	}
}

func fixtureQR[T float](c FixtureCase, kind string, mode lapack.Mode, tl float64, fail failFunc) {
	g := c.Geqrf
	m, n := len(c.A), len(c.A[0])
	k := min(m, n)
	a := newBuffer[T](kind, 1, c.A)
	qr := newQR[T]()
	p, err := qr.factorize(a.arg(), mode)
	if err != nil {
		fail("%v", err)
		return
	}
	if err := checkInput(a, mode, p); err != nil {
		fail("%v", err)
	}
	// geqrf on A and gelqf on Aᵀ leave the same numbers in A's places.
	if p.A.InPlace {
		if err := compare(a.at, g.QR, tl); err != nil {
			fail("factors in the buffer (%s): %v", p.Routine, err)
		}
	}
	for _, dk := range dstKinds {
		r := emptyBuffer[T](dk, 3, k, n)
		if err := qr.rTo(r.arg()); err != nil {
			fail("RTo %s: %v", dk, err)
		} else if err := compare(r.at, g.R, tl); err != nil {
			fail("RTo %s: %v", dk, err)
		}
		for _, want := range [][][]float64{g.QThin, g.QFull} {
			q := emptyBuffer[T](dk, 4, m, len(want[0]))
			if err := qr.qTo(q.arg()); err != nil {
				fail("QTo %s %d×%d: %v", dk, m, len(want[0]), err)
			} else if err := compare(q.at, want, tl); err != nil {
				fail("QTo %s %d×%d: %v", dk, m, len(want[0]), err)
			}
			if err := q.sentinelsIntact(); err != nil {
				fail("QTo: %v", err)
			}
		}
		b := newBuffer[T](dk, 2, c.B)
		x := emptyBuffer[T](dk, 5, n, len(c.B[0]))
		if m >= n {
			if _, err := qr.solveTo(x.arg(), b.arg()); err != nil {
				fail("SolveTo %s: %v", dk, err)
			} else if err := compare(x.at, c.Lstsq.X, tl); err != nil {
				fail("SolveTo %s: %v", dk, err)
			}
		} else if _, err := qr.solveTo(x.arg(), b.arg()); !errors.Is(err, lapack.ErrShape) {
			fail("SolveTo with m < n: got %v, want ErrShape", err)
		}
		if err := b.unchanged(); err != nil {
			fail("SolveTo changed B: %v", err)
		}
	}
	// LeastSquares: gels in one call, any shape.
	for _, dk := range dstKinds {
		a := newBuffer[T](kind, 1, c.A)
		b := newBuffer[T](dk, 2, c.B)
		x := emptyBuffer[T](dk, 3, n, len(c.B[0]))
		p, err := leastSquares[T](x.arg(), a.arg(), b.arg(), mode)
		if err != nil {
			fail("LeastSquares into %s: %v", dk, err)
			continue
		}
		if err := checkInput(a, mode, p); err != nil {
			fail("LeastSquares: %v", err)
		}
		// gels factors what it sees by QR when it is tall or square, by LQ
		// when wide: geqrf's numbers for A, or for Aᵀ wide (A tall).
		if p.A.InPlace && (m > n || m == n && !p.Transposed) {
			if err := compare(a.at, g.QR, tl); err != nil {
				fail("LeastSquares: factors in the buffer: %v", err)
			}
		}
		if err := compare(x.at, c.Lstsq.X, tl); err != nil {
			fail("LeastSquares into %s: %v", dk, err)
		}
		if err := errors.Join(b.unchanged(), x.sentinelsIntact()); err != nil {
			fail("LeastSquares: %v", err)
		}
	}
}

// poisonOther sets the triangle of a's view that ul does not name to NaN:
// routines that must not read it then show it, and it must survive.
func poisonOther[T float](a *buffer[T], ul blas.Uplo) {
	for i := range a.l.Rows {
		for j := range a.l.Cols {
			if (ul == blas.Lower && j > i) || (ul == blas.Upper && j < i) {
				a.data[at(a.l, i, j)] = T(math.NaN())
			}
		}
	}
	copy(a.orig, a.data)
}

// otherIntact reports whether the triangle ul does not name is still NaN.
func otherIntact[T float](a *buffer[T], ul blas.Uplo) error {
	for i := range a.l.Rows {
		for j := range a.l.Cols {
			if ((ul == blas.Lower && j > i) || (ul == blas.Upper && j < i)) && !math.IsNaN(a.at(i, j)) {
				return fmt.Errorf("(%d,%d) of the other triangle changed to %v", i, j, a.at(i, j))
			}
		}
	}
	return nil
}

func fixtureCholesky[T float](c FixtureCase, kind string, mode lapack.Mode, ul blas.Uplo, tl float64, fail failFunc) {
	want := c.PotrfLower
	if ul == blas.Upper {
		want = c.PotrfUpper
	}
	a := newBuffer[T](kind, 1, c.A)
	poisonOther(a, ul)
	ch := newChol[T]()
	p, err := ch.factorize(a.arg(), ul, mode)
	if err := errors.Join(checkInput(a, mode, p), otherIntact(a, ul)); err != nil {
		fail("%v", err)
	}
	if want.Info > 0 {
		if !errors.Is(err, lapack.ErrNotPositiveDefinite) {
			fail("got %v, want ErrNotPositiveDefinite", err)
		} else if z := fmt.Sprintf("order %d", want.Info); !strings.Contains(err.Error(), z) {
			fail("error %q does not name %s", err, z)
		}
		return
	}
	if err != nil {
		fail("%v", err)
		return
	}
	n := len(c.A)
	triangle := func(i, j int) bool { return (ul == blas.Lower) == (j <= i) }
	if p.A.InPlace {
		for i := range n {
			for j := range n {
				if triangle(i, j) && !near(a.at(i, j), want.C[i][j], tl) {
					fail("factor in the buffer (%d,%d): got %v, want %v", i, j, a.at(i, j), want.C[i][j])
				}
			}
		}
	}
	// L = the lower triangle of potrf's lower factor.
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			l[i][j] = c.PotrfLower.C[i][j]
		}
	}
	for _, dk := range dstKinds {
		dst := emptyBuffer[T](dk, 3, n, n)
		if err := ch.lTo(dst.arg()); err != nil {
			fail("LTo %s: %v", dk, err)
		} else if err := compare(dst.at, l, tl); err != nil {
			fail("LTo %s: %v", dk, err)
		}
		b := newBuffer[T](dk, 2, c.B)
		x := emptyBuffer[T](dk, 4, n, len(c.B[0]))
		if _, err := ch.solveTo(x.arg(), b.arg()); err != nil {
			fail("SolveTo %s: %v", dk, err)
		} else if err := compare(x.at, c.ChoSolve.X, tl); err != nil {
			fail("SolveTo %s: %v", dk, err)
		}
	}
	if d := ch.logDet(); c.Solve != nil && !near(d, math.Log(c.Solve.Det), tl) {
		fail("LogDet: got %v, want %v", d, math.Log(c.Solve.Det))
	}
}

func fixtureSVD[T float](c FixtureCase, kind string, mode lapack.Mode, tl float64, fail failFunc) {
	m, n := len(c.A), len(c.A[0])
	k := min(m, n)
	want := c.SVD
	for _, sk := range []mat.SVDKind{mat.SVDThin, mat.SVDFull, mat.SVDNone, mat.SVDThinU | mat.SVDFullV} {
		a := newBuffer[T](kind, 1, c.A)
		s := newSVD[T]()
		p, err := s.factorize(a.arg(), sk, mode)
		if err != nil {
			fail("kind %v: %v", sk, err)
			continue
		}
		if err := a.sentinelsIntact(); err != nil {
			fail("kind %v: %v", sk, err)
		}
		if want, got := expectInPlace[T](kind, mode), p.A.InPlace; got != want {
			fail("kind %v: plan %v: in place %v, want %v", sk, p, got, want)
		}
		if !p.A.InPlace {
			if err := a.unchanged(); err != nil {
				fail("kind %v: %v", sk, err)
			}
		}
		vals := s.values()
		for i, v := range want.S {
			if !near(vals[i], v, tl) {
				fail("kind %v: value %d: got %v, want %v", sk, i, vals[i], v)
			}
		}
		if sk == mat.SVDNone {
			continue
		}
		u, v := s.u(), s.v()
		wantUR, wantUC := m, k
		if sk&mat.SVDFullU != 0 {
			wantUC = m
		}
		wantVR, wantVC := n, k
		if sk&mat.SVDFullV != 0 {
			wantVC = n
		}
		if u.r != wantUR || u.c != wantUC || v.r != wantVR || v.c != wantVC {
			fail("kind %v: U %d×%d, V %d×%d; want %d×%d, %d×%d", sk, u.r, u.c, v.r, v.c, wantUR, wantUC, wantVR, wantVC)
			continue
		}
		// The first k columns are unique up to sign; U's and V's signs
		// agree, so that A = U·Σ·Vᵀ.
		if err := compareUpToSign(u.at, want.U, tl); err != nil {
			fail("kind %v: U: %v", sk, err)
		}
		if err := compareUpToSign(v.at, transpose(want.VT), tl); err != nil {
			fail("kind %v: V: %v", sk, err)
		}
		for i := range m {
			for j := range n {
				var sum float64
				for l := range k {
					sum += u.at(i, l) * vals[l] * v.at(j, l)
				}
				if !near(sum, c.A[i][j], tl*10) {
					fail("kind %v: (U·Σ·Vᵀ)(%d,%d) = %v, A = %v", sk, i, j, sum, c.A[i][j])
				}
			}
		}
		for name, q := range map[string]reader{"U": u, "V": v} {
			if err := orthonormal(q, tl*10); err != nil {
				fail("kind %v: %s: %v", sk, name, err)
			}
		}
		// UTo and VTo copy what U and V view.
		for _, dk := range dstKinds {
			du := emptyBuffer[T](dk, 3, u.r, u.c)
			dv := emptyBuffer[T](dk, 4, v.r, v.c)
			if err := errors.Join(s.uTo(du.arg()), s.vTo(dv.arg())); err != nil {
				fail("kind %v: UTo/VTo %s: %v", sk, dk, err)
				continue
			}
			if err := errors.Join(compare(du.at, readAll(u), 0), compare(dv.at, readAll(v), 0)); err != nil {
				fail("kind %v: UTo/VTo %s: %v", sk, dk, err)
			}
		}
	}
}

func readAll(r reader) [][]float64 {
	v := make([][]float64, r.r)
	for i := range v {
		v[i] = make([]float64, r.c)
		for j := range v[i] {
			v[i][j] = r.at(i, j)
		}
	}
	return v
}

// orthonormal reports whether q's columns are orthonormal.
func orthonormal(q reader, tl float64) error {
	for a := range q.c {
		for b := range q.c {
			var d float64
			for i := range q.r {
				d += q.at(i, a) * q.at(i, b)
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(d-want) > tl {
				return fmt.Errorf("columns %d·%d = %v, want %v", a, b, d, want)
			}
		}
	}
	return nil
}

func fixtureEigen[T float](c FixtureCase, kind string, mode lapack.Mode, ul blas.Uplo, tl float64, fail failFunc) {
	want := c.Eigh
	n := len(c.A)
	for _, vectors := range []bool{true, false} {
		a := newBuffer[T](kind, 1, c.A)
		poisonOther(a, ul)
		e := newEig[T]()
		p, err := e.factorize(a.arg(), ul, vectors, mode)
		if err != nil {
			fail("vectors %v: %v", vectors, err)
			continue
		}
		if err := checkInput(a, mode, p); err != nil {
			fail("vectors %v: %v", vectors, err)
		}
		vals := e.values()
		for i, w := range want.W {
			if !near(vals[i], w, tl) {
				fail("vectors %v: value %d: got %v, want %v", vectors, i, vals[i], w)
			}
		}
		if !vectors {
			if p.A.InPlace {
				if err := otherIntact(a, ul); err != nil {
					fail("%v", err)
				}
			}
			continue
		}
		z := e.vectors()
		if err := compareUpToSign(z.at, want.V, tl); err != nil {
			fail("vectors: %v", err)
		}
		// In place, the buffer holds Z in the backend's order: Z itself in
		// A's orientation when A was not transposed, Zᵀ when it was.
		if p.A.InPlace {
			get := a.at
			if p.Transposed {
				get = func(i, j int) float64 { return a.at(j, i) }
			}
			if err := compare(get, readAll(z), 0); err != nil {
				fail("vectors in the buffer: %v", err)
			}
		}
		d := emptyBuffer[T]("col-padded", 3, n, n)
		if err := e.vectorsTo(d.arg()); err != nil {
			fail("VectorsTo: %v", err)
		} else if err := compare(d.at, readAll(z), 0); err != nil {
			fail("VectorsTo: %v", err)
		}
	}
}
