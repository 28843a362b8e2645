package blastest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// sentinels returns n distinct sentinel values.
func sentinels(n int) []float64 {
	s := make([]float64, n)
	for k := range s {
		s[k] = sentinel(7, k)
	}
	return s
}

// gemmErr is a Gemm call on bad input. The operands are A 3×4 (data 12),
// B 4×5 (data 20), C 3×5 (data 15), row-major, unless the case changes them.
type gemmErr struct {
	name       string
	a, b, c    adapter.Layout
	na, nb, nc int
	want       []error
	// pastEnd: wrong only for the buffer's length.
	pastEnd bool
}

func gemmErrCases() []gemmErr {
	a, b, c := rowMajor(3, 4, 4), rowMajor(4, 5, 5), rowMajor(3, 5, 5)
	big := math.MaxInt / 2
	cases := []gemmErr{
		{name: "A past end", a: rowMajor(3, 4, 5), want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "A before start", a: adapter.Layout{Rows: 3, Cols: 4, RowStride: -4, ColStride: 1}, want: []error{adapter.ErrOutOfBounds}},
		{name: "A offset past end", a: adapter.Layout{Rows: 3, Cols: 4, RowStride: 4, ColStride: 1, Offset: 1}, want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "B past end", b: rowMajor(4, 5, 6), want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "B before start", b: adapter.Layout{Rows: 4, Cols: 5, RowStride: 5, ColStride: -1}, want: []error{adapter.ErrOutOfBounds}},
		{name: "C past end", c: colMajor(3, 5, 4), want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "C before start", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: -5, ColStride: 1, Offset: 4}, want: []error{adapter.ErrOutOfBounds}},
		{name: "C data short", nc: 14, want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "A nil data", na: -1, want: []error{adapter.ErrOutOfBounds}, pastEnd: true},
		{name: "A no rows", a: rowMajor(0, 4, 4), want: []error{adapter.ErrDims}},
		{name: "B negative cols", b: rowMajor(4, -5, 5), want: []error{adapter.ErrDims}},
		{name: "C no cols", c: rowMajor(3, 0, 5), want: []error{adapter.ErrDims}},
		{name: "inner dims differ", a: rowMajor(3, 3, 3), want: []error{blasbridge.ErrShape}},
		{name: "C rows differ", c: rowMajor(2, 5, 5), want: []error{blasbridge.ErrShape}},
		{name: "C cols differ", c: rowMajor(3, 4, 4), want: []error{blasbridge.ErrShape}},
		{name: "C transposed shape", c: rowMajor(5, 3, 3), want: []error{blasbridge.ErrShape}},
		{name: "C row stride 0", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: 0, ColStride: 1}, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "C col stride 0", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: 1, ColStride: 0}, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "C overlapping rows", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: 2, ColStride: 1}, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "C overlapping cols", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: 1, ColStride: 2}, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "C reversed overlapping", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: -3, ColStride: 2, Offset: 6}, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "A row stride overflows", a: adapter.Layout{Rows: 3, Cols: 4, RowStride: big, ColStride: 1}, want: []error{adapter.ErrOverflow}},
		{name: "B col stride overflows", b: adapter.Layout{Rows: 4, Cols: 5, RowStride: 1, ColStride: math.MinInt / 3}, want: []error{adapter.ErrOverflow}},
		{name: "C offset overflows", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: 5, ColStride: 1, Offset: math.MaxInt - 3}, want: []error{adapter.ErrOverflow}},
		{name: "C both strides huge", c: adapter.Layout{Rows: 3, Cols: 5, RowStride: big, ColStride: big / 2}, want: []error{adapter.ErrOverflow}},
	}
	for i := range cases {
		tc := &cases[i]
		if tc.a == (adapter.Layout{}) {
			tc.a = a
		}
		if tc.b == (adapter.Layout{}) {
			tc.b = b
		}
		if tc.c == (adapter.Layout{}) {
			tc.c = c
		}
		tc.na, tc.nb, tc.nc = dataLen(tc.na, 12), dataLen(tc.nb, 20), dataLen(tc.nc, 15)
	}
	return cases
}

// dataLen: 0 means the default, -1 means nil data.
func dataLen(n, def int) int {
	switch n {
	case 0:
		return def
	case -1:
		return 0
	}
	return n
}

// checkErr checks that err wraps every one of want.
func checkErr(err error, want []error) error {
	if err == nil {
		return fmt.Errorf("no error, want %v", want)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			return fmt.Errorf("error %q does not wrap %q", err, w)
		}
	}
	return nil
}

// testErrors: bad operands give errors that wrap the documented values,
// never panics, and nothing is written.
func testErrors(t *testing.T) {
	t.Run("Gemm", func(t *testing.T) {
		for _, tc := range gemmErrCases() {
			ad, bd, cd := sentinels(tc.na), sentinels(tc.nb), sentinels(tc.nc)
			a0, b0, c0 := slices.Clone(ad), slices.Clone(bd), slices.Clone(cd)
			err := caught(func() error {
				_, err := blasbridge.Gemm(1, adapter.Strided{Data: ad, Layout: tc.a}, adapter.Strided{Data: bd, Layout: tc.b},
					1, adapter.Strided{Data: cd, Layout: tc.c})
				return checkErr(err, tc.want)
			})
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if !slices.Equal(cd, c0) || !slices.Equal(ad, a0) || !slices.Equal(bd, b0) {
				t.Errorf("%s: a buffer was written", tc.name)
			}
		}
	})
	t.Run("Gemm32", func(t *testing.T) {
		for _, tc := range gemmErrCases() {
			ad, bd, cd := to32(sentinels(tc.na)), to32(sentinels(tc.nb)), to32(sentinels(tc.nc))
			c0 := slices.Clone(cd)
			err := caught(func() error {
				_, err := blasbridge.Gemm32(1, adapter.Strided32{Data: ad, Layout: tc.a}, adapter.Strided32{Data: bd, Layout: tc.b},
					0, adapter.Strided32{Data: cd, Layout: tc.c})
				return checkErr(err, tc.want)
			})
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if !slices.Equal(cd, c0) {
				t.Errorf("%s: C was written", tc.name)
			}
		}
	})
	t.Run("PlanGemm", func(t *testing.T) {
		for _, tc := range gemmErrCases() {
			if tc.pastEnd {
				continue // PlanGemm sees no buffer, so cannot know
			}
			err := caught(func() error {
				_, err := blasbridge.PlanGemm(tc.a, tc.b, tc.c)
				return checkErr(err, tc.want)
			})
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	})
	t.Run("Gemv", testGemvErrors)
}

// gemvErr is a Gemv call on bad input. A is 3×4 row-major over 12
// elements, x has N 4, Inc 1 over 4, y N 3, Inc 1 over 3, unless changed.
type gemvErr struct {
	name   string
	a      adapter.Layout
	na     int
	x, y   blas64.Vector
	nx, ny int
	want   []error
	setX   bool
	setY   bool
	setA   bool
}

func gemvErrCases() []gemvErr {
	big := math.MaxInt / 2
	vec := func(n, inc int) blas64.Vector { return blas64.Vector{N: n, Inc: inc} }
	cases := []gemvErr{
		{name: "A past end", a: rowMajor(3, 4, 5), setA: true, want: []error{adapter.ErrOutOfBounds}},
		{name: "A before start", a: adapter.Layout{Rows: 3, Cols: 4, RowStride: 1, ColStride: -3}, setA: true, want: []error{adapter.ErrOutOfBounds}},
		{name: "A no rows", a: rowMajor(0, 4, 4), setA: true, want: []error{adapter.ErrDims}},
		{name: "A overflows", a: adapter.Layout{Rows: 3, Cols: 4, RowStride: big, ColStride: big}, setA: true, want: []error{adapter.ErrOverflow}},
		{name: "x empty", x: vec(0, 1), setX: true, nx: -1, want: []error{blasbridge.ErrVector}},
		{name: "x negative length", x: vec(-2, 1), setX: true, want: []error{blasbridge.ErrVector}},
		{name: "y empty", y: vec(0, 1), setY: true, ny: -1, want: []error{blasbridge.ErrVector}},
		{name: "x short for inc 3", x: vec(4, 3), setX: true, nx: 9, want: []error{blasbridge.ErrVector, adapter.ErrOutOfBounds}},
		{name: "x short for inc -2", x: vec(4, -2), setX: true, nx: 6, want: []error{blasbridge.ErrVector, adapter.ErrOutOfBounds}},
		{name: "x short", x: vec(4, 1), setX: true, nx: 3, want: []error{blasbridge.ErrVector, adapter.ErrOutOfBounds}},
		{name: "y short for inc 2", y: vec(3, 2), setY: true, ny: 4, want: []error{blasbridge.ErrVector, adapter.ErrOutOfBounds}},
		{name: "y short for inc -3", y: vec(3, -3), setY: true, ny: 6, want: []error{blasbridge.ErrVector, adapter.ErrOutOfBounds}},
		{name: "x inc overflows", x: vec(4, big), setX: true, want: []error{blasbridge.ErrVector, adapter.ErrOverflow}},
		{name: "y inc overflows", y: vec(3, math.MinInt/2), setY: true, want: []error{blasbridge.ErrVector, adapter.ErrOverflow}},
		{name: "y inc 0", y: vec(3, 0), setY: true, ny: 1, want: []error{blasbridge.ErrAliasedOutput}},
		{name: "x length differs", x: vec(5, 1), setX: true, nx: 5, want: []error{blasbridge.ErrShape}},
		{name: "y length differs", y: vec(4, 1), setY: true, ny: 4, want: []error{blasbridge.ErrShape}},
		{name: "y length is A's cols", y: vec(4, 1), setY: true, ny: 4, x: vec(3, 1), setX: true, nx: 3, want: []error{blasbridge.ErrShape}},
	}
	for i := range cases {
		tc := &cases[i]
		if !tc.setA {
			tc.a = rowMajor(3, 4, 4)
		}
		if !tc.setX {
			tc.x = vec(4, 1)
		}
		if !tc.setY {
			tc.y = vec(3, 1)
		}
		tc.na, tc.nx, tc.ny = 12, dataLen(tc.nx, 4), dataLen(tc.ny, 3)
	}
	return cases
}

func testGemvErrors(t *testing.T) {
	for _, tc := range gemvErrCases() {
		ad, xd, yd := sentinels(tc.na), sentinels(tc.nx), sentinels(tc.ny)
		y0 := slices.Clone(yd)
		err := caught(func() error {
			x, y := tc.x, tc.y
			x.Data, y.Data = xd, yd
			_, err := blasbridge.Gemv(1, adapter.Strided{Data: ad, Layout: tc.a}, x, 1, y)
			return checkErr(err, tc.want)
		})
		if err != nil {
			t.Errorf("Gemv: %s: %v", tc.name, err)
		}
		if !slices.Equal(yd, y0) {
			t.Errorf("Gemv: %s: y was written", tc.name)
		}
		yd32 := to32(yd)
		y032 := slices.Clone(yd32)
		err = caught(func() error {
			x := blas32.Vector{N: tc.x.N, Inc: tc.x.Inc, Data: to32(xd)}
			y := blas32.Vector{N: tc.y.N, Inc: tc.y.Inc, Data: yd32}
			_, err := blasbridge.Gemv32(1, adapter.Strided32{Data: to32(ad), Layout: tc.a}, x, 0, y)
			return checkErr(err, tc.want)
		})
		if err != nil {
			t.Errorf("Gemv32: %s: %v", tc.name, err)
		}
		if !slices.Equal(yd32, y032) {
			t.Errorf("Gemv32: %s: y was written", tc.name)
		}
	}
}
