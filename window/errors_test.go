package window_test

import (
	"errors"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/window"
)

// Errors say what is wrong, and still match ErrDims for errors.Is.
func TestErrorMessages(t *testing.T) {
	x := make([]float64, 5)
	a, err := adapter.NewArray(make([]float64, 12), []int{3, 4}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	conv := window.Conv2D{Format: window.NCHW, N: 1, C: 1, H: 4, W: 4, F: 1, KH: 3, KW: 3}
	withConv := func(f func(p *window.Conv2D)) error {
		p := conv
		f(&p)
		return p.Forward(make([]float64, 16), make([]float64, 16), make([]float64, 9))
	}
	for i, test := range []struct {
		err      error
		want     string
		tooLarge bool
	}{
		{err: sliding(x, 6, 1), want: "window: window 6 is larger than the 5-element input", tooLarge: true},
		{err: sliding32(5, 6, 1), want: "window: window 6 is larger than the 5-element input", tooLarge: true},
		{err: sliding(x, 0, 1), want: "strider: non-positive dimension: window size 0"},
		{err: sliding(x, 2, 0), want: "strider: non-positive dimension: step 0"},
		{err: windows(a, []window.Axis{{Size: 4}, {Size: 2}}), want: "window: axis 0: window 4 with dilation 1 spans 4 elements, the axis has 3", tooLarge: true},
		{err: windows(a, []window.Axis{{Size: 1}, {Size: -1}}), want: "window: axis 1: window size -1, step 0, dilation 0: none may be negative"},
		{err: withConv(func(p *window.Conv2D) { p.KH = 5 }), want: "window: dilated kernel 5×3 is larger than the padded input 4×4", tooLarge: true},
		{err: withConv(func(p *window.Conv2D) { p.PadW = -1 }), want: "window: PadW = -1 is negative"},
		{err: withConv(func(p *window.Conv2D) { p.Format = 7 }), want: "window: unknown format Format(7)"},
		{err: withConv(func(p *window.Conv2D) { p.F = 0 }), want: "strider: non-positive dimension: F = 0"},
		{err: withConv(func(p *window.Conv2D) { p.C, p.F, p.Groups = 6, 4, 4 }), want: "window: C = 6 and F = 4 must both be multiples of Groups = 4"},
		{err: withConv(func(p *window.Conv2D) { p.Groups = -2 }), want: "window: Groups = -2 is negative"},
		{err: withConv(func(p *window.Conv2D) { p.C, p.F, p.Groups, p.Algo = 4, 4, 2, window.Depthwise }),
			want: "window: the Depthwise algorithm needs Groups = C (one input channel per group); got Groups = 2, C = 4"},
	} {
		if test.err == nil {
			t.Fatalf("test %d: no error, want %q", i, test.want)
		}
		if got := test.err.Error(); got != test.want {
			t.Errorf("test %d: got %q, want %q", i, got, test.want)
		}
		if !errors.Is(test.err, window.ErrDims) {
			t.Errorf("test %d: %v does not match ErrDims", i, test.err)
		}
		if got := errors.Is(test.err, window.ErrTooLarge); got != test.tooLarge {
			t.Errorf("test %d: errors.Is(%v, ErrTooLarge) = %v, want %v", i, test.err, got, test.tooLarge)
		}
	}
}

func sliding(x []float64, size, step int) error {
	_, err := window.Sliding(x, size, step)
	return err
}

func sliding32(n, size, step int) error {
	_, err := window.Sliding32(make([]float32, n), size, step)
	return err
}

func windows(a adapter.Array[float64], axes []window.Axis) error {
	_, err := window.Windows(a, axes)
	return err
}
