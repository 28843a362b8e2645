package adapter_test

import (
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

// TestConcurrentUse checks, under -race, exactly what the package doc
// promises: one layout and one wrapped matrix of each class read by many
// goroutines at once, and disjoint elements of one buffer written at once
// through views of their own.
func TestConcurrentUse(t *testing.T) {
	const r, c, goroutines = 6, 5, 8
	layouts := map[string]adapter.Layout{
		"row-major": {Rows: r, Cols: c, RowStride: c + 1, ColStride: 1},
		"col-major": {Rows: r, Cols: c, RowStride: 1, ColStride: r + 2},
		"general":   {Rows: r, Cols: c, RowStride: 2 * c, ColStride: 2},
	}
	for name, l := range layouts {
		t.Run(name, func(t *testing.T) {
			_, hi, err := l.Extent()
			if err != nil {
				t.Fatal(err)
			}
			data := make([]float64, hi+1)
			for i := range data {
				data[i] = float64(i)
			}
			m, err := adapter.Wrap(data, l)
			if err != nil {
				t.Fatal(err)
			}
			ones := mat.NewDense(c, 1, nil)
			for i := range c {
				ones.Set(i, 0, 1)
			}
			// Reference row sums, read before the goroutines start.
			want := make([]float64, r)
			for i := range r {
				for j := range c {
					want[i] += data[l.Index(i, j)]
				}
			}
			var wg sync.WaitGroup
			errs := make(chan string, goroutines)
			for range goroutines {
				wg.Go(func() {
					if err := l.Check(len(data)); err != nil {
						errs <- err.Error()
						return
					}
					var sums mat.Dense
					sums.Mul(m, ones) // m as a BLAS (or At) input
					for i := range r {
						if sums.At(i, 0) != want[i] {
							errs <- "wrong row sum"
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}

			// Disjoint writes: goroutine j writes column j through a view
			// of its own.
			for j := range c {
				wg.Go(func() {
					col := adapter.Layout{Rows: r, Cols: 1, RowStride: l.RowStride, ColStride: 1, Offset: l.Index(0, j)}
					v, err := adapter.Wrap(data, col)
					if err != nil {
						t.Error(err)
						return
					}
					s, ok := v.(interface{ Set(i, j int, v float64) })
					if !ok {
						t.Errorf("%T has no Set", v)
						return
					}
					for i := range r {
						s.Set(i, 0, float64(-1-j))
					}
				})
			}
			wg.Wait()
			for i := range r {
				for j := range c {
					if got := m.At(i, j); got != float64(-1-j) {
						t.Fatalf("(%d, %d) = %v after the disjoint writes, want %v", i, j, got, -1-j)
					}
				}
			}
		})
	}
}
