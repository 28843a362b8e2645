package npy_test

import (
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter/npy"
)

// TestConcurrentUse checks, under -race, what File's doc promises: one File's
// methods (all but Close) called from many goroutines at once, each reading
// the data through its own view, and many Files of one path open at once.
func TestConcurrentUse(t *testing.T) {
	const r, c, goroutines = 5, 7, 8
	path := writeFile(t, t.TempDir(), "a.npy", r, c, true)
	f, err := npy.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := func(i, j int) float64 { return float64(i*c+j) + 0.5 }

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			var m mat.Matrix
			var err error
			switch g % 3 {
			case 0:
				s, err := f.Strided()
				if err != nil {
					t.Error(err)
					return
				}
				for i := range r {
					for j := range c {
						if v := s.Data[s.Layout.Index(i, j)]; v != want(i, j) {
							t.Errorf("Strided (%d, %d) = %v", i, j, v)
						}
					}
				}
				return
			case 1:
				if m, err = f.Matrix(); err != nil {
					t.Error(err)
					return
				}
			default:
				other, err := npy.Open(path) // a second File of the same path
				if err != nil {
					t.Error(err)
					return
				}
				defer other.Close()
				if m, err = other.Matrix(); err != nil {
					t.Error(err)
					return
				}
			}
			_ = f.Shape()
			_ = f.Header()
			for i := range r {
				for j := range c {
					if v := m.At(i, j); v != want(i, j) {
						t.Errorf("Matrix (%d, %d) = %v", i, j, v)
					}
				}
			}
		})
	}
	wg.Wait()
}
