package window

import (
	"runtime"
	"unsafe"

	"github.com/strider-go/strider/blasbridge"
)

// BackwardFilter by Winograd. The forward transform
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// is a trilinear form in the input tile d, the filter g and the output
// gradient dy: Σ dy ⊙ Y = Σ (G g Gᵀ) ⊙ (Bᵀ d B) ⊙ (A dy Aᵀ). Its derivative in
// g is the filter gradient of one tile,
//
//	dW = Gᵀ [ (Bᵀ d B) ⊙ (A dy Aᵀ) ] G,
//
// Winograd's F(3×3, m×m), with the forward's own matrices: α² products for
// 9m² terms of the direct sum (Lavin and Gray, 2016, §4). Summed over
// tiles and images, the product at each of the α² positions p is a matrix
// product over tiles, M_p = Û_pᵀ · V_p (F×tiles · tiles×C), the α² GEMMs
// of the forward pass with the tiles, not the channels, as the inner
// dimension. The tiles are those of the forward pass: each tile's dy is its
// m×m block of outputs, zero past the edge, which adds nothing.
//
// As in the forward pass, the transforms are GEMMs with Kronecker
// products: V = (Bᵀ⊗Bᵀ)·D, Û = (A⊗A)·E over the gathered tiles D of x and E
// of dy, and dW = (G⊗G)ᵀ·M once at the end. Both tile sets are kept
// tile-major, α² rows of [tiles×C] and [tiles×F], in either format, so a
// block of tiles is a band of columns of the whole.
//
// The sum over tiles runs in a fixed order in one of two ways (as the GEMM
// filter pass does): where M is small against the transformed tiles, each
// of at most bwdChunks fixed chunks of tiles sums its blocks into its own
// partial M, and the partials are added in chunk order; where M is large
// (many channels on few pixels), every tile is transformed first and each
// task then computes one block of one M_p over all tiles.

// winoFilterBlock transforms tiles [t0, t0+nt) of x and dy into v (α² rows
// of [nt×C] at leading dimension ldv) and u (α² rows of [nt×F], ldu),
// through the worker's scratch.
func (j *bwdJob[T]) winoFilterBlock(ws *convWorkspace[T], t0, nt int, v []T, ldv int, u []T, ldu int) {
	g := &j.g
	w := g.wino
	a, m := w.alpha, w.m
	aa, mm := a*a, m*m
	c, f := g.c, g.f
	tin, tout := winoKron[T](w)
	var tn, th, tw [256]int
	winoTileCoords(g, j.tilesH, j.tilesW, t0, nt, &tn, &th, &tw)

	// D: the input tiles, tile-major. NCHW reads a tile position's C
	// channels a plane apart and writes them in a row: written the other
	// way round, tile by tile per channel, the α² rows' writes fall
	// nt·C elements apart, often a multiple of 4 KiB, and thrash the cache.
	d := growBuf(&ws.in, max(aa*c, mm*f)*nt)
	if g.nhwc {
		winoGatherNHWC(g, d, j.x, nt, &tn, &th, &tw)
	} else {
		hw := g.h * g.w
		for k := range nt {
			base := tn[k]*c*hw + th[k]*g.w + tw[k] // may be negative: th, tw count the padding
			for i := range a {
				ih := th[k] + i
				for jj := range a {
					iw := tw[k] + jj
					dst := d[((i*a+jj)*nt+k)*c : ((i*a+jj)*nt+k+1)*c]
					if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
						clear(dst)
						continue
					}
					src := j.x[base+i*g.w+jj:]
					for ci := range dst {
						dst[ci] = src[ci*hw]
					}
				}
			}
		}
	}
	j.gm.gemm(false, false, aa, nt*c, aa, tin, aa, d, nt*c, 0, v, ldv)

	// E: each tile's m×m block of dy, tile-major, zero past the edges.
	e := d[:mm*nt*f]
	ohw := g.oh * g.ow
	for k := range nt {
		n, oh0, ow0 := tn[k], th[k]+g.ph, tw[k]+g.pw
		for i := range m {
			for jj := range m {
				q := i*m + jj
				dst := e[(q*nt+k)*f : (q*nt+k+1)*f]
				oh, ow := oh0+i, ow0+jj
				switch {
				case oh >= g.oh || ow >= g.ow:
					clear(dst)
				case g.nhwc:
					copy(dst, j.dy[((n*g.oh+oh)*g.ow+ow)*f:])
				default:
					src := j.dy[n*f*ohw+oh*g.ow+ow:]
					for fi := range dst {
						dst[fi] = src[fi*ohw]
					}
				}
			}
		}
	}
	// Û = (A⊗A)·E, A⊗A being (Aᵀ⊗Aᵀ)ᵀ.
	j.gm.gemm(true, false, aa, nt*f, mm, tout, aa, e, nt*f, 0, u, ldu)
}

// winoFilterGemm sets (beta 0) or adds to (beta 1) position p of M the
// product over nt tiles of u's and v's rows p (leading dimensions ldu,
// ldv: the tiles' stride within a row is F and C), for group gi and its
// output channels [f0, f0+nf): NCHW M_p is [F×Cg], NHWC [Cg×F].
func (j *bwdJob[T]) winoFilterGemm(mp []T, u []T, ldu int, v []T, ldv int, p, nt, gi, f0, nf int, beta T) {
	g := &j.g
	c, f, cg, fg := g.c, g.f, g.cg, g.fg
	up, vp := u[p*ldu:], v[p*ldv:]
	ch := gi*fg + f0
	if g.nhwc {
		j.gm.gemm(true, false, cg, nf, nt, vp[gi*cg:], c, up[ch:], f, beta, mp[ch:], f)
		return
	}
	j.gm.gemm(true, false, nf, cg, nt, up[ch:], f, vp[gi*cg:], c, beta, mp[ch*cg:], cg)
}

// winoFilterChunk sums chunk t's blocks of tiles into its partial M.
func (j *bwdJob[T]) winoFilterChunk(ws *convWorkspace[T], t int) {
	g := &j.g
	aa := g.wino.alpha * g.wino.alpha
	fc := g.f * g.cg
	acc := j.partial[t]
	for b := t * j.chunk; b < min((t+1)*j.chunk, j.ntilesBlocks()); b++ {
		t0 := b * j.rows
		nt := min(j.rows, j.ntiles-t0)
		vu := growBuf(&ws.out, aa*nt*(g.c+g.f))
		v, u := vu[:aa*nt*g.c], vu[aa*nt*g.c:]
		j.winoFilterBlock(ws, t0, nt, v, nt*g.c, u, nt*g.f)
		beta := T(1)
		if b == t*j.chunk {
			beta = 0
		}
		for p := range aa {
			for gi := range g.groups {
				j.winoFilterGemm(acc[p*fc:], u, nt*g.f, v, nt*g.c, p, nt, gi, 0, g.fg, beta)
			}
		}
	}
}

// ntilesBlocks is the number of blocks of j.rows tiles.
func (j *bwdJob[T]) ntilesBlocks() int { return (j.ntiles + j.rows - 1) / j.rows }

// winoFilterPoint computes one block of M over all tiles: position p,
// group gi, a block of its output channels.
func (j *bwdJob[T]) winoFilterPoint(task int) {
	g := &j.g
	fc := g.f * g.cg
	fb := (g.fg + j.fblocks - 1) / j.fblocks
	p, rest := task/(g.groups*j.fblocks), task%(g.groups*j.fblocks)
	gi, blk := rest/j.fblocks, rest%j.fblocks
	f0 := blk * fb
	nf := min(fb, g.fg-f0)
	if nf <= 0 {
		return
	}
	j.winoFilterGemm(j.acc[p*fc:], j.uAll, j.ntiles*g.f, j.vAll, j.ntiles*g.c, p, j.ntiles, gi, f0, nf, 0)
}

// runWinoFilter runs BackwardFilter for the Winograd variant g.wino: the
// sums of the α² products, then dW = (G⊗G)ᵀ·M into dw in the Format's
// weight layout.
func runWinoFilter[T convFloat](g *convGeom, be *blasbridge.Backend, dw, x, dy []T) {
	j := &bwdJob[T]{g: *g, gm: newGemmer[T](be), x: x, dy: dy}
	defer j.release()
	procs := runtime.GOMAXPROCS(0)
	w := g.wino
	a, m := w.alpha, w.m
	aa := a * a
	j.tilesH, j.tilesW = (g.oh+m-1)/m, (g.ow+m-1)/m
	j.ntiles = g.n * j.tilesH * j.tilesW
	fc := g.f * g.cg
	j.rows = min(winoTiles(a, max(g.c, g.f)), j.ntiles)
	var msum []T
	if aa*j.ntiles*(g.c+g.f) <= bwdChunks*aa*fc {
		// M is large against the tiles: transform them all (phase 0),
		// then one task per block of M over all tiles.
		j.vAll = j.buf(aa * j.ntiles * g.c)
		j.uAll = j.buf(aa * j.ntiles * g.f)
		j.mode, j.ntasks = bwdWinoTiles, j.ntilesBlocks()
		j.run(be, procs)
		j.fblocks = 1
		if tg := aa * g.groups; tg < 2*procs {
			j.fblocks = min(g.fg, (2*procs+tg-1)/tg)
		}
		j.acc = j.buf(aa * fc) // every element written by one task, beta 0
		j.mode, j.ntasks = bwdWinoPoints, aa*g.groups*j.fblocks
		j.run(be, procs)
		msum = j.acc
	} else {
		nb := j.ntilesBlocks()
		chunks := min(nb, bwdChunks)
		j.chunk = (nb + chunks - 1) / chunks
		j.ntasks = (nb + j.chunk - 1) / j.chunk
		all := j.buf(j.ntasks * aa * fc) // each partial's first block has beta 0
		j.partial = make([][]T, j.ntasks)
		for i := range j.partial {
			j.partial[i] = all[i*aa*fc : (i+1)*aa*fc]
		}
		j.mode = bwdWinoPartials
		j.run(be, procs)
		msum = j.partial[0]
		for _, p := range j.partial[1:] {
			for i, v := range p {
				msum[i] += v
			}
		}
	}
	// dW, tap-major [9][F×Cg] (NCHW) or [9][Cg×F] (HWIO) = (G⊗G)ᵀ·M.
	out := dw
	if !g.nhwc {
		out = j.buf(g.wlen)
	}
	j.gm.gemm(true, false, 9, fc, aa, winoGG[T](w), 9, msum, fc, 0, out, fc)
	if !g.nhwc {
		fromTapMajor(g, dw, out)
	}
}

// winoGG returns w's G⊗G (α²×9) for T.
func winoGG[T convFloat](w *winoMat) []T {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return asFloat[T](w.tg32)
	}
	return asFloat[T](w.tg64)
}
