package blasbridge

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
	"github.com/strider-go/strider/internal/workpool"
)

// ErrBatch: a batch has no items (a count that is not positive).
var ErrBatch = errors.New("blasbridge: bad batch")

// BatchPlan is how a strided batch of GEMMs reaches BLAS.
type BatchPlan struct {
	// Plan is the call issued for every item, planned once for the whole
	// batch; when Folded, it is the one GEMM that computes the whole batch,
	// with M (or N) Count times an item's. Its CopiedBytes counts the whole
	// batch: per-item packing and scratch times Count, a broadcast operand
	// packed once.
	Plan
	// Count is the number of items.
	Count int
	// Folded is true when the batch is one large GEMM. That GEMM may be
	// issued in blocks of whole items' rows (or columns), one BLAS call per
	// block, shared among the workers when Workers > 1.
	Folded bool
	// Workers is the most goroutines that run BLAS calls at once, the
	// caller included; idle pool workers join, busy ones are not waited
	// for. It is 1 when the calls run in sequence: on one core, in a batch
	// too small to share, or, on a backend that threads its own calls
	// (OpenBLAS), for items it threads and for items so small that
	// concurrent calls contend inside it (unless folded).
	Workers int
}

// String describes the batch plan in one line, for example
//
//	10000 items on 2 workers · A: no-trans · B: no-trans · C: direct output · copied 0 B
//	folded 10000 items into one GEMM (80000×8·8×8) in blocks of items on 2 workers · A: no-trans · …
func (p BatchPlan) String() string {
	var b strings.Builder
	switch {
	case p.Folded:
		fmt.Fprintf(&b, "folded %d items into one GEMM (%d×%d·%d×%d)", p.Count, p.M, p.K, p.K, p.N)
		if p.Workers > 1 {
			fmt.Fprintf(&b, " in blocks of items on %d workers", p.Workers)
		}
	case p.Workers > 1:
		fmt.Fprintf(&b, "%d items on %d workers", p.Count, p.Workers)
	case p.Count == 1:
		b.WriteString("1 item")
	default:
		fmt.Fprintf(&b, "%d items in sequence", p.Count)
	}
	b.WriteString(" · ")
	b.WriteString(p.Plan.String())
	return b.String()
}

// GemmBatched computes C_i = alpha·A_i·B_i + beta·C_i for i in [0, count),
// with the semantics of cuBLAS's and MKL's gemm_batch_strided: item i of an
// operand X has layout X.Layout with its Offset moved by i*strideX,
//
//	A_i(r, c) == a.Data[a.Layout.Index(r, c) + i*strideA]
//	Data: [A_0 … | A_1 … | A_2 …]   strideA = m·ldA: row-major items stacked
//
// A batch stride of 0 broadcasts one matrix to every item, as NumPy's matmul
// broadcasts; a negative stride walks the items backwards. Items of the
// inputs may overlap one another; items of C may not.
//
// The batch is planned once. When B is broadcast and the items of A and of
// C stack into two (count·m)-row matrices with BLAS views — as row-major
// items with batch stride m·ld do — the batch folds into one
// (count·m)×k · k×n GEMM; mirrored, a broadcast A with B and C stacked into
// (count·n)-column matrices (column-major items with batch stride n·ld)
// folds into one m×k · k×(count·n) GEMM. Otherwise items are shared among
// pool goroutines (up to GOMAXPROCS, the caller included), each calling the
// BLAS kernel on one item at a time; but on a backend that threads its own
// calls (OpenBLAS), items above 64³ multiply-adds, which it threads, run one
// call each in sequence, and so do items too small to gain from sharing. A
// folded GEMM of small items is issued in blocks of whole items' rows
// (columns), one call per block, small enough that the BLAS does not thread
// it, and the blocks are shared: both BLASes thread a tall, thin GEMM
// poorly. A folded GEMM of items the BLAS threads is one call.
//
// A C that shares an element with A or B (any item with any item) is
// computed through scratch: every item is computed from the inputs as they
// were, then scattered into C, and the result is right. Items merely
// interleaved with the inputs' in memory are written directly.
//
// GemmBatched returns an error, and writes nothing, for a count that is not
// positive (ErrBatch); an item of any operand outside its buffer or
// arithmetic that overflows (checked on the first and last item, since an
// item's extent moves with its offset); shapes that do not fit (ErrShape);
// items of C that share addresses, within an item or across items
// (ErrAliasedOutput, also when overlap cannot be ruled out: see below); and
// sizes the backend cannot take. Items of C are proved disjoint when, with
// the three axes of C (rows, columns, items) sorted by the size of their
// strides, each stride exceeds the span of the smaller axes, as in any
// nested layout; failing that, batches of up to 65536 output elements are
// checked element by element, and larger ones are refused.
func GemmBatched(alpha float64, a adapter.Strided, strideA int, b adapter.Strided, strideB int, beta float64, c adapter.Strided, strideC int, count int) (BatchPlan, error) {
	be := active.Load()
	return gemmBatched(be, alpha,
		batchOperand[float64]{data: a.Data, l: a.Layout, stride: strideA},
		batchOperand[float64]{data: b.Data, l: b.Layout, stride: strideB},
		beta,
		batchOperand[float64]{data: c.Data, l: c.Layout, stride: strideC},
		count)
}

// GemmBatched32 is GemmBatched for float32 operands.
func GemmBatched32(alpha float32, a adapter.Strided32, strideA int, b adapter.Strided32, strideB int, beta float32, c adapter.Strided32, strideC int, count int) (BatchPlan, error) {
	be := active.Load()
	return gemmBatched(be, alpha,
		batchOperand[float32]{data: a.Data, l: a.Layout, stride: strideA},
		batchOperand[float32]{data: b.Data, l: b.Layout, stride: strideB},
		beta,
		batchOperand[float32]{data: c.Data, l: c.Layout, stride: strideC},
		count)
}

// Tuning, in multiply-adds (m·n·k per item), measured on the project's
// 2-core machines with BenchmarkBatched (batch_bench_test.go), on Gonum's
// BLAS and, built with -tags netlib, on OpenBLAS.
const (
	// serialWork: a batch with less work than this runs on the caller alone;
	// waking a worker costs a few microseconds.
	serialWork = 1 << 15
	// chunkWork: items are claimed in chunks of about this much work, and at
	// least chunksPerWorker chunks per worker. Runs of neighbouring items
	// stream through memory better than single items: 32×32 items in
	// chunks of 32 ran 7% faster than in chunks of 2.
	chunkWork       = 1 << 20
	chunksPerWorker = 32
	// threadedWork: OpenBLAS threads a call itself above 64³ multiply-adds,
	// and well for square-ish products, so on backends other than Gonum
	// larger items run one call each, in sequence, and a folded batch of
	// them as its one call (96³ items ran 18% slower shared than in a
	// loop). Gonum's BLAS threads a call with a goroutine per 64×64 tile
	// of C, less well than the pool shares whole items: shared items ran
	// faster than a loop at every size measured, 1.5× at 128³ and 1.2× for
	// two items of 512³, so on Gonum every item is shared.
	threadedWork = 1 << 18
	// sharedWork: on backends other than Gonum, smaller items run in
	// sequence: small calls from several threads contend inside OpenBLAS
	// (8×8 items ran 2.2× slower shared than in a loop, 16×16 1.3× slower,
	// 24×24 even, 32×32 1.6× faster).
	sharedWork = 1 << 14
	// bruteForceElems bounds the element-by-element overlap check of C.
	bruteForceElems = 1 << 16
)

// batchOperand is one operand of a batch: item i has layout l with Offset
// moved by i*stride.
type batchOperand[T float] struct {
	data   []T
	l      adapter.Layout
	stride int
	// lo and hi are the smallest and largest indices any item reaches,
	// set by check.
	lo, hi int
}

// item returns the layout of item i.
func (o *batchOperand[T]) item(i int) adapter.Layout {
	l := o.l
	l.Offset += i * o.stride
	return l
}

// check validates the first and the last item against the buffer. An item's
// extent is its layout's extent moved by i*stride, affine in i, so every
// item lies between those two.
func (o *batchOperand[T]) check(name string, count int) error {
	if err := o.l.Check(len(o.data)); err != nil {
		return fmt.Errorf("%s: item 0: %w", name, err)
	}
	shift, ok := bounds.Mul(count-1, o.stride)
	last := o.l
	if ok {
		last.Offset, ok = bounds.Add(o.l.Offset, shift)
	}
	if !ok {
		return fmt.Errorf("%w: %s: offset %d + (%d-1) items × batch stride %d", adapter.ErrOverflow, name, o.l.Offset, count, o.stride)
	}
	if err := last.Check(len(o.data)); err != nil {
		return fmt.Errorf("%s: item %d of %d (batch stride %d): %w", name, count-1, count, o.stride, err)
	}
	l0 := o.l
	lo, hi, _ := bounds.Extent(l0.Rows, l0.Cols, l0.RowStride, l0.ColStride, l0.Offset)
	o.lo, o.hi = min(lo, lo+shift), max(hi, hi+shift)
	return nil
}

func gemmBatched[T float](be *Backend, alpha T, a, b batchOperand[T], beta T, c batchOperand[T], count int) (BatchPlan, error) {
	bp, panel, aliased, err := planBatched(be, &a, &b, &c, count, beta != 0, true)
	if err != nil {
		return BatchPlan{}, err
	}
	m, n, k := a.l.Rows, b.l.Cols, a.l.Cols
	if bp.Folded {
		// The item shape, not the folded GEMM's.
		m, n, k = bp.M, bp.N, bp.K
		if panel == panelRows {
			m /= count
		} else {
			n /= count
		}
	}
	runBatched(be, &bp, panel, alpha, a, b, beta, c, count, aliased, m, n, k)
	return bp, nil
}

// planBatched validates a batch and plans it: folded into one GEMM (a, b
// and c are then replaced by the folded operands), or one plan for every
// item. With checkData unset it trusts the operands to lie in their
// buffers and not to overlap C, for planning without data.
func planBatched[T float](be *Backend, a, b, c *batchOperand[T], count int, betaNonZero, checkData bool) (bp BatchPlan, panel int, aliased bool, err error) {
	if count <= 0 {
		return BatchPlan{}, 0, false, fmt.Errorf("%w: count %d", ErrBatch, count)
	}
	if checkData {
		if err := a.check("A", count); err != nil {
			return BatchPlan{}, 0, false, err
		}
		if err := b.check("B", count); err != nil {
			return BatchPlan{}, 0, false, err
		}
		if err := c.check("C", count); err != nil {
			return BatchPlan{}, 0, false, err
		}
	}
	if err := checkGemm(a.l, b.l, c.l); err != nil {
		return BatchPlan{}, 0, false, err
	}
	if checkData {
		if err := checkItemsDisjoint(c.l, count, c.stride, c.lo, c.hi); err != nil {
			return BatchPlan{}, 0, false, err
		}
		// Whether any element of any item of C is an element of an item of
		// A or B: the address ranges of all items (checked to lie inside
		// their data above) first, then the element sets, exactly.
		budget := aliasBudget(count * c.l.Rows * c.l.Cols)
		aliased = itemsShare(c, a, count, budget) || itemsShare(c, b, count, budget)
	}

	var zero T
	size := int(unsafe.Sizeof(zero))
	m, n, k := a.l.Rows, b.l.Cols, a.l.Cols

	bp = BatchPlan{Count: count, Workers: 1}
	panel = panelNone
	if p, fa, fb, fc, axis, ok := fold(be, *a, *b, *c, count, size, betaNonZero, aliased); ok {
		bp.Plan, bp.Folded = p, true
		*a, *b, *c = fa, fb, fc
		panel = axis
	} else {
		p, err := planGemm(be, a.l, b.l, c.l, size, betaNonZero, aliased)
		if err != nil {
			return BatchPlan{}, 0, false, err
		}
		bp.Plan = p
		// Per item as planned, except that a broadcast operand is packed once.
		copies := count * p.CopiedBytes
		if p.A.Packed && a.stride == 0 {
			copies -= (count - 1) * m * k * size
		}
		if p.B.Packed && b.stride == 0 {
			copies -= (count - 1) * k * n * size
		}
		bp.CopiedBytes = copies
	}
	return bp, panel, aliased, nil
}

// itemsShare reports whether an item of x and an item of y, both checked,
// have an element in common: their address ranges first, then the element
// sets of the two 3-D layouts (rows, columns, items) exactly, as
// sharesElement does for matrices.
func itemsShare[T float](x, y *batchOperand[T], count, budget int) bool {
	if !bounds.SlicesOverlap(x.data[x.lo:x.hi+1], y.data[y.lo:y.hi+1]) {
		return false
	}
	delta, ok := elemDelta(x.data, y.data)
	if !ok {
		return true
	}
	return bounds.SharedN(
		[]int{x.l.Rows, x.l.Cols, count}, []int{x.l.RowStride, x.l.ColStride, x.stride}, x.l.Offset,
		[]int{y.l.Rows, y.l.Cols, count}, []int{y.l.RowStride, y.l.ColStride, y.stride}, y.l.Offset+delta, budget)
}

// runBatched runs a planned batch of count items of m×k · k×n, and sets the
// plan's Workers.
func runBatched[T float](be *Backend, bp *BatchPlan, panel int, alpha T, a, b batchOperand[T], beta T, c batchOperand[T], count int, aliased bool, m, n, k int) {
	j := getJob[T]()
	j.setup(be, &bp.Plan, m, n, k, alpha, a, b, beta, c, count, aliased, panel)
	if j.count > 1 {
		procs := runtime.GOMAXPROCS(0)
		chunk, share := schedule(be, procs, j.count, m, n, k, j.panel)
		j.chunk = chunk
		j.nchunks = (j.count + chunk - 1) / chunk
		if share {
			bp.Workers = min(procs, j.nchunks)
		}
	}
	j.tile = be.GoBLAS() && bp.Workers > 1
	j.execute(bp.Workers - 1)
	putJob(j)
}

// schedule returns how many items are claimed at once (in a folded batch,
// how many make one BLAS call), and whether the chunks are shared among
// workers: not on one core, nor for too little work, nor, on a BLAS that
// threads its own calls, for items it threads or items so small that
// concurrent calls contend inside it.
func schedule(be *Backend, procs, count, m, n, k, panel int) (chunk int, share bool) {
	work := float64(m) * float64(n) * float64(k)
	gonumBLAS := be.GoBLAS()
	share = procs > 1 && work*float64(count) >= serialWork
	switch {
	case panel != panelNone:
		// A folded GEMM is issued in blocks of whole items small enough
		// that the BLAS does not thread them, shared or in sequence: both
		// BLASes thread a tall, thin GEMM poorly (Gonum at a goroutine per
		// 64×64 tile of the output it writes; OpenBLAS ran 10000 8×8
		// items folded into one call 3× slower than in shared blocks).
		if gonumBLAS {
			r, other := m, n
			if panel == panelCols {
				r, other = n, m
			}
			// Gonum threads a call whose output has four tiles or more.
			maxRows := 64 * (3 / ((other + 63) / 64))
			chunk = max(1, maxRows/r)
		} else {
			if work > threadedWork {
				return count, false // the whole GEMM, threaded by the BLAS
			}
			chunk = max(1, int(threadedWork/work))
		}
	case !gonumBLAS && (work > threadedWork || work < sharedWork), !share:
		return count, false
	default:
		chunk = max(1, int(chunkWork/work))
	}
	if share {
		// At least chunksPerWorker chunks for each worker, so that a
		// worker that starts late or runs on a busy core leaves little to
		// wait for.
		chunk = max(1, min(chunk, count/(chunksPerWorker*procs)))
	}
	return chunk, share
}

// Panels of a folded batch.
const (
	panelNone = iota // not folded
	panelRows        // (count·m)×k · k×n: a chunk of items is a block of rows
	panelCols        // m×k · k×(count·n): a chunk of items is a block of columns
)

// fold tries to run the whole batch as one GEMM: with B broadcast, A's items
// stacked as the rows of one (count·m)×k matrix and C's as the rows of one
// (count·m)×n matrix; or, mirrored, A broadcast and the items of B and C
// stacked as columns. Both stacked matrices must have BLAS views. The
// folded operands keep their batch strides: item i of the folded batch is
// the block of rows (or columns) that holds item i.
func fold[T float](be *Backend, a, b, c batchOperand[T], count, size int, betaNonZero, aliased bool) (p Plan, fa, fb, fc batchOperand[T], axis int, ok bool) {
	if count == 1 {
		return p, a, b, c, panelNone, false
	}
	fa, fb, fc = a, b, c
	switch {
	case b.stride == 0:
		la, okA := stackRows(a.l, count, a.stride)
		lc, okC := stackRows(c.l, count, c.stride)
		if !okA || !okC {
			return p, a, b, c, panelNone, false
		}
		fa.l, fc.l = la, lc
		axis = panelRows
	case a.stride == 0:
		lb, okB := stackRows(b.l.T(), count, b.stride)
		lc, okC := stackRows(c.l.T(), count, c.stride)
		if !okB || !okC {
			return p, a, b, c, panelNone, false
		}
		fb.l, fc.l = lb.T(), lc.T()
		axis = panelCols
	default:
		return p, a, b, c, panelNone, false
	}
	// The folded layouts cover exactly the checked items; checkGemm guards
	// the construction (overflow, shapes) at the cost of three extents.
	if err := checkGemm(fa.l, fb.l, fc.l); err != nil {
		return p, a, b, c, panelNone, false
	}
	p, err := planGemm(be, fa.l, fb.l, fc.l, size, betaNonZero, aliased)
	if err != nil {
		// A folded dimension the backend cannot take: run item by item.
		return p, a, b, c, panelNone, false
	}
	return p, fa, fb, fc, axis, true
}

// stackRows returns the (count·r)×c layout whose rows are those of the count
// items of l, item i at Offset + i*stride, in order, when it exists and has
// a BLAS view: the batch stride must continue the row stride (stride ==
// r·RowStride; any stride when r == 1).
func stackRows(l adapter.Layout, count, stride int) (adapter.Layout, bool) {
	s := l
	var ok bool
	if s.Rows, ok = bounds.Mul(count, l.Rows); !ok {
		return l, false
	}
	if l.Rows == 1 {
		s.RowStride = stride
	} else if rs, ok := bounds.Mul(l.Rows, l.RowStride); !ok || rs != stride {
		return l, false
	}
	return s, s.Order() != adapter.General
}

// checkItemsDisjoint returns an error unless no two elements of the count
// items of c share an address: a zero batch stride, items that overlap, or
// overlap that cannot be ruled out. Each item alone was checked already.
func checkItemsDisjoint(c adapter.Layout, count, stride, lo, hi int) error {
	if count == 1 {
		return nil
	}
	if stride == 0 {
		return fmt.Errorf("%w: C has batch stride 0 over %d items", ErrAliasedOutput, count)
	}
	// C is a 3-D layout. Sorted by stride, if every stride exceeds the span
	// of the axes below it, addresses are a mixed-radix number: all distinct.
	type axis struct{ n, s int }
	var buf [3]axis
	axes := buf[:0]
	for _, ax := range [...]axis{{c.Rows, abs(c.RowStride)}, {c.Cols, abs(c.ColStride)}, {count, abs(stride)}} {
		if ax.n > 1 { // the stride of a size-1 axis is meaningless
			axes = append(axes, ax)
		}
	}
	slices.SortFunc(axes, func(x, y axis) int { return x.s - y.s })
	nested := true
	span := 0 // fits: it is hi - lo of the checked batch
	for _, ax := range axes {
		if ax.s <= span {
			nested = false
			break
		}
		span += (ax.n - 1) * ax.s
	}
	if nested {
		return nil
	}
	total, ok := bounds.Mul(c.Rows, c.Cols)
	if ok {
		total, ok = bounds.Mul(total, count)
	}
	if !ok || total > bruteForceElems {
		return fmt.Errorf("%w: could not rule out that the %d items of C (%v, batch stride %d) overlap: their strides do not nest and %d elements are too many to check one by one", ErrAliasedOutput, count, c, stride, total)
	}
	if i, i2 := firstSharedAddress(c, count, stride, lo, hi); i >= 0 {
		return fmt.Errorf("%w: items %d and %d of C (%v, batch stride %d) overlap", ErrAliasedOutput, i2, i, c, stride)
	}
	return nil
}

// firstSharedAddress marks the address of every element of every item and
// returns the item whose element lands on an address already marked, and
// the item that marked it; -1, -1 if there is none.
func firstSharedAddress(c adapter.Layout, count, stride, lo, hi int) (int, int) {
	owner := func(addr int) int {
		// Only called once a duplicate is found: any item holding addr
		// other than the one just visited will do.
		for i := range count {
			for r := range c.Rows {
				for col := range c.Cols {
					if c.Index(r, col)+i*stride == addr {
						return i
					}
				}
			}
		}
		return -1
	}
	var mark func(addr int) bool // reports whether addr was marked already
	if span := hi - lo + 1; span <= 1<<24 {
		bits := make([]uint64, (span+63)/64)
		mark = func(addr int) bool {
			w, bit := (addr-lo)/64, uint64(1)<<((addr-lo)%64)
			seen := bits[w]&bit != 0
			bits[w] |= bit
			return seen
		}
	} else {
		seen := make(map[int]struct{}, count*c.Rows*c.Cols)
		mark = func(addr int) bool {
			_, ok := seen[addr]
			seen[addr] = struct{}{}
			return ok
		}
	}
	for i := range count {
		for r := range c.Rows {
			for col := range c.Cols {
				addr := c.Index(r, col) + i*stride
				if mark(addr) {
					return i, owner(addr)
				}
			}
		}
	}
	return -1, -1
}

// Output modes of a batch job.
const (
	outView     = iota // BLAS writes C's items through their views
	outItem            // each item through scratch, scattered at once
	outDeferred        // every item into one scratch, scattered after the last: C overlaps an input
)

// itemOperand is an input as the job reads it.
type itemOperand[T float] struct {
	batchOperand[T]
	packed   bool // gathered per item into the worker's scratch
	colMajor bool // order of the packed copy
	ld       int
	shared   *[]T // packed once: a broadcast operand
}

func (o *itemOperand[T]) set(src batchOperand[T], op Operand) {
	o.batchOperand = src
	o.packed, o.colMajor, o.ld, o.shared = op.Packed, op.Trans, op.LD, nil
	if o.packed && src.stride == 0 {
		// The same matrix for every item: pack it once, share it read-only.
		o.shared = getScratch[T](src.l.Rows * src.l.Cols)
		gather(*o.shared, src.data, src.l, o.colMajor)
		o.packed = false
	}
}

// view returns what BLAS reads for item i.
func (o *itemOperand[T]) view(i int, scratch *[]T) []T {
	switch {
	case o.shared != nil:
		return *o.shared
	case o.packed:
		gather(*scratch, o.data, o.item(i), o.colMajor)
		return *scratch
	}
	return o.data[o.l.Offset+i*o.stride:]
}

func (o *itemOperand[T]) release() {
	if o.shared != nil {
		putScratch(o.shared)
	}
	*o = itemOperand[T]{} // drop the caller's buffers
}

// batchJob runs the items of a planned batch. Jobs are pooled: a batch that
// packs nothing allocates nothing.
type batchJob[T float] struct {
	f64 blas.Float64 // set when T is float64
	f32 blas.Float32 // set when T is float32

	m, n, k     int // of one call; per item in a folded batch shared in panels
	alpha, beta T
	panel       int            // panelRows or panelCols: a chunk of items is one call
	tA, tB      blas.Transpose // flags of C = op(A)·op(B)
	transposed  bool           // BLAS computes Cᵀ = op(B)ᵀ·op(A)ᵀ
	a, b        itemOperand[T]
	c           batchOperand[T]
	cld         int
	out         int
	colMajorC   bool // the scratch output holds Cᵀ
	deferred    *[]T // outDeferred: item i at [i·m·n, (i+1)·m·n)
	// tile cuts each call into calls of at most three 64×64 tiles of C:
	// items shared among workers on Gonum's BLAS, which would otherwise
	// start goroutines of its own per call (four tiles or more), nested in
	// ours, allocating each time.
	tile bool

	count, chunk, nchunks int
	next                  atomic.Int64
	wg                    sync.WaitGroup
}

var jobPools [2]sync.Pool // float32, float64

func jobPool[T float]() *sync.Pool {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return &jobPools[0]
	}
	return &jobPools[1]
}

func getJob[T float]() *batchJob[T] {
	if j, ok := jobPool[T]().Get().(*batchJob[T]); ok {
		return j
	}
	return new(batchJob[T])
}

func putJob[T float](j *batchJob[T]) {
	j.a.release()
	j.b.release()
	j.c = batchOperand[T]{}
	j.f64, j.f32 = nil, nil
	jobPool[T]().Put(j)
}

// setup prepares j to run plan p over count items of m×k · k×n, one chunk
// of all of them. For a folded plan, panel says how the items stack.
func (j *batchJob[T]) setup(be *Backend, p *Plan, m, n, k int, alpha T, a, b batchOperand[T], beta T, c batchOperand[T], count int, aliased bool, panel int) {
	var zero T
	if unsafe.Sizeof(zero) == 8 {
		j.f64 = be.Float64
	} else {
		j.f32 = be.Float32
	}
	j.m, j.n, j.k = m, n, k
	j.panel = panel
	j.alpha, j.beta = alpha, beta
	j.tA, j.tB = flag(p.A.Trans), flag(p.B.Trans)
	j.transposed = p.C.transposed()
	j.a.set(a, p.A)
	j.b.set(b, p.B)
	j.c = c
	j.cld = p.CLD
	j.colMajorC = p.C == ScratchTransposed
	j.out = outView
	if p.C.scratch() {
		j.out = outItem
	}
	if panel != panelNone && (j.out != outView || j.a.packed || j.b.packed) {
		// A folded plan that packs a stacked operand or writes through
		// scratch runs as the one call it describes: a batch of one.
		j.panel = panelNone
		j.m, j.n = p.M, p.N
		count = 1
	}
	if j.out == outItem && aliased && count > 1 {
		// Writing item i could change the inputs of a later item.
		j.out = outDeferred
	}
	j.count, j.chunk, j.nchunks = count, count, 1
	j.next.Store(0)
}

// execute runs every item, with up to helpers pool workers joining the
// caller, and scatters a deferred output.
func (j *batchJob[T]) execute(helpers int) {
	if j.out == outDeferred {
		j.deferred = getScratch[T](j.count * j.m * j.n)
	}
	if helpers > 0 {
		workpool.Offer(j, helpers, &j.wg)
	}
	j.work()
	j.wg.Wait()
	if j.out == outDeferred {
		mn := j.m * j.n
		for i := range j.count {
			scatter(j.c.data, j.c.item(i), (*j.deferred)[i*mn:(i+1)*mn], j.colMajorC)
		}
		putScratch(j.deferred)
		j.deferred = nil
	}
}

// run is the pool worker's entry.
func (j *batchJob[T]) Run() {
	j.work()
	j.wg.Done()
}

// work claims chunks of items until none is left.
func (j *batchJob[T]) work() {
	var sa, sb, sc *[]T
	if j.a.packed {
		sa = getScratch[T](j.m * j.k)
		defer putScratch(sa)
	}
	if j.b.packed {
		sb = getScratch[T](j.k * j.n)
		defer putScratch(sb)
	}
	if j.out == outItem {
		sc = getScratch[T](j.m * j.n)
		defer putScratch(sc)
	}
	for {
		ch := int(j.next.Add(1) - 1)
		if ch >= j.nchunks {
			return
		}
		lo := ch * j.chunk
		hi := min(lo+j.chunk, j.count)
		if j.panel != panelNone {
			j.panelCall(lo, hi)
			continue
		}
		for i := lo; i < hi; i++ {
			j.item(i, sa, sb, sc)
		}
	}
}

// item computes item i, one BLAS call.
func (j *batchJob[T]) item(i int, sa, sb, sc *[]T) {
	av := j.a.view(i, sa)
	bv := j.b.view(i, sb)
	var cv []T
	switch j.out {
	case outView:
		cv = j.c.data[j.c.l.Offset+i*j.c.stride:]
	case outItem:
		cv = *sc
		if j.beta != 0 {
			gather(cv, j.c.data, j.c.item(i), j.colMajorC)
		}
	case outDeferred:
		mn := j.m * j.n
		cv = (*j.deferred)[i*mn : (i+1)*mn]
		if j.beta != 0 {
			gather(cv, j.c.data, j.c.item(i), j.colMajorC)
		}
	}
	j.call(j.m, j.n, av, bv, cv)
	if j.out == outItem {
		scatter(j.c.data, j.c.item(i), cv, j.colMajorC)
	}
}

// panelCall computes items [lo, hi) of a folded batch, which are one block
// of rows (or columns) of the folded GEMM, in one BLAS call. Views only: the
// block starts at item lo of each stacked operand, the broadcast operand is
// whole.
func (j *batchJob[T]) panelCall(lo, hi int) {
	m, n := j.m, j.n
	if j.panel == panelRows {
		m *= hi - lo
	} else {
		n *= hi - lo
	}
	j.call(m, n, j.a.view(lo, nil), j.b.view(lo, nil), j.c.data[j.c.l.Offset+lo*j.c.stride:])
}

// call issues C = op(A)·op(B) for an m×n C.
func (j *batchJob[T]) call(m, n int, av, bv, cv []T) {
	if j.transposed {
		// Cᵀ = op(B)ᵀ·op(A)ᵀ into the row-major view of Cᵀ.
		j.gemm(flip(j.tB), flip(j.tA), n, m, j.k, bv, j.b.ld, av, j.a.ld, cv)
	} else {
		j.gemm(j.tA, j.tB, m, n, j.k, av, j.a.ld, bv, j.b.ld, cv)
	}
}

// gemm calls the backend's kernel for T. The slices are reinterpreted, not
// converted: f64 is set only when T is float64, f32 only when T is float32.
func (j *batchJob[T]) gemm(tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T) {
	const tile = 64 // Gonum's GEMM block; four blocks of C go parallel
	if blocks := func(x int) int { return (x + tile - 1) / tile }; j.tile && blocks(m)*blocks(n) >= 4 {
		// At most 3 tiles per call, the long side along n.
		mc, nc := tile, 3*tile
		if n <= tile {
			mc, nc = 3*tile, n
		}
		for i := 0; i < m; i += mc {
			ai := a[i*lda:] // rows i… of op(A) = A
			if tA != blas.NoTrans {
				ai = a[i:] // columns i… of the stored k×m
			}
			for jj := 0; jj < n; jj += nc {
				bj := b[jj:] // columns jj… of op(B) = B
				if tB != blas.NoTrans {
					bj = b[jj*ldb:] // rows jj… of the stored n×k
				}
				j.call1(tA, tB, min(mc, m-i), min(nc, n-jj), k, ai, lda, bj, ldb, c[i*j.cld+jj:])
			}
		}
		return
	}
	j.call1(tA, tB, m, n, k, a, lda, b, ldb, c)
}

// call1 is one call to the backend's kernel for T.
func (j *batchJob[T]) call1(tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T) {
	if j.f64 != nil {
		j.f64.Dgemm(tA, tB, m, n, k, float64(j.alpha), reinterpret[float64](a), lda, reinterpret[float64](b), ldb, float64(j.beta), reinterpret[float64](c), j.cld)
		return
	}
	j.f32.Sgemm(tA, tB, m, n, k, float32(j.alpha), reinterpret[float32](a), lda, reinterpret[float32](b), ldb, float32(j.beta), reinterpret[float32](c), j.cld)
}

// reinterpret returns s as a []U; T and U must be the same type.
func reinterpret[U, T float](s []T) []U {
	return unsafe.Slice((*U)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
