package adapter_test

import (
	"errors"
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
)

type L = adapter.Layout

func TestOrder(t *testing.T) {
	for i, test := range []struct {
		l    L
		want adapter.Order
	}{
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, adapter.RowMajor},
		{L{Rows: 3, Cols: 4, RowStride: 6, ColStride: 1}, adapter.RowMajor}, // padded
		{L{Rows: 3, Cols: 4, RowStride: 3, ColStride: 1}, adapter.General},  // rows overlap
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 3}, adapter.ColMajor},
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 10}, adapter.ColMajor},
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 2}, adapter.General},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, adapter.General},
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: -1, Offset: 3}, adapter.General},
		{L{Rows: 3, Cols: 4, RowStride: 0, ColStride: 1}, adapter.General}, // broadcast rows
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 0}, adapter.General}, // broadcast columns
		{L{Rows: 3, Cols: 4, RowStride: 8, ColStride: 2}, adapter.General},
		// Size-1 dimensions: their stride is meaningless.
		{L{Rows: 1, Cols: 1, RowStride: 99, ColStride: 7}, adapter.RowMajor}, // tie: RowMajor
		{L{Rows: 1, Cols: 5, RowStride: 0, ColStride: 1}, adapter.RowMajor},
		{L{Rows: 1, Cols: 5, RowStride: 0, ColStride: 3}, adapter.ColMajor},
		{L{Rows: 1, Cols: 5, RowStride: 7, ColStride: 0}, adapter.General}, // broadcast row
		{L{Rows: 1, Cols: 5, RowStride: 7, ColStride: -1}, adapter.General},
		{L{Rows: 5, Cols: 1, RowStride: 1, ColStride: 0}, adapter.RowMajor}, // contiguous column: tie
		{L{Rows: 5, Cols: 1, RowStride: 3, ColStride: 0}, adapter.RowMajor},
		{L{Rows: 5, Cols: 1, RowStride: 0, ColStride: 9}, adapter.General},
		{L{Rows: 5, Cols: 1, RowStride: -2, ColStride: 9}, adapter.General},
	} {
		if got := test.l.Order(); got != test.want {
			t.Errorf("test %d: %+v: got %v, want %v", i, test.l, got, test.want)
		}
	}
}

func TestCheck(t *testing.T) {
	const big = math.MaxInt / 2
	for i, test := range []struct {
		l    L
		n    int
		want error
	}{
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, 12, nil},
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, 11, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}, 12, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: -1}, 100, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, 12, nil},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 7}, 12, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: -1, Offset: 11}, 12, nil},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: -1, Offset: 12}, 12, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 4, RowStride: 0, ColStride: 0, Offset: 5}, 6, nil},
		{L{Rows: 1, Cols: 1, Offset: 0}, 1, nil},
		{L{Rows: 1, Cols: 1, Offset: 0}, 0, adapter.ErrOutOfBounds},
		{L{Rows: 0, Cols: 4, RowStride: 4, ColStride: 1}, 12, adapter.ErrDims},
		{L{Rows: 3, Cols: -1, RowStride: 4, ColStride: 1}, 12, adapter.ErrDims},
		{L{Rows: 3, Cols: 4, RowStride: big, ColStride: 1}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: 3, Cols: 4, RowStride: -big, ColStride: 1}, math.MaxInt, adapter.ErrOutOfBounds}, // fits in int, before the start
		{L{Rows: 4, Cols: 4, RowStride: -big, ColStride: 1}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: 2, Cols: 2, RowStride: big, ColStride: big}, math.MaxInt, nil}, // hi = MaxInt-1
		{L{Rows: 2, Cols: 3, RowStride: big, ColStride: big}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: 2, Cols: 2, RowStride: math.MinInt, ColStride: 1}, math.MaxInt, adapter.ErrOutOfBounds},
		{L{Rows: 3, Cols: 2, RowStride: math.MinInt, ColStride: 1}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: 2, Cols: 2, RowStride: math.MinInt, ColStride: -1}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: 2, Cols: 2, RowStride: 1, ColStride: 1, Offset: math.MaxInt}, math.MaxInt, adapter.ErrOverflow},
		{L{Rows: math.MaxInt, Cols: 2, RowStride: 2, ColStride: 1}, math.MaxInt, adapter.ErrOverflow},
	} {
		err := test.l.Check(test.n)
		if test.want == nil {
			if err != nil {
				t.Errorf("test %d: got %v, want nil", i, err)
			}
			continue
		}
		if !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
		_, werr := adapter.Wrap(make([]float64, min(test.n, 16)), test.l)
		if werr == nil {
			t.Errorf("test %d: Wrap accepted a bad layout", i)
		}
	}
}

// TestCheckExhaustive compares Check with a brute-force walk over every
// element for all small layouts.
func TestCheckExhaustive(t *testing.T) {
	for r := 1; r <= 3; r++ {
		for c := 1; c <= 3; c++ {
			for rs := -4; rs <= 4; rs++ {
				for cs := -4; cs <= 4; cs++ {
					for off := -2; off <= 12; off++ {
						l := L{Rows: r, Cols: c, RowStride: rs, ColStride: cs, Offset: off}
						const n = 10
						in := true
						for i := range r {
							for j := range c {
								k := off + i*rs + j*cs
								in = in && k >= 0 && k < n
							}
						}
						if got := l.Check(n) == nil; got != in {
							t.Fatalf("%+v: Check ok %v, brute force %v", l, got, in)
						}
					}
				}
			}
		}
	}
}

// TestOverlapsExhaustive compares Overlaps with a brute-force address count.
func TestOverlapsExhaustive(t *testing.T) {
	for r := 1; r <= 4; r++ {
		for c := 1; c <= 4; c++ {
			for rs := -7; rs <= 7; rs++ {
				for cs := -7; cs <= 7; cs++ {
					l := L{Rows: r, Cols: c, RowStride: rs, ColStride: cs}
					seen := map[int]bool{}
					dup := false
					for i := range r {
						for j := range c {
							k := i*rs + j*cs
							dup = dup || seen[k]
							seen[k] = true
						}
					}
					if got := l.Overlaps(); got != dup {
						t.Fatalf("%+v: Overlaps %v, brute force %v", l, got, dup)
					}
				}
			}
		}
	}
}

func TestString(t *testing.T) {
	for i, test := range []struct {
		l    L
		want string
	}{
		{L{Rows: 6, Cols: 8, RowStride: 1, ColStride: 10}, "col-major 6×8, ld=10 (4 padding elements per column)"},
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, "row-major 3×4, ld=4 (contiguous)"},
		{L{Rows: 3, Cols: 4, RowStride: 8, ColStride: 1, Offset: 2}, "row-major 3×4, ld=8, offset 2 (4 padding elements per row)"},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, "general 3×4, strides (-4, 1), offset 8 (reversed rows)"},
		{L{Rows: 4, Cols: 5, RowStride: 0, ColStride: 1}, "general 4×5, strides (0, 1) (broadcast rows)"},
		{L{Rows: 4, Cols: 3, RowStride: 1, ColStride: 1}, "general 4×3, strides (1, 1) (overlapping)"},
		{L{Rows: 3, Cols: 2, RowStride: 4, ColStride: 2}, "general 3×2, strides (4, 2)"},
	} {
		if got := test.l.String(); got != test.want {
			t.Errorf("test %d: got %q, want %q", i, got, test.want)
		}
	}
}

func TestStrideAnalysis(t *testing.T) {
	for i, test := range []struct {
		l          L
		fast       int
		contiguous bool
		padding    int
		ld         int
	}{
		{L{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, 1, true, 0, 4},
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 3}, 0, true, 0, 3},
		{L{Rows: 3, Cols: 4, RowStride: 1, ColStride: 5}, 0, false, 2, 5},
		{L{Rows: 3, Cols: 4, RowStride: 7, ColStride: 1}, 1, false, 3, 7},
		{L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, 1, false, 0, 0},
		{L{Rows: 3, Cols: 4, RowStride: 2, ColStride: -8, Offset: 24}, 0, false, 0, 0},
		{L{Rows: 5, Cols: 1, RowStride: 3, ColStride: 1}, 0, false, 2, 3},
		{L{Rows: 1, Cols: 5, RowStride: 1, ColStride: 2}, 1, false, 1, 2},
	} {
		if got := test.l.FastAxis(); got != test.fast {
			t.Errorf("test %d: FastAxis got %d, want %d", i, got, test.fast)
		}
		if got := test.l.Contiguous(); got != test.contiguous {
			t.Errorf("test %d: Contiguous got %v, want %v", i, got, test.contiguous)
		}
		if got := test.l.Padding(); got != test.padding {
			t.Errorf("test %d: Padding got %d, want %d", i, got, test.padding)
		}
		if got := test.l.LeadingDim(); got != test.ld {
			t.Errorf("test %d: LeadingDim got %d, want %d", i, got, test.ld)
		}
		tt := test.l.T()
		if tt.Rows != test.l.Cols || tt.RowStride != test.l.ColStride || tt.Offset != test.l.Offset || tt.T() != test.l {
			t.Errorf("test %d: T got %+v", i, tt)
		}
	}
}

// TestVisit checks that Visit reaches every element once with its own index,
// and in increasing address order for layouts whose axes do not interleave.
func TestVisit(t *testing.T) {
	for i, l := range []L{
		{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1},
		{Rows: 3, Cols: 4, RowStride: 1, ColStride: 5},
		{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8},
		{Rows: 3, Cols: 4, RowStride: 4, ColStride: -1, Offset: 3},
		{Rows: 3, Cols: 4, RowStride: -1, ColStride: -3, Offset: 11},
		{Rows: 3, Cols: 2, RowStride: -8, ColStride: 3, Offset: 16},
		{Rows: 1, Cols: 5, RowStride: 9, ColStride: -2, Offset: 8},
		{Rows: 5, Cols: 1, RowStride: 2, ColStride: 0},
	} {
		var ks []int
		seen := map[[2]int]bool{}
		l.Visit(func(r, c, k int) {
			if k != l.Offset+r*l.RowStride+c*l.ColStride {
				t.Errorf("test %d: (%d, %d) at %d", i, r, c, k)
			}
			seen[[2]int{r, c}] = true
			ks = append(ks, k)
		})
		if len(ks) != l.Rows*l.Cols || len(seen) != len(ks) {
			t.Errorf("test %d: visited %d elements, %d distinct, want %d", i, len(ks), len(seen), l.Rows*l.Cols)
		}
		if !sort.IntsAreSorted(ks) {
			t.Errorf("test %d: not in memory order: %v", i, ks)
		}
	}
}

// TestStridedSentinels reads and writes a general strided view of a buffer
// full of sentinels: every element outside the view must survive.
func TestStridedSentinels(t *testing.T) {
	// a[::-1, ::2] of a C-order 3×4 matrix: strides (-4, 2), offset 8.
	buf := make([]float64, 12)
	for k := range buf {
		buf[k] = -1000 - float64(k)
	}
	l := L{Rows: 3, Cols: 2, RowStride: -4, ColStride: 2, Offset: 8}
	s, err := adapter.NewStrided(buf, l)
	require.NoError(t, err)
	var src mat.Dense
	src.CloneFrom(mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}))
	for i := range 3 {
		for j := range 2 {
			s.Set(i, j, src.At(i, j))
		}
	}
	want := []float64{5, -1001, 6, -1003, 3, -1005, 4, -1007, 1, -1009, 2, -1011}
	assert.Equal(t, want, buf)
	assert.True(t, mat.Equal(s, &src))
	assert.True(t, mat.Equal(s.T(), src.T()))
}

// TestWrapZeroCopy proves that the matrices Wrap returns are the buffer, and
// that wrapping costs one header whatever the size.
func TestWrapZeroCopy(t *testing.T) {
	for _, n := range []int{4, 512} {
		buf := make([]float64, n*n+n)
		for i, l := range []L{
			{Rows: n, Cols: n, RowStride: n + 1, ColStride: 1},
			{Rows: n, Cols: n, RowStride: 1, ColStride: n + 1},
			{Rows: n, Cols: n, RowStride: -(n + 1), ColStride: 1, Offset: (n - 1) * (n + 1)},
		} {
			m, err := adapter.Wrap(buf, l)
			require.NoError(t, err)
			m.(mat.Mutable).Set(n-1, 1, 42)
			if got := buf[l.Index(n-1, 1)]; got != 42 {
				t.Errorf("n=%d test %d: write through %T did not reach the buffer", n, i, m)
			}
			buf[l.Index(1, n-1)] = 7
			if got := m.At(1, n-1); got != 7 {
				t.Errorf("n=%d test %d: buffer write not seen through %T", n, i, m)
			}
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := adapter.Wrap(buf, l); err != nil {
					panic(err)
				}
			})
			if allocs > 1 {
				t.Errorf("n=%d test %d: Wrap allocated %v times, want at most 1 header", n, i, allocs)
			}
		}
	}
}

// TestFromNumPy covers the conversion from bytes to elements.
func TestFromNumPy(t *testing.T) {
	l, err := adapter.FromNumPy([]int{6, 8}, []int{8, 80}, 8, 16)
	require.NoError(t, err)
	assert.Equal(t, L{Rows: 6, Cols: 8, RowStride: 1, ColStride: 10, Offset: 2}, l)
	l, err = adapter.FromNumPy([]int{3, 4}, []int{-16, 4}, 4, 32)
	require.NoError(t, err)
	assert.Equal(t, L{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1, Offset: 8}, l)
	for i, test := range []struct {
		shape, strides []int
		itemsize, off  int
		want           error
	}{
		{[]int{3, 4}, []int{32, 8}, 8, 4, adapter.ErrMisaligned},
		{[]int{3, 4}, []int{-12, 8}, 8, 0, adapter.ErrMisaligned},
		{[]int{3}, []int{8}, 8, 0, adapter.ErrRank},
		{[]int{2, 3, 4}, []int{96, 32, 8}, 8, 0, adapter.ErrRank},
		{[]int{3, 4}, []int{8}, 8, 0, adapter.ErrRank},
		{nil, nil, 8, 0, adapter.ErrRank},
		{[]int{-3, 4}, []int{32, 8}, 8, 0, adapter.ErrDims},
		{[]int{3, 0}, []int{32, 8}, 8, 0, adapter.ErrDims},
		{[]int{3, 4}, []int{32, 8}, 0, 0, adapter.ErrItemSize},
	} {
		_, err := adapter.FromNumPy(test.shape, test.strides, test.itemsize, test.off)
		if !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
	}
}
