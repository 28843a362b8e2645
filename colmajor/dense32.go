package colmajor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/internal/bounds"
)

// Dense32 is the float32 counterpart of Dense, for blas32: a column-major
// matrix over a []float32 that it shares with the caller.
type Dense32 struct {
	// t is the row-major view of Aᵀ, as in Dense.
	t blas32.General
}

// New32 returns the r×c column-major matrix with leading dimension ld stored
// in data, without copying. Errors are as for New.
func New32(data []float32, r, c, ld int) (*Dense32, error) {
	if err := bounds.Dense(len(data), c, r, ld, "column"); err != nil {
		return nil, err
	}
	return &Dense32{t: blas32.General{Rows: c, Cols: r, Stride: ld, Data: data[:(c-1)*ld+r]}}, nil
}

// NewDense32 allocates a zeroed r×c column-major matrix with ld = r. It panics
// if r or c is not positive.
func NewDense32(r, c int) *Dense32 {
	if r <= 0 || c <= 0 {
		panic(mat.ErrZeroLength)
	}
	return &Dense32{t: blas32.General{Rows: c, Cols: r, Stride: r, Data: make([]float32, r*c)}}
}

// Dense32CopyOf returns a newly allocated column-major copy of the row-major
// matrix g, with ld equal to its number of rows.
func Dense32CopyOf(g blas32.General) *Dense32 {
	m := NewDense32(g.Rows, g.Cols)
	for i := 0; i < g.Rows; i++ {
		for j, v := range g.Data[i*g.Stride : i*g.Stride+g.Cols] {
			m.t.Data[j*m.t.Stride+i] = v
		}
	}
	return m
}

// Dims returns the number of rows and columns.
func (m *Dense32) Dims() (r, c int) { return m.t.Cols, m.t.Rows }

// LD returns the leading dimension: the distance between columns.
func (m *Dense32) LD() int { return m.t.Stride }

// RawGeneralCols returns the column-major storage; it shares the data.
func (m *Dense32) RawGeneralCols() blas32.GeneralCols {
	return blas32.GeneralCols{Rows: m.t.Cols, Cols: m.t.Rows, Stride: m.t.Stride, Data: m.t.Data}
}

// TGeneral returns Aᵀ as a row-major blas32.General sharing the receiver's
// data: the c×r matrix with stride ld.
func (m *Dense32) TGeneral() blas32.General { return m.t }

// At returns the element at row i, column j.
func (m *Dense32) At(i, j int) float32 {
	m.check(i, j)
	return m.t.Data[j*m.t.Stride+i]
}

// Set sets the element at row i, column j to v.
func (m *Dense32) Set(i, j int, v float32) {
	m.check(i, j)
	m.t.Data[j*m.t.Stride+i] = v
}

func (m *Dense32) check(i, j int) {
	if uint(i) >= uint(m.t.Cols) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(m.t.Rows) {
		panic(mat.ErrColAccess)
	}
}

// RawColView returns column j as a slice of the receiver's data.
func (m *Dense32) RawColView(j int) []float32 {
	if uint(j) >= uint(m.t.Rows) {
		panic(mat.ErrColAccess)
	}
	return m.t.Data[j*m.t.Stride : j*m.t.Stride+m.t.Cols]
}

// RowView returns row i as a blas32.Vector with Inc = ld, sharing the data.
func (m *Dense32) RowView(i int) blas32.Vector {
	if uint(i) >= uint(m.t.Cols) {
		panic(mat.ErrRowAccess)
	}
	return blas32.Vector{N: m.t.Rows, Inc: m.t.Stride, Data: m.t.Data[i : (m.t.Rows-1)*m.t.Stride+i+1]}
}

// Slice returns the sub-matrix with rows i..k-1 and columns j..l-1, sharing
// the receiver's data and leading dimension.
func (m *Dense32) Slice(i, k, j, l int) *Dense32 {
	r, c := m.Dims()
	if i < 0 || k > r || i >= k {
		panic(mat.ErrRowAccess)
	}
	if j < 0 || l > c || j >= l {
		panic(mat.ErrColAccess)
	}
	ld := m.t.Stride
	return &Dense32{t: blas32.General{Rows: l - j, Cols: k - i, Stride: ld, Data: m.t.Data[j*ld+i : (l-1)*ld+k]}}
}

// Mul stores a·b in the receiver, all three column-major, computed as
// Cᵀ = Bᵀ·Aᵀ: one NoTrans-NoTrans blas32.Gemm on the stored data, no
// temporary. The receiver must be r×c for a r×k and b k×c. It may share
// memory with a or b (as in c.Mul(c, b)): the product is then computed into
// a temporary and copied in.
func (m *Dense32) Mul(a, b *Dense32) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ac != br {
		panic(mat.ErrShape)
	}
	if mr, mc := m.Dims(); mr != ar || mc != bc {
		panic(mat.ErrShape)
	}
	if bounds.SlicesOverlap(m.t.Data, a.t.Data) || bounds.SlicesOverlap(m.t.Data, b.t.Data) {
		tmp := blas32.General{Rows: m.t.Rows, Cols: m.t.Cols, Stride: m.t.Cols, Data: make([]float32, m.t.Rows*m.t.Cols)}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, b.t, a.t, 0, tmp)
		for i := range tmp.Rows {
			copy(m.t.Data[i*m.t.Stride:i*m.t.Stride+m.t.Cols], tmp.Data[i*tmp.Stride:])
		}
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, b.t, a.t, 0, m.t)
}

// RowMajorCopy returns a newly allocated row-major copy of the receiver.
func (m *Dense32) RowMajorCopy() blas32.General {
	r, c := m.Dims()
	g := blas32.General{Rows: r, Cols: c, Stride: c, Data: make([]float32, r*c)}
	for j := 0; j < c; j++ {
		for i, v := range m.t.Data[j*m.t.Stride : j*m.t.Stride+r] {
			g.Data[i*c+j] = v
		}
	}
	return g
}
