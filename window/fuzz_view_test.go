package window_test

import (
	"errors"
	"math"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/window"
)

// decodeWindows turns fuzz bytes into an array over data and its windows: five bytes
// per axis (shape, stride, size, step, dilation), each a signed byte, where
// the stride and dilation byte 127 stands for big, so overflow is reachable.
// A spec whose length is 1 more than a multiple of 5 drops an axis from the
// windows, 2 more drops a stride: rank mismatches.
func decodeWindows(data []float64, off, big int, spec []byte) (adapter.Array[float64], []window.Axis) {
	r := min(len(spec)/5, 4)
	a := adapter.Array[float64]{Data: data, Shape: make([]int, r), Strides: make([]int, r), Offset: off}
	axes := make([]window.Axis, r)
	for k := range r {
		b := spec[5*k : 5*k+5]
		a.Shape[k] = int(int8(b[0]))
		a.Strides[k] = int(int8(b[1]))
		if b[1] == 127 {
			a.Strides[k] = big
		}
		axes[k] = window.Axis{Size: int(int8(b[2])), Step: int(int8(b[3])), Dilation: int(int8(b[4]))}
		if b[4] == 127 {
			axes[k].Dilation = big
		}
	}
	switch len(spec) % 5 {
	case 1:
		if r > 0 {
			axes = axes[1:]
		}
	case 2:
		if r > 0 {
			a.Strides = a.Strides[1:]
		}
	}
	return a, axes
}

// FuzzWindows feeds arbitrary arrays and windows to Windows. It must never
// panic; a view it accepts must reach only elements inside the buffer, read
// what the offset formula names, decide Overlapping as brute force does (for
// views small enough to enumerate), flatten with Matrix to the same elements,
// and write (or refuse to write) accordingly.
func FuzzWindows(f *testing.F) {
	f.Add(uint16(16), 0, 0, []byte{4, 4, 2, 0, 0, 4, 1, 2, 0, 0})                 // 2×2 windows of 4×4
	f.Add(uint16(64), 0, 0, []byte{7, 8, 3, 2, 0, 8, 1, 3, 2, 0})                 // 3×3 step 2
	f.Add(uint16(10), 9, 0, []byte{10, 0xff, 4, 3, 0})                            // reversed
	f.Add(uint16(10), 0, 0, []byte{10, 1, 2, 2, 3})                               // dilated, interleaved
	f.Add(uint16(5), 0, 0, []byte{4, 0, 2, 0, 0, 5, 1, 3, 0, 0})                  // broadcast rows
	f.Add(uint16(90), 0, 0, []byte{5, 18, 3, 0, 0, 6, 3, 3, 2, 0, 3, 1, 0, 0, 0}) // NHWC
	f.Add(uint16(16), 0, 1<<62, []byte{4, 127, 2, 0, 0, 4, 1, 2, 0, 0})           // overflowing stride
	f.Add(uint16(16), 0, 1<<62, []byte{4, 1, 2, 0, 127})                          // overflowing dilation
	f.Add(uint16(16), math.MaxInt, 0, []byte{4, 1, 2, 0, 0})                      // overflowing offset
	f.Add(uint16(16), 0, 0, []byte{4, 4, 2, 0, 0, 4, 1, 2, 0, 0, 9})              // rank mismatch
	f.Add(uint16(16), 0, 0, []byte{})
	f.Fuzz(func(t *testing.T, n uint16, off, big int, spec []byte) {
		data := make([]float64, int(n)%4096)
		for i := range data {
			data[i] = float64(i)
		}
		a, axes := decodeWindows(data, off, big, spec)
		v, err := window.Windows(a, axes)
		if err != nil {
			for _, want := range []error{window.ErrRank, window.ErrDims, window.ErrOutOfBounds, window.ErrOverflow} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("%v %+v: error %v wraps none of the package's errors", a, axes, err)
		}
		if len(v.Data) > 0 && &v.Data[0] != &data[0] {
			t.Fatalf("view does not share the buffer")
		}
		// Windows cannot make more elements than the array has, per axis,
		// but a view of many small axes can still be large: enumerate
		// only modest ones.
		count := 1
		for _, d := range v.Shape {
			if d <= 0 {
				t.Fatalf("%v %+v: view shape %v", a, axes, v.Shape)
			}
			count *= d
			if count > 1<<14 {
				count = -1
				break
			}
		}
		_ = v.Overlapping()
		for k := 0; k <= len(v.Shape); k++ {
			if m, err := adapter.StridedView(v, k); err == nil && count > 0 {
				j := 0
				each(v.Shape, func(idx []int) {
					r, c := j/m.Layout.Cols, j%m.Layout.Cols
					if m.At(r, c) != v.At(idx...) {
						t.Fatalf("Matrix(%d) element (%d, %d) differs from %v", k, r, c, idx)
					}
					j++
				})
			}
		}
		if count < 0 {
			return
		}
		last := make([]int, len(v.Shape))
		each(v.Shape, func(idx []int) {
			i := v.Index(idx...)
			if i < 0 || i >= len(v.Data) || i >= len(data) {
				t.Fatalf("%v %+v: element %v at %d, buffer %d, view data %d", a, axes, idx, i, len(data), len(v.Data))
			}
			if got := v.At(idx...); got != float64(i) {
				t.Fatalf("%v %+v: At(%v) = %v, want %v", a, axes, idx, got, float64(i))
			}
			copy(last, idx)
		})
		if count <= 1<<12 {
			if got, want := v.Overlapping(), bruteOverlap(v); got != want {
				t.Fatalf("view shape %v strides %v: Overlapping %v, brute force %v", v.Shape, v.Strides, got, want)
			}
		}
		i := v.Index(last...)
		if v.Overlapping() {
			func() {
				defer func() {
					if r := recover(); r == nil {
						t.Fatalf("Set through an overlapping view did not panic")
					}
				}()
				v.Set(-1, last...)
			}()
			if data[i] != float64(i) {
				t.Fatalf("Set through an overlapping view wrote")
			}
		} else {
			v.Set(-1, last...)
			if data[i] != -1 {
				t.Fatalf("Set through a view did not reach the buffer")
			}
		}
	})
}
