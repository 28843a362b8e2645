package blasbridge

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// ContractPlan is how a contraction of two N-d arrays (Matmul, Einsum)
// reaches BLAS: which labels became the batch, M, N and K of the GEMMs,
// which were left to loops, what was copied, and the GEMM every call
// issues.
type ContractPlan struct {
	// CopiedBytes counts every byte strider copies: operands packed whole
	// (the TTGT fallback), sums over labels of one operand, an output
	// computed through scratch (its scatter back, and its load when
	// beta != 0), and what the per-call GEMM plans pack.
	CopiedBytes int
	// Spec is the contraction in einsum notation; for Matmul the
	// equivalent of NumPy's matmul ("...mk,...kn->...mn"). Axes under an
	// ellipsis are named by digits, 0 being the last.
	Spec string
	// Batch, M, N and K are the labels merged into each dimension of the
	// GEMMs, outer to inner: each group's strides chain, so BLAS reads it
	// as one dimension. Batch is the batch dimension of one strided batched
	// GEMM.
	Batch, M, N, K string
	// Loops are the labels iterated around the batched GEMMs: batch labels
	// whose strides do not merge, and M or N labels that do not merge with
	// the rest of their group. KLoops are contracted labels that do not
	// merge, summed by accumulating GEMMs (beta = 1 after the first).
	Loops, KLoops string
	// Summed are labels of one operand only that are not in the output,
	// summed over before the GEMMs (what NumPy's einsum does too).
	Summed string
	// Packed names the operands copied whole before the GEMMs ("A", "B",
	// "A,B"), in the order that makes their groups merge, and "C" when the
	// output is computed through scratch.
	Packed string
	// Gemm is the plan of every GEMM call (after folding): its shape,
	// flags, leading dimensions and per-call packing.
	Gemm BatchPlan
	// Calls is the number of GEMM calls issued, and Batches the number of
	// strided batched GEMMs they were issued as.
	Calls, Batches int
	// Backend is the name of the backend that ran, or would run, the plan.
	Backend string
}

// String describes the plan in one line, for example
//
//	bshd,bthd->bhst: 8 batches of 12 · loops b · batch h · M s · N t · K d · A: no-trans (ld=768) · B: trans (col-major, ld=768) · C: direct output · copied 0 B
func (p ContractPlan) String() string {
	var b strings.Builder
	b.WriteString(p.Spec)
	b.WriteString(":")
	if p.Calls == 0 {
		fmt.Fprintf(&b, " nothing to compute · copied %s", bytesString(p.CopiedBytes))
		return b.String()
	}
	if p.Batches > 1 {
		fmt.Fprintf(&b, " %d batches of %d", p.Batches, p.Gemm.Count)
	} else {
		fmt.Fprintf(&b, " %d", p.Gemm.Count)
		if p.Gemm.Count == 1 {
			b.WriteString(" GEMM")
		} else {
			b.WriteString(" items")
		}
	}
	if p.Gemm.Folded {
		b.WriteString(" folded into one GEMM")
	}
	for _, g := range [...]struct{ name, labels string }{
		{"sum first", p.Summed}, {"pack", p.Packed}, {"loops", p.Loops}, {"k-loops", p.KLoops},
		{"batch", p.Batch}, {"M", p.M}, {"N", p.N}, {"K", p.K},
	} {
		if g.labels != "" {
			fmt.Fprintf(&b, " · %s %s", g.name, g.labels)
		}
	}
	fmt.Fprintf(&b, " · %d×%d·%d×%d · ", p.Gemm.M, p.Gemm.K, p.Gemm.K, p.Gemm.N)
	b.WriteString(p.Gemm.Plan.A.describe("A"))
	b.WriteString(" · ")
	b.WriteString(p.Gemm.Plan.B.describe("B"))
	fmt.Fprintf(&b, " · C: %v · copied %s", p.Gemm.Plan.C, bytesString(p.CopiedBytes))
	return b.String()
}

// Matmul computes c = alpha·(a@b) + beta·c with NumPy's matmul semantics:
// the last two axes of a and b are matrices and the leading axes broadcast
// (missing axes and axes of length 1 stretch); a 1-D a is a row, a 1-D b a
// column, and the axis they add is left out of the result, so two 1-D
// operands give a rank-0 c. c must have exactly the result's shape. With
// beta == 0, c is not read (NaN there is ignored).
//
// Matmul is Einsum("...mk,...kn->...mn") (with m or n left out for 1-D
// operands) and plans the same way: leading axes merge into as few batch
// strides as their strides allow, the matrices reach BLAS in place through
// their strides and trans flags, and what remains runs as strided batched
// GEMMs, never as a copy of a whole operand unless its matrices have no BLAS
// view. For attention scores, q of shape [B, H, S, D] times
// k.Permute(0, 1, 3, 2) is one batched GEMM of B·H items that copies
// nothing, whichever of [B, H, S, D] or [B, S, H, D] (permuted) stores them.
//
// It returns an error, and writes nothing, for arrays that reach outside
// their buffers or disagree in rank (adapter's errors), shapes that do not
// fit (ErrShape), a c whose elements share addresses (ErrAliasedOutput) and
// sizes the backend cannot take (ErrTooLarge). A c that shares an element
// with a or b is computed through scratch and is still right.
func Matmul[T adapter.Float](alpha T, a, b adapter.Array[T], beta T, c adapter.Array[T]) (ContractPlan, error) {
	spec, err := matmulSpec(a.Shape, b.Shape)
	if err != nil {
		return ContractPlan{}, err
	}
	return contract(spec, alpha, a, b, beta, c, true)
}

// PlanMatmul returns the plan Matmul would follow for these arrays on the
// active backend, without computing anything. Arrays with nil Data are
// planned from their shapes and strides alone, checked only for strides
// that reach before index 0 or overflow.
func PlanMatmul[T adapter.Float](a, b, c adapter.Array[T]) (ContractPlan, error) {
	spec, err := matmulSpec(a.Shape, b.Shape)
	if err != nil {
		return ContractPlan{}, err
	}
	return contract(spec, 1, a, b, 0, c, false)
}

// Einsum computes c = alpha·einsum(spec, a, b) + beta·c with NumPy's einsum
// semantics for two operands: "bshd,bthd->bhst" multiplies over the labels
// of both inputs, sums over those not in the output and broadcasts axes of
// length 1, "..." stands for broadcast leading axes, a label repeated in
// one input takes its diagonal, and the implicit form ("ij,jk") outputs the
// labels that appear once, in alphabetical order. c must have exactly the
// result's shape. With beta == 0, c is not read.
//
// Each label is a batch label (in a, b and c), an M label (a and c), an N
// label (b and c), a contracted K label (a and b), or a label of one input
// only, summed over before the product. Within each group the labels whose
// strides chain (stride == next stride × next length) merge into one GEMM
// dimension; Einsum chooses the grouping, orientation and output form that
// reach BLAS in place (GETT style: the GEMMs read the arrays through their
// strides and trans flags), leaving labels that do not merge to batch loops
// and accumulating loops — never to copies. Only when no grouping admits
// views, or the backend's costs make a copy clearly cheaper, does it pack
// an operand whole into the order its groups need (TTGT), choosing by
// bytes. "ik,kj->ji" writes the permuted output through Cᵀ = Bᵀ·Aᵀ.
//
// Errors are Matmul's, and ErrSpec for a malformed spec or one that does
// not fit the arrays' ranks.
func Einsum[T adapter.Float](spec string, alpha T, a, b adapter.Array[T], beta T, c adapter.Array[T]) (ContractPlan, error) {
	return contract(spec, alpha, a, b, beta, c, true)
}

// PlanEinsum returns the plan Einsum would follow, without computing
// anything, as PlanMatmul does.
func PlanEinsum[T adapter.Float](spec string, a, b, c adapter.Array[T]) (ContractPlan, error) {
	return contract(spec, 1, a, b, 0, c, false)
}

// matmulSpec returns the einsum form of NumPy's matmul for operands of
// these shapes, checking the core dimensions, which never broadcast.
func matmulSpec(sa, sb []int) (string, error) {
	ra, rb := len(sa), len(sb)
	if ra == 0 || rb == 0 {
		return "", fmt.Errorf("%w: matmul of a rank-0 array (shapes %v and %v)", ErrShape, sa, sb)
	}
	ka := sa[ra-1]
	kb := sb[0]
	if rb >= 2 {
		kb = sb[rb-2]
	}
	if ka != kb {
		return "", fmt.Errorf("%w: matmul of %v and %v: %d columns against %d rows", ErrShape, sa, sb, ka, kb)
	}
	left, out := "...mk", "...m"
	if ra == 1 {
		left, out = "k", "..."
	}
	right := "...kn"
	if rb == 1 {
		right = "k"
	} else {
		out += "n"
	}
	return left + "," + right + "->" + out, nil
}

// Operand indices.
const (
	opA = iota
	opB
	opC
)

// Label classes.
const (
	clsBatch = iota // in a, b and c
	clsM            // in a and c
	clsN            // in b and c
	clsK            // in a and b
	clsSumA         // in a only
	clsSumB         // in b only
)

// label is one index of a contraction after broadcasting: its length, and
// its stride in each operand (0 where the operand lacks it or stretches an
// axis of length 1 along it). Labels of length 1 are dropped: they fix an
// index at 0.
type label struct {
	id  int
	n   int
	s   [3]int
	in  [3]bool
	cls int
}

// contraction is a validated problem: its labels and the three arrays'
// offsets.
type contraction[T adapter.Float] struct {
	spec       string
	labels     []label
	data       [3][]T
	off        [3]int
	emptyOut   bool // c has no elements: nothing to do
	emptySum   bool // a contracted label has length 0: c = beta·c
	aliased    bool // c shares an element with an input
	checkData  bool
	cShape     []int
	cStrides   []int
	inputShape [2][]int
}

func contract[T adapter.Float](spec string, alpha T, a, b adapter.Array[T], beta T, c adapter.Array[T], run bool) (ContractPlan, error) {
	be := active.Load()
	ct, err := prepare(spec, a, b, c, run)
	if err != nil {
		return ContractPlan{}, err
	}
	p := ContractPlan{Spec: ct.specString(), Backend: be.Name}
	switch {
	case ct.emptyOut:
		return p, nil
	case ct.emptySum:
		if run {
			scaleArray(c, beta)
		}
		return p, nil
	}
	// Labels of one input only are summed first, into scratch.
	var sums [2]*[]T
	defer func() {
		for _, s := range sums {
			if s != nil {
				putScratch(s)
			}
		}
	}()
	for t := opA; t <= opB; t++ {
		cls := clsSumA + t
		if !ct.has(cls) {
			continue
		}
		var labels []int
		for _, l := range ct.labels {
			if l.cls == cls {
				labels = append(labels, l.id)
			}
		}
		p.Summed += labelString(labels)
		n := ct.sumOut(t, run, &sums[t])
		p.CopiedBytes += n * int(unsafe.Sizeof(alpha))
	}
	cp, err := choose(be, &ct, beta != 0)
	if err != nil {
		return ContractPlan{}, err
	}
	cp.describe(&p, &ct)
	p.CopiedBytes += cp.copied
	if !run {
		return p, nil
	}
	if err := execute(be, &ct, &cp, alpha, beta, &p); err != nil {
		return ContractPlan{}, err
	}
	return p, nil
}

// has reports whether some label is of class cls.
func (ct *contraction[T]) has(cls int) bool {
	for _, l := range ct.labels {
		if l.cls == cls {
			return true
		}
	}
	return false
}

func (ct *contraction[T]) specString() string { return ct.spec }

// prepare validates the arrays and the spec and resolves the labels.
func prepare[T adapter.Float](spec string, a, b, c adapter.Array[T], checkData bool) (contraction[T], error) {
	arrays := [3]adapter.Array[T]{a, b, c}
	for t, x := range arrays {
		if err := checkArray(x, checkData); err != nil {
			return contraction[T]{}, fmt.Errorf("%s: %w", "ABC"[t:t+1], err)
		}
	}
	sp, err := parseSpec(spec, len(a.Shape), len(b.Shape))
	if err != nil {
		return contraction[T]{}, err
	}
	if len(sp.out) != len(c.Shape) {
		return contraction[T]{}, fmt.Errorf("%w: %q gives a rank-%d result, c has shape %v", ErrShape, spec, len(sp.out), c.Shape)
	}
	ct := contraction[T]{checkData: checkData, cShape: c.Shape, cStrides: c.Strides, inputShape: [2][]int{a.Shape, b.Shape}}
	ct.spec = strings.ReplaceAll(spec, " ", "")
	if !strings.Contains(ct.spec, "->") {
		ct.spec += "->" + labelString(sp.out)
	}
	for t, x := range arrays {
		ct.data[t], ct.off[t] = x.Data, x.Offset
	}

	// Per input: each label's length and stride, diagonals summed.
	type ax struct{ n, s int }
	var per [2]map[int]ax
	for t := opA; t <= opB; t++ {
		per[t] = map[int]ax{}
		x := arrays[t]
		for k, id := range sp.in[t] {
			n, s := x.Shape[k], x.Strides[k]
			if prev, ok := per[t][id]; ok {
				if prev.n != n {
					return contraction[T]{}, fmt.Errorf("%w: operand %d: the diagonal of label %s has lengths %d and %d", ErrShape, t, labelString([]int{id}), prev.n, n)
				}
				sum, ok := bounds.Add(prev.s, s)
				if !ok {
					return contraction[T]{}, fmt.Errorf("%w: operand %d: diagonal stride %d+%d", adapter.ErrOverflow, t, prev.s, s)
				}
				s = sum
			}
			per[t][id] = ax{n, s}
		}
	}
	// Labels in order of first appearance: a's, b's, then the output's.
	var order []int
	seen := map[int]bool{}
	for _, ids := range [][]int{sp.in[0], sp.in[1], sp.out} {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				order = append(order, id)
			}
		}
	}
	outPos := map[int]int{}
	for k, id := range sp.out {
		outPos[id] = k
	}
	for _, id := range order {
		ea, inA := per[opA][id]
		eb, inB := per[opB][id]
		n := 0
		switch {
		case inA && inB:
			switch {
			case ea.n == eb.n, eb.n == 1:
				n = ea.n
			case ea.n == 1:
				n = eb.n
			default:
				return contraction[T]{}, fmt.Errorf("%w: label %s has length %d in a and %d in b", ErrShape, labelString([]int{id}), ea.n, eb.n)
			}
		case inA:
			n = ea.n
		case inB:
			n = eb.n
		default:
			n = 1 // a broadcast axis only the output has
		}
		k, inC := outPos[id]
		if inC && c.Shape[k] != n {
			return contraction[T]{}, fmt.Errorf("%w: %q: axis %d of c has length %d, the result has %d (c has shape %v)", ErrShape, spec, k, c.Shape[k], n, c.Shape)
		}
		switch {
		case n == 0 && inC:
			ct.emptyOut = true
		case n == 0:
			ct.emptySum = true
		}
		if n <= 1 {
			continue
		}
		l := label{id: id, n: n}
		if inA && ea.n == n {
			l.in[opA], l.s[opA] = true, ea.s
		}
		if inB && eb.n == n {
			l.in[opB], l.s[opB] = true, eb.s
		}
		if inC {
			l.in[opC], l.s[opC] = true, c.Strides[k]
		}
		switch {
		case l.in[opC] && l.in[opA] && l.in[opB]:
			l.cls = clsBatch
		case l.in[opC] && l.in[opA]:
			l.cls = clsM
		case l.in[opC]:
			l.cls = clsN
		case l.in[opA] && l.in[opB]:
			l.cls = clsK
		case l.in[opA]:
			l.cls = clsSumA
		default:
			l.cls = clsSumB
		}
		ct.labels = append(ct.labels, l)
	}
	if ct.emptyOut {
		ct.emptySum = false
	}
	if c.Size() > 0 && bounds.AliasedN(c.Shape, c.Strides) {
		return contraction[T]{}, fmt.Errorf("%w: c has shape %v and strides %v", ErrAliasedOutput, c.Shape, c.Strides)
	}
	if checkData && !ct.emptyOut && c.Size() > 0 {
		budget := aliasBudget(c.Size())
		ct.aliased = arrayShares(c, a, budget) || arrayShares(c, b, budget)
	}
	return ct, nil
}

// checkArray validates an array against its buffer, or, without data,
// checks that it reaches no index before 0 and does not overflow.
func checkArray[T adapter.Float](x adapter.Array[T], checkData bool) error {
	if checkData || x.Data != nil {
		return x.Check()
	}
	if len(x.Strides) != len(x.Shape) {
		return fmt.Errorf("%w: %d strides for shape %v", adapter.ErrRank, len(x.Strides), x.Shape)
	}
	for _, n := range x.Shape {
		if n < 0 {
			return fmt.Errorf("%w: shape %v", adapter.ErrDims, x.Shape)
		}
	}
	if x.Size() == 0 {
		return nil
	}
	lo, _, err := x.Extent()
	if err != nil {
		return err
	}
	if lo < 0 {
		return fmt.Errorf("%w: element offset %d is before the start (offset %d)", adapter.ErrOutOfBounds, lo, x.Offset)
	}
	return nil
}

// arrayShares reports whether checked arrays x and y have an element in
// common: their address ranges first, then their element sets, exactly
// where bounds.SharedN is (nested strides, any two of rank 2 within one
// leading dimension) and within budget, conservatively beyond.
func arrayShares[T adapter.Float](x, y adapter.Array[T], budget int) bool {
	if !bounds.SlicesOverlap(reach(x), reach(y)) {
		return false
	}
	delta, ok := elemDelta(x.Data, y.Data)
	if !ok {
		return true
	}
	return bounds.SharedN(x.Shape, x.Strides, x.Offset, y.Shape, y.Strides, y.Offset+delta, budget)
}

// reach returns the part of x's buffer its elements span; empty for an
// array with no elements.
func reach[T adapter.Float](x adapter.Array[T]) []T {
	if x.Size() == 0 {
		return nil
	}
	lo, hi, _ := x.Extent()
	return x.Data[lo : hi+1]
}

// scaleArray sets c = beta·c, without reading c when beta == 0.
func scaleArray[T adapter.Float](c adapter.Array[T], beta T) {
	walk2(c.Shape, c.Strides, c.Offset, c.Strides, c.Offset, func(i, _ int) {
		if beta == 0 {
			c.Data[i] = 0
		} else {
			c.Data[i] *= beta
		}
	})
}

// sumOut replaces input t by the sum over its labels of that input only,
// stored C-contiguous in scratch (which it returns through s when run),
// and returns the number of elements written.
func (ct *contraction[T]) sumOut(t int, run bool, s **[]T) int {
	cls := clsSumA + t
	var keep, drop []int // label indices
	for i, l := range ct.labels {
		switch {
		case l.cls == cls:
			drop = append(drop, i)
		case l.in[t]:
			keep = append(keep, i)
		}
	}
	size := 1
	for _, i := range keep {
		size *= ct.labels[i].n
	}
	newStrides := make([]int, len(keep))
	st := 1
	for j := len(keep) - 1; j >= 0; j-- {
		newStrides[j] = st
		st *= ct.labels[keep[j]].n
	}
	if run {
		buf := getScratch[T](size)
		*s = buf
		dst := *buf
		clear(dst)
		shape := make([]int, 0, len(keep)+len(drop))
		src := make([]int, 0, len(keep)+len(drop))
		dstS := make([]int, 0, len(keep)+len(drop))
		for j, i := range keep {
			shape = append(shape, ct.labels[i].n)
			src = append(src, ct.labels[i].s[t])
			dstS = append(dstS, newStrides[j])
		}
		for _, i := range drop {
			shape = append(shape, ct.labels[i].n)
			src = append(src, ct.labels[i].s[t])
			dstS = append(dstS, 0)
		}
		data := ct.data[t]
		walk2(shape, src, ct.off[t], dstS, 0, func(i, j int) { dst[j] += data[i] })
		ct.data[t] = dst
	}
	ct.off[t] = 0
	for j, i := range keep {
		ct.labels[i].s[t] = newStrides[j]
	}
	// Drop the summed labels.
	kept := ct.labels[:0]
	for _, l := range ct.labels {
		if l.cls != cls {
			kept = append(kept, l)
		}
	}
	ct.labels = kept
	return size
}

// walk2 calls fn with the indices of every element in two layouts of the
// same shape, the last axis innermost.
func walk2(shape, s1 []int, off1 int, s2 []int, off2 int, fn func(i, j int)) {
	for _, n := range shape {
		if n == 0 {
			return
		}
	}
	r := len(shape)
	if r == 0 {
		fn(off1, off2)
		return
	}
	idx := make([]int, r-1)
	n, d1, d2 := shape[r-1], s1[r-1], s2[r-1]
	for {
		i, j := off1, off2
		for k, x := range idx {
			i += x * s1[k]
			j += x * s2[k]
		}
		for range n {
			fn(i, j)
			i += d1
			j += d2
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}
