package adapter

import (
	"fmt"

	"github.com/strider-go/strider/internal/bounds"
)

// Layout describes where the elements of an r×c matrix live in a flat buffer,
// in element units:
//
//	element (i, j) is at Data[Offset + i*RowStride + j*ColStride]
//
// Any strides are representable: negative (a reversed axis), zero (a
// broadcast axis) and overlapping ones. A Layout is a plain value; it does not
// know its buffer, so use Check before trusting one that came from outside.
type Layout struct {
	Rows, Cols           int
	RowStride, ColStride int
	Offset               int
}

// Order is how a layout can reach BLAS.
type Order int

const (
	// RowMajor layouts are BLAS NoTrans operands: ColStride == 1 and
	// RowStride >= max(1, Cols).
	RowMajor Order = iota
	// ColMajor layouts are BLAS Trans operands: RowStride == 1 and
	// ColStride >= max(1, Rows).
	ColMajor
	// General layouts have no BLAS view; they are read through At and packed
	// before BLAS.
	General
)

// String returns "row-major", "col-major" or "general".
func (o Order) String() string {
	switch o {
	case RowMajor:
		return "row-major"
	case ColMajor:
		return "col-major"
	case General:
		return "general"
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// FromNumPy converts a NumPy-style 2-D description, with strides and offset in
// bytes as numpy's __array_interface__ gives them, to a Layout in elements.
// It returns an error for a shape that is not 2-D, a dimension that is not
// positive, a non-positive item size, and a stride or offset that is not a
// multiple of the item size. It does not know the buffer: call Check.
func FromNumPy(shape, strides []int, itemsize, offset int) (Layout, error) {
	if itemsize <= 0 {
		return Layout{}, fmt.Errorf("%w: %d", ErrItemSize, itemsize)
	}
	if len(shape) != 2 {
		return Layout{}, fmt.Errorf("%w: shape %v has %d dimensions", ErrRank, shape, len(shape))
	}
	if len(strides) != len(shape) {
		return Layout{}, fmt.Errorf("%w: %d strides for shape %v", ErrRank, len(strides), shape)
	}
	if shape[0] <= 0 || shape[1] <= 0 {
		return Layout{}, fmt.Errorf("%w: shape %v", ErrDims, shape)
	}
	for axis, s := range strides {
		if s%itemsize != 0 {
			return Layout{}, fmt.Errorf("%w: stride %d bytes on axis %d, item size %d", ErrMisaligned, s, axis, itemsize)
		}
	}
	if offset%itemsize != 0 {
		return Layout{}, fmt.Errorf("%w: offset %d bytes, item size %d", ErrMisaligned, offset, itemsize)
	}
	return Layout{
		Rows: shape[0], Cols: shape[1],
		RowStride: strides[0] / itemsize, ColStride: strides[1] / itemsize,
		Offset: offset / itemsize,
	}, nil
}

// Index returns the buffer index of element (i, j): the one place the offset
// formula lives. It does not check i and j.
func (l Layout) Index(i, j int) int {
	return l.Offset + i*l.RowStride + j*l.ColStride
}

// ByteOffset returns the byte offset of element (i, j) from the start of the
// buffer, for elements of itemsize bytes: what NumPy's strides compute.
func (l Layout) ByteOffset(i, j, itemsize int) int {
	return l.Index(i, j) * itemsize
}

// Check returns nil if and only if every element of l lies inside a buffer of
// n elements. It reports non-positive dimensions and arithmetic that would
// overflow int as errors, never as a panic.
func (l Layout) Check(n int) error {
	return bounds.Strided(n, l.Rows, l.Cols, l.RowStride, l.ColStride, l.Offset)
}

// Extent returns the smallest and largest buffer indices l reaches. It
// returns an error for non-positive dimensions and for arithmetic that
// overflows int, never a panic.
func (l Layout) Extent() (lo, hi int, err error) {
	if l.Rows <= 0 || l.Cols <= 0 {
		return 0, 0, bounds.Strided(0, l.Rows, l.Cols, 0, 0, 0)
	}
	return bounds.Extent(l.Rows, l.Cols, l.RowStride, l.ColStride, l.Offset)
}

// Canonical returns l with the strides of size-1 dimensions, which are
// meaningless, replaced by the value that gives l a BLAS view if one exists:
// a single column gets ColStride 1; a single row gets RowStride max(1, Cols)
// when its ColStride is 1 and RowStride 1 otherwise. Element addresses do not
// change.
func (l Layout) Canonical() Layout {
	if l.Cols == 1 {
		l.ColStride = 1
	}
	if l.Rows == 1 {
		if l.ColStride == 1 {
			l.RowStride = max(1, l.Cols)
		} else {
			l.RowStride = 1
		}
	}
	return l
}

// Order classifies l by the rule NumPy's matmul, PyTorch's addmm and
// Strided.jl share, after canonicalising size-1 dimensions. RowMajor wins a
// tie (a 1×1 matrix, or a contiguous single column).
func (l Layout) Order() Order {
	c := l.Canonical()
	switch {
	case c.ColStride == 1 && c.RowStride >= max(1, c.Cols):
		return RowMajor
	case c.RowStride == 1 && c.ColStride >= max(1, c.Rows):
		return ColMajor
	}
	return General
}

// LeadingDim returns the BLAS leading dimension of l: the canonical RowStride
// for RowMajor, ColStride for ColMajor, and 0 for General.
func (l Layout) LeadingDim() int {
	c := l.Canonical()
	switch l.Order() {
	case RowMajor:
		return c.RowStride
	case ColMajor:
		return c.ColStride
	}
	return 0
}

// T returns the layout of the transpose of l: the same elements with the
// roles of rows and columns swapped. No data is touched.
func (l Layout) T() Layout {
	l.Rows, l.Cols = l.Cols, l.Rows
	l.RowStride, l.ColStride = l.ColStride, l.RowStride
	return l
}

// FastAxis returns the axis along which consecutive elements are closest in
// memory: 1 (along a row) or 0 (down a column). Size-1 axes are never fast
// unless both are; ties go to axis 1, as in C order.
func (l Layout) FastAxis() int {
	switch {
	case l.Cols == 1 && l.Rows > 1:
		return 0
	case l.Rows == 1:
		return 1
	case abs(l.RowStride) < abs(l.ColStride):
		return 0
	}
	return 1
}

// Overlaps reports whether two distinct elements of l share an address, as
// with a zero (broadcast) stride on a dimension longer than 1, or rows that
// overlap. Such a layout may be read but never written through.
func (l Layout) Overlaps() bool {
	return bounds.Aliased(l.Rows, l.Cols, l.RowStride, l.ColStride)
}

// Contiguous reports whether l covers Rows*Cols consecutive elements in C or
// Fortran order, with no gaps and no reversed axes.
func (l Layout) Contiguous() bool {
	switch l.Order() {
	case RowMajor:
		return l.LeadingDim() == l.Cols
	case ColMajor:
		return l.LeadingDim() == l.Rows
	}
	return false
}

// Padding returns the number of unused elements between consecutive rows
// (RowMajor) or columns (ColMajor): the leading dimension minus the inner
// dimension. It is 0 for contiguous and for General layouts.
func (l Layout) Padding() int {
	switch l.Order() {
	case RowMajor:
		return l.LeadingDim() - l.Cols
	case ColMajor:
		return l.LeadingDim() - l.Rows
	}
	return 0
}

// String describes l in one line, for example
//
//	col-major 6×8, ld=10 (4 padding elements per column)
//	row-major 3×4, ld=4 (contiguous)
//	general 3×4, strides (-4, 1), offset 8 (reversed rows)
func (l Layout) String() string {
	o := l.Order()
	switch o {
	case RowMajor, ColMajor:
		unit := "row"
		if o == ColMajor {
			unit = "column"
		}
		s := fmt.Sprintf("%v %d×%d, ld=%d", o, l.Rows, l.Cols, l.LeadingDim())
		if l.Offset != 0 {
			s += fmt.Sprintf(", offset %d", l.Offset)
		}
		if p := l.Padding(); p > 0 {
			s += fmt.Sprintf(" (%d padding elements per %s)", p, unit)
		} else {
			s += " (contiguous)"
		}
		return s
	}
	s := fmt.Sprintf("general %d×%d, strides (%d, %d)", l.Rows, l.Cols, l.RowStride, l.ColStride)
	if l.Offset != 0 {
		s += fmt.Sprintf(", offset %d", l.Offset)
	}
	var notes []string
	c := l.Canonical()
	if c.Rows > 1 && c.RowStride == 0 {
		notes = append(notes, "broadcast rows")
	}
	if c.Cols > 1 && c.ColStride == 0 {
		notes = append(notes, "broadcast columns")
	}
	if c.Rows > 1 && c.RowStride < 0 {
		notes = append(notes, "reversed rows")
	}
	if c.Cols > 1 && c.ColStride < 0 {
		notes = append(notes, "reversed columns")
	}
	if len(notes) == 0 && l.Overlaps() {
		notes = append(notes, "overlapping")
	}
	for k, n := range notes {
		if k == 0 {
			s += " (" + n
		} else {
			s += ", " + n
		}
		if k == len(notes)-1 {
			s += ")"
		}
	}
	return s
}

// Visit calls fn for every element of l with its indices and its buffer index,
// walking the smaller stride innermost and each axis in the direction of
// increasing address, so the loop follows memory order whenever the layout's
// axes do not interleave. It visits Rows*Cols elements, each once.
func (l Layout) Visit(fn func(i, j, k int)) {
	if l.Rows <= 0 || l.Cols <= 0 {
		return
	}
	// Outer axis (n0, s0), inner axis (n1, s1), with index maps back to (i, j).
	n0, s0, n1, s1 := l.Rows, l.RowStride, l.Cols, l.ColStride
	inner := l.FastAxis()
	if inner == 0 {
		n0, s0, n1, s1 = n1, s1, n0, s0
	}
	for a := 0; a < n0; a++ {
		p := a
		if s0 < 0 {
			p = n0 - 1 - a
		}
		for b := 0; b < n1; b++ {
			q := b
			if s1 < 0 {
				q = n1 - 1 - b
			}
			i, j := p, q
			if inner == 0 {
				i, j = q, p
			}
			fn(i, j, l.Index(i, j))
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
