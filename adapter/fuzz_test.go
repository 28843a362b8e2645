package adapter_test

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// FuzzLayout feeds arbitrary NumPy-style descriptions through FromNumPy,
// Check and Wrap. None may panic; a layout Check accepts must have every
// element in the buffer, and the wrapped matrix must read exactly the
// elements the offset formula names.
func FuzzLayout(f *testing.F) {
	f.Add(3, 4, 32, 8, 8, 0, 12)
	f.Add(3, 4, 8, 24, 8, 0, 12)
	f.Add(3, 4, -32, 8, 8, 64, 12)
	f.Add(4, 5, 0, 8, 8, 0, 5)
	f.Add(1, 5, 80, 16, 8, 0, 10)
	f.Add(2, 2, 1<<62, 1<<62, 8, 0, 1000)
	f.Add(3, 4, 12, 8, 8, 0, 12)
	f.Add(-1, 4, 32, 8, 8, 0, 12)
	f.Fuzz(func(t *testing.T, r, c, rs, cs, itemsize, off, n int) {
		n = int(uint(n) % 4096)
		buf := make([]float64, n)
		for k := range buf {
			buf[k] = float64(k)
		}
		layouts := []adapter.Layout{{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: off}}
		if l, err := adapter.FromNumPy([]int{r, c}, []int{rs, cs}, itemsize, off); err == nil {
			layouts = append(layouts, l)
		}
		for _, l := range layouts {
			_ = l.String()
			_ = l.Overlaps()
			m, err := adapter.Wrap(buf, l)
			if (err == nil) != (l.Check(n) == nil) {
				t.Fatalf("%+v: Wrap and Check disagree: %v", l, err)
			}
			if err != nil {
				continue
			}
			if l.Rows*l.Cols > 1<<14 {
				continue
			}
			for i := range l.Rows {
				for j := range l.Cols {
					k := l.Index(i, j)
					if k < 0 || k >= n {
						t.Fatalf("%+v: Check accepted element (%d, %d) at %d, buffer %d", l, i, j, k, n)
					}
					if got := m.At(i, j); got != buf[k] {
						t.Fatalf("%+v: %T At(%d, %d) = %v, want %v", l, m, i, j, got, buf[k])
					}
				}
			}
			if mu, ok := m.(mat.Mutable); ok && !l.Overlaps() {
				mu.Set(l.Rows-1, l.Cols-1, -1)
				if buf[l.Index(l.Rows-1, l.Cols-1)] != -1 {
					t.Fatalf("%+v: write through %T missed the buffer", l, m)
				}
			}
		}
	})
}
