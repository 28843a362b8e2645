package bench

import (
	"bytes"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/bench/internal/explaintest"
	"github.com/strider-go/strider/blasbridge"
)

func TestExplain(t *testing.T) {
	// The plans depend on the backend's costs: pin pure Go.
	old, err := UseBackend("gonum")
	if err != nil {
		t.Fatal(err)
	}
	defer blasbridge.SetBackend(old)
	for i, test := range []struct {
		shape, strides []int // strides in bytes, as NumPy gives them
		itemsize       int
		offset         int // bytes
		want           []string
	}{
		{[]int{6, 8}, []int{8, 48}, 8, 0, []string{
			"col-major 6×8, ld=6 (contiguous)", "flag blas.Trans", "copy needed: no",
			"blas64.General{Rows: 8, Cols: 6, Stride: 6}", "as A (6×8 · 8×8 → 6×8): A: trans"}},
		{[]int{3, 4}, []int{64, 8}, 8, 80, []string{
			"row-major 3×4, ld=8, offset 10 (4 padding elements per row)", "flag blas.NoTrans", "copy needed: no"}},
		{[]int{6, 4}, []int{64, 16}, 8, 0, []string{
			"general 6×4, strides (8, 2)", "BLAS view: none", "copy needed: yes — blasbridge packs it", "= 192 B",
			"as A of y = A·x (blasbridge.Gemv): packed, copied 192 B"}},
		{[]int{5, 3}, []int{4, 40}, 4, 0, []string{
			"col-major 5×3, ld=10 (5 padding elements per column)", "of 4-byte items"}},
		{[]int{6, 8}, []int{0, 8}, 8, 0, []string{"(broadcast rows)", "elements share addresses yes", "as C", "output elements share addresses"}},
		{[]int{6, 8}, []int{-64, 8}, 8, 320, []string{"(reversed rows)", "copy needed: yes"}},
	} {
		l, err := adapter.FromNumPy(test.shape, test.strides, test.itemsize, test.offset)
		if err != nil {
			t.Fatalf("test %d: %v", i, err)
		}
		var out bytes.Buffer
		if err := Explain(&out, Operand{Layout: l, ItemSize: test.itemsize}); err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		s := out.String()
		for _, w := range test.want {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
		// Offsets straight from NumPy's definition: offset + i*strides[0] + j*strides[1].
		rows := explaintest.Offsets(t, s)
		if len(rows) != min(test.shape[0], 4) {
			t.Errorf("test %d: got %d rows of offsets, want %d", i, len(rows), min(test.shape[0], 4))
		}
		for r, row := range rows {
			if len(row) != min(test.shape[1], 6) {
				t.Errorf("test %d: row %d has %d offsets", i, r, len(row))
			}
			for c, got := range row {
				if want := test.offset + r*test.strides[0] + c*test.strides[1]; got != want {
					t.Errorf("test %d: offset of (%d, %d): got %d, want %d", i, r, c, got, want)
				}
			}
		}
	}
}

func TestExplainOffsetMoved(t *testing.T) {
	// a[::-1] described from its first element, as __array_interface__ does
	// with the data pointer at the last row: offset 0 reaches back 40 bytes.
	l, err := adapter.FromNumPy([]int{6, 8}, []int{-64, 8}, 8, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Explain(&out, Operand{Layout: l, ItemSize: 8}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "offset moved to 40 elements (320 bytes)") {
		t.Errorf("output lacks the moved offset:\n%s", s)
	}
	if rows := explaintest.Offsets(t, out.String()); rows[0][0] != 320 || rows[1][0] != 256 {
		t.Errorf("got offsets %v, want rows from 320 and 256", rows)
	}
}

func TestExplainErrors(t *testing.T) {
	for i, op := range []Operand{
		{Layout: adapter.Layout{Rows: 6, Cols: 8, RowStride: 8, ColStride: 1}, ItemSize: 8, Len: 40},
		{Layout: adapter.Layout{Rows: 0, Cols: 8, RowStride: 8, ColStride: 1}, ItemSize: 8},
		{Layout: adapter.Layout{Rows: 6, Cols: 8, RowStride: 8, ColStride: 1}, ItemSize: 0},
		{Layout: adapter.Layout{Rows: 4, Cols: 2, RowStride: 1 << 62, ColStride: 1}, ItemSize: 8},
	} {
		if err := Explain(&bytes.Buffer{}, op); err == nil {
			t.Errorf("test %d: no error for %+v", i, op)
		}
	}
}

// fieldsOf returns the fields of the first line of s that starts with
// prefix, or nil.
func fieldsOf(s, prefix string) []string {
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, prefix) {
			return strings.Fields(line)
		}
	}
	return nil
}

func TestExplainContraction(t *testing.T) {
	old, err := UseBackend("gonum")
	if err != nil {
		t.Fatal(err)
	}
	defer blasbridge.SetBackend(old)
	c := func(shape ...int) ArrayOperand { return ArrayOperand{Shape: shape, ItemSize: 8} }
	const B, H, S, D = 2, 3, 16, 8
	for i, test := range []struct {
		ct     Contraction
		groups map[string]string // the first two fields of a group's line
		want   []string
	}{
		// q·kᵀ with k the permuted view of a [B,H,S,D] array.
		{Contraction{A: c(B, H, S, D), B: ArrayOperand{Shape: []int{B, H, D, S}, Strides: []int{H * S * D, S * D, 1, D}, ItemSize: 8}, C: c(B, H, S, S)},
			map[string]string{"batch": "10", "M": "m", "N": "n", "K": "k"},
			[]string{"matmul on backend gonum", "batch    10 (6)", "packed: none", "B: trans (col-major, ld=8)", "6 GEMM calls in 1 strided batched GEMM", "copied 0 B\n", `the digits label the axes under "..."`}},
		// The same with q and k stored [B,S,H,D].
		{Contraction{Spec: "bshd,bthd->bhst", A: c(B, S, H, D), B: c(B, S, H, D), C: c(B, H, S, S)},
			map[string]string{"batch": "h", "M": "s", "N": "t", "K": "d", "loops": "b"},
			[]string{"einsum bshd,bthd->bhst", "h (3)", "b (2)", "(ld=24)", "6 GEMM calls in 2 strided batched GEMMs", "copied 0 B\n"}},
		// a a Fortran-order [i,j,k,l]: its M labels chain as ji, C's as ij.
		{Contraction{Spec: "ijkl,lkm->ijm", A: ArrayOperand{Shape: []int{4, 5, 2, 3}, Strides: []int{1, 4, 20, 40}, ItemSize: 8}, B: c(3, 2, 6), C: c(4, 5, 6)},
			map[string]string{"K": "lk"},
			[]string{"(Fortran order)", "lk (6)"}},
		// float32.
		{Contraction{Spec: "ij,jk->ik", A: ArrayOperand{Shape: []int{3, 4}, ItemSize: 4}, B: ArrayOperand{Shape: []int{4, 5}, ItemSize: 4}, C: ArrayOperand{Shape: []int{3, 5}, ItemSize: 4}},
			map[string]string{"M": "i", "N": "k", "K": "j"},
			[]string{"float32", "1 GEMM call in 1 strided batched GEMM"}},
	} {
		var out bytes.Buffer
		if err := ExplainContraction(&out, test.ct); err != nil {
			t.Errorf("test %d: %v\n%s", i, err, out.String())
			continue
		}
		s := out.String()
		for g, labels := range test.groups {
			if f := fieldsOf(s, "  "+g+" "); len(f) < 2 || f[1] != labels {
				t.Errorf("test %d: group %s: got %v, want labels %s:\n%s", i, g, f, labels, s)
			}
		}
		for _, w := range test.want {
			if !strings.Contains(s, w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, s)
			}
		}
	}
	// The result printed by the first line of the plan is PlanEinsum's own.
	var out bytes.Buffer
	ct := Contraction{Spec: "bshd,bthd->bhst", A: c(B, S, H, D), B: c(B, S, H, D), C: c(B, H, S, S)}
	if err := ExplainContraction(&out, ct); err != nil {
		t.Fatal(err)
	}
	arr := func(shape ...int) adapter.Array[float64] {
		st, _ := cOrder(shape)
		return adapter.Array[float64]{Shape: shape, Strides: st}
	}
	p, err := blasbridge.PlanEinsum(ct.Spec, arr(B, S, H, D), arr(B, S, H, D), arr(B, H, S, S))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "plan: "+p.String()+"\n") {
		t.Errorf("output lacks the plan %q:\n%s", p, out.String())
	}
}

func TestExplainContractionErrors(t *testing.T) {
	c := func(shape ...int) ArrayOperand { return ArrayOperand{Shape: shape, ItemSize: 8} }
	for i, ct := range []Contraction{
		{A: c(2, 3), B: c(4, 5), C: c(2, 5)},                    // 3 columns against 4 rows
		{Spec: "ij,jk->ik", A: c(2, 3), B: c(3, 5), C: c(2, 4)}, // wrong output shape
		{Spec: "ij,jk->ik", A: c(2, 3), B: c(3, 5), C: ArrayOperand{Shape: []int{2, 5}, Strides: []int{0, 1}, ItemSize: 8}}, // aliased output
		{Spec: "ij,jk->ik", A: c(2, 3), B: c(3, 5), C: ArrayOperand{Shape: []int{2, 5}, ItemSize: 4}},                       // item sizes differ
		{Spec: "ij,jk->ik", A: ArrayOperand{Shape: []int{2, 3}, ItemSize: 2}, B: ArrayOperand{Shape: []int{3, 5}, ItemSize: 2}, C: ArrayOperand{Shape: []int{2, 5}, ItemSize: 2}},
		{Spec: "ij,jk->ik", A: ArrayOperand{Shape: []int{2, 3}, Strides: []int{3, 1}, ItemSize: 8, Len: 5}, B: c(3, 5), C: c(2, 5)}, // too short a buffer
		{Spec: "ij,jk->ik", A: ArrayOperand{Shape: []int{2, 3}, Strides: []int{3}, ItemSize: 8}, B: c(3, 5), C: c(2, 5)},            // rank
		{Spec: "ij,jk", A: c(2, 3), B: c(3, 5), C: c(2, 0)},                                                                         // empty axis
	} {
		if err := ExplainContraction(&bytes.Buffer{}, ct); err == nil {
			t.Errorf("test %d: no error for %+v", i, ct)
		}
	}
}

func TestExplainArray(t *testing.T) {
	for i, test := range []struct {
		op   ArrayOperand
		want []string
	}{
		// C order [2,3,4].
		{ArrayOperand{Shape: []int{2, 3, 4}, ItemSize: 8}, []string{
			"strides (12, 4, 1), offset 0", "C-contiguous yes", "axes 0,1: yes, 6 elements of stride 4", "axes 1,2: yes, 12 elements of stride 1",
			"(0 1 2): 24 elements, stride 1", "rows 0, columns 1..2: row-major 2×12, ld=12 (contiguous)",
			"rows 0..1, columns 2: row-major 6×4, ld=4 (contiguous)"}},
		// Its view Permute(0, 2, 1): a permutation of a contiguous array.
		{ArrayOperand{Shape: []int{2, 4, 3}, Strides: []int{12, 1, 4}, ItemSize: 8}, []string{
			"C-contiguous no", "axes 1,2: no (stride 1, want 3·4 = 12)", "(0 2 1): 24 elements, stride 1",
			"rows 0, columns 1..2: none — the column axes do not merge", "rows 0..1, columns 2: none — the row axes do not merge"}},
		// [B,S,H,D] storage of a [B,H,S,D] array, as NumPy's transpose gives it.
		{ArrayOperand{Shape: []int{2, 16, 3, 8}, Strides: []int{384, 8, 128, 1}, ItemSize: 8}, []string{"(0 2 1 3): 768 elements, stride 1"}},
		// Broadcast and reversed axes.
		{ArrayOperand{Shape: []int{4, 5, 2}, Strides: []int{0, -2, 1}, Offset: 8, ItemSize: 4}, []string{
			"elements share addresses yes", "axis 0 is broadcast (stride 0)", "axis 1 is reversed", "item size 4 bytes"}},
		// Fortran order, 1-D.
		{ArrayOperand{Shape: []int{3, 4, 5}, Strides: []int{1, 3, 12}, ItemSize: 8}, []string{"Fortran-contiguous yes", "rows 0, columns 1..2: none — the column axes do not merge", "(2 1 0): 60 elements, stride 1"}},
		{ArrayOperand{Shape: []int{7}, ItemSize: 8}, []string{"shape (7,)", "(0): 7 elements, stride 1"}},
		// Described from its first element: the offset moves.
		{ArrayOperand{Shape: []int{2, 3, 4}, Strides: []int{-12, 4, 1}, ItemSize: 8}, []string{"offset moved to 12 elements (96 bytes)"}},
	} {
		var out bytes.Buffer
		if err := ExplainArray(&out, test.op); err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		for _, w := range test.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("test %d: output lacks %q:\n%s", i, w, out.String())
			}
		}
	}
	for i, op := range []ArrayOperand{
		{Shape: []int{2, 3, 4}, ItemSize: 8, Len: 20},
		{Shape: []int{2, 0, 4}, ItemSize: 8},
		{Shape: []int{2, 3, 4}, ItemSize: 0},
		{Shape: []int{2, 3, 4}, Strides: []int{1, 1}, ItemSize: 8},
		{Shape: []int{4, 2, 2}, Strides: []int{1 << 62, 1, 1}, ItemSize: 8},
		{Shape: []int{1 << 40, 1 << 40}, ItemSize: 8},
	} {
		if err := ExplainArray(&bytes.Buffer{}, op); err == nil {
			t.Errorf("test %d: no error for %+v", i, op)
		}
	}
}
