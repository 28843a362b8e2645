package window

import (
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
// BLAS, α² calls through the gemmer, cut so that Gonum does not thread them). The filters are
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
	pl := convPoolsFor[T]()
	buf, ok := pl.filt.Get().(*[]T)
	if !ok {
		buf = new([]T)
	}
	j.wt, j.wtBuf = growBuf(buf, a*a*g.f*g.cg), buf
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
	aa := a * a
	t0 := task * j.rows
	nt := min(j.rows, g.n*j.tilesH*j.tilesW-t0)
	perImage := j.tilesH * j.tilesW
	c, f := g.c, g.f

	// V: NCHW [α²][C×nt], NHWC [α²][nt×C].
	vb := growBuf(&ws.in, aa*c*nt)
	mb := growBuf(&ws.out, aa*f*nt)
	var d [36]T
	for k := range nt {
		tile := t0 + k
		n, r := tile/perImage, tile%perImage
		ih0, iw0 := r/j.tilesW*m-g.ph, r%j.tilesW*m-g.pw
		for ci := range c {
			// d: the α×α input tile of channel ci, zero outside the image.
			for i := range a {
				ih := ih0 + i
				for jj := range a {
					iw := iw0 + jj
					var x T
					if ih >= 0 && ih < g.h && iw >= 0 && iw < g.w {
						if g.nhwc {
							x = j.x[((n*g.h+ih)*g.w+iw)*c+ci]
						} else {
							x = j.x[((n*c+ci)*g.h+ih)*g.w+iw]
						}
					}
					d[i*a+jj] = x
				}
			}
			if m == 4 {
				winoIn4(&d)
			} else {
				winoIn2(&d)
			}
			for p := range aa {
				if g.nhwc {
					vb[(p*nt+k)*c+ci] = d[p]
				} else {
					vb[(p*c+ci)*nt+k] = d[p]
				}
			}
		}
	}

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

	// Y = Aᵀ M A per filter and tile, clipped to the output.
	for k := range nt {
		tile := t0 + k
		n, r := tile/perImage, tile%perImage
		oh0, ow0 := r/j.tilesW*m, r%j.tilesW*m
		for fi := range f {
			for p := range aa {
				if g.nhwc {
					d[p] = mb[(p*nt+k)*f+fi]
				} else {
					d[p] = mb[(p*f+fi)*nt+k]
				}
			}
			if m == 4 {
				winoOut4(&d)
			} else {
				winoOut2(&d)
			}
			for i := range min(m, g.oh-oh0) {
				for jj := range min(m, g.ow-ow0) {
					oh, ow := oh0+i, ow0+jj
					if g.nhwc {
						j.y[((n*g.oh+oh)*g.ow+ow)*f+fi] = d[i*m+jj]
					} else {
						j.y[((n*f+fi)*g.oh+oh)*g.ow+ow] = d[i*m+jj]
					}
				}
			}
		}
	}
}

// The transforms, written out: Bᵀ·d·B and Aᵀ·m·A for the two variants,
// columns first, then rows, in place (winoSandwich with the matrices of
// wino2 and wino4 is the reference, TestWinogradTransforms).

// winoIn4 sets d (6×6) = Bᵀ·d·B of F(4×4, 3×3).
func winoIn4[T convFloat](d *[36]T) {
	b := func(x0, x1, x2, x3, x4, x5 T) (T, T, T, T, T, T) {
		return 4*x0 - 5*x2 + x4,
			-4*x1 - 4*x2 + x3 + x4,
			4*x1 - 4*x2 - x3 + x4,
			-2*x1 - x2 + 2*x3 + x4,
			2*x1 - x2 - 2*x3 + x4,
			4*x1 - 5*x3 + x5
	}
	for j := range 6 {
		d[j], d[6+j], d[12+j], d[18+j], d[24+j], d[30+j] = b(d[j], d[6+j], d[12+j], d[18+j], d[24+j], d[30+j])
	}
	for i := range 6 {
		r := d[6*i : 6*i+6 : 6*i+6]
		r[0], r[1], r[2], r[3], r[4], r[5] = b(r[0], r[1], r[2], r[3], r[4], r[5])
	}
}

// winoIn2 sets d (4×4, the first 16 elements) = Bᵀ·d·B of F(2×2, 3×3).
func winoIn2[T convFloat](d *[36]T) {
	b := func(x0, x1, x2, x3 T) (T, T, T, T) { return x0 - x2, x1 + x2, x2 - x1, x1 - x3 }
	for j := range 4 {
		d[j], d[4+j], d[8+j], d[12+j] = b(d[j], d[4+j], d[8+j], d[12+j])
	}
	for i := range 4 {
		r := d[4*i : 4*i+4 : 4*i+4]
		r[0], r[1], r[2], r[3] = b(r[0], r[1], r[2], r[3])
	}
}

// winoOut4 sets d's first 16 elements (4×4) = Aᵀ·d·A of F(4×4, 3×3), d 6×6.
func winoOut4[T convFloat](d *[36]T) {
	a := func(x0, x1, x2, x3, x4, x5 T) (T, T, T, T) {
		return x0 + x1 + x2 + x3 + x4,
			x1 - x2 + 2*x3 - 2*x4,
			x1 + x2 + 4*x3 + 4*x4,
			x1 - x2 + 8*x3 - 8*x4 + x5
	}
	var t [24]T // Aᵀ·d: 4×6
	for j := range 6 {
		t[j], t[6+j], t[12+j], t[18+j] = a(d[j], d[6+j], d[12+j], d[18+j], d[24+j], d[30+j])
	}
	for i := range 4 {
		r := t[6*i : 6*i+6 : 6*i+6]
		d[4*i], d[4*i+1], d[4*i+2], d[4*i+3] = a(r[0], r[1], r[2], r[3], r[4], r[5])
	}
}

// winoOut2 sets d's first 4 elements (2×2) = Aᵀ·d·A of F(2×2, 3×3), d 4×4.
func winoOut2[T convFloat](d *[36]T) {
	a := func(x0, x1, x2, x3 T) (T, T) { return x0 + x1 + x2, x1 - x2 - x3 }
	var t [8]T // Aᵀ·d: 2×4
	for j := range 4 {
		t[j], t[4+j] = a(d[j], d[4+j], d[8+j], d[12+j])
	}
	d[0], d[1] = a(t[0], t[1], t[2], t[3])
	d[2], d[3] = a(t[4], t[5], t[6], t[7])
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
