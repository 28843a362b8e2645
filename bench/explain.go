package bench

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// Operand describes a matrix's memory for Explain: where it came from, its
// layout in elements, its item size and, when known, its buffer's length.
type Operand struct {
	// Source says where the description came from, for the first line:
	// "shape (6, 8), strides (8, 48) bytes" or a file name.
	Source string
	// Layout is in elements, as adapter.FromNumPy returns it.
	Layout adapter.Layout
	// ItemSize is the size of one element in bytes: 8 for float64.
	ItemSize int
	// Len is the buffer's length in elements; 0 when unknown, in which case
	// a layout reaching before the buffer's start (reversed axes described
	// from their first element) has its offset moved to make it start at 0.
	Len int
}

// Explain prints what strider does with an operand: its classification, the
// BLAS view and flag it gets, whether anything must be copied and how much,
// the plans blasbridge makes for it as each operand of a GEMM and as the
// matrix of a GEMV on the active backend, and the byte offsets of its first
// elements. It returns an error, after saying why, for a layout that does
// not fit its buffer.
func Explain(w io.Writer, op Operand) error {
	ew := &errWriter{w: w}
	l, size := op.Layout, op.ItemSize
	if size <= 0 {
		return fmt.Errorf("%w: item size %d", adapter.ErrItemSize, size)
	}
	if op.Source != "" {
		fmt.Fprintf(ew, "operand: %s\n", op.Source)
	}
	fmt.Fprintf(ew, "in elements: %d×%d, strides (%d, %d), offset %d, item size %d bytes\n",
		l.Rows, l.Cols, l.RowStride, l.ColStride, l.Offset, size)
	lo, hi, err := l.Extent()
	if err != nil {
		fmt.Fprintf(ew, "invalid layout: %v\n", err)
		return err
	}
	if op.Len == 0 && lo < 0 {
		l.Offset -= lo
		fmt.Fprintf(ew, "offset moved to %d elements (%d bytes) so that the lowest element is the buffer's first\n", l.Offset, l.Offset*size)
		hi -= lo
		lo = 0
	}
	n := op.Len
	if n == 0 {
		n = hi + 1
	}
	if err := l.Check(n); err != nil {
		fmt.Fprintf(ew, "does not fit a buffer of %d elements: %v\n", n, err)
		return err
	}
	fmt.Fprintf(ew, "reaches elements %d..%d: bytes %d..%d of a buffer of %d elements\n", lo, hi, lo*size, (hi+1)*size-1, n)

	order := l.Order()
	fmt.Fprintf(ew, "\nclassification: %v\n", l)
	fast := "1 (along a row)"
	if l.FastAxis() == 0 {
		fast = "0 (down a column)"
	}
	fmt.Fprintf(ew, "  order %v · fast axis %s · contiguous %s · elements share addresses %s\n",
		order, fast, yesNo(l.Contiguous()), yesNo(l.Overlaps()))

	c := l.Canonical()
	switch order {
	case adapter.RowMajor:
		fmt.Fprintf(ew, "BLAS view: blas64.General{Rows: %d, Cols: %d, Stride: %d} at element %d, flag blas.NoTrans\n", c.Rows, c.Cols, c.RowStride, c.Offset)
		fmt.Fprintln(ew, "copy needed: no — BLAS reads it in place")
	case adapter.ColMajor:
		fmt.Fprintf(ew, "BLAS view: Aᵀ as blas64.General{Rows: %d, Cols: %d, Stride: %d} at element %d, flag blas.Trans\n", c.Cols, c.Rows, c.ColStride, c.Offset)
		fmt.Fprintln(ew, "copy needed: no — BLAS reads it in place through the trans flag")
	default:
		fmt.Fprintln(ew, "BLAS view: none (BLAS needs one stride 1 and the other at least the inner dimension)")
		fmt.Fprintf(ew, "copy needed: yes — blasbridge packs it into scratch, in whichever order is cheaper on the backend: %d×%d×%d = %s\n",
			l.Rows, l.Cols, size, fmtBytes(int64(l.Rows*l.Cols*size)))
	}

	be := blasbridge.Active()
	fmt.Fprintf(ew, "\nplans on backend %s, the other operands row-major (blasbridge.PlanGemm):\n", be.Name)
	r, k := l.Rows, l.Cols
	row := func(r, c int) adapter.Layout { return adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1} }
	for _, role := range []struct {
		name    string
		a, b, c adapter.Layout
	}{
		{"A", l, row(k, k), row(r, k)},
		{"B", row(r, r), l, row(r, k)},
		{"C", row(r, k), row(k, k), l},
	} {
		shape := fmt.Sprintf("%d×%d · %d×%d → %d×%d", role.a.Rows, role.a.Cols, role.b.Rows, role.b.Cols, role.c.Rows, role.c.Cols)
		p, err := blasbridge.PlanGemm(role.a, role.b, role.c)
		if err != nil {
			fmt.Fprintf(ew, "  as %s (%s): %v\n", role.name, shape, err)
			continue
		}
		fmt.Fprintf(ew, "  as %s (%s): %v", role.name, shape, p)
		if size != 8 && p.CopiedBytes > 0 {
			fmt.Fprintf(ew, " (that is %s of %d-byte items)", fmtBytes(int64(p.CopiedBytes/8*size)), size)
		}
		fmt.Fprintln(ew)
	}
	switch order {
	case adapter.RowMajor:
		fmt.Fprintln(ew, "  as A of y = A·x (blasbridge.Gemv): no-trans, copied 0 B")
	case adapter.ColMajor:
		fmt.Fprintln(ew, "  as A of y = A·x (blasbridge.Gemv): trans on the view of Aᵀ, copied 0 B")
	default:
		fmt.Fprintf(ew, "  as A of y = A·x (blasbridge.Gemv): packed, copied %s\n", fmtBytes(int64(l.Rows*l.Cols*size)))
	}

	fmt.Fprintln(ew, "\nbyte offsets of element (i, j) from the buffer's start:")
	const maxR, maxC = 4, 6
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for j := range min(l.Cols, maxC) {
		fmt.Fprintf(tw, "j=%d\t", j)
	}
	if l.Cols > maxC {
		fmt.Fprint(tw, "…\t")
	}
	fmt.Fprintln(tw)
	for i := range min(l.Rows, maxR) {
		fmt.Fprintf(tw, "i=%d\t", i)
		for j := range min(l.Cols, maxC) {
			fmt.Fprintf(tw, "%d\t", l.ByteOffset(i, j, size))
		}
		if l.Cols > maxC {
			fmt.Fprint(tw, "…\t")
		}
		fmt.Fprintln(tw)
	}
	if l.Rows > maxR {
		fmt.Fprintln(tw, "…\t")
	}
	tw.Flush()
	return ew.err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
