package rowmajor

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/internal/bounds"
)

// General returns the r×c row-major matrix with leading dimension ld stored
// in data, without copying. It returns an error if r or c is not positive,
// ld < c, or data is shorter than (r-1)*ld + c.
func General(data []float64, r, c, ld int) (blas64.General, error) {
	if err := bounds.Dense(len(data), r, c, ld, "row"); err != nil {
		return blas64.General{}, err
	}
	return blas64.General{Rows: r, Cols: c, Stride: ld, Data: data[:(r-1)*ld+c]}, nil
}

// General32 is General over float32 data, for blas32.
func General32(data []float32, r, c, ld int) (blas32.General, error) {
	if err := bounds.Dense(len(data), r, c, ld, "row"); err != nil {
		return blas32.General{}, err
	}
	return blas32.General{Rows: r, Cols: c, Stride: ld, Data: data[:(r-1)*ld+c]}, nil
}

// New returns the r×c row-major matrix with leading dimension ld stored in
// data as a *mat.Dense, without copying (mat.NewDense requires ld == c).
// Errors are as for General.
func New(data []float64, r, c, ld int) (*mat.Dense, error) {
	g, err := General(data, r, c, ld)
	if err != nil {
		return nil, err
	}
	var m mat.Dense
	m.SetRawMatrix(g)
	return &m, nil
}

// Slice returns the sub-matrix of g with rows i..k-1 and columns j..l-1,
// sharing g's data. It panics if the indices are outside g, as
// mat.Dense.Slice does. For a *mat.Dense use its own Slice method.
func Slice(g blas64.General, i, k, j, l int) blas64.General {
	checkSlice(g.Rows, g.Cols, i, k, j, l)
	return blas64.General{
		Rows: k - i, Cols: l - j, Stride: g.Stride,
		Data: g.Data[i*g.Stride+j : (k-1)*g.Stride+l],
	}
}

// Slice32 is Slice for blas32.General.
func Slice32(g blas32.General, i, k, j, l int) blas32.General {
	checkSlice(g.Rows, g.Cols, i, k, j, l)
	return blas32.General{
		Rows: k - i, Cols: l - j, Stride: g.Stride,
		Data: g.Data[i*g.Stride+j : (k-1)*g.Stride+l],
	}
}

func checkSlice(r, c, i, k, j, l int) {
	if i < 0 || k > r || i >= k {
		panic(mat.ErrRowAccess)
	}
	if j < 0 || l > c || j >= l {
		panic(mat.ErrColAccess)
	}
}
