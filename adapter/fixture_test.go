package adapter_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/internal/fixture"
)

func loadLayouts(t *testing.T) *fixture.Layouts {
	t.Helper()
	l, err := fixture.LoadLayouts()
	require.NoError(t, err)
	return l
}

var orderNames = map[string]adapter.Order{"row": adapter.RowMajor, "col": adapter.ColMajor, "general": adapter.General}

func fromCase(t *testing.T, c fixture.Case) adapter.Layout {
	t.Helper()
	l, err := adapter.FromNumPy(c.Shape, c.Strides, c.ItemSize, c.Offset)
	require.NoError(t, err, c.Name)
	return l
}

// TestFixtureViews wraps every NumPy view and checks NumPy's values, the
// order, the Gonum type, and that element addresses match NumPy's strides.
func TestFixtureViews(t *testing.T) {
	fx := loadLayouts(t)
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			l := fromCase(t, c)
			require.NoError(t, l.Check(len(c.Base)))
			want, ok := orderNames[c.GoOrder]
			require.True(t, ok, c.GoOrder)
			assert.Equal(t, want, l.Order(), "%s: %v", c.Note, l)
			if c.NumPyOrder != c.GoOrder {
				// Only size-1 dimensions may disagree, and the fixture says why.
				assert.True(t, c.Shape[0] == 1 || c.Shape[1] == 1, "orders differ on a %v view", c.Shape)
				assert.NotEmpty(t, c.OrderNote)
			}
			assert.Equal(t, !c.WriteableUnique, l.Overlaps())

			m, err := adapter.Wrap(c.Base, l)
			require.NoError(t, err)
			switch want {
			case adapter.RowMajor:
				assert.IsType(t, &mat.Dense{}, m)
			case adapter.ColMajor:
				assert.IsType(t, &colmajor.Dense{}, m)
			default:
				assert.IsType(t, &adapter.Strided{}, m)
			}
			r, cc := m.Dims()
			require.Equal(t, c.Shape, []int{r, cc})
			for i := range r {
				for j := range cc {
					if got := m.At(i, j); got != c.Values[i][j] {
						t.Errorf("At(%d, %d): got %v, want %v", i, j, got, c.Values[i][j])
					}
					if got, want := l.ByteOffset(i, j, c.ItemSize), c.Offset+i*c.Strides[0]+j*c.Strides[1]; got != want {
						t.Errorf("ByteOffset(%d, %d): got %d, want %d", i, j, got, want)
					}
				}
			}
			// The transpose swaps strides and reads the same elements.
			mt, err := adapter.Wrap(c.Base, l.T())
			require.NoError(t, err)
			for i := range r {
				for j := range cc {
					if got := mt.At(j, i); got != c.Values[i][j] {
						t.Errorf("T At(%d, %d): got %v, want %v", j, i, got, c.Values[i][j])
					}
				}
			}
		})
	}
}

// TestFixtureWriteThrough writes through every wrapped view whose elements
// are distinct and checks that exactly NumPy's addresses changed: the view is
// the buffer, and every element outside it (a sentinel) survives.
func TestFixtureWriteThrough(t *testing.T) {
	fx := loadLayouts(t)
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			l := fromCase(t, c)
			buf := append([]float64(nil), c.Base...)
			m, err := adapter.Wrap(buf, l)
			require.NoError(t, err)
			mu, ok := m.(mat.Mutable)
			require.True(t, ok, "%T is not mat.Mutable", m)
			if !c.WriteableUnique {
				assert.Panics(t, func() { mu.Set(0, 1, -1) }, "Set through an aliased layout")
				assert.Equal(t, c.Base, buf, "a refused write changed the buffer")
				return
			}
			want := append([]float64(nil), c.Base...)
			for i := range c.Shape[0] {
				for j := range c.Shape[1] {
					v := float64(-(i*100 + j + 1))
					mu.Set(i, j, v)
					want[c.Index(i, j)] = v
				}
			}
			assert.Equal(t, want, buf)
		})
	}
}

// TestFixtureMatMul multiplies wrapped views with Gonum's mat.Dense.Mul and
// compares with NumPy's A @ B. The values are exact in float64.
func TestFixtureMatMul(t *testing.T) {
	fx := loadLayouts(t)
	for _, p := range fx.MatMul {
		t.Run(p.Name, func(t *testing.T) {
			ca, err := fx.Case(p.A)
			require.NoError(t, err)
			cb, err := fx.Case(p.B)
			require.NoError(t, err)
			abuf := append([]float64(nil), ca.Base...)
			bbuf := append([]float64(nil), cb.Base...)
			a, err := adapter.Wrap(abuf, fromCase(t, ca))
			require.NoError(t, err)
			b, err := adapter.Wrap(bbuf, fromCase(t, cb))
			require.NoError(t, err)
			var got mat.Dense
			got.Mul(a, b)
			r, c := got.Dims()
			require.Equal(t, []int{len(p.Product), len(p.Product[0])}, []int{r, c})
			for i := range r {
				for j := range c {
					if got.At(i, j) != p.Product[i][j] {
						t.Errorf("(%d, %d): got %v, want %v", i, j, got.At(i, j), p.Product[i][j])
					}
				}
			}
			assert.Equal(t, ca.Base, abuf, "A's buffer changed")
			assert.Equal(t, cb.Base, bbuf, "B's buffer changed")
		})
	}
}

// TestFixtureBad checks that FromNumPy rejects every malformed description
// the generator lists, with an error rather than a panic.
func TestFixtureBad(t *testing.T) {
	fx := loadLayouts(t)
	require.NotEmpty(t, fx.Bad)
	for _, b := range fx.Bad {
		_, err := adapter.FromNumPy(b.Shape, b.Strides, b.ItemSize, b.Offset)
		if err == nil {
			t.Errorf("%s (%s): no error", b.Name, b.Why)
			continue
		}
		known := false
		for _, e := range []error{adapter.ErrRank, adapter.ErrDims, adapter.ErrMisaligned, adapter.ErrItemSize} {
			known = known || errors.Is(err, e)
		}
		assert.True(t, known, fmt.Sprintf("%s: unclassified error %v", b.Name, err))
	}
}
