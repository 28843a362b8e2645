package window

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/blasbridge"
)

// refConvNCHW is the test's own reference, independent of the package: it
// pads x explicitly and sums over the padded array, NCHW/OIHW only.
func refConvNCHW(p Conv2D, x, w []float64) []float64 {
	sh, sw, dh, dw := max(p.StrideH, 1), max(p.StrideW, 1), max(p.DilationH, 1), max(p.DilationW, 1)
	hp, wp := p.H+2*p.PadH, p.W+2*p.PadW
	xp := make([]float64, p.N*p.C*hp*wp)
	for n := range p.N {
		for c := range p.C {
			for h := range p.H {
				for ww := range p.W {
					xp[((n*p.C+c)*hp+h+p.PadH)*wp+ww+p.PadW] = x[((n*p.C+c)*p.H+h)*p.W+ww]
				}
			}
		}
	}
	oh := (hp-(p.KH-1)*dh-1)/sh + 1
	ow := (wp-(p.KW-1)*dw-1)/sw + 1
	y := make([]float64, p.N*p.F*oh*ow)
	for n := range p.N {
		for f := range p.F {
			for i := range oh {
				for j := range ow {
					s := 0.0
					groups := max(p.Groups, 1)
					cg := p.C / groups
					c0 := f / (p.F / groups) * cg
					for c := range cg {
						for a := range p.KH {
							for b := range p.KW {
								s += xp[((n*p.C+c0+c)*hp+i*sh+a*dh)*wp+j*sw+b*dw] * w[((f*cg+c)*p.KH+a)*p.KW+b]
							}
						}
					}
					y[((n*p.F+f)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return y
}

// refBackwardNCHW returns the gradients of refConvNCHW's output with
// respect to x and w for the output gradient dy, from the same definition:
// every term x·w of an output's sum sends dy·w to x and dy·x to w.
func refBackwardNCHW(p Conv2D, x, w, dy []float64) (dx, dw []float64) {
	sh, sw, dh, dw_ := max(p.StrideH, 1), max(p.StrideW, 1), max(p.DilationH, 1), max(p.DilationW, 1)
	oh := (p.H+2*p.PadH-(p.KH-1)*dh-1)/sh + 1
	ow := (p.W+2*p.PadW-(p.KW-1)*dw_-1)/sw + 1
	groups := max(p.Groups, 1)
	cg, fg := p.C/groups, p.F/groups
	dx, dw = make([]float64, len(x)), make([]float64, len(w))
	for n := range p.N {
		for f := range p.F {
			c0 := f / fg * cg
			for i := range oh {
				for j := range ow {
					g := dy[((n*p.F+f)*oh+i)*ow+j]
					for c := range cg {
						for a := range p.KH {
							for b := range p.KW {
								h, ww := i*sh+a*dh-p.PadH, j*sw+b*dw_-p.PadW
								if h < 0 || h >= p.H || ww < 0 || ww >= p.W {
									continue
								}
								xi := ((n*p.C+c0+c)*p.H+h)*p.W + ww
								wi := ((f*cg+c)*p.KH+a)*p.KW + b
								dx[xi] += g * w[wi]
								dw[wi] += g * x[xi]
							}
						}
					}
				}
			}
		}
	}
	return dx, dw
}

// guardedTol runs fill on a slice of len(want) between sentinel guard
// zones, which must survive, and compares the result with want, within tol
// relative to max(1, |want|).
func guardedTol(t *testing.T, what string, want []float64, tol float64, fill func([]float64) error) {
	t.Helper()
	const guard = 8
	n := len(want)
	buf := make([]float64, n+2*guard)
	for i := range buf {
		buf[i] = -1e9 - float64(i)
	}
	if err := fill(buf[guard : guard+n : guard+n]); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if k := closeTo(buf[guard:guard+n], want, tol); k >= 0 {
		t.Fatalf("%s: element %d: got %v, want %v", what, k, buf[guard+k], want[k])
	}
	for i := range guard {
		if buf[i] != -1e9-float64(i) || buf[guard+n+i] != -1e9-float64(guard+n+i) {
			t.Fatalf("%s: a sentinel outside the output changed", what)
		}
	}
}

func float64s(v []float32) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}

// toNHWC transposes an (A, B, H, W) array to (A, H, W, B).
func toNHWC[T convFloat](x []T, a, b, h, w int) []T {
	y := make([]T, len(x))
	for i := range a {
		for j := range b {
			for k := range h {
				for l := range w {
					y[((i*h+k)*w+l)*b+j] = x[((i*b+j)*h+k)*w+l]
				}
			}
		}
	}
	return y
}

// oihwToHWIO transposes OIHW filters to HWIO.
func oihwToHWIO[T convFloat](w []T, f, c, kh, kw int) []T {
	y := make([]T, len(w))
	for o := range f {
		for i := range c {
			for a := range kh {
				for b := range kw {
					y[((a*kw+b)*c+i)*f+o] = w[((o*c+i)*kh+a)*kw+b]
				}
			}
		}
	}
	return y
}

func randSlice(rnd *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rnd.Float64()*2 - 1
	}
	return s
}

func to32(s []float64) []float32 {
	t := make([]float32, len(s))
	for i, v := range s {
		t[i] = float32(v)
	}
	return t
}

// closeTo reports the first index where got and want differ by more than
// tol relative to max(1, |want|), or -1.
func closeTo[T convFloat](got, want []T, tol float64) int {
	if len(got) != len(want) {
		return 0
	}
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(g) || math.Abs(g-w) > tol*max(1, math.Abs(w)) {
			return i
		}
	}
	return -1
}

var convAlgos = []Algorithm{Direct, Im2Col, BatchedGEMM, Auto}

// algosFor returns the algorithms that run p: convAlgos, Depthwise when p
// is depthwise (one input channel per group) and Winograd for 3×3 kernels
// with stride 1 and dilation 1.
func algosFor(p Conv2D) []Algorithm {
	algos := convAlgos[:len(convAlgos):len(convAlgos)]
	if p.Groups == p.C || p.C == 1 && p.Groups <= 1 {
		algos = append(algos, Depthwise)
	}
	if p.KH == 3 && p.KW == 3 && max(p.StrideH, 1) == 1 && max(p.StrideW, 1) == 1 && max(p.DilationH, 1) == 1 && max(p.DilationW, 1) == 1 {
		algos = append(algos, Winograd)
	}
	return algos
}

// winogradTiles returns the WinogradTile values to test algo with.
func winogradTiles(algo Algorithm) []int {
	if algo == Winograd {
		return []int{2, 4, 0}
	}
	return []int{0}
}

// convGeometries covers every kn2row mode: chained with and without junk
// columns and padding, per-row NHWC strides, decimated NCHW, dilation, 1×1,
// kernels as large as the padded input.
var convGeometries = []Conv2D{
	{N: 1, C: 1, H: 3, W: 3, F: 1, KH: 2, KW: 2},
	{N: 2, C: 3, H: 5, W: 6, F: 4, KH: 3, KW: 3, PadH: 1, PadW: 1},
	{N: 2, C: 3, H: 7, W: 5, F: 2, KH: 3, KW: 2, StrideH: 2, StrideW: 1},
	{N: 1, C: 4, H: 7, W: 9, F: 3, KH: 3, KW: 3, StrideH: 1, StrideW: 2, PadH: 2, PadW: 1},
	{N: 3, C: 2, H: 9, W: 8, F: 5, KH: 2, KW: 3, StrideH: 2, StrideW: 3, DilationH: 2, DilationW: 1, PadH: 1},
	{N: 2, C: 5, H: 6, W: 6, F: 3, KH: 3, KW: 3, DilationH: 2, DilationW: 2, PadH: 2, PadW: 2},
	{N: 2, C: 8, H: 4, W: 5, F: 6, KH: 1, KW: 1},
	{N: 2, C: 8, H: 4, W: 5, F: 6, KH: 1, KW: 1, StrideH: 2, StrideW: 2},
	{N: 1, C: 3, H: 4, W: 4, F: 2, KH: 1, KW: 1, PadH: 1, PadW: 1},
	{N: 2, C: 2, H: 3, W: 4, F: 3, KH: 5, KW: 6, PadH: 1, PadW: 1}, // kernel = padded input
	{N: 1, C: 2, H: 1, W: 10, F: 3, KH: 1, KW: 3, PadW: 2},
	{N: 2, C: 3, H: 10, W: 1, F: 2, KH: 3, KW: 1, StrideH: 3},
	{N: 2, C: 16, H: 12, W: 11, F: 9, KH: 3, KW: 3, PadH: 1, PadW: 1}, // several tasks per image
	{N: 1, C: 70, H: 9, W: 9, F: 200, KH: 3, KW: 3, PadH: 1, PadW: 1}, // Gonum's GEMM tiled
	{N: 1, C: 6, H: 40, W: 40, F: 70, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
}

func randomGeometry(rnd *rand.Rand) Conv2D {
	p := Conv2D{
		N: 1 + rnd.IntN(3), C: 1 + rnd.IntN(6), H: 1 + rnd.IntN(9), W: 1 + rnd.IntN(9), F: 1 + rnd.IntN(6),
		StrideH: rnd.IntN(4), StrideW: rnd.IntN(4), DilationH: rnd.IntN(3), DilationW: rnd.IntN(3),
		PadH: rnd.IntN(3), PadW: rnd.IntN(3),
	}
	p.KH = 1 + rnd.IntN(max(1, min(4, p.H+2*p.PadH)))
	p.KW = 1 + rnd.IntN(max(1, min(4, p.W+2*p.PadW)))
	if p.H+2*p.PadH < (p.KH-1)*max(p.DilationH, 1)+1 {
		p.DilationH = 1
	}
	if p.W+2*p.PadW < (p.KW-1)*max(p.DilationW, 1)+1 {
		p.DilationW = 1
	}
	return p
}

func TestConv2DDirectMatchesReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	geoms := append([]Conv2D(nil), convGeometries...)
	for range 40 {
		geoms = append(geoms, randomGeometry(rnd))
	}
	for i, p := range geoms {
		x := randSlice(rnd, p.N*p.C*p.H*p.W)
		w := randSlice(rnd, p.F*p.C*p.KH*p.KW)
		want := refConvNCHW(p, x, w)
		p.Algo = Direct
		got := make([]float64, len(want))
		require.NoError(t, p.Forward(got, x, w), "test %d: %v", i, p)
		assert.Equal(t, -1, closeTo(got, want, 1e-12), "test %d: %v", i, p)
	}
}

// TestConv2DAlgorithms checks every algorithm in both formats and both
// precisions against the reference.
func TestConv2DAlgorithms(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	geoms := append([]Conv2D(nil), convGeometries...)
	for range 60 {
		geoms = append(geoms, randomGeometry(rnd))
	}
	for i, p := range geoms {
		x := randSlice(rnd, p.N*p.C*p.H*p.W)
		w := randSlice(rnd, p.F*p.C*p.KH*p.KW)
		want := refConvNCHW(p, x, w)
		oh, ow := p.OutDims()
		require.Equal(t, len(want), p.N*p.F*oh*ow, "test %d: %v", i, p)
		for _, format := range []Format{NCHW, NHWC} {
			xf, wf, wantf := x, w, want
			if format == NHWC {
				xf = toNHWC(x, p.N, p.C, p.H, p.W)
				wf = oihwToHWIO(w, p.F, p.C, p.KH, p.KW)
				wantf = toNHWC(want, p.N, p.F, oh, ow)
			}
			for _, algo := range convAlgos {
				q := p
				q.Format, q.Algo = format, algo
				got := make([]float64, len(want))
				for k := range got {
					got[k] = math.NaN() // every element must be written
				}
				require.NoError(t, q.Forward(got, xf, wf), "test %d: %v %v", i, q, algo)
				if k := closeTo(got, wantf, 1e-12); k >= 0 {
					t.Errorf("test %d: %v %v: element %d: got %v, want %v", i, q, algo, k, got[k], wantf[k])
				}
				got32 := make([]float32, len(want))
				require.NoError(t, q.Forward32(got32, to32(xf), to32(wf)), "test %d: %v %v", i, q, algo)
				if k := closeTo(got32, to32(wantf), 1e-4); k >= 0 {
					t.Errorf("test %d: %v %v float32: element %d: got %v, want %v", i, q, algo, k, got32[k], wantf[k])
				}
			}
		}
	}
}

// TestConv2DBlocks runs kn2row with tiny row blocks, so that tasks start
// and end mid-image, in every mode.
func TestConv2DBlocks(t *testing.T) {
	defer func(b int) { kn2rowBlock = b }(kn2rowBlock)
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, block := range []int{1, 20, 100} {
		kn2rowBlock = block
		for i, p := range convGeometries {
			x := randSlice(rnd, p.N*p.C*p.H*p.W)
			w := randSlice(rnd, p.F*p.C*p.KH*p.KW)
			want := refConvNCHW(p, x, w)
			oh, ow := p.OutDims()
			for _, format := range []Format{NCHW, NHWC} {
				xf, wf, wantf := x, w, want
				if format == NHWC {
					xf, wf, wantf = toNHWC(x, p.N, p.C, p.H, p.W), oihwToHWIO(w, p.F, p.C, p.KH, p.KW), toNHWC(want, p.N, p.F, oh, ow)
				}
				q := p
				q.Format, q.Algo = format, BatchedGEMM
				got := make([]float64, len(want))
				require.NoError(t, q.Forward(got, xf, wf))
				if k := closeTo(got, wantf, 1e-12); k >= 0 {
					t.Errorf("block %d, test %d: %v: element %d: got %v, want %v", block, i, q, k, got[k], wantf[k])
				}
			}
		}
	}
}

// TestConv2DSentinels embeds dst in a larger buffer: nothing outside it is
// written, and x and w are not modified.
func TestConv2DSentinels(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	const pad = 17
	for i, p := range convGeometries {
		for _, format := range []Format{NCHW, NHWC} {
			for _, algo := range convAlgos {
				q := p
				q.Format, q.Algo = format, algo
				oh, ow := q.OutDims()
				nout := q.N * q.F * oh * ow
				x := randSlice(rnd, q.N*q.C*q.H*q.W)
				w := randSlice(rnd, q.F*q.C*q.KH*q.KW)
				x0, w0 := append([]float64(nil), x...), append([]float64(nil), w...)
				buf := make([]float64, nout+2*pad)
				for k := range buf {
					buf[k] = float64(-1000 - k)
				}
				require.NoError(t, q.Forward(buf[pad:pad+nout:pad+nout], x, w))
				for k := range pad {
					if buf[k] != float64(-1000-k) || buf[pad+nout+k] != float64(-1000-pad-nout-k) {
						t.Fatalf("test %d: %v: sentinel overwritten", i, q)
					}
				}
				assert.Equal(t, x0, x, "test %d: %v: x modified", i, q)
				assert.Equal(t, w0, w, "test %d: %v: w modified", i, q)

				buf32 := make([]float32, nout+2*pad)
				for k := range buf32 {
					buf32[k] = float32(-1000 - k)
				}
				require.NoError(t, q.Forward32(buf32[pad:pad+nout:pad+nout], to32(x), to32(w)))
				for k := range pad {
					if buf32[k] != float32(-1000-k) || buf32[pad+nout+k] != float32(-1000-pad-nout-k) {
						t.Fatalf("test %d: %v float32: sentinel overwritten", i, q)
					}
				}
			}
		}
	}
}

func TestConv2DErrors(t *testing.T) {
	ok := Conv2D{N: 2, C: 3, H: 5, W: 5, F: 4, KH: 3, KW: 3}
	with := func(f func(p *Conv2D)) Conv2D {
		p := ok
		f(&p)
		return p
	}
	const big = math.MaxInt / 2
	for i, test := range []struct {
		p          Conv2D
		dx, dw, dy int // added to the right lengths
		err        error
	}{
		{p: ok, dx: -1, err: ErrLength},
		{p: ok, dx: 1, err: ErrLength},
		{p: ok, dw: 1, err: ErrLength},
		{p: ok, dy: -1, err: ErrLength},
		{p: with(func(p *Conv2D) { p.Format = NHWC }), dy: 3, err: ErrLength},
		{p: with(func(p *Conv2D) { p.N = 0 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.C = -1 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.H = 0 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.F = 0 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.KW = 0 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.StrideH = -1 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.DilationW = -2 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.PadH = -1 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.KH = 6 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.KW = 4; p.DilationW = 2 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.Format = 7 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.Algo = -1 }), err: ErrDims},
		{p: with(func(p *Conv2D) { p.PadH = big }), err: ErrOverflow},
		{p: with(func(p *Conv2D) { p.H = big; p.W = big }), err: ErrOverflow},
		{p: with(func(p *Conv2D) { p.KH = 3; p.DilationH = big + 1 }), err: ErrOverflow},
		{p: with(func(p *Conv2D) { p.N = 1 << 40; p.C = 1 << 30 }), err: ErrOverflow},
	} {
		p := test.p
		nx, nw, ny := 2*3*5*5+test.dx, 4*3*3*3+test.dw, 2*4*3*3+test.dy
		if !errors.Is(test.err, ErrLength) {
			nx, nw, ny = 1, 1, 1
		}
		for _, algo := range convAlgos {
			p.Algo = algo
			if test.p.Algo != 0 {
				p.Algo = test.p.Algo
			}
			err := p.Forward(make([]float64, ny), make([]float64, nx), make([]float64, nw))
			if !errors.Is(err, test.err) {
				t.Errorf("test %d: %v: got %v, want %v", i, algo, err, test.err)
			}
			err = p.Forward32(make([]float32, ny), make([]float32, nx), make([]float32, nw))
			if !errors.Is(err, test.err) {
				t.Errorf("test %d: %v float32: got %v, want %v", i, algo, err, test.err)
			}
		}
		if !errors.Is(test.err, ErrLength) {
			if oh, ow := p.OutDims(); oh != 0 || ow != 0 {
				t.Errorf("test %d: OutDims = %d, %d for an invalid geometry", i, oh, ow)
			}
		}
	}
}

func TestConv2DAllocs(t *testing.T) {
	if convRace {
		t.Skip("the race detector allocates")
	}
	rnd := rand.New(rand.NewPCG(9, 10))
	for i, p := range []Conv2D{
		{N: 4, C: 16, H: 20, W: 20, F: 16, KH: 3, KW: 3, PadH: 1, PadW: 1},
		{N: 4, C: 16, H: 20, W: 20, F: 16, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		{N: 2, C: 64, H: 10, W: 10, F: 256, KH: 1, KW: 1},
	} {
		for _, format := range []Format{NCHW, NHWC} {
			for _, algo := range convAlgos[1:] {
				q := p
				q.Format, q.Algo = format, algo
				oh, ow := q.OutDims()
				x := randSlice(rnd, q.N*q.C*q.H*q.W)
				w := randSlice(rnd, q.F*q.C*q.KH*q.KW)
				y := make([]float64, q.N*q.F*oh*ow)
				x32, w32, y32 := to32(x), to32(w), make([]float32, len(y))
				allocs := testing.AllocsPerRun(20, func() {
					if err := q.Forward(y, x, w); err != nil {
						t.Fatal(err)
					}
					if err := q.Forward32(y32, x32, w32); err != nil {
						t.Fatal(err)
					}
				})
				if allocs != 0 {
					t.Errorf("test %d: %v %v: got %v allocations per call, want 0", i, q, algo, allocs)
				}
			}
		}
	}
}

// TestConv2DConcurrent runs Forward from several goroutines at once, each
// on its own output; with -race it checks the pooled scratch and workers.
func TestConv2DConcurrent(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	p := Conv2D{N: 3, C: 8, H: 12, W: 10, F: 6, KH: 3, KW: 3, PadH: 1, PadW: 1}
	x := randSlice(rnd, p.N*p.C*p.H*p.W)
	w := randSlice(rnd, p.F*p.C*p.KH*p.KW)
	want := refConvNCHW(p, x, w)
	xh, wh := toNHWC(x, p.N, p.C, p.H, p.W), oihwToHWIO(w, p.F, p.C, p.KH, p.KW)
	oh, ow := p.OutDims()
	wanth := toNHWC(want, p.N, p.F, oh, ow)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 2 * runtime.GOMAXPROCS(0) * 2 {
		wg.Go(func() {
			for r := range 5 {
				q := p
				q.Format = Format((g + r) % 2)
				q.Algo = convAlgos[(g+r)%len(convAlgos)]
				xf, wf, wantf := x, w, want
				if q.Format == NHWC {
					xf, wf, wantf = xh, wh, wanth
				}
				got := make([]float64, len(want))
				if err := q.Forward(got, xf, wf); err != nil {
					errs <- err
					return
				}
				if k := closeTo(got, wantf, 1e-12); k >= 0 {
					errs <- fmt.Errorf("%v %v: element %d: got %v, want %v", q, q.Algo, k, got[k], wantf[k])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConv1D(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 14))
	for i, p := range []Conv1D{
		{N: 2, C: 3, L: 10, F: 4, K: 3},
		{N: 1, C: 2, L: 9, F: 3, K: 2, Stride: 2, Dilation: 3, Pad: 2},
		{N: 3, C: 5, L: 7, F: 2, K: 1},
		{N: 2, C: 4, L: 6, F: 3, K: 4, Pad: 1},
	} {
		x := randSlice(rnd, p.N*p.C*p.L)
		w := randSlice(rnd, p.F*p.C*p.K)
		want := refConvNCHW(Conv2D{N: p.N, C: p.C, H: 1, W: p.L, F: p.F, KH: 1, KW: p.K, StrideW: p.Stride, DilationW: p.Dilation, PadW: p.Pad}, x, w)
		ol := p.OutLen()
		require.Equal(t, p.N*p.F*ol, len(want), "test %d", i)
		for _, format := range []Format{NCHW, NHWC} {
			xf, wf, wantf := x, w, want
			if format == NHWC {
				xf, wf, wantf = toNHWC(x, p.N, p.C, 1, p.L), oihwToHWIO(w, p.F, p.C, 1, p.K), toNHWC(want, p.N, p.F, 1, ol)
			}
			for _, algo := range convAlgos {
				q := p
				q.Format, q.Algo = format, algo
				got := make([]float64, len(want))
				require.NoError(t, q.Forward(got, xf, wf))
				assert.Equal(t, -1, closeTo(got, wantf, 1e-12), "test %d: %v %v", i, format, algo)
				got32 := make([]float32, len(want))
				require.NoError(t, q.Forward32(got32, to32(xf), to32(wf)))
				assert.Equal(t, -1, closeTo(got32, to32(wantf), 1e-4), "test %d: %v %v float32", i, format, algo)
			}
		}
	}
	bad := Conv1D{N: 1, C: 1, L: 3, F: 1, K: 4}
	assert.Equal(t, 0, bad.OutLen())
	assert.ErrorIs(t, bad.Forward(nil, make([]float64, 3), make([]float64, 4)), ErrDims)
}

// FuzzConv2D compares every algorithm with Direct on small geometries, and
// checks that bad geometry is an error, never a panic.
func FuzzConv2D(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(5), uint8(6), uint8(4), uint8(3), uint8(3), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), false, uint64(1))
	f.Add(uint8(1), uint8(2), uint8(9), uint8(8), uint8(3), uint8(2), uint8(3), uint8(2), uint8(3), uint8(2), uint8(1), uint8(0), uint8(2), uint8(1), true, uint64(2))
	f.Add(uint8(1), uint8(1), uint8(2), uint8(2), uint8(1), uint8(3), uint8(3), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(1), false, uint64(3))
	f.Add(uint8(2), uint8(6), uint8(5), uint8(6), uint8(4), uint8(3), uint8(3), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(2), true, uint64(4))
	f.Add(uint8(1), uint8(4), uint8(7), uint8(6), uint8(8), uint8(3), uint8(3), uint8(2), uint8(2), uint8(1), uint8(1), uint8(1), uint8(1), uint8(4), false, uint64(5))
	f.Fuzz(func(t *testing.T, n, c, h, w, fo, kh, kw, sh, sw, dh, dw, ph, pw, groups uint8, nhwc bool, seed uint64) {
		s := func(v uint8) int { return int(int8(v)) } // negatives too
		p := Conv2D{
			N: s(n) % 4, C: s(c) % 9, H: s(h) % 12, W: s(w) % 12, F: s(fo) % 9, KH: s(kh) % 5, KW: s(kw) % 5,
			StrideH: s(sh) % 4, StrideW: s(sw) % 4, DilationH: s(dh) % 4, DilationW: s(dw) % 4, PadH: s(ph) % 4, PadW: s(pw) % 4,
			Groups: s(groups) % 5,
		}
		if nhwc {
			p.Format = NHWC
		}
		oh, ow := p.OutDims()
		g := max(p.Groups, 1)
		nx, nw, ny := p.N*p.C*p.H*p.W, p.F*(p.C/g)*p.KH*p.KW, p.N*p.F*oh*ow
		if oh == 0 || p.N <= 0 || p.C <= 0 || p.H <= 0 || p.W <= 0 || p.F <= 0 || p.KH <= 0 || p.KW <= 0 ||
			p.Groups < 0 || p.C%g != 0 || p.F%g != 0 {
			for _, algo := range convAlgos {
				p.Algo = algo
				if err := p.Forward(make([]float64, max(ny, 0)), make([]float64, max(nx, 0)), make([]float64, max(nw, 0))); err == nil {
					t.Fatalf("%v: no error for a bad geometry", p)
				}
			}
			return
		}
		rnd := rand.New(rand.NewPCG(seed, 1))
		// The reference is refConvNCHW, written from the definition
		// independently of the package's loops; NHWC data is its
		// transpose.
		xN, wN := randSlice(rnd, nx), randSlice(rnd, nw)
		x, wt := xN, wN
		want := refConvNCHW(p, x, wt)
		if nhwc {
			x, wt = toNHWC(x, p.N, p.C, p.H, p.W), oihwToHWIO(wt, p.F, p.C/g, p.KH, p.KW)
			want = toNHWC(want, p.N, p.F, oh, ow)
		}
		x32, w32 := float32s(x), float32s(wt)
		const guard = 8
		for _, algo := range algosFor(p) {
			p.Algo = algo
			// dst sits between guard zones of sentinels, which must
			// survive (cgo BLAS is not bounds-checked).
			buf := make([]float64, ny+2*guard)
			for i := range buf {
				buf[i] = -1e9 - float64(i)
			}
			got := buf[guard : guard+ny : guard+ny]
			if err := p.Forward(got, x, wt); err != nil {
				t.Fatalf("%v %v: %v", p, algo, err)
			}
			if k := closeTo(got, want, 1e-12); k >= 0 {
				t.Fatalf("%v %v: element %d: got %v, want %v", p, algo, k, got[k], want[k])
			}
			for i := range guard {
				if buf[i] != -1e9-float64(i) || buf[guard+ny+i] != -1e9-float64(guard+ny+i) {
					t.Fatalf("%v %v: a sentinel outside dst changed", p, algo)
				}
			}
			got32 := make([]float32, ny)
			if err := p.Forward32(got32, x32, w32); err != nil {
				t.Fatalf("%v %v float32: %v", p, algo, err)
			}
			for i, v := range got32 {
				if d := math.Abs(float64(v) - want[i]); d > 1e-4*(1+math.Abs(want[i])) {
					t.Fatalf("%v %v float32: element %d: got %v, want %v", p, algo, i, v, want[i])
				}
			}
		}
		if err := p.Forward(make([]float64, ny+1), x, wt); !errors.Is(err, ErrLength) {
			t.Fatalf("%v: dst too long: got %v, want ErrLength", p, err)
		}

		// Both backward passes against refBackwardNCHW, guarded.
		dyN := randSlice(rnd, ny)
		wantDX, wantDW := refBackwardNCHW(p, xN, wN, dyN)
		dy := dyN
		if nhwc {
			dy = toNHWC(dyN, p.N, p.F, oh, ow)
			wantDX = toNHWC(wantDX, p.N, p.C, p.H, p.W)
			wantDW = oihwToHWIO(wantDW, p.F, p.C/g, p.KH, p.KW)
		}
		for _, algo := range algosFor(p) {
			for _, tile := range winogradTiles(algo) {
				p.Algo, p.WinogradTile = algo, tile
				// Winograd's filter gradient sums N·OH·OW products: its
				// error grows with that scale (TestWinogradFilterError).
				tol64, tol32 := 1e-12, 1e-4
				if algo == Winograd {
					tol64, tol32 = 1e-11, 1e-3
				}
				guardedTol(t, fmt.Sprintf("%v %v BackwardData", p, algo), wantDX, tol64, func(out []float64) error { return p.BackwardData(out, dy, wt) })
				guardedTol(t, fmt.Sprintf("%v %v BackwardFilter", p, algo), wantDW, tol64, func(out []float64) error { return p.BackwardFilter(out, x, dy) })
				got32 := make([]float32, len(wantDX))
				if err := p.BackwardData32(got32, float32s(dy), w32); err != nil {
					t.Fatal(err)
				}
				if k := closeTo(float64s(got32), wantDX, tol32); k >= 0 {
					t.Fatalf("%v %v BackwardData32: element %d: got %v, want %v", p, algo, k, got32[k], wantDX[k])
				}
				got32 = make([]float32, len(wantDW))
				if err := p.BackwardFilter32(got32, x32, float32s(dy)); err != nil {
					t.Fatal(err)
				}
				if k := closeTo(float64s(got32), wantDW, tol32); k >= 0 {
					t.Fatalf("%v %v BackwardFilter32: element %d: got %v, want %v", p, algo, k, got32[k], wantDW[k])
				}
			}
		}
		p.Algo, p.WinogradTile = Auto, 0
		if err := p.BackwardData(make([]float64, nx), make([]float64, ny+1), wt); !errors.Is(err, ErrLength) {
			t.Fatalf("%v: dy too long: got %v, want ErrLength", p, err)
		}
		if err := p.BackwardFilter(make([]float64, nw-1), x, dy); !errors.Is(err, ErrLength) {
			t.Fatalf("%v: dw too short: got %v, want ErrLength", p, err)
		}
	})
}

// TestConv2DScratch checks the memory claim of BatchedGEMM on the
// benchmarked 3×3 layers: its scratch is at most a ninth of
// Im2Col's, except that NCHW adds the tap-major repack of the OIHW filters
// (F·C·KH·KW elements; no tap of an OIHW filter is a BLAS operand).
func TestConv2DScratch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two ResNet-sized layers")
	}
	for _, layer := range convBenchLayers[:2] {
		for _, format := range []Format{NCHW, NHWC} {
			p := layer.p
			p.Format = format
			t.Run(fmt.Sprintf("%s/%v", layer.name, format), func(t *testing.T) {
				rnd := rand.New(rand.NewPCG(3, 4))
				oh, ow := p.OutDims()
				x := randSlice(rnd, p.N*p.C*p.H*p.W)
				w := randSlice(rnd, p.F*p.C*p.KH*p.KW)
				y := make([]float64, p.N*p.F*oh*ow)
				scratch := func(a Algorithm) uint64 {
					q := p
					q.Algo = a
					return firstCallBytes(func() { require.NoError(t, q.Forward(y, x, w)) })
				}
				im2col, kn2row := scratch(Im2Col), scratch(BatchedGEMM)
				budget := im2col / 9
				if format == NCHW {
					budget += uint64(8 * len(w))
				}
				assert.LessOrEqual(t, kn2row, budget, "BatchedGEMM scratch against Im2Col's %d B", im2col)
			})
		}
	}
}

// TestConv2DAutoRule pins what Auto picks on the benchmarked layers, from
// the figures BenchmarkConv2D measured (see the comments in auto): per-tap
// GEMMs, except im2col where the patch matrix is small — on OpenBLAS in
// both formats, on Gonum's BLAS in NCHW — and im2col for 3×3 kernels over
// fewer than four channels.
func TestConv2DAutoRule(t *testing.T) {
	gonum := blasbridge.Gonum
	openblas := blasbridge.Backend{Name: "openblas-like", SingleThreaded: func() func() { return func() {} }}
	for _, tc := range []struct {
		layer  string
		format Format
		f32    bool
		be     *blasbridge.Backend
		want   Algorithm
		tile   int // Winograd's
	}{
		{"56x64-3x3", NCHW, false, &gonum, Winograd, 4},
		{"56x64-3x3", NHWC, false, &gonum, Winograd, 4},
		{"56x64-3x3", NHWC, true, &gonum, Winograd, 2},
		{"14x256-3x3", NCHW, false, &gonum, Winograd, 2},
		{"14x256-3x3", NHWC, true, &gonum, Winograd, 2},
		{"56x64-1x1-f256", NCHW, false, &gonum, BatchedGEMM, 0},
		{"56x64-3x3", NCHW, false, &openblas, Winograd, 4},
		{"56x64-3x3", NHWC, false, &openblas, Winograd, 4},
		{"56x64-3x3", NCHW, true, &openblas, BatchedGEMM, 0},
		{"56x64-3x3", NHWC, true, &openblas, Winograd, 2},
		{"14x256-3x3", NCHW, false, &openblas, Im2Col, 0},
		{"14x256-3x3", NHWC, true, &openblas, Im2Col, 0},
		{"56x64-1x1-f256", NHWC, false, &openblas, BatchedGEMM, 0},
		{"112x32-dw3x3", NCHW, false, &gonum, Depthwise, 0},
		{"112x32-dw3x3", NHWC, true, &gonum, Depthwise, 0},
		{"56x128-dw3x3", NCHW, true, &openblas, Depthwise, 0},
		{"56x128-dw3x3", NHWC, false, &openblas, Depthwise, 0},
		{"224x3-7x7s2", NHWC, false, &gonum, BatchedGEMM, 0},
		{"224x3-7x7s2", NCHW, false, &gonum, Im2Col, 0},
		{"224x3-7x7s2", NHWC, true, &openblas, BatchedGEMM, 0},
		{"224x3-7x7s2", NCHW, true, &openblas, Im2Col, 0},
	} {
		var p Conv2D
		for _, l := range convBenchLayers {
			if l.name == tc.layer {
				p = l.p
			}
		}
		p.Format = tc.format
		g, err := p.geometry()
		require.NoError(t, err)
		got, why, tile := g.auto(tc.be, tc.f32)
		assert.Equal(t, tc.want, got, "%s %v float32 %v on %s", tc.layer, tc.format, tc.f32, tc.be.Name)
		assert.Equal(t, tc.tile, tile, "%s %v float32 %v on %s: Winograd's tile", tc.layer, tc.format, tc.f32, tc.be.Name)
		assert.NotEmpty(t, why)
	}
	for _, tc := range []struct {
		p    Conv2D
		want Algorithm
	}{
		{Conv2D{N: 1, C: 3, H: 32, W: 32, F: 8, KH: 3, KW: 3}, Im2Col}, // a small patch matrix
		{Conv2D{N: 1, C: 3, H: 512, W: 512, F: 16, KH: 5, KW: 5, PadH: 2, PadW: 2}, BatchedGEMM},
		{Conv2D{Format: NHWC, N: 1, C: 3, H: 512, W: 512, F: 16, KH: 5, KW: 5, PadH: 2, PadW: 2}, BatchedGEMM},
	} {
		for _, be := range []*blasbridge.Backend{&gonum, &openblas} {
			g, err := tc.p.geometry()
			require.NoError(t, err)
			got, _, _ := g.auto(be, true)
			assert.Equal(t, tc.want, got, "%v on %s", tc.p, be.Name)
		}
	}
}

// Auto's Winograd is F(4×4) in float64 (on images of 28×28 outputs or
// more) and F(2×2) in float32 whatever WinogradTile says: it never picks
// the variant that loses digits in float32 (TestWinogradError).
func TestAutoWinogradTile(t *testing.T) {
	gonum := blasbridge.Gonum
	p := Conv2D{N: 1, C: 16, H: 28, W: 28, F: 16, KH: 3, KW: 3, PadH: 1, PadW: 1, WinogradTile: 2}
	g, err := p.geometry()
	require.NoError(t, err)
	algo, _, err := resolve[float32](p, &g, &gonum)
	require.NoError(t, err)
	require.Equal(t, Winograd, algo)
	assert.Equal(t, 2, g.wino.m, "float32")
	g, _ = p.geometry()
	_, _, err = resolve[float64](p, &g, &gonum)
	require.NoError(t, err)
	assert.Equal(t, 4, g.wino.m, "float64")
	p.Algo, p.WinogradTile = Winograd, 4 // asked for: the tile is honoured
	g, _ = p.geometry()
	_, _, err = resolve[float32](p, &g, &gonum)
	require.NoError(t, err)
	assert.Equal(t, 4, g.wino.m, "float32, asked for")
}
