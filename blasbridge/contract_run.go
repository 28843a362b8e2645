package blasbridge

import (
	"github.com/strider-go/strider/adapter"
)

// execute runs a chosen plan: packs what it packs, issues the strided
// batched GEMMs inside the loops, and scatters an output computed through
// scratch. Its inputs were validated by prepare.
func execute[T adapter.Float](be *Backend, ct *contraction[T], cp *cplan, alpha, beta T, p *ContractPlan) error {
	var data [3][]T
	var off [3]int
	var scratch [3]*[]T
	defer func() {
		for _, s := range scratch {
			if s != nil {
				putScratch(s)
			}
		}
	}()
	for t := range 3 {
		data[t], off[t] = ct.data[t], ct.off[t]
		if !cp.pack[t] {
			continue
		}
		s := getScratch[T](cp.size[t])
		scratch[t] = s
		data[t], off[t] = *s, 0
		if t == opC && beta == 0 {
			continue // not read
		}
		shape, src, dst := cp.layouts(ct, t)
		from := ct.data[t]
		walk2(shape, src, ct.off[t], dst, 0, func(i, j int) { (*s)[j] = from[i] })
	}

	loops := append(append([]bdim(nil), cp.loops...), cp.kloops...)
	nk := 1
	for _, d := range cp.kloops {
		nk *= d.n
	}
	idx := make([]int, len(loops))
	total := 1
	for _, d := range loops {
		total *= d.n
	}
	per := total / nk // batch loop iterations per k-loop index
	copied := 0
	for it := 0; it < total; it++ {
		o := off
		for j, d := range loops {
			for t := range 3 {
				o[t] += idx[j] * d.s[t]
			}
		}
		b := beta
		if it >= per {
			b = 1 // later k-loop iterations accumulate
		}
		a := batchOperand[T]{data: data[opA], l: cp.item[opA], stride: cp.inner.s[opA]}
		bb := batchOperand[T]{data: data[opB], l: cp.item[opB], stride: cp.inner.s[opB]}
		c := batchOperand[T]{data: data[opC], l: cp.item[opC], stride: cp.inner.s[opC]}
		a.l.Offset, bb.l.Offset, c.l.Offset = o[opA], o[opB], o[opC]
		bp, err := gemmBatched(be, alpha, a, bb, b, c, cp.inner.n)
		if err != nil {
			return err
		}
		copied += bp.CopiedBytes
		if it == 0 {
			p.Gemm = bp
		}
		// Odometer over the loops, k-loops outermost (last).
		for j := 0; j < len(loops); j++ {
			idx[j]++
			if idx[j] < loops[j].n {
				break
			}
			idx[j] = 0
		}
	}
	if cp.pack[opC] {
		shape, src, dst := cp.layouts(ct, opC)
		to := ct.data[opC]
		s := *scratch[opC]
		walk2(shape, dst, 0, src, ct.off[opC], func(i, j int) { to[j] = s[i] })
	}
	_ = copied
	return nil
}

// layouts returns, for a packed operand, the shape over its labels and the
// strides of the array as given and of its packed copy.
func (cp *cplan) layouts(ct interface {
	length(int) int
	stride(i, t int) int
	inOperand(i, t int) bool
	count() int
}, t int) (shape, src, dst []int) {
	for i := range ct.count() {
		if !ct.inOperand(i, t) {
			continue
		}
		shape = append(shape, ct.length(i))
		src = append(src, ct.stride(i, t))
		dst = append(dst, cp.st[t][i])
	}
	return shape, src, dst
}

func (ct *contraction[T]) stride(i, t int) int     { return ct.labels[i].s[t] }
func (ct *contraction[T]) inOperand(i, t int) bool { return ct.labels[i].in[t] }
func (ct *contraction[T]) count() int              { return len(ct.labels) }
