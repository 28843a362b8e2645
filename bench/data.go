package bench

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// randSlice returns n values in [-1, 1) from a fixed seed, so every choice
// of a workload sees the same operands.
func randSlice(seed uint64, n int) []float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*rng.Float64() - 1
	}
	return s
}

func rowLayout(r, c int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: c, ColStride: 1}
}

func colLayout(r, c int) adapter.Layout {
	return adapter.Layout{Rows: r, Cols: c, RowStride: 1, ColStride: r}
}

const tile = 32

// transpose writes the r×c row-major matrix src (leading dimension sld) as
// the c×r row-major matrix dst (leading dimension dld): dst[j*dld+i] =
// src[i*sld+j]. It is also the copy between row- and column-major storage
// of one matrix. It works in tiles so both sides stay in cache.
func transpose(dst []float64, dld int, src []float64, sld, r, c int) {
	for i0 := 0; i0 < r; i0 += tile {
		i1 := min(i0+tile, r)
		for j0 := 0; j0 < c; j0 += tile {
			j1 := min(j0+tile, c)
			for i := i0; i < i1; i++ {
				row := src[i*sld+j0 : i*sld+j1]
				for j, v := range row {
					dst[(j0+j)*dld+i] = v
				}
			}
		}
	}
}

// pack copies the matrix in layout l out of src into dst, row-major with
// leading dimension l.Cols, walking l's columns innermost (strider packs in
// the order of the smaller stride; this is the packing a program writes by
// hand).
func pack(dst, src []float64, l adapter.Layout) {
	for i := range l.Rows {
		k := l.Offset + i*l.RowStride
		row := dst[i*l.Cols : (i+1)*l.Cols]
		for j := range row {
			row[j] = src[k]
			k += l.ColStride
		}
	}
}

func flag(trans bool) blas.Transpose {
	if trans {
		return blas.Trans
	}
	return blas.NoTrans
}

// planSig reduces a blasbridge plan to what distinguishes the fixed choices:
// per input whether it was packed, and where the output was written.
func planSig(p blasbridge.Plan) string {
	op := func(o blasbridge.Operand) string {
		if o.Packed {
			return "packed"
		}
		return "view"
	}
	c := map[blasbridge.Output]string{
		blasbridge.Direct:            "direct",
		blasbridge.Transposed:        "transposed",
		blasbridge.Scratch:           "scratch",
		blasbridge.ScratchTransposed: "scratchT",
	}[p.C]
	return "A=" + op(p.A) + " B=" + op(p.B) + " C=" + c
}

// equivalent returns the name of the choice whose signature is sig, or "".
func equivalent(sigs map[string]string, sig string) string {
	for name, s := range sigs {
		if s == sig {
			return name
		}
	}
	return ""
}

// autoGemm sets cs up to run blasbridge.Gemm(1, a, b, 0, c): the plan strider
// picks, what it copies, and the fixed choice (by signature in sigs) it
// amounts to.
func autoGemm(cs *Case, sigs map[string]string, a, b, c adapter.Strided) error {
	p, err := blasbridge.PlanGemm(a.Layout, b.Layout, c.Layout)
	if err != nil {
		return err
	}
	cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
	cs.Equivalent = equivalent(sigs, planSig(p))
	cs.Run = func() error {
		_, err := blasbridge.Gemm(1, a, b, 0, c)
		return err
	}
	return nil
}
