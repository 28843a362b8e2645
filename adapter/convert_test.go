package adapter_test

import (
	"errors"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
)

// seq returns 0, 1, 2, … n-1 as T: distinct values, so a wrong index shows.
func seq[T adapter.Float](n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = T(i)
	}
	return out
}

func TestStridedOf(t *testing.T) {
	// A 3×4 sub-matrix of a 5×6 one: Stride 6 > Cols, gaps around it.
	sub := func() mat.Matrix {
		return mat.NewDense(5, 6, seq[float64](30)).Slice(1, 4, 1, 5)
	}
	col := func() *colmajor.Dense {
		m, err := colmajor.New(seq[float64](30), 5, 6, 5)
		if err != nil {
			panic(err)
		}
		return m.Slice(1, 4, 1, 5)
	}
	strided := &adapter.Strided{Data: seq[float64](30), Layout: adapter.Layout{Rows: 3, Cols: 4, RowStride: -7, ColStride: 1, Offset: 15}}
	for i, test := range []struct {
		name  string
		m     mat.Matrix
		order adapter.Order
		ok    bool
	}{
		{name: "Dense", m: sub(), order: adapter.RowMajor, ok: true},
		{name: "Dense.T", m: sub().T(), order: adapter.ColMajor, ok: true},
		{name: "Dense.T.T", m: mat.Transpose{Matrix: sub().T()}, order: adapter.RowMajor, ok: true},
		{name: "colmajor", m: col(), order: adapter.ColMajor, ok: true},
		{name: "colmajor.T", m: col().T(), order: adapter.RowMajor, ok: true},
		{name: "Strided", m: strided, order: adapter.General, ok: true},
		{name: "Strided.T", m: strided.T(), order: adapter.General, ok: true},
		{name: "Transpose{Strided}", m: mat.Transpose{Matrix: strided}, order: adapter.General, ok: true},
		{name: "DiagDense", m: mat.NewDiagDense(3, []float64{1, 2, 3})},
		{name: "Transpose{DiagDense}", m: mat.Transpose{Matrix: mat.NewDiagDense(3, []float64{1, 2, 3})}},
		{name: "empty Dense", m: &mat.Dense{}},
		{name: "empty colmajor", m: &colmajor.Dense{}},
	} {
		s, ok := adapter.StridedOf(test.m)
		if ok != test.ok {
			t.Fatalf("test %d (%s): ok = %v, want %v", i, test.name, ok, test.ok)
		}
		if !ok {
			continue
		}
		if got := s.Layout.Order(); got != test.order {
			t.Errorf("test %d (%s): order %v, want %v", i, test.name, got, test.order)
		}
		r, c := test.m.Dims()
		if sr, sc := s.Dims(); sr != r || sc != c {
			t.Fatalf("test %d (%s): dims %d×%d, want %d×%d", i, test.name, sr, sc, r, c)
		}
		for i2 := range r {
			for j := range c {
				if got, want := s.At(i2, j), test.m.At(i2, j); got != want {
					t.Errorf("test %d (%s): At(%d, %d) = %v, want %v", i, test.name, i2, j, got, want)
				}
			}
		}
		// Zero copies: a write through the view is a write to m.
		s.Set(r-1, c-1, -1)
		if got := test.m.At(r-1, c-1); got != -1 {
			t.Errorf("test %d (%s): write through the view: m.At = %v, want -1", i, test.name, got)
		}
		a, ok := adapter.ArrayOf(test.m)
		if !ok || a.At(r-1, c-1) != -1 || a.Shape[0] != r || a.Shape[1] != c {
			t.Errorf("test %d (%s): ArrayOf = %v, %v", i, test.name, a, ok)
		}
		back, err := adapter.StridedView(a, 1)
		if err != nil || back.Layout != s.Layout {
			t.Errorf("test %d (%s): StridedView(ArrayOf) = %v, %v, want %v", i, test.name, back.Layout, err, s.Layout)
		}
		if allocs := testing.AllocsPerRun(10, func() { s, ok = adapter.StridedOf(test.m) }); allocs != 0 {
			t.Errorf("test %d (%s): StridedOf allocates %v times", i, test.name, allocs)
		}
	}
}

// The two-way conversions, run for float64 and float32 from one table.
func TestGeneralRoundTrip(t *testing.T) {
	testGeneralRoundTrip(t, adapter.FromGeneral, adapter.FromGeneralCols,
		func(s *adapter.Strided) (int, int, int, []float64, bool) {
			g, ok := s.General()
			return g.Rows, g.Cols, g.Stride, g.Data, ok
		},
		func(s *adapter.Strided) (int, int, int, []float64, bool) {
			g, ok := s.GeneralCols()
			return g.Rows, g.Cols, g.Stride, g.Data, ok
		},
		func(r, c, ld int, d []float64) blas64.General {
			return blas64.General{Rows: r, Cols: c, Stride: ld, Data: d}
		},
		func(r, c, ld int, d []float64) blas64.GeneralCols {
			return blas64.GeneralCols{Rows: r, Cols: c, Stride: ld, Data: d}
		})
	testGeneralRoundTrip(t, adapter.FromGeneral32, adapter.FromGeneralCols32,
		func(s *adapter.Strided32) (int, int, int, []float32, bool) {
			g, ok := s.General()
			return g.Rows, g.Cols, g.Stride, g.Data, ok
		},
		func(s *adapter.Strided32) (int, int, int, []float32, bool) {
			g, ok := s.GeneralCols()
			return g.Rows, g.Cols, g.Stride, g.Data, ok
		},
		func(r, c, ld int, d []float32) blas32.General {
			return blas32.General{Rows: r, Cols: c, Stride: ld, Data: d}
		},
		func(r, c, ld int, d []float32) blas32.GeneralCols {
			return blas32.GeneralCols{Rows: r, Cols: c, Stride: ld, Data: d}
		})
}

// strided is what Strided and Strided32 have in common.
type strided[T adapter.Float, S any] interface {
	*S
	Dims() (r, c int)
	At(i, j int) T
	Set(i, j int, v T)
	Transposed() S
}

func testGeneralRoundTrip[T adapter.Float, S any, PS strided[T, S], G, GC any](t *testing.T,
	fromGeneral func(G) S, fromCols func(GC) S,
	general, generalCols func(PS) (r, c, ld int, data []T, ok bool),
	mkGeneral func(r, c, ld int, d []T) G, mkCols func(r, c, ld int, d []T) GC,
) {
	t.Helper()
	for i, test := range []struct{ r, c, ld int }{
		{3, 4, 4}, {3, 4, 6}, {1, 4, 4}, {4, 1, 1}, {4, 1, 3}, {1, 1, 1},
	} {
		data := seq[T](test.ld*test.r + 2) // room for the ld gap after the last row
		s := fromGeneral(mkGeneral(test.r, test.c, test.ld, data))
		ps := PS(&s)
		if r, c := ps.Dims(); r != test.r || c != test.c {
			t.Fatalf("test %d: dims %d×%d, want %d×%d", i, r, c, test.r, test.c)
		}
		if got, want := ps.At(test.r-1, test.c-1), data[(test.r-1)*test.ld+test.c-1]; got != want {
			t.Errorf("test %d: At = %v, want %v", i, got, want)
		}
		r, c, ld, d, ok := general(ps)
		if !ok || r != test.r || c != test.c || (r > 1 && ld != test.ld) || &d[0] != &data[0] || len(d) != (r-1)*ld+c {
			t.Errorf("test %d: General = %d×%d ld=%d len %d, %v", i, r, c, ld, len(d), ok)
		}
		// Its transpose is column-major over the same data.
		tr := ps.Transposed()
		ptr := PS(&tr)
		if r, c := ptr.Dims(); r != test.c || c != test.r {
			t.Fatalf("test %d: transposed dims %d×%d", i, r, c)
		}
		r, c, ld, d, ok = generalCols(ptr)
		if !ok || r != test.c || c != test.r || ld < max(1, r) || &d[0] != &data[0] {
			t.Errorf("test %d: transposed GeneralCols = %d×%d ld=%d, %v", i, r, c, ld, ok)
		}
		ptr.Set(test.c-1, test.r-1, -1)
		if got := ps.At(test.r-1, test.c-1); got != -1 {
			t.Errorf("test %d: write through the transpose: At = %v, want -1", i, got)
		}
		// From column-major storage and back.
		sc := fromCols(mkCols(test.c, test.r, test.ld, data))
		psc := PS(&sc)
		if psc.At(test.c-1, test.r-1) != -1 {
			t.Errorf("test %d: FromGeneralCols At = %v, want -1", i, psc.At(test.c-1, test.r-1))
		}
		if _, _, _, _, ok := generalCols(psc); !ok {
			t.Errorf("test %d: GeneralCols of FromGeneralCols: not ok", i)
		}
	}
	// A general layout has neither view.
	g := seq[T](12)
	var s S
	switch p := any(&s).(type) {
	case *adapter.Strided:
		*p = adapter.Strided{Data: any(g).([]float64), Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 4, ColStride: 2}}
	case *adapter.Strided32:
		*p = adapter.Strided32{Data: any(g).([]float32), Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 4, ColStride: 2}}
	}
	if _, _, _, _, ok := general(PS(&s)); ok {
		t.Errorf("General of a general layout: ok")
	}
	if _, _, _, _, ok := generalCols(PS(&s)); ok {
		t.Errorf("GeneralCols of a general layout: ok")
	}
}

func TestStrided32(t *testing.T) {
	data := seq[float32](12)
	if _, err := adapter.NewStrided32(data, adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}); !errors.Is(err, adapter.ErrOutOfBounds) {
		t.Errorf("NewStrided32 outside the buffer: %v, want ErrOutOfBounds", err)
	}
	s, err := adapter.NewStrided32(data, adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1})
	if err != nil {
		t.Fatal(err)
	}
	s.Set(2, 1, -1)
	if data[9] != -1 {
		t.Errorf("Set did not write the buffer: %v", data)
	}
	bc := adapter.Strided32{Data: data, Layout: adapter.Layout{Rows: 3, Cols: 4, RowStride: 0, ColStride: 1}}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("Set through a broadcast layout did not panic")
			}
		}()
		bc.Set(0, 0, 1)
	}()

	for i, test := range []struct {
		l    adapter.Layout
		want string
	}{
		{adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1}, "*adapter.Strided32"},
		{adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: 3}, "*colmajor.Dense32"},
		{adapter.Layout{Rows: 3, Cols: 2, RowStride: -4, ColStride: 2, Offset: 8}, "*adapter.Strided32"},
	} {
		m, err := adapter.Wrap32(data, test.l)
		if err != nil {
			t.Fatalf("test %d: %v", i, err)
		}
		if got := fmt.Sprintf("%T", m); got != test.want {
			t.Errorf("test %d: got %s, want %s", i, got, test.want)
		}
		ref := adapter.Strided32{Data: data, Layout: test.l}
		for i2 := range test.l.Rows {
			for j := range test.l.Cols {
				if m.At(i2, j) != ref.At(i2, j) {
					t.Errorf("test %d: At(%d, %d) = %v, want %v", i, i2, j, m.At(i2, j), ref.At(i2, j))
				}
			}
		}
	}
	if _, err := adapter.Wrap32(data, adapter.Layout{Rows: 0, Cols: 4, RowStride: 4, ColStride: 1}); !errors.Is(err, adapter.ErrDims) {
		t.Errorf("Wrap32 0×4: %v, want ErrDims", err)
	}

	cm, err := colmajor.New32(data, 3, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	v := adapter.Strided32Of(cm)
	v.Set(1, 2, 42)
	if cm.At(1, 2) != 42 {
		t.Errorf("Strided32Of: write through the view did not reach the Dense32")
	}
}
