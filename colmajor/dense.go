package colmajor

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/internal/bounds"
)

var (
	_ mat.Matrix       = (*Dense)(nil)
	_ mat.Mutable      = (*Dense)(nil)
	_ mat.Untransposer = (*Dense)(nil)
	_ mat.ColViewer    = (*Dense)(nil)
	_ mat.RowViewer    = (*Dense)(nil)
	_ mat.RawColViewer = (*Dense)(nil)
)

// Dense is a column-major matrix over a float64 buffer that it shares with
// the caller. The zero value is an empty matrix that Mul and Copy size.
type Dense struct {
	// t is the row-major view of Aᵀ: t.Rows = A's columns, t.Cols = A's rows,
	// t.Stride = ld, and A(i, j) = t.Data[j*ld + i].
	t blas64.General
}

// New returns the r×c column-major matrix with leading dimension ld stored in
// data, without copying. It returns an error if r or c is not positive,
// ld < r, or data is shorter than (c-1)*ld + r. The matrix ends at its last
// element, so nothing past it is reachable.
func New(data []float64, r, c, ld int) (*Dense, error) {
	if err := bounds.Dense(len(data), c, r, ld, "column"); err != nil {
		return nil, err
	}
	return &Dense{t: blas64.General{Rows: c, Cols: r, Stride: ld, Data: data[:(c-1)*ld+r]}}, nil
}

// NewGeneralCols wraps Gonum's column-major descriptor without copying.
// Errors are as for New.
func NewGeneralCols(g blas64.GeneralCols) (*Dense, error) {
	return New(g.Data, g.Rows, g.Cols, g.Stride)
}

// NewDense allocates a zeroed r×c column-major matrix with ld = r. It panics
// if r or c is not positive, like mat.NewDense.
func NewDense(r, c int) *Dense {
	if r <= 0 || c <= 0 {
		panic(mat.ErrZeroLength)
	}
	return &Dense{t: blas64.General{Rows: c, Cols: r, Stride: r, Data: make([]float64, r*c)}}
}

// DenseCopyOf returns a newly allocated column-major copy of a, with ld equal
// to its number of rows.
func DenseCopyOf(a mat.Matrix) *Dense {
	var m Dense
	m.Copy(a)
	return &m
}

// Dims returns the number of rows and columns.
func (m *Dense) Dims() (r, c int) { return m.t.Cols, m.t.Rows }

// LD returns the leading dimension: the distance between columns.
func (m *Dense) LD() int { return m.t.Stride }

// IsEmpty reports whether the receiver has no storage yet (the zero value).
func (m *Dense) IsEmpty() bool { return m.t.Stride == 0 }

// RawGeneralCols returns the column-major storage; it shares the data.
func (m *Dense) RawGeneralCols() blas64.GeneralCols {
	return blas64.GeneralCols{Rows: m.t.Cols, Cols: m.t.Rows, Stride: m.t.Stride, Data: m.t.Data}
}

// At returns the element at row i, column j.
func (m *Dense) At(i, j int) float64 {
	m.check(i, j)
	return m.t.Data[j*m.t.Stride+i]
}

// Set sets the element at row i, column j to v.
func (m *Dense) Set(i, j int, v float64) {
	m.check(i, j)
	m.t.Data[j*m.t.Stride+i] = v
}

func (m *Dense) check(i, j int) {
	if uint(i) >= uint(m.t.Cols) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(m.t.Rows) {
		panic(mat.ErrColAccess)
	}
}

// TView returns Aᵀ as a row-major *mat.Dense sharing the receiver's data: the
// c×r matrix with stride ld. No data moves.
func (m *Dense) TView() *mat.Dense {
	var d mat.Dense
	d.SetRawMatrix(m.t)
	return &d
}

// T returns the transpose of the receiver: TView, a *mat.Dense that shares
// its data.
func (m *Dense) T() mat.Matrix { return m.TView() }

// Untranspose returns TView. Gonum reads a matrix whose Untranspose returns a
// *mat.Dense as the transpose of that Dense, so it feeds the receiver's data
// to BLAS with blas.Trans rather than copying it.
func (m *Dense) Untranspose() mat.Matrix { return m.TView() }

// ColView returns column j as a contiguous *mat.VecDense sharing the data.
func (m *Dense) ColView(j int) mat.Vector {
	return mat.NewVecDense(m.t.Cols, m.RawColView(j))
}

// RawColView returns column j as a slice of the receiver's data.
func (m *Dense) RawColView(j int) []float64 {
	if uint(j) >= uint(m.t.Rows) {
		panic(mat.ErrColAccess)
	}
	return m.t.Data[j*m.t.Stride : j*m.t.Stride+m.t.Cols]
}

// RowView returns row i as a *mat.VecDense with Inc = ld, sharing the data.
func (m *Dense) RowView(i int) mat.Vector {
	if uint(i) >= uint(m.t.Cols) {
		panic(mat.ErrRowAccess)
	}
	var v mat.VecDense
	v.SetRawVector(blas64.Vector{N: m.t.Rows, Inc: m.t.Stride, Data: m.t.Data[i : (m.t.Rows-1)*m.t.Stride+i+1]})
	return &v
}

// Slice returns the sub-matrix with rows i..k-1 and columns j..l-1, sharing
// the receiver's data and leading dimension. It panics for indices outside
// the matrix.
func (m *Dense) Slice(i, k, j, l int) *Dense {
	r, c := m.Dims()
	if i < 0 || k > r || i >= k {
		panic(mat.ErrRowAccess)
	}
	if j < 0 || l > c || j >= l {
		panic(mat.ErrColAccess)
	}
	ld := m.t.Stride
	return &Dense{t: blas64.General{Rows: l - j, Cols: k - i, Stride: ld, Data: m.t.Data[j*ld+i : (l-1)*ld+k]}}
}

// reuseAs sizes an empty receiver to r×c, or panics if a non-empty one has
// another shape.
func (m *Dense) reuseAs(r, c int) {
	if m.IsEmpty() {
		*m = *NewDense(r, c)
		return
	}
	if mr, mc := m.Dims(); mr != r || mc != c {
		panic(mat.ErrShape)
	}
}

// Mul stores a·b in the receiver, computed as Cᵀ = Bᵀ·Aᵀ into the row-major
// view of Cᵀ: no temporary, and Gonum picks the BLAS flags from the operands'
// own layouts. An empty receiver is allocated; a non-empty one must be
// r×c for a r×k and b k×c. The receiver may share memory with a or b (as in
// c.Mul(c, b)): the product is then computed into a temporary and copied in.
//
// For a row-major destination, mat.Dense.Mul on two column-major operands
// runs Gonum's slow TT GEMM; [github.com/strider-go/strider/blasbridge.Mul]
// computes any destination from any operands with the fastest flags.
func (m *Dense) Mul(a, b mat.Matrix) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ac != br {
		panic(mat.ErrShape)
	}
	m.reuseAs(ar, bc)
	if bounds.SlicesOverlap(m.t.Data, rawData(a)) || bounds.SlicesOverlap(m.t.Data, rawData(b)) {
		tmp := NewDense(ar, bc)
		tmp.TView().Mul(b.T(), a.T())
		m.Copy(tmp)
		return
	}
	m.TView().Mul(b.T(), a.T())
}

// rawData returns the storage behind a, when a exposes it (strider's and
// Gonum's raw types, through any transposes), or nil.
func rawData(a mat.Matrix) []float64 {
	for range 8 {
		switch v := a.(type) {
		case *Dense:
			return v.t.Data
		case mat.RawMatrixer:
			return v.RawMatrix().Data
		case mat.RawVectorer:
			return v.RawVector().Data
		case mat.Untransposer:
			a = v.Untranspose()
		default:
			return nil
		}
	}
	return nil
}

// Copy copies the elements of a into the receiver, as mat.Dense.Copy does:
// an empty receiver is allocated with a's shape; otherwise the overlapping
// top-left block is copied. It returns the size of that block.
func (m *Dense) Copy(a mat.Matrix) (r, c int) {
	ar, ac := a.Dims()
	if m.IsEmpty() {
		m.reuseAs(ar, ac)
	}
	// The receiver's Cᵀ view takes aᵀ; Gonum copies the overlapping block.
	c, r = m.TView().Copy(a.T())
	return r, c
}

// RowMajorCopy returns a newly allocated row-major copy of the receiver.
func (m *Dense) RowMajorCopy() *mat.Dense {
	r, c := m.Dims()
	d := mat.NewDense(r, c, nil)
	d.Copy(m)
	return d
}
