package window

// Depthwise convolution (Groups = C, F = m·C): output channel f reads input
// channel f/m alone, so a group's GEMM has K = KH·KW and a single row or
// column — no GEMM worth batching. The kernel is cut into the same tasks as
// kn2row (an image's block of output rows):
//
//	stride 1:   per channel, the block's padded input rows and its output
//	            rows, chained at the padded width Wp as kn2row's kChain
//	            does, are vectors; each tap is one BLAS axpy of the shifted
//	            input into the output (NHWC blocks are transposed into
//	            channel planes and back). SIMD, KH·KW calls per channel.
//	otherwise:  a loop nest per output row and tap, the pixel's F outputs
//	            += its input pixel's C channels ∘ the tap's F weights
//	            (NHWC), or the row += weight · the input row (NCHW).
//
// Taps that fall in the padding are skipped by clipping each tap's range of
// output columns to the input (rowTaps); only the stride-1 path copies.

// dwCols returns the output columns [lo, hi) whose input column
// ow·sw + off lies in [0, w).
func dwCols(ow, sw, off, w int) (lo, hi int) {
	// ow·sw + off >= 0  ⇔  ow >= ceil(−off / sw)
	if off < 0 {
		lo = (-off + sw - 1) / sw
	}
	// ow·sw + off <= w − 1  ⇔  ow <= floor((w − 1 − off) / sw)
	if w-1-off < 0 {
		return lo, lo
	}
	hi = min(ow, (w-1-off)/sw+1)
	return lo, max(lo, hi)
}

func (j *convJob[T]) depthwiseNHWC(ws *convWorkspace[T], n, oh0, oh1 int) {
	g := &j.g
	c, f := g.c, g.f
	m := g.fg // channel multiplier
	x := j.x[n*g.h*g.w*c:]
	y := j.y[n*g.oh*g.ow*f:]
	if g.sh == 1 && g.sw == 1 {
		j.depthwiseNHWCChained(ws, x, y, oh0, oh1)
		return
	}
	for oh := oh0; oh < oh1; oh++ {
		yr := y[oh*g.ow*f : (oh+1)*g.ow*f]
		clear(yr)
		g.rowTaps(oh, func(t, ih, off, lo, hi int) {
			xr := x[ih*g.w*c : (ih+1)*g.w*c]
			wt := j.w[t*f : (t+1)*f]
			for ow := lo; ow < hi; ow++ {
				iw := ow*g.sw + off
				yp := yr[ow*f : (ow+1)*f]
				xp := xr[iw*c : (iw+1)*c]
				if m == 1 {
					mulAdd(yp, xp, wt)
					continue
				}
				for ci, xv := range xp {
					axpy(yp[ci*m:(ci+1)*m], xv, wt[ci*m:(ci+1)*m])
				}
			}
		})
	}
}

// rowTaps calls fn for every tap t = kh·KW + kw whose input row ih lies in
// the image for output row oh, with the output columns [lo, hi) whose input
// column ow·sw + off lies in it too: the padding is skipped by clipping.
func (g *convGeom) rowTaps(oh int, fn func(t, ih, off, lo, hi int)) {
	for kh := range g.kh {
		ih := oh*g.sh + kh*g.dh - g.ph
		if ih < 0 || ih >= g.h {
			continue
		}
		for kw := range g.kw {
			off := kw*g.dw - g.pw
			if lo, hi := dwCols(g.ow, g.sw, off, g.w); lo < hi {
				fn(kh*g.kw+kw, ih, off, lo, hi)
			}
		}
	}
}

func (j *convJob[T]) depthwiseNCHW(ws *convWorkspace[T], n, oh0, oh1 int) {
	g := &j.g
	m := g.fg
	hw, ohw := g.h*g.w, g.oh*g.ow
	x := j.x[n*g.c*hw:]
	y := j.y[n*g.f*ohw:]
	if g.sh == 1 && g.sw == 1 {
		j.depthwiseChained(ws, x, y, oh0, oh1)
		return
	}
	for f := range g.f {
		xc := x[f/m*hw : (f/m+1)*hw]
		wf := j.w[f*g.taps : (f+1)*g.taps]
		yf := y[f*ohw : (f+1)*ohw]
		for oh := oh0; oh < oh1; oh++ {
			yr := yf[oh*g.ow : (oh+1)*g.ow]
			clear(yr)
			g.rowTaps(oh, func(t, ih, off, lo, hi int) {
				xr := xc[ih*g.w : (ih+1)*g.w]
				wv := wf[t]
				iw := lo*g.sw + off
				for ow := lo; ow < hi; ow++ {
					yr[ow] += wv * xr[iw]
					iw += g.sw
				}
			})
		}
	}
}

// depthwiseChained is depthwiseNCHW with stride 1: per channel, the block's
// padded input rows are copied once, and its output rows, chained at the
// padded width Wp as kn2row's kChain does, are one vector that each tap
// updates with one BLAS axpy of the shifted input — SIMD, and KH·KW calls
// per channel and block instead of one loop per row and tap.
func (j *convJob[T]) depthwiseChained(ws *convWorkspace[T], x, y []T, oh0, oh1 int) {
	g := &j.g
	m := g.fg
	hw, ohw := g.h*g.w, g.oh*g.ow
	r0, r1 := g.inputRows(oh0, oh1)
	nr := oh1 - oh0
	l := (nr-1)*g.wp + g.ow
	in := growBuf(&ws.in, (r1-r0)*g.wp)
	out := growBuf(&ws.out, l)
	for f := range g.f {
		if f%m == 0 {
			// Channel f/m's padded rows [r0, r1).
			xc := x[f/m*hw : (f/m+1)*hw]
			for r := r0; r < r1; r++ {
				row := in[(r-r0)*g.wp : (r-r0+1)*g.wp]
				ih := r - g.ph
				if ih < 0 || ih >= g.h {
					clear(row)
					continue
				}
				clear(row[:g.pw])
				copy(row[g.pw:g.pw+g.w], xc[ih*g.w:(ih+1)*g.w])
				clear(row[g.pw+g.w:])
			}
		}
		wf := j.w[f*g.taps : (f+1)*g.taps]
		clear(out)
		for t, wv := range wf {
			kh, kw := t/g.kw, t%g.kw
			j.gm.axpy(l, wv, in[kh*g.dh*g.wp+kw*g.dw:], out)
		}
		yf := y[f*ohw:]
		for i := range nr {
			copy(yf[(oh0+i)*g.ow:(oh0+i+1)*g.ow], out[i*g.wp:])
		}
	}
}

// depthwiseNHWCChained is depthwiseNHWC with stride 1: the block's padded
// input rows are transposed into channel planes (as NCHW holds them), each
// output channel is computed as depthwiseChained does, with one BLAS axpy
// per tap over the rows chained at the padded width, and the planes are
// transposed back into the block's output rows. The two transposes cost
// less than the per-pixel loop they replace, which cannot use SIMD.
func (j *convJob[T]) depthwiseNHWCChained(ws *convWorkspace[T], x, y []T, oh0, oh1 int) {
	g := &j.g
	c, f, m := g.c, g.f, g.fg
	r0, r1 := g.inputRows(oh0, oh1)
	nr := oh1 - oh0
	plane := (r1 - r0) * g.wp
	l := (nr-1)*g.wp + g.ow
	buf := growBuf(&ws.in, c*plane+f*l)
	in, out := buf[:c*plane], buf[c*plane:]
	for r := r0; r < r1; r++ {
		ih := r - g.ph
		base := (r - r0) * g.wp
		if ih < 0 || ih >= g.h {
			for ci := range c {
				clear(in[ci*plane+base : ci*plane+base+g.wp])
			}
			continue
		}
		for ci := range c {
			row := in[ci*plane+base : ci*plane+base+g.wp]
			clear(row[:g.pw])
			clear(row[g.pw+g.w:])
		}
		xr := x[ih*g.w*c : (ih+1)*g.w*c]
		for iw := range g.w {
			px := xr[iw*c : (iw+1)*c]
			at := base + g.pw + iw
			for ci, v := range px {
				in[ci*plane+at] = v
			}
		}
	}
	for fi := range f {
		o := out[fi*l : (fi+1)*l]
		clear(o)
		src := in[fi/m*plane:]
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			j.gm.axpy(l, j.w[t*f+fi], src[kh*g.dh*g.wp+kw*g.dw:], o)
		}
	}
	for i := range nr {
		yr := y[(oh0+i)*g.ow*f : (oh0+i+1)*g.ow*f]
		for ow := range g.ow {
			py := yr[ow*f : (ow+1)*f]
			at := i*g.wp + ow
			for fi := range py {
				py[fi] = out[fi*l+at]
			}
		}
	}
}

// mulAdd sets y[i] += x[i]·w[i]; the slices have the same length.
func mulAdd[T convFloat](y, x, w []T) {
	x, w = x[:len(y)], w[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y0 := y[i] + x[i]*w[i]
		y1 := y[i+1] + x[i+1]*w[i+1]
		y2 := y[i+2] + x[i+2]*w[i+2]
		y3 := y[i+3] + x[i+3]*w[i+3]
		y[i], y[i+1], y[i+2], y[i+3] = y0, y1, y2, y3
	}
	for ; i < len(y); i++ {
		y[i] += x[i] * w[i]
	}
}

// axpy sets y[i] += a·x[i]; x is at least as long as y.
func axpy[T convFloat](y []T, a T, x []T) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y0 := y[i] + a*x[i]
		y1 := y[i+1] + a*x[i+1]
		y2 := y[i+2] + a*x[i+2]
		y3 := y[i+3] + a*x[i+3]
		y[i], y[i+1], y[i+2], y[i+3] = y0, y1, y2, y3
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// depthwiseData computes image n of dx for a depthwise layer: each output
// gradient row scattered back through the taps, the transpose of
// depthwiseNHWC/NCHW's loops.
func (j *bwdJob[T]) depthwiseData(n int) {
	g := &j.g
	c, f, m := g.c, g.f, g.fg
	if g.nhwc {
		dx := j.x[n*g.h*g.w*c : (n+1)*g.h*g.w*c]
		clear(dx)
		dy := j.dy[n*g.oh*g.ow*f:]
		for oh := range g.oh {
			dyr := dy[oh*g.ow*f : (oh+1)*g.ow*f]
			g.rowTaps(oh, func(t, ih, off, lo, hi int) {
				dxr := dx[ih*g.w*c : (ih+1)*g.w*c]
				wt := j.w[t*f : (t+1)*f]
				for ow := lo; ow < hi; ow++ {
					iw := ow*g.sw + off
					xp := dxr[iw*c : (iw+1)*c]
					yp := dyr[ow*f : (ow+1)*f]
					if m == 1 {
						mulAdd(xp, yp, wt)
						continue
					}
					for ci := range xp {
						var s T
						for k := ci * m; k < (ci+1)*m; k++ {
							s += yp[k] * wt[k]
						}
						xp[ci] += s
					}
				}
			})
		}
		return
	}
	hw, ohw := g.h*g.w, g.oh*g.ow
	dx := j.x[n*c*hw : (n+1)*c*hw]
	clear(dx)
	dy := j.dy[n*f*ohw:]
	for fi := range f {
		xc := dx[fi/m*hw : (fi/m+1)*hw]
		wf := j.w[fi*g.taps : (fi+1)*g.taps]
		yf := dy[fi*ohw : (fi+1)*ohw]
		for oh := range g.oh {
			yr := yf[oh*g.ow : (oh+1)*g.ow]
			g.rowTaps(oh, func(t, ih, off, lo, hi int) {
				xr := xc[ih*g.w : (ih+1)*g.w]
				wv := wf[t]
				if g.sw == 1 {
					axpy(xr[lo+off:hi+off], wv, yr[lo:hi])
					return
				}
				iw := lo*g.sw + off
				for ow := lo; ow < hi; ow++ {
					xr[iw] += wv * yr[ow]
					iw += g.sw
				}
			})
		}
	}
}

// depthwiseWeights adds image n's weight gradient of a depthwise layer to
// acc, laid out [KH·KW][F] in both formats (HWIO with Cg = 1, and the
// tap-major order runBackward turns into OIHW).
func (j *bwdJob[T]) depthwiseWeights(ws *convWorkspace[T], n int, acc []T) {
	g := &j.g
	c, f, m := g.c, g.f, g.fg
	if g.sh == 1 && g.sw == 1 {
		j.depthwiseWeightsChained(ws, n, acc)
		return
	}
	if g.nhwc {
		x := j.x[n*g.h*g.w*c:]
		dy := j.dy[n*g.oh*g.ow*f:]
		for oh := range g.oh {
			dyr := dy[oh*g.ow*f : (oh+1)*g.ow*f]
			g.rowTaps(oh, func(t, ih, off, lo, hi int) {
				xr := x[ih*g.w*c : (ih+1)*g.w*c]
				at := acc[t*f : (t+1)*f]
				for ow := lo; ow < hi; ow++ {
					iw := ow*g.sw + off
					xp := xr[iw*c : (iw+1)*c]
					yp := dyr[ow*f : (ow+1)*f]
					if m == 1 {
						mulAdd(at, yp, xp)
						continue
					}
					for ci, xv := range xp {
						axpy(at[ci*m:(ci+1)*m], xv, yp[ci*m:(ci+1)*m])
					}
				}
			})
		}
		return
	}
	hw, ohw := g.h*g.w, g.oh*g.ow
	x := j.x[n*c*hw:]
	dy := j.dy[n*f*ohw:]
	for fi := range f {
		xc := x[fi/m*hw : (fi/m+1)*hw]
		yf := dy[fi*ohw : (fi+1)*ohw]
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			off := kw*g.dw - g.pw
			lo, hi := dwCols(g.ow, g.sw, off, g.w)
			if lo >= hi {
				continue
			}
			var s T
			for oh := range g.oh {
				ih := oh*g.sh + kh*g.dh - g.ph
				if ih < 0 || ih >= g.h {
					continue
				}
				xr := xc[ih*g.w : (ih+1)*g.w]
				yr := yf[oh*g.ow : (oh+1)*g.ow]
				iw := lo*g.sw + off
				for ow := lo; ow < hi; ow++ {
					s += yr[ow] * xr[iw]
					iw += g.sw
				}
			}
			acc[t*f+fi] += s
		}
	}
}

// depthwiseWeightsChained is depthwiseWeights with stride 1: the image's
// padded channel planes and its output gradient's planes chained at the
// padded width Wp (zeros in the junk columns) are laid out as NCHW holds
// them (NHWC is transposed into them), and each filter tap's gradient is
// one BLAS dot product of an output plane with the shifted input plane.
func (j *bwdJob[T]) depthwiseWeightsChained(ws *convWorkspace[T], n int, acc []T) {
	g := &j.g
	c, f, m := g.c, g.f, g.fg
	hpwp, owp := g.hp*g.wp, g.oh*g.wp
	l := (g.oh-1)*g.wp + g.ow
	xp := growBuf(&ws.in, c*hpwp)
	dp := growBuf(&ws.out, f*owp)
	if g.nhwc {
		clear(xp)
		x := j.x[n*g.h*g.w*c:]
		for ih := range g.h {
			for iw := range g.w {
				px := x[(ih*g.w+iw)*c : (ih*g.w+iw+1)*c]
				at := (ih+g.ph)*g.wp + iw + g.pw
				for ci, v := range px {
					xp[ci*hpwp+at] = v
				}
			}
		}
		clear(dp)
		dy := j.dy[n*g.oh*g.ow*f:]
		for oh := range g.oh {
			for ow := range g.ow {
				py := dy[(oh*g.ow+ow)*f : (oh*g.ow+ow+1)*f]
				at := oh*g.wp + ow
				for fi, v := range py {
					dp[fi*owp+at] = v
				}
			}
		}
	} else {
		padImage(g, xp, j.x, n)
		padDY(g, dp, j.dy, n)
	}
	for fi := range f {
		yf := dp[fi*owp:]
		xc := xp[fi/m*hpwp:]
		for t := range g.taps {
			kh, kw := t/g.kw, t%g.kw
			acc[t*f+fi] += j.gm.dot(l, yf, xc[kh*g.dh*g.wp+kw*g.dw:])
		}
	}
}
