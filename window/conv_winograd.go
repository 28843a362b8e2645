package window

import (
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// Winograd's minimal filtering F(m×m, 3×3) computes an m×m block of output
// from an α×α tile of input, α = m + 2, with α² multiplications per input
// channel instead of 9m² (Lavin and Gray, 2016):
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// Summed over input channels, the element-wise product at each of the α²
// positions (ξ, ν) is a matrix product over channels: with U_ξν = (G g Gᵀ)_ξν
// for every filter and V_ξν = (Bᵀ d B)_ξν for every tile,
//
//	M_ξν = U_ξν · V_ξν   (F×C · C×tiles; NHWC: tiles×C · C×F)
//
// α² independent GEMMs with the same shapes, a strided batch: one
// blasbridge.GemmBatched call per group and block of tiles (on Gonum's
// BLAS, α² calls through the gemmer, cut so that Gonum does not thread them).
// The transforms are linear maps of a tile's α² elements, the same for
// every tile and channel: with the block's tiles gathered position by
// position into D (α² rows of tiles × channels), V = (Bᵀ⊗Bᵀ)·D and
// Y = (Aᵀ⊗Aᵀ)·M are two more GEMMs, which run at the BLAS's speed where
// transforms written out ran a scalar loop per tile and channel (2–3
// times slower on OpenBLAS). The filters are
// transformed once per call, each block's tiles into V, and M's
// output transform writes y, clipped at the edges.
//
// F(2×2, 3×3) multiplies 2.25 times less than the direct sum and its
// transforms are exact in binary (entries 0, ±1, ±½); F(4×4, 3×3)
// multiplies 4 times less, but its transforms carry entries up to 8 and
// ⅙, ¹⁄₂₄, which costs digits: see the Winograd constant's documentation.

// winoMat holds Bᵀ (α×α), G (α×3) and Aᵀ (m×α) of one variant, row-major.
type winoMat struct {
	m, alpha  int
	bt, g, at []float64
	// Bᵀ⊗Bᵀ and Aᵀ⊗Aᵀ (see winoKron), set by init.
	tin64, tout64 []float64
	tin32, tout32 []float32
	// G⊗G (α²×9), for BackwardFilter's output transform.
	tg64 []float64
	tg32 []float32
}

var wino2 = winoMat{
	m: 2, alpha: 4,
	bt: []float64{
		1, 0, -1, 0,
		0, 1, 1, 0,
		0, -1, 1, 0,
		0, 1, 0, -1,
	},
	g: []float64{
		1, 0, 0,
		0.5, 0.5, 0.5,
		0.5, -0.5, 0.5,
		0, 0, 1,
	},
	at: []float64{
		1, 1, 1, 0,
		0, 1, -1, -1,
	},
}

var wino4 = winoMat{
	m: 4, alpha: 6,
	bt: []float64{
		4, 0, -5, 0, 1, 0,
		0, -4, -4, 1, 1, 0,
		0, 4, -4, -1, 1, 0,
		0, -2, -1, 2, 1, 0,
		0, 2, -1, -2, 1, 0,
		0, 4, 0, -5, 0, 1,
	},
	g: []float64{
		1.0 / 4, 0, 0,
		-1.0 / 6, -1.0 / 6, -1.0 / 6,
		-1.0 / 6, 1.0 / 6, -1.0 / 6,
		1.0 / 24, 1.0 / 12, 1.0 / 6,
		1.0 / 24, -1.0 / 12, 1.0 / 6,
		0, 0, 1,
	},
	at: []float64{
		1, 1, 1, 1, 1, 0,
		0, 1, -1, 2, -2, 0,
		0, 1, 1, 4, 4, 0,
		0, 1, -1, 8, -8, 1,
	},
}

// winoTiles is the tiles a Winograd task transforms at once: a block whose
// transformed input, α²·C·tiles elements, stays near 1 MiB of float64.
func winoTiles(alpha, c int) int {
	return min(256, max(16, (1<<17)/(alpha*alpha*c)))
}

// planWinograd cuts the tiles into tasks and transforms the filters into
// j.wt (see winoFilters).
func (j *convJob[T]) planWinograd() {
	g := &j.g
	v := g.wino
	a := v.alpha
	th, tw := (g.oh+v.m-1)/v.m, (g.ow+v.m-1)/v.m
	j.tilesH, j.tilesW = th, tw
	ntiles := g.n * th * tw
	j.rows = min(winoTiles(a, g.c), ntiles)
	j.ntasks = (ntiles + j.rows - 1) / j.rows
	j.blocks = 0
	if j.own != nil {
		return // a Prepared layer transformed its filters once
	}
	j.wtBuf, j.wt = getBuf[T](a * a * g.f * g.cg)
	winoFilters(g, j.wt, j.w)
}

// winoFilters transforms the 3×3 filters w into u, U = G·g·Gᵀ laid out
// [α²][F×Cg] (NCHW) or [α²][Cg×F] (NHWC).
func winoFilters[T convFloat](g *convGeom, u, w []T) {
	v := g.wino
	a := v.alpha
	var gg [9]float64
	var tmp [18]float64 // G·g, α×3
	fc := g.f * g.cg
	for f := range g.f {
		for c := range g.cg {
			for t := range 9 {
				if g.nhwc {
					gg[t] = float64(w[(t*g.cg+c)*g.f+f])
				} else {
					gg[t] = float64(w[(f*g.cg+c)*9+t])
				}
			}
			// tmp = G·g (α×3), then U = tmp·Gᵀ (α×α).
			for r := range a {
				for k := range 3 {
					tmp[r*3+k] = v.g[r*3]*gg[k] + v.g[r*3+1]*gg[3+k] + v.g[r*3+2]*gg[6+k]
				}
			}
			for r := range a {
				for s := range a {
					val := T(tmp[r*3]*v.g[s*3] + tmp[r*3+1]*v.g[s*3+1] + tmp[r*3+2]*v.g[s*3+2])
					if g.nhwc {
						u[(r*a+s)*fc+c*g.f+f] = val
					} else {
						u[(r*a+s)*fc+f*g.cg+c] = val
					}
				}
			}
		}
	}
}

// winograd runs task t: tiles [t·rows, (t+1)·rows) of the whole batch.
func (j *convJob[T]) winograd(ws *convWorkspace[T], task int) {
	g := &j.g
	v := g.wino
	a, m := v.alpha, v.m
	aa, mm := a*a, m*m
	t0 := task * j.rows
	nt := min(j.rows, g.n*j.tilesH*j.tilesW-t0)
	c, f := g.c, g.f
	tin, tout := winoKron[T](v)

	// D holds the tiles as they are, V = (Bᵀ⊗Bᵀ)·D their transforms, both
	// α² rows of NHWC [nt×C] or NCHW [C×nt]; M the products, α² rows of
	// [nt×F] or [F×nt]; Y = (Aᵀ⊗Aᵀ)·M the m² output positions, over D.
	in := growBuf(&ws.in, 2*aa*c*nt)
	d, vb := in[:aa*c*nt], in[aa*c*nt:]
	mb := growBuf(&ws.out, aa*f*nt)
	// The tiles' images and top-left input pixels (j.rows <= 256).
	var tn, th, tw [256]int
	winoTileCoords(g, j.tilesH, j.tilesW, t0, nt, &tn, &th, &tw)
	if g.nhwc {
		winoGatherNHWC(g, d, j.x, nt, &tn, &th, &tw)
	} else {
		// Row q·C + ci of D runs over the tiles: written in order, read
		// from channel ci's plane m pixels apart. Tiles wholly inside the
		// image (most) skip the bounds checks.
		hw := g.h * g.w
		var base [256]int
		var inside [256]bool
		for k := range nt {
			base[k] = tn[k]*c*hw + th[k]*g.w + tw[k]
			inside[k] = th[k] >= 0 && th[k]+a <= g.h && tw[k] >= 0 && tw[k]+a <= g.w
		}
		for ci := range c {
			for i := range a {
				for jj := range a {
					dst := d[((i*a+jj)*c+ci)*nt : ((i*a+jj)*c+ci+1)*nt]
					off := ci*hw + i*g.w + jj
					for k := range dst {
						if inside[k] {
							dst[k] = j.x[base[k]+off]
							continue
						}
						ih, iw := th[k]+i, tw[k]+jj
						if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
							dst[k] = 0
							continue
						}
						dst[k] = j.x[base[k]+off]
					}
				}
			}
		}
	}
	// The input transform: one GEMM over every tile and channel.
	j.gm.gemm(false, false, aa, c*nt, aa, tin, aa, d, c*nt, 0, vb, c*nt)

	// M_p = U_p · V_p (NCHW) or V_p · U_p (NHWC), p over α², per group.
	cg, fg := g.cg, g.fg
	for gi := range g.groups {
		if g.nhwc {
			j.winoGemms(aa,
				vb, adapter.Layout{Rows: nt, Cols: cg, RowStride: c, ColStride: 1, Offset: gi * cg}, nt*c,
				j.wt, adapter.Layout{Rows: cg, Cols: fg, RowStride: f, ColStride: 1, Offset: gi * fg}, cg*f,
				mb, adapter.Layout{Rows: nt, Cols: fg, RowStride: f, ColStride: 1, Offset: gi * fg}, nt*f)
		} else {
			j.winoGemms(aa,
				j.wt, adapter.Layout{Rows: fg, Cols: cg, RowStride: cg, ColStride: 1, Offset: gi * fg * cg}, f*cg,
				vb, adapter.Layout{Rows: cg, Cols: nt, RowStride: nt, ColStride: 1, Offset: gi * cg * nt}, c*nt,
				mb, adapter.Layout{Rows: fg, Cols: nt, RowStride: nt, ColStride: 1, Offset: gi * fg * nt}, f*nt)
		}
	}

	// The output transform: one GEMM, then Y's m×m blocks to y, clipped.
	yt := growBuf(&ws.in, max(2*aa*c*nt, mm*f*nt))[:mm*f*nt]
	j.gm.gemm(false, false, mm, f*nt, aa, tout, aa, mb, f*nt, 0, yt, f*nt)
	if g.nhwc {
		for k := range nt {
			n, oh0, ow0 := tn[k], th[k]+g.ph, tw[k]+g.pw
			for i := range min(m, g.oh-oh0) {
				for jj := range min(m, g.ow-ow0) {
					oh, ow := oh0+i, ow0+jj
					copy(j.y[((n*g.oh+oh)*g.ow+ow)*f:((n*g.oh+oh)*g.ow+ow+1)*f], yt[((i*m+jj)*nt+k)*f:])
				}
			}
		}
		return
	}
	// NCHW: row q·F + fi of Y runs over the tiles, written m pixels apart
	// into plane fi.
	ohw := g.oh * g.ow
	for fi := range f {
		for i := range m {
			for jj := range m {
				src := yt[((i*m+jj)*f+fi)*nt : ((i*m+jj)*f+fi+1)*nt]
				for k, v := range src {
					oh, ow := th[k]+g.ph+i, tw[k]+g.pw+jj
					if oh < g.oh && ow < g.ow {
						j.y[(tn[k]*f+fi)*ohw+oh*g.ow+ow] = v
					}
				}
			}
		}
	}
}

// winoTileCoords sets, for tiles [t0, t0+nt) of the batch (nt <= 256), the
// image tn and the top-left input pixel (th, tw) of each, padding counted.
func winoTileCoords(g *convGeom, tilesH, tilesW, t0, nt int, tn, th, tw *[256]int) {
	m, perImage := g.wino.m, tilesH*tilesW
	for k := range nt {
		tile := t0 + k
		n, r := tile/perImage, tile%perImage
		tn[k], th[k], tw[k] = n, r/tilesW*m-g.ph, r%tilesW*m-g.pw
	}
}

// winoGatherNHWC copies the α×α input tiles of NHWC x into d, tile-major:
// row q = i·α + j of α² holds every tile's C channels at (i, j), [nt×C],
// zeros in the padding. A tile position's C channels are contiguous: one
// copy each.
func winoGatherNHWC[T convFloat](g *convGeom, d, x []T, nt int, tn, th, tw *[256]int) {
	a, c := g.wino.alpha, g.c
	for k := range nt {
		for i := range a {
			ih := th[k] + i
			for jj := range a {
				iw := tw[k] + jj
				q := i*a + jj
				dst := d[(q*nt+k)*c : (q*nt+k+1)*c]
				if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
					clear(dst)
					continue
				}
				copy(dst, x[((tn[k]*g.h+ih)*g.w+iw)*c:])
			}
		}
	}
}

// winoKron returns v's transforms as Kronecker products for T: Bᵀ⊗Bᵀ
// (α²×α²), which maps a tile's α² elements to its transform's, and Aᵀ⊗Aᵀ
// (m²×α²), which maps α² products to the m×m outputs.
func winoKron[T convFloat](v *winoMat) (tin, tout []T) {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return asFloat[T](v.tin32), asFloat[T](v.tout32)
	}
	return asFloat[T](v.tin64), asFloat[T](v.tout64)
}

// kron returns L⊗L for L r×k (row-major): (L⊗L)[(a, b)][(i, j)] =
// L[a][i]·L[b][j]: exact in float64 and float32 for Bᵀ and Aᵀ, whose
// entries are small integers; G⊗G of F(4×4) rounds its sixths once.
func kron(l []float64, r, k int) []float64 {
	out := make([]float64, r*r*k*k)
	for a := range r {
		for b := range r {
			for i := range k {
				for jj := range k {
					out[(a*r+b)*k*k+i*k+jj] = l[a*k+i] * l[b*k+jj]
				}
			}
		}
	}
	return out
}

func init() {
	for _, v := range []*winoMat{&wino2, &wino4} {
		v.tin64 = kron(v.bt, v.alpha, v.alpha)
		v.tout64 = kron(v.at, v.m, v.alpha)
		v.tg64 = kron(v.g, v.alpha, 3)
		v.tg32 = make([]float32, len(v.tg64))
		for i, x := range v.tg64 {
			v.tg32[i] = float32(x)
		}
		v.tin32 = make([]float32, len(v.tin64))
		for i, x := range v.tin64 {
			v.tin32[i] = float32(x)
		}
		v.tout32 = make([]float32, len(v.tout64))
		for i, x := range v.tout64 {
			v.tout32[i] = float32(x)
		}
	}
}

// winoGemms issues the count GEMMs C_p = A_p·B_p, item p of X at X's
// (row-major) layout moved by p·strideX: one blasbridge.GemmBatched call,
// except on Gonum's BLAS, where each item goes through the gemmer, which
// cuts it into calls Gonum does not thread (the tasks are already spread
// over the cores; Gonum's own goroutines would nest in them and allocate).
func (j *convJob[T]) winoGemms(count int, a []T, la adapter.Layout, sa int, b []T, lb adapter.Layout, sb int, c []T, lc adapter.Layout, sc int) {
	if !j.gm.tile {
		batched(j.be64, count, a, la, sa, b, lb, sb, c, lc, sc)
		return
	}
	for p := range count {
		j.gm.gemm(false, false, la.Rows, lb.Cols, la.Cols,
			a[la.Offset+p*sa:], la.RowStride, b[lb.Offset+p*sb:], lb.RowStride, 0, c[lc.Offset+p*sc:], lc.RowStride)
	}
}

// batched issues count GEMMs C_p = A_p·B_p through blasbridge.GemmBatched
// (or GemmBatched32), item p of X at X's layout moved by p·strideX.
func batched[T convFloat](f64 bool, count int, a []T, la adapter.Layout, sa int, b []T, lb adapter.Layout, sb int, c []T, lc adapter.Layout, sc int) {
	var err error
	if f64 {
		_, err = blasbridge.GemmBatched(1,
			adapter.Strided{Data: asFloat[float64](a), Layout: la}, sa,
			adapter.Strided{Data: asFloat[float64](b), Layout: lb}, sb, 0,
			adapter.Strided{Data: asFloat[float64](c), Layout: lc}, sc, count)
	} else {
		_, err = blasbridge.GemmBatched32(1,
			adapter.Strided32{Data: asFloat[float32](a), Layout: la}, sa,
			adapter.Strided32{Data: asFloat[float32](b), Layout: lb}, sb, 0,
			adapter.Strided32{Data: asFloat[float32](c), Layout: lc}, sc, count)
	}
	if err != nil {
		// The layouts are built from a checked geometry: an error is a bug.
		panic("window: Winograd's batched GEMM: " + err.Error())
	}
}
