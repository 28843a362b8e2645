package blastest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// vector is a BLAS vector inside a sentinel-filled buffer: its elements are
// those of the n×1 layout of the embedded operand, and BLAS sees
// data[lo:hi] (element 0 at the far end when inc < 0, as in BLAS).
type vector[T float] struct {
	operand[T]
	n, inc int
	lo, hi int
}

// newVector places an n-vector with increment inc in a buffer with
// sentinels around and between its elements.
func newVector[T float](rng *rand.Rand, n, inc, id int) vector[T] {
	span := (n-1)*abs(inc) + 1
	pad := 2 + id%3
	first := pad
	if inc < 0 {
		first = pad + span - 1
	}
	l := adapter.Layout{Rows: n, Cols: 1, RowStride: inc, ColStride: 1, Offset: first}
	data := make([]T, pad+span+3)
	for p := range data {
		data[p] = T(sentinel(id, p))
	}
	for i := range n {
		data[at(l, i, 0)] = T(2*rng.Float64() - 1)
	}
	b := &buffer[T]{data: data}
	b.snapshot()
	return vector[T]{operand: operand[T]{buffer: b, l: l, kind: fmt.Sprintf("inc=%d", inc)}, n: n, inc: inc, lo: pad, hi: pad + span}
}

func (v vector[T]) fresh() vector[T] {
	v.operand = v.operand.fresh()
	return v
}

// slice is what BLAS sees.
func (v vector[T]) slice() []T { return v.data[v.lo:v.hi] }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// refGemv returns alpha·A·x + beta·y from the original values, with the
// magnitude of the terms summed.
func refGemv[T float](alpha float64, a operand[T], x vector[T], beta float64, y vector[T]) (want, scale []float64) {
	m, n := a.l.Rows, a.l.Cols
	want, scale = make([]float64, m), make([]float64, m)
	for i := range m {
		var s, mag float64
		if alpha != 0 {
			for j := range n {
				p := a.value(i, j) * x.value(j, 0)
				s += p
				mag += math.Abs(p)
			}
			s *= alpha
			mag *= math.Abs(alpha)
		}
		if beta != 0 {
			s += beta * y.value(i, 0)
			mag += math.Abs(beta * y.value(i, 0))
		}
		want[i], scale[i] = s, mag
	}
	return want, scale
}

type gemvFunc[T float] func(alpha float64, a operand[T], x vector[T], beta float64, y vector[T]) (blasbridge.Plan, error)

func gemv64(alpha float64, a operand[float64], x vector[float64], beta float64, y vector[float64]) (blasbridge.Plan, error) {
	return blasbridge.Gemv(alpha, adapter.Strided{Data: a.data, Layout: a.l},
		blas64.Vector{N: x.n, Inc: x.inc, Data: x.slice()}, beta, blas64.Vector{N: y.n, Inc: y.inc, Data: y.slice()})
}

func gemv32(alpha float64, a operand[float32], x vector[float32], beta float64, y vector[float32]) (blasbridge.Plan, error) {
	return blasbridge.Gemv32(float32(alpha), adapter.Strided32{Data: a.data, Layout: a.l},
		blas32.Vector{N: x.n, Inc: x.inc, Data: x.slice()}, float32(beta), blas32.Vector{N: y.n, Inc: y.inc, Data: y.slice()})
}

// checkGemvPlan checks the invariants of every GEMV plan on any backend: a
// matrix with a BLAS view is never copied, a general one is packed, a
// broadcast x is packed, y goes through scratch exactly when it overlaps an
// input, and CopiedBytes adds up.
func checkGemvPlan(p blasbridge.Plan, a adapter.Layout, incX int, overlaps bool, size int, betaNonZero bool) error {
	m, n := a.Rows, a.Cols
	if p.M != m || p.N != n {
		return fmt.Errorf("plan is %d×%d, want %d×%d", p.M, p.N, m, n)
	}
	copies := 0
	switch a.Order() {
	case adapter.RowMajor:
		if p.A.Packed || p.A.Trans || p.A.LD != a.LeadingDim() {
			return fmt.Errorf("row-major A: %+v, want its own view, no-trans, ld %d", p.A, a.LeadingDim())
		}
	case adapter.ColMajor:
		if p.A.Packed || !p.A.Trans || p.A.LD != a.LeadingDim() {
			return fmt.Errorf("col-major A: %+v, want its own view, trans, ld %d", p.A, a.LeadingDim())
		}
	default:
		if !p.A.Packed {
			return fmt.Errorf("general A not packed: %+v", p.A)
		}
		copies += m * n
	}
	xPacked := incX == 0 && n > 1
	if xPacked {
		copies += n
	}
	if got := strings.Contains(p.String(), "x: packed"); got != xPacked {
		return fmt.Errorf("plan %q: x packed %v, want %v", p, got, xPacked)
	}
	switch {
	case overlaps && p.C != blasbridge.Scratch:
		return fmt.Errorf("y overlaps an input but output is %v", p.C)
	case !overlaps && p.C != blasbridge.Direct:
		return fmt.Errorf("y overlaps nothing but output is %v", p.C)
	}
	if overlaps {
		copies += m
		if betaNonZero {
			copies += m
		}
	}
	if p.CopiedBytes != copies*size {
		return fmt.Errorf("CopiedBytes %d, want %d (%s)", p.CopiedBytes, copies*size, p)
	}
	return nil
}

var (
	gemvShapes = [][2]int{{1, 1}, {1, 5}, {5, 1}, {3, 4}, {7, 2}, {17, 9}}
	xIncs      = []int{1, 3, -1, -2, 0}
	yIncs      = []int{1, 3, -1, -2}
)

// testGemv runs every layout of A, every increment of x and y, every shape
// and every (alpha, beta) through Gemv or Gemv32 against the naive product.
func testGemv[T float](t *testing.T, run gemvFunc[T]) {
	size, tol := itemSize[T](), tolerance[T]()
	for si, s := range gemvShapes {
		m, n := s[0], s[1]
		t.Run(fmt.Sprintf("m=%d,n=%d", m, n), func(t *testing.T) {
			rng := newRand(100 + uint64(si))
			var as []operand[T]
			for id, kd := range kinds {
				as = append(as, newOperand[T](rng, kd, m, n, id))
			}
			var xs, ys []vector[T]
			for id, inc := range xIncs {
				xs = append(xs, newVector[T](rng, n, inc, 20+id))
			}
			for id, inc := range yIncs {
				ys = append(ys, newVector[T](rng, m, inc, 30+id))
			}
			fail := failures{t: t}
			for _, a := range as {
				for _, x := range xs {
					for _, y0 := range ys {
						for _, alpha := range alphas {
							for _, beta := range betas {
								y := y0.fresh()
								name := fmt.Sprintf("A=%s x %s y %s alpha=%v beta=%v", a.kind, x.kind, y.kind, alpha, beta)
								err := caught(func() error {
									p, err := run(alpha, a, x, beta, y)
									if err != nil {
										return fmt.Errorf("blasbridge.Gemv: %w", err)
									}
									if err := checkGemvPlan(p, a.l, x.inc, false, size, beta != 0); err != nil {
										return fmt.Errorf("plan: %w", err)
									}
									want, scale := refGemv(alpha, a, x, beta, y)
									if err := checkOutput(y.operand, want, scale, tol); err != nil {
										return fmt.Errorf("y: %w (plan %v)", err, p)
									}
									if err := a.unchanged(); err != nil {
										return fmt.Errorf("input A written: %w", err)
									}
									if err := x.unchanged(); err != nil {
										return fmt.Errorf("x written: %w", err)
									}
									return nil
								})
								if err != nil {
									fail.errorf("%s: %v", name, err)
								}
							}
						}
					}
				}
			}
		})
	}
}
