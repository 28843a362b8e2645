package window

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/workpool"
)

// A convolution is cut into tasks — an image, or a block of an image's
// output rows — that write disjoint parts of the output. The caller and up
// to GOMAXPROCS−1 idle workers of internal/workpool claim tasks from an
// atomic counter; each issues single BLAS calls from its own pooled
// convWorkspace.

// convWorkspace is one participant's scratch, pooled and grown on demand.
type convWorkspace[T convFloat] struct {
	in, out []T
}

func growBuf[T convFloat](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	return (*s)[:n]
}

// convPools holds per element type: workspaces, jobs, filter buffers.
var convPools [2]struct{ ws, job, filt sync.Pool }

func convPoolsFor[T convFloat]() *struct{ ws, job, filt sync.Pool } {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return &convPools[0]
	}
	return &convPools[1]
}

// getBuf returns a pooled buffer of n elements, its contents left as they
// were, and the handle putBuf returns it by.
func getBuf[T convFloat](n int) (*[]T, []T) {
	buf, ok := convPoolsFor[T]().filt.Get().(*[]T)
	if !ok {
		buf = new([]T)
	}
	return buf, growBuf(buf, n)
}

// putBuf returns a buffer from getBuf to its pool.
func putBuf[T convFloat](buf *[]T) { convPoolsFor[T]().filt.Put(buf) }

func getConvWorkspace[T convFloat]() *convWorkspace[T] {
	if ws, ok := convPoolsFor[T]().ws.Get().(*convWorkspace[T]); ok {
		return ws
	}
	return new(convWorkspace[T])
}

// gemmer issues C = A·B + beta·C, all row-major, to the backend's kernel
// for T.
type gemmer[T convFloat] struct {
	f64 blas.Float64
	f32 blas.Float32
	// tile: the backend is Gonum's, which runs a GEMM of 4 or more 64×64
	// blocks of C on goroutines of its own, allocating each time; the tasks
	// are already spread over the cores, so calls are cut into serial ones.
	tile bool
}

func newGemmer[T convFloat](be *blasbridge.Backend) gemmer[T] {
	var g gemmer[T]
	var zero T
	if unsafe.Sizeof(zero) == 8 {
		g.f64 = be.Float64
	} else {
		g.f32 = be.Float32
	}
	g.tile = be.GoBLAS()
	return g
}

var convSingleThreaded = true

const gonumBlock = 64 // Gonum's GEMM block; 4 blocks of C go parallel

func (g *gemmer[T]) nn(m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	g.gemm(false, false, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// gemm issues C = op(A)·op(B) + beta·C, op transposing A when tA and B
// when tB (A is then stored k×m, B n×k).
func (g *gemmer[T]) gemm(tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	blocks := func(x int) int { return (x + gonumBlock - 1) / gonumBlock }
	if !g.tile || blocks(m)*blocks(n) < 4 {
		g.call(tA, tB, m, n, k, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// At most 3 blocks per call; the long side stays along n, the axpy
	// length of Gonum's kernel.
	mc, nc := gonumBlock, 3*gonumBlock
	if n <= gonumBlock {
		mc, nc = 3*gonumBlock, n
	}
	for i := 0; i < m; i += mc {
		mi := min(mc, m-i)
		var ai []T
		if tA {
			ai = a[i:] // column i of the stored k×m
		} else {
			ai = a[i*lda:] // row i of A
		}
		for jj := 0; jj < n; jj += nc {
			var bj []T
			if tB {
				bj = b[jj*ldb:] // row jj of the stored n×k
			} else {
				bj = b[jj:] // column jj of B
			}
			g.call(tA, tB, mi, min(nc, n-jj), k, ai, lda, bj, ldb, beta, c[i*ldc+jj:], ldc)
		}
	}
}

// axpy issues y += alpha·x over n unit-stride elements to the backend's
// kernel for T (SIMD in Gonum's assembly and in OpenBLAS).
func (g *gemmer[T]) axpy(n int, alpha T, x, y []T) {
	if g.f64 != nil {
		g.f64.Daxpy(n, float64(alpha), asFloat[float64](x), 1, asFloat[float64](y), 1)
		return
	}
	g.f32.Saxpy(n, float32(alpha), asFloat[float32](x), 1, asFloat[float32](y), 1)
}

// dot returns x·y over n unit-stride elements, through the backend's
// kernel for T.
func (g *gemmer[T]) dot(n int, x, y []T) T {
	if g.f64 != nil {
		return T(g.f64.Ddot(n, asFloat[float64](x), 1, asFloat[float64](y), 1))
	}
	return T(g.f32.Sdot(n, asFloat[float32](x), 1, asFloat[float32](y), 1))
}

func (g *gemmer[T]) call(tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	if g.f64 != nil {
		g.f64.Dgemm(ta, tb, m, n, k, 1, asFloat[float64](a), lda, asFloat[float64](b), ldb, float64(beta), asFloat[float64](c), ldc)
		return
	}
	g.f32.Sgemm(ta, tb, m, n, k, 1, asFloat[float32](a), lda, asFloat[float32](b), ldb, float32(beta), asFloat[float32](c), ldc)
}

// as reinterprets s; U and T are the same type (f64 is set only for
// float64, f32 only for float32).
func asFloat[U, T convFloat](s []T) []U {
	return unsafe.Slice((*U)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// convJob is one Forward call in flight. Jobs are pooled.
type convJob[T convFloat] struct {
	g       convGeom
	algo    Algorithm
	gm      gemmer[T]
	y, x, w []T
	wt      []T // NCHW kn2row: filters tap-major, [KH·KW][F×C]
	wtBuf   *[]T
	own     *prepared[T] // a Prepared layer's: wt is its, scratch from its lists
	mode    kmode
	rows    int // output rows per convTask (Winograd: tiles per task)
	tilesH  int // Winograd: tiles per image, down and across
	tilesW  int
	be64    bool // the BLAS calls are float64
	blocks  int  // tasks per image
	ntasks  int
	next    atomic.Int64
	wg      sync.WaitGroup
}

// runJob runs g with algo on backend be. pre is a Prepared layer's filters
// and scratch, or nil: the filters are then w, repacked or transformed
// into pooled buffers where algo needs it, and scratch comes from pools.
func runJob[T convFloat](g *convGeom, algo Algorithm, be *blasbridge.Backend, y, x, w []T, pre *prepared[T]) {
	pl := convPoolsFor[T]()
	var j *convJob[T]
	if pre != nil {
		j = pre.getJob()
		w = pre.w
		j.wt, j.own = pre.wt, pre
	} else {
		var ok bool
		if j, ok = pl.job.Get().(*convJob[T]); !ok {
			j = new(convJob[T])
		}
	}
	j.g, j.algo, j.gm = *g, algo, newGemmer[T](be)
	j.y, j.x, j.w = y, x, w
	procs := runtime.GOMAXPROCS(0)
	j.be64 = j.gm.f64 != nil
	switch algo {
	case Im2Col:
		j.rows, j.blocks = g.oh, 1
	case Depthwise:
		j.planRows(procs)
	case Winograd:
		j.planWinograd()
	default:
		j.planKn2row(procs)
	}
	if algo != Winograd {
		j.ntasks = g.n * j.blocks
	}
	j.next.Store(0)

	helpers := min(procs, j.ntasks) - 1
	// Less than ~64k multiply-adds is not worth waking a worker for.
	if work := float64(g.ylen) * float64(g.gpatch); work < 1<<16 {
		helpers = 0
	}
	if helpers > 0 && be.SingleThreaded != nil && convSingleThreaded {
		// Goroutines over row blocks with single-threaded BLAS calls beat
		// letting the BLAS thread them (DESIGN; BenchmarkConv2D).
		defer be.SingleThreaded()()
	}
	workpool.Offer(j, helpers, &j.wg)
	j.work()
	j.wg.Wait()

	if j.wtBuf != nil {
		putBuf(j.wtBuf)
		j.wtBuf = nil
	}
	j.y, j.x, j.w, j.wt = nil, nil, nil, nil
	j.gm = gemmer[T]{}
	if own := j.own; own != nil {
		j.own = nil
		own.putJob(j)
		return
	}
	pl.job.Put(j)
}

// planRows cuts each image into blocks of output rows, halving them until
// there are four tasks per processor.
func (j *convJob[T]) planRows(procs int) {
	g := &j.g
	rows := g.oh
	for rows > 1 && g.n*((g.oh+rows-1)/rows) < 4*procs && procs > 1 {
		rows = (rows + 1) / 2
	}
	j.rows = rows
	j.blocks = (g.oh + rows - 1) / rows
}

func (j *convJob[T]) Run() {
	j.work()
	j.wg.Done()
}

func (j *convJob[T]) work() {
	var ws *convWorkspace[T]
	if j.own != nil {
		ws = j.own.getWS()
		defer j.own.putWS(ws)
	} else {
		ws = getConvWorkspace[T]()
		defer convPoolsFor[T]().ws.Put(ws)
	}
	for {
		t := int(j.next.Add(1) - 1)
		if t >= j.ntasks {
			break
		}
		if j.algo == Winograd {
			j.winograd(ws, t)
			continue
		}
		n, b := t/j.blocks, t%j.blocks
		oh0 := b * j.rows
		oh1 := min(oh0+j.rows, j.g.oh)
		switch {
		case j.algo == Depthwise && j.g.nhwc:
			j.depthwiseNHWC(ws, n, oh0, oh1)
		case j.algo == Depthwise:
			j.depthwiseNCHW(ws, n, oh0, oh1)
		case j.algo == Im2Col && j.g.nhwc:
			j.im2colNHWC(ws, n)
		case j.algo == Im2Col:
			j.im2colNCHW(ws, n)
		case j.g.nhwc:
			j.kn2rowNHWC(ws, n, oh0, oh1)
		default:
			j.kn2rowNCHW(ws, n, oh0, oh1)
		}
	}
}
