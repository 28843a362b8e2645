package blasbridge

import (
	"fmt"
	"math"
	"strings"

	"github.com/strider-go/strider/adapter"
)

// Operand says how one GEMM or GEMV input reaches BLAS.
type Operand struct {
	// Layout is the operand as given.
	Layout adapter.Layout
	// Trans is true when BLAS reads the operand through the row-major view of
	// its transpose (column-major data, or packed column-major): the trans
	// flag of the product as written, C = op(A)·op(B). When the plan computes
	// the output transposed, the call issued swaps the operands and flips
	// both flags (Cᵀ = op(B)ᵀ·op(A)ᵀ).
	Trans bool
	// Packed is true when the operand is copied into scratch first, because
	// it has no BLAS view or because packing is cheaper on this backend than
	// the flag its view needs.
	Packed bool
	// LD is the leading dimension BLAS sees.
	LD int
}

func (o Operand) describe(name string) string {
	flag := "no-trans"
	if o.Trans {
		flag = "trans"
	}
	if o.Packed {
		order := "row-major"
		if o.Trans {
			order = "col-major"
		}
		return fmt.Sprintf("%s: packed %s (%v), %s", name, order, o.Layout.Order(), flag)
	}
	if o.Trans {
		return fmt.Sprintf("%s: %s (col-major, ld=%d)", name, flag, o.LD)
	}
	if o.LD != o.Layout.Cols {
		return fmt.Sprintf("%s: %s (ld=%d)", name, flag, o.LD)
	}
	return fmt.Sprintf("%s: %s", name, flag)
}

// Output says where the BLAS call writes.
type Output int

const (
	// Direct: BLAS writes C through its row-major view.
	Direct Output = iota
	// Transposed: BLAS computes Cᵀ = op(B)ᵀ·op(A)ᵀ into the row-major view of
	// Cᵀ, which is column-major C itself. No copy.
	Transposed
	// Scratch: BLAS writes a row-major scratch matrix, which is scattered
	// into C (and loaded from C first when beta != 0). For general-strided
	// outputs and outputs that overlap an input.
	Scratch
	// ScratchTransposed: as Scratch, with the scratch holding Cᵀ.
	ScratchTransposed
)

func (o Output) String() string {
	switch o {
	case Direct:
		return "direct output"
	case Transposed:
		return "transposed output"
	case Scratch:
		return "output through scratch"
	case ScratchTransposed:
		return "transposed output through scratch"
	}
	return fmt.Sprintf("Output(%d)", int(o))
}

func (o Output) transposed() bool { return o == Transposed || o == ScratchTransposed }
func (o Output) scratch() bool    { return o == Scratch || o == ScratchTransposed }

// Plan is how a GEMM or GEMV reaches BLAS: per operand no-trans, trans or
// packed; where the output is written; and how many bytes are copied.
type Plan struct {
	// CopiedBytes counts every byte strider copies: packed operands, and for
	// outputs through scratch the scatter back (and the load when beta != 0).
	CopiedBytes int
	// M, N, K are the product's dimensions: C is M×N, A is M×K.
	M, N, K int
	// A and B are the inputs; for GEMV, B is unused and X says whether x was
	// packed.
	A, B Operand
	// C is where BLAS writes.
	C Output
	// CLD is the leading dimension of the matrix BLAS writes.
	CLD int
	// Backend is the name of the backend that ran, or would run, the call.
	Backend string

	gemv    bool
	xPacked bool
	// aliased is set when the output goes through scratch because it
	// shares an element with an input (tests count these).
	aliased bool
	c       adapter.Layout
}

// String describes the plan in one line, for example
//
//	A: trans (col-major, ld=512) · B: no-trans · C: transposed output · copied 0 B
func (p Plan) String() string {
	var b strings.Builder
	b.WriteString(p.A.describe("A"))
	b.WriteString(" · ")
	if p.gemv {
		if p.xPacked {
			b.WriteString("x: packed")
		} else {
			b.WriteString("x: as is")
		}
		fmt.Fprintf(&b, " · y: %v", p.C)
	} else {
		b.WriteString(p.B.describe("B"))
		fmt.Fprintf(&b, " · C: %v", p.C)
	}
	fmt.Fprintf(&b, " · copied %s", bytesString(p.CopiedBytes))
	return b.String()
}

func bytesString(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// PlanGemm returns the plan Gemm would follow for C = A·B with these float64
// layouts on the active backend, assuming beta == 0 and no overlap between
// the output and the inputs (Gemm sees the data and knows both). It returns
// an error for shapes that do not fit, dimensions that are not positive,
// layouts that reach before the start of any buffer or overflow, an output
// whose elements share addresses, and sizes the backend cannot take.
func PlanGemm(a, b, c adapter.Layout) (Plan, error) {
	be := active.Load()
	if err := checkGemm(a, b, c); err != nil {
		return Plan{}, err
	}
	return planGemm(be, a, b, c, 8, false, false)
}

// PlanGemm32 is PlanGemm for float32 layouts: the plan Gemm32 would follow.
// Copies cost half as much as in float64, so the choice between a slow
// trans flag and packing may differ.
func PlanGemm32(a, b, c adapter.Layout) (Plan, error) {
	be := active.Load()
	if err := checkGemm(a, b, c); err != nil {
		return Plan{}, err
	}
	return planGemm(be, a, b, c, 4, false, false)
}

// checkGemm validates the layouts, the shapes and the output, independent
// of buffers.
func checkGemm(a, b, c adapter.Layout) error {
	for _, l := range [...]struct {
		name string
		l    adapter.Layout
	}{{"A", a}, {"B", b}, {"C", c}} {
		// A layout that reaches before index 0 or overflows is bad for any
		// buffer; the buffer's length is checked by the caller.
		if err := l.l.Check(math.MaxInt); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	return checkShapes(a, b, c)
}

// checkShapes validates the shapes and that C's elements are distinct, for
// layouts already checked against their buffers.
func checkShapes(a, b, c adapter.Layout) error {
	if a.Cols != b.Rows || a.Rows != c.Rows || b.Cols != c.Cols {
		return fmt.Errorf("%w: A %d×%d · B %d×%d → C %d×%d", ErrShape, a.Rows, a.Cols, b.Rows, b.Cols, c.Rows, c.Cols)
	}
	if c.Overlaps() {
		return fmt.Errorf("%w: C is %v", ErrAliasedOutput, c)
	}
	return nil
}

// option is one way for an operand to reach BLAS.
type option struct {
	trans, packed bool
	ld            int
}

// views returns the BLAS views of layout l: row-major (BLAS reads l with
// no-trans) and column-major (BLAS reads the row-major view of lᵀ with
// trans), each with its leading dimension. Both exist only for a single
// row or column with unit stride, or a 1×1 matrix, whose other stride is
// meaningless: such an operand takes either flag at no cost.
func views(l adapter.Layout) (row, col option, hasRow, hasCol bool) {
	if c := l.Canonical(); c.ColStride == 1 && c.RowStride >= max(1, c.Cols) {
		row, hasRow = option{trans: false, ld: c.RowStride}, true
	}
	if t := l.T().Canonical(); t.ColStride == 1 && t.RowStride >= max(1, t.Cols) {
		col, hasCol = option{trans: true, ld: t.RowStride}, true
	}
	return row, col, hasRow, hasCol
}

// options lists the ways an r×c operand with layout l can reach BLAS: its
// views, the one its Order names first; then packing, in the orientation
// its views lack, or, with no view, in the order of its smaller stride
// first.
func options(l adapter.Layout, buf *[3]option) []option {
	opts := buf[:0]
	row, col, hasRow, hasCol := views(l)
	if hasRow {
		opts = append(opts, row)
	}
	if hasCol {
		opts = append(opts, col)
	}
	packRow := option{trans: false, packed: true, ld: l.Cols}
	packCol := option{trans: true, packed: true, ld: l.Rows}
	switch {
	case hasRow && hasCol:
		// Every flag is free: nothing to gain from a copy.
		return opts
	case hasRow:
		// Packing a BLAS-able operand is for a cheaper flag: only the
		// orientation its view lacks can help.
		return append(opts, packCol)
	case hasCol:
		return append(opts, packRow)
	}
	if l.FastAxis() == 0 {
		packRow, packCol = packCol, packRow
	}
	return append(opts, packRow, packCol)
}

// planGemm chooses, by the backend's cost model, the output orientation and
// for each operand its view or a packed copy. Zero-copy choices come first
// and are only displaced by a plan estimated at least 10% faster. The
// caller has validated the layouts with checkGemm, or with Check against
// their buffers and checkShapes.
func planGemm(be *Backend, a, b, c adapter.Layout, itemSize int, betaNonZero, outAliasesInput bool) (Plan, error) {
	m, n, k := a.Rows, b.Cols, a.Cols
	if be.MaxDim < math.MaxInt {
		for _, d := range [...]int{m, n, k} {
			if d > be.MaxDim {
				return Plan{}, fmt.Errorf("%w: %d > %d on %s", ErrTooLarge, d, be.MaxDim, be.Name)
			}
		}
	}

	// The output's views (both for a single row or column with unit
	// stride), then scratch.
	var outs [4]Output
	outChoices := outs[:0]
	cRow, cCol, hasRow, hasCol := views(c)
	if !outAliasesInput {
		if hasRow {
			outChoices = append(outChoices, Direct)
		}
		if hasCol {
			outChoices = append(outChoices, Transposed)
		}
	}
	nViews := len(outChoices)
	outChoices = append(outChoices, Scratch, ScratchTransposed)

	var abuf, bbuf [3]option
	aOpts, bOpts := options(a, &abuf), options(b, &bbuf)

	// Fast path: a zero-copy plan whose flags run at the backend's best
	// rate cannot be beaten; skip the search. This is every call on
	// OpenBLAS-class backends, and all-row- or all-column-major ones on
	// any. Views are tried in order, the ones the layouts' Order names
	// first.
	best := maxEff(be)
	for _, out := range outChoices[:nViews] {
		cld := cRow.ld
		if out.transposed() {
			cld = cCol.ld
		}
		for _, ao := range aOpts {
			for _, bo := range bOpts {
				if ao.packed || bo.packed {
					continue
				}
				tA, tB := ao.trans, bo.trans
				if out.transposed() {
					tA, tB = !bo.trans, !ao.trans
				}
				if be.GemmEff[b2i(tA)][b2i(tB)] >= best && max(ao.ld, bo.ld, cld) <= be.MaxDim {
					return Plan{
						M: m, N: n, K: k,
						A:       Operand{Layout: a, Trans: ao.trans, LD: ao.ld},
						B:       Operand{Layout: b, Trans: bo.trans, LD: bo.ld},
						C:       out,
						CLD:     cld,
						Backend: be.Name,
						c:       c,
					}, nil
				}
			}
		}
	}

	flops := 2 * float64(m) * float64(n) * float64(k)
	flopTime := flops / (be.GFLOPS * 1e9)
	copyTime := 2 * float64(itemSize) / (be.CopyGBps * 1e9) // read and write, per element

	var bestPlan Plan
	bestCost := math.Inf(1)
	bestCopies := 0
	for _, out := range outChoices {
		for _, ao := range aOpts {
			for _, bo := range bOpts {
				copies := 0
				if ao.packed {
					copies += m * k
				}
				if bo.packed {
					copies += k * n
				}
				cld := 0
				switch out {
				case Direct:
					cld = cRow.ld
				case Transposed:
					cld = cCol.ld
				case Scratch:
					cld = n
				case ScratchTransposed:
					cld = m
				}
				if out.scratch() {
					copies += m * n
					if betaNonZero {
						copies += m * n
					}
				}
				tA, tB := ao.trans, bo.trans
				if out.transposed() {
					// Cᵀ = op(B)ᵀ·op(A)ᵀ: B goes first, both flags flip.
					tA, tB = !bo.trans, !ao.trans
				}
				cost := flopTime/be.GemmEff[b2i(tA)][b2i(tB)] + float64(copies)*copyTime
				if be.MaxDim < math.MaxInt && max(ao.ld, bo.ld, cld) > be.MaxDim {
					continue
				}
				better := cost < bestCost
				if copies > bestCopies {
					better = cost < 0.9*bestCost
				}
				if better {
					bestCost, bestCopies = cost, copies
					bestPlan = Plan{
						CopiedBytes: copies * itemSize,
						M:           m, N: n, K: k,
						A:       Operand{Layout: a, Trans: ao.trans, Packed: ao.packed, LD: ao.ld},
						B:       Operand{Layout: b, Trans: bo.trans, Packed: bo.packed, LD: bo.ld},
						C:       out,
						CLD:     cld,
						Backend: be.Name,
						aliased: outAliasesInput,
						c:       c,
					}
				}
			}
		}
	}
	if math.IsInf(bestCost, 1) {
		return Plan{}, fmt.Errorf("%w: leading dimensions exceed %d on %s", ErrTooLarge, be.MaxDim, be.Name)
	}
	return bestPlan, nil
}

func maxEff(be *Backend) float64 {
	e := be.GemmEff
	return max(e[0][0], e[0][1], e[1][0], e[1][1])
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
