package window

// im2colNCHW packs image n's patch matrix col[K×P], K = C·KH·KW ordered
// (c, kh, kw) as OIHW filters are, P = OH·OW, and computes
// Y_n[F×P] = W[F×K] · col.
func (j *convJob[T]) im2colNCHW(ws *convWorkspace[T], n int) {
	g := &j.g
	p := g.oh * g.ow
	col := growBuf(&ws.in, g.col)
	packColNCHW(g, col, j.x[n*g.c*g.h*g.w:])
	// Group gi's rows of col are the block of its channels; its filters are
	// rows gi·Fg… of W[F×Cg·KH·KW].
	y := j.y[n*g.f*p:]
	for gi := range g.groups {
		j.gm.nn(g.fg, p, g.gpatch, j.w[gi*g.fg*g.gpatch:], g.gpatch, col[gi*g.gpatch*p:], p, 0, y[gi*g.fg*p:], p)
	}
}

// im2colNHWC packs image n's patch matrix col[P×K], K = G·KH·KW·Cg ordered
// (group, kh, kw, c) so that each group's columns are the (kh, kw, c) rows
// of the HWIO filters, and computes Y_n[P×F] = col · W[K×F] one group's
// P×Fg block at a time (one GEMM when dense).
func (j *convJob[T]) im2colNHWC(ws *convWorkspace[T], n int) {
	g := &j.g
	p := g.oh * g.ow
	col := growBuf(&ws.in, g.col)
	packColNHWC(g, col, j.x[n*g.h*g.w*g.c:])
	y := j.y[n*p*g.f:]
	for gi := range g.groups {
		j.gm.nn(p, g.fg, g.gpatch, col[gi*g.gpatch:], g.patch, j.w[gi*g.fg:], g.f, 0, y[gi*g.fg:], g.f)
	}
}

// gatherRow sets out[o] = xr[iw + o·sw], zero where that index falls
// outside xr (the zero padding): one row of a padded, strided input tap.
func gatherRow[T convFloat](out, xr []T, iw, sw int) {
	for o := range out {
		if iw >= 0 && iw < len(xr) {
			out[o] = xr[iw]
		} else {
			out[o] = 0
		}
		iw += sw
	}
}

// packColNCHW packs the patch matrix col[K×P] of one NCHW image x, K =
// C·KH·KW ordered (c, kh, kw), P = OH·OW, zeros for the padding.
func packColNCHW[T convFloat](g *convGeom, col, x []T) {
	p := g.oh * g.ow
	k := 0
	for c := range g.c {
		xc := x[c*g.h*g.w:]
		for kh := range g.kh {
			for kw := range g.kw {
				row := col[k*p : (k+1)*p]
				k++
				for oh := range g.oh {
					out := row[oh*g.ow : (oh+1)*g.ow]
					ih := oh*g.sh + kh*g.dh - g.ph
					if ih < 0 || ih >= g.h {
						clear(out)
						continue
					}
					gatherRow(out, xc[ih*g.w:(ih+1)*g.w], kw*g.dw-g.pw, g.sw)
				}
			}
		}
	}
}

// packColNHWC packs the patch matrix col[P×K] of one NHWC image x, K =
// G·KH·KW·Cg ordered (group, kh, kw, c), zeros for the padding.
func packColNHWC[T convFloat](g *convGeom, col, x []T) {
	for oh := range g.oh {
		for ow := range g.ow {
			row := col[(oh*g.ow+ow)*g.patch:]
			for kh := range g.kh {
				ih := oh*g.sh + kh*g.dh - g.ph
				for kw := range g.kw {
					t := kh*g.kw + kw
					iw := ow*g.sw + kw*g.dw - g.pw
					out := row[t*g.cg:]
					if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
						for gi := range g.groups {
							clear(out[gi*g.gpatch:][:g.cg])
						}
						continue
					}
					in := x[(ih*g.w+iw)*g.c:]
					for gi := range g.groups {
						copy(out[gi*g.gpatch:][:g.cg], in[gi*g.cg:])
					}
				}
			}
		}
	}
}
