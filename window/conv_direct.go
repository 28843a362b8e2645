package window

// direct is the reference: the defining sum, one output element at a time,
// over the input channels of the output channel's group, skipping taps that
// fall in the padding.
func directConv[T convFloat](g *convGeom, y, x, w []T) {
	for n := range g.n {
		for oh := range g.oh {
			for ow := range g.ow {
				for f := range g.f {
					var s T
					c0 := f / g.fg * g.cg // the group's first input channel
					for c := range g.cg {
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
								var xv, wv T
								if g.nhwc {
									xv = x[((n*g.h+ih)*g.w+iw)*g.c+c0+c]
									wv = w[((kh*g.kw+kw)*g.cg+c)*g.f+f]
								} else {
									xv = x[((n*g.c+c0+c)*g.h+ih)*g.w+iw]
									wv = w[((f*g.cg+c)*g.kh+kh)*g.kw+kw]
								}
								s += xv * wv
							}
						}
					}
					if g.nhwc {
						y[((n*g.oh+oh)*g.ow+ow)*g.f+f] = s
					} else {
						y[((n*g.f+f)*g.oh+oh)*g.ow+ow] = s
					}
				}
			}
		}
	}
}
