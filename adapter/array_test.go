package adapter_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/fixture"
)

func loadArrays(t *testing.T) *fixture.Arrays {
	t.Helper()
	a, err := fixture.LoadArrays()
	require.NoError(t, err)
	return a
}

// convert copies NumPy's values (stored as float64, exact in T) into a []T.
func convert[T adapter.Float](xs []float64) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = T(x)
		if float64(out[i]) != x {
			panic(fmt.Sprintf("fixture value %v is not exact in %T", x, out[i]))
		}
	}
	return out
}

// eachIndex calls f with every index of shape in C order (the last axis
// fastest) and its position k in that order: once with no index for rank
// 0, never for an empty shape.
func eachIndex(shape []int, f func(k int, idx []int)) {
	for _, n := range shape {
		if n <= 0 {
			return
		}
	}
	idx := make([]int, len(shape))
	for k := 0; ; k++ {
		f(k, idx)
		a := len(idx) - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < shape[a] {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// sameAddressing reports where a (element strides, offset) differs from
// NumPy's (byte strides, offset). Strides of axes of length <= 1 and the
// offset of an empty array address nothing, so they are not compared: NumPy
// multiplies a length-1 slice's stride by the step, strider keeps it.
func sameAddressing[T adapter.Float](a adapter.Array[T], shape, byteStrides []int, byteOffset, itemsize int) error {
	if !slices.Equal(a.Shape, shape) {
		return fmt.Errorf("shape: got %v, want %v", a.Shape, shape)
	}
	if len(a.Strides) != len(shape) {
		return fmt.Errorf("strides: got %v for shape %v", a.Strides, shape)
	}
	if product(shape) == 0 {
		return nil
	}
	for k, n := range shape {
		if n > 1 && a.Strides[k]*itemsize != byteStrides[k] {
			return fmt.Errorf("stride of axis %d: got %d elements, want %d bytes / %d", k, a.Strides[k], byteStrides[k], itemsize)
		}
	}
	if a.Offset*itemsize != byteOffset {
		return fmt.Errorf("offset: got %d elements, want %d bytes / %d", a.Offset, byteOffset, itemsize)
	}
	return nil
}

// numpyIndex is the Data index of element idx by NumPy's own byte
// arithmetic.
func numpyIndex(idx, byteStrides []int, byteOffset, itemsize int) int {
	off := byteOffset
	for k, i := range idx {
		off += i * byteStrides[k]
	}
	return off / itemsize
}

// fromNumPy wraps data in the case's own NumPy description.
func fromNumPy[T adapter.Float](t *testing.T, data []T, c fixture.ArrayCase) adapter.Array[T] {
	t.Helper()
	a, err := adapter.ArrayFromNumPy(data, c.Shape, c.Strides, c.ItemSize, c.Offset)
	require.NoError(t, err, "%s: %s", c.Name, c.Note)
	return a
}

// base returns the case's base array over data: NewArray with nil strides
// for C order, and NumPy's byte strides for F order.
func base[T adapter.Float](t *testing.T, data []T, c fixture.ArrayCase) adapter.Array[T] {
	t.Helper()
	var (
		a   adapter.Array[T]
		err error
	)
	switch c.BaseOrder {
	case "C":
		a, err = adapter.NewArray(data, c.BaseShape, nil, c.BaseOffset/c.ItemSize)
	case "F":
		a, err = adapter.ArrayFromNumPy(data, c.BaseShape, c.BaseStrides, c.ItemSize, c.BaseOffset)
	default:
		t.Fatalf("%s: base order %q", c.Name, c.BaseOrder)
	}
	require.NoError(t, err, c.Name)
	// NewArray's C strides are NumPy's.
	require.NoError(t, sameAddressing(a, c.BaseShape, c.BaseStrides, c.BaseOffset, c.ItemSize), "%s: base", c.Name)
	return a
}

// applyOps applies the fixture's operations with Array's methods.
func applyOps[T adapter.Float](t *testing.T, a adapter.Array[T], ops []fixture.ArrayOp) adapter.Array[T] {
	t.Helper()
	for _, op := range ops {
		switch op.Kind {
		case "permute":
			a = a.Permute(op.Axes...)
		case "slice":
			a = a.Slice(op.Axis, op.Lo, op.Hi, op.Step)
		case "reverse":
			a = a.Reverse(op.Axis)
		case "select":
			a = a.Select(op.Axis, op.Index)
		case "broadcast":
			var err error
			a, err = a.BroadcastTo(op.BroadcastDims...)
			require.NoError(t, err, "%v", op)
		default:
			t.Fatalf("unknown op %v", op)
		}
	}
	return a
}

// checkValues compares every element of a, read with At and at Index, with
// NumPy's C-order values.
func checkValues[T adapter.Float](t *testing.T, a adapter.Array[T], c fixture.ArrayCase) {
	t.Helper()
	require.Equal(t, len(c.Values), a.Size(), "%s: size", c.Name)
	n := 0
	eachIndex(a.Shape, func(k int, idx []int) {
		n++
		want := T(c.Values[k])
		if got := a.At(idx...); got != want {
			t.Errorf("%s: At%v: got %v, want %v", c.Name, idx, got, want)
		}
		if got, want := a.Index(idx...), numpyIndex(idx, c.Strides, c.Offset, c.ItemSize); got != want {
			t.Errorf("%s: Index%v: got %d, want %d", c.Name, idx, got, want)
		}
	})
	require.Equal(t, len(c.Values), n, "%s: elements visited", c.Name)
}

func checkFixtureCase[T adapter.Float](t *testing.T, c fixture.ArrayCase) {
	data := convert[T](c.Base)
	orig := slices.Clone(data)

	// (a) NumPy's description, as it stands.
	a := fromNumPy(t, data, c)
	require.NoError(t, sameAddressing(a, c.Shape, c.Strides, c.Offset, c.ItemSize))
	for k := range c.Shape {
		// ArrayFromNumPy converts every stride, used or not.
		if a.Strides[k] != c.Strides[k]/c.ItemSize {
			t.Errorf("%s: stride %d: got %d, want %d", c.Name, k, a.Strides[k], c.Strides[k]/c.ItemSize)
		}
	}
	assert.Equal(t, len(c.Shape), a.Rank())
	assert.NoError(t, a.Check())
	assert.Equal(t, !c.WriteableUnique, a.Overlapping(), "%s: Overlapping", c.Name)
	checkValues(t, a, c)
	if len(data) > 0 {
		assert.Same(t, &data[0], &a.Data[0], "Data is not shared")
	}

	// (b) The same view made by the fixture's operations on the base array.
	if c.Ops != nil {
		v := applyOps(t, base(t, data, c), c.Ops)
		require.NoError(t, sameAddressing(v, c.Shape, c.Strides, c.Offset, c.ItemSize), "%s: %s via %v", c.Name, c.Note, c.Ops)
		assert.NoError(t, v.Check())
		assert.Equal(t, !c.WriteableUnique, v.Overlapping(), "%s: Overlapping", c.Name)
		checkValues(t, v, c)
		if len(data) > 0 {
			assert.Same(t, &data[0], &v.Data[0], "Data is not shared")
		}
	}
	assert.Equal(t, orig, data, "reading changed the buffer")
}

// TestArrayFixture reads every NumPy view twice: from NumPy's own
// description, and as the view Array's methods make from the base array.
func TestArrayFixture(t *testing.T) {
	fx := loadArrays(t)
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			switch c.DType {
			case "float64":
				checkFixtureCase[float64](t, c)
			case "float32":
				checkFixtureCase[float32](t, c)
			default:
				t.Fatalf("dtype %q", c.DType)
			}
		})
	}
}

func checkWriteThrough[T adapter.Float](t *testing.T, c fixture.ArrayCase, useOps bool) {
	data := convert[T](c.Base)
	var a adapter.Array[T]
	if useOps {
		a = applyOps(t, base(t, data, c), c.Ops)
	} else {
		a = fromNumPy(t, data, c)
	}
	if !c.WriteableUnique {
		eachIndex(a.Shape, func(k int, idx []int) {
			v := panicValue(func() { a.Set(-1, idx...) })
			err, ok := v.(error)
			if !ok || !errors.Is(err, adapter.ErrReadOnly) {
				t.Errorf("%s: Set%v: got panic %v, want ErrReadOnly", c.Name, idx, v)
			}
		})
		assert.Equal(t, convert[T](c.Base), data, "%s: a refused write changed the buffer", c.Name)
		return
	}
	want := convert[T](c.Base)
	eachIndex(a.Shape, func(k int, idx []int) {
		x := T(-(k + 1))
		a.Set(x, idx...)
		want[numpyIndex(idx, c.Strides, c.Offset, c.ItemSize)] = x
	})
	// Exactly NumPy's addresses changed; the sentinels at both ends and
	// every element outside the view survived.
	assert.Equal(t, want, data, "%s: %s", c.Name, c.Note)
}

// TestArrayFixtureWriteThrough writes every element of every NumPy view
// through Set and checks that exactly NumPy's addresses changed; views whose
// elements share addresses refuse every write.
func TestArrayFixtureWriteThrough(t *testing.T) {
	fx := loadArrays(t)
	for _, c := range fx.Cases {
		for _, useOps := range []bool{false, true} {
			if useOps && c.Ops == nil {
				continue
			}
			t.Run(fmt.Sprintf("%s/ops=%t", c.Name, useOps), func(t *testing.T) {
				switch c.DType {
				case "float64":
					checkWriteThrough[float64](t, c, useOps)
				case "float32":
					checkWriteThrough[float32](t, c, useOps)
				}
			})
		}
	}
}

func checkMatrix[T adapter.Float](t *testing.T, c fixture.ArrayCase, m fixture.MatrixCase,
	view func(adapter.Array[T], int) (adapter.Layout, []T, error)) {
	data := convert[T](c.Base)
	arrays := []adapter.Array[T]{fromNumPy(t, data, c)}
	if c.Ops != nil {
		arrays = append(arrays, applyOps(t, base(t, data, c), c.Ops))
	}
	for i, a := range arrays {
		l, err := a.Matrix(m.RowAxes)
		vl, vdata, verr := view(a, m.RowAxes)
		if !m.View {
			if !errors.Is(err, adapter.ErrNotMatrix) {
				t.Errorf("test %d: %s Matrix(%d): got %v, %v, want ErrNotMatrix (NumPy copies)", i, c.Name, m.RowAxes, l, err)
			}
			if !errors.Is(verr, adapter.ErrNotMatrix) {
				t.Errorf("test %d: %s view(%d): got %v, want ErrNotMatrix", i, c.Name, m.RowAxes, verr)
			}
			continue
		}
		if !assert.NoError(t, err, "test %d: %s Matrix(%d): NumPy reshapes without a copy", i, c.Name, m.RowAxes) {
			continue
		}
		require.NoError(t, verr)
		assert.Equal(t, l, vl, "test %d: view's layout", i)
		assert.Same(t, &data[0], &vdata[0], "test %d: view's Data is not shared", i)
		assert.Equal(t, []int{m.Rows, m.Cols}, []int{l.Rows, l.Cols}, "test %d: dims", i)
		if m.Rows > 1 && l.RowStride*c.ItemSize != m.Strides[0] {
			t.Errorf("test %d: %s RowStride: got %d, want %d bytes", i, c.Name, l.RowStride, m.Strides[0])
		}
		if m.Cols > 1 && l.ColStride*c.ItemSize != m.Strides[1] {
			t.Errorf("test %d: %s ColStride: got %d, want %d bytes", i, c.Name, l.ColStride, m.Strides[1])
		}
		if l.Offset*c.ItemSize != m.Offset {
			t.Errorf("test %d: %s Offset: got %d, want %d bytes", i, c.Name, l.Offset, m.Offset)
		}
		for r := range m.Rows {
			for cc := range m.Cols {
				if got, want := data[l.Index(r, cc)], T(m.Values[r][cc]); got != want {
					t.Errorf("test %d: %s (%d, %d): got %v, want %v", i, c.Name, r, cc, got, want)
				}
			}
		}
	}
}

// TestArrayFixtureMatrix checks that Matrix(rowAxes) succeeds exactly when
// NumPy's reshape to 2-D is a view, and then addresses NumPy's elements;
// StridedView and Strided32View agree with it.
func TestArrayFixtureMatrix(t *testing.T) {
	fx := loadArrays(t)
	for _, m := range fx.Matrix {
		c, err := fx.Case(m.Case)
		require.NoError(t, err)
		t.Run(fmt.Sprintf("%s/rowAxes=%d", m.Case, m.RowAxes), func(t *testing.T) {
			switch c.DType {
			case "float64":
				checkMatrix(t, c, m, func(a adapter.Array[float64], r int) (adapter.Layout, []float64, error) {
					s, err := adapter.StridedView(a, r)
					return s.Layout, s.Data, err
				})
			case "float32":
				checkMatrix(t, c, m, func(a adapter.Array[float32], r int) (adapter.Layout, []float32, error) {
					s, err := adapter.Strided32View(a, r)
					return s.Layout, s.Data, err
				})
			}
		})
	}
}

var arrayErrors = map[string]error{
	"misaligned":    adapter.ErrMisaligned,
	"rank":          adapter.ErrRank,
	"dims":          adapter.ErrDims,
	"itemsize":      adapter.ErrItemSize,
	"out_of_bounds": adapter.ErrOutOfBounds,
	"overflow":      adapter.ErrOverflow,
}

func fromDesc(d fixture.ArrayDesc) (shape, strides []int, offset int, err error) {
	switch d.DType {
	case "float64":
		var a adapter.Array[float64]
		a, err = adapter.ArrayFromNumPy(make([]float64, d.BufferLen), d.Shape, d.Strides, d.ItemSize, d.Offset)
		return a.Shape, a.Strides, a.Offset, err
	case "float32":
		var a adapter.Array[float32]
		a, err = adapter.ArrayFromNumPy(make([]float32, d.BufferLen), d.Shape, d.Strides, d.ItemSize, d.Offset)
		return a.Shape, a.Strides, a.Offset, err
	}
	panic(d.DType)
}

// TestArrayFromNumPyBad rejects every bad description with the error the
// fixture names, never a panic; descriptions that are bad in element units
// too are rejected by NewArray and by Check on a struct literal alike.
func TestArrayFromNumPyBad(t *testing.T) {
	fx := loadArrays(t)
	for i, d := range fx.Bad {
		want, ok := arrayErrors[d.Error]
		require.True(t, ok, d.Error)
		var err error
		require.NotPanics(t, func() { _, _, _, err = fromDesc(d) }, "test %d: %s", i, d.Name)
		if !errors.Is(err, want) {
			t.Errorf("test %d: %s: got %v, want %v", i, d.Name, err, want)
		}
		if d.Error == "misaligned" || d.Error == "itemsize" {
			continue
		}
		// The same description in elements.
		var el []int
		if d.Strides != nil {
			el = make([]int, len(d.Strides))
			for k, s := range d.Strides {
				el[k] = s / d.ItemSize
			}
		}
		data := make([]float64, d.BufferLen)
		require.NotPanics(t, func() { _, err = adapter.NewArray(data, d.Shape, el, d.Offset/d.ItemSize) }, "test %d", i)
		if !errors.Is(err, want) {
			t.Errorf("test %d: %s NewArray: got %v, want %v", i, d.Name, err, want)
		}
		if el == nil {
			continue
		}
		a := adapter.Array[float64]{Data: data, Shape: d.Shape, Strides: el, Offset: d.Offset / d.ItemSize}
		require.NotPanics(t, func() { err = a.Check() }, "test %d", i)
		if !errors.Is(err, want) {
			t.Errorf("test %d: %s Check: got %v, want %v", i, d.Name, err, want)
		}
	}
}

// TestArrayFromNumPyAccepted accepts the edge descriptions and converts
// them to elements.
func TestArrayFromNumPyAccepted(t *testing.T) {
	fx := loadArrays(t)
	for i, d := range fx.Accepted {
		shape, strides, offset, err := fromDesc(d)
		if !assert.NoError(t, err, "test %d: %s", i, d.Name) {
			continue
		}
		want := make([]int, len(d.Shape))
		if d.Strides == nil {
			for k, s := len(d.Shape)-1, 1; k >= 0; k-- { // C order
				want[k] = s
				s *= max(d.Shape[k], 1)
			}
		} else {
			for k, s := range d.Strides {
				want[k] = s / d.ItemSize
			}
		}
		assert.Equal(t, d.Shape, shape, "test %d: shape", i)
		assert.Equal(t, want, strides, "test %d: strides", i)
		assert.Equal(t, d.Offset/d.ItemSize, offset, "test %d: offset", i)
	}
}

// TestArrayBroadcastToNumPy compares BroadcastTo with np.broadcast_to: the
// same shapes accepted, the same strides where they are used.
func TestArrayBroadcastToNumPy(t *testing.T) {
	fx := loadArrays(t)
	require.NotEmpty(t, fx.Broadcast)
	for i, b := range fx.Broadcast {
		data := make([]float64, max(product(b.From), 1))
		for k := range data {
			data[k] = float64(k + 1)
		}
		a, err := adapter.ArrayFromNumPy(data, b.From, b.FromStrides, 8, 0)
		require.NoError(t, err, "test %d", i)
		v, err := a.BroadcastTo(b.To...)
		if !b.OK {
			want := adapter.ErrShape
			if slices.ContainsFunc(b.To, func(n int) bool { return n < 0 }) {
				want = adapter.ErrDims
			}
			if !errors.Is(err, want) {
				t.Errorf("test %d: %v to %v: got %v, %v, want %v (NumPy: %s)", i, b.From, b.To, v, err, want, b.Why)
			}
			continue
		}
		if !assert.NoError(t, err, "test %d: %v to %v", i, b.From, b.To) {
			continue
		}
		if err := sameAddressing(v, b.To, b.Strides, 0, 8); err != nil {
			t.Errorf("test %d: %v to %v: %v", i, b.From, b.To, err)
		}
		assert.NoError(t, v.Check(), "test %d", i)
	}
}

// --- naive references -------------------------------------------------------

// viewRef is an independent model of a view: its shape and the map from its
// indices to indices of the base array, built from what each operation means
// (NumPy's semantics), with no strides involved.
type viewRef struct {
	shape []int
	at    func(idx []int) []int
}

func (r viewRef) permute(axes []int) viewRef {
	shape := make([]int, len(axes))
	for k, ax := range axes {
		shape[k] = r.shape[ax]
	}
	return viewRef{shape, func(idx []int) []int {
		orig := make([]int, len(idx))
		for k, ax := range axes {
			orig[ax] = idx[k]
		}
		return r.at(orig)
	}}
}

func (r viewRef) slice(axis, lo, hi, step int) viewRef {
	shape := slices.Clone(r.shape)
	shape[axis] = 0
	for i := lo; i < hi; i += step {
		shape[axis]++
	}
	return viewRef{shape, func(idx []int) []int {
		orig := slices.Clone(idx)
		orig[axis] = lo + idx[axis]*step
		return r.at(orig)
	}}
}

func (r viewRef) reverse(axis int) viewRef {
	n := r.shape[axis]
	return viewRef{slices.Clone(r.shape), func(idx []int) []int {
		orig := slices.Clone(idx)
		orig[axis] = n - 1 - idx[axis]
		return r.at(orig)
	}}
}

func (r viewRef) selectAt(axis, i int) viewRef {
	shape := slices.Delete(slices.Clone(r.shape), axis, axis+1)
	return viewRef{shape, func(idx []int) []int {
		return r.at(slices.Insert(slices.Clone(idx), axis, i))
	}}
}

func (r viewRef) broadcast(shape []int) viewRef {
	lead := len(shape) - len(r.shape)
	return viewRef{slices.Clone(shape), func(idx []int) []int {
		orig := make([]int, len(r.shape))
		for k, n := range r.shape {
			if n == shape[k+lead] {
				orig[k] = idx[k+lead]
			} // else n == 1: stretched, index 0
		}
		return r.at(orig)
	}}
}

// ravel is the flat position of idx in shape, in C or Fortran order.
func ravel(idx, shape []int, fortran bool) int {
	p := 0
	if fortran {
		for k := len(shape) - 1; k >= 0; k-- {
			p = p*shape[k] + idx[k]
		}
		return p
	}
	for k, n := range shape {
		p = p*n + idx[k]
	}
	return p
}

// randomOp returns a random valid operation on an array of shape, or ok
// false when none of the chosen kind fits.
func randomOp(rng *rand.Rand, shape []int) (op fixture.ArrayOp, ok bool) {
	r := len(shape)
	switch rng.IntN(6) {
	case 0:
		return fixture.ArrayOp{Kind: "permute", Axes: rng.Perm(r)}, true
	case 1, 2:
		if r == 0 {
			return op, false
		}
		ax := rng.IntN(r)
		n := shape[ax]
		lo := rng.IntN(n + 1)
		hi := lo + rng.IntN(n-lo+1)
		return fixture.ArrayOp{Kind: "slice", Axis: ax, Lo: lo, Hi: hi, Step: 1 + rng.IntN(3)}, true
	case 3:
		if r == 0 {
			return op, false
		}
		return fixture.ArrayOp{Kind: "reverse", Axis: rng.IntN(r)}, true
	case 4:
		if r == 0 {
			return op, false
		}
		ax := rng.IntN(r)
		if shape[ax] == 0 {
			return op, false
		}
		return fixture.ArrayOp{Kind: "select", Axis: ax, Index: rng.IntN(shape[ax])}, true
	default:
		lead := rng.IntN(3)
		if r+lead > 6 {
			return op, false
		}
		to := make([]int, lead, lead+r)
		for k := range to {
			to[k] = 1 + rng.IntN(3)
		}
		for _, n := range shape {
			if n == 1 && rng.IntN(2) == 0 {
				n = rng.IntN(4)
			}
			to = append(to, n)
		}
		if product(to) > 400 {
			return op, false
		}
		return fixture.ArrayOp{Kind: "broadcast", BroadcastDims: to}, true
	}
}

func (r viewRef) apply(op fixture.ArrayOp) viewRef {
	switch op.Kind {
	case "permute":
		return r.permute(op.Axes)
	case "slice":
		return r.slice(op.Axis, op.Lo, op.Hi, op.Step)
	case "reverse":
		return r.reverse(op.Axis)
	case "select":
		return r.selectAt(op.Axis, op.Index)
	case "broadcast":
		return r.broadcast(op.BroadcastDims)
	}
	panic(op.Kind)
}

// progression reports whether the Data indices of the axes from..to-1 of a
// (other indices 0), in C order, step by one constant, and returns it.
func progression(addr func([]int) int, shape []int, from, to int) (step int, ok bool) {
	sub := shape[from:to]
	idx := make([]int, len(shape))
	var first, prev, n int
	ok = true
	eachIndex(sub, func(k int, s []int) {
		copy(idx[from:], s)
		x := addr(idx)
		switch k {
		case 0:
			first = x
		case 1:
			step = x - first
		default:
			if x-prev != step {
				ok = false
			}
		}
		prev = x
		n++
	})
	return step, ok
}

// TestArrayViewsNaive applies random sequences of views to C- and
// Fortran-order arrays and checks every element against the index-map model,
// Overlapping against a list of all addresses, and Matrix against whether
// each group's addresses form one arithmetic progression.
func TestArrayViewsNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{}, {7}, {4, 5}, {1, 6}, {3, 1, 4}, {2, 3, 4}, {2, 3, 4, 5}, {3, 0, 2}}
	const pad = 3
	for i := range 600 {
		bs := shapes[i%len(shapes)]
		fortran := i%2 == 1
		n := product(bs)
		data := make([]float64, n+2*pad)
		for k := range data {
			data[k] = -float64(k + 1) // sentinels
		}
		var strides []int
		if fortran {
			strides = make([]int, len(bs))
			for k, s := 0, 1; k < len(bs); k++ {
				strides[k] = s
				s *= max(bs[k], 1)
			}
		}
		for p := range n {
			data[pad+p] = float64(p) + 0.5
		}
		a, err := adapter.NewArray(data, bs, strides, pad)
		require.NoError(t, err)
		// The base array's element idx holds its ravelled position + 0.5.
		ref := viewRef{slices.Clone(bs), func(idx []int) []int { return slices.Clone(idx) }}
		addr := func(r viewRef, idx []int) int { return pad + ravel(r.at(idx), bs, fortran) }

		var ops []fixture.ArrayOp
		for len(ops) < 1+rng.IntN(5) {
			op, ok := randomOp(rng, ref.shape)
			if !ok {
				continue
			}
			ops = append(ops, op)
			ref = ref.apply(op)
		}
		v := applyOps(t, a, ops)
		name := fmt.Sprintf("test %d: %v %s order, %v", i, bs, map[bool]string{false: "C", true: "F"}[fortran], ops)
		require.Equal(t, ref.shape, v.Shape, name)
		require.NoError(t, v.Check(), name)

		seen := map[int]bool{}
		unique := true
		eachIndex(ref.shape, func(k int, idx []int) {
			want := addr(ref, idx)
			if got := v.Index(idx...); got != want {
				t.Errorf("%s: Index%v: got %d, want %d", name, idx, got, want)
			}
			if got, want := v.At(idx...), data[want]; got != want {
				t.Errorf("%s: At%v: got %v, want %v", name, idx, got, want)
			}
			unique = unique && !seen[want]
			seen[want] = true
		})
		if v.Size() == 0 {
			continue // Overlapping of empty arrays: TestArrayOverlappingEmpty
		}
		if got := v.Overlapping(); got != !unique {
			t.Errorf("%s: Overlapping: got %t, want %t", name, got, !unique)
		}
		for ra := 0; ra <= v.Rank(); ra++ {
			at := func(idx []int) int { return addr(ref, idx) }
			rs, rok := progression(at, v.Shape, 0, ra)
			cs, cok := progression(at, v.Shape, ra, v.Rank())
			l, err := v.Matrix(ra)
			if !rok || !cok {
				if !errors.Is(err, adapter.ErrNotMatrix) {
					t.Errorf("%s: Matrix(%d): got %v, %v, want ErrNotMatrix", name, ra, l, err)
				}
				continue
			}
			if !assert.NoError(t, err, "%s: Matrix(%d)", name, ra) {
				continue
			}
			r, c := product(v.Shape[:ra]), product(v.Shape[ra:])
			if l.Rows != r || l.Cols != c || (r > 1 && l.RowStride != rs) || (c > 1 && l.ColStride != cs) {
				t.Errorf("%s: Matrix(%d): got %v, want %d×%d, strides (%d, %d)", name, ra, l, r, c, rs, cs)
				continue
			}
			idx := make([]int, v.Rank())
			eachIndex(v.Shape, func(k int, _ []int) {
				// Unravel k into row and column group indices.
				rest := k
				for ax := v.Rank() - 1; ax >= 0; ax-- {
					idx[ax] = rest % v.Shape[ax]
					rest /= v.Shape[ax]
				}
				if got, want := l.Index(k/c, k%c), addr(ref, idx); got != want {
					t.Errorf("%s: Matrix(%d) Index(%d, %d): got %d, want %d", name, ra, k/c, k%c, got, want)
				}
			})
		}
	}
}

// TestArrayNewArray checks NewArray's C strides, its own copies of shape
// and strides, and that data is shared, against hand-computed values.
func TestArrayNewArray(t *testing.T) {
	for i, test := range []struct {
		shape, want []int
	}{
		{nil, []int{}},
		{[]int{5}, []int{1}},
		{[]int{3, 4}, []int{4, 1}},
		{[]int{2, 3, 4}, []int{12, 4, 1}},
		{[]int{2, 3, 4, 5}, []int{60, 20, 5, 1}},
		{[]int{2, 0, 4}, []int{4, 4, 1}},
		{[]int{1, 1, 7}, []int{7, 7, 1}},
	} {
		data := make([]float64, 130)
		a, err := adapter.NewArray(data, test.shape, nil, 3)
		require.NoError(t, err, "test %d", i)
		if !slices.Equal(a.Strides, test.want) {
			t.Errorf("test %d: got strides %v, want %v", i, a.Strides, test.want)
		}
		assert.Equal(t, 3, a.Offset)
		assert.Same(t, &data[0], &a.Data[0])
	}
	shape, strides := []int{2, 3}, []int{3, 1}
	a, err := adapter.NewArray(make([]float32, 6), shape, strides, 0)
	require.NoError(t, err)
	shape[0], strides[0] = 9, 9
	assert.Equal(t, []int{2, 3}, a.Shape, "NewArray kept the caller's shape")
	assert.Equal(t, []int{3, 1}, a.Strides, "NewArray kept the caller's strides")
}

// TestArrayCheckLiteral: Check on hand-written arrays returns errors, never
// panics.
func TestArrayCheckLiteral(t *testing.T) {
	type A = adapter.Array[float64]
	d := make([]float64, 6)
	for i, test := range []struct {
		a    A
		want error
	}{
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{3, 1}}, nil},
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{-3, -1}, Offset: 5}, nil},
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{0, 1}, Offset: 3}, nil},
		{A{Data: d}, nil}, // rank 0 at Data[0]
		{A{Data: d, Shape: []int{}, Strides: []int{}, Offset: 5}, nil},
		{A{Data: d, Shape: []int{1, 4}, Strides: []int{math.MaxInt, 1}, Offset: 2}, nil},
		{A{Data: nil, Shape: []int{0, 5}, Strides: []int{math.MaxInt, math.MinInt}, Offset: math.MinInt}, nil},
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{3}}, adapter.ErrRank},
		{A{Data: d, Shape: []int{2}, Strides: []int{3, 1}}, adapter.ErrRank},
		{A{Data: d, Shape: nil, Strides: []int{1}}, adapter.ErrRank},
		{A{Data: d, Shape: []int{2, -3}, Strides: []int{3, 1}}, adapter.ErrDims},
		{A{Data: d, Shape: []int{0, -1}, Strides: []int{3, 1}}, adapter.ErrDims},
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{3, 1}, Offset: 1}, adapter.ErrOutOfBounds},
		{A{Data: d, Shape: []int{2, 3}, Strides: []int{-3, 1}}, adapter.ErrOutOfBounds},
		{A{Data: d, Shape: []int{}, Strides: []int{}, Offset: 6}, adapter.ErrOutOfBounds},
		{A{Data: d, Offset: -1}, adapter.ErrOutOfBounds},
		{A{Data: nil}, adapter.ErrOutOfBounds},
		{A{Data: nil, Shape: []int{1}, Strides: []int{1}}, adapter.ErrOutOfBounds},
		{A{Data: d, Shape: []int{2}, Strides: []int{math.MinInt}, Offset: 0}, adapter.ErrOutOfBounds},
		{A{Data: d, Shape: []int{3}, Strides: []int{math.MaxInt}}, adapter.ErrOverflow},
		{A{Data: d, Shape: []int{3}, Strides: []int{math.MinInt}}, adapter.ErrOverflow},
		{A{Data: d, Shape: []int{2}, Strides: []int{1}, Offset: math.MaxInt}, adapter.ErrOverflow},
		{A{Data: d, Shape: []int{2}, Strides: []int{-1}, Offset: math.MinInt}, adapter.ErrOverflow},
		{A{Data: d, Shape: []int{3, 2}, Strides: []int{math.MaxInt / 2, math.MaxInt / 2}}, adapter.ErrOverflow},
		{A{Data: d, Shape: []int{2, 2}, Strides: []int{math.MaxInt / 2, math.MaxInt / 2}}, adapter.ErrOutOfBounds}, // span MaxInt-1 fits
		{A{Data: d, Shape: []int{math.MaxInt, 2}, Strides: []int{2, 1}}, adapter.ErrOverflow},
	} {
		var err error
		require.NotPanics(t, func() { err = test.a.Check() }, "test %d", i)
		if test.want == nil {
			assert.NoError(t, err, "test %d: %v", i, test.a)
		} else if !errors.Is(err, test.want) {
			t.Errorf("test %d: %v: got %v, want %v", i, test.a, err, test.want)
		}
		require.NotPanics(t, func() { _, _, _ = test.a.Extent() }, "test %d", i)
	}
}

// TestArrayCheckSizeWraps: an array whose element count overflows int is
// not empty, so Check must look at its extent.
func TestArrayCheckSizeWraps(t *testing.T) {
	for i, test := range []adapter.Array[float64]{
		// 2^32 · 2^32 elements wrap to 0 in int: the array is not empty.
		{Data: nil, Shape: []int{1 << 32, 1 << 32}, Strides: []int{0, 0}, Offset: 5},
		{Data: make([]float64, 4), Shape: []int{1 << 62, 4}, Strides: []int{0, 0}, Offset: 4},
	} {
		assert.ErrorIs(t, test.Check(), adapter.ErrOutOfBounds, "test %d", i)
		_, err := adapter.ArrayFromNumPy(test.Data, test.Shape, []int{0, 0}, 8, test.Offset*8)
		assert.ErrorIs(t, err, adapter.ErrOutOfBounds, "test %d: ArrayFromNumPy", i)
	}
}

// TestArrayExtent compares Extent with a scan of every element's index.
func TestArrayExtent(t *testing.T) {
	data := make([]float64, 200)
	a, err := adapter.NewArray(data, []int{3, 4, 5}, nil, 10)
	require.NoError(t, err)
	for i, v := range []adapter.Array[float64]{
		a, a.Permute(2, 0, 1), a.Reverse(1), a.Slice(2, 1, 5, 2).Reverse(0), a.Select(1, 3),
		a.Select(0, 1).Select(0, 2).Select(0, 4), a.Slice(0, 2, 3, 1).Reverse(0).Reverse(2),
	} {
		lo, hi, err := v.Extent()
		require.NoError(t, err, "test %d", i)
		wlo, whi := math.MaxInt, math.MinInt
		eachIndex(v.Shape, func(_ int, idx []int) {
			x := v.Index(idx...)
			wlo, whi = min(wlo, x), max(whi, x)
		})
		assert.Equal(t, []int{wlo, whi}, []int{lo, hi}, "test %d: %v", i, v)
	}
	_, _, err = a.Slice(1, 2, 2, 1).Extent()
	assert.ErrorIs(t, err, adapter.ErrDims, "an empty array has no extent")
	_, _, err = adapter.Array[float64]{Data: data, Shape: []int{2}, Strides: nil}.Extent()
	assert.ErrorIs(t, err, adapter.ErrRank)
}

// panicValue returns what f panics with, or nil.
func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// TestArrayPanics checks each documented panic value.
func TestArrayPanics(t *testing.T) {
	data := make([]float64, 24)
	for k := range data {
		data[k] = float64(k)
	}
	a, err := adapter.NewArray(data, []int{2, 3, 4}, nil, 0)
	require.NoError(t, err)
	b, err := a.Select(0, 0).Select(0, 0).BroadcastTo(3, 4)
	require.NoError(t, err)
	malformed := adapter.Array[float64]{Data: data, Shape: []int{2, 3}, Strides: []int{3}}

	type is struct{ err error } // panic value wrapping err
	for i, test := range []struct {
		name string
		f    func()
		want any // an error value the panic must be; is{e}: one wrapping e
	}{
		{"Index too few", func() { a.Index(1, 2) }, adapter.ErrRank},
		{"Index too many", func() { a.Index(1, 2, 3, 0) }, adapter.ErrRank},
		{"Index rank 0 of 3", func() { a.Index() }, adapter.ErrRank},
		{"Index malformed", func() { malformed.Index(0, 0) }, adapter.ErrRank},
		{"Index negative", func() { a.Index(0, -1, 0) }, adapter.ErrIndex},
		{"Index past axis 0", func() { a.Index(2, 0, 0) }, adapter.ErrIndex},
		{"Index past axis 2", func() { a.Index(0, 0, 4) }, adapter.ErrIndex},
		{"Index empty", func() { a.Slice(1, 1, 1, 1).Index(0, 0, 0) }, adapter.ErrIndex},
		{"At too few", func() { a.At(0) }, adapter.ErrRank},
		{"At past", func() { a.At(1, 3, 0) }, adapter.ErrIndex},
		{"At min int", func() { a.At(math.MinInt, 0, 0) }, adapter.ErrIndex},
		{"Set too many", func() { a.Set(1, 0, 0, 0, 0) }, adapter.ErrRank},
		{"Set past", func() { a.Set(1, 0, 0, -1) }, adapter.ErrIndex},
		{"Set broadcast", func() { b.Set(1, 0, 0) }, is{adapter.ErrReadOnly}},
		{"Set broadcast last", func() { b.Set(1, 2, 3) }, is{adapter.ErrReadOnly}},
		{"Overlapping malformed", func() { malformed.Overlapping() }, adapter.ErrRank},
		{"Permute too few", func() { a.Permute(0, 1) }, is{adapter.ErrIndex}},
		{"Permute too many", func() { a.Permute(0, 1, 2, 3) }, is{adapter.ErrIndex}},
		{"Permute repeated", func() { a.Permute(0, 1, 1) }, is{adapter.ErrIndex}},
		{"Permute out of range", func() { a.Permute(0, 1, 3) }, is{adapter.ErrIndex}},
		{"Permute negative", func() { a.Permute(0, -1, 2) }, is{adapter.ErrIndex}},
		{"Permute malformed", func() { malformed.Permute(0, 1) }, is{adapter.ErrIndex}},
		{"Slice axis negative", func() { a.Slice(-1, 0, 1, 1) }, is{adapter.ErrIndex}},
		{"Slice axis past", func() { a.Slice(3, 0, 1, 1) }, is{adapter.ErrIndex}},
		{"Slice lo negative", func() { a.Slice(1, -1, 2, 1) }, is{adapter.ErrIndex}},
		{"Slice hi < lo", func() { a.Slice(1, 2, 1, 1) }, is{adapter.ErrIndex}},
		{"Slice hi past", func() { a.Slice(1, 0, 4, 1) }, is{adapter.ErrIndex}},
		{"Slice step 0", func() { a.Slice(1, 0, 3, 0) }, is{adapter.ErrIndex}},
		{"Slice step negative", func() { a.Slice(1, 0, 3, -1) }, is{adapter.ErrIndex}},
		{"Slice malformed", func() { malformed.Slice(0, 0, 1, 1) }, adapter.ErrRank},
		{"Reverse axis negative", func() { a.Reverse(-1) }, is{adapter.ErrIndex}},
		{"Reverse axis past", func() { a.Reverse(3) }, is{adapter.ErrIndex}},
		{"Reverse rank 0", func() { a.Select(0, 0).Select(0, 0).Select(0, 0).Reverse(0) }, is{adapter.ErrIndex}},
		{"Reverse malformed", func() { malformed.Reverse(0) }, adapter.ErrRank},
		{"Select axis past", func() { a.Select(3, 0) }, is{adapter.ErrIndex}},
		{"Select axis negative", func() { a.Select(-1, 0) }, is{adapter.ErrIndex}},
		{"Select index past", func() { a.Select(1, 3) }, is{adapter.ErrIndex}},
		{"Select index negative", func() { a.Select(2, -1) }, is{adapter.ErrIndex}},
		{"Select empty axis", func() { a.Slice(0, 1, 1, 1).Select(0, 0) }, is{adapter.ErrIndex}},
		{"Select malformed", func() { malformed.Select(0, 0) }, adapter.ErrRank},
	} {
		got := panicValue(test.f)
		switch want := test.want.(type) {
		case is:
			err, ok := got.(error)
			if !ok || !errors.Is(err, want.err) {
				t.Errorf("test %d (%s): got panic %v, want one wrapping %v", i, test.name, got, want.err)
			}
		default:
			if got != want {
				t.Errorf("test %d (%s): got panic %v, want %v", i, test.name, got, want)
			}
		}
	}
	for k := range data {
		if data[k] != float64(k) {
			t.Errorf("Data[%d]: got %v, want %v: a panicking call wrote", k, data[k], float64(k))
		}
	}
}

// TestArrayBroadcastToErrors covers BroadcastTo's returned errors.
func TestArrayBroadcastToErrors(t *testing.T) {
	a, err := adapter.NewArray(make([]float64, 6), []int{2, 3}, nil, 0)
	require.NoError(t, err)
	for i, test := range []struct {
		a     adapter.Array[float64]
		shape []int
		want  error
	}{
		{a, []int{3}, adapter.ErrShape},
		{a, []int{2, 4}, adapter.ErrShape},
		{a, []int{3, 3}, adapter.ErrShape},
		{a, []int{}, adapter.ErrShape},
		{a, []int{-1, 2, 3}, adapter.ErrDims},
		{adapter.Array[float64]{Shape: []int{2}, Strides: nil}, []int{2}, adapter.ErrRank},
	} {
		var err error
		require.NotPanics(t, func() { _, err = test.a.BroadcastTo(test.shape...) })
		if !errors.Is(err, test.want) {
			t.Errorf("test %d: got %v, want %v", i, err, test.want)
		}
	}
}

// TestArraySliceSteps compares Slice's length with the number of indices
// lo, lo+step, … below hi, for every small bound.
func TestArraySliceSteps(t *testing.T) {
	testSliceSteps(t, []int{1, 2, 3, 5, 6, 7, 1 << 40})
}

// TestArraySliceHugeStep: steps near MaxInt are legal (NumPy's
// a[0:2:2**63-1] is the one element a[0]).
func TestArraySliceHugeStep(t *testing.T) {
	testSliceSteps(t, []int{1 << 62, math.MaxInt - 1, math.MaxInt})
}

func testSliceSteps(t *testing.T, steps []int) {
	data := make([]float64, 6)
	a, err := adapter.NewArray(data, []int{6}, nil, 0)
	require.NoError(t, err)
	for lo := 0; lo <= 6; lo++ {
		for hi := lo; hi <= 6; hi++ {
			for _, step := range steps {
				want := 0
				for i := lo; i < hi; i += step {
					want++
					if i > hi-step { // i+step would overflow or reach hi
						break
					}
				}
				var v adapter.Array[float64]
				if p := panicValue(func() { v = a.Slice(0, lo, hi, step) }); p != nil {
					t.Errorf("Slice(0, %d, %d, %d): got panic %v, want %d elements", lo, hi, step, p, want)
					continue
				}
				if v.Shape[0] != want {
					t.Errorf("Slice(0, %d, %d, %d): got %d elements, want %d", lo, hi, step, v.Shape[0], want)
					continue
				}
				if want > 0 && v.At(0) != data[lo] {
					t.Errorf("Slice(0, %d, %d, %d): At(0) is not Data[%d]", lo, hi, step, lo)
				}
				assert.NoError(t, v.Check())
			}
		}
	}
}

// TestArraySetReadOnly: a refused Set writes nothing, and Overlapping
// matches NumPy's idea of a broadcast or a window.
func TestArraySetReadOnly(t *testing.T) {
	data := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	orig := slices.Clone(data)
	row, err := adapter.NewArray(data, []int{1, 4}, nil, 2)
	require.NoError(t, err)
	b, err := row.BroadcastTo(3, 4)
	require.NoError(t, err)
	win, err := adapter.NewArray(data, []int{5, 4}, []int{1, 1}, 0) // sliding windows
	require.NoError(t, err)
	one, err := row.BroadcastTo(1, 4) // stride 0 on an axis of length 1: no sharing
	require.NoError(t, err)
	for i, test := range []struct {
		a       adapter.Array[float64]
		overlap bool
	}{{b, true}, {win, true}, {one, false}, {row, false}} {
		assert.Equal(t, test.overlap, test.a.Overlapping(), "test %d", i)
		if !test.overlap {
			continue
		}
		eachIndex(test.a.Shape, func(_ int, idx []int) {
			p := panicValue(func() { test.a.Set(-1, idx...) })
			err, _ := p.(error)
			assert.ErrorIs(t, err, adapter.ErrReadOnly, "test %d: Set%v", i, idx)
		})
		assert.Equal(t, orig, data, "test %d: a refused Set wrote", i)
	}
	one.Set(-7, 0, 1)
	assert.Equal(t, -7.0, data[3], "Set through a length-1 broadcast")
}

// TestArrayZeroCopy writes through views and checks that the base array
// sees it and every sentinel around the view survives.
func TestArrayZeroCopy(t *testing.T) {
	const pad = 2
	fresh := func() ([]float64, adapter.Array[float64]) {
		data := make([]float64, 24+2*pad)
		for k := range data {
			data[k] = 1000 + float64(k) // distinct sentinels
		}
		a, err := adapter.NewArray(data, []int{2, 3, 4}, nil, pad)
		require.NoError(t, err)
		return data, a
	}
	for i, test := range []struct {
		name string
		view func(adapter.Array[float64]) adapter.Array[float64]
		// base maps a view index to the base index it must be.
		base func(idx []int) []int
	}{
		{"permute", func(a adapter.Array[float64]) adapter.Array[float64] { return a.Permute(2, 0, 1) },
			func(x []int) []int { return []int{x[1], x[2], x[0]} }},
		{"slice", func(a adapter.Array[float64]) adapter.Array[float64] { return a.Slice(2, 1, 4, 2) },
			func(x []int) []int { return []int{x[0], x[1], 1 + 2*x[2]} }},
		{"reverse", func(a adapter.Array[float64]) adapter.Array[float64] { return a.Reverse(1) },
			func(x []int) []int { return []int{x[0], 2 - x[1], x[2]} }},
		{"select", func(a adapter.Array[float64]) adapter.Array[float64] { return a.Select(1, 2) },
			func(x []int) []int { return []int{x[0], 2, x[1]} }},
		{"combined", func(a adapter.Array[float64]) adapter.Array[float64] {
			return a.Reverse(2).Permute(1, 2, 0).Slice(0, 0, 3, 2).Select(2, 1)
		}, func(x []int) []int { return []int{1, 2 * x[0], 3 - x[1]} }},
	} {
		data, a := fresh()
		v := test.view(a)
		want := slices.Clone(data)
		eachIndex(v.Shape, func(k int, idx []int) {
			x := -float64(k + 1)
			v.Set(x, idx...)
			b := test.base(idx)
			want[pad+(b[0]*3+b[1])*4+b[2]] = x
			if got := a.At(b...); got != x {
				t.Errorf("test %d (%s): base At%v: got %v, want %v", i, test.name, b, got, x)
			}
		})
		assert.Equal(t, want, data, "test %d (%s): buffer", i, test.name)
	}
}

// TestArrayAllocs counts allocations: element access allocates nothing, a
// view allocates its header's one slice.
func TestArrayAllocs(t *testing.T) {
	data := make([]float64, 120)
	a, err := adapter.NewArray(data, []int{2, 3, 4, 5}, nil, 0)
	require.NoError(t, err)
	var sink float64
	var isink int
	for i, test := range []struct {
		name string
		f    func()
		want float64
	}{
		{"At", func() { sink += a.At(1, 2, 3, 4) }, 0},
		{"Index", func() { isink += a.Index(1, 2, 3, 4) }, 0},
		{"Set", func() { a.Set(1, 1, 2, 3, 4) }, 0},
		{"Overlapping", func() { _ = a.Overlapping() }, 0},
		{"Check", func() { _ = a.Check() }, 0},
		{"Slice", func() { _ = a.Slice(2, 1, 4, 2) }, 1},
		{"Reverse", func() { _ = a.Reverse(1) }, 1},
		{"Select", func() { _ = a.Select(0, 1) }, 1},
		{"Matrix", func() { _, _ = a.Matrix(2) }, 0},
	} {
		if got := testing.AllocsPerRun(100, test.f); got != test.want {
			t.Errorf("test %d (%s): got %v allocs, want %v", i, test.name, got, test.want)
		}
	}
	_, _ = sink, isink
}

// TestArrayAllocsVariadicViews: Permute and BroadcastTo take their
// arguments variadically; a view should still cost one allocation.
func TestArrayAllocsVariadicViews(t *testing.T) {
	a, err := adapter.NewArray(make([]float64, 120), []int{2, 3, 4, 5}, nil, 0)
	require.NoError(t, err)
	for i, test := range []struct {
		name string
		f    func()
	}{
		{"Permute", func() { _ = a.Permute(0, 1, 3, 2) }},
		{"BroadcastTo", func() { _, _ = a.BroadcastTo(3, 2, 3, 4, 5) }},
	} {
		if got := testing.AllocsPerRun(100, test.f); got != 1 {
			t.Errorf("test %d (%s): got %v allocs, want 1", i, test.name, got)
		}
	}
}

// TestArrayOverlappingEmpty: an empty array has no two elements to share an
// address, whatever its strides.
func TestArrayOverlappingEmpty(t *testing.T) {
	for i, test := range []adapter.Array[float64]{
		{Shape: []int{2, 0}, Strides: []int{0, 1}},
		{Shape: []int{3, 2, 0}, Strides: []int{0, 0, 0}},
		{Shape: []int{0, 2}, Strides: []int{1, 0}},
	} {
		if test.Overlapping() {
			t.Errorf("test %d: %v: got Overlapping true, want false", i, test)
		}
	}
}

// TestArrayFloat32 runs views over float32 data against float64 on the same
// values.
func TestArrayFloat32(t *testing.T) {
	d64 := make([]float64, 60)
	d32 := make([]float32, 60)
	for k := range d64 {
		d64[k] = float64(k)*0.5 - 7
		d32[k] = float32(d64[k])
	}
	a64, err := adapter.ArrayFromNumPy(d64, []int{3, 4, 5}, []int{8, 24, 96}, 8, 0) // F order
	require.NoError(t, err)
	a32, err := adapter.ArrayFromNumPy(d32, []int{3, 4, 5}, []int{4, 12, 48}, 4, 0)
	require.NoError(t, err)
	views := []func(adapter.Array[float64]) adapter.Array[float64]{
		func(a adapter.Array[float64]) adapter.Array[float64] { return a.Permute(2, 1, 0).Reverse(0) },
		func(a adapter.Array[float64]) adapter.Array[float64] { return a.Slice(1, 1, 4, 2).Select(2, 3) },
	}
	views32 := []func(adapter.Array[float32]) adapter.Array[float32]{
		func(a adapter.Array[float32]) adapter.Array[float32] { return a.Permute(2, 1, 0).Reverse(0) },
		func(a adapter.Array[float32]) adapter.Array[float32] { return a.Slice(1, 1, 4, 2).Select(2, 3) },
	}
	for i := range views {
		v64, v32 := views[i](a64), views32[i](a32)
		require.Equal(t, v64.Shape, v32.Shape)
		assert.Equal(t, v64.Strides, v32.Strides, "test %d: element strides", i)
		eachIndex(v64.Shape, func(_ int, idx []int) {
			if got, want := v32.At(idx...), float32(v64.At(idx...)); got != want {
				t.Errorf("test %d: At%v: got %v, want %v", i, idx, got, want)
			}
		})
	}
}

// TestArrayStridedRoundTrip: StridedView and Strided32View share data, and
// Strided.Array gives back the array they came from.
func TestArrayStridedRoundTrip(t *testing.T) {
	d64 := make([]float64, 40)
	d32 := make([]float32, 40)
	for k := range d64 {
		d64[k] = float64(k)
		d32[k] = float32(k)
	}
	for i, test := range []struct {
		shape, strides []int
		offset         int
		rowAxes        int
	}{
		{[]int{3, 4}, []int{4, 1}, 0, 1},   // C order
		{[]int{3, 4}, []int{1, 3}, 2, 1},   // F order
		{[]int{3, 4}, []int{-8, 2}, 17, 1}, // reversed rows, stepped columns
		{[]int{4, 5}, []int{0, 1}, 3, 1},   // broadcast rows
		{[]int{2, 3, 4}, []int{12, 4, 1}, 0, 2},
		{[]int{2, 3, 4}, []int{12, 4, 1}, 0, 1},
	} {
		a64, err := adapter.NewArray(d64, test.shape, test.strides, test.offset)
		require.NoError(t, err, "test %d", i)
		a32, err := adapter.NewArray(d32, test.shape, test.strides, test.offset)
		require.NoError(t, err, "test %d", i)
		s64, err := adapter.StridedView(a64, test.rowAxes)
		require.NoError(t, err, "test %d", i)
		s32, err := adapter.Strided32View(a32, test.rowAxes)
		require.NoError(t, err, "test %d", i)
		assert.Same(t, &d64[0], &s64.Data[0], "test %d", i)
		assert.Same(t, &d32[0], &s32.Data[0], "test %d", i)
		assert.Equal(t, s64.Layout, s32.Layout, "test %d", i)
		r, c := product(test.shape[:test.rowAxes]), product(test.shape[test.rowAxes:])
		require.Equal(t, []int{r, c}, []int{s64.Layout.Rows, s64.Layout.Cols}, "test %d", i)
		idx := make([]int, len(test.shape))
		eachIndex(test.shape, func(k int, _ []int) {
			rest := k
			for ax := len(test.shape) - 1; ax >= 0; ax-- {
				idx[ax] = rest % test.shape[ax]
				rest /= test.shape[ax]
			}
			if got, want := s64.At(k/c, k%c), a64.At(idx...); got != want {
				t.Errorf("test %d: Strided At(%d, %d): got %v, want %v", i, k/c, k%c, got, want)
			}
			if got, want := s32.At(k/c, k%c), a32.At(idx...); got != want {
				t.Errorf("test %d: Strided32 At(%d, %d): got %v, want %v", i, k/c, k%c, got, want)
			}
		})
		back64, back32 := s64.Array(), s32.Array()
		if len(test.shape) == 2 {
			assert.Equal(t, a64.Shape, back64.Shape, "test %d", i)
			assert.Equal(t, a64.Strides, back64.Strides, "test %d", i)
			assert.Equal(t, a64.Offset, back64.Offset, "test %d", i)
			assert.Equal(t, a32.Strides, back32.Strides, "test %d", i)
		}
		assert.Same(t, &d64[0], &back64.Data[0], "test %d", i)
		assert.Same(t, &d32[0], &back32.Data[0], "test %d", i)
		assert.NoError(t, back64.Check(), "test %d", i)
		eachIndex(back64.Shape, func(_ int, ij []int) {
			if got, want := back64.At(ij...), s64.At(ij[0], ij[1]); got != want {
				t.Errorf("test %d: Array At%v: got %v, want %v", i, ij, got, want)
			}
			if got, want := back32.At(ij...), s32.At(ij[0], ij[1]); got != want {
				t.Errorf("test %d: Array32 At%v: got %v, want %v", i, ij, got, want)
			}
		})
		// Writes through the round trip reach the original buffer.
		if !back64.Overlapping() {
			back64.Set(-1, r-1, c-1)
			assert.Equal(t, -1.0, d64[s64.Layout.Index(r-1, c-1)], "test %d", i)
			d64[s64.Layout.Index(r-1, c-1)] = float64(s64.Layout.Index(r-1, c-1))
		}
	}
}

// TestArrayLayout checks Layout for rank-2 arrays and its errors.
func TestArrayLayout(t *testing.T) {
	a, err := adapter.NewArray(make([]float64, 24), []int{2, 3, 4}, nil, 0)
	require.NoError(t, err)
	l, err := a.Select(0, 1).Permute(1, 0).Layout()
	require.NoError(t, err)
	assert.Equal(t, adapter.Layout{Rows: 4, Cols: 3, RowStride: 1, ColStride: 4, Offset: 12}, l)
	assert.Equal(t, adapter.ColMajor, l.Order())
	_, err = a.Layout()
	assert.ErrorIs(t, err, adapter.ErrRank)
	_, err = a.Select(0, 0).Slice(1, 2, 2, 1).Layout()
	assert.ErrorIs(t, err, adapter.ErrDims)
	_, err = a.Matrix(4)
	assert.ErrorIs(t, err, adapter.ErrRank)
	_, err = a.Matrix(-1)
	assert.ErrorIs(t, err, adapter.ErrRank)
	_, err = a.Slice(1, 0, 0, 1).Matrix(1)
	assert.ErrorIs(t, err, adapter.ErrDims)
	out := adapter.Array[float64]{Data: make([]float64, 4), Shape: []int{2, 3}, Strides: []int{3, 1}}
	_, err = out.Matrix(1)
	assert.ErrorIs(t, err, adapter.ErrOutOfBounds, "Matrix of an array outside Data")
}
