package lapack

import (
	"errors"
	"fmt"

	glapack "gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// SVD is the singular value decomposition A = U·Σ·Vᵀ of an m×n matrix,
// computed by LAPACK's gesdd (divide and conquer, when the backend has it
// and U and V are wanted alike) or gesvd. When A reaches LAPACK as Aᵀ, the
// SVD of Aᵀ = V·Σ·Uᵀ is computed and U and V swap roles; no data moves.
//
// U and V are stored where LAPACK wrote them, in the backend's order, and U
// and V return them as Gonum matrices without copying: a *mat.Dense when
// the vectors lie row-major, a *colmajor.Dense when they lie column-major
// (the other of U and V, or both when Aᵀ was factored). Singular vectors
// are unique up to sign for distinct singular values.
//
// With Overwrite, LAPACK uses A's buffer as workspace: its contents are
// unspecified afterwards (also after an error). The zero value is ready to
// use. An SVD is not safe for concurrent use.
type SVD struct {
	c svdCore[float64]
}

// SVD32 is SVD for float32 matrices. On a backend without float32 LAPACK
// it factors a float64 copy, and U and V return narrowed float32 copies of
// the float64 vectors, made once per factorization.
type SVD32 struct {
	n      svdCore[float32]
	w      svdCore[float64]
	wide   bool
	u, v   []float32 // narrowed vectors, when wide
	narrow [2]bool   // u, v narrowed for this factorization
}

type svdCore[T float] struct {
	f            fac[T]
	s            []T
	u, vt        []T // U and Vᵀ of the stored matrix, in the backend's order
	ur, uc, ldu  int
	vr, vc, ldvt int
	uOK, vtOK    bool
}

// Factorize computes the singular value decomposition of a, with the
// singular vectors kind asks for (mat.SVDNone, SVDThin, SVDFull,
// SVDThinU, …, as for mat.SVD). It returns the plan it followed and an
// error wrapping ErrNoConvergence when LAPACK's iteration did not converge;
// otherwise errors as LU.Factorize does.
func (s *SVD) Factorize(a mat.Matrix, kind mat.SVDKind, mode Mode) (Plan, error) {
	in, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	return factorSVD(&s.c, active.Load(), in, kind, mode)
}

// Factorize is SVD.Factorize for float32.
func (s *SVD32) Factorize(a adapter.Matrix32, kind mat.SVDKind, mode Mode) (Plan, error) {
	in, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	s.wide, s.narrow = wide(st), [2]bool{}
	if s.wide {
		return factorSVD(&s.w, st, in, kind, mode)
	}
	return factorSVD(&s.n, st, in, kind, mode)
}

// Values returns the min(m, n) singular values in decreasing order, in dst
// when it is long enough and in a new slice otherwise. It panics if the
// receiver has not been factorized successfully.
func (s *SVD) Values(dst []float64) []float64 { return values(&s.c.f, s.c.s, dst) }

// Values is SVD.Values for float32.
func (s *SVD32) Values(dst []float32) []float32 {
	if s.wide {
		return values(&s.w.f, s.w.s, dst)
	}
	return values(&s.n.f, s.n.s, dst)
}

// U returns the left singular vectors, m×k for thin and m×m for full, as a
// *mat.Dense or *colmajor.Dense over the factorization's storage: no copy,
// valid until the next Factorize. It panics if they were not computed.
func (s *SVD) U() mat.Matrix { return wrap(s.c.uView()) }

// V returns the right singular vectors, n×k for thin and n×n for full, as U
// does.
func (s *SVD) V() mat.Matrix { return wrap(s.c.vView()) }

// U is SVD.U for float32: a *colmajor.Dense32 or an *adapter.Strided32.
func (s *SVD32) U() adapter.Matrix32 { return s.view(0) }

// V is SVD.V for float32.
func (s *SVD32) V() adapter.Matrix32 { return s.view(1) }

func (s *SVD32) view(which int) adapter.Matrix32 {
	if !s.wide {
		d, l := s.n.uView()
		if which == 1 {
			d, l = s.n.vView()
		}
		return wrap32(d, l)
	}
	d, l := s.w.uView()
	buf := &s.u
	if which == 1 {
		d, l = s.w.vView()
		buf = &s.v
	}
	// Narrow into a contiguous copy in the same order.
	col := l.RowStride == 1
	ld := l.Cols
	if col {
		ld = l.Rows
	}
	*buf = grow(*buf, l.Rows*l.Cols)
	if !s.narrow[which] {
		pack(*buf, ld, col, input[float64]{r: l.Rows, c: l.Cols, strided: true, data: d, l: l})
		s.narrow[which] = true
	}
	nl := adapter.Layout{Rows: l.Rows, Cols: l.Cols, RowStride: ld, ColStride: 1}
	if col {
		nl = adapter.Layout{Rows: l.Rows, Cols: l.Cols, RowStride: 1, ColStride: ld}
	}
	return wrap32(*buf, nl)
}

// UTo copies U into dst (m×k or m×m as computed; an empty *mat.Dense or
// *colmajor.Dense is allocated). It returns ErrShape or ErrOutput for a dst
// it cannot write, and panics as U does.
func (s *SVD) UTo(dst mat.Matrix) error {
	d, l := s.c.uView()
	return copyTo64("U", dst, d, l)
}

// VTo copies V into dst as UTo does.
func (s *SVD) VTo(dst mat.Matrix) error {
	d, l := s.c.vView()
	return copyTo64("V", dst, d, l)
}

// UTo is SVD.UTo for float32 outputs.
func (s *SVD32) UTo(dst adapter.Matrix32) error {
	if s.wide {
		return copyTo32("U", dst, s.w.uView)
	}
	return copyTo32("U", dst, s.n.uView)
}

// VTo is SVD.VTo for float32 outputs.
func (s *SVD32) VTo(dst adapter.Matrix32) error {
	if s.wide {
		return copyTo32("V", dst, s.w.vView)
	}
	return copyTo32("V", dst, s.n.vView)
}

func copyTo32[T float](name string, dst adapter.Matrix32, view func() ([]T, adapter.Layout)) error {
	d, l := view()
	out, err := out32(name, dst, l.Rows, l.Cols)
	if err != nil {
		return err
	}
	return copyOut(out, d, l)
}

func factorSVD[S, T float](c *svdCore[T], st *state, in input[S], kind mat.SVDKind, mode Mode) (Plan, error) {
	var p Plan
	f := &c.f
	if err := prepare(f, st, in, mode, &p); err != nil {
		return p, err
	}
	jobU, jobV := svdJob(kind&mat.SVDFullU != 0, kind&mat.SVDThinU != 0), svdJob(kind&mat.SVDFullV != 0, kind&mat.SVDThinV != 0)
	if f.trans {
		// Aᵀ = V·Σ·Uᵀ: the stored matrix's U is A's V.
		jobU, jobV = jobV, jobU
	}
	k := min(f.sr, f.sc)
	c.s = grow(c.s, k)
	c.ur, c.uc = f.sr, cols(jobU, f.sr, k)
	c.vr, c.vc = cols(jobV, f.sc, k), f.sc
	c.uOK, c.vtOK = jobU != glapack.SVDNone, jobV != glapack.SVDNone
	c.ldu, c.ldvt = max(1, c.uc), max(1, c.vc)
	if f.colMajor {
		c.ldu, c.ldvt = max(1, c.ur), max(1, c.vr)
	}
	if max(c.ldu, c.ldvt) > st.be.MaxDim {
		return p, fmt.Errorf("%w: singular vectors of %d rows, the %s backend takes at most %d", ErrTooLarge, max(c.ldu, c.ldvt), st.be.Name, st.be.MaxDim)
	}
	if err := errors.Join(copyable(c.ur, c.uc, sizeOf[T](), "U"), copyable(c.vr, c.vc, sizeOf[T](), "Vᵀ")); err != nil {
		return p, err
	}
	c.u = grow(c.u, max(1, c.ur*c.uc))
	c.vt = grow(c.vt, max(1, c.vr*c.vc))
	var info int
	if f.k.dc() && jobU == jobV {
		p.Routine = f.k.names().gesdd
		f.k.gesdd(jobU, f.sr, f.sc, f.a, f.ld, c.s, c.u, c.ldu, c.vt, c.ldvt, f.workspace(1), -1)
		info = f.k.gesdd(jobU, f.sr, f.sc, f.a, f.ld, c.s, c.u, c.ldu, c.vt, c.ldvt, f.workspace(f.query()), len(f.work))
	} else {
		p.Routine = f.k.names().gesvd
		f.k.gesvd(jobU, jobV, f.sr, f.sc, f.a, f.ld, c.s, c.u, c.ldu, c.vt, c.ldvt, f.workspace(1), -1)
		info = f.k.gesvd(jobU, jobV, f.sr, f.sc, f.a, f.ld, c.s, c.u, c.ldu, c.vt, c.ldvt, f.workspace(f.query()), len(f.work))
	}
	f.done = true
	p.total()
	if info > 0 {
		f.err = fmt.Errorf("%w: %s: %d superdiagonals did not converge to zero", ErrNoConvergence, p.Routine, info)
	}
	return p, f.err
}

func svdJob(full, thin bool) glapack.SVDJob {
	switch {
	case full:
		return glapack.SVDAll
	case thin:
		return glapack.SVDStore
	}
	return glapack.SVDNone
}

// cols is the number of singular vectors job computes for a side of r rows.
func cols(job glapack.SVDJob, r, k int) int {
	switch job {
	case glapack.SVDAll:
		return r
	case glapack.SVDStore:
		return k
	}
	return 0
}

// backendLayout is the layout of an r×c matrix stored in the backend's
// order with leading dimension ld.
func backendLayout(r, c, ld int, colMajor bool) adapter.Layout {
	if colMajor {
		return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: ld}
	}
	return adapter.Layout{Rows: r, Cols: c, RowStride: ld, ColStride: 1}
}

// uView returns the storage and layout of A's U: the stored matrix's U, or
// the transpose of its Vᵀ when Aᵀ was factored.
func (c *svdCore[T]) uView() ([]T, adapter.Layout) {
	c.f.mustBeDoneOK("SVD")
	if c.f.trans {
		if !c.vtOK {
			panic("lapack: SVD: U was not computed")
		}
		return c.vt, backendLayout(c.vr, c.vc, c.ldvt, c.f.colMajor).T()
	}
	if !c.uOK {
		panic("lapack: SVD: U was not computed")
	}
	return c.u, backendLayout(c.ur, c.uc, c.ldu, c.f.colMajor)
}

// vView returns the storage and layout of A's V, as uView does.
func (c *svdCore[T]) vView() ([]T, adapter.Layout) {
	c.f.mustBeDoneOK("SVD")
	if c.f.trans {
		if !c.uOK {
			panic("lapack: SVD: V was not computed")
		}
		return c.u, backendLayout(c.ur, c.uc, c.ldu, c.f.colMajor)
	}
	if !c.vtOK {
		panic("lapack: SVD: V was not computed")
	}
	return c.vt, backendLayout(c.vr, c.vc, c.ldvt, c.f.colMajor).T()
}

func values[S, T float](f *fac[T], s []T, dst []S) []S {
	f.mustBeDoneOK("the decomposition")
	if cap(dst) < len(s) {
		dst = make([]S, len(s))
	}
	dst = dst[:len(s)]
	for i, v := range s {
		dst[i] = S(v)
	}
	return dst
}

// mustBeDoneOK panics unless a factorization succeeded.
func (f *fac[T]) mustBeDoneOK(what string) {
	f.mustBeDone(what)
	if f.err != nil {
		panic("lapack: " + what + " failed: " + f.err.Error())
	}
}

func wrap(d []float64, l adapter.Layout) mat.Matrix {
	m, err := adapter.Wrap(d, l)
	if err != nil {
		panic(err) // not reached: l lies in d
	}
	return m
}

func wrap32(d []float32, l adapter.Layout) adapter.Matrix32 {
	m, err := adapter.Wrap32(d, l)
	if err != nil {
		panic(err) // not reached
	}
	return m
}

// copyTo64 copies the matrix (d, l) into dst.
func copyTo64(name string, dst mat.Matrix, d []float64, l adapter.Layout) error {
	out, err := out64(name, dst, l.Rows, l.Cols)
	if err != nil {
		return err
	}
	return copyOut(out, d, l)
}

// copyOut copies (d, l) into out, refusing an out that shares its memory.
func copyOut[S, T float](out output[S], d []T, l adapter.Layout) error {
	src := reach(d, l)
	if od, ok := same[S, T](reach(out.data, out.l)); ok && bounds.SlicesOverlap(od, src) {
		return fmt.Errorf("%w: the output shares memory with the decomposition", ErrOutput)
	}
	for i := range l.Rows {
		for j := range l.Cols {
			out.data[out.l.Index(i, j)] = S(d[l.Index(i, j)])
		}
	}
	return nil
}
