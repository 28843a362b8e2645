package window_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/fixture"
	"github.com/strider-go/strider/window"
)

// naive is the reference for Windows, written from the definition: along
// each axis list the window starts that fit, then read element idx as the
// array element whose index along axis k is start + j*dilation.
type naive struct {
	shape []int
	// starts[k] lists the window starts along axis k; taps[k] the offsets
	// of the window's elements (just 0 for an unwindowed axis).
	starts, taps [][]int
	windowed     []int                  // the windowed axes, in order
	a            adapter.Array[float64] // a's layout; its Data is unused
}

func newNaive[T adapter.Float](a adapter.Array[T], axes []window.Axis) naive {
	nv := naive{a: adapter.Array[float64]{Shape: a.Shape, Strides: a.Strides, Offset: a.Offset}}
	for k, ax := range axes {
		step, dil := ax.Step, ax.Dilation
		if step == 0 {
			step = 1
		}
		if dil == 0 {
			dil = 1
		}
		var taps []int
		if ax.Size == 0 {
			taps = []int{0}
		} else {
			for j := range ax.Size {
				taps = append(taps, j*dil)
			}
		}
		var starts []int
		for s := 0; s+taps[len(taps)-1] < a.Shape[k]; s += step {
			starts = append(starts, s)
		}
		nv.starts = append(nv.starts, starts)
		nv.taps = append(nv.taps, taps)
		nv.shape = append(nv.shape, len(starts))
		if ax.Size > 0 {
			nv.windowed = append(nv.windowed, k)
		}
	}
	for _, k := range nv.windowed {
		nv.shape = append(nv.shape, len(nv.taps[k]))
	}
	return nv
}

// index returns the buffer index of view element idx.
func (nv naive) index(idx []int) int {
	r := len(nv.a.Shape)
	off := nv.a.Offset
	w := r
	for k := range r {
		i := nv.starts[k][idx[k]]
		if slices.Contains(nv.windowed, k) {
			i += nv.taps[k][idx[w]]
			w++
		}
		off += i * nv.a.Strides[k]
	}
	return off
}

// each calls fn for every index of shape, in C order.
func each(shape []int, fn func(idx []int)) {
	idx := make([]int, len(shape))
	for _, n := range shape {
		if n <= 0 {
			return
		}
	}
	for {
		fn(idx)
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// bruteOverlap decides by listing every address.
func bruteOverlap[T adapter.Float](v adapter.Array[T]) bool {
	seen := make(map[int]bool)
	dup := false
	each(v.Shape, func(idx []int) {
		i := v.Index(idx...)
		dup = dup || seen[i]
		seen[i] = true
	})
	return dup
}

// cOrder returns C-order strides for shape.
func cOrder(shape []int) []int {
	s := make([]int, len(shape))
	p := 1
	for k := len(shape) - 1; k >= 0; k-- {
		s[k] = p
		p *= shape[k]
	}
	return s
}

func TestWindows(t *testing.T) {
	for i, test := range []struct {
		name string
		a    array
		n    int // buffer length
		axes []window.Axis
	}{
		{"1-D", array{Shape: []int{10}, Strides: []int{1}}, 10, []window.Axis{{Size: 3}}},
		{"1-D step", array{Shape: []int{10}, Strides: []int{1}}, 10, []window.Axis{{Size: 3, Step: 4}}},
		{"1-D dilated", array{Shape: []int{10}, Strides: []int{1}}, 10, []window.Axis{{Size: 3, Step: 2, Dilation: 3}}},
		{"1-D reversed", array{Shape: []int{10}, Strides: []int{-1}, Offset: 9}, 10, []window.Axis{{Size: 4, Step: 3}}},
		{"1-D strided", array{Shape: []int{5}, Strides: []int{3}, Offset: 1}, 14, []window.Axis{{Size: 2}}},
		{"1-D whole", array{Shape: []int{4}, Strides: []int{1}}, 4, []window.Axis{{Size: 4}}},
		{"1-D unwindowed", array{Shape: []int{9}, Strides: []int{1}}, 9, []window.Axis{{Step: 4}}},
		{"2-D 2×2", array{Shape: []int{4, 4}, Strides: []int{4, 1}}, 16, []window.Axis{{Size: 2}, {Size: 2}}},
		{"2-D 3×3 step 2", array{Shape: []int{7, 8}, Strides: []int{8, 1}}, 56, []window.Axis{{Size: 3, Step: 2}, {Size: 3, Step: 2}}},
		{"2-D dilated", array{Shape: []int{9, 9}, Strides: []int{9, 1}}, 81, []window.Axis{{Size: 3, Dilation: 2}, {Size: 2, Step: 3, Dilation: 4}}},
		{"2-D axis 1", array{Shape: []int{3, 8}, Strides: []int{8, 1}}, 24, []window.Axis{{}, {Size: 3}}},
		{"2-D axis 0", array{Shape: []int{6, 4}, Strides: []int{4, 1}}, 24, []window.Axis{{Size: 2, Step: 2}, {}}},
		{"2-D Fortran", array{Shape: []int{5, 6}, Strides: []int{1, 5}}, 30, []window.Axis{{Size: 2}, {Size: 3, Step: 2}}},
		{"2-D padded", array{Shape: []int{4, 5}, Strides: []int{7, 1}, Offset: 2}, 30, []window.Axis{{Size: 3}, {Size: 2}}},
		{"2-D reversed rows", array{Shape: []int{4, 5}, Strides: []int{-5, 1}, Offset: 15}, 20, []window.Axis{{Size: 2}, {Size: 2}}},
		{"2-D broadcast rows", array{Shape: []int{4, 5}, Strides: []int{0, 1}}, 5, []window.Axis{{Size: 2}, {Size: 3}}},
		{"3-D NHWC", array{Shape: []int{5, 6, 3}, Strides: cOrder([]int{5, 6, 3})}, 90, []window.Axis{{Size: 3}, {Size: 3, Step: 2}, {}}},
		{"3-D all", array{Shape: []int{4, 5, 6}, Strides: cOrder([]int{4, 5, 6})}, 120, []window.Axis{{Size: 2, Step: 2}, {Size: 3, Dilation: 2}, {Size: 4, Step: 3}}},
	} {
		checkWindows(t, i, test.name, test.a, test.n, test.axes)
		checkWindows(t, i, test.name+" float32", adapter.Array[float32]{Shape: test.a.Shape, Strides: test.a.Strides, Offset: test.a.Offset}, test.n, test.axes)
	}
}

// array is the layout of an array, for tables: Windows takes it once a buffer
// is attached.
type array = adapter.Array[float64]

// checkWindows windows a over a buffer of n elements 0, 1, 2, … and checks
// the view against the naive reference.
func checkWindows[T adapter.Float](t *testing.T, i int, name string, a adapter.Array[T], n int, axes []window.Axis) {
	t.Helper()
	data := make([]T, n)
	for j := range data {
		data[j] = T(j)
	}
	a.Data = data
	v, err := window.Windows(a, axes)
	require.NoError(t, err, "test %d (%s)", i, name)
	nv := newNaive(a, axes)
	require.Equal(t, nv.shape, v.Shape, "test %d (%s): shape", i, name)
	require.Len(t, v.Strides, len(v.Shape))
	maxIdx := -1
	each(v.Shape, func(idx []int) {
		want := nv.index(idx)
		maxIdx = max(maxIdx, want)
		if got := v.Index(idx...); got != want {
			t.Fatalf("test %d (%s): Index(%v) = %d, want %d", i, name, idx, got, want)
		}
		if got := v.At(idx...); got != data[want] {
			t.Fatalf("test %d (%s): At(%v) = %v, want %v", i, name, idx, got, data[want])
		}
	})
	assert.Equal(t, maxIdx+1, len(v.Data), "test %d (%s): Data ends at the last element reached", i, name)
	if len(v.Data) > 0 {
		assert.Same(t, &data[0], &v.Data[0], "test %d (%s): the view shares the buffer", i, name)
	}
	assert.Equal(t, bruteOverlap(v), v.Overlapping(), "test %d (%s): Overlapping", i, name)
}

// Random arrays (C, Fortran, permuted, padded, reversed, broadcast) and
// windows, against the naive reference; Overlapping against brute force.
func TestWindowsRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var overlapping, disjoint int
	for iter := range 3000 {
		r := 1 + rnd.IntN(3)
		shape := make([]int, r)
		for k := range shape {
			shape[k] = 1 + rnd.IntN(7)
		}
		// Strides: a permuted, padded C order, some axes reversed or
		// broadcast.
		perm := rnd.Perm(r)
		strides := make([]int, r)
		p := 1 + rnd.IntN(2)
		for _, k := range perm {
			strides[k] = p
			p *= shape[k] + rnd.IntN(2)
		}
		off := rnd.IntN(3)
		for k := range strides {
			switch rnd.IntN(8) {
			case 0:
				strides[k] = 0
			case 1:
				strides[k] = -strides[k]
			}
		}
		a := array{Shape: shape, Strides: strides, Offset: off}
		lo, hi := off, off
		for k := range shape {
			d := (shape[k] - 1) * strides[k]
			if d < 0 {
				lo += d
			} else {
				hi += d
			}
		}
		a.Offset -= lo
		n := hi - lo + 1 + rnd.IntN(3)
		axes := make([]window.Axis, r)
		for k := range axes {
			if rnd.IntN(4) > 0 {
				axes[k].Size = 1 + rnd.IntN(shape[k])
			}
			axes[k].Step = rnd.IntN(4)
			axes[k].Dilation = rnd.IntN(3)
		}
		data := make([]float64, n)
		for j := range data {
			data[j] = float64(j)
		}
		a.Data = data
		v, err := window.Windows(a, axes)
		fits := true
		for k, ax := range axes {
			d := max(ax.Dilation, 1)
			if max(ax.Size, 1)-1 >= 1 && d*(max(ax.Size, 1)-1) >= shape[k] {
				fits = false
			}
		}
		if !fits {
			require.ErrorIs(t, err, window.ErrDims, "iter %d: %v %+v", iter, a, axes)
			continue
		}
		require.NoError(t, err, "iter %d: %v %+v", iter, a, axes)
		nv := newNaive(a, axes)
		require.Equal(t, nv.shape, v.Shape, "iter %d: %v %+v", iter, a, axes)
		each(v.Shape, func(idx []int) {
			if got, want := v.At(idx...), data[nv.index(idx)]; got != want {
				t.Fatalf("iter %d: %v %+v: At(%v) = %v, want %v", iter, a, axes, idx, got, want)
			}
		})
		want := bruteOverlap(v)
		if want {
			overlapping++
		} else {
			disjoint++
		}
		require.Equal(t, want, v.Overlapping(), "iter %d: %v %+v: view %v %v", iter, a, axes, v.Shape, v.Strides)
		// These arrays' axes nest, so the answer is exact without the
		// enumeration of small cases too.
		restore := window.SetMaxSearch(0)
		got := v.Overlapping()
		restore()
		require.Equal(t, want, got, "iter %d: without search: %v %+v: view %v %v", iter, a, axes, v.Shape, v.Strides)
	}
	t.Logf("%d overlapping, %d disjoint views", overlapping, disjoint)
	assert.Greater(t, disjoint, 100)
	assert.Greater(t, overlapping, 100)
}

func TestWindowsErrors(t *testing.T) {
	const big = math.MaxInt / 2
	arr := func(shape, strides []int, off int) array {
		return array{Shape: shape, Strides: strides, Offset: off}
	}
	a2 := arr([]int{4, 4}, []int{4, 1}, 0)
	for i, test := range []struct {
		a    array
		n    int
		axes []window.Axis
		want error
	}{
		{arr(nil, nil, 0), 4, nil, window.ErrRank},
		{arr([]int{4, 4}, []int{4}, 0), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrRank},
		{a2, 16, []window.Axis{{Size: 2}}, window.ErrRank},
		{a2, 16, []window.Axis{{Size: 2}, {Size: 2}, {Size: 2}}, window.ErrRank},
		{arr([]int{0, 4}, []int{4, 1}, 0), 16, []window.Axis{{Size: 1}, {Size: 2}}, window.ErrDims},
		{arr([]int{-3}, []int{1}, 0), 16, []window.Axis{{Size: 1}}, window.ErrDims},
		{a2, 16, []window.Axis{{Size: 5}, {Size: 2}}, window.ErrDims},
		{a2, 16, []window.Axis{{Size: 3, Dilation: 2}, {Size: 2}}, window.ErrDims}, // spans 5 of 4
		{a2, 16, []window.Axis{{Size: -1}, {Size: 2}}, window.ErrDims},
		{a2, 16, []window.Axis{{Size: 2, Step: -1}, {Size: 2}}, window.ErrDims},
		{a2, 16, []window.Axis{{Size: 2}, {Size: 2, Dilation: -2}}, window.ErrDims},
		{a2, 15, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOutOfBounds},
		{arr([]int{4, 4}, []int{4, 1}, 1), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOutOfBounds},
		{arr([]int{4, 4}, []int{-4, 1}, 0), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOutOfBounds},
		{arr([]int{4, 4}, []int{4, 1}, -1), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOutOfBounds},
		{arr([]int{4, 4}, []int{big, 1}, 0), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOverflow},
		{arr([]int{3, 3}, []int{big, big}, 0), 16, []window.Axis{{Size: 2}, {Size: 2}}, window.ErrOverflow},
		{arr([]int{3}, []int{math.MinInt}, big), 16, []window.Axis{{Size: 2}}, window.ErrOverflow},
		{arr([]int{2}, []int{math.MinInt}, big), 16, []window.Axis{{Size: 2}}, window.ErrOutOfBounds},
		{arr([]int{2}, []int{1}, math.MaxInt), 16, []window.Axis{{Size: 2}}, window.ErrOverflow},
		{arr([]int{4}, []int{1}, 0), 4, []window.Axis{{Size: math.MaxInt, Dilation: math.MaxInt}}, window.ErrOverflow},
		{arr([]int{4}, []int{1}, 0), 4, []window.Axis{{Size: math.MaxInt}}, window.ErrDims},
		// 2^64 elements: their count wraps to 0 in int, and the offset is
		// still outside the buffer.
		{arr([]int{1 << 32, 1 << 32}, []int{0, 0}, 5), 4, []window.Axis{{}, {}}, window.ErrOutOfBounds},
		{arr([]int{1 << 32, 1 << 32}, []int{0, 1}, 0), 4, []window.Axis{{}, {}}, window.ErrOutOfBounds},
	} {
		test.a.Data = make([]float64, test.n)
		var v array
		var err error
		require.NotPanics(t, func() { v, err = window.Windows(test.a, test.axes) }, "test %d", i)
		if !errors.Is(err, test.want) {
			t.Errorf("test %d: %v %+v: got %v, want %v", i, test.a, test.axes, err, test.want)
		}
		assert.Zero(t, v.Shape, "test %d", i)
	}

	// A size-1 dimension whose step overflows its stride still works.
	with := func(a array, n int) array { a.Data = make([]float64, n); return a }
	v, err := window.Windows(with(arr([]int{4}, []int{big}, 0), 8), []window.Axis{{}})
	require.ErrorIs(t, err, window.ErrOverflow) // the array itself overflows
	v, err = window.Windows(with(arr([]int{4}, []int{2}, 0), 8), []window.Axis{{Size: 4, Step: big}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 4}, v.Shape)
	v, err = window.Windows(with(arr([]int{1, 4}, []int{big, 2}, 0), 8), []window.Axis{{Size: 1, Step: big, Dilation: big}, {Size: 4}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 4}, v.Shape)
	assert.Equal(t, 0.0, v.At(0, 0, 0, 3))

	// A broadcast of 2^64 elements over one is a valid, read-only array.
	v, err = window.Windows(with(arr([]int{1 << 32, 1 << 32}, []int{0, 0}, 0), 1), []window.Axis{{Size: 2}, {}})
	require.NoError(t, err)
	assert.Equal(t, []int{1<<32 - 1, 1 << 32, 2}, v.Shape)
	assert.True(t, v.Overlapping())
}

// window's errors are adapter's, so errors.Is and panic values match
// across the packages.
func TestErrorsAreAdapters(t *testing.T) {
	for i, test := range []struct{ got, want error }{
		{window.ErrRank, adapter.ErrRank},
		{window.ErrIndex, adapter.ErrIndex},
		{window.ErrReadOnly, adapter.ErrReadOnly},
		{window.ErrNotMatrix, adapter.ErrNotMatrix},
		{window.ErrDims, adapter.ErrDims},
		{window.ErrOutOfBounds, adapter.ErrOutOfBounds},
		{window.ErrOverflow, adapter.ErrOverflow},
	} {
		if test.got != test.want {
			t.Errorf("test %d: got %v, want %v", i, test.got, test.want)
		}
	}
	_, err := window.Windows(array{Data: make([]float64, 4), Shape: []int{4}, Strides: []int{1}}, nil)
	assert.ErrorIs(t, err, adapter.ErrRank)
	v, err := window.Windows(array{Data: make([]float64, 4), Shape: []int{4}, Strides: []int{1}}, []window.Axis{{Size: 2}})
	require.NoError(t, err)
	assert.PanicsWithValue(t, adapter.ErrIndex, func() { v.At(3, 0) })
}

// The panics of At and Set: wrong rank, index out of range, and writes
// through overlapping windows, which must leave the buffer untouched.
func TestViewPanics(t *testing.T) {
	data := iota(8)
	v, err := window.Windows(array{Data: data, Shape: []int{8}, Strides: []int{1}}, []window.Axis{{Size: 3, Step: 2}})
	require.NoError(t, err)
	require.True(t, v.Overlapping())
	for _, idx := range [][]int{{0}, {0, 0, 0}, nil} {
		assert.PanicsWithValue(t, window.ErrRank, func() { v.At(idx...) }, "idx %v", idx)
	}
	for _, idx := range [][]int{{3, 0}, {0, 3}, {-1, 0}, {0, -1}} {
		assert.PanicsWithValue(t, window.ErrIndex, func() { v.At(idx...) }, "idx %v", idx)
		assert.PanicsWithValue(t, window.ErrIndex, func() { v.Set(1, idx...) }, "idx %v", idx)
	}
	func() {
		defer func() {
			r := recover()
			err, ok := r.(error)
			require.True(t, ok, "panic value %v (%T)", r, r)
			assert.ErrorIs(t, err, window.ErrReadOnly)
			t.Log(err)
		}()
		v.Set(-1, 1, 0)
	}()
	assert.Equal(t, iota(8), data, "Set through overlapping windows wrote")

	// Base arrays that overlap themselves make read-only views too.
	v, err = window.Windows(array{Data: data, Shape: []int{3, 4}, Strides: []int{0, 1}}, []window.Axis{{}, {Size: 2, Step: 2}})
	require.NoError(t, err)
	assert.True(t, v.Overlapping())
	assert.Panics(t, func() { v.Set(0, 0, 0, 0) })
	assert.Equal(t, iota(8), data)
}

// Views are the buffer: writing every element of a disjoint view changes
// exactly those elements; sentinels in the gaps survive.
func TestViewZeroCopy(t *testing.T) {
	const sentinel = -5
	// A 7×9 image in a buffer with row pitch 11 and 3 elements before it:
	// 3×3 windows every 3 rows and 4 columns leave gaps everywhere.
	data := make([]float64, 3+7*11+5)
	for i := range data {
		data[i] = sentinel
	}
	a := array{Data: data, Shape: []int{7, 9}, Strides: []int{11, 1}, Offset: 3}
	v, err := window.Windows(a, []window.Axis{{Size: 3, Step: 3}, {Size: 3, Step: 4}})
	require.NoError(t, err)
	require.Equal(t, []int{2, 2, 3, 3}, v.Shape)
	require.False(t, v.Overlapping())
	want := slices.Clone(data)
	n := 0
	each(v.Shape, func(idx []int) {
		n++
		v.Set(float64(n), idx...)
		r := 3*idx[0] + idx[2]
		c := 4*idx[1] + idx[3]
		want[3+11*r+c] = float64(n)
	})
	assert.Equal(t, want, data[:len(want)])
	assert.Equal(t, 36, n)
}

// Windows allocates the view's shape and strides, once, whatever the size.
func TestWindowsAllocs(t *testing.T) {
	var counts []float64
	for _, n := range []int{8, 512} {
		a := array{Data: make([]float64, n*n), Shape: []int{n, n}, Strides: []int{n, 1}}
		axes := []window.Axis{{Size: 3, Step: 2}, {Size: 3, Step: 2}}
		counts = append(counts, testing.AllocsPerRun(100, func() {
			if _, err := window.Windows(a, axes); err != nil {
				panic(err)
			}
		}))
	}
	assert.Equal(t, counts[0], counts[1], "allocations depend on size")
	assert.LessOrEqual(t, counts[0], 1.0)

	v, err := window.Windows(array{Data: make([]float64, 64), Shape: []int{8, 8}, Strides: []int{8, 1}}, []window.Axis{{Size: 2}, {Size: 2}})
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		_ = v.At(1, 2, 1, 0)
		_ = v.Overlapping()
	})
	assert.Zero(t, allocs, "At and Overlapping allocate")
}

// Overlapping is exact where the doc says so: cases it decides by splitting
// nested axes, beyond the size brute force enumeration covers.
func TestOverlapping(t *testing.T) {
	for i, test := range []struct {
		shape, strides []int
		want           bool
	}{
		{[]int{5, 3}, []int{3, 1}, false},
		{[]int{5, 3}, []int{2, 1}, true},
		// Interleaved dilated windows: step 2, dilation 3, size 2 (the
		// rule step < dilation*(size-1)+1 would call them overlapping).
		{[]int{4, 2}, []int{2, 3}, false},
		{[]int{4, 2}, []int{3, 3}, true},
		// 2×2 windows, step 2, of a 1000×1000 image: disjoint; step 1:
		// overlapping. 10^6 elements, beyond brute force.
		{[]int{499, 499, 2, 2}, []int{2000, 2, 1000, 1}, false},
		{[]int{999, 999, 2, 2}, []int{1000, 1, 1000, 1}, true},
		// The same with the window along axis 0 overlapping only.
		{[]int{999, 500, 2, 2}, []int{1000, 2, 1000, 1}, true},
		// Dilated interleaving along both axes of a large image.
		{[]int{300, 300, 2, 2}, []int{2000, 2, 3000, 3}, false},
		// A broadcast axis of length > 1.
		{[]int{3, 1000, 4}, []int{0, 4, 1}, true},
		{[]int{1, 1000, 4}, []int{0, 4, 1}, false},
		// Reversed axes are as good as forward ones.
		{[]int{499, 499, 2, 2}, []int{-2000, 2, 1000, -1}, false},
		// Zero elements.
		{[]int{0, 5}, []int{0, 0}, false},
		// Interleaving strides in three dimensions, large: conservative.
		{[]int{100, 100, 100}, []int{7, 11, 13}, true},
		// Interleaving in three dimensions, small enough to enumerate.
		{[]int{2, 2, 2}, []int{3, 5, 7}, false},
		{[]int{2, 2, 2}, []int{2, 3, 5}, true}, // 2 + 3 == 5
		{[]int{3, 3, 3}, []int{3, 5, 7}, true}, // 2*5 == 3 + 7
		{[]int{40, 40, 2}, []int{7, 11, 13}, true},
	} {
		v := array{Data: make([]float64, 1), Shape: test.shape, Strides: test.strides}
		if got := v.Overlapping(); got != test.want {
			t.Errorf("test %d: shape %v strides %v: got %v, want %v", i, test.shape, test.strides, got, test.want)
		}
		restore := window.SetMaxSearch(0)
		exact := v.Overlapping()
		restore()
		if exact != test.want && !(test.want == false && exact) {
			t.Errorf("test %d: shape %v strides %v: without search: got %v, want %v", i, test.shape, test.strides, exact, test.want)
		}
		if n := prod(test.shape); n <= 1<<12 && bruteOverlap(v) != test.want {
			t.Errorf("test %d: shape %v strides %v: brute force disagrees with the table", i, test.shape, test.strides)
		}
	}
}

// Matrix flattens what a single stride can describe; Sliding is the fast
// path of Windows over one axis, and they must agree.
func TestMatrix(t *testing.T) {
	x := iota(20)
	for size := 1; size <= 6; size++ {
		for step := 1; step <= 7; step++ {
			v, err := window.Windows(array{Data: x, Shape: []int{20}, Strides: []int{1}}, []window.Axis{{Size: size, Step: step}})
			require.NoError(t, err)
			m, err := v.Matrix(1)
			require.NoError(t, err)
			s, err := window.Sliding(x, size, step)
			require.NoError(t, err)
			assert.Equal(t, s.Layout, m, "size %d step %d", size, step)
			assert.Equal(t, len(s.Data), len(v.Data), "size %d step %d: Data ends where Sliding's does", size, step)
			assert.Equal(t, s.Layout.Overlaps(), v.Overlapping(), "size %d step %d", size, step)
		}
	}

	data := iota(64)
	img := array{Data: data, Shape: []int{4, 16}, Strides: []int{16, 1}}
	for i, test := range []struct {
		a       array
		axes    []window.Axis
		rowAxes int
		want    adapter.Layout
		err     error
	}{
		// Chunks of 4 along each row of a 4×16 image: 16 rows of 4.
		{img, []window.Axis{{}, {Size: 4, Step: 4}}, 2, adapter.Layout{Rows: 16, Cols: 4, RowStride: 4, ColStride: 1}, nil},
		// Chunks of 4 every 5 along each row: rows don't chain.
		{img, []window.Axis{{}, {Size: 4, Step: 5}}, 2, adapter.Layout{}, window.ErrNotMatrix},
		// Window of 3 along each row, taken as rows per image row: 4 rows of
		// 14·3 columns don't flatten, but per-row (rowAxes 1) windows…
		{img, []window.Axis{{}, {Size: 3}}, 1, adapter.Layout{}, window.ErrNotMatrix},
		// Whole rows of 2×2 windows: no.
		{img, []window.Axis{{Size: 2}, {Size: 2}}, 2, adapter.Layout{}, window.ErrNotMatrix},
		// Everything in columns: a single row.
		{array{Data: data, Shape: []int{16}, Strides: []int{1}}, []window.Axis{{Size: 16}}, 0, adapter.Layout{Rows: 1, Cols: 16, ColStride: 1}, nil},
		// Size-1 dimensions drop out.
		{array{Data: data, Shape: []int{1, 16}, Strides: []int{99, 1}}, []window.Axis{{Size: 1}, {Size: 4, Step: 2}}, 2, adapter.Layout{Rows: 7, Cols: 4, RowStride: 2, ColStride: 1}, nil},
		// Windows down the columns (axis 0) of a 4×16 image, as rows: each
		// output element (o, c) is a row of the 2-element column window.
		{img, []window.Axis{{Size: 2}, {}}, 2, adapter.Layout{Rows: 48, Cols: 2, RowStride: 1, ColStride: 16}, nil},
		{img, []window.Axis{{}, {Size: 4}}, 4, adapter.Layout{}, window.ErrRank},
		{img, []window.Axis{{}, {Size: 4}}, -1, adapter.Layout{}, window.ErrRank},
	} {
		v, err := window.Windows(test.a, test.axes)
		require.NoError(t, err, "test %d", i)
		l, err := v.Matrix(test.rowAxes)
		if test.err != nil {
			assert.ErrorIs(t, err, test.err, "test %d", i)
			_, err = adapter.StridedView(v, test.rowAxes)
			assert.ErrorIs(t, err, test.err, "test %d: StridedView", i)
			continue
		}
		require.NoError(t, err, "test %d", i)
		assert.Equal(t, test.want, l, "test %d", i)
		m, err := adapter.StridedView(v, test.rowAxes)
		require.NoError(t, err, "test %d", i)
		assert.Equal(t, l, m.Layout, "test %d: StridedView", i)
		// Element (i, j) of the matrix is element (rows…, cols…) of v in
		// C order.
		k := 0
		each(v.Shape, func(idx []int) {
			r, c := k/m.Layout.Cols, k%m.Layout.Cols
			if got, want := m.At(r, c), v.At(idx...); got != want {
				t.Fatalf("test %d: At(%d, %d) = %v, want v.At(%v) = %v", i, r, c, got, idx, want)
			}
			k++
		})
	}
}

func prod(shape []int) int {
	p := 1
	for _, n := range shape {
		p *= n
	}
	return p
}

// numpyWindows builds NumPy's sliding_window_view(x, window, axis) followed
// by the step and dilation slicing of c, one window per call of Windows,
// re-windowing the view each time: Windows puts each new window dimension
// last, so the window dimensions come out in the order of NumPy's axis
// argument, repeated axes included.
func numpyWindows(c fixture.WindowNDCase) (array, error) {
	v, err := adapter.ArrayFromNumPy(c.Input.Base, c.Input.Shape, c.Input.Strides, c.ItemSize, c.Input.Offset)
	if err != nil {
		return array{}, err
	}
	r := len(c.Input.Shape)
	axis := c.Axis
	if axis == nil {
		for k := range c.WindowShape {
			axis = append(axis, k)
		}
	}
	for i, k := range axis {
		if k < 0 {
			k += r
		}
		axes := make([]window.Axis, len(v.Shape))
		axes[k] = window.Axis{Size: c.WindowShape[i], Step: c.Step[i], Dilation: c.Dilation[i]}
		if v, err = window.Windows(v, axes); err != nil {
			return array{}, err
		}
	}
	return v, nil
}

// checkFixture compares a view with NumPy's: shape, byte strides of every
// dimension longer than 1 (a size-1 dimension's stride is meaningless),
// offset and every value.
func checkFixture(t *testing.T, c fixture.WindowNDCase, v array) {
	t.Helper()
	require.Equal(t, c.Shape, v.Shape, c.Note)
	for k, n := range v.Shape {
		if n > 1 {
			assert.Equal(t, c.Strides[k], v.Strides[k]*c.ItemSize, "%s: stride %d", c.Note, k)
		}
	}
	assert.Equal(t, c.Offset, v.Offset*c.ItemSize, c.Note)
	j := 0
	each(v.Shape, func(idx []int) {
		if got, want := v.Index(idx...), c.Index(idx...); got != want {
			t.Fatalf("%s: Index(%v) = %d, NumPy %d", c.Note, idx, got, want)
		}
		if got, want := v.At(idx...), c.Values[j]; got != want {
			t.Fatalf("%s: At(%v) = %v, NumPy %v", c.Note, idx, got, want)
		}
		j++
	})
	assert.Equal(t, len(c.Values), j)
	assert.Equal(t, bruteOverlap(v), v.Overlapping(), c.Note)
}

// The NumPy fixtures of testdata/windows.json (gen_conv.py): Sliding and
// Windows against sliding_window_view's shapes, byte strides and values.
func TestWindowsNumPy(t *testing.T) {
	w, err := fixture.LoadWindows()
	require.NoError(t, err)

	for _, c := range w.Sliding1D {
		t.Run("1d/"+c.Name, func(t *testing.T) {
			const itemsize = 8
			v, err := window.Windows(array{Data: c.X, Shape: []int{len(c.X)}, Strides: []int{1}}, []window.Axis{{Size: c.Size, Step: c.Step, Dilation: c.Dilation}})
			require.NoError(t, err)
			m, err := adapter.StridedView(v, 1)
			require.NoError(t, err)
			require.Equal(t, c.Shape, []int{m.Layout.Rows, m.Layout.Cols}, c.Note)
			if c.Shape[0] > 1 {
				assert.Equal(t, c.Strides[0], m.Layout.RowStride*itemsize, c.Note)
			}
			if c.Shape[1] > 1 {
				assert.Equal(t, c.Strides[1], m.Layout.ColStride*itemsize, c.Note)
			}
			assert.Equal(t, c.Offset, m.Layout.Offset*itemsize)
			if c.Dilation == 1 {
				s, err := window.Sliding(c.X, c.Size, c.Step)
				require.NoError(t, err)
				assert.Equal(t, m.Layout, s.Layout, c.Note)
			}
			for i, row := range c.Values {
				for j, want := range row {
					if got := m.At(i, j); got != want {
						t.Fatalf("%s: At(%d, %d) = %v, NumPy %v", c.Note, i, j, got, want)
					}
				}
			}
		})
	}

	for _, c := range w.SlidingND {
		t.Run("nd/"+c.Name, func(t *testing.T) {
			v, err := numpyWindows(c)
			require.NoError(t, err, c.Note)
			checkFixture(t, c, v)

			// One call of Windows gives the same view when NumPy's axes are
			// increasing, since Windows orders window dimensions by axis.
			r := len(c.Input.Shape)
			axis := c.Axis
			if axis == nil {
				axis = []int{0, 1, 2, 3}[:len(c.WindowShape)]
			}
			axes := make([]window.Axis, r)
			prev := -1
			for i, k := range axis {
				if k < 0 {
					k += r
				}
				if k <= prev {
					return // not increasing: numpyWindows covers it
				}
				prev = k
				axes[k] = window.Axis{Size: c.WindowShape[i], Step: c.Step[i], Dilation: c.Dilation[i]}
			}
			a := array{Data: c.Input.Base, Shape: c.Input.Shape, Strides: make([]int, r), Offset: c.Input.Offset / c.ItemSize}
			for k, s := range c.Input.Strides {
				a.Strides[k] = s / c.ItemSize
			}
			v, err = window.Windows(a, axes)
			require.NoError(t, err, c.Note)
			checkFixture(t, c, v)
		})
	}

	for _, c := range w.Bad {
		t.Run("bad/"+c.Name, func(t *testing.T) {
			r := len(c.Shape)
			a := array{Data: make([]float64, prod(c.Shape)), Shape: c.Shape, Strides: cOrder(c.Shape)}
			// An Axis carries its own size, so NumPy's window_shape and axis
			// arguments of different lengths have no equivalent.
			if c.Axis != nil && len(c.Axis) != len(c.WindowShape) {
				t.Logf("not expressible with Axis values: %v", c.NumPyError)
				return
			}
			axis := c.Axis
			if axis == nil {
				axis = []int{0, 1, 2, 3}[:len(c.WindowShape)]
			}
			n := r
			for _, k := range axis {
				n = max(n, k+1) // an axis NumPy has not: a rank mismatch
			}
			axes := make([]window.Axis, n)
			if c.Axis == nil && len(c.WindowShape) != r {
				axes = axes[:len(c.WindowShape)] // window_shape for too few axes
			}
			for i, k := range axis {
				axes[k] = window.Axis{Size: c.WindowShape[i]}
			}
			_, err := window.Windows(a, axes)
			require.Error(t, err, c.NumPyError)
			assert.True(t, errors.Is(err, window.ErrDims) || errors.Is(err, window.ErrRank), "%v (NumPy: %s)", err, c.NumPyError)
			t.Logf("%v (NumPy: %s)", err, c.NumPyError)
		})
	}
}
