package window

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/bounds"
	"github.com/strider-go/strider/internal/workpool"
)

// ForwardArray computes the convolution of x with the filters w into dst,
// as Forward does, for an input and output given as N-d arrays with any
// strides: x of shape (N, C, H, W) for NCHW or (N, H, W, C) for NHWC, dst of
// the output's shape in the same axis order. A crop of a larger image, a
// subset of its channels, an NCHW tensor viewed from NHWC storage, or an
// output that is a channel slice of a larger tensor (a concatenation) are
// read and written where they lie.
//
// When x and dst are compact in the Format's order, ForwardArray is
// Forward on their elements. Otherwise each output row is a sum of per-tap
// GEMMs over strided views of x and dst, issued through blasbridge.Gemm,
// which reads a view in place (with the trans flag where the view is
// column-major) whenever one of its strides is 1 and packs it otherwise; the
// plan's CopiedBytes counts what was packed. The filters, in the Format's
// weight layout, are re-packed tap-major for NCHW as Forward does. (A
// depthwise layer's per-tap products, 1×1 · 1×L, read a row of x of any
// positive stride, which BLAS takes in place: they copy nothing.)
//
// It returns an error, and writes nothing, for an array that fails Check,
// shapes that do not match p (ErrLength), a dst whose elements share
// addresses or whose memory meets that of x or w (ErrOverlap), and the
// errors of Forward.
func ForwardArray[T adapter.Float](p Conv2D, dst, x adapter.Array[T], w []T) (ConvPlan, error) {
	g, err := p.geometry()
	if err != nil {
		return ConvPlan{}, err
	}
	xs, ws, ys := g.shapes()
	xShape, yShape := [4]int{g.n, g.c, g.h, g.w}, [4]int{g.n, g.f, g.oh, g.ow}
	if g.nhwc {
		xShape, yShape = [4]int{g.n, g.h, g.w, g.c}, [4]int{g.n, g.oh, g.ow, g.f}
	}
	for _, a := range []struct {
		name  string
		arr   adapter.Array[T]
		want  [4]int
		shape string
	}{{"x", x, xShape, xs}, {"dst", dst, yShape, ys}} {
		if err := a.arr.Check(); err != nil {
			return ConvPlan{}, fmt.Errorf("%s: %w", a.name, err)
		}
		if len(a.arr.Shape) != 4 || [4]int(a.arr.Shape) != a.want {
			return ConvPlan{}, fmt.Errorf("%w: %s has shape %v, want %s = %v", ErrLength, a.name, a.arr.Shape, a.shape, a.want)
		}
	}
	if err := checkConvLen("w", len(w), g.wlen, ws); err != nil {
		return ConvPlan{}, err
	}
	if dst.Overlapping() {
		return ConvPlan{}, fmt.Errorf("%w: dst's elements share addresses (strides %v)", ErrOverlap, dst.Strides)
	}
	dlo, dhi, _ := dst.Extent()
	xlo, xhi, _ := x.Extent()
	dmem := dst.Data[dlo:dhi]
	if bounds.SlicesOverlap(dmem, x.Data[xlo:xhi]) {
		return ConvPlan{}, fmt.Errorf("%w: dst and x share memory", ErrOverlap)
	}
	if bounds.SlicesOverlap(dmem, w) {
		return ConvPlan{}, fmt.Errorf("%w: dst and w share memory", ErrOverlap)
	}

	if compact(x) && compact(dst) {
		be := blasbridge.Active()
		algo, why, err := resolve[T](p, &g, &be)
		if err != nil {
			return ConvPlan{}, err
		}
		if err := convForward(p, dst.Data[dst.Offset:dst.Offset+g.ylen], x.Data[x.Offset:x.Offset+g.xlen], w); err != nil {
			return ConvPlan{}, err
		}
		return planOf[T](&g, algo, why, &be), nil
	}
	return stridedConv(&g, dst, x, w), nil
}

// compact reports whether a is laid out in C order without gaps.
func compact[T adapter.Float](a adapter.Array[T]) bool {
	s := 1
	for k := len(a.Shape) - 1; k >= 0; k-- {
		if a.Shape[k] != 1 && a.Strides[k] != s {
			return false
		}
		s *= a.Shape[k]
	}
	return true
}

// arrayJob is a ForwardArray call on strided views in flight: a task is
// one output row of one image.
type arrayJob[T adapter.Float] struct {
	g        *convGeom
	x, y     adapter.Array[T]
	w        []T
	xs, ys   [4]int // strides of x and y by logical axis: n, c (f), h, w
	wt       []T    // NCHW: filters tap-major [KH·KW][F×Cg]
	f64      bool
	copied   atomic.Int64
	calls    atomic.Int64
	next     atomic.Int64
	ntasks   int
	wg       sync.WaitGroup
	failOnce sync.Once
	err      error
}

// stridedConv runs g over strided x and y and returns its plan.
func stridedConv[T adapter.Float](g *convGeom, y, x adapter.Array[T], w []T) ConvPlan {
	j := &arrayJob[T]{g: g, x: x, y: y, w: w, ntasks: g.n * g.oh}
	var zero T
	j.f64 = unsafe.Sizeof(zero) == 8
	if g.nhwc {
		j.xs = [4]int{x.Strides[0], x.Strides[3], x.Strides[1], x.Strides[2]}
		j.ys = [4]int{y.Strides[0], y.Strides[3], y.Strides[1], y.Strides[2]}
	} else {
		j.xs = [4]int(x.Strides)
		j.ys = [4]int(y.Strides)
		j.wt = make([]T, g.wlen)
		tapMajor(g, j.wt, w)
	}
	be := blasbridge.Active()
	procs := runtime.GOMAXPROCS(0)
	helpers := min(procs, j.ntasks) - 1
	if helpers > 0 && be.SingleThreaded != nil && convSingleThreaded {
		defer be.SingleThreaded()()
	}
	workpool.Offer(j, helpers, &j.wg)
	j.work()
	j.wg.Wait()
	if j.err != nil {
		// The views are built from checked arrays: an error is a bug.
		panic("window: ForwardArray: " + j.err.Error())
	}
	return ConvPlan{
		Algorithm: BatchedGEMM, Reason: "x or dst is a strided view: per-tap GEMMs per output row, over the views where they lie",
		Backend: be.Name, Tasks: j.ntasks, Workers: max(1, min(procs, j.ntasks)),
		Calls: int(j.calls.Load()), GEMM: fmt.Sprintf("%d×%d·%d×%d", g.fg, g.cg, g.cg, g.ow),
		CopiedBytes: int(j.copied.Load()),
	}
}

func (j *arrayJob[T]) Run() {
	j.work()
	j.wg.Done()
}

func (j *arrayJob[T]) work() {
	for {
		t := int(j.next.Add(1) - 1)
		if t >= j.ntasks {
			return
		}
		j.row(t/j.g.oh, t%j.g.oh)
	}
}

// row computes output row oh of image n: zeroed, then for each tap and
// group, Y[Fg × L] += W_tap[Fg × Cg] · X_tap[Cg × L] over the L output
// columns whose input column lies inside the image.
func (j *arrayJob[T]) row(n, oh int) {
	g := j.g
	ybase := j.y.Offset + n*j.ys[0] + oh*j.ys[2]
	for f := range g.f {
		for ow := range g.ow {
			j.y.Data[ybase+f*j.ys[1]+ow*j.ys[3]] = 0
		}
	}
	cg, fg := g.cg, g.fg
	for t := range g.taps {
		kh, kw := t/g.kw, t%g.kw
		ih := oh*g.sh + kh*g.dh - g.ph
		if ih < 0 || ih >= g.h {
			continue
		}
		off := kw*g.dw - g.pw
		lo, hi := dwCols(g.ow, g.sw, off, g.w)
		if lo >= hi {
			continue
		}
		for gi := range g.groups {
			var a adapter.Layout
			wdata := j.w
			if g.nhwc {
				// HWIO block (Cg × Fg, ld F), transposed.
				a = adapter.Layout{Rows: fg, Cols: cg, RowStride: 1, ColStride: g.f, Offset: t*cg*g.f + gi*fg}
			} else {
				wdata = j.wt
				a = adapter.Layout{Rows: fg, Cols: cg, RowStride: cg, ColStride: 1, Offset: t*g.f*cg + gi*fg*cg}
			}
			b := adapter.Layout{Rows: cg, Cols: hi - lo, RowStride: j.xs[1], ColStride: g.sw * j.xs[3],
				Offset: j.x.Offset + n*j.xs[0] + gi*cg*j.xs[1] + ih*j.xs[2] + (lo*g.sw+off)*j.xs[3]}
			c := adapter.Layout{Rows: fg, Cols: hi - lo, RowStride: j.ys[1], ColStride: j.ys[3],
				Offset: ybase + gi*fg*j.ys[1] + lo*j.ys[3]}
			var pl blasbridge.Plan
			var err error
			if j.f64 {
				pl, err = blasbridge.Gemm(1, adapter.Strided{Data: asFloat[float64](wdata), Layout: a},
					adapter.Strided{Data: asFloat[float64](j.x.Data), Layout: b}, 1,
					adapter.Strided{Data: asFloat[float64](j.y.Data), Layout: c})
			} else {
				pl, err = blasbridge.Gemm32(1, adapter.Strided32{Data: asFloat[float32](wdata), Layout: a},
					adapter.Strided32{Data: asFloat[float32](j.x.Data), Layout: b}, 1,
					adapter.Strided32{Data: asFloat[float32](j.y.Data), Layout: c})
			}
			if err != nil {
				j.failOnce.Do(func() { j.err = err })
				return
			}
			j.calls.Add(1)
			j.copied.Add(int64(pl.CopiedBytes))
		}
	}
}
