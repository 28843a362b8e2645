package window

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/strider-go/strider/blasbridge"
)

// convBenchLayers are the layers of bench/torch/conv_bench.py (ResNet,
// MobileNet's depthwise layers, ResNet's 7×7 input layer) and a tiny one
// that also runs Direct. The upsampler is timed only as BackwardData: a
// 4× transposed convolution of 32 channels 56×56 into 32 channels 224×224
// (8×8 kernel, stride 4, padding 2) is BackwardData of this Conv2D.
var convBenchLayers = []struct {
	name      string
	p         Conv2D
	upsampler bool
}{
	{"56x64-3x3", Conv2D{N: 8, C: 64, H: 56, W: 56, F: 64, KH: 3, KW: 3, PadH: 1, PadW: 1}, false},
	{"14x256-3x3", Conv2D{N: 8, C: 256, H: 14, W: 14, F: 256, KH: 3, KW: 3, PadH: 1, PadW: 1}, false},
	{"56x64-1x1-f256", Conv2D{N: 8, C: 64, H: 56, W: 56, F: 256, KH: 1, KW: 1}, false},
	{"8x4-3x3", Conv2D{N: 2, C: 4, H: 8, W: 8, F: 4, KH: 3, KW: 3, PadH: 1, PadW: 1}, false},
	{"112x32-dw3x3", Conv2D{N: 8, C: 32, H: 112, W: 112, F: 32, KH: 3, KW: 3, PadH: 1, PadW: 1, Groups: 32}, false},
	{"56x128-dw3x3", Conv2D{N: 8, C: 128, H: 56, W: 56, F: 128, KH: 3, KW: 3, PadH: 1, PadW: 1, Groups: 128}, false},
	{"224x3-7x7s2", Conv2D{N: 8, C: 3, H: 224, W: 224, F: 64, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3}, false},
	{"up4x-56x32", Conv2D{N: 4, C: 32, H: 224, W: 224, F: 32, KH: 8, KW: 8, StrideH: 4, StrideW: 4, PadH: 2, PadW: 2}, true},
}

var convBenchAlgos = []struct {
	name string
	a    Algorithm
	tile int
}{
	{"batched", BatchedGEMM, 0}, {"im2col", Im2Col, 0}, {"auto", Auto, 0}, {"direct", Direct, 0},
	{"depthwise", Depthwise, 0}, {"winograd2", Winograd, 2}, {"winograd4", Winograd, 4},
}

// convWeights is the length of p's filters.
func convWeights(p Conv2D) int { return p.F * p.C / max(p.Groups, 1) * p.KH * p.KW }

// BenchmarkConv2D reports, besides time, scratch-B: the bytes the first
// call allocates from empty pools, the scratch an algorithm needs (later
// calls reuse it and allocate nothing). Layer names and the dtype key match
// bench/torch/conv_bench.py, so PyTorch's figures line up.
func BenchmarkConv2D(b *testing.B) {
	impl := blasbridge.Active().Name
	for _, layer := range convBenchLayers {
		if layer.upsampler {
			continue
		}
		for _, format := range []Format{NCHW, NHWC} {
			for _, algo := range convBenchAlgos {
				p := layer.p
				if algo.a == Direct && p.N*p.C*p.H*p.W > 1<<12 || algo.a == Depthwise && p.Groups != p.C ||
					algo.a == Winograd && (p.KH != 3 || p.Groups > 1) {
					continue
				}
				p.Format, p.Algo, p.WinogradTile = format, algo.a, algo.tile
				name := fmt.Sprintf("layer=%s/format=%v/dtype=f32/algo=%s/impl=%s", layer.name, format, algo.name, impl)
				b.Run(name, func(b *testing.B) {
					rnd := rand.New(rand.NewPCG(1, 2))
					oh, ow := p.OutDims()
					x := float32s(randSlice(rnd, p.N*p.C*p.H*p.W))
					w := float32s(randSlice(rnd, convWeights(p)))
					y := make([]float32, p.N*p.F*oh*ow)
					scratch := firstCallBytes(func() { p.Forward32(y, x, w) })
					b.SetBytes(int64(4 * len(y)))
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						if err := p.Forward32(y, x, w); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(scratch), "scratch-B")
				})
				name = fmt.Sprintf("layer=%s/format=%v/dtype=f64/algo=%s/impl=%s", layer.name, format, algo.name, impl)
				b.Run(name, func(b *testing.B) {
					rnd := rand.New(rand.NewPCG(1, 2))
					oh, ow := p.OutDims()
					x := randSlice(rnd, p.N*p.C*p.H*p.W)
					w := randSlice(rnd, convWeights(p))
					y := make([]float64, p.N*p.F*oh*ow)
					scratch := firstCallBytes(func() { p.Forward(y, x, w) })
					b.SetBytes(int64(8 * len(y)))
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						if err := p.Forward(y, x, w); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(scratch), "scratch-B")
				})
			}
		}
	}
}

// firstCallBytes empties the pools and returns the bytes f allocates.
func firstCallBytes(f func()) uint64 {
	convPools = [2]struct{ ws, job, filt sync.Pool }{}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

func float32s(v []float64) []float32 {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return f
}

// BenchmarkConv2DBackward times the backward passes next to Forward on the
// same layers (Auto), float32 and float64: pass=forward|data|filter.
func BenchmarkConv2DBackward(b *testing.B) {
	impl := blasbridge.Active().Name
	for _, layer := range convBenchLayers {
		if layer.name == "8x4-3x3" {
			continue
		}
		for _, format := range []Format{NCHW, NHWC} {
			p := layer.p
			p.Format = format
			oh, ow := p.OutDims()
			rnd := rand.New(rand.NewPCG(1, 2))
			x := randSlice(rnd, p.N*p.C*p.H*p.W)
			w := randSlice(rnd, convWeights(p))
			dy := randSlice(rnd, p.N*p.F*oh*ow)
			x32, w32, dy32 := float32s(x), float32s(w), float32s(dy)
			passes := []string{"forward", "data", "filter"}
			if layer.upsampler {
				passes = []string{"data"}
			}
			for _, pass := range passes {
				run := func(b *testing.B, f func() error) {
					b.ReportAllocs()
					if err := f(); err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					for range b.N {
						if err := f(); err != nil {
							b.Fatal(err)
						}
					}
				}
				name := fmt.Sprintf("layer=%s/format=%v/dtype=f32/pass=%s/impl=%s", layer.name, format, pass, impl)
				b.Run(name, func(b *testing.B) {
					y := make([]float32, len(dy))
					dx, dw := make([]float32, len(x)), make([]float32, len(w))
					switch pass {
					case "forward":
						run(b, func() error { return p.Forward32(y, x32, w32) })
					case "data":
						run(b, func() error { return p.BackwardData32(dx, dy32, w32) })
					default:
						run(b, func() error { return p.BackwardFilter32(dw, x32, dy32) })
					}
				})
				name = fmt.Sprintf("layer=%s/format=%v/dtype=f64/pass=%s/impl=%s", layer.name, format, pass, impl)
				b.Run(name, func(b *testing.B) {
					y := make([]float64, len(dy))
					dx, dw := make([]float64, len(x)), make([]float64, len(w))
					switch pass {
					case "forward":
						run(b, func() error { return p.Forward(y, x, w) })
					case "data":
						run(b, func() error { return p.BackwardData(dx, dy, w) })
					default:
						run(b, func() error { return p.BackwardFilter(dw, x, dy) })
					}
				})
			}
		}
	}
}
