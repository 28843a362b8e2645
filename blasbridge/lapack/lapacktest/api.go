package lapacktest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge/lapack"
	"github.com/strider-go/strider/colmajor"
)

// atOnly hides a matrix's storage: lapack can read it through At only.
type atOnly struct{ mat.Matrix }

// testInputs checks that Gonum's and strider's matrix types are viewed in
// place (no copy under Overwrite, the factors written into their storage),
// that transposes are seen through, and that a matrix with no storage is
// read through At.
func testInputs(t *testing.T) {
	rng := newRand(2)
	a := randMatrix(rng, 6, 6)
	b := randMatrix(rng, 6, 2)
	var want mat.Dense
	if err := want.Solve(dense(a), dense(b)); err != nil {
		t.Fatal(err)
	}
	col := lapack.Active().ColMajor
	padded := mat.NewDense(6, 9, nil) // a 6×6 block with padded rows
	aRow := padded.Slice(0, 6, 2, 8).(*mat.Dense)
	aRow.Copy(dense(a))
	aCol := colmajor.DenseCopyOf(dense(a))
	aT := mat.DenseCopyOf(dense(a).T()) // aT.T() is A, column-major storage
	padded2 := make([]float64, 6*9)
	for i := range 6 {
		copy(padded2[i*9+2:], a[i])
	}
	for _, tc := range []struct {
		name       string
		a          mat.Matrix
		data       []float64 // its storage, nil when it has none
		transposed bool
	}{
		{"*mat.Dense slice", aRow, padded.RawMatrix().Data, col},
		{"*colmajor.Dense", aCol, aCol.RawGeneralCols().Data, !col},
		{"mat.Transpose of *mat.Dense", aT.T(), aT.RawMatrix().Data, !col},
		{"*adapter.Strided", &adapter.Strided{Data: padded2, Layout: adapter.Layout{Rows: 6, Cols: 6, RowStride: 9, ColStride: 1, Offset: 2}}, padded2, col},
		{"At only", atOnly{dense(a)}, nil, false}, // copied in the backend's order
	} {
		before := mat.DenseCopyOf(tc.a)
		var x mat.Dense
		p, err := lapack.Solve(&x, tc.a, dense(b), lapack.Overwrite)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if err := compare(x.At, mat2rows(&want), 1e-10); err != nil {
			t.Errorf("%s: X: %v", tc.name, err)
		}
		if p.Transposed != tc.transposed {
			t.Errorf("%s: plan %v: transposed %v, want %v", tc.name, p, p.Transposed, tc.transposed)
		}
		if got := p.A.InPlace; got != (tc.data != nil) {
			t.Errorf("%s: plan %v: in place %v, want %v", tc.name, p, got, tc.data != nil)
		}
		if tc.data == nil {
			if p.A.CopiedBytes != 6*6*8 || !strings.Contains(p.A.Why, "At") {
				t.Errorf("%s: plan %v: want A copied through At", tc.name, p)
			}
			continue
		}
		// The factors were written through the view: the matrix changed.
		if mat.Equal(before, tc.a) {
			t.Errorf("%s: Overwrite left A unchanged: not in place", tc.name)
		}
	}
	// A *mat.VecDense right-hand side and solution.
	bv := mat.NewVecDense(6, nil)
	for i := range 6 {
		bv.SetVec(i, b[i][0])
	}
	var xv mat.VecDense
	if _, err := lapack.Solve(&xv, dense(a), bv, lapack.Preserve); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if !near(xv.AtVec(i), want.At(i, 0), 1e-10) {
			t.Errorf("VecDense: x[%d] = %v, want %v", i, xv.AtVec(i), want.At(i, 0))
		}
	}
	// float32: a *colmajor.Dense32 is viewed in place.
	c32 := colmajor.NewDense32(6, 6)
	for i := range 6 {
		for j := range 6 {
			c32.Set(i, j, float32(a[i][j]))
		}
	}
	var lu lapack.LU32
	p, err := lu.Factorize(c32, lapack.Overwrite)
	if err != nil {
		t.Fatal(err)
	}
	if want := lapack.Active().Float32 != nil; p.A.InPlace != want {
		t.Errorf("*colmajor.Dense32: plan %v: in place %v, want %v", p, p.A.InPlace, want)
	}
}

// testOutputs checks the destinations solves write: Gonum's empty matrices
// are allocated, the right-hand side itself may be the destination, a
// destination that overlaps B goes through scratch, and bad destinations
// are refused with nothing written.
func testOutputs[T float](t *testing.T) {
	rng := newRand(3)
	a := randMatrix(rng, 5, 5)
	b := randMatrix(rng, 5, 2)
	var want mat.Dense
	if err := want.Solve(dense(a), dense(b)); err != nil {
		t.Fatal(err)
	}
	tl := tol[T]() * 10
	lu := newLU[T]()
	ab := newBuffer[T]("row", 1, a)
	if _, err := lu.factorize(ab.arg(), lapack.Overwrite); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%T", *new(T))

	// Empty Gonum matrices are sized.
	var empties []any
	if is64[T]() {
		empties = []any{&mat.Dense{}, &colmajor.Dense{}}
	} else {
		empties = []any{&colmajor.Dense32{}}
	}
	for _, dst := range empties {
		if _, err := lu.solveTo(dst, false, newBuffer[T]("row", 2, b).arg()); err != nil {
			t.Errorf("%s: empty %T: %v", name, dst, err)
			continue
		}
		if err := compare(readerOf(dst).at, mat2rows(&want), tl); err != nil {
			t.Errorf("%s: empty %T: %v", name, dst, err)
		}
	}

	// X may be B itself, in either order: in place when in the backend's
	// order.
	for _, kind := range layoutKinds {
		bb := newBuffer[T](kind, 2, b)
		p, err := lu.solveTo(bb.arg(), false, bb.arg())
		if err != nil {
			t.Errorf("%s: X = B %s: %v", name, kind, err)
			continue
		}
		if err := errors.Join(compare(bb.at, mat2rows(&want), tl), bb.sentinelsIntact()); err != nil {
			t.Errorf("%s: X = B %s: %v", name, kind, err)
		}
		if p.X.InPlace && p.B.CopiedBytes != 0 {
			t.Errorf("%s: X = B %s: plan %v copies B onto itself", name, kind, p)
		}
	}

	// X overlapping B elsewhere: B is read into scratch before X is written.
	shared := newBuffer[T]("row", 2, [][]float64{
		{b[0][0], b[0][1], 0}, {b[1][0], b[1][1], 0}, {b[2][0], b[2][1], 0}, {b[3][0], b[3][1], 0}, {b[4][0], b[4][1], 0},
	})
	bl := shared.l
	bl.Cols = 2
	xl := bl
	xl.Offset++ // X is columns 1..2 of the same rows: overlaps B's column 1
	p, err := lu.solveTo(strided(shared.data, xl), false, strided(shared.data, bl))
	if err != nil {
		t.Errorf("%s: X overlapping B: %v", name, err)
	} else {
		x := &buffer[T]{data: shared.data, l: xl}
		if err := compare(x.at, mat2rows(&want), tl); err != nil {
			t.Errorf("%s: X overlapping B: %v (plan %v)", name, err, p)
		}
	}

	// Refused destinations write nothing.
	bb := newBuffer[T]("row", 2, b)
	for _, tc := range []struct {
		what string
		dst  any
		want error
	}{
		{"wrong shape", emptyBuffer[T]("row", 3, 5, 3).arg(), lapack.ErrShape},
		{"shares addresses", strided(make([]T, 10), adapter.Layout{Rows: 5, Cols: 2, RowStride: 0, ColStride: 1}), lapack.ErrOutput},
		{"outside its buffer", strided(make([]T, 9), adapter.Layout{Rows: 5, Cols: 2, RowStride: 2, ColStride: 1}), adapter.ErrOutOfBounds},
		{"the factors' memory", strided(ab.data, adapter.Layout{Rows: 5, Cols: 2, RowStride: 5, ColStride: 1}), factorsErr[T]()},
		{"no strided view", unviewable[T](), lapack.ErrOutput},
	} {
		snapshot := append([]T(nil), ab.data...)
		if _, err := lu.solveTo(tc.dst, false, bb.arg()); !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: X %s: got %v, want %v", name, tc.what, err, tc.want)
		}
		if tc.want != nil && fmt.Sprint(snapshot) != fmt.Sprint(ab.data) {
			t.Errorf("%s: X %s: the factors changed", name, tc.what)
		}
	}
	if err := bb.unchanged(); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

// factorsErr is the error for an X in A's buffer after an Overwrite
// factorization: ErrOutput when the factors are there, none when float32
// was widened and the factors are in a float64 copy.
func factorsErr[T float]() error {
	if is64[T]() || lapack.Active().Float32 != nil {
		return lapack.ErrOutput
	}
	return nil
}

// strided wraps data and a layout as the argument of precision T.
func strided[T float](data []T, l adapter.Layout) any {
	return (&buffer[T]{data: data, l: l}).arg()
}

// unviewable returns a matrix of precision T with no strided view.
func unviewable[T float]() any {
	if is64[T]() {
		return atOnly{mat.NewDense(5, 2, nil)}
	}
	return at32{5, 2}
}

// at32 is an r×c float32 matrix of zeros with no storage.
type at32 struct{ r, c int }

// Dims returns the matrix's shape.
func (m at32) Dims() (int, int) { return m.r, m.c }

// At returns 0.
func (m at32) At(i, j int) float32 { return 0 }

// testPlans checks what plans report: the bytes each operand copied and
// why, whether LAPACK saw Aᵀ, and the one-line description.
func testPlans[T float](t *testing.T) {
	rng := newRand(4)
	a := randMatrix(rng, 6, 4)
	b := randMatrix(rng, 6, 2)
	be := lapack.Active()
	wide := !is64[T]() && be.Float32 == nil
	lapackSize := size[T]()
	if wide {
		lapackSize = 8
	}
	for _, kind := range layoutKinds {
		for _, mode := range modes {
			where := fmt.Sprintf("%T %s %v", *new(T), kind, mode)
			ab := newBuffer[T](kind, 1, a)
			qr := newQR[T]()
			p, err := qr.factorize(ab.arg(), mode)
			if err != nil {
				t.Fatal(err)
			}
			general := strings.HasPrefix(kind, "general")
			inPlace := mode == lapack.Overwrite && !general && !wide
			wantCopied := 0
			if !inPlace {
				wantCopied = 6 * 4 * lapackSize
			}
			if p.A.CopiedBytes != wantCopied || p.CopiedBytes != wantCopied {
				t.Errorf("%s: plan %v: copied %d (A %d), want %d", where, p, p.CopiedBytes, p.A.CopiedBytes, wantCopied)
			}
			if (wantCopied == 0) != (p.A.Why == "") {
				t.Errorf("%s: plan %v: reason %q", where, p, p.A.Why)
			}
			// The copy keeps the input's order (a general input takes the
			// order of its smaller stride); LAPACK sees Aᵀ when that order
			// is not the backend's.
			colOrder := kind == "col" || kind == "col-padded" || kind == "general-colfast"
			if p.Transposed != (colOrder != be.ColMajor) {
				t.Errorf("%s: plan %v: transposed %v", where, p, p.Transposed)
			}
			routine := "geqrf"
			if p.Transposed {
				routine = "gelqf"
			}
			if !strings.HasSuffix(p.Routine, routine) || !strings.Contains(p.String(), p.Routine) || strings.Contains(p.String(), "on Aᵀ") != p.Transposed {
				t.Errorf("%s: plan %q: want %s", where, p, routine)
			}
			// B is copied into the m-row scratch ormqr works in, X out of it.
			x := emptyBuffer[T]("row", 3, 4, 2)
			ps, err := qr.solveTo(x.arg(), newBuffer[T]("col", 2, b).arg())
			if err != nil {
				t.Fatal(err)
			}
			if ps.B.CopiedBytes != 6*2*lapackSize || ps.X.CopiedBytes != 4*2*size[T]() || ps.X.InPlace {
				t.Errorf("%s: solve plan %v", where, ps)
			}
		}
	}
	// An LU solve writes X in place when X is in the backend's order,
	// copying B into it; otherwise through scratch.
	sq := randMatrix(rng, 4, 4)
	lu := newLU[T]()
	if _, err := lu.factorize(newBuffer[T]("row", 1, sq).arg(), lapack.Preserve); err != nil {
		t.Fatal(err)
	}
	for _, kind := range layoutKinds {
		x := emptyBuffer[T](kind, 3, 4, 2)
		p, err := lu.solveTo(x.arg(), false, newBuffer[T]("general-reversed", 2, b[:4]).arg())
		if err != nil {
			t.Fatal(err)
		}
		native := kind == "row" || kind == "row-padded"
		if be.ColMajor {
			native = kind == "col" || kind == "col-padded"
		}
		direct := native && !wide
		if p.X.InPlace != direct {
			t.Errorf("%T X %s: plan %v: in place %v, want %v", *new(T), kind, p, p.X.InPlace, direct)
		}
		wantB, wantX := 4*2*size[T](), 0
		if !direct {
			wantB, wantX = 4*2*lapackSize, 4*2*size[T]()
		}
		if p.B.CopiedBytes != wantB || p.X.CopiedBytes != wantX || p.CopiedBytes != wantB+wantX {
			t.Errorf("%T X %s: plan %v: copied B %d, X %d; want %d, %d", *new(T), kind, p, p.B.CopiedBytes, p.X.CopiedBytes, wantB, wantX)
		}
	}
}

// testErrors checks that bad operands get errors naming the problem, that
// nothing is written then, and that misuse panics.
func testErrors(t *testing.T) {
	rng := newRand(5)
	a := randMatrix(rng, 4, 4)
	ab := newBuffer[float64]("row-padded", 1, a)
	bb := newBuffer[float64]("row", 2, randMatrix(rng, 4, 1))
	var lu lapack.LU
	for _, tc := range []struct {
		what string
		a    mat.Matrix
		want error
	}{
		{"layout past the buffer", &adapter.Strided{Data: ab.data[:10], Layout: ab.l}, adapter.ErrOutOfBounds},
		{"layout before the buffer", &adapter.Strided{Data: ab.data, Layout: adapter.Layout{Rows: 4, Cols: 4, RowStride: -6, ColStride: 1}}, adapter.ErrOutOfBounds},
		{"negative rows", &adapter.Strided{Data: ab.data, Layout: adapter.Layout{Rows: -4, Cols: 4, RowStride: 6, ColStride: 1}}, adapter.ErrDims},
		{"overflowing strides", &adapter.Strided{Data: ab.data, Layout: adapter.Layout{Rows: 4, Cols: 4, RowStride: 1 << 62, ColStride: 1}}, adapter.ErrOverflow},
		{"not square", newBuffer[float64]("row", 1, randMatrix(rng, 4, 3)).arg().(mat.Matrix), lapack.ErrShape},
		{"empty", &mat.Dense{}, lapack.ErrShape},
		{"nil", nil, lapack.ErrShape},
	} {
		for _, mode := range modes {
			if _, err := lu.Factorize(tc.a, mode); !errors.Is(err, tc.want) {
				t.Errorf("LU %s (%v): got %v, want %v", tc.what, mode, err, tc.want)
			}
			if _, err := lapack.Solve(&mat.Dense{}, tc.a, bb.arg().(mat.Matrix), mode); !errors.Is(err, tc.want) {
				t.Errorf("Solve %s (%v): got %v, want %v", tc.what, mode, err, tc.want)
			}
			if err := ab.unchanged(); err != nil {
				t.Errorf("%s: %v", tc.what, err)
			}
		}
	}
	// A right-hand side of the wrong height.
	if _, err := lapack.Solve(&mat.Dense{}, ab.arg().(mat.Matrix), mat.NewDense(3, 1, nil), lapack.Overwrite); !errors.Is(err, lapack.ErrShape) {
		t.Errorf("Solve with 3 rows of B for 4: got %v, want ErrShape", err)
	}
	if err := ab.unchanged(); err != nil {
		t.Errorf("Solve with a bad B wrote A: %v", err)
	}

	// A zero column makes R(2,2) exactly zero: QR.SolveTo and LeastSquares
	// say so, and leave X as it was.
	def := randMatrix(rng, 6, 4)
	for i := range def {
		def[i][2] = 0
	}
	for _, kind := range layoutKinds {
		for _, mode := range modes {
			var qr lapack.QR
			if _, err := qr.Factorize(newBuffer[float64](kind, 1, def).arg().(mat.Matrix), mode); err != nil {
				t.Fatal(err)
			}
			x := emptyBuffer[float64](kind, 3, 4, 1)
			b := newBuffer[float64]("row", 2, randMatrix(rng, 6, 1))
			_, err := qr.SolveTo(x.arg().(mat.Matrix), b.arg().(mat.Matrix))
			if !errors.Is(err, lapack.ErrRankDeficient) || !strings.Contains(fmt.Sprint(err), "R(2,2)") {
				t.Errorf("QR.SolveTo, zero column, %s %v: got %v, want ErrRankDeficient naming R(2,2)", kind, mode, err)
			}
			_, err = lapack.LeastSquares(x.arg().(mat.Matrix), newBuffer[float64](kind, 1, def).arg().(mat.Matrix), b.arg().(mat.Matrix), mode)
			if !errors.Is(err, lapack.ErrRankDeficient) || !strings.Contains(fmt.Sprint(err), "element 2") {
				t.Errorf("LeastSquares, zero column, %s %v: got %v, want ErrRankDeficient naming element 2", kind, mode, err)
			}
			if err := errors.Join(x.unchanged(), b.unchanged()); err != nil {
				t.Errorf("rank-deficient solves, %s %v: %v", kind, mode, err)
			}
		}
	}

	// A broadcast layout may describe more elements than memory holds: a
	// copy whose size overflows is refused before anything is allocated.
	huge := &adapter.Strided{Data: ab.data, Layout: adapter.Layout{Rows: 1 << 62, Cols: 4, RowStride: 0, ColStride: 1}}
	if _, err := new(lapack.QR).Factorize(huge, lapack.Preserve); !errors.Is(err, lapack.ErrTooLarge) {
		t.Errorf("QR of a broadcast 2^62×4 A: got %v, want ErrTooLarge", err)
	}

	// A backend's dimension limit (32-bit for LAPACKE) is an error.
	be := lapack.Active()
	small := be
	small.MaxDim = 3
	lapack.SetBackend(small)
	_, err := lu.Factorize(ab.arg().(mat.Matrix), lapack.Overwrite)
	lapack.SetBackend(be)
	if !errors.Is(err, lapack.ErrTooLarge) {
		t.Errorf("4×4 on a backend taking 3: got %v, want ErrTooLarge", err)
	}
	if err := ab.unchanged(); err != nil {
		t.Errorf("ErrTooLarge wrote A: %v", err)
	}

	// Using a factorization before Factorize is a programming error.
	for what, f := range map[string]func(){
		"LU.SolveTo":         func() { _, _ = new(lapack.LU).SolveTo(&mat.Dense{}, false, mat.NewDense(1, 1, nil)) },
		"LU.Det":             func() { new(lapack.LU).Det() },
		"QR.QTo":             func() { _ = new(lapack.QR).QTo(&mat.Dense{}) },
		"Cholesky.LogDet":    func() { new(lapack.Cholesky).LogDet() },
		"SVD.Values":         func() { new(lapack.SVD).Values(nil) },
		"EigenSym.Vectors":   func() { new(lapack.EigenSym).Vectors() },
		"Cholesky bad uplo":  func() { _, _ = new(lapack.Cholesky).Factorize(dense(a), blas.Uplo(0), lapack.Preserve) },
		"SVD.U not computed": func() { s := new(lapack.SVD); _, _ = s.Factorize(dense(a), mat.SVDNone, lapack.Preserve); s.U() },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", what)
				}
			}()
			f()
		}()
	}
}
