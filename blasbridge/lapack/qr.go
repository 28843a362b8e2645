package lapack

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// QR is the QR factorization A = Q·R of an m×n matrix, computed by LAPACK's
// geqrf on A's storage (Overwrite) or on one copy (Preserve) — or, when A
// reaches LAPACK as Aᵀ, by gelqf: the LQ factorization Aᵀ = L·Qᵀ is the QR
// factorization of A with R = Lᵀ, and it leaves the same numbers in the
// same places of A's buffer. So with Overwrite and no copy, A's buffer holds,
// in A's own orientation and whichever routine ran, what geqrf leaves: R on
// and above the diagonal and the Householder vectors below it. The QR refers
// to that buffer until the next Factorize: do not change it meanwhile.
//
// The zero value is ready to use. A QR is not safe for concurrent use.
type QR struct {
	c qrCore[float64]
}

// QR32 is QR for float32 matrices; on a backend without float32 LAPACK it
// factors a float64 copy, as LU32 does.
type QR32 struct {
	n    qrCore[float32]
	w    qrCore[float64]
	wide bool
}

type qrCore[T float] struct {
	f   fac[T]
	tau []T
}

// Factorize computes the QR factorization of a. It returns the plan it
// followed, and errors as LU.Factorize does except that a need not be square
// and no factorization fails.
func (qr *QR) Factorize(a mat.Matrix, mode Mode) (Plan, error) {
	in, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	return factorQR(&qr.c, active.Load(), in, mode)
}

// Factorize is QR.Factorize for float32.
func (qr *QR32) Factorize(a adapter.Matrix32, mode Mode) (Plan, error) {
	in, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	qr.wide = wide(st)
	if qr.wide {
		return factorQR(&qr.w, st, in, mode)
	}
	return factorQR(&qr.n, st, in, mode)
}

// RTo writes R into dst, which must be k×n or m×n for k = min(m, n) (an
// empty *mat.Dense or *colmajor.Dense is allocated k×n); entries below the
// diagonal are zero. It returns ErrShape or ErrOutput for a dst it cannot
// write. It panics if the receiver has not been factorized.
func (qr *QR) RTo(dst mat.Matrix) error {
	f := &qr.c.f
	f.mustBeDone("QR")
	out, err := out64("R", dst, rRows64(dst, f), f.n)
	if err != nil {
		return err
	}
	return rTo(f, out)
}

// RTo is QR.RTo for float32 outputs.
func (qr *QR32) RTo(dst adapter.Matrix32) error {
	if qr.wide {
		qr.w.f.mustBeDone("QR32")
		out, err := out32("R", dst, rRows32(dst, qr.w.f.m, qr.w.f.n), qr.w.f.n)
		if err != nil {
			return err
		}
		return rTo(&qr.w.f, out)
	}
	qr.n.f.mustBeDone("QR32")
	out, err := out32("R", dst, rRows32(dst, qr.n.f.m, qr.n.f.n), qr.n.f.n)
	if err != nil {
		return err
	}
	return rTo(&qr.n.f, out)
}

// QTo writes Q into dst, which must be m×k (thin) or m×m (full) for
// k = min(m, n); an empty *mat.Dense or *colmajor.Dense is allocated m×k.
// LAPACK's orgqr (or orglq, on dst's transpose, when dst is stored in the
// other order) builds Q in dst itself when dst is row- or column-major;
// other outputs go through scratch. It returns ErrShape or ErrOutput for a
// dst it cannot write, or one that shares memory with the factorization.
// It panics if the receiver has not been factorized.
func (qr *QR) QTo(dst mat.Matrix) error {
	f := &qr.c.f
	f.mustBeDone("QR")
	out, err := out64("Q", dst, f.m, qCols64(dst, f.m, f.n))
	if err != nil {
		return err
	}
	return qTo(&qr.c, out)
}

// QTo is QR.QTo for float32 outputs.
func (qr *QR32) QTo(dst adapter.Matrix32) error {
	if qr.wide {
		qr.w.f.mustBeDone("QR32")
		out, err := out32("Q", dst, qr.w.f.m, qCols32(dst, qr.w.f.m, qr.w.f.n))
		if err != nil {
			return err
		}
		return qTo(&qr.w, out)
	}
	qr.n.f.mustBeDone("QR32")
	out, err := out32("Q", dst, qr.n.f.m, qCols32(dst, qr.n.f.m, qr.n.f.n))
	if err != nil {
		return err
	}
	return qTo(&qr.n, out)
}

// SolveTo finds the least-squares solution X of min ‖A·X − B‖ (Frobenius
// norm) for m >= n, writing the n×nrhs X into dst: Qᵀ·B by ormqr (ormlq
// when Aᵀ was factored) in scratch, then R·X = (Qᵀ·B)[:n] by trtrs. It
// returns ErrShape for m < n (use LeastSquares for the minimum-norm
// solution) and for b and dst of the wrong shapes, ErrRankDeficient when R
// has an exactly zero diagonal element, ErrOutput as LU.SolveTo does; dst
// is written only on success. It panics if the receiver has not been
// factorized.
func (qr *QR) SolveTo(dst, b mat.Matrix) (Plan, error) {
	bin, err := view64("B", b)
	if err != nil {
		return Plan{}, err
	}
	f := &qr.c.f
	if err := checkLS(f, bin, "QR"); err != nil {
		return Plan{}, err
	}
	out, err := out64("X", dst, f.n, bin.c)
	if err != nil {
		return Plan{}, err
	}
	return solveQR(&qr.c, out, bin)
}

// SolveTo is QR.SolveTo for float32.
func (qr *QR32) SolveTo(dst, b adapter.Matrix32) (Plan, error) {
	bin, err := view32("B", b)
	if err != nil {
		return Plan{}, err
	}
	f64, f32 := &qr.w.f, &qr.n.f
	var n int
	if qr.wide {
		err, n = checkLS(f64, bin, "QR32"), f64.n
	} else {
		err, n = checkLS(f32, bin, "QR32"), f32.n
	}
	if err != nil {
		return Plan{}, err
	}
	out, err := out32("X", dst, n, bin.c)
	if err != nil {
		return Plan{}, err
	}
	if qr.wide {
		return solveQR(&qr.w, out, bin)
	}
	return solveQR(&qr.n, out, bin)
}

func checkLS[S, T float](f *fac[T], b input[S], what string) error {
	if err := checkRHS(f, b, what); err != nil {
		return err
	}
	if f.m < f.n {
		return fmt.Errorf("%w: A is %d×%d; %s.SolveTo needs m >= n (LeastSquares solves m < n)", ErrShape, f.m, f.n, what)
	}
	return nil
}

// rRows64 is the number of rows RTo writes: dst's, or k for an empty dst.
func rRows64[T float](dst mat.Matrix, f *fac[T]) int {
	if r, _ := dst.Dims(); r == f.m {
		return f.m
	}
	return min(f.m, f.n)
}

func rRows32(dst adapter.Matrix32, m, n int) int {
	if r, _ := dst.Dims(); r == m {
		return m
	}
	return min(m, n)
}

// qCols64 is the number of columns QTo writes: dst's, or k for an empty
// dst.
func qCols64(dst mat.Matrix, m, n int) int {
	if _, c := dst.Dims(); c == m {
		return m
	}
	return min(m, n)
}

func qCols32(dst adapter.Matrix32, m, n int) int {
	if _, c := dst.Dims(); c == m {
		return m
	}
	return min(m, n)
}

func factorQR[S, T float](c *qrCore[T], st *state, in input[S], mode Mode) (Plan, error) {
	var p Plan
	f := &c.f
	if err := prepare(f, st, in, mode, &p); err != nil {
		return p, err
	}
	k := min(f.m, f.n)
	c.tau = grow(c.tau, k)
	run := f.k.geqrf
	p.Routine = f.k.names().geqrf
	if f.trans {
		// Aᵀ = L·Q̃ (gelqf) is A = Q̃ᵀ·Lᵀ: the same reflectors, stored
		// where geqrf stores A's.
		run = f.k.gelqf
		p.Routine = f.k.names().gelqf
	}
	run(f.sr, f.sc, f.a, f.ld, c.tau, f.workspace(1), -1)
	run(f.sr, f.sc, f.a, f.ld, c.tau, f.workspace(f.query()), len(f.work))
	f.done = true
	p.total()
	return p, nil
}

func rTo[S, T float](f *fac[T], out output[S]) error {
	if od, ok := same[S, T](reach(out.data, out.l)); ok && overlapsFac(od, f) {
		return fmt.Errorf("%w: R shares memory with the factorization", ErrOutput)
	}
	for i := range out.l.Rows {
		for j := range out.l.Cols {
			var v T
			if j >= i {
				v = f.at(i, j)
			}
			out.data[out.l.Index(i, j)] = S(v)
		}
	}
	return nil
}

func qTo[S, T float](c *qrCore[T], out output[S]) error {
	f := &c.f
	m, k, cols := f.m, min(f.m, f.n), out.l.Cols
	var q []T
	var ld int
	direct, qcol := false, f.colMajor
	if od, ok := same[S, T](out.data); ok {
		if overlapsFac(reach(od, out.l), f) {
			return fmt.Errorf("%w: Q shares memory with the factorization", ErrOutput)
		}
		for _, col := range [2]bool{f.colMajor, !f.colMajor} {
			if l, ok := ldFor(out.l, col); ok && l <= f.st.be.MaxDim {
				q, ld, qcol, direct = od[out.l.Offset:], l, col, true
				break
			}
		}
	}
	if !direct {
		ld = cols
		if qcol {
			ld = m
		}
		f.rhs = grow(f.rhs, m*cols)
		q = f.rhs
	}
	// The reflectors are the factor array's first k columns, below the
	// diagonal; copy those columns whole.
	for j := range k {
		for i := range m {
			if qcol {
				q[i+j*ld] = f.at(i, j)
			} else {
				q[i*ld+j] = f.at(i, j)
			}
		}
	}
	gen, r, cc := f.k.orgqr, m, cols
	if qcol != f.colMajor {
		// q read in the backend's order is Qᵀ, reflectors in rows.
		gen, r, cc = f.k.orglq, cols, m
	}
	gen(r, cc, k, q, ld, c.tau, f.workspace(1), -1)
	gen(r, cc, k, q, ld, c.tau, f.workspace(f.query()), len(f.work))
	if !direct {
		unpack(out, q, ld, qcol)
	}
	return nil
}

func solveQR[S, T float](c *qrCore[T], out output[S], b input[S]) (Plan, error) {
	f := &c.f
	m, n, nrhs := f.m, f.n, b.c
	p := Plan{Backend: f.st.be.Name, Transposed: f.trans}
	// Check R before touching X, so that X is written only on success.
	for i := range n {
		if f.at(i, i) == 0 {
			return Plan{}, fmt.Errorf("%w: R(%d,%d) is exactly zero", ErrRankDeficient, i, i)
		}
	}
	x, ldx, direct, err := solveSpace(f, out, b, m, true, &p)
	if err != nil {
		return Plan{}, err
	}
	var info int
	if !f.trans {
		p.Routine = f.k.names().ormqrTrtrs
		f.k.ormqr(blas.Left, blas.Trans, m, nrhs, n, f.a, f.ld, c.tau, x, ldx, f.workspace(1), -1)
		f.k.ormqr(blas.Left, blas.Trans, m, nrhs, n, f.a, f.ld, c.tau, x, ldx, f.workspace(f.query()), len(f.work))
		info = f.k.trtrs(blas.Upper, blas.NoTrans, blas.NonUnit, n, nrhs, f.a, f.ld, x, ldx)
	} else {
		// Aᵀ = L·Q̃: Qᵀ·B = Q̃·B, and R = Lᵀ.
		p.Routine = f.k.names().ormlqTrtrs
		f.k.ormlq(blas.Left, blas.NoTrans, m, nrhs, n, f.a, f.ld, c.tau, x, ldx, f.workspace(1), -1)
		f.k.ormlq(blas.Left, blas.NoTrans, m, nrhs, n, f.a, f.ld, c.tau, x, ldx, f.workspace(f.query()), len(f.work))
		info = f.k.trtrs(blas.Lower, blas.Trans, blas.NonUnit, n, nrhs, f.a, f.ld, x, ldx)
	}
	if info > 0 {
		return Plan{}, fmt.Errorf("%w: R(%d,%d) is exactly zero", ErrRankDeficient, info-1, info-1)
	}
	if !direct {
		unpack(out, x, ldx, f.colMajor)
	}
	p.total()
	return p, nil
}

// LeastSquares solves min ‖A·X − B‖ for an m×n A of full rank, writing the
// n×nrhs X into dst: the least-squares solution for m >= n, the
// minimum-norm solution of the underdetermined system for m < n. It runs
// LAPACK's gels once, on A's storage or its transpose (gels's trans flag),
// in place with Overwrite — A's buffer is then left holding, also on
// failure, the factorization gels computed of the matrix it saw (A, or Aᵀ
// when the plan says Transposed): QR when that matrix has at least as many
// rows as columns, LQ otherwise, as geqrf and gelqf leave them; so for
// m > n, what QR.Factorize leaves. (gels first scales a matrix whose
// entries are near overflow or underflow, and factors the scaled one.) With
// Preserve it works on one copy. B is copied into the
// max(m, n)×nrhs array gels works in, which is scratch, and X copied out of
// it on success.
//
// It returns ErrRankDeficient when A's triangular factor has an exactly
// zero diagonal element, ErrShape when B does not have m rows or dst is not
// n×nrhs, and the errors of LU.SolveTo and LU.Factorize for bad operands;
// dst is written only on success.
func LeastSquares(dst, a, b mat.Matrix, mode Mode) (Plan, error) {
	ain, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	bin, err := view64("B", b)
	if err != nil {
		return Plan{}, err
	}
	f := facPool64.Get().(*fac[float64])
	defer putFac(facPool64, f)
	return leastSquares(f, active.Load(), ain, bin, mode, func(r, c int) (output[float64], error) { return out64("X", dst, r, c) })
}

// LeastSquares32 is LeastSquares for float32.
func LeastSquares32(dst, a, b adapter.Matrix32, mode Mode) (Plan, error) {
	ain, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	bin, err := view32("B", b)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	out := func(r, c int) (output[float32], error) { return out32("X", dst, r, c) }
	if wide(st) {
		f := facPool64.Get().(*fac[float64])
		defer putFac(facPool64, f)
		return leastSquares(f, st, ain, bin, mode, out)
	}
	f := facPool32.Get().(*fac[float32])
	defer putFac(facPool32, f)
	return leastSquares(f, st, ain, bin, mode, out)
}

var (
	facPool64 = &sync.Pool{New: func() any { return new(fac[float64]) }}
	facPool32 = &sync.Pool{New: func() any { return new(fac[float32]) }}
)

func putFac[T float](p *sync.Pool, f *fac[T]) {
	f.release()
	p.Put(f)
}

func leastSquares[S, T float](f *fac[T], st *state, a, b input[S], mode Mode, out func(r, c int) (output[S], error)) (Plan, error) {
	if b.r != a.r {
		return Plan{}, fmt.Errorf("%w: B has %d rows, A is %d×%d", ErrShape, b.r, a.r, a.c)
	}
	x, err := out(a.c, b.c)
	if err != nil {
		return Plan{}, err
	}
	var p Plan
	if err := prepare(f, st, a, mode, &p); err != nil {
		return p, err
	}
	m, n, nrhs := f.m, f.n, b.c
	// gels may fail after changing its right-hand side: never let it be X.
	xs, ldx, direct, err := solveSpace(f, x, b, max(m, n), false, &p)
	if err != nil {
		return Plan{}, err
	}
	p.Routine = f.k.names().gels
	t := blas.NoTrans
	if f.trans {
		t = blas.Trans
	}
	f.k.gels(t, f.sr, f.sc, nrhs, f.a, f.ld, xs, ldx, f.workspace(1), -1)
	if info := f.k.gels(t, f.sr, f.sc, nrhs, f.a, f.ld, xs, ldx, f.workspace(f.query()), len(f.work)); info > 0 {
		return Plan{}, fmt.Errorf("%w: the triangular factor of %s has an exactly zero diagonal element %d", ErrRankDeficient, of(f.trans), info-1)
	}
	if !direct {
		unpack(x, xs, ldx, f.colMajor)
	}
	p.total()
	return p, nil
}
