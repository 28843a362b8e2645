package lapack

import (
	"fmt"
	"strings"

	"github.com/strider-go/strider/adapter"
)

// Mode says whether a factorization may overwrite its input.
type Mode int

const (
	// Preserve leaves the input untouched: A is copied once, in the
	// orientation it already has (row- or column-major) or, for a general
	// strided A, in the order of its smaller stride, and LAPACK works on
	// the copy. The factorization owns the copy and reuses it on the next
	// call.
	Preserve Mode = iota
	// Overwrite lets LAPACK work in A's own buffer when A is row- or
	// column-major: no copy at all. A row-major A is factored as it is on
	// a row-major backend (Gonum) and as Aᵀ on a column-major one
	// (LAPACK), and the reverse for a column-major A; the buffer then
	// holds the factors, as each factorization's documentation describes,
	// and the factorization refers to it. A general strided A (and a
	// float32 A that must be widened) is copied as under Preserve and left
	// untouched; the plan says so.
	Overwrite
)

// String returns "preserve" or "overwrite".
func (m Mode) String() string {
	switch m {
	case Preserve:
		return "preserve"
	case Overwrite:
		return "overwrite"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Operand says how one matrix reached LAPACK.
type Operand struct {
	// Used is false for operands the call does not have (B and X of a
	// factorization).
	Used bool
	// Layout is the operand's layout as given; the zero Layout for a
	// matrix that has no strided view and was read through At.
	Layout adapter.Layout
	// InPlace is true when LAPACK worked in the operand's own storage: A
	// factored where it lies, or a solution computed in X itself.
	InPlace bool
	// CopiedBytes counts the bytes copied for the operand, and Why says
	// why ("" when nothing was copied).
	CopiedBytes int
	Why         string
}

func (o Operand) describe(b *strings.Builder, name string) {
	if !o.Used {
		return
	}
	fmt.Fprintf(b, " · %s: ", name)
	switch {
	case o.CopiedBytes > 0:
		fmt.Fprintf(b, "copied %s (%s)", bytesString(o.CopiedBytes), o.Why)
	case o.InPlace:
		b.WriteString("in place")
	default:
		b.WriteString("direct")
	}
	if o.Layout.Rows > 0 {
		fmt.Fprintf(b, ", %v", o.Layout)
	}
}

// Plan says how a factorization or solve reached LAPACK: which routine ran,
// whether on A or on its transpose, and what was copied, operand by operand.
type Plan struct {
	// Routine names the LAPACK routines run, as LAPACK names them
	// ("dgetrf", "sgelqf", "dgetrf+dgetrs").
	Routine string
	// Backend is the name of the backend that ran them.
	Backend string
	// Transposed is true when LAPACK worked on Aᵀ: A's storage, read in
	// the backend's order, is Aᵀ, so LAPACK solved the transformed problem
	// (LQ of Aᵀ for QR of A, getrs with the trans flag, the other
	// triangle, U and V swapped). No data moves for it.
	Transposed bool
	// A is the factored matrix; B the right-hand side and X the solution
	// of a solve.
	A, B, X Operand
	// CopiedBytes is the total of the operands' copies.
	CopiedBytes int
}

// String describes the plan in one line, for example
//
//	dgelqf on Aᵀ (gonum) · A: in place, col-major 512×512, ld=512 (contiguous) · copied 0 B
func (p Plan) String() string {
	var b strings.Builder
	b.WriteString(p.Routine)
	if p.Transposed {
		b.WriteString(" on Aᵀ")
	}
	fmt.Fprintf(&b, " (%s)", p.Backend)
	p.A.describe(&b, "A")
	p.B.describe(&b, "B")
	p.X.describe(&b, "X")
	fmt.Fprintf(&b, " · copied %s", bytesString(p.CopiedBytes))
	return b.String()
}

func (p *Plan) total() { p.CopiedBytes = p.A.CopiedBytes + p.B.CopiedBytes + p.X.CopiedBytes }

func bytesString(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Reasons for copies, as plans report them.
const (
	whyPreserve = "Preserve: LAPACK overwrites its input"
	whyGeneral  = "general strided: no LAPACK view"
	whyNoView   = "no strided view: read through At"
	whyWiden    = "widened to float64: the backend has no float32 LAPACK"
	whyRHS      = "LAPACK solves in place in the right-hand side"
	whyScratch  = "X is not in the backend's order: solved in scratch"
	whyAlias    = "X shares memory with B: solved in scratch"
	whyGels     = "gels may fail after changing its right-hand side: solved in scratch"
	whyRows     = "the solve needs m rows of work: solved in scratch"
)
