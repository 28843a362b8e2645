package blasbridge

import (
	"fmt"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

type float interface{ ~float32 | ~float64 }

// Gemm computes C = alpha·A·B + beta·C for operands in any layouts, following
// the plan PlanGemm describes (with beta and overlaps taken into account),
// and returns that plan. An output that shares an element with an input is
// computed through scratch and is still right; one that merely interleaves
// with an input in memory, as the blocks of one matrix do, is written
// directly (see Aliasing in the package documentation). It returns an
// error, and writes nothing, for layouts outside their buffers, shapes that
// do not fit, an output whose elements share addresses, and sizes the
// backend cannot take.
func Gemm(alpha float64, a, b adapter.Strided, beta float64, c adapter.Strided) (Plan, error) {
	be := active.Load()
	return gemm(be, be.Float64.Dgemm, alpha, a.Data, a.Layout, b.Data, b.Layout, beta, c.Data, c.Layout)
}

// Gemm32 is Gemm for float32 operands.
func Gemm32(alpha float32, a, b adapter.Strided32, beta float32, c adapter.Strided32) (Plan, error) {
	be := active.Load()
	return gemm(be, be.Float32.Sgemm, alpha, a.Data, a.Layout, b.Data, b.Layout, beta, c.Data, c.Layout)
}

type gemmFunc[T float] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

func gemm[T float](be *Backend, kernel gemmFunc[T], alpha T, ad []T, al adapter.Layout, bd []T, bl adapter.Layout, beta T, cd []T, cl adapter.Layout) (Plan, error) {
	aLo, aHi, err := span("A", ad, al)
	if err != nil {
		return Plan{}, err
	}
	bLo, bHi, err := span("B", bd, bl)
	if err != nil {
		return Plan{}, err
	}
	cLo, cHi, err := span("C", cd, cl)
	if err != nil {
		return Plan{}, err
	}
	if err := checkShapes(al, bl, cl); err != nil {
		return Plan{}, err
	}
	// The address ranges first; only ranges that meet (one array) need the
	// exact test.
	budget := aliasBudget(cl.Rows * cl.Cols)
	aliased := cLo <= aHi && aLo <= cHi && sharesElement(cd, cl, ad, al, budget) ||
		cLo <= bHi && bLo <= cHi && sharesElement(cd, cl, bd, bl, budget)
	var zero T
	p, err := planGemm(be, al, bl, cl, int(unsafe.Sizeof(zero)), beta != 0, aliased)
	if err != nil {
		return p, err
	}
	runGemm(kernel, &p, alpha, ad, bd, beta, cd)
	return p, nil
}

// runGemm executes a validated plan.
func runGemm[T float](kernel gemmFunc[T], p *Plan, alpha T, ad, bd []T, beta T, cd []T) {
	m, n, k := p.M, p.N, p.K
	av, sa := operandView(p.A, ad, m, k)
	defer releaseScratch(sa)
	bv, sb := operandView(p.B, bd, k, n)
	defer releaseScratch(sb)

	cl := p.C
	var cv []T
	switch cl {
	case Direct, Transposed:
		cv = cd[p.cLayout().Offset:]
	default:
		s := getScratch[T](m * n)
		defer putScratch(s)
		cv = *s
		if beta != 0 {
			gather(cv, cd, p.cLayout(), cl == ScratchTransposed)
		}
	}
	tA, tB := flag(p.A.Trans), flag(p.B.Trans)
	if cl.transposed() {
		// Cᵀ = op(B)ᵀ·op(A)ᵀ into the row-major view of Cᵀ.
		kernel(flip(tB), flip(tA), n, m, k, alpha, bv, p.B.LD, av, p.A.LD, beta, cv, p.CLD)
	} else {
		kernel(tA, tB, m, n, k, alpha, av, p.A.LD, bv, p.B.LD, beta, cv, p.CLD)
	}
	if cl.scratch() {
		scatter(cd, p.cLayout(), cv, cl == ScratchTransposed)
	}
}

// cLayout is the output layout; kept on the plan so Gemm need not pass it.
func (p *Plan) cLayout() adapter.Layout { return p.c }

func flag(trans bool) blas.Transpose {
	if trans {
		return blas.Trans
	}
	return blas.NoTrans
}

func flip(t blas.Transpose) blas.Transpose {
	if t == blas.NoTrans {
		return blas.Trans
	}
	return blas.NoTrans
}

// operandView returns the data BLAS reads for an r×c operand: its own
// storage from its first element, or a packed copy in pooled scratch, which
// it also returns for releaseScratch (nil for a view). It returns no release
// closure: in a generic function even an empty one captures the dictionary
// and allocates, and views must cost nothing.
func operandView[T float](o Operand, data []T, r, c int) ([]T, *[]T) {
	if !o.Packed {
		return data[o.Layout.Offset:], nil
	}
	s := getScratch[T](r * c)
	gather(*s, data, o.Layout, o.Trans)
	return *s, s
}

// releaseScratch returns s to its pool; nil (no scratch) is a no-op.
func releaseScratch[T float](s *[]T) {
	if s != nil {
		putScratch(s)
	}
}

// gather copies the r×c matrix in layout l out of src into dense dst:
// row-major (ld = Cols), or column-major (ld = Rows) when colMajor is set.
func gather[T float](dst, src []T, l adapter.Layout, colMajor bool) {
	drs, dcs := l.Cols, 1
	if colMajor {
		drs, dcs = 1, l.Rows
	}
	copy2D(dst, drs, dcs, src, l, false)
}

// scatter is gather's inverse: it writes dense src back into dst's layout.
func scatter[T float](dst []T, l adapter.Layout, src []T, colMajor bool) {
	srs, scs := l.Cols, 1
	if colMajor {
		srs, scs = 1, l.Rows
	}
	copy2D(src, srs, scs, dst, l, true)
}

const tile = 32

// copy2D moves the elements of an r×c matrix between the dense buffer d
// (element (i, j) at i*drs + j*dcs) and the strided buffer s in layout l:
// from s to d, or from d to s when toStrided is set. It works in tiles so
// that transposing copies stay in cache.
func copy2D[T float](d []T, drs, dcs int, s []T, l adapter.Layout, toStrided bool) {
	r, c := l.Rows, l.Cols
	for i0 := 0; i0 < r; i0 += tile {
		i1 := min(i0+tile, r)
		for j0 := 0; j0 < c; j0 += tile {
			j1 := min(j0+tile, c)
			for i := i0; i < i1; i++ {
				ks := l.Offset + i*l.RowStride + j0*l.ColStride
				kd := i*drs + j0*dcs
				if toStrided {
					for j := j0; j < j1; j++ {
						s[ks] = d[kd]
						ks += l.ColStride
						kd += dcs
					}
				} else {
					for j := j0; j < j1; j++ {
						d[kd] = s[ks]
						ks += l.ColStride
						kd += dcs
					}
				}
			}
		}
	}
}

// sharesElement reports whether layout l1 over d1 and layout l2 over d2,
// both checked against their data, have an element at the same address.
// Address ranges that do not meet (always the case for different arrays)
// answer at once; otherwise the element sets are intersected exactly by
// bounds.Shared, with an enumeration budget that grows with the output's
// size (aliasBudget) and a conservative answer past it.
func sharesElement[T float](d1 []T, l1 adapter.Layout, d2 []T, l2 adapter.Layout, budget int) bool {
	lo1, hi1, _ := span("", d1, l1)
	lo2, hi2, _ := span("", d2, l2)
	if lo1 > hi2 || lo2 > hi1 {
		return false
	}
	delta, ok := elemDelta(d1, d2)
	if !ok {
		return true
	}
	return bounds.Shared(l1.Rows, l1.Cols, l1.RowStride, l1.ColStride, l1.Offset,
		l2.Rows, l2.Cols, l2.RowStride, l2.ColStride, l2.Offset+delta, budget)
}

// elemDelta returns the index of d2[0] counted from d1[0], for slices of one
// array; false if the distance is not a whole number of elements.
func elemDelta[T any](d1, d2 []T) (int, bool) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	diff := int(uintptr(unsafe.Pointer(unsafe.SliceData(d2)))) - int(uintptr(unsafe.Pointer(unsafe.SliceData(d1))))
	return diff / size, diff%size == 0
}

// aliasBudget is the enumeration budget of the exact aliasing test for an
// output of n elements: steps worth about what sending it through scratch
// would cost, at least 16 and at most 4096 (a quarter of a millisecond).
// Rectangles within one leading dimension (every blocked LAPACK update,
// rows and columns of one matrix) and nested arrays never need it.
func aliasBudget(n int) int {
	return min(max(n/aliasStepCost, 16), 1<<12)
}

// aliasStepCost is the cost of one enumeration step of bounds.Shared in
// elements moved through scratch: about 55 ns a step (BenchmarkShared in
// internal/bounds) against 1–2 ns an element for the scatter (and load).
const aliasStepCost = 32

// span checks that layout l lies inside d and returns the addresses of the
// first and last bytes it reaches. The error names the operand.
func span[T float](name string, d []T, l adapter.Layout) (lo, hi uintptr, err error) {
	first, last, err := l.Extent()
	if err == nil && (first < 0 || last >= len(d)) {
		err = l.Check(len(d)) // for its message
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", name, err)
	}
	var zero T
	size := unsafe.Sizeof(zero)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(d)))
	return base + uintptr(first)*size, base + uintptr(last+1)*size - 1, nil
}

var pools = struct {
	f32, f64 sync.Pool
}{}

// getScratch returns a pooled buffer of n elements; its contents are stale.
func getScratch[T float](n int) *[]T {
	var zero T
	pool := &pools.f64
	if unsafe.Sizeof(zero) == 4 {
		pool = &pools.f32
	}
	if v, ok := pool.Get().(*[]T); ok && cap(*v) >= n {
		*v = (*v)[:n]
		return v
	}
	s := make([]T, n)
	return &s
}

func putScratch[T float](s *[]T) {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		pools.f32.Put(s)
	} else {
		pools.f64.Put(s)
	}
}
