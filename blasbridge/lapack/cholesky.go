package lapack

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// Cholesky is the Cholesky factorization A = L·Lᵀ = Uᵀ·U of a symmetric
// positive definite matrix, computed by LAPACK's potrf from one triangle of
// A, named by Factorize's uplo; the other triangle is never read, nor
// written. When A reaches LAPACK as Aᵀ only the triangle's name changes: the
// lower triangle of A is the upper one of Aᵀ, and the factor lands in the
// same elements.
//
// With Overwrite and no copy, A's buffer holds the factor in the named
// triangle afterwards (L for blas.Lower, U = Lᵀ for blas.Upper), the other
// triangle as it was. When Factorize returns ErrNotPositiveDefinite the
// named triangle holds a partial factorization and the input is lost; the
// other triangle is still untouched. The Cholesky refers to the buffer
// until the next Factorize: do not change it meanwhile.
//
// The zero value is ready to use. A Cholesky is not safe for concurrent use.
type Cholesky struct {
	c cholCore[float64]
}

// Cholesky32 is Cholesky for float32 matrices; on a backend without
// float32 LAPACK it factors a float64 copy, as LU32 does.
type Cholesky32 struct {
	n    cholCore[float32]
	w    cholCore[float64]
	wide bool
}

type cholCore[T float] struct {
	f    fac[T]
	uplo blas.Uplo // the triangle of A
}

// Factorize computes the Cholesky factorization of the symmetric matrix
// whose uplo triangle (blas.Upper or blas.Lower) a holds. It returns the
// plan it followed and an error wrapping ErrNotPositiveDefinite, naming the
// order of the leading minor that is not, when a is not positive definite;
// otherwise errors as LU.Factorize does. It panics for a uplo that is
// neither.
func (c *Cholesky) Factorize(a mat.Matrix, uplo blas.Uplo, mode Mode) (Plan, error) {
	in, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	return factorChol(&c.c, active.Load(), in, uplo, mode)
}

// Factorize is Cholesky.Factorize for float32.
func (c *Cholesky32) Factorize(a adapter.Matrix32, uplo blas.Uplo, mode Mode) (Plan, error) {
	in, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	c.wide = wide(st)
	if c.wide {
		return factorChol(&c.w, st, in, uplo, mode)
	}
	return factorChol(&c.n, st, in, uplo, mode)
}

// SolveTo solves A·X = B with the factorization (potrs), writing X into
// dst, as LU.SolveTo does.
func (c *Cholesky) SolveTo(dst, b mat.Matrix) (Plan, error) {
	bin, err := view64("B", b)
	if err != nil {
		return Plan{}, err
	}
	if err := checkRHS(&c.c.f, bin, "Cholesky"); err != nil {
		return Plan{}, err
	}
	out, err := out64("X", dst, bin.r, bin.c)
	if err != nil {
		return Plan{}, err
	}
	return solveChol(&c.c, out, bin)
}

// SolveTo is Cholesky.SolveTo for float32.
func (c *Cholesky32) SolveTo(dst, b adapter.Matrix32) (Plan, error) {
	bin, err := view32("B", b)
	if err != nil {
		return Plan{}, err
	}
	if c.wide {
		err = checkRHS(&c.w.f, bin, "Cholesky32")
	} else {
		err = checkRHS(&c.n.f, bin, "Cholesky32")
	}
	if err != nil {
		return Plan{}, err
	}
	out, err := out32("X", dst, bin.r, bin.c)
	if err != nil {
		return Plan{}, err
	}
	if c.wide {
		return solveChol(&c.w, out, bin)
	}
	return solveChol(&c.n, out, bin)
}

// LTo writes the lower-triangular factor L of A = L·Lᵀ into the n×n dst,
// zeros above the diagonal (an empty *mat.Dense or *colmajor.Dense is
// allocated). It returns the factorization's error if Factorize failed,
// and ErrShape or ErrOutput for a dst it cannot write. It panics if the
// receiver has not been factorized.
func (c *Cholesky) LTo(dst mat.Matrix) error {
	f := &c.c.f
	f.mustBeDone("Cholesky")
	if f.err != nil {
		return f.err
	}
	out, err := out64("L", dst, f.n, f.n)
	if err != nil {
		return err
	}
	return lTo(&c.c, out)
}

// LTo is Cholesky.LTo for float32.
func (c *Cholesky32) LTo(dst adapter.Matrix32) error {
	if c.wide {
		return lTo32(&c.w, dst)
	}
	return lTo32(&c.n, dst)
}

func lTo32[T float](c *cholCore[T], dst adapter.Matrix32) error {
	f := &c.f
	f.mustBeDone("Cholesky32")
	if f.err != nil {
		return f.err
	}
	out, err := out32("L", dst, f.n, f.n)
	if err != nil {
		return err
	}
	return lTo(c, out)
}

// LogDet returns the logarithm of the determinant of A. It panics if the
// receiver has not been factorized, and returns NaN if the factorization
// failed.
func (c *Cholesky) LogDet() float64 { return c.c.logDet() }

// LogDet is Cholesky.LogDet for float32, accumulated in float64.
func (c *Cholesky32) LogDet() float64 {
	if c.wide {
		return c.w.logDet()
	}
	return c.n.logDet()
}

// storedUplo is the triangle LAPACK sees: A's, or the other when it sees Aᵀ.
func (c *cholCore[T]) storedUplo() blas.Uplo {
	if c.f.trans {
		return flip(c.uplo)
	}
	return c.uplo
}

func flip(ul blas.Uplo) blas.Uplo {
	if ul == blas.Upper {
		return blas.Lower
	}
	return blas.Upper
}

func factorChol[S, T float](c *cholCore[T], st *state, in input[S], uplo blas.Uplo, mode Mode) (Plan, error) {
	if uplo != blas.Upper && uplo != blas.Lower {
		panic("lapack: Cholesky uplo is neither blas.Upper nor blas.Lower")
	}
	var p Plan
	if in.r != in.c {
		return p, fmt.Errorf("%w: A is %d×%d, Cholesky needs a square matrix", ErrShape, in.r, in.c)
	}
	f := &c.f
	if err := prepare(f, st, in, mode, &p); err != nil {
		return p, err
	}
	c.uplo = uplo
	p.Routine = f.k.names().potrf
	p.total()
	info := f.k.potrf(c.storedUplo(), f.n, f.a, f.ld)
	f.done = true
	if info > 0 {
		f.err = fmt.Errorf("%w: the leading minor of order %d is not positive definite", ErrNotPositiveDefinite, info)
	}
	return p, f.err
}

func solveChol[S, T float](c *cholCore[T], out output[S], b input[S]) (Plan, error) {
	f := &c.f
	p := Plan{Routine: f.k.names().potrs, Backend: f.st.be.Name, Transposed: f.trans}
	x, ldx, direct, err := solveSpace(f, out, b, f.n, true, &p)
	if err != nil {
		return Plan{}, err
	}
	f.k.potrs(c.storedUplo(), f.n, b.c, f.a, f.ld, x, ldx)
	if !direct {
		unpack(out, x, ldx, f.colMajor)
	}
	p.total()
	return p, nil
}

func lTo[S, T float](c *cholCore[T], out output[S]) error {
	f := &c.f
	if od, ok := same[S, T](reach(out.data, out.l)); ok && overlapsFac(od, f) {
		return fmt.Errorf("%w: L shares memory with the factorization", ErrOutput)
	}
	for i := range f.n {
		for j := range f.n {
			var v T
			switch {
			case j > i:
			case c.uplo == blas.Lower:
				v = f.at(i, j)
			default:
				v = f.at(j, i) // L = Uᵀ
			}
			out.data[out.l.Index(i, j)] = S(v)
		}
	}
	return nil
}

func (c *cholCore[T]) logDet() float64 {
	f := &c.f
	f.mustBeDone("Cholesky")
	if f.err != nil {
		return math.NaN()
	}
	var d float64
	for i := range f.n {
		d += math.Log(float64(f.a[i*(f.ld+1)]))
	}
	return 2 * d
}
