package bench

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strider-go/strider/adapter"
)

// sentinelMatrix returns an r×c matrix in layout l whose elements are
// distinct values and whose gaps hold other distinct values (never read),
// with a copy of the data to check the gaps and elements survive.
func sentinelMatrix(l adapter.Layout, n int) (adapter.Strided, []float64) {
	data := make([]float64, n)
	for k := range data {
		data[k] = -1000 - float64(k) // a gap
	}
	for i := range l.Rows {
		for j := range l.Cols {
			data[l.Index(i, j)] = float64(1+i) + float64(j)/8
		}
	}
	return adapter.Strided{Data: data, Layout: l}, slices.Clone(data)
}

// TestMatrixFamily runs every choice of both workloads on matrices in each
// layout and checks them against A·x and A·B computed through At: the fast
// paths (trans, auto's views) against the generic one.
func TestMatrixFamily(t *testing.T) {
	for i, test := range []struct {
		l       adapter.Layout
		n       int
		choices []string
		gemvEq  string // the fixed choice auto amounts to for GEMV
	}{
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: 1, ColStride: 5}, 15, []string{"trans", "copy", Auto}, "trans"},
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: 1, ColStride: 7, Offset: 2}, 23, []string{"trans", "copy", Auto}, "trans"},
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: 3, ColStride: 1}, 15, []string{"copy", Auto}, ""},
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: 4, ColStride: 1, Offset: 1}, 21, []string{"copy", Auto}, ""},
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: -3, ColStride: 1, Offset: 12}, 15, []string{"copy", Auto}, "copy"}, // a[::-1]
		{adapter.Layout{Rows: 5, Cols: 3, RowStride: 6, ColStride: 2}, 29, []string{"copy", Auto}, "copy"},              // a[:, ::2]
		{adapter.Layout{Rows: 4, Cols: 1, RowStride: 1, ColStride: 4}, 4, []string{"copy", Auto}, ""},                   // a 1-D file
	} {
		a, orig := sentinelMatrix(test.l, test.n)
		f, err := MatrixFamily("test", a)
		if err != nil {
			t.Fatalf("test %d: %v", i, err)
		}
		if f.Name != "npy" || f.Bench != "Npy" || len(f.Workloads) != 2 {
			t.Fatalf("test %d: got family %s (%s) with %d workloads", i, f.Name, f.Bench, len(f.Workloads))
		}
		r, c := test.l.Rows, test.l.Cols
		for _, w := range f.Workloads {
			var names []string
			for _, ch := range w.Choices {
				names = append(names, ch.Name)
			}
			if !slices.Equal(names, test.choices) || w.Naive != "copy" {
				t.Errorf("test %d %s: got choices %v naive %s, want %v naive copy", i, w.Name, names, w.Naive, test.choices)
			}
			k := 1
			if w.Name == "npy/gemm" {
				k = 4
			}
			x := randSlice(2, c*k) // the operand the setups draw: x, or B row-major c×k
			want := make([]float64, r*k)
			for ii := range r {
				for jj := range k {
					for p := range c {
						want[ii*k+jj] += a.At(ii, p) * x[p*k+jj]
					}
				}
			}
			for _, ch := range w.Choices {
				cs, err := ch.Setup(k)
				if err != nil {
					t.Errorf("test %d %s %s: %v", i, w.Name, ch.Name, err)
					continue
				}
				if err := cs.Run(); err != nil {
					t.Errorf("test %d %s %s: %v", i, w.Name, ch.Name, err)
					continue
				}
				if err := sameResult(want, cs.Result()); err != nil {
					t.Errorf("test %d %s %s: %v", i, w.Name, ch.Name, err)
				}
				switch ch.Name {
				case "copy":
					if cs.Copied != int64(8*r*c) {
						t.Errorf("test %d %s copy: got Copied %d, want %d", i, w.Name, cs.Copied, 8*r*c)
					}
				case "trans":
					if cs.Copied != 0 {
						t.Errorf("test %d %s trans: got Copied %d, want 0", i, w.Name, cs.Copied)
					}
				case Auto:
					if cs.Plan == "" {
						t.Errorf("test %d %s auto: no plan", i, w.Name)
					}
					if w.Name == "npy/gemv" && cs.Equivalent != test.gemvEq {
						t.Errorf("test %d gemv auto: got equivalent %q, want %q (plan %s)", i, cs.Equivalent, test.gemvEq, cs.Plan)
					}
				}
			}
		}
		if !slices.Equal(a.Data, orig) {
			t.Errorf("test %d: the matrix or its gaps were written", i)
		}
	}
}

func TestMatrixFamilyErrors(t *testing.T) {
	// A layout that reaches past its data came from outside: an error.
	a := adapter.Strided{Data: make([]float64, 10), Layout: adapter.Layout{Rows: 4, Cols: 3, RowStride: 3, ColStride: 1}}
	if _, err := MatrixFamily("short", a); err == nil || !strings.Contains(err.Error(), "short") {
		t.Errorf("12 elements in 10: got %v, want an error naming the source", err)
	}
}

// TestRunExtra measures MatrixFamily through Options.Extra: the npy/gemv
// workload at the matrix's own shape whatever the sizes, npy/gemm at the k
// asked for, and the outputs describe both.
func TestRunExtra(t *testing.T) {
	a, _ := sentinelMatrix(adapter.Layout{Rows: 6, Cols: 4, RowStride: 1, ColStride: 6}, 24)
	f, err := MatrixFamily("a.npy", a)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{
		Workloads: []string{"npy", "gemv"}, Extra: []Family{f},
		Sizes: map[string][]int{"": {8}}, Reps: 1, MinTime: time.Microsecond,
	}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range r.Recommendations {
		got = append(got, rec.Workload+" "+rec.SizeLabel)
	}
	if want := []string{"gemv/col n=8", "npy/gemv m=6x4", "npy/gemm k=8"}; !slices.Equal(got, want) {
		t.Errorf("got recommendations %v, want %v", got, want)
	}
	for _, m := range r.Measurements {
		if m.Family == "npy" && !strings.HasPrefix(m.Bench, "BenchmarkNpy/") {
			t.Errorf("%s %s: bench name %s", m.Workload, m.Choice, m.Bench)
		}
	}
	if !slices.ContainsFunc(r.Measurements, func(m Measurement) bool {
		return m.Bench == "BenchmarkNpy/m=6x4/op=gemv/a=col/plan=trans" && m.Size == 6
	}) {
		t.Errorf("no measurement BenchmarkNpy/m=6x4/op=gemv/a=col/plan=trans at size 6")
	}

	var tab, md, img bytes.Buffer
	if err := WriteTable(&tab, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"npy/gemv — y = A·x, A the 6×4 matrix of a.npy", "(naive: copy)", "→ m=6x4:", "→ k=8:"} {
		if !strings.Contains(tab.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tab.String())
		}
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `npy/gemv` | m=6x4 |", "| `npy/gemm` | k=8 |", "- `npy/gemm`: C = A·B"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := WritePlot(&img, r); err != nil {
		t.Fatal(err)
	}
	if _, err := png.DecodeConfig(&img); err != nil {
		t.Errorf("plot: %v", err)
	}

	// The matrix has its own size: naming its workload in Sizes is an error.
	o.Sizes = map[string][]int{"npy/gemv": {8}}
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrSize) {
		t.Errorf("sizes for npy/gemv: got %v, want ErrSize", err)
	}
	// Without Extra, npy is unknown.
	if _, err := Run(context.Background(), Options{Workloads: []string{"npy"}}); !errors.Is(err, ErrUnknownWorkload) {
		t.Errorf("npy without Extra: got %v, want ErrUnknownWorkload", err)
	}
}
