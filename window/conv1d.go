package window

// Conv1D describes a 1-D convolution (cross-correlation, as PyTorch's
// conv1d defines it). Format NCHW means input (N, C, L), filters (F, C, K)
// and output (N, F, OL); NHWC means input (N, L, C), filters (K, C, F) and
// output (N, OL, F), with C/Groups in place of C in the filters when grouped.
// It is the Conv2D with H = 1 and KH = 1.
type Conv1D struct {
	Format                Format
	N, C, L, F, K         int
	Stride, Dilation, Pad int // zero stride or dilation means 1
	Algo                  Algorithm
	Groups                int // 0 or 1: dense; see Conv2D.Groups
}

func (p Conv1D) conv2D() Conv2D {
	return Conv2D{
		Format: p.Format,
		N:      p.N, C: p.C, H: 1, W: p.L, F: p.F, KH: 1, KW: p.K,
		StrideW: p.Stride, DilationW: p.Dilation, PadW: p.Pad,
		Algo: p.Algo, Groups: p.Groups,
	}
}

// OutLen returns the output length, or 0 when the geometry is invalid.
func (p Conv1D) OutLen() int {
	_, ow := p.conv2D().OutDims()
	return ow
}

// Forward computes the convolution of x with the filters w into dst, with
// the errors of Conv2D.Forward.
func (p Conv1D) Forward(dst, x, w []float64) error { return p.conv2D().Forward(dst, x, w) }

// Forward32 is Forward for float32 data.
func (p Conv1D) Forward32(dst, x, w []float32) error { return p.conv2D().Forward32(dst, x, w) }
