package lapack

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	glapack "gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// EigenSym is the eigendecomposition A = Z·Λ·Zᵀ of a symmetric matrix,
// computed by LAPACK's syevd (divide and conquer, when the backend has it)
// or syev from one triangle of A, named by Factorize's uplo. When A reaches
// LAPACK as Aᵀ only the triangle's name changes.
//
// The eigenvectors overwrite the factored storage, in the backend's order,
// one per column; Vectors returns them without copying. With Overwrite and
// no copy that storage is A's buffer: afterwards it holds Z when A lies in
// the backend's order (row-major on Gonum, column-major on LAPACK) and Zᵀ,
// read in A's own orientation, when it lies the other way. Without vectors,
// and after an error, the named triangle's contents are unspecified and the
// other triangle is untouched. The EigenSym refers to the buffer until the
// next Factorize: do not change it meanwhile.
//
// The zero value is ready to use. An EigenSym is not safe for concurrent
// use.
type EigenSym struct {
	c eigCore[float64]
}

// EigenSym32 is EigenSym for float32 matrices. On a backend without float32
// LAPACK it factors a float64 copy, and Vectors returns a narrowed float32
// copy, made once per factorization.
type EigenSym32 struct {
	n      eigCore[float32]
	w      eigCore[float64]
	wide   bool
	z      []float32
	narrow bool
}

type eigCore[T float] struct {
	f       fac[T]
	w       []T
	vectors bool
}

// Factorize computes the eigenvalues, and the eigenvectors when vectors is
// true, of the symmetric matrix whose uplo triangle (blas.Upper or
// blas.Lower) a holds. It returns the plan it followed and an error
// wrapping ErrNoConvergence when LAPACK's iteration did not converge;
// otherwise errors as LU.Factorize does. It panics for a uplo that is
// neither.
func (e *EigenSym) Factorize(a mat.Matrix, uplo blas.Uplo, vectors bool, mode Mode) (Plan, error) {
	in, err := view64("A", a)
	if err != nil {
		return Plan{}, err
	}
	return factorEig(&e.c, active.Load(), in, uplo, vectors, mode)
}

// Factorize is EigenSym.Factorize for float32.
func (e *EigenSym32) Factorize(a adapter.Matrix32, uplo blas.Uplo, vectors bool, mode Mode) (Plan, error) {
	in, err := view32("A", a)
	if err != nil {
		return Plan{}, err
	}
	st := active.Load()
	e.wide, e.narrow = wide(st), false
	if e.wide {
		return factorEig(&e.w, st, in, uplo, vectors, mode)
	}
	return factorEig(&e.n, st, in, uplo, vectors, mode)
}

// Values returns the eigenvalues in ascending order, in dst when it is long
// enough and in a new slice otherwise. It panics if the receiver has not
// been factorized successfully.
func (e *EigenSym) Values(dst []float64) []float64 { return values(&e.c.f, e.c.w, dst) }

// Values is EigenSym.Values for float32.
func (e *EigenSym32) Values(dst []float32) []float32 {
	if e.wide {
		return values(&e.w.f, e.w.w, dst)
	}
	return values(&e.n.f, e.n.w, dst)
}

// Vectors returns the eigenvectors, column j for eigenvalue j, as a
// *mat.Dense (row-major backend) or *colmajor.Dense (column-major backend)
// over the factorization's storage: no copy, valid until the next
// Factorize. It panics if they were not computed.
func (e *EigenSym) Vectors() mat.Matrix { return wrap(e.c.view()) }

// Vectors is EigenSym.Vectors for float32: a *colmajor.Dense32 or an
// *adapter.Strided32.
func (e *EigenSym32) Vectors() adapter.Matrix32 {
	if !e.wide {
		return wrap32(e.n.view())
	}
	d, l := e.w.view()
	n := l.Rows
	e.z = grow(e.z, n*n)
	if !e.narrow {
		pack(e.z, n, false, input[float64]{r: n, c: n, strided: true, data: d, l: l})
		e.narrow = true
	}
	return wrap32(e.z, adapter.Layout{Rows: n, Cols: n, RowStride: n, ColStride: 1})
}

// VectorsTo copies the eigenvectors into the n×n dst (an empty *mat.Dense
// or *colmajor.Dense is allocated). It returns ErrShape or ErrOutput for a
// dst it cannot write, and panics as Vectors does.
func (e *EigenSym) VectorsTo(dst mat.Matrix) error {
	d, l := e.c.view()
	return copyTo64("Z", dst, d, l)
}

// VectorsTo is EigenSym.VectorsTo for float32 outputs.
func (e *EigenSym32) VectorsTo(dst adapter.Matrix32) error {
	if e.wide {
		return copyTo32("Z", dst, e.w.view)
	}
	return copyTo32("Z", dst, e.n.view)
}

func (c *eigCore[T]) view() ([]T, adapter.Layout) {
	f := &c.f
	f.mustBeDoneOK("EigenSym")
	if !c.vectors {
		panic("lapack: EigenSym: eigenvectors were not computed")
	}
	return f.a, backendLayout(f.n, f.n, f.ld, f.colMajor)
}

func factorEig[S, T float](c *eigCore[T], st *state, in input[S], uplo blas.Uplo, vectors bool, mode Mode) (Plan, error) {
	if uplo != blas.Upper && uplo != blas.Lower {
		panic("lapack: EigenSym uplo is neither blas.Upper nor blas.Lower")
	}
	var p Plan
	if in.r != in.c {
		return p, fmt.Errorf("%w: A is %d×%d, EigenSym needs a square matrix", ErrShape, in.r, in.c)
	}
	f := &c.f
	if err := prepare(f, st, in, mode, &p); err != nil {
		return p, err
	}
	c.vectors = vectors
	ul := uplo
	if f.trans {
		ul = flip(uplo) // A's lower triangle is the upper one of the stored Aᵀ
	}
	job := glapack.EVNone
	if vectors {
		job = glapack.EVCompute
	}
	c.w = grow(c.w, f.n)
	run, name := f.k.syev, f.k.names().syev
	if f.k.dc() {
		run, name = f.k.syevd, f.k.names().syevd
	}
	p.Routine = name
	run(job, ul, f.n, f.a, f.ld, c.w, f.workspace(1), -1)
	info := run(job, ul, f.n, f.a, f.ld, c.w, f.workspace(f.query()), len(f.work))
	f.done = true
	p.total()
	if info > 0 {
		f.err = fmt.Errorf("%w: %s: %d off-diagonal elements did not converge to zero", ErrNoConvergence, p.Routine, info)
	}
	return p, f.err
}
