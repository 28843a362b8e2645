package window

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/fixture"
)

const sentinel = -7777.25

// embed lays the logical 4-d array vals (C order over shape) out in a
// larger buffer: storage axis k is logical axis perm[k] (perm[0]
// outermost), padded by pad[k] elements that hold sentinels, and logical
// axis rev, if not -1, is stored reversed. It returns the view and its
// buffer.
func embed(vals []float64, shape, perm, pad [4]int, rev int) (adapter.Array[float64], []float64) {
	var dims [4]int
	for k := range 4 {
		dims[k] = shape[perm[k]] + pad[k]
	}
	buf := make([]float64, dims[0]*dims[1]*dims[2]*dims[3]+3)
	for i := range buf {
		buf[i] = sentinel
	}
	var storeStride [4]int
	s := 1
	for k := 3; k >= 0; k-- {
		storeStride[k] = s
		s *= dims[k]
	}
	strides := make([]int, 4)
	for k := range 4 {
		strides[perm[k]] = storeStride[k]
	}
	off := 3 // a leading gap
	if rev >= 0 {
		off += (shape[rev] - 1) * strides[rev]
		strides[rev] = -strides[rev]
	}
	a := adapter.Array[float64]{Data: buf, Shape: shape[:], Strides: strides, Offset: off}
	i := 0
	for n := range shape[0] {
		for c := range shape[1] {
			for h := range shape[2] {
				for w := range shape[3] {
					a.Data[a.Offset+n*strides[0]+c*strides[1]+h*strides[2]+w*strides[3]] = vals[i]
					i++
				}
			}
		}
	}
	return a, buf
}

func countSentinels(buf []float64) int {
	k := 0
	for _, v := range buf {
		if v == sentinel {
			k++
		}
	}
	return k
}

// TestForwardArrayFixtures runs every fixture through ForwardArray with x
// and dst as strided views — crops with padding between rows and channels,
// the other format's storage, a reversed axis, every other column — and
// checks the output against PyTorch, the sentinels in dst's gaps, and that
// x is not written.
func TestForwardArrayFixtures(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	views := []struct {
		name      string
		perm, pad [4]int // storage order and padding of x, as logical axes of the Format
		rev       int
		yPad      [4]int
	}{
		{"compact", [4]int{0, 1, 2, 3}, [4]int{}, -1, [4]int{}},
		{"crop", [4]int{0, 1, 2, 3}, [4]int{1, 2, 3, 2}, -1, [4]int{0, 3, 1, 2}},
		{"other-storage", [4]int{0, 2, 3, 1}, [4]int{0, 0, 1, 0}, -1, [4]int{}}, // NHWC storage of NCHW's axes
		{"reversed-rows", [4]int{0, 1, 2, 3}, [4]int{}, 2, [4]int{}},
	}
	for _, k := range fx.Conv2D {
		p := convOf(k)
		tol := 0.0
		if !k.Exact() {
			tol = 1e-12 * (1 + maxAbs(k.Y))
		}
		for _, format := range []Format{NCHW, NHWC} {
			p.Format = format
			x, w, y := k.X, k.Weights, k.Y
			xShape, yShape := [4]int{k.N, k.C, k.H, k.W}, [4]int{k.N, k.F, k.OH, k.OW}
			if format == NHWC {
				x, w, y = k.XNHWC(), k.WHWIO(), k.YNHWC()
				xShape, yShape = [4]int{k.N, k.H, k.W, k.C}, [4]int{k.N, k.OH, k.OW, k.F}
			}
			for _, v := range views {
				if v.name == "other-storage" && format == NHWC {
					v.perm = [4]int{0, 3, 1, 2} // NCHW storage of NHWC's axes
				}
				if v.rev >= 0 && format == NHWC {
					v.rev = 1 // the rows of NHWC's axes
				}
				what := fmt.Sprintf("%v %v %s", k, format, v.name)
				xa, xbuf := embed(x, xShape, v.perm, v.pad, v.rev)
				xBefore := append([]float64(nil), xbuf...)
				ya, ybuf := embed(make([]float64, len(y)), yShape, [4]int{0, 1, 2, 3}, v.yPad, -1)
				gaps := countSentinels(ybuf)
				plan, err := ForwardArray(p, ya, xa, w)
				require.NoError(t, err, what)
				got := make([]float64, 0, len(y))
				for n := range yShape[0] {
					for a := range yShape[1] {
						for b := range yShape[2] {
							for c := range yShape[3] {
								got = append(got, ya.Data[ya.Offset+n*ya.Strides[0]+a*ya.Strides[1]+b*ya.Strides[2]+c*ya.Strides[3]])
							}
						}
					}
				}
				checkFixture(t, what, got, y, tol)
				require.Equal(t, gaps, countSentinels(ybuf), "%s: a sentinel in dst's gaps changed", what)
				require.Equal(t, xBefore, xbuf, "%s: x was written", what)
				// Compact arrays go to Forward. Otherwise BLAS reads a tap's
				// view of x in place when its channel stride or its column
				// stride (times the convolution's) is 1.
				cAxis, wAxis := 1, 3
				if format == NHWC {
					cAxis, wAxis = 3, 2
				}
				sw := max(p.StrideW, 1)
				switch {
				case k.Groups == k.C && k.C > 1:
					// Depthwise: 1×1 · 1×L products, a row of any stride,
					// which BLAS reads in place with either trans flag.
					require.Zero(t, plan.CopiedBytes, "%s: %v", what, plan)
				case compact(xa) && compact(ya) || xa.Strides[cAxis] == 1 || sw*xa.Strides[wAxis] == 1:
					require.Zero(t, plan.CopiedBytes, "%s: %v", what, plan)
				default:
					require.Positive(t, plan.CopiedBytes, "%s: %v", what, plan)
				}
			}
		}
	}
}

// Every other input column is a view BLAS cannot read in place in NCHW
// (neither stride is 1): ForwardArray packs it, says so, and is right.
func TestForwardArrayPacks(t *testing.T) {
	p := Conv2D{Format: NCHW, N: 1, C: 3, H: 5, W: 6, F: 2, KH: 3, KW: 3, PadH: 1, PadW: 1}
	wide := make([]float64, 1*3*5*12)
	for i := range wide {
		wide[i] = float64(i%7) - 3
	}
	xa := adapter.Array[float64]{Data: wide, Shape: []int{1, 3, 5, 6}, Strides: []int{180, 60, 12, 2}}
	x := make([]float64, 1*3*5*6) // the same view, compact
	for c := range 3 {
		for h := range 5 {
			for w := range 6 {
				x[(c*5+h)*6+w] = wide[c*60+h*12+2*w]
			}
		}
	}
	w := make([]float64, 2*3*9)
	for i := range w {
		w[i] = float64(i%5) - 2
	}
	want := refConvNCHW(p, x, w)
	y := make([]float64, len(want))
	ya := adapter.Array[float64]{Data: y, Shape: []int{1, 2, 5, 6}, Strides: []int{60, 30, 6, 1}}
	plan, err := ForwardArray(p, ya, xa, w)
	require.NoError(t, err)
	require.Positive(t, plan.CopiedBytes, "%v", plan)
	require.Equal(t, -1, closeTo(y, want, 1e-12))

	// The same in float32, through Gemm32.
	y32 := make([]float32, len(want))
	_, err = ForwardArray(p, adapter.Array[float32]{Data: y32, Shape: ya.Shape, Strides: ya.Strides},
		adapter.Array[float32]{Data: float32s(wide), Shape: xa.Shape, Strides: xa.Strides}, float32s(w))
	require.NoError(t, err)
	require.Equal(t, -1, closeTo(float64s(y32), want, 1e-6))
}

func TestForwardArrayErrors(t *testing.T) {
	p := Conv2D{Format: NHWC, N: 1, C: 2, H: 4, W: 4, F: 2, KH: 3, KW: 3, PadH: 1, PadW: 1}
	buf := make([]float64, 64)
	x := adapter.Array[float64]{Data: buf[:32], Shape: []int{1, 4, 4, 2}, Strides: []int{32, 8, 2, 1}}
	w := make([]float64, 36)
	y := adapter.Array[float64]{Data: make([]float64, 32), Shape: []int{1, 4, 4, 2}, Strides: []int{32, 8, 2, 1}}
	for i, tc := range []struct {
		y, x adapter.Array[float64]
		w    []float64
		want error
	}{
		{y, adapter.Array[float64]{Data: buf[:32], Shape: []int{1, 2, 4, 4}, Strides: []int{32, 16, 4, 1}}, w, ErrLength},
		{adapter.Array[float64]{Data: buf[:32], Shape: []int{1, 4, 4, 2}, Strides: []int{0, 8, 2, 1}}, x, w, ErrOverlap},
		{adapter.Array[float64]{Data: buf[16:48], Shape: []int{1, 4, 4, 2}, Strides: []int{32, 8, 2, 1}}, x, w, ErrOverlap},
		{y, x, w[:35], ErrLength},
		{y, adapter.Array[float64]{Data: buf[:31], Shape: []int{1, 4, 4, 2}, Strides: []int{32, 8, 2, 1}}, w, adapter.ErrOutOfBounds},
	} {
		if _, err := ForwardArray(p, tc.y, tc.x, tc.w); !errors.Is(err, tc.want) {
			t.Errorf("case %d: got %v, want %v", i, err, tc.want)
		}
	}
	for _, v := range y.Data {
		if v != 0 || math.IsNaN(v) {
			t.Fatal("dst written on error")
		}
	}
}
