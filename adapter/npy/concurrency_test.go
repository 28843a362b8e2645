package npy_test

import (
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/internal/fixture"
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

// TestConcurrentTyped calls Data, Get, Convert and Strides of one File of
// each kind (mapped, byte-swapped copy, loaded) from many goroutines at
// once under -race.
func TestConcurrentTyped(t *testing.T) {
	for _, name := range []string{"t_lef4_f_r3", "t_bef4_c_r4"} {
		for _, load := range []bool{false, true} {
			path := fixture.Path("npy/typed/" + name + ".npy")
			f, err := npy.Open(path)
			if load {
				f, err = npy.Load(path)
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := npy.Convert[float64](f)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					a, err := npy.Get[float32](f)
					d, err2 := npy.Data[float32](f)
					c, err3 := npy.Convert[float64](f)
					if err != nil || err2 != nil || err3 != nil {
						t.Error(err, err2, err3)
						return
					}
					_ = f.Strides()
					for k := range d {
						if float64(d[k]) != want.Data[k] && d[k] == d[k] || float64(a.Data[k]) != c.Data[k] && c.Data[k] == c.Data[k] {
							t.Errorf("%s: element %d differs", name, k)
						}
					}
				})
			}
			wg.Wait()
			f.Close()
		}
	}
}
