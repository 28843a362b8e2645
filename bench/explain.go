package bench

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/bounds"
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
	fmt.Fprintln(ew)
	describeBackend(ew, be)
	fmt.Fprintf(ew, "plans on backend %s, the other operands row-major (blasbridge.PlanGemm):\n", be.Name)
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

// describeBackend heads the plans of a backend that describes itself
// (OpenBLAS: version, core, threads) with that description, and with its
// warning when it runs slower kernels than the CPU allows.
func describeBackend(w io.Writer, be blasbridge.Backend) {
	if be.Describe == nil {
		return
	}
	about, warning := be.Describe()
	fmt.Fprintf(w, "backend %s: %s\n", be.Name, about)
	if warning != "" {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// ArrayOperand describes an N-d array's memory for ExplainArray and
// ExplainContraction, in elements as adapter.Array holds it.
type ArrayOperand struct {
	// Source says where the description came from, for the first line.
	Source string
	// Shape, Strides and Offset are in elements; nil Strides mean C order.
	Shape, Strides []int
	Offset         int
	// ItemSize is the size of one element in bytes: 8 for float64.
	ItemSize int
	// Len is the buffer's length in elements; 0 when unknown, in which case
	// an array reaching before the buffer's start has its offset moved to
	// make it start at 0, as Explain does.
	Len int
}

// array checks op and returns it as an array with no data, its offset
// moved when Len is unknown and it reaches before 0 (said on w), and the
// elements it reaches.
func (op ArrayOperand) array(w io.Writer, name string) (a adapter.Array[float64], lo, hi int, err error) {
	if op.ItemSize <= 0 {
		return a, 0, 0, fmt.Errorf("%w: item size %d", adapter.ErrItemSize, op.ItemSize)
	}
	st := op.Strides
	if st == nil {
		if st, err = cOrder(op.Shape); err != nil {
			return a, 0, 0, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(st) != len(op.Shape) {
		return a, 0, 0, fmt.Errorf("%w: %s: %d strides for shape %v", adapter.ErrRank, name, len(st), op.Shape)
	}
	a = adapter.Array[float64]{Shape: slices.Clone(op.Shape), Strides: slices.Clone(st), Offset: op.Offset}
	if lo, hi, err = a.Extent(); err != nil {
		return a, 0, 0, fmt.Errorf("%s: %w", name, err)
	}
	if op.Len == 0 && lo < 0 {
		a.Offset -= lo
		fmt.Fprintf(w, "%s: offset moved to %d elements (%d bytes) so that the lowest element is the buffer's first\n", name, a.Offset, a.Offset*op.ItemSize)
		lo, hi = 0, hi-lo
	}
	if op.Len > 0 && (lo < 0 || hi >= op.Len) {
		return a, lo, hi, fmt.Errorf("%w: %s reaches elements %d..%d of a buffer of %d", adapter.ErrOutOfBounds, name, lo, hi, op.Len)
	}
	return a, lo, hi, nil
}

// cOrder returns the C-order strides of shape, in elements (the last axis
// contiguous), as NumPy gives a new array; an error wrapping
// adapter.ErrOverflow when the shape has more elements than int holds.
func cOrder(shape []int) ([]int, error) {
	st := make([]int, len(shape))
	s := 1
	for k := len(shape) - 1; k >= 0; k-- {
		st[k] = s
		var ok bool
		if s, ok = bounds.Mul(s, max(shape[k], 1)); !ok {
			return nil, fmt.Errorf("%w: shape %v has more elements than int holds", adapter.ErrOverflow, shape)
		}
	}
	return st, nil
}

// ExplainArray prints what strider sees in an N-d array: its extent,
// whether its elements share addresses (then it can be read, not written),
// whether it is C or Fortran contiguous, which adjacent axes merge into one
// stride (NumPy's reshape keeps those a view), the chains its axes form in
// memory order (what a contraction merges into one GEMM dimension,
// whatever the axes' order in the shape), and the matrices it flattens to
// without a copy (adapter.Array.Matrix) with their BLAS classification. It
// returns an error, after saying why, for an array that does not fit its
// buffer.
func ExplainArray(w io.Writer, op ArrayOperand) error {
	ew := &errWriter{w: w}
	if op.Source != "" {
		fmt.Fprintf(ew, "operand: %s\n", op.Source)
	}
	a, lo, hi, err := op.array(ew, "array")
	if err != nil {
		fmt.Fprintf(ew, "invalid array: %v\n", err)
		return err
	}
	size := op.ItemSize
	fmt.Fprintf(ew, "in elements: shape %s, strides %s, offset %d, item size %d bytes\n", intTuple(a.Shape), intTuple(a.Strides), a.Offset, size)
	n := op.Len
	if n == 0 {
		n = hi + 1
	}
	fmt.Fprintf(ew, "reaches elements %d..%d: bytes %d..%d of a buffer of %d elements\n", lo, hi, lo*size, (hi+1)*size-1, n)
	fmt.Fprintf(ew, "\nelements share addresses %s · C-contiguous %s · Fortran-contiguous %s\n",
		yesNo(a.Overlapping()), yesNo(contiguous(a.Shape, a.Strides, false)), yesNo(contiguous(a.Shape, a.Strides, true)))
	var notes []string
	for k, s := range a.Strides {
		switch {
		case a.Shape[k] > 1 && s == 0:
			notes = append(notes, fmt.Sprintf("axis %d is broadcast (stride 0)", k))
		case a.Shape[k] > 1 && s < 0:
			notes = append(notes, fmt.Sprintf("axis %d is reversed", k))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(ew, "%s\n", strings.Join(notes, " · "))
	}

	if len(a.Shape) > 1 {
		fmt.Fprintln(ew, "\nadjacent axes that merge (strides[k] == shape[k+1]·strides[k+1]; NumPy's reshape keeps them a view):")
	}
	for k := range len(a.Shape) - 1 {
		want := a.Shape[k+1] * a.Strides[k+1]
		switch {
		case a.Shape[k] == 1 || a.Shape[k+1] == 1:
			fmt.Fprintf(ew, "  axes %d,%d: yes (an axis of length 1)\n", k, k+1)
		case a.Strides[k] == want:
			fmt.Fprintf(ew, "  axes %d,%d: yes, %d elements of stride %d\n", k, k+1, a.Shape[k]*a.Shape[k+1], a.Strides[k+1])
		default:
			fmt.Fprintf(ew, "  axes %d,%d: no (stride %d, want %d·%d = %d)\n", k, k+1, a.Strides[k], a.Shape[k+1], a.Strides[k+1], want)
		}
	}
	fmt.Fprintln(ew, "axes in memory order, outermost first, grouped where their strides chain (a contraction merges")
	fmt.Fprintln(ew, "the labels of one group into one GEMM dimension when the other operands chain them alike):")
	for _, c := range memoryChains(a.Shape, a.Strides) {
		var ax []string
		n := 1
		for _, k := range c {
			ax = append(ax, strconv.Itoa(k))
			n *= a.Shape[k]
		}
		fmt.Fprintf(ew, "  (%s): %d elements, stride %d\n", strings.Join(ax, " "), n, a.Strides[c[len(c)-1]])
	}

	if len(a.Shape) > 1 {
		fmt.Fprintln(ew, "\nas a matrix, the leading axes as rows (adapter.Array.Matrix, no copy):")
		for r := 1; r < len(a.Shape); r++ {
			rows, cols := axisRange(0, r), axisRange(r, len(a.Shape))
			rn, rs, rok := merge(a.Shape[:r], a.Strides[:r])
			cn, cs, cok := merge(a.Shape[r:], a.Strides[r:])
			switch {
			case !rok:
				fmt.Fprintf(ew, "  rows %s, columns %s: none — the row axes do not merge\n", rows, cols)
			case !cok:
				fmt.Fprintf(ew, "  rows %s, columns %s: none — the column axes do not merge\n", rows, cols)
			default:
				l := adapter.Layout{Rows: rn, Cols: cn, RowStride: rs, ColStride: cs, Offset: a.Offset}
				fmt.Fprintf(ew, "  rows %s, columns %s: %v\n", rows, cols, l)
			}
		}
	}
	return ew.err
}

// contiguous reports whether the strides are the C-order ones of shape (the
// Fortran-order ones when fortran), ignoring axes of length 1.
func contiguous(shape, strides []int, fortran bool) bool {
	s := 1
	for j := range shape {
		k := len(shape) - 1 - j
		if fortran {
			k = j
		}
		if shape[k] == 0 {
			return true
		}
		if shape[k] != 1 && strides[k] != s {
			return false
		}
		s *= shape[k]
	}
	return true
}

// merge returns the axes as one of n elements with stride s, when each
// axis's stride is the next one's length times its stride (axes of length
// 1 left out), as adapter.Array.Matrix flattens them.
func merge(shape, strides []int) (n, s int, ok bool) {
	n, s = 1, 0
	for k := len(shape) - 1; k >= 0; k-- {
		switch {
		case shape[k] == 1:
		case n == 1:
			n, s = shape[k], strides[k]
		case strides[k] == n*s:
			n *= shape[k]
		default:
			return 0, 0, false
		}
	}
	if n == 1 && len(shape) > 0 {
		s = strides[len(shape)-1]
	}
	return n, s, true
}

// memoryChains returns the axes longer than 1 ordered by decreasing
// |stride|, grouped where each stride is the next axis's length times its
// stride.
func memoryChains(shape, strides []int) [][]int {
	var axes []int
	for k, n := range shape {
		if n > 1 {
			axes = append(axes, k)
		}
	}
	abs := func(x int) int { return max(x, -x) }
	slices.SortStableFunc(axes, func(i, j int) int { return abs(strides[j]) - abs(strides[i]) })
	var out [][]int
	for i, k := range axes {
		if i > 0 {
			prev := axes[i-1]
			if strides[prev] == shape[k]*strides[k] {
				out[len(out)-1] = append(out[len(out)-1], k)
				continue
			}
		}
		out = append(out, []int{k})
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func axisRange(from, to int) string {
	if to-from == 1 {
		return strconv.Itoa(from)
	}
	return fmt.Sprintf("%d..%d", from, to-1)
}

func intTuple(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	if len(v) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// Contraction describes a contraction of two N-d arrays for
// ExplainContraction: an einsum spec, or NumPy's matmul when Spec is "".
type Contraction struct {
	// Spec is the einsum spec, "bshd,bthd->bhst"; "" means Matmul.
	Spec string
	// A and B are the inputs and C the output; their item sizes must agree
	// and be 8 (float64) or 4 (float32).
	A, B, C ArrayOperand
}

// ExplainContraction prints the plan blasbridge makes for a contraction on
// the active backend (PlanEinsum or PlanMatmul, from shapes and strides
// alone): the one-line plan, then its parts — the labels merged into the
// batch, M, N and K of the GEMMs with their lengths, the loops around the
// batched GEMMs, labels summed first, operands packed whole, the GEMM each
// call issues and how it is batched, the number of calls, and the bytes
// copied. It returns the planner's error, after printing it, for arrays
// that do not fit the spec or each other.
func ExplainContraction(w io.Writer, ct Contraction) error {
	ew := &errWriter{w: w}
	size := ct.A.ItemSize
	if ct.B.ItemSize != size || ct.C.ItemSize != size {
		return fmt.Errorf("%w: item sizes %d, %d and %d differ", adapter.ErrItemSize, ct.A.ItemSize, ct.B.ItemSize, ct.C.ItemSize)
	}
	if size != 8 && size != 4 {
		return fmt.Errorf("%w: %d bytes: contractions take float64 (8) or float32 (4)", adapter.ErrItemSize, size)
	}
	call, what := "blasbridge.PlanEinsum", "einsum "+ct.Spec
	if ct.Spec == "" {
		call, what = "blasbridge.PlanMatmul", "matmul"
	}
	be := blasbridge.Active()
	describeBackend(ew, be)
	fmt.Fprintf(ew, "%s on backend %s (%s, float%d)\n", what, be.Name, call, 8*size)
	var arrays [3]adapter.Array[float64]
	for t, op := range [3]ArrayOperand{ct.A, ct.B, ct.C} {
		name := "ABC"[t : t+1]
		a, _, _, err := op.array(ew, name)
		if err != nil {
			fmt.Fprintf(ew, "invalid array: %v\n", err)
			return err
		}
		arrays[t] = a
		var notes []string
		switch {
		case contiguous(a.Shape, a.Strides, false):
			notes = append(notes, "C order")
		case contiguous(a.Shape, a.Strides, true):
			notes = append(notes, "Fortran order")
		}
		if a.Overlapping() {
			notes = append(notes, "elements share addresses")
		}
		note := ""
		if len(notes) > 0 {
			note = " (" + strings.Join(notes, ", ") + ")"
		}
		src := ""
		if op.Source != "" {
			src = " — " + op.Source
		}
		fmt.Fprintf(ew, "  %s: shape %s, strides %s elements, offset %d%s%s\n", name, intTuple(a.Shape), intTuple(a.Strides), a.Offset, note, src)
	}
	p, err := planContraction(ct.Spec, size, arrays)
	if err != nil {
		fmt.Fprintf(ew, "no plan: %v\n", err)
		return err
	}
	fmt.Fprintf(ew, "\nplan: %v\n", p)
	if p.Calls == 0 {
		return ew.err
	}

	lengths := labelLengths(p.Spec, arrays[0].Shape, arrays[1].Shape)
	group := func(labels string) string {
		if labels == "" {
			return "—"
		}
		var parts []string
		for _, g := range strings.Split(labels, ",") {
			n := 1
			for _, l := range g {
				n *= lengths[l]
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", g, n))
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintln(ew, "\ngroups, outer to inner (labels whose strides chain merge into one dimension):")
	if strings.Contains(p.Spec, "...") {
		fmt.Fprintln(ew, `  (the digits label the axes under "...", 0 the last)`)
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, g := range []struct{ name, labels, doc string }{
		{"batch", p.Batch, "the items of each strided batched GEMM"},
		{"M", p.M, "rows of A and C"},
		{"N", p.N, "columns of B and C"},
		{"K", p.K, "contracted inside each GEMM"},
		{"loops", p.Loops, "batch labels iterated around the batched GEMMs"},
		{"k-loops", p.KLoops, "contracted labels summed by accumulating GEMMs (beta = 1)"},
		{"summed", p.Summed, "labels of one input only, summed over first"},
	} {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", g.name, group(g.labels), g.doc)
	}
	tw.Flush()
	if p.Packed == "" {
		fmt.Fprintln(ew, "packed: none — BLAS reads every operand in place")
	}
	for _, op := range strings.Split(p.Packed, ",") {
		switch op {
		case "A", "B":
			fmt.Fprintf(ew, "packed: %s — copied whole into the order its groups need (TTGT)\n", op)
		case "C":
			fmt.Fprintln(ew, "packed: C — computed into scratch, then copied back")
		}
	}
	g := p.Gemm
	fmt.Fprintf(ew, "GEMM of each call: %d×%d · %d×%d (M×K · K×N)\n", g.M, g.K, g.K, g.N)
	fmt.Fprintf(ew, "batched as: %v\n", g)
	fmt.Fprintf(ew, "calls: %s in %s\n", plural(p.Calls, "GEMM call"), plural(p.Batches, "strided batched GEMM"))
	fmt.Fprintf(ew, "copied %s\n", fmtBytes(int64(p.CopiedBytes)))
	return ew.err
}

// planContraction plans the contraction of the arrays for items of size
// bytes: PlanEinsum, or PlanMatmul for an empty spec.
func planContraction(spec string, size int, arrays [3]adapter.Array[float64]) (blasbridge.ContractPlan, error) {
	if size == 4 {
		var a32 [3]adapter.Array[float32]
		for t, a := range arrays {
			a32[t] = adapter.Array[float32]{Shape: a.Shape, Strides: a.Strides, Offset: a.Offset}
		}
		if spec == "" {
			return blasbridge.PlanMatmul(a32[0], a32[1], a32[2])
		}
		return blasbridge.PlanEinsum(spec, a32[0], a32[1], a32[2])
	}
	if spec == "" {
		return blasbridge.PlanMatmul(arrays[0], arrays[1], arrays[2])
	}
	return blasbridge.PlanEinsum(spec, arrays[0], arrays[1], arrays[2])
}

// labelLengths returns the length of each label of the explicit spec for
// inputs of these shapes, the longer where one broadcasts. Axes under an
// ellipsis are the digits the plan names them by, 0 the last.
func labelLengths(spec string, shapes ...[]int) map[rune]int {
	lhs, _, _ := strings.Cut(spec, "->")
	n := map[rune]int{}
	for t, term := range strings.Split(lhs, ",") {
		if t >= len(shapes) {
			break
		}
		shape := shapes[t]
		before, after, ell := strings.Cut(term, "...")
		labels := []rune(before)
		if ell {
			e := len(shape) - len(labels) - len([]rune(after))
			for j := range max(e, 0) {
				labels = append(labels, rune('0'+(e-1-j)%10))
			}
			labels = append(labels, []rune(after)...)
		}
		if len(labels) != len(shape) {
			continue
		}
		for k, l := range labels {
			n[l] = max(n[l], shape[k])
		}
	}
	return n
}
