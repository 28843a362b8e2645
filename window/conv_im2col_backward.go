package window

// The backward passes of Im2Col: where Forward packs each image's patch
// matrix and runs one GEMM per image and group, the backward passes run
// the same GEMM read the other way round, over the same patch matrix:
//
//	data:   col = Wᵀ · dy, then col2im adds each patch entry back to the
//	        input pixel it was read from;
//	filter: dW += dy · colᵀ (NCHW) or colᵀ · dy (NHWC), col packed from x,
//	        straight into the OIHW or HWIO layout.
//
// On few input channels with a stride (ResNet's 7×7 stride-2 input layer),
// where Auto takes Im2Col, the per-tap GEMMs have K or N = Cg = 3 and run
// far below the BLAS's speed; one GEMM over the patch matrix does not.

// im2colData computes image n of dx through the patch matrix.
func (j *bwdJob[T]) im2colData(ws *convWorkspace[T], n int) {
	g := &j.g
	p := g.oh * g.ow
	col := growBuf(&ws.in, g.col)
	if g.nhwc {
		// col[P×K] = dy_n[P×F] · Wᵀ, a group's K columns from its F
		// columns of the HWIO filters [K_g × F].
		dy := j.dy[n*p*g.f:]
		for gi := range g.groups {
			j.gm.gemm(false, true, p, g.gpatch, g.fg, dy[gi*g.fg:], g.f, j.w[gi*g.fg:], g.f, 0, col[gi*g.gpatch:], g.patch)
		}
		dx := j.x[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		clear(dx)
		for oh := range g.oh {
			for ow := range g.ow {
				row := col[(oh*g.ow+ow)*g.patch:]
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
						px := dx[(ih*g.w+iw)*g.c:]
						src := row[(kh*g.kw+kw)*g.cg:]
						for gi := range g.groups {
							d := px[gi*g.cg : (gi+1)*g.cg]
							for c, v := range src[gi*g.gpatch : gi*g.gpatch+g.cg] {
								d[c] += v
							}
						}
					}
				}
			}
		}
		return
	}
	// col[K×P] = Wᵀ · dy_n, group by group: OIHW is [F × K_g].
	dy := j.dy[n*g.f*p:]
	for gi := range g.groups {
		j.gm.gemm(true, false, g.gpatch, p, g.fg, j.w[gi*g.fg*g.gpatch:], g.gpatch, dy[gi*g.fg*p:], p, 0, col[gi*g.gpatch*p:], p)
	}
	dx := j.x[n*g.c*g.h*g.w : (n+1)*g.c*g.h*g.w]
	clear(dx)
	k := 0
	for c := range g.c {
		xc := dx[c*g.h*g.w:]
		for kh := range g.kh {
			for kw := range g.kw {
				row := col[k*p : (k+1)*p]
				k++
				for oh := range g.oh {
					ih := oh*g.sh + kh*g.dh - g.ph
					if ih < 0 || ih >= g.h {
						continue
					}
					scatterRow(xc[ih*g.w:(ih+1)*g.w], row[oh*g.ow:(oh+1)*g.ow], kw*g.dw-g.pw, g.sw)
				}
			}
		}
	}
}

// scatterRow adds in[o] to xr[iw + o·sw] where that index falls inside xr:
// gatherRow's transpose.
func scatterRow[T convFloat](xr, in []T, iw, sw int) {
	lo, hi := dwCols(len(in), sw, iw, len(xr))
	for o := lo; o < hi; o++ {
		xr[iw+o*sw] += in[o]
	}
}

// im2colWeights adds image n's weight gradient to acc, in the Format's
// weight layout (OIHW or HWIO), through the patch matrix.
func (j *bwdJob[T]) im2colWeights(ws *convWorkspace[T], n int, acc []T) {
	g := &j.g
	p := g.oh * g.ow
	col := growBuf(&ws.in, g.col)
	if g.nhwc {
		packColNHWC(g, col, j.x[n*g.h*g.w*g.c:])
		dy := j.dy[n*p*g.f:]
		for gi := range g.groups {
			// dW[K_g × Fg] += col_gᵀ · dy_g.
			j.gm.gemm(true, false, g.gpatch, g.fg, p, col[gi*g.gpatch:], g.patch, dy[gi*g.fg:], g.f, 1, acc[gi*g.fg:], g.f)
		}
		return
	}
	packColNCHW(g, col, j.x[n*g.c*g.h*g.w:])
	dy := j.dy[n*g.f*p:]
	for gi := range g.groups {
		// dW[Fg × K_g] += dy_g · col_gᵀ.
		j.gm.gemm(false, true, g.fg, g.gpatch, p, dy[gi*g.fg*p:], p, col[gi*g.gpatch*p:], p, 1, acc[gi*g.fg*g.gpatch:], g.gpatch)
	}
}
