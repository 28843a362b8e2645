package lapack

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// LU is the LU factorization with partial pivoting of a square matrix A,
// computed by LAPACK's getrf on A's storage (Overwrite) or on one copy of it
// (Preserve). When A reaches LAPACK as Aᵀ (a column-major A on Gonum's
// row-major LAPACK, a row-major A on Fortran LAPACK) the factors are those
// of Aᵀ = P·L·U, which solve with A through getrs's trans flag:
// Transposed reports it.
//
// With Overwrite and no copy, A's buffer holds the factors afterwards, as
// getrf leaves them: L below the diagonal (unit diagonal implied) and U on
// and above it, of A or, when Transposed, of Aᵀ (so read in A's own
// orientation the buffer holds Uᵀ on and below the diagonal and Lᵀ above).
// This also holds when Factorize returns ErrSingular. The LU refers to that
// buffer until the next Factorize: do not change it meanwhile.
//
// The zero value is ready to use. An LU is not safe for concurrent use.
type LU struct {
	c luCore[float64]
}

// LU32 is LU for float32 matrices. On a backend without float32 LAPACK
// (Gonum's) it factors a float64 copy of A and solves in float64: A is never
// overwritten there, and plans say so.
type LU32 struct {
	n    luCore[float32]
	w    luCore[float64]
	wide bool
}

type luCore[T float] struct {
	f    fac[T]
	ipiv []int
}

// Factorize computes the LU factorization of the square matrix a. It returns
// the plan it followed and an error wrapping ErrSingular, naming the zero
// pivot, when a is exactly singular; ErrShape for a matrix that is not
// square or empty; a layout error from package adapter for an
// *adapter.Strided outside its buffer; ErrTooLarge for a matrix the backend
// cannot take. It writes nothing when it returns one of the last three, nor
// under Preserve.
func (lu *LU) Factorize(a mat.Matrix, mode Mode) (Plan, error) {
	in, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	return factorLU(&lu.c, active.Load(), in, mode)
}

// Factorize is LU.Factorize for float32.
func (lu *LU32) Factorize(a adapter.Matrix32, mode Mode) (Plan, error) {
	in, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	lu.wide = wide(st)
	if lu.wide {
		return factorLU(&lu.w, st, in, mode)
	}
	return factorLU(&lu.n, st, in, mode)
}

// SolveTo solves A·X = B, or Aᵀ·X = B when trans is true, with the
// factorization, writing X into dst. dst may be a *mat.Dense, a
// *mat.VecDense, a *colmajor.Dense (allocated when empty) or an
// *adapter.Strided; it may be b itself (X overwrites B). LAPACK's getrs
// solves in place, so B is copied into dst first when dst is in the
// backend's order, and into scratch otherwise; the plan says which.
//
// It returns the factorization's error if Factorize failed, ErrShape when b
// does not have A's number of rows or dst is not n×nrhs, ErrOutput when dst
// cannot be written or shares memory with the factors, and writes nothing
// then. It panics if the receiver has not been factorized.
func (lu *LU) SolveTo(dst mat.Matrix, trans bool, b mat.Matrix) (Plan, error) {
	bin, err := view64("B", b)
	if err != nil {
		return Plan{}, err
	}
	if err := checkRHS(&lu.c.f, bin, "LU"); err != nil {
		return Plan{}, err
	}
	out, err := out64("X", dst, bin.r, bin.c)
	if err != nil {
		return Plan{}, err
	}
	return solveLU(&lu.c, out, trans, bin)
}

// SolveTo is LU.SolveTo for float32; dst is an *adapter.Strided32 or a
// *colmajor.Dense32 (allocated when empty).
func (lu *LU32) SolveTo(dst adapter.Matrix32, trans bool, b adapter.Matrix32) (Plan, error) {
	bin, err := view32("B", b)
	if err != nil {
		return Plan{}, err
	}
	if lu.wide {
		err = checkRHS(&lu.w.f, bin, "LU32")
	} else {
		err = checkRHS(&lu.n.f, bin, "LU32")
	}
	if err != nil {
		return Plan{}, err
	}
	out, err := out32("X", dst, bin.r, bin.c)
	if err != nil {
		return Plan{}, err
	}
	if lu.wide {
		return solveLU(&lu.w, out, trans, bin)
	}
	return solveLU(&lu.n, out, trans, bin)
}

// Det returns the determinant of A (of Aᵀ when Transposed: the same). It
// panics if the receiver has not been factorized.
func (lu *LU) Det() float64 { return lu.c.det() }

// Det is LU.Det for float32, accumulated in float64.
func (lu *LU32) Det() float64 {
	if lu.wide {
		return lu.w.det()
	}
	return lu.n.det()
}

// Transposed reports whether the factors are those of Aᵀ: A's storage
// reached LAPACK as Aᵀ. Solves account for it.
func (lu *LU) Transposed() bool { return lu.c.f.trans }

// Transposed is LU.Transposed for float32.
func (lu *LU32) Transposed() bool {
	if lu.wide {
		return lu.w.f.trans
	}
	return lu.n.f.trans
}

// Solve solves the square system A·X = B, writing X into dst: an LU
// factorization (getrf) and a solve (getrs) in one call, with the plan of
// both. With Overwrite, A's buffer is left holding the factors as
// LU.Factorize describes. dst is as for LU.SolveTo. It returns the errors
// of LU.Factorize and LU.SolveTo.
func Solve(dst, a, b mat.Matrix, mode Mode) (Plan, error) {
	ain, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	bin, err := view64("B", b)
	if err != nil {
		return Plan{}, err
	}
	c := luPool64.Get().(*luCore[float64])
	defer putLU(luPool64, c)
	return solve(c, active.Load(), ain, bin, mode, func(r, cols int) (output[float64], error) { return out64("X", dst, r, cols) })
}

// Solve32 is Solve for float32; dst is as for LU32.SolveTo.
func Solve32(dst, a, b adapter.Matrix32, mode Mode) (Plan, error) {
	ain, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	bin, err := view32("B", b)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	out := func(r, cols int) (output[float32], error) { return out32("X", dst, r, cols) }
	if wide(st) {
		c := luPool64.Get().(*luCore[float64])
		defer putLU(luPool64, c)
		return solve(c, st, ain, bin, mode, out)
	}
	c := luPool32.Get().(*luCore[float32])
	defer putLU(luPool32, c)
	return solve(c, st, ain, bin, mode, out)
}

var (
	luPool64 = &sync.Pool{New: func() any { return new(luCore[float64]) }}
	luPool32 = &sync.Pool{New: func() any { return new(luCore[float32]) }}
)

// putLU returns c to its pool without references to the caller's memory.
func putLU[T float](p *sync.Pool, c *luCore[T]) {
	c.f.release()
	p.Put(c)
}

func solve[S, T float](c *luCore[T], st *state, a, b input[S], mode Mode, out func(r, c int) (output[S], error)) (Plan, error) {
	if a.r != a.c {
		return Plan{}, fmt.Errorf("%w: A is %d×%d, LU needs a square matrix", ErrShape, a.r, a.c)
	}
	if b.r != a.r {
		return Plan{}, fmt.Errorf("%w: B has %d rows, A is %d×%d", ErrShape, b.r, a.r, a.c)
	}
	x, err := out(a.c, b.c)
	if err != nil {
		return Plan{}, err
	}
	p, err := factorLU(c, st, a, mode)
	if err != nil {
		return p, err
	}
	ps, err := solveLU(c, x, false, b)
	p.Routine = c.f.k.names().getrfGetrs
	p.B, p.X = ps.B, ps.X
	p.total()
	return p, err
}

func factorLU[S, T float](c *luCore[T], st *state, in input[S], mode Mode) (Plan, error) {
	var p Plan
	if in.r != in.c {
		return p, fmt.Errorf("%w: A is %d×%d, LU needs a square matrix", ErrShape, in.r, in.c)
	}
	f := &c.f
	if err := prepare(f, st, in, mode, &p); err != nil {
		return p, err
	}
	n := in.r
	p.Routine = f.k.names().getrf
	p.total()
	if cap(c.ipiv) < n {
		c.ipiv = make([]int, n)
	}
	c.ipiv = c.ipiv[:n]
	info := f.k.getrf(n, n, f.a, f.ld, c.ipiv)
	f.done = true
	if info > 0 {
		f.err = fmt.Errorf("%w: U(%d,%d) is exactly zero (pivot %d of %d) in the LU factorization of %s", ErrSingular, info-1, info-1, info, n, of(f.trans))
	}
	return p, f.err
}

func of(trans bool) string {
	if trans {
		return "Aᵀ"
	}
	return "A"
}

func solveLU[S, T float](c *luCore[T], out output[S], trans bool, b input[S]) (Plan, error) {
	f := &c.f
	p := Plan{Routine: f.k.names().getrs, Backend: f.st.be.Name, Transposed: f.trans}
	x, ldx, direct, err := solveSpace(f, out, b, f.n, true, &p)
	if err != nil {
		return Plan{}, err
	}
	// A is stored as M = A or M = Aᵀ; op(A) = op(M) or op(Mᵀ).
	t := blas.NoTrans
	if trans != f.trans {
		t = blas.Trans
	}
	f.k.getrs(t, f.n, b.c, f.a, f.ld, c.ipiv, x, ldx)
	if !direct {
		unpack(out, x, ldx, f.colMajor)
	}
	p.total()
	return p, nil
}

func (c *luCore[T]) det() float64 {
	f := &c.f
	f.mustBeDone("LU")
	d := 1.0
	for i, p := range c.ipiv {
		if p != i {
			d = -d
		}
		d *= float64(f.a[i*(f.ld+1)]) // U's diagonal, in either order
	}
	return d
}
