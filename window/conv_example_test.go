package window_test

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/window"
)

func ExampleConv2D_Forward() {
	// One 3×3 image, one channel, one 2×2 filter, padding 0: a 2×2 output.
	p := window.Conv2D{Format: window.NCHW, N: 1, C: 1, H: 3, W: 3, F: 1, KH: 2, KW: 2, Algo: window.BatchedGEMM}
	x := []float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	w := []float64{
		1, 0,
		0, -1,
	}
	oh, ow := p.OutDims()
	y := make([]float64, p.N*p.F*oh*ow)
	if err := p.Forward(y, x, w); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(oh, ow, y)
	// Output:
	// 2 2 [-4 -4 -4 -4]
}

func ExampleConv1D_Forward() {
	// Channels last: x is (N, L, C) = (1, 5, 1), w is (K, C, F) = (3, 1, 1).
	p := window.Conv1D{Format: window.NHWC, N: 1, C: 1, L: 5, F: 1, K: 3, Pad: 1}
	x := []float64{1, 2, 3, 4, 5}
	w := []float64{1, 1, 1} // a moving sum
	y := make([]float64, p.OutLen())
	if err := p.Forward(y, x, w); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y)
	// Output:
	// [3 6 9 12 9]
}

// A transposed convolution (PyTorch's ConvTranspose2d, a decoder's
// upsampling layer) is BackwardData of the Conv2D that goes the other way:
// from the transposed convolution's output shape (here 4×4, C = its output
// channels) to its input shape (2×2, F = its input channels). Its weights,
// OIHW for that Conv2D, are ConvTranspose2d's own [in][out/groups][KH][KW].
func ExampleConv2D_BackwardData_transposed() {
	// ConvTranspose2d(1, 1, kernel_size=2, stride=2): each input pixel
	// becomes a 2×2 block of the output.
	p := window.Conv2D{Format: window.NCHW, N: 1, C: 1, H: 4, W: 4, F: 1, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	in := []float64{
		1, 2,
		3, 4,
	}
	w := []float64{
		1, 1,
		1, 0.5,
	}
	out := make([]float64, 4*4)
	if err := p.BackwardData(out, in, w); err != nil {
		fmt.Println(err)
		return
	}
	for r := range 4 {
		fmt.Println(out[4*r : 4*r+4])
	}
	// Output:
	// [1 1 2 2]
	// [1 0.5 2 1]
	// [3 3 4 4]
	// [3 1.5 4 2]
}

// Depthwise convolution: Groups = C filters each channel of an RGB image
// with its own 3×3 kernel (weights F·(C/Groups)·KH·KW = 3·1·3·3), a third
// of the work a dense filter with a diagonal weight tensor would do.
func ExampleConv2D_depthwise() {
	p := window.Conv2D{Format: window.NHWC, N: 1, C: 3, H: 3, W: 3, F: 3, KH: 3, KW: 3, PadH: 1, PadW: 1, Groups: 3}
	x := make([]float64, 3*3*3) // one 3×3 RGB image, channels last
	for i := range 9 {
		x[3*i], x[3*i+1], x[3*i+2] = 1, 2, float64(i) // R constant, G constant, B a ramp
	}
	// HWIO weights [3][3][1][3]: a box blur for R, identity for G, a
	// vertical difference (below − above) for B.
	w := make([]float64, 3*3*3)
	for t := range 9 {
		w[3*t] = 1.0 / 9
	}
	w[3*4+1] = 1               // G: centre tap
	w[3*7+2], w[3*1+2] = 1, -1 // B: tap (2,1) minus tap (0,1)
	y := make([]float64, 3*3*3)
	if err := p.Forward(y, x, w); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("R centre %.3f, corner %.3f; G %v; B centre %v\n", y[3*4], y[0], y[3*4+1], y[3*4+2])
	// Output:
	// R centre 1.000, corner 0.444; G 2; B centre 6
}

// ForwardArray convolves a view where it lies: here the centre 3×3 crop
// of a 5×5 image, channels last, read in place (its rows are 5 pixels
// apart), and the output written into channel 1 of a 2-channel tensor.
func ExampleForwardArray() {
	img := make([]float64, 5*5) // one channel; pixel (h, w) = 10h + w
	for h := range 5 {
		for w := range 5 {
			img[5*h+w] = float64(10*h + w)
		}
	}
	x := adapter.Array[float64]{Data: img, Shape: []int{1, 3, 3, 1}, Strides: []int{25, 5, 1, 1}, Offset: 6}
	out := make([]float64, 3*3*2)
	dst := adapter.Array[float64]{Data: out, Shape: []int{1, 3, 3, 1}, Strides: []int{18, 6, 2, 1}, Offset: 1}
	p := window.Conv2D{Format: window.NHWC, N: 1, C: 1, H: 3, W: 3, F: 1, KH: 1, KW: 1}
	w := []float64{2} // 1×1: doubles each pixel
	plan, err := window.ForwardArray(p, dst, x, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out, plan.CopiedBytes)
	// Output:
	// [0 22 0 24 0 26 0 42 0 44 0 46 0 62 0 64 0 66] 0
}
