package window_test

import (
	"fmt"

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
