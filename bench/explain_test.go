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
