package lapack

import (
	"fmt"
	"unsafe"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/internal/bounds"
)

// float is the element type LAPACK runs on and that matrices hold: exactly
// float32 or float64, so that two type parameters of the same size are the
// same type (see same).
type float interface{ float32 | float64 }

// same returns s as a []T when S and T are the same type.
func same[S, T float](s []S) ([]T, bool) {
	var zs S
	var zt T
	if unsafe.Sizeof(zs) != unsafe.Sizeof(zt) {
		return nil, false
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(s))), len(s)), true
}

func sizeOf[T float]() int {
	var z T
	return int(unsafe.Sizeof(z))
}

// input is a matrix as given: a strided view of its storage, checked against
// its buffer, or, for a matrix that has none, its At method.
type input[S float] struct {
	r, c    int
	strided bool
	data    []S
	l       adapter.Layout
	at      func(i, j int) S
}

// view64 returns m as an input. Matrices with storage (*mat.Dense,
// *mat.VecDense, *colmajor.Dense, *adapter.Strided, and transposes of them)
// are viewed in place; others are read through At.
func view64(name string, m mat.Matrix) (input[float64], error) {
	if m == nil {
		return input[float64]{}, fmt.Errorf("%w: %s is nil", ErrShape, name)
	}
	var s adapter.Strided
	ok := false
	if v, isVec := m.(mat.RawVectorer); isVec {
		if rv := v.RawVector(); rv.N > 0 {
			s, ok = adapter.Strided{Data: rv.Data, Layout: vecLayout(rv)}, true
		}
	} else {
		s, ok = adapter.StridedOf(m)
	}
	if ok {
		return strided(name, s.Data, s.Layout)
	}
	r, c := m.Dims()
	if r <= 0 || c <= 0 {
		return input[float64]{}, fmt.Errorf("%w: %s is empty (%d×%d)", ErrShape, name, r, c)
	}
	return input[float64]{r: r, c: c, at: m.At}, nil
}

// view32 is view64 for float32: *adapter.Strided32 and *colmajor.Dense32 are
// viewed in place, other matrices read through At.
func view32(name string, m adapter.Matrix32) (input[float32], error) {
	switch m := m.(type) {
	case nil:
		return input[float32]{}, fmt.Errorf("%w: %s is nil", ErrShape, name)
	case *adapter.Strided32:
		return strided(name, m.Data, m.Layout)
	case *colmajor.Dense32:
		if m.LD() != 0 {
			s := adapter.Strided32Of(m)
			return strided(name, s.Data, s.Layout)
		}
	}
	r, c := m.Dims()
	if r <= 0 || c <= 0 {
		return input[float32]{}, fmt.Errorf("%w: %s is empty (%d×%d)", ErrShape, name, r, c)
	}
	return input[float32]{r: r, c: c, at: m.At}, nil
}

func strided[S float](name string, data []S, l adapter.Layout) (input[S], error) {
	if err := l.Check(len(data)); err != nil {
		return input[S]{}, fmt.Errorf("%s: %w", name, err)
	}
	return input[S]{r: l.Rows, c: l.Cols, strided: true, data: data, l: l}, nil
}

// output is a matrix results are written to: a strided view of its storage,
// checked against its buffer and writable (no two elements share an address).
type output[S float] struct {
	data []S
	l    adapter.Layout
}

// out64 returns dst as an r×c output. An empty *mat.Dense, *mat.VecDense or
// *colmajor.Dense is allocated to that size.
func out64(name string, dst mat.Matrix, r, c int) (output[float64], error) {
	var s adapter.Strided
	ok := false
	switch d := dst.(type) {
	case nil:
		return output[float64]{}, fmt.Errorf("%w: %s is nil", ErrOutput, name)
	case *mat.Dense:
		if d.IsEmpty() {
			d.ReuseAs(r, c)
		}
	case *mat.VecDense:
		if d.IsEmpty() && c == 1 {
			d.ReuseAsVec(r)
		}
		if rv := d.RawVector(); rv.N > 0 {
			s, ok = adapter.Strided{Data: rv.Data, Layout: vecLayout(rv)}, true
		}
	case *colmajor.Dense:
		if d.IsEmpty() {
			*d = *colmajor.NewDense(r, c)
		}
	}
	if !ok {
		s, ok = adapter.StridedOf(dst)
	}
	if !ok {
		return output[float64]{}, fmt.Errorf("%w: %s (%T) has no strided view", ErrOutput, name, dst)
	}
	return checkOut(name, s.Data, s.Layout, r, c)
}

// out32 is out64 for float32 outputs: *adapter.Strided32 and
// *colmajor.Dense32, which is allocated when empty.
func out32(name string, dst adapter.Matrix32, r, c int) (output[float32], error) {
	switch d := dst.(type) {
	case *adapter.Strided32:
		return checkOut(name, d.Data, d.Layout, r, c)
	case *colmajor.Dense32:
		if d.LD() == 0 {
			*d = *colmajor.NewDense32(r, c)
		}
		s := adapter.Strided32Of(d)
		return checkOut(name, s.Data, s.Layout, r, c)
	}
	return output[float32]{}, fmt.Errorf("%w: %s (%T) is not a *adapter.Strided32 or *colmajor.Dense32", ErrOutput, name, dst)
}

func checkOut[S float](name string, data []S, l adapter.Layout, r, c int) (output[S], error) {
	if err := l.Check(len(data)); err != nil {
		return output[S]{}, fmt.Errorf("%s: %w", name, err)
	}
	if l.Rows != r || l.Cols != c {
		return output[S]{}, fmt.Errorf("%w: %s is %d×%d, want %d×%d", ErrShape, name, l.Rows, l.Cols, r, c)
	}
	if l.Overlaps() {
		return output[S]{}, fmt.Errorf("%w: %s's elements share addresses (%v)", ErrOutput, name, l)
	}
	return output[S]{data: data, l: l}, nil
}

// reach returns the part of data that l spans, for overlap tests. l has been
// checked against data.
func reach[S float](data []S, l adapter.Layout) []S {
	lo, hi, _ := l.Extent()
	return data[lo : hi+1]
}

// ldFor returns the leading dimension with which l is an r×c matrix stored
// column-major (colMajor) or row-major, and whether it is one. Size-1
// dimensions are canonicalised, so a single row or column is whichever the
// backend takes.
func ldFor(l adapter.Layout, colMajor bool) (int, bool) {
	if colMajor {
		l = l.T()
	}
	c := l.Canonical()
	if c.ColStride != 1 || c.RowStride < max(1, c.Cols) {
		return 0, false
	}
	return c.RowStride, true
}

// packColMajor says in which order to copy an input: the order it has when
// it has one (the backend's first), else the order of its smaller stride,
// and the backend's for a matrix read through At.
func packColMajor[S float](in input[S], backendColMajor bool) bool {
	if !in.strided {
		return backendColMajor
	}
	if _, ok := ldFor(in.l, backendColMajor); ok {
		return backendColMajor
	}
	if _, ok := ldFor(in.l, !backendColMajor); ok {
		return !backendColMajor
	}
	return in.l.FastAxis() == 0
}

// pack copies the r×c matrix in into dst, stored column-major (colMajor) or
// row-major with leading dimension ld, converting the element type.
func pack[S, T float](dst []T, ld int, colMajor bool, in input[S]) {
	r, c := in.r, in.c
	if !in.strided {
		for i := range r {
			for j := range c {
				if colMajor {
					dst[i+j*ld] = T(in.at(i, j))
				} else {
					dst[i*ld+j] = T(in.at(i, j))
				}
			}
		}
		return
	}
	l := in.l
	outer, inner, so, si := r, c, l.RowStride, l.ColStride // row-major dst: rows outer
	if colMajor {
		outer, inner, so, si = c, r, l.ColStride, l.RowStride
	}
	for o := range outer {
		d := dst[o*ld : o*ld+inner]
		k := l.Offset + o*so
		if si == 1 {
			for x, v := range in.data[k : k+inner] {
				d[x] = T(v)
			}
			continue
		}
		for x := range d {
			d[x] = T(in.data[k+x*si])
		}
	}
}

// unpack copies the first out.l.Rows rows of src, stored column-major
// (colMajor) or row-major with leading dimension ld, into out.
func unpack[S, T float](out output[S], src []T, ld int, colMajor bool) {
	l := out.l
	outer, inner, so, si := l.Rows, l.Cols, l.RowStride, l.ColStride
	if colMajor {
		outer, inner, so, si = l.Cols, l.Rows, l.ColStride, l.RowStride
	}
	for o := range outer {
		s := src[o*ld : o*ld+inner]
		k := l.Offset + o*so
		if si == 1 {
			d := out.data[k : k+inner]
			for x, v := range s {
				d[x] = S(v)
			}
			continue
		}
		for x, v := range s {
			out.data[k+x*si] = S(v)
		}
	}
}

// maxCopyBytes bounds the copies made of operands: beyond it (256 TiB) the
// Go runtime refuses the allocation with a panic, and a layout from outside
// (a broadcast axis, say) may describe any number of elements over a small
// buffer.
const maxCopyBytes = 1 << 48

// copyable returns ErrTooLarge when an r×c copy of elements of the given size
// cannot be made: its size overflows int or exceeds maxCopyBytes.
func copyable(r, c, size int, name string) error {
	n, ok := bounds.Mul(r, c)
	if ok {
		n, ok = bounds.Mul(n, size)
	}
	if !ok || n > maxCopyBytes {
		return fmt.Errorf("%w: a copy of %s (%d×%d) is too large", ErrTooLarge, name, r, c)
	}
	return nil
}

// grow returns buf with length n, reallocated only when too small.
func grow[T float](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// fac is the matrix LAPACK factors: A or Aᵀ, stored in the backend's order,
// in A's own buffer or in a copy the factorization owns.
type fac[T float] struct {
	st       *state // the backend it was computed with
	k        kernels[T]
	colMajor bool // the backend's order
	// a is the factored storage from its first element: sr×sc in the
	// backend's order with leading dimension ld. It holds Aᵀ when trans.
	a          []T
	sr, sc, ld int
	trans      bool
	m, n       int // A's shape
	inPlace    bool
	own        []T // the copy of A, kept for reuse
	work       []T // LAPACK's workspace, kept for reuse
	rhs        []T // scratch right-hand sides, kept for reuse
	done       bool
	err        error // the factorization's failure
}

func kernelsFor[T float](st *state) kernels[T] {
	var z T
	if _, ok := any(z).(float64); ok {
		return any(st.k64).(kernels[T])
	}
	return any(st.k32).(kernels[T])
}

// wide reports whether float32 work runs widened to float64 on st.
func wide(st *state) bool { return st.k32 == nil }

// prepare sets f to factor the input, in place when mode and layout allow,
// else in one copy, and records what it did in p.A. It validates everything
// before it changes f, so that an error leaves f as it was.
func prepare[S, T float](f *fac[T], st *state, in input[S], mode Mode, p *Plan) error {
	m, n := in.r, in.c
	if max(m, n) > st.be.MaxDim {
		return fmt.Errorf("%w: A is %d×%d, the %s backend takes at most %d", ErrTooLarge, m, n, st.be.Name, st.be.MaxDim)
	}
	// In place: A's own storage, read in the backend's order or as Aᵀ.
	data, typed := same[S, T](in.data)
	inPlace, col, ld := false, false, 0
	if typed && mode == Overwrite && in.strided {
		for _, c := range [2]bool{st.be.ColMajor, !st.be.ColMajor} {
			if l, ok := ldFor(in.l, c); ok {
				inPlace, col, ld = true, c, l
				break
			}
		}
		if ld > st.be.MaxDim {
			return fmt.Errorf("%w: A's leading dimension %d, the %s backend takes at most %d", ErrTooLarge, ld, st.be.Name, st.be.MaxDim)
		}
	}
	if !inPlace {
		// One copy, in the order A has or, for a general A, the order of
		// its smaller stride; contiguous.
		col = packColMajor(in, st.be.ColMajor)
		ld = n
		if col {
			ld = m
		}
		if err := copyable(m, n, sizeOf[T](), "A"); err != nil {
			return err
		}
	}

	f.st, f.k, f.colMajor = st, kernelsFor[T](st), st.be.ColMajor
	f.m, f.n, f.done, f.err = m, n, false, nil
	f.setShape(col != f.colMajor, ld)
	p.Backend, p.Transposed = st.be.Name, f.trans
	p.A = Operand{Used: true, InPlace: inPlace}
	if in.strided {
		p.A.Layout = in.l
	}
	if inPlace {
		f.a, f.inPlace = data[in.l.Offset:], true
		return nil
	}
	f.own = grow(f.own, m*n)
	pack(f.own, ld, col, in)
	f.a, f.inPlace = f.own, false
	p.A.CopiedBytes = m * n * sizeOf[T]()
	_, rowView := ldFor(in.l, false)
	_, colView := ldFor(in.l, true)
	switch {
	case sizeOf[S]() != sizeOf[T]():
		p.A.Why = whyWiden
	case !in.strided:
		p.A.Why = whyNoView
	case !rowView && !colView:
		p.A.Why = whyGeneral
	default:
		p.A.Why = whyPreserve
	}
	return nil
}

// setShape records the stored matrix's shape: A's, or Aᵀ's when trans.
func (f *fac[T]) setShape(trans bool, ld int) {
	f.trans, f.ld = trans, ld
	f.sr, f.sc = f.m, f.n
	if trans {
		f.sr, f.sc = f.n, f.m
	}
}

// workspace returns f.work with at least n elements (and at least one, for
// workspace queries).
func (f *fac[T]) workspace(n int) []T {
	f.work = grow(f.work, max(1, n))
	return f.work
}

// query returns the optimal workspace length a routine reported in work[0]
// after a query.
func (f *fac[T]) query() int { return max(1, int(f.work[0])) }

// at returns element (i, j) of A from the factored storage.
func (f *fac[T]) at(i, j int) T {
	if f.trans {
		i, j = j, i
	}
	if f.colMajor {
		return f.a[i+j*f.ld]
	}
	return f.a[i*f.ld+j]
}

// storageReach returns the part of memory the factored storage spans.
func (f *fac[T]) storageReach() []T {
	outer, inner := f.sr, f.sc
	if f.colMajor {
		outer, inner = f.sc, f.sr
	}
	return f.a[:(outer-1)*f.ld+inner]
}

// solveSpace prepares the rows×nrhs matrix a solve works in, in the
// backend's order: out itself when allowed, in that order, with that many
// rows and the element type, else f.rhs; and loads B into its first rows. It
// returns the storage, its leading dimension, and whether it is out. It
// records the copies in p.B and p.X; scatter completes a scratch solve.
func solveSpace[S, T float](f *fac[T], out output[S], b input[S], rows int, allowDirect bool, p *Plan) ([]T, int, bool, error) {
	nrhs := b.c
	p.B = Operand{Used: true}
	p.X = Operand{Used: true, Layout: out.l}
	if b.strided {
		p.B.Layout = b.l
	}
	if max(rows, nrhs) > f.st.be.MaxDim {
		return nil, 0, false, fmt.Errorf("%w: %d right-hand sides, the %s backend takes at most %d", ErrTooLarge, nrhs, f.st.be.Name, f.st.be.MaxDim)
	}
	outReach := reach(out.data, out.l)
	if od, ok := same[S, T](outReach); ok && overlapsFac(od, f) {
		return nil, 0, false, fmt.Errorf("%w: X shares memory with the factorization", ErrOutput)
	}
	aliasB := b.strided && bounds.SlicesOverlap(outReach, reach(b.data, b.l))
	sameB := aliasB && b.l == out.l && &b.data[b.l.Offset] == &out.data[out.l.Offset]
	ld, direct := ldFor(out.l, f.colMajor)
	xd, typed := same[S, T](out.data)
	if allowDirect && direct && typed && out.l.Rows == rows && ld <= f.st.be.MaxDim && (sameB || !aliasB) {
		x := xd[out.l.Canonical().Offset:]
		p.X.InPlace = true
		if !sameB {
			pack(x, ld, f.colMajor, b)
			p.B.CopiedBytes, p.B.Why = b.r*nrhs*sizeOf[S](), whyRHS
		}
		return x, ld, true, nil
	}
	ld = nrhs
	if f.colMajor {
		ld = rows
	}
	if err := copyable(rows, nrhs, sizeOf[T](), "B"); err != nil {
		return nil, 0, false, err
	}
	f.rhs = grow(f.rhs, rows*nrhs)
	pack(f.rhs, ld, f.colMajor, b)
	p.B.CopiedBytes = b.r * nrhs * sizeOf[T]()
	p.X.CopiedBytes = out.l.Rows * nrhs * sizeOf[S]()
	switch {
	case sizeOf[S]() != sizeOf[T]():
		p.B.Why, p.X.Why = whyWiden, whyWiden
	case aliasB && !sameB:
		p.B.Why, p.X.Why = whyAlias, whyAlias
	case !allowDirect:
		p.B.Why, p.X.Why = whyGels, whyGels
	case out.l.Rows != rows:
		p.B.Why, p.X.Why = whyRows, whyRows
	default:
		p.B.Why, p.X.Why = whyScratch, whyScratch
	}
	return f.rhs, ld, false, nil
}

// vecLayout is the layout of a Gonum vector's storage as a column.
func vecLayout(v blas64.Vector) adapter.Layout {
	return adapter.Layout{Rows: v.N, Cols: 1, RowStride: v.Inc, ColStride: 1}
}

// mustBeDone panics if no factorization has been attempted: using one before
// Factorize is a programming error.
func (f *fac[T]) mustBeDone(what string) {
	if !f.done {
		panic("lapack: " + what + " not factorized")
	}
}

// checkRHS validates a right-hand side against a factorization: it returns
// the factorization's error, or ErrShape when B's rows are not A's. It
// panics if there is no factorization.
func checkRHS[S, T float](f *fac[T], b input[S], what string) error {
	f.mustBeDone(what)
	if f.err != nil {
		return f.err
	}
	if b.r != f.m {
		return fmt.Errorf("%w: B has %d rows, A is %d×%d", ErrShape, b.r, f.m, f.n)
	}
	return nil
}

// release drops the references a pooled factorization holds to a caller's
// memory and backend, keeping its own buffers.
func (f *fac[T]) release() {
	f.st, f.k, f.a, f.done, f.err = nil, nil, nil, false, nil
}

// overlapsFac reports whether d shares memory with the factored storage.
func overlapsFac[T float](d []T, f *fac[T]) bool {
	return bounds.SlicesOverlap(d, f.storageReach())
}
