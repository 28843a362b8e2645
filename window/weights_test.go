package window_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/internal/fixture"
	"github.com/strider-go/strider/window"
)

// The conversions agree with the fixtures' own transposition (a generic
// 4-d permutation in internal/fixture) on every case, grouped included,
// and invert each other.
func TestWeightLayouts(t *testing.T) {
	fx, err := fixture.LoadConv()
	require.NoError(t, err)
	for _, k := range fx.Conv2D {
		cg := k.C / k.Groups
		hwio := make([]float64, len(k.Weights))
		require.NoError(t, window.OIHWToHWIO(hwio, k.Weights, k.F, cg, k.KH, k.KW))
		require.Equal(t, k.WHWIO(), hwio, k.Name)
		back := make([]float32, len(k.Weights))
		require.NoError(t, window.HWIOToOIHW(back, fixture.Float32s(hwio), k.F, cg, k.KH, k.KW))
		require.Equal(t, fixture.Float32s(k.Weights), back, k.Name)
	}
	w := make([]float64, 2*3*3*3)
	for _, tc := range []struct {
		err  error
		want error
	}{
		{window.OIHWToHWIO(make([]float64, len(w)-1), w, 2, 3, 3, 3), window.ErrLength},
		{window.OIHWToHWIO(make([]float64, len(w)), w[1:], 2, 3, 3, 3), window.ErrLength},
		{window.OIHWToHWIO(w, w, 2, 3, 3, 3), window.ErrOverlap},
		{window.HWIOToOIHW(w[:0], w[:0], 0, 3, 3, 3), window.ErrDims},
		{window.HWIOToOIHW(w, w, 1<<62, 1<<62, 3, 3), window.ErrOverflow},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("got %v, want %v", tc.err, tc.want)
		}
	}
}

func ExampleOIHWToHWIO() {
	// Two 1×2 filters over one channel, PyTorch's OIHW [F][C][KH][KW] ...
	oihw := []float64{
		1, 2, // filter 0
		3, 4, // filter 1
	}
	// ... as TensorFlow's HWIO [KH][KW][C][F], for an NHWC Conv2D.
	hwio := make([]float64, len(oihw))
	if err := window.OIHWToHWIO(hwio, oihw, 2, 1, 1, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hwio)
	// Output:
	// [1 3 2 4]
}
