package bench

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// MatrixFamily returns the family "npy" (benchmark Npy): GEMV and GEMM on
// the caller's matrix a, in whatever layout it came — C order, Fortran
// order or a general strided one — where source names it ("a.npy: <f8,
// Fortran order, shape (4096, 8192)"). layoutbench -npy FILE measures it
// on a .npy file's data, mapped in place.
//
//	npy/gemv  y = A·x, at A's own shape ("m=4096x8192"; a Fixed workload)
//	npy/gemm  C = A·B, B a random row-major cols×k matrix, at each k
//
// Each has the choices auto (blasbridge on A as it is), copy (A copied to
// row-major first, as a reader into mat.Dense does; the naive choice) and,
// when A is column-major, trans (the trans flag on A's stored data). A is
// only read. MatrixFamily returns an error when a's layout does not fit its
// data, since a layout from a file is external input.
func MatrixFamily(source string, a adapter.Strided) (Family, error) {
	l := a.Layout
	if err := l.Check(len(a.Data)); err != nil {
		return Family{}, fmt.Errorf("bench: matrix %s: %w", source, err)
	}
	r, c := l.Rows, l.Cols
	col := l.Order() == adapter.ColMajor
	shape := fmt.Sprintf("%dx%d", r, c)
	// Both docs end in desc, which layoutbench -list cuts off.
	desc := fmt.Sprintf("A the %d×%d matrix of %s; %v", r, c, source, l)
	key := "a=general"
	switch l.Order() {
	case adapter.RowMajor:
		key = "a=row"
	case adapter.ColMajor:
		key = "a=col"
	}

	gemv := Workload{
		Name:  "npy/gemv",
		Key:   "op=gemv/" + key,
		Doc:   "y = A·x, " + desc,
		Unit:  "m",
		Sizes: []int{r}, QuickSizes: []int{r}, MaxSize: r,
		Fixed: true,
		Label: func(int) string { return "m=" + shape },
		Naive: "copy",
	}
	gemm := Workload{
		Name:       "npy/gemm",
		Key:        "op=gemm/" + key,
		Doc:        "C = A·B, B a random row-major cols×k matrix, " + desc,
		Unit:       "k",
		Sizes:      []int{64},
		QuickSizes: []int{16},
		MaxSize:    gemmMax,
		Naive:      "copy",
	}
	sigs := map[string]string{"copy": "A=packed B=view C=direct"}
	if col {
		sigs["trans"] = "A=view B=view C=direct"
		gemv.Choices = append(gemv.Choices, Choice{Name: "trans", Key: "plan=trans",
			Doc: "Dgemv(T) on the stored data of a column-major A; nothing copied", Setup: matrixGemvSetup(a, "trans")})
		gemm.Choices = append(gemm.Choices, Choice{Name: "trans", Key: "plan=trans",
			Doc: "Dgemm(T, N) on the stored data of a column-major A; nothing copied", Setup: matrixGemmSetup(a, "trans", nil)})
	}
	gemv.Choices = append(gemv.Choices,
		Choice{Name: "copy", Key: "plan=copy", Doc: "copy A to row-major (a reader into mat.Dense), then Dgemv(N)", Setup: matrixGemvSetup(a, "copy")},
		Choice{Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.Gemv on A as it is: strider's planner chooses", Setup: matrixGemvSetup(a, Auto)},
	)
	gemm.Choices = append(gemm.Choices,
		Choice{Name: "copy", Key: "plan=copy", Doc: "copy A to row-major (a reader into mat.Dense), then Dgemm(N, N)", Setup: matrixGemmSetup(a, "copy", nil)},
		Choice{Name: Auto, Key: "plan=" + Auto, Doc: "blasbridge.Gemm on A as it is: strider's planner chooses", Setup: matrixGemmSetup(a, Auto, sigs)},
	)
	return Family{
		Name:      "npy",
		Bench:     "Npy",
		Doc:       "GEMV and GEMM on the caller's own matrix (layoutbench -npy FILE): its layout as stored vs copying it",
		Workloads: []Workload{gemv, gemm},
	}, nil
}

// storedT returns the row-major view of Aᵀ that a column-major A's storage
// is: its data from A's first element, and its leading dimension.
func storedT(a adapter.Strided) ([]float64, int) {
	c := a.Layout.Canonical()
	return a.Data[c.Offset:], c.ColStride
}

// toRowMajor copies A into dst, r×c row-major with leading dimension c:
// the copy a reader into mat.Dense makes, tiled for column-major A.
func toRowMajor(dst []float64, a adapter.Strided) {
	l := a.Layout
	if l.Order() == adapter.ColMajor {
		t, ld := storedT(a)
		transpose(dst, l.Cols, t, ld, l.Cols, l.Rows)
		return
	}
	pack(dst, a.Data, l)
}

func matrixGemvSetup(a adapter.Strided, choice string) func(int) (*Case, error) {
	return func(int) (*Case, error) {
		be := blasbridge.Active()
		r, c := a.Layout.Rows, a.Layout.Cols
		x, y := randSlice(2, c), make([]float64, r)
		cs := &Case{
			Bytes:  float64(8 * r * c),
			Result: func() []float64 { return y },
		}
		switch choice {
		case "trans":
			// A's storage is Aᵀ row-major, c×r: y = (Aᵀ)ᵀ·x.
			t, ld := storedT(a)
			cs.Run = func() error {
				be.Float64.Dgemv(blas.Trans, c, r, 1, t, ld, x, 1, 0, y, 1)
				return nil
			}
		case "copy":
			s := make([]float64, r*c)
			cs.Copied = int64(8 * r * c)
			cs.Run = func() error {
				toRowMajor(s, a)
				be.Float64.Dgemv(blas.NoTrans, r, c, 1, s, c, x, 1, 0, y, 1)
				return nil
			}
		default:
			xv := blas64.Vector{N: c, Inc: 1, Data: x}
			yv := blas64.Vector{N: r, Inc: 1, Data: y}
			p, err := blasbridge.Gemv(1, a, xv, 0, yv)
			if err != nil {
				return nil, err
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
			switch {
			case p.A.Packed:
				cs.Equivalent = "copy"
			case p.A.Trans:
				cs.Equivalent = "trans"
			}
			cs.Run = func() error {
				_, err := blasbridge.Gemv(1, a, xv, 0, yv)
				return err
			}
		}
		return cs, nil
	}
}

func matrixGemmSetup(a adapter.Strided, choice string, sigs map[string]string) func(k int) (*Case, error) {
	return func(k int) (*Case, error) {
		be := blasbridge.Active()
		r, c := a.Layout.Rows, a.Layout.Cols
		b, out := randSlice(2, c*k), make([]float64, r*k)
		cs := &Case{
			Flops:  2 * float64(r) * float64(c) * float64(k),
			Result: func() []float64 { return out },
		}
		N, T := blas.NoTrans, blas.Trans
		switch choice {
		case "trans":
			// A's storage is Aᵀ row-major: the trans flag gives A.
			t, ld := storedT(a)
			cs.Run = func() error {
				be.Float64.Dgemm(T, N, r, k, c, 1, t, ld, b, k, 0, out, k)
				return nil
			}
		case "copy":
			s := make([]float64, r*c)
			cs.Copied = int64(8 * r * c)
			cs.Run = func() error {
				toRowMajor(s, a)
				be.Float64.Dgemm(N, N, r, k, c, 1, s, c, b, k, 0, out, k)
				return nil
			}
		default:
			err := autoGemm(cs, sigs, a, adapter.Strided{Data: b, Layout: rowLayout(c, k)}, adapter.Strided{Data: out, Layout: rowLayout(r, k)})
			if err != nil {
				return nil, err
			}
		}
		return cs, nil
	}
}
