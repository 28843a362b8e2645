package window_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/window"
)

// naiveWindows lists the windows of x the way the definition reads: every
// start i*step whose window of size elements fits.
func naiveWindows(x []float64, size, step int) [][]float64 {
	var rows [][]float64
	for start := 0; start+size <= len(x); start += step {
		rows = append(rows, append([]float64(nil), x[start:start+size]...))
	}
	return rows
}

func iota(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

func TestSliding(t *testing.T) {
	for n := 1; n <= 12; n++ {
		x := iota(n)
		for size := 1; size <= n; size++ {
			for step := 1; step <= n+2; step++ {
				s, err := window.Sliding(x, size, step)
				require.NoError(t, err, "n=%d size=%d step=%d", n, size, step)
				want := naiveWindows(x, size, step)
				l := s.Layout
				require.Equal(t, adapter.Layout{Rows: len(want), Cols: size, RowStride: step, ColStride: 1}, l,
					"n=%d size=%d step=%d", n, size, step)
				for i, row := range want {
					for j, v := range row {
						if got := s.At(i, j); got != v {
							t.Fatalf("n=%d size=%d step=%d: At(%d, %d) = %v, want %v", n, size, step, i, j, got, v)
						}
					}
				}
				// Data ends at the last element a window reaches.
				assert.Equal(t, (len(want)-1)*step+size, len(s.Data))
				assert.NoError(t, l.Check(len(s.Data)))
				overlap := step < size && len(want) > 1
				assert.Equal(t, overlap, l.Overlaps(), "n=%d size=%d step=%d", n, size, step)

				m, err := adapter.Wrap(s.Data, l)
				require.NoError(t, err)
				if step >= size {
					d, ok := m.(*mat.Dense)
					require.True(t, ok, "n=%d size=%d step=%d: Wrap gave %T, want *mat.Dense", n, size, step, m)
					assert.True(t, mat.Equal(d, &s), "n=%d size=%d step=%d", n, size, step)
				}

				s32, err := window.Sliding32(float32s(x), size, step)
				require.NoError(t, err)
				require.Equal(t, l, s32.Layout)
				for i, row := range want {
					for j, v := range row {
						if got := s32.At(i, j); got != float32(v) {
							t.Fatalf("n=%d size=%d step=%d: Sliding32 At(%d, %d) = %v, want %v", n, size, step, i, j, got, v)
						}
					}
				}
			}
		}
	}
}

func float32s(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func TestSlidingErrors(t *testing.T) {
	x := iota(5)
	for i, test := range []struct {
		x          []float64
		size, step int
	}{
		{x, 0, 1},
		{x, -1, 1},
		{x, 3, 0},
		{x, 3, -2},
		{x, 6, 1},
		{x, math.MaxInt, 1},
		{x, math.MinInt, math.MinInt},
		{nil, 1, 1},
		{x[:0], 1, 1},
	} {
		s, err := window.Sliding(test.x, test.size, test.step)
		if !errors.Is(err, window.ErrDims) {
			t.Errorf("test %d: Sliding(len %d, %d, %d): got %v, want ErrDims", i, len(test.x), test.size, test.step, err)
		}
		assert.Zero(t, s, "test %d", i)
		_, err = window.Sliding32(float32s(test.x), test.size, test.step)
		if !errors.Is(err, window.ErrDims) {
			t.Errorf("test %d: Sliding32: got %v, want ErrDims", i, err)
		}
	}
	// A step far past the end gives one window, not an overflow.
	s, err := window.Sliding(x, 2, math.MaxInt)
	require.NoError(t, err)
	assert.Equal(t, adapter.Layout{Rows: 1, Cols: 2, RowStride: math.MaxInt, ColStride: 1}, s.Layout)
	assert.NoError(t, s.Layout.Check(len(s.Data)))
}

// A view is the buffer: writes through a non-overlapping view land in x and
// nowhere else.
func TestSlidingZeroCopy(t *testing.T) {
	const sentinel = -7
	// 10 elements, size 3, step 4: windows cover 0..2 and 4..6; 3 and 7..9
	// belong to no window.
	x := make([]float64, 10)
	for i := range x {
		x[i] = sentinel
	}
	s, err := window.Sliding(x, 3, 4)
	require.NoError(t, err)
	require.False(t, s.Layout.Overlaps())
	for i := range s.Layout.Rows {
		for j := range s.Layout.Cols {
			s.Set(i, j, float64(10*i+j))
		}
	}
	assert.Equal(t, []float64{0, 1, 2, sentinel, 10, 11, 12, sentinel, sentinel, sentinel}, x)

	// Through the *mat.Dense Wrap gives, too.
	m, err := adapter.Wrap(s.Data, s.Layout)
	require.NoError(t, err)
	m.(*mat.Dense).Set(1, 2, 99)
	assert.Equal(t, 99.0, x[6])
	assert.Equal(t, float64(sentinel), x[7])

	allocs := testing.AllocsPerRun(100, func() {
		s, err = window.Sliding(x, 3, 2)
	})
	assert.Zero(t, allocs, "Sliding allocates")
	x32 := float32s(x)
	allocs = testing.AllocsPerRun(100, func() {
		_, err = window.Sliding32(x32, 3, 2)
	})
	assert.Zero(t, allocs, "Sliding32 allocates")
}

func TestSlidingOverlapReadOnly(t *testing.T) {
	x := iota(6)
	s, err := window.Sliding(x, 3, 2)
	require.NoError(t, err)
	require.True(t, s.Layout.Overlaps())
	assert.Equal(t, s.At(0, 2), s.At(1, 0)) // both x2
	assert.Panics(t, func() { s.Set(0, 2, -1) })
	assert.Equal(t, iota(6), x)
}

// fir is the reference: filter f applied at every step-th position,
// y[i][f] = Σ_j x[i*step+j] * taps[j][f], the cross-correlation that
// np.convolve(x, taps[::-1], 'valid')[::step] computes.
func fir(x []float64, taps [][]float64, step int) [][]float64 {
	k := len(taps)
	var y [][]float64
	for start := 0; start+k <= len(x); start += step {
		row := make([]float64, len(taps[0]))
		for f := range row {
			for j := range k {
				row[f] += x[start+j] * taps[j][f]
			}
		}
		y = append(y, row)
	}
	return y
}

// A bank of FIR filters is windows·taps, one GEMM. Disjoint windows go to
// BLAS as they are; overlapping ones are packed.
func TestSlidingGemm(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const n, k, filters = 101, 5, 3
	x := make([]float64, n)
	for i := range x {
		x[i] = rnd.NormFloat64()
	}
	taps := make([][]float64, k)
	flat := make([]float64, 0, k*filters)
	for j := range taps {
		taps[j] = make([]float64, filters)
		for f := range taps[j] {
			taps[j][f] = rnd.NormFloat64()
		}
		flat = append(flat, taps[j]...)
	}
	b := adapter.Strided{Data: flat, Layout: adapter.Layout{Rows: k, Cols: filters, RowStride: filters, ColStride: 1}}
	for _, step := range []int{1, 2, 4, 5, 7, 20} {
		t.Run(fmt.Sprintf("step=%d", step), func(t *testing.T) {
			a, err := window.Sliding(x, k, step)
			require.NoError(t, err)
			want := fir(x, taps, step)
			require.Len(t, want, a.Layout.Rows)
			out := make([]float64, len(want)*filters)
			c := adapter.Strided{Data: out, Layout: adapter.Layout{Rows: len(want), Cols: filters, RowStride: filters, ColStride: 1}}

			planned, err := blasbridge.PlanGemm(a.Layout, b.Layout, c.Layout)
			require.NoError(t, err)
			p, err := blasbridge.Gemm(1, a, b, 0, c)
			require.NoError(t, err)
			assert.Equal(t, planned.A.Packed, p.A.Packed)
			if step >= k {
				assert.False(t, p.A.Packed, "plan %v", p)
				assert.Zero(t, p.CopiedBytes, "plan %v", p)
			} else {
				assert.True(t, p.A.Packed, "plan %v", p)
				assert.Equal(t, adapter.General, a.Layout.Order())
			}
			for i, row := range want {
				for f, v := range row {
					assert.InDelta(t, v, out[i*filters+f], 1e-12, "y[%d][%d]", i, f)
				}
			}
		})
	}
}
