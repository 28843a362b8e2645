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
// blasbridge.GemmBatched call per group and block of tiles. The filters are
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
	var d, tmp [36]T
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
			winoSandwich(v.bt, a, a, d[:], tmp[:])
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
			batched(j.be64, aa,
				vb, adapter.Layout{Rows: nt, Cols: cg, RowStride: c, ColStride: 1, Offset: gi * cg}, nt*c,
				j.wt, adapter.Layout{Rows: cg, Cols: fg, RowStride: f, ColStride: 1, Offset: gi * fg}, cg*f,
				mb, adapter.Layout{Rows: nt, Cols: fg, RowStride: f, ColStride: 1, Offset: gi * fg}, nt*f)
		} else {
			batched(j.be64, aa,
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
			winoSandwich(v.at, m, a, d[:], tmp[:])
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

// winoSandwich sets d[:r·r] = L · D · Lᵀ, L r×k (row-major, float64), D the
// k×k matrix in d; tmp is scratch of at least r·k.
func winoSandwich[T convFloat](l []float64, r, k int, d, tmp []T) {
	for i := range r {
		li := l[i*k : (i+1)*k]
		for jj := range k {
			var s T
			for q, lv := range li {
				if lv != 0 {
					s += T(lv) * d[q*k+jj]
				}
			}
			tmp[i*k+jj] = s
		}
	}
	for i := range r {
		for jj := range r {
			lj := l[jj*k : (jj+1)*k]
			var s T
			for q, lv := range lj {
				if lv != 0 {
					s += tmp[i*k+q] * T(lv)
				}
			}
			d[i*r+jj] = s
		}
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
