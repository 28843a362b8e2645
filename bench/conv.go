package bench

import (
	"fmt"

	"github.com/strider-go/strider/window"
)

// convLayer is the layer measured at image size hw: a ResNet-like 3×3
// convolution, padding 1, of a batch of 4 images of 32 channels into 32.
func convLayer(hw int) window.Conv2D {
	return window.Conv2D{N: 4, C: 32, H: hw, W: hw, F: 32, KH: 3, KW: 3, PadH: 1, PadW: 1}
}

// depthwiseLayer is the depthwise layer measured at image size hw: a
// MobileNet-like 3×3, padding 1, of 4 images of 32 channels, Groups = 32.
func depthwiseLayer(hw int) window.Conv2D {
	return window.Conv2D{N: 4, C: 32, H: hw, W: hw, F: 32, KH: 3, KW: 3, PadH: 1, PadW: 1, Groups: 32}
}

// convAlgo is one algorithm choice of the conv family.
type convAlgo struct {
	name, doc string
	algo      window.Algorithm
	prepared  bool
}

// convFamily: window.Conv2D by algorithm and memory format.
func convFamily() Family {
	w := Workload{
		Name:       "conv/3x3",
		Key:        "layer=3x3",
		Doc:        "3×3 convolution, padding 1, 4 images of 32 channels hw×hw into 32 (window.Conv2D)",
		Unit:       "hw",
		Sizes:      []int{8, 16, 32, 56},
		QuickSizes: []int{8, 16},
		MaxSize:    512,
		Naive:      "NCHW/im2col",
	}
	for _, f := range []window.Format{window.NCHW, window.NHWC} {
		for _, a := range []convAlgo{
			{"direct", "the plain loop nest", window.Direct, false},
			{"im2col", "the KH·KW-times-larger patch matrix, then one GEMM per image", window.Im2Col, false},
			{"kn2row", "one GEMM per tap over shifted strided views (window.BatchedGEMM)", window.BatchedGEMM, false},
			{"winograd", "Winograd F(4×4, 3×3): transformed tiles, 36 GEMMs as one strided batch", window.Winograd, false},
			{Auto, "window.Auto: strider picks the algorithm", window.Auto, false},
			{"prepared", "window.Prepare: Auto's algorithm, filters re-packed once, scratch owned", window.Auto, true},
		} {
			w.Choices = append(w.Choices, convChoice(f, a, convLayer))
		}
	}
	dw := Workload{
		Name:       "conv/depthwise",
		Key:        "layer=depthwise",
		Doc:        "depthwise 3×3 convolution (Groups = C), padding 1, 4 images of 32 channels hw×hw (window.Conv2D)",
		Unit:       "hw",
		Sizes:      []int{16, 32, 56, 112},
		QuickSizes: []int{16, 32},
		MaxSize:    512,
		Naive:      "NCHW/direct",
	}
	for _, f := range []window.Format{window.NCHW, window.NHWC} {
		for _, a := range []convAlgo{
			{"direct", "the plain loop nest", window.Direct, false},
			{"kn2row", "a GEMM per tap and group (window.BatchedGEMM): one row each", window.BatchedGEMM, false},
			{"depthwise", "the depthwise loop nest (window.Depthwise)", window.Depthwise, false},
			{Auto, "window.Auto: strider picks the algorithm", window.Auto, false},
		} {
			dw.Choices = append(dw.Choices, convChoice(f, a, depthwiseLayer))
		}
	}
	return Family{
		Name:      "conv",
		Bench:     "Conv",
		Doc:       "convolution: Direct, Im2Col, BatchedGEMM (kn2row), Winograd, Depthwise, prepared layers × NCHW/NHWC",
		Workloads: []Workload{w, dw},
	}
}

func convChoice(f window.Format, a convAlgo, layer func(hw int) window.Conv2D) Choice {
	return Choice{
		Name:  fmt.Sprintf("%v/%s", f, a.name),
		Key:   fmt.Sprintf("format=%v/algo=%s", f, a.name),
		Doc:   fmt.Sprintf("%v, %s", f, a.doc),
		Setup: convSetup(f, a, layer),
	}
}

func convSetup(f window.Format, a convAlgo, layer func(hw int) window.Conv2D) func(hw int) (*Case, error) {
	algo := a.algo
	return func(hw int) (*Case, error) {
		p := layer(hw)
		p.Format, p.Algo, p.WinogradTile = f, algo, 4
		oh, ow := p.OutDims()
		if oh <= 0 || ow <= 0 {
			return nil, fmt.Errorf("%w: %v", ErrSize, p)
		}
		// The same logical tensors in both formats: x N·C·H·W and w F·C·KH·KW,
		// permuted for NHWC (x N·H·W·C, w KH·KW·C·F).
		cg := p.C / max(p.Groups, 1)
		x, w := randSlice(1, p.N*p.C*p.H*p.W), randSlice(2, p.F*cg*p.KH*p.KW)
		y := make([]float64, p.N*p.F*oh*ow)
		if f == window.NHWC {
			x = permute(x, []int{p.N, p.C, p.H, p.W}, []int{0, 2, 3, 1})
			w = permute(w, []int{p.F, cg, p.KH, p.KW}, []int{2, 3, 1, 0})
		}
		run := func() error { return p.Forward(y, x, w) }
		if a.prepared {
			l, err := window.Prepare(p, w)
			if err != nil {
				return nil, err
			}
			run = func() error { return l.Forward(y, x) }
		}
		cs := &Case{
			Flops: 2 * float64(p.N*p.F*oh*ow) * float64(cg*p.KH*p.KW),
			Run:   run,
			Result: func() []float64 {
				if f == window.NHWC {
					return permute(y, []int{p.N, oh, ow, p.F}, []int{0, 3, 1, 2})
				}
				return y
			},
		}
		switch {
		case a.prepared || algo == window.Auto:
			cs.Copied = -1
			cs.Plan = "window.Auto"
			if plan, err := p.Plan(); err == nil {
				cs.Plan = "window.Auto → " + plan.Algorithm.String()
			}
		case algo == window.Direct, algo == window.Depthwise:
		case algo == window.Im2Col:
			cs.Copied = int64(8 * p.N * p.C * p.KH * p.KW * oh * ow)
		case algo == window.BatchedGEMM:
			// The padded copy of the input its views are taken over.
			cs.Copied = int64(8 * p.N * p.C * (p.H + 2*p.PadH) * (p.W + 2*p.PadW))
		case algo == window.Winograd:
			// The transformed tiles: 36 per 16 outputs, per input channel.
			cs.Copied = int64(8 * p.N * p.C * ((oh + 3) / 4) * ((ow + 3) / 4) * 36)
		}
		return cs, nil
	}
}

// permute returns the 4-d array x of shape dims with its axes reordered:
// axis k of the result is axis perm[k] of x (NumPy's transpose).
func permute(x []float64, dims, perm []int) []float64 {
	var st [4]int
	st[3] = 1
	for k := 2; k >= 0; k-- {
		st[k] = st[k+1] * dims[k+1]
	}
	d := [4]int{dims[perm[0]], dims[perm[1]], dims[perm[2]], dims[perm[3]]}
	s := [4]int{st[perm[0]], st[perm[1]], st[perm[2]], st[perm[3]]}
	out := make([]float64, 0, len(x))
	for i := range d[0] {
		for j := range d[1] {
			for k := range d[2] {
				for l := range d[3] {
					out = append(out, x[i*s[0]+j*s[1]+k*s[2]+l*s[3]])
				}
			}
		}
	}
	return out
}
