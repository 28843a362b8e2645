package window

// kn2row: a KH×KW convolution is the sum over its taps of 1×1
// convolutions, each one GEMM of the tap's filter matrix with a shifted,
// strided view of the input, accumulated with beta = 1. A convTask is a block
// of one image's output rows. When the input is padded, the convTask first
// copies the padded input rows it reads into its convWorkspace; the kernel
// never builds the KH·KW-times-larger im2col matrix.

type kmode int

const (
	// kChain (stride 1): the output rows of a block, read at the padded
	// width Wp, are one matrix whose tap (kh, kw) view is the input block
	// shifted by kh·dh·Wp + kw·dw pixels. The Wp−OW junk columns between
	// rows are computed into scratch and left out when compacting; with
	// Wp == OW or a single row there are none and BLAS writes the output.
	kChain kmode = iota
	// kRows (NHWC, any stride): per output row, tap (kh, kw) is the OW×C
	// view at input pixel (oh·sh + kh·dh, kw·dw) with leading dimension
	// sw·C; BLAS writes the output row itself.
	kRows
	// kDecim (NCHW with a stride): a column stride has no BLAS view in
	// NCHW, so the block's input rows are copied once per kw, decimated by
	// sw; tap (kh, kw) is then a view of copy kw, rows chained when sh == 1.
	kDecim
)

// kn2rowBlock is the output elements a convTask aims at: a block of output
// that stays in L2 across the taps.
var kn2rowBlock = 1 << 15

func (j *convJob[T]) planKn2row(procs int) {
	g := &j.g
	var unit int // scratch-relevant output elements per output row
	switch {
	case g.sh == 1 && g.sw == 1:
		j.mode = kChain
		unit = g.wp * g.f
	case g.nhwc:
		j.mode = kRows
		unit = g.ow * g.f
	default:
		j.mode = kDecim
		unit = g.ow * (g.f + g.kw*g.c*g.sh)
	}
	rows := max(1, kn2rowBlock/max(unit, 1))
	for rows > 1 && g.n*((g.oh+rows-1)/rows) < 4*procs && procs > 1 {
		rows = (rows + 1) / 2
	}
	// Keep a worker's scratch under a tenth of one image's im2col matrix
	// (Im2Col's scratch per worker), so kn2row stays the low-memory
	// algorithm on layers with few pixels and many channels (14×14×256:
	// 8 rows would take a third of it). Small layers, whose scratch fits in
	// L1 anyway, keep their blocks.
	if g.col > 0 {
		limit := max(g.col/10, kn2rowBlock/8)
		for rows > 1 && j.kn2rowScratch(rows) > limit {
			rows--
		}
	}
	j.rows = min(rows, g.oh)
	j.blocks = (g.oh + j.rows - 1) / j.rows
	if !g.nhwc && j.own == nil {
		// Tap (kh, kw) of OIHW filters is F×C with column stride KH·KW: no
		// BLAS view. Repack tap-major once per call (a Prepared layer did
		// once); it is tiny.
		j.wtBuf, j.wt = getBuf[T](g.wlen)
		tapMajor(g, j.wt, j.w)
	}
}

// kn2rowScratch is the workspace elements one worker needs for blocks of
// rows output rows: the padded or decimated input rows it copies and the
// full-width output it compacts from.
func (j *convJob[T]) kn2rowScratch(rows int) int {
	g := &j.g
	r0, r1 := g.inputRows(0, rows)
	in, out := 0, 0
	switch j.mode {
	case kChain:
		if g.ph > 0 || g.pw > 0 {
			in = (r1 - r0) * g.wp * g.c
		}
		if g.wp != g.ow && rows > 1 {
			out = ((rows-1)*g.wp + g.ow) * g.f
		}
	case kRows:
		if g.ph > 0 || g.pw > 0 {
			in = (r1 - r0) * g.wp * g.c
		}
	case kDecim:
		in = g.kw * g.c * (r1 - r0) * g.ow
	}
	return in + out
}

// padRowsNHWC copies padded input rows [r0, r1) of image n, zeros in the
// padding, into buf as (r1−r0)×Wp×C.
func padRowsNHWC[T convFloat](g *convGeom, buf, x []T, n, r0, r1 int) {
	rs := g.wp * g.c
	img := x[n*g.h*g.w*g.c:]
	for r := r0; r < r1; r++ {
		row := buf[(r-r0)*rs : (r-r0+1)*rs]
		ih := r - g.ph
		if ih < 0 || ih >= g.h {
			clear(row)
			continue
		}
		lead := g.pw * g.c
		clear(row[:lead])
		copy(row[lead:lead+g.w*g.c], img[ih*g.w*g.c:])
		clear(row[lead+g.w*g.c:])
	}
}

// padRowsNCHW copies padded input rows [r0, r1) of image n into buf as
// C planes of (r1−r0)×Wp.
func padRowsNCHW[T convFloat](g *convGeom, buf, x []T, n, r0, r1 int) {
	pl := (r1 - r0) * g.wp
	img := x[n*g.c*g.h*g.w:]
	for c := range g.c {
		plane := buf[c*pl : (c+1)*pl]
		xc := img[c*g.h*g.w:]
		for r := r0; r < r1; r++ {
			row := plane[(r-r0)*g.wp : (r-r0+1)*g.wp]
			ih := r - g.ph
			if ih < 0 || ih >= g.h {
				clear(row)
				continue
			}
			clear(row[:g.pw])
			copy(row[g.pw:g.pw+g.w], xc[ih*g.w:])
			clear(row[g.pw+g.w:])
		}
	}
}

// inputRows returns the padded input rows [r0, r1) that output rows
// [oh0, oh1) read.
func (g *convGeom) inputRows(oh0, oh1 int) (r0, r1 int) {
	return oh0 * g.sh, (oh1-1)*g.sh + (g.kh-1)*g.dh + 1
}

func (j *convJob[T]) kn2rowNHWC(ws *convWorkspace[T], n, oh0, oh1 int) {
	g := &j.g
	c, f := g.c, g.f
	r0, r1 := g.inputRows(oh0, oh1)
	// src holds padded input rows from rowBase on, Wp·C apart.
	src, rowBase := j.x[n*g.h*g.w*c:], 0
	if g.ph > 0 || g.pw > 0 {
		src, rowBase = growBuf(&ws.in, (r1-r0)*g.wp*c), r0
		padRowsNHWC(g, src, j.x, n, r0, r1)
	}
	pix := func(r, col int) int { return ((r-rowBase)*g.wp + col) * c }
	y := j.y[n*g.oh*g.ow*f:]

	// Group gi reads input channels gi·Cg… and writes output channels
	// gi·Fg…: column offsets into the same views.
	cg, fg := g.cg, g.fg
	if j.mode == kRows {
		for oh := oh0; oh < oh1; oh++ {
			out := y[oh*g.ow*f:]
			for t := range g.taps {
				kh, kw := t/g.kw, t%g.kw
				a := src[pix(oh*g.sh+kh*g.dh, kw*g.dw):]
				for gi := range g.groups {
					j.gm.nn(g.ow, fg, cg, a[gi*cg:], g.sw*c, j.w[t*cg*f+gi*fg:], f, tapBeta[T](t), out[gi*fg:], f)
				}
			}
		}
		return
	}

	nr := oh1 - oh0
	m := (nr-1)*g.wp + g.ow
	direct := g.wp == g.ow || nr == 1
	out := y[oh0*g.ow*f:]
	if !direct {
		out = growBuf(&ws.out, m*f)
	}
	for t := range g.taps {
		kh, kw := t/g.kw, t%g.kw
		a := src[pix(oh0+kh*g.dh, kw*g.dw):]
		for gi := range g.groups {
			j.gm.nn(m, fg, cg, a[gi*cg:], c, j.w[t*cg*f+gi*fg:], f, tapBeta[T](t), out[gi*fg:], f)
		}
	}
	if !direct {
		for i := range nr {
			copy(y[(oh0+i)*g.ow*f:(oh0+i+1)*g.ow*f], out[i*g.wp*f:])
		}
	}
}

func (j *convJob[T]) kn2rowNCHW(ws *convWorkspace[T], n, oh0, oh1 int) {
	g := &j.g
	c, f := g.c, g.f
	cg, fg := g.cg, g.fg
	ohw := g.oh * g.ow
	y := j.y[n*f*ohw:]
	// wt is tap-major [KH·KW][F×Cg]; group gi's filters are its rows
	// gi·Fg…, and its input channels the planes gi·Cg….
	fc := f * cg
	r0, r1 := g.inputRows(oh0, oh1)
	nr := oh1 - oh0

	if j.mode == kDecim {
		// d[kw][c][r−r0][ow] = padded x[c][r][ow·sw + kw·dw]
		ld := (r1 - r0) * g.ow
		d := growBuf(&ws.in, g.kw*c*ld)
		img := j.x[n*c*g.h*g.w:]
		for kw := range g.kw {
			for ci := range c {
				xc := img[ci*g.h*g.w:]
				for r := r0; r < r1; r++ {
					row := d[(kw*c+ci)*ld+(r-r0)*g.ow:][:g.ow]
					ih := r - g.ph
					if ih < 0 || ih >= g.h {
						clear(row)
						continue
					}
					gatherRow(row, xc[ih*g.w:(ih+1)*g.w], kw*g.dw-g.pw, g.sw)
				}
			}
		}
		if g.sh == 1 {
			for t := range g.taps {
				kh, kw := t/g.kw, t%g.kw
				b := d[kw*c*ld+kh*g.dh*g.ow:]
				for gi := range g.groups {
					j.gm.nn(fg, nr*g.ow, cg, j.wt[t*fc+gi*fg*cg:], cg, b[gi*cg*ld:], ld, tapBeta[T](t), y[gi*fg*ohw+oh0*g.ow:], ohw)
				}
			}
			return
		}
		for oh := oh0; oh < oh1; oh++ {
			for t := range g.taps {
				kh, kw := t/g.kw, t%g.kw
				b := d[kw*c*ld+((oh-oh0)*g.sh+kh*g.dh)*g.ow:]
				for gi := range g.groups {
					j.gm.nn(fg, g.ow, cg, j.wt[t*fc+gi*fg*cg:], cg, b[gi*cg*ld:], ld, tapBeta[T](t), y[gi*fg*ohw+oh*g.ow:], ohw)
				}
			}
		}
		return
	}

	// kChain: src holds C planes of padded rows from rowBase on, ld apart.
	src, rowBase, ld := j.x[n*c*g.h*g.w:], 0, g.h*g.w
	if g.ph > 0 || g.pw > 0 {
		ld = (r1 - r0) * g.wp
		src, rowBase = growBuf(&ws.in, c*ld), r0
		padRowsNCHW(g, src, j.x, n, r0, r1)
	}
	cols := (nr-1)*g.wp + g.ow
	direct := g.wp == g.ow || nr == 1
	out, ldo := y[oh0*g.ow:], ohw
	if !direct {
		out, ldo = growBuf(&ws.out, f*cols), cols
	}
	for t := range g.taps {
		kh, kw := t/g.kw, t%g.kw
		b := src[(oh0+kh*g.dh-rowBase)*g.wp+kw*g.dw:]
		for gi := range g.groups {
			j.gm.nn(fg, cols, cg, j.wt[t*fc+gi*fg*cg:], cg, b[gi*cg*ld:], ld, tapBeta[T](t), out[gi*fg*ldo:], ldo)
		}
	}
	if !direct {
		for fi := range f {
			for i := range nr {
				copy(y[fi*ohw+(oh0+i)*g.ow:][:g.ow], out[fi*cols+i*g.wp:])
			}
		}
	}
}

// beta is 0 for the first tap, which overwrites, and 1 after.
func tapBeta[T convFloat](t int) T {
	if t == 0 {
		return 0
	}
	return 1
}
