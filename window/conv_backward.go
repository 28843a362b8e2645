package window

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/bounds"
	"github.com/strider-go/strider/internal/workpool"
)

// The backward passes are the forward pass's per-tap GEMMs read the other
// way round, over the same strided views of the (padded) input:
//
//	data:   dx_tap += dy · W_tapᵀ   (each tap's view of dx receives dy through W_tap)
//	filter: dW_tap  = Σ_n x_tapᵀ · dy
//
// With stride 1, each tap's view of an image is the padded image shifted by
// kh·dh rows and kw·dw columns, all output rows chained at the padded width
// Wp (as kn2row's kChain does): one GEMM per tap and group over the whole
// image. The chained view also covers the Wp − OW junk columns between
// rows, so dy is first copied to the padded width with zeros there (dyPad);
// a junk column then adds nothing to dx and contributes nothing to dW. With
// a stride, NHWC views each output row (leading dimension sw·C), and NCHW,
// whose column stride has no BLAS view, gathers (filter) or scatters (data)
// a tap at a time through an OH·OW scratch. No im2col matrix is built.
//
// BackwardData's tasks are images. BackwardFilter sums over images in a
// fixed order, so the result does not depend on which worker ran what, or
// on GOMAXPROCS, in one of two ways. Where dW is small against the input
// (and for depthwise layers), each of at most bwdChunks fixed chunks of
// images accumulates its own partial dW, image by image, each image's taps
// while it is in cache, and the partials are added in chunk order. Where
// dW is large (many channels on few pixels: partials would cost more
// than the GEMMs), every image is padded once and the tasks are blocks of
// dW — a tap, a group, a block of output channels — each summed over the
// images in order, with no partials.

// bwdChunks is the most partial weight gradients BackwardFilter keeps.
const bwdChunks = 8

// BackwardData computes the gradient of Forward's output with respect to
// its input: given the output gradient dy and the filters w, it overwrites
// dx with
//
//	dx[n, c, ih, iw] = Σ dy[n, f, oh, ow] · w[f, c, kh, kw]
//
// over the output positions and taps that read x[n, c, ih, iw] (f in c's
// group), in the Format's layouts (dx as x, dy as Forward's dst, w as
// Forward's). It is PyTorch's torch.nn.grad.conv2d_input and, read the
// other way, conv_transpose2d: a transposed convolution (a decoder's
// upsampling layer) of an input y with weights w is BackwardData of the
// Conv2D that maps its output's shape back to y's shape, with dy = y:
// stride s upsamples s times.
//
// With stride 1 (and padding within the dilated kernel), where Auto (or
// Algo) would run that layer with Winograd or the depthwise kernel,
// BackwardData is the Forward of the transposed layer — dy convolved with
// the filters rotated by 180° and their channels swapped, padded by
// (K−1)·d − p — and so as fast as a forward pass. Where Forward runs
// Im2Col, it runs one GEMM per image and group into the patch matrix
// (col = Wᵀ·dy) and adds the patches back (col2im). Otherwise it runs
// per-tap GEMMs, except Direct (the loop nest, the reference) and
// depthwise layers, which run loop nests of their own (the transposes of
// the Depthwise algorithm's). Errors are
// those of Forward, for dx's, dy's and w's lengths and overlaps; on any
// error nothing is written.
func (p Conv2D) BackwardData(dx, dy, w []float64) error { return convBackward(p, false, dx, dy, w) }

// BackwardData32 is BackwardData for float32 data.
func (p Conv2D) BackwardData32(dx, dy, w []float32) error { return convBackward(p, false, dx, dy, w) }

// BackwardFilter computes the gradient of Forward's output with respect to
// its filters: given the input x and the output gradient dy, it overwrites
// dw, in the Format's weight layout (OIHW for NCHW, HWIO for NHWC), with
//
//	dw[f, c, kh, kw] = Σ_{n, oh, ow} dy[n, f, oh, ow] · x[n, g·Cg + c, oh·sh + kh·dh − ph, ow·sw + kw·dw − pw]
//
// (x zero in the padding), PyTorch's torch.nn.grad.conv2d_weight. Where
// Forward runs Winograd (asked for, or Auto's choice), so does the filter
// pass (see Winograd: α² GEMMs over the tiles, with the same error
// bounds); where Forward runs Im2Col, one GEMM per image and group over the
// patch matrix (dW += dy·colᵀ); otherwise per-tap GEMMs, or a loop nest for
// Direct and depthwise layers. The sum over images is accumulated in a fixed order:
// the result is the same on every run and any GOMAXPROCS. Errors are
// those of Forward; on any error nothing is written.
func (p Conv2D) BackwardFilter(dw, x, dy []float64) error { return convBackward(p, true, dw, x, dy) }

// BackwardFilter32 is BackwardFilter for float32 data.
func (p Conv2D) BackwardFilter32(dw, x, dy []float32) error { return convBackward(p, true, dw, x, dy) }

// convBackward checks the buffers and runs the data (filter false: out =
// dx, a = dy, b = w) or filter (out = dw, a = x, b = dy) pass.
func convBackward[T convFloat](p Conv2D, filter bool, out, a, b []T) error {
	g, err := p.geometry()
	if err != nil {
		return err
	}
	xs, ws, ys := g.shapes()
	type buf struct {
		name  string
		s     []T
		n     int
		shape string
	}
	bufs := [3]buf{{"dx", out, g.xlen, xs}, {"dy", a, g.ylen, ys}, {"w", b, g.wlen, ws}}
	if filter {
		bufs = [3]buf{{"dw", out, g.wlen, ws}, {"x", a, g.xlen, xs}, {"dy", b, g.ylen, ys}}
	}
	for _, c := range bufs {
		if err := checkConvLen(c.name, len(c.s), c.n, c.shape); err != nil {
			return err
		}
	}
	for _, c := range bufs[1:] {
		if bounds.SlicesOverlap(out, c.s) {
			return fmt.Errorf("%w: %s and %s share memory", ErrOverlap, bufs[0].name, c.name)
		}
	}
	be := blasbridge.Active()
	// Sizes beyond what the backend takes (CBLAS: 32-bit ints) go to the
	// loops, as in Forward. Depthwise layers run loop nests of their own.
	direct := p.Algo == Direct ||
		!g.depthwise() && be.MaxDim < math.MaxInt && g.maxLen > be.MaxDim
	// The passes follow Forward's algorithm: Winograd's own transforms, the
	// patch matrix for Im2Col, per-tap GEMMs otherwise.
	var algo Algorithm
	if !direct && !g.depthwise() {
		algo, _, err = resolve[T](p, &g, &be)
		if err != nil {
			algo = BatchedGEMM // the patch matrix overflows: per-tap GEMMs need none
		}
	}
	if filter {
		if direct {
			directBackwardFilter(&g, out, a, b)
			return nil
		}
		switch algo {
		case Winograd:
			runWinoFilter(&g, &be, out, a, b)
		default:
			runBackward(&g, &be, true, algo == Im2Col, out, a, b)
		}
		return nil
	}
	if direct {
		directBackwardData(&g, out, a, b)
		return nil
	}
	if q, ok := p.transposed(&g, &be, unsafe.Sizeof(T(0)) == 4); ok {
		// Stride 1: the input gradient is a forward convolution of dy with
		// the filters flipped and their channels swapped, run by Winograd
		// or the depthwise kernel, which the per-tap GEMMs below cannot
		// match.
		buf, wf := getBuf[T](g.wlen)
		flipFilters(&g, wf, b)
		err := convForward(q, out, a, wf)
		putBuf(buf)
		return err
	}
	runBackward(&g, &be, false, algo == Im2Col, out, b, a)
	return nil
}

// transposed returns the Conv2D whose Forward computes p's BackwardData,
// and whether to use it: with stride 1, dx is the convolution of dy,
// padded by (K−1)·d − p, with each filter rotated by 180° and its input
// and output channels swapped (within each group), and the same dilation
// and groups. It is used when that layer runs Winograd or the depthwise
// kernel (on backend be, for float32 data or float64); where it would run
// GEMMs, the per-tap GEMMs of runBackward do the same work without
// flipping the filters. Not for strides, paddings beyond the dilated
// kernel, or Direct (the loop nest is the reference and stays one).
func (p Conv2D) transposed(g *convGeom, be *blasbridge.Backend, f32 bool) (Conv2D, bool) {
	ph, pw := (g.kh-1)*g.dh-g.ph, (g.kw-1)*g.dw-g.pw
	if g.sh != 1 || g.sw != 1 || ph < 0 || pw < 0 || p.Algo == Direct {
		return Conv2D{}, false
	}
	q := p
	q.C, q.F, q.H, q.W = p.F, p.C, g.oh, g.ow
	q.PadH, q.PadW = ph, pw
	if q.Algo == Depthwise && g.fg != 1 {
		q.Algo = Auto // with a channel multiplier, the transpose is not depthwise
	}
	qg, err := q.geometry()
	if err != nil {
		return Conv2D{}, false
	}
	algo := q.Algo
	if algo == Auto {
		algo, _, _ = qg.auto(be, f32)
	}
	return q, algo == Winograd || algo == Depthwise
}

// flipFilters writes p's filters w, rotated by 180° with each group's input
// and output channels swapped, to wf in the same Format's layout: OIHW
// [C][Fg][KH][KW] or HWIO [KH][KW][Fg][C].
func flipFilters[T convFloat](g *convGeom, wf, w []T) {
	kh, kw, cg, fg := g.kh, g.kw, g.cg, g.fg
	for gi := range g.groups {
		for f := range fg {
			for c := range cg {
				for a := range kh {
					for b := range kw {
						ra, rb := kh-1-a, kw-1-b
						if g.nhwc {
							wf[((ra*kw+rb)*fg+f)*g.c+gi*cg+c] = w[((a*kw+b)*cg+c)*g.f+gi*fg+f]
						} else {
							wf[(((gi*cg+c)*fg+f)*kh+ra)*kw+rb] = w[(((gi*fg+f)*cg+c)*kh+a)*kw+b]
						}
					}
				}
			}
		}
	}
}

// bwdMode is what a bwdJob's tasks are.
type bwdMode int

const (
	bwdData          bwdMode = iota // an image of dx, by per-tap GEMMs
	bwdIm2colData                   // an image of dx, through its patch matrix
	bwdDepthwiseData                // an image of dx, by the depthwise loop nests
	bwdPartials                     // a chunk of images summed into its partial dW
	bwdPad                          // runFilter's phase 0: an image padded
	bwdTaps                         // runFilter's phase 1: a block of dW
	bwdWinoPartials                 // Winograd: a chunk of tile blocks summed into its partial M
	bwdWinoTiles                    // Winograd phase 0: a block of tiles transformed into vAll, uAll
	bwdWinoPoints                   // Winograd phase 1: a block of one M_p over all tiles
)

// bwdJob is one backward call in flight. Its buffers come from getBuf and
// go back when the call ends.
type bwdJob[T convFloat] struct {
	g        convGeom
	gm       gemmer[T]
	mode     bwdMode
	x, w, dy []T // x is dx for the data passes; w the filters
	wt       []T // NCHW data pass: filters tap-major [KH·KW][F×Cg]
	partial  [][]T
	chunk    int  // images per chunk (bwdPartials)
	im2col   bool // bwdPartials: through the patch matrix, in dw's layout
	// runFilter's: every image padded once (xAll, dyAll and their strides
	// per image), then tasks over taps × groups × blocks of Fg.
	xAll, dyAll      []T
	xImg, dyImg, ldy int
	fblocks          int
	acc              []T // NCHW: tap-major [KH·KW][F×Cg]; NHWC writes dw (HWIO) itself; Winograd: M
	// Winograd's: tiles down and across an image, in all, per block; and
	// every tile transformed (phase 0), α² rows of [tiles×C] and [tiles×F].
	tilesH, tilesW, ntiles, rows int
	vAll, uAll                   []T
	bufs                         []*[]T
	ntasks                       int
	next                         atomic.Int64
	wg                           sync.WaitGroup
}

// buf returns n pooled elements that the job returns when it ends.
func (j *bwdJob[T]) buf(n int) []T {
	b, s := getBuf[T](n)
	j.bufs = append(j.bufs, b)
	return s
}

// release returns the job's buffers to their pool.
func (j *bwdJob[T]) release() {
	for _, b := range j.bufs {
		putBuf(b)
	}
	j.bufs = nil
}

// run shares the job's ntasks tasks among the caller and up to
// GOMAXPROCS−1 pool workers, the BLAS single-threaded under them.
func (j *bwdJob[T]) run(be *blasbridge.Backend, procs int) {
	j.next.Store(0)
	helpers := min(procs, j.ntasks) - 1
	if helpers > 0 && be.SingleThreaded != nil && convSingleThreaded {
		defer be.SingleThreaded()()
	}
	workpool.Offer(j, helpers, &j.wg)
	j.work()
	j.wg.Wait()
}

// runBackward runs the filter pass (out = dw, in = x) or the data pass
// (out = dx, in = w) by per-tap GEMMs, through the patch matrix (im2col,
// where Forward runs Im2Col) or the depthwise loop nests.
func runBackward[T convFloat](g *convGeom, be *blasbridge.Backend, filter, im2col bool, out, in, dy []T) {
	j := &bwdJob[T]{g: *g, gm: newGemmer[T](be), dy: dy, im2col: im2col && !g.depthwise()}
	defer j.release()
	procs := runtime.GOMAXPROCS(0)
	switch {
	case filter && !g.depthwise() && !j.im2col && bwdChunks*g.wlen > g.xlen/4:
		// dW is large against the input (many channels, few pixels): no
		// partial sums of it, tasks over its taps instead.
		j.x = in
		runFilter(j, be, procs, out)
		return
	case filter:
		j.mode, j.x = bwdPartials, in
		chunks := min(g.n, bwdChunks)
		j.chunk = (g.n + chunks - 1) / chunks
		j.ntasks = (g.n + j.chunk - 1) / j.chunk
		all := j.buf(j.ntasks * g.wlen)
		clear(all)
		j.partial = make([][]T, j.ntasks)
		for i := range j.partial {
			j.partial[i] = all[i*g.wlen : (i+1)*g.wlen]
		}
	case g.depthwise():
		j.mode, j.x, j.w, j.ntasks = bwdDepthwiseData, out, in, g.n
	case j.im2col:
		j.mode, j.x, j.w, j.ntasks = bwdIm2colData, out, in, g.n
	default:
		j.mode, j.x, j.w, j.ntasks = bwdData, out, in, g.n
		if !g.nhwc {
			j.wt = j.buf(g.wlen)
			tapMajor(g, j.wt, in)
		}
	}
	j.run(be, procs)
	if !filter {
		return
	}
	// Sum the partials in chunk order: they are tap-major [KH·KW][F×Cg],
	// HWIO already, and go to OIHW [F][Cg][KH·KW] for NCHW; im2col's are
	// in dw's layout.
	acc := j.partial[0]
	for _, p := range j.partial[1:] {
		for i, v := range p {
			acc[i] += v
		}
	}
	if j.im2col {
		copy(out, acc)
		return
	}
	fromTapMajor(g, out, acc)
}

// fromTapMajor writes the weight gradient acc, [KH·KW][F×Cg], to dw in the
// Format's layout: as is for HWIO, transposed to OIHW [F][Cg][KH·KW].
func fromTapMajor[T convFloat](g *convGeom, dw, acc []T) {
	if g.nhwc {
		copy(dw, acc)
		return
	}
	fc := g.f * g.cg
	for f := range g.f {
		for c := range g.cg {
			dst := dw[(f*g.cg+c)*g.taps : (f*g.cg+c+1)*g.taps]
			for t := range dst {
				dst[t] = acc[t*fc+f*g.cg+c]
			}
		}
	}
}

// runFilter runs the GEMM filter pass in two phases: the images (and their
// output gradients) are padded once, shared among the workers; then each
// task computes one block of dW_tap, for one tap, group and block of
// output channels, summing over every image in order. Each element of dW
// is written by one task in a fixed order: the result does not depend on
// the scheduling or on GOMAXPROCS, and no partial sums are kept.
func runFilter[T convFloat](j *bwdJob[T], be *blasbridge.Backend, procs int, dw []T) {
	g := &j.g
	ohw := g.oh * g.ow
	pad := g.ph > 0 || g.pw > 0
	j.xAll, j.xImg = j.x, g.h*g.w*g.c
	if pad {
		j.xImg = g.plane
		j.xAll = j.buf(g.n * g.plane)
	}
	j.dyAll, j.dyImg, j.ldy = j.dy, g.f*ohw, ohw
	if g.sh == 1 && g.sw == 1 && g.wp != g.ow {
		j.dyImg, j.ldy = g.f*g.oh*g.wp, g.oh*g.wp
		j.dyAll = j.buf(g.n * j.dyImg)
	}
	j.acc = dw
	if !g.nhwc {
		j.acc = j.buf(g.wlen) // every element written by a task: beta 0 on the first image
	}
	if pad || len(j.dyAll) != len(j.dy) {
		j.mode, j.ntasks = bwdPad, g.n
		j.run(be, procs)
	}
	j.fblocks = 1
	if tg := g.taps * g.groups; tg < 2*procs {
		j.fblocks = min(g.fg, (2*procs+tg-1)/tg)
	}
	j.mode, j.ntasks = bwdTaps, g.taps*g.groups*j.fblocks
	j.run(be, procs)
	if !g.nhwc {
		fromTapMajor(g, dw, j.acc)
	}
}

// pad fills image n of xAll and dyAll (phase 0).
func (j *bwdJob[T]) pad(n int) {
	g := &j.g
	if g.ph > 0 || g.pw > 0 {
		padImage(g, j.xAll[n*j.xImg:(n+1)*j.xImg], j.x, n)
	}
	if len(j.dyAll) != len(j.dy) {
		padDY(g, j.dyAll[n*j.dyImg:(n+1)*j.dyImg], j.dy, n)
	}
}

// filterTask computes one block of the weight gradient (phase 1): tap t,
// group gi, output channels [f0, f0+nf) of the group, summed over the
// images in order (the first overwrites).
func (j *bwdJob[T]) filterTask(ws *convWorkspace[T], task int) {
	g := &j.g
	c, f, cg, fg := g.c, g.f, g.cg, g.fg
	fb := (fg + j.fblocks - 1) / j.fblocks
	t, rest := task/(g.groups*j.fblocks), task%(g.groups*j.fblocks)
	gi, blk := rest/j.fblocks, rest%j.fblocks
	f0 := blk * fb
	nf := min(fb, fg-f0)
	if nf <= 0 {
		return
	}
	kh, kw := t/g.kw, t%g.kw
	// The images in xAll: padded (Hp×Wp) or as given (H×W).
	wp, plane := g.wp, g.hp*g.wp
	if !(g.ph > 0 || g.pw > 0) {
		wp, plane = g.w, g.h*g.w
	}
	ohw := g.oh * g.ow
	fc := f * cg
	ch := gi*fg + f0 // the block's first output channel
	for n := range g.n {
		x := j.xAll[n*j.xImg : (n+1)*j.xImg]
		dy := j.dyAll[n*j.dyImg : (n+1)*j.dyImg]
		beta := T(1)
		if n == 0 {
			beta = 0
		}
		switch {
		case g.nhwc && g.sh == 1 && g.sw == 1:
			// dW[Cg×nf] (+)= x_tapᵀ · dyPad over the chained rows.
			l := (g.oh-1)*g.wp + g.ow
			src := x[(kh*g.dh*wp+kw*g.dw)*c:]
			j.gm.gemm(true, false, cg, nf, l, src[gi*cg:], c, dy[ch:], f, beta, j.acc[t*cg*f+ch:], f)
		case g.nhwc:
			for oh := range g.oh {
				b := beta
				if oh > 0 {
					b = 1
				}
				src := x[((oh*g.sh+kh*g.dh)*wp+kw*g.dw)*c:]
				j.gm.gemm(true, false, cg, nf, g.ow, src[gi*cg:], g.sw*c, dy[oh*g.ow*f+ch:], f, b, j.acc[t*cg*f+ch:], f)
			}
		case g.sh == 1 && g.sw == 1:
			// dW[nf×Cg] (+)= dyPad[nf×L] · x_tapᵀ, x_tap Cg planes × L.
			l := (g.oh-1)*g.wp + g.ow
			src := x[kh*g.dh*wp+kw*g.dw:]
			j.gm.gemm(false, true, nf, cg, l, dy[ch*j.ldy:], j.ldy, src[gi*cg*plane:], plane, beta, j.acc[t*fc+ch*cg:], cg)
		default:
			// NCHW with a stride: gather the tap's Cg × OH·OW view.
			tmp := growBuf(&ws.out, cg*ohw)
			for ci := range cg {
				pl := x[(gi*cg+ci)*plane:]
				dst := tmp[ci*ohw:]
				for oh := range g.oh {
					row := pl[(oh*g.sh+kh*g.dh)*wp+kw*g.dw:]
					d := dst[oh*g.ow : (oh+1)*g.ow]
					for ow := range d {
						d[ow] = row[ow*g.sw]
					}
				}
			}
			j.gm.gemm(false, true, nf, cg, ohw, dy[ch*ohw:], ohw, tmp, ohw, beta, j.acc[t*fc+ch*cg:], cg)
		}
	}
}

// tapMajor repacks OIHW filters w [F][Cg][KH·KW] as wt [KH·KW][F×Cg].
func tapMajor[T convFloat](g *convGeom, wt, w []T) {
	fc := g.f * g.cg
	for f := range g.f {
		for c := range g.cg {
			src := w[(f*g.cg+c)*g.taps : (f*g.cg+c+1)*g.taps]
			for t, v := range src {
				wt[t*fc+f*g.cg+c] = v
			}
		}
	}
}

func (j *bwdJob[T]) Run() {
	j.work()
	j.wg.Done()
}

func (j *bwdJob[T]) work() {
	ws := getConvWorkspace[T]()
	for {
		t := int(j.next.Add(1) - 1)
		if t >= j.ntasks {
			break
		}
		switch j.mode {
		case bwdData:
			j.data(ws, t)
		case bwdIm2colData:
			j.im2colData(ws, t)
		case bwdDepthwiseData:
			j.depthwiseData(t)
		case bwdPartials:
			for n := t * j.chunk; n < min((t+1)*j.chunk, j.g.n); n++ {
				switch {
				case j.g.depthwise():
					j.depthwiseWeights(ws, n, j.partial[t])
				case j.im2col:
					j.im2colWeights(ws, n, j.partial[t])
				default:
					j.weights(ws, n, j.partial[t])
				}
			}
		case bwdPad:
			j.pad(t)
		case bwdTaps:
			j.filterTask(ws, t)
		case bwdWinoPartials:
			j.winoFilterChunk(ws, t)
		case bwdWinoTiles:
			t0 := t * j.rows
			nt := min(j.rows, j.ntiles-t0)
			j.winoFilterBlock(ws, t0, nt, j.vAll[t0*j.g.c:], j.ntiles*j.g.c, j.uAll[t0*j.g.f:], j.ntiles*j.g.f)
		case bwdWinoPoints:
			j.winoFilterPoint(t)
		}
	}
	convPoolsFor[T]().ws.Put(ws)
}

// padDY copies image n's output gradient into buf at the padded width Wp,
// zeros in the Wp − OW junk columns: NHWC as OH·Wp×F, NCHW as F×OH·Wp.
func padDY[T convFloat](g *convGeom, buf, dy []T, n int) {
	f, ohw := g.f, g.oh*g.ow
	img := dy[n*f*ohw : (n+1)*f*ohw]
	if g.nhwc {
		for oh := range g.oh {
			row := buf[oh*g.wp*f : (oh+1)*g.wp*f]
			copy(row, img[oh*g.ow*f:(oh+1)*g.ow*f])
			clear(row[g.ow*f:])
		}
		return
	}
	for fi := range f {
		for oh := range g.oh {
			row := buf[(fi*g.oh+oh)*g.wp : (fi*g.oh+oh+1)*g.wp]
			copy(row, img[fi*ohw+oh*g.ow:][:g.ow])
			clear(row[g.ow:])
		}
	}
}

// padImage copies image n of x into buf with its zero padding: NHWC as
// Hp×Wp×C, NCHW as C×Hp×Wp.
func padImage[T convFloat](g *convGeom, buf, x []T, n int) {
	if g.nhwc {
		padRowsNHWC(g, buf, x, n, 0, g.hp)
		return
	}
	padRowsNCHW(g, buf, x, n, 0, g.hp)
}

// data computes image n of dx.
func (j *bwdJob[T]) data(ws *convWorkspace[T], n int) {
	g := &j.g
	c, f, cg, fg := g.c, g.f, g.cg, g.fg
	dxp := growBuf(&ws.in, g.plane)
	clear(dxp)
	ohw := g.oh * g.ow
	stride1 := g.sh == 1 && g.sw == 1
	var dyp []T // dy at the padded width, or dy itself
	ldy := 0    // NCHW: its plane stride
	if stride1 {
		dyp, ldy = j.dy[n*f*ohw:], ohw
		if g.wp != g.ow {
			dyp, ldy = growBuf(&ws.out, f*g.oh*g.wp), g.oh*g.wp
			padDY(g, dyp, j.dy, n)
		}
	}
	hpwp := g.hp * g.wp
	switch {
	case g.nhwc && stride1:
		// dxp[tap view: L×C, ld C] += dyPad[L×F] · W_tapᵀ, group by group.
		l := (g.oh-1)*g.wp + g.ow
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			dst := dxp[(kh*g.dh*g.wp+kw*g.dw)*c:]
			for gi := range g.groups {
				j.gm.gemm(false, true, l, cg, fg, dyp[gi*fg:], f, j.w[t*cg*f+gi*fg:], f, 1, dst[gi*cg:], c)
			}
		}
	case g.nhwc:
		// Per output row: the tap's view of padded row oh·sh + kh·dh, OW
		// pixels sw apart (ld sw·C), receives dy's row.
		dy := j.dy[n*ohw*f:]
		for oh := range g.oh {
			dyr := dy[oh*g.ow*f:]
			for t := range g.taps {
				kh, kw := t/g.kw, t%g.kw
				dst := dxp[((oh*g.sh+kh*g.dh)*g.wp+kw*g.dw)*c:]
				for gi := range g.groups {
					j.gm.gemm(false, true, g.ow, cg, fg, dyr[gi*fg:], f, j.w[t*cg*f+gi*fg:], f, 1, dst[gi*cg:], g.sw*c)
				}
			}
		}
	case stride1:
		// dxp[tap view: Cg planes × L, ld Hp·Wp] += W_tapᵀ · dyPad[Fg × L].
		l := (g.oh-1)*g.wp + g.ow
		fc := f * cg
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			dst := dxp[kh*g.dh*g.wp+kw*g.dw:]
			for gi := range g.groups {
				j.gm.gemm(true, false, cg, l, fg, j.wt[t*fc+gi*fg*cg:], cg, dyp[gi*fg*ldy:], ldy, 1, dst[gi*cg*hpwp:], hpwp)
			}
		}
	default:
		// NCHW with a stride: each tap's Cg × OH·OW contribution goes
		// through scratch and is scattered to its strided positions.
		tmp := growBuf(&ws.out, cg*ohw)
		dy := j.dy[n*f*ohw:]
		fc := f * cg
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			for gi := range g.groups {
				j.gm.gemm(true, false, cg, ohw, fg, j.wt[t*fc+gi*fg*cg:], cg, dy[gi*fg*ohw:], ohw, 0, tmp, ohw)
				for ci := range cg {
					plane := dxp[(gi*cg+ci)*hpwp:]
					src := tmp[ci*ohw:]
					for oh := range g.oh {
						row := plane[(oh*g.sh+kh*g.dh)*g.wp+kw*g.dw:]
						s := src[oh*g.ow : (oh+1)*g.ow]
						for ow, v := range s {
							row[ow*g.sw] += v
						}
					}
				}
			}
		}
	}
	// Crop the padding off into dx.
	if g.nhwc {
		img := j.x[n*g.h*g.w*c:]
		for ih := range g.h {
			copy(img[ih*g.w*c:(ih+1)*g.w*c], dxp[((ih+g.ph)*g.wp+g.pw)*c:])
		}
		return
	}
	img := j.x[n*c*g.h*g.w:]
	for ci := range c {
		for ih := range g.h {
			copy(img[(ci*g.h+ih)*g.w:(ci*g.h+ih+1)*g.w], dxp[ci*hpwp+(ih+g.ph)*g.wp+g.pw:])
		}
	}
}

// weights adds image n's weight gradient to acc: HWIO for NHWC, tap-major
// [KH·KW][F×Cg] for NCHW.
func (j *bwdJob[T]) weights(ws *convWorkspace[T], n int, acc []T) {
	g := &j.g
	c, f, cg, fg := g.c, g.f, g.cg, g.fg
	xp := growBuf(&ws.in, g.plane)
	padImage(g, xp, j.x, n)
	ohw := g.oh * g.ow
	hpwp := g.hp * g.wp
	stride1 := g.sh == 1 && g.sw == 1
	var dyp []T
	ldy := 0
	if stride1 {
		dyp, ldy = j.dy[n*f*ohw:], ohw
		if g.wp != g.ow {
			dyp, ldy = growBuf(&ws.out, f*g.oh*g.wp), g.oh*g.wp
			padDY(g, dyp, j.dy, n)
		}
	}
	fc := f * cg
	switch {
	case g.nhwc && stride1:
		// dW_tap[Cg×Fg] += x_tapᵀ · dyPad over the chained rows.
		l := (g.oh-1)*g.wp + g.ow
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			src := xp[(kh*g.dh*g.wp+kw*g.dw)*c:]
			for gi := range g.groups {
				j.gm.gemm(true, false, cg, fg, l, src[gi*cg:], c, dyp[gi*fg:], f, 1, acc[t*cg*f+gi*fg:], f)
			}
		}
	case g.nhwc:
		dy := j.dy[n*ohw*f:]
		for oh := range g.oh {
			dyr := dy[oh*g.ow*f:]
			for t := range g.taps {
				kh, kw := t/g.kw, t%g.kw
				src := xp[((oh*g.sh+kh*g.dh)*g.wp+kw*g.dw)*c:]
				for gi := range g.groups {
					j.gm.gemm(true, false, cg, fg, g.ow, src[gi*cg:], g.sw*c, dyr[gi*fg:], f, 1, acc[t*cg*f+gi*fg:], f)
				}
			}
		}
	case stride1:
		// dW_tap[Fg×Cg] += dyPad[Fg×L] · x_tapᵀ, x_tap Cg planes × L.
		l := (g.oh-1)*g.wp + g.ow
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			src := xp[kh*g.dh*g.wp+kw*g.dw:]
			for gi := range g.groups {
				j.gm.gemm(false, true, fg, cg, l, dyp[gi*fg*ldy:], ldy, src[gi*cg*hpwp:], hpwp, 1, acc[t*fc+gi*fg*cg:], cg)
			}
		}
	default:
		// NCHW with a stride: gather each tap's Cg × OH·OW view.
		tmp := growBuf(&ws.out, cg*ohw)
		dy := j.dy[n*f*ohw:]
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			for gi := range g.groups {
				for ci := range cg {
					plane := xp[(gi*cg+ci)*hpwp:]
					dst := tmp[ci*ohw:]
					for oh := range g.oh {
						row := plane[(oh*g.sh+kh*g.dh)*g.wp+kw*g.dw:]
						d := dst[oh*g.ow : (oh+1)*g.ow]
						for ow := range d {
							d[ow] = row[ow*g.sw]
						}
					}
				}
				j.gm.gemm(false, true, fg, cg, ohw, dy[gi*fg*ohw:], ohw, tmp, ohw, 1, acc[t*fc+gi*fg*cg:], cg)
			}
		}
	}
}

// directBackwardData is BackwardData's loop nest, the reference: each
// output gradient element scattered through the taps that read it.
func directBackwardData[T convFloat](g *convGeom, dx, dy, w []T) {
	clear(dx)
	g.eachTap(func(xi, wi, yi int) { dx[xi] += dy[yi] * w[wi] })
}

// directBackwardFilter is BackwardFilter's loop nest, the reference.
func directBackwardFilter[T convFloat](g *convGeom, dw, x, dy []T) {
	clear(dw)
	g.eachTap(func(xi, wi, yi int) { dw[wi] += dy[yi] * x[xi] })
}

// eachTap calls fn with the indices of x, w and y of every term of the
// convolution's sum whose input element is not padding, in a fixed order.
func (g *convGeom) eachTap(fn func(xi, wi, yi int)) {
	for n := range g.n {
		for f := range g.f {
			c0 := f / g.fg * g.cg
			for oh := range g.oh {
				for ow := range g.ow {
					yi := ((n*g.f+f)*g.oh+oh)*g.ow + ow
					if g.nhwc {
						yi = ((n*g.oh+oh)*g.ow+ow)*g.f + f
					}
					for c := range g.cg {
						for kh := range g.kh {
							ih := oh*g.sh + kh*g.dh - g.ph
							if ih < 0 || ih >= g.h {
								continue
							}
							for kw := range g.kw {
								iw := ow*g.sw + kw*g.dw - g.pw
								if iw < 0 || iw >= g.w {
									continue
								}
								if g.nhwc {
									fn(((n*g.h+ih)*g.w+iw)*g.c+c0+c, ((kh*g.kw+kw)*g.cg+c)*g.f+f, yi)
								} else {
									fn(((n*g.c+c0+c)*g.h+ih)*g.w+iw, ((f*g.cg+c)*g.kh+kh)*g.kw+kw, yi)
								}
							}
						}
					}
				}
			}
		}
	}
}
