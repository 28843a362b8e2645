package blasbridge

import (
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// bdim is a dimension iterated outside the GEMMs (batch or accumulating
// loop): its length, its stride in each operand, and the labels merged
// into it.
type bdim struct {
	n   int
	s   [3]int
	ids []int
}

// cplan is one way to run a contraction: the labels merged into M, N and K
// (outer to inner), the operands packed whole, the loops around the batched
// GEMMs, and its estimated cost.
type cplan struct {
	pack    [3]bool
	m, n, k []int    // label indices, outer to inner
	st      [3][]int // each label's stride in each operand, after packing
	size    [3]int   // elements of each packed operand
	item    [3]adapter.Layout
	inner   bdim   // the batch dimension of the strided batched GEMM
	loops   []bdim // batch dimensions iterated around it
	kloops  []bdim // contracted dimensions summed by accumulating GEMMs
	bp      BatchPlan
	copied  int // bytes
	cost    float64
	perfect bool // zero-copy, every group merged, flags at the best rate
}

// Planner costs, in seconds: a BLAS call, and a strided batched GEMM (its
// validation and planning) issued from a Go loop.
const (
	callCost  = 1e-6
	batchCost = 3e-6
)

// choose picks the cheapest plan: for every choice of operands to pack
// whole, the few best mergings of each group, scored by the backend's cost
// model. The zero-copy plan that merges everything at the best rate is
// taken at once.
func choose[T adapter.Float](be *Backend, ct *contraction[T], betaNonZero bool) (cplan, error) {
	var groups [4][]int // by class: batch, M, N, K
	for i, l := range ct.labels {
		groups[l.cls] = append(groups[l.cls], i)
	}
	var best cplan
	found := false
	var firstErr error
	for mask := range 8 {
		packs := [3]bool{mask&1 != 0, mask&2 != 0, mask&4 != 0}
		if ct.aliased && !packs[opC] {
			continue // BLAS must not write memory it reads
		}
		mc := groupCands(ct, groups[clsM], unpacked(packs, opA, opC))
		nc := groupCands(ct, groups[clsN], unpacked(packs, opB, opC))
		kc := groupCands(ct, groups[clsK], unpacked(packs, opA, opB))
		for _, sm := range mc {
			for _, sn := range nc {
				for _, sk := range kc {
					cp, err := evaluate(be, ct, groups, packs, sm, sn, sk, betaNonZero)
					if err != nil {
						if firstErr == nil {
							firstErr = err
						}
						continue
					}
					if cp.perfect {
						return cp, nil
					}
					better := cp.cost < best.cost
					if cp.copied > best.copied {
						better = cp.cost < 0.9*best.cost
					}
					if !found || better {
						best, found = cp, true
					}
				}
			}
		}
	}
	if !found {
		return cplan{}, firstErr
	}
	return best, nil
}

// unpacked returns the operands among x and y that are not packed: those
// whose strides a group's merging must respect.
func unpacked(packs [3]bool, x, y int) []int {
	var ops []int
	for _, t := range [2]int{x, y} {
		if !packs[t] {
			ops = append(ops, t)
		}
	}
	return ops
}

// chains reports whether the labels, outer to inner, merge into one
// dimension in operand t: each stride is the next one times its length.
func chains[T adapter.Float](ct *contraction[T], idx []int, t int) bool {
	for j := 0; j+1 < len(idx); j++ {
		p, q := ct.labels[idx[j]], ct.labels[idx[j+1]]
		next, ok := bounds.Mul(q.s[t], q.n)
		if !ok || p.s[t] != next {
			return false
		}
	}
	return true
}

// groupCands returns the mergings worth trying for a group of labels whose
// strides the operands ops must respect: subsets whose strides chain in all
// of them, ordered outer to inner, the largest first, with the best subset
// that holds each operand's unit stride kept too. Labels left out become
// loops. With no operand to respect (all packed) the whole group merges in
// its order of appearance.
func groupCands[T adapter.Float](ct *contraction[T], group []int, ops []int) [][]int {
	if len(group) == 0 {
		return [][]int{nil}
	}
	if len(ops) == 0 {
		return [][]int{group}
	}
	type cand struct {
		idx  []int
		prod int
		unit [3]bool
	}
	var cands []cand
	try := func(sub []int) {
		t0 := ops[0]
		slices.SortStableFunc(sub, func(x, y int) int {
			return abs(ct.labels[y].s[t0]) - abs(ct.labels[x].s[t0])
		})
		for _, t := range ops {
			if !chains(ct, sub, t) {
				return
			}
		}
		c := cand{idx: sub, prod: 1}
		for _, i := range sub {
			c.prod *= ct.labels[i].n
		}
		last := ct.labels[sub[len(sub)-1]]
		for _, t := range ops {
			c.unit[t] = abs(last.s[t]) == 1
		}
		cands = append(cands, c)
	}
	n := len(group)
	if n <= 10 {
		for mask := 1; mask < 1<<n; mask++ {
			var sub []int
			for j := range n {
				if mask&(1<<j) != 0 {
					sub = append(sub, group[j])
				}
			}
			try(sub)
		}
	} else {
		try(slices.Clone(group))
		for _, i := range group {
			try([]int{i})
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int { return y.prod - x.prod })
	var out [][]int
	for k, c := range cands {
		if k < 2 {
			out = append(out, c.idx)
		}
	}
	for _, t := range ops {
		for k, c := range cands {
			if c.unit[t] {
				if k >= 2 {
					out = append(out, c.idx)
				}
				break
			}
		}
	}
	return out
}

// evaluate builds the plan for one choice of packed operands and mergings
// and estimates its cost.
func evaluate[T adapter.Float](be *Backend, ct *contraction[T], groups [4][]int, packs [3]bool, sm, sn, sk []int, betaNonZero bool) (cplan, error) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	cp := cplan{pack: packs, m: sm, n: sn, k: sk}
	leftM, leftN, leftK := without(groups[clsM], sm), without(groups[clsN], sn), without(groups[clsK], sk)
	for t := range 3 {
		cp.st[t] = make([]int, len(ct.labels))
		for i, l := range ct.labels {
			cp.st[t][i] = l.s[t]
		}
	}
	// A packed operand is laid out C-contiguous: loops outside, then its
	// two GEMM dimensions, so that each merges and the matrix is row-major.
	orders := [3][][]int{
		{groups[clsBatch], leftM, leftK, sm, sk},
		{groups[clsBatch], leftN, leftK, sk, sn},
		{groups[clsBatch], leftM, leftN, sm, sn},
	}
	for t := range 3 {
		if !packs[t] {
			continue
		}
		var order []int
		for _, part := range orders[t] {
			for _, i := range part {
				if ct.labels[i].in[t] {
					order = append(order, i)
				}
			}
		}
		s := 1
		for j := len(order) - 1; j >= 0; j-- {
			cp.st[t][order[j]] = s
			s *= ct.labels[order[j]].n
		}
		cp.size[t] = s
	}
	dims := [3][2][]int{{sm, sk}, {sk, sn}, {sm, sn}}
	for t := range 3 {
		l := adapter.Layout{Rows: 1, Cols: 1}
		l.Rows, l.RowStride = cp.merged(ct, t, dims[t][0])
		l.Cols, l.ColStride = cp.merged(ct, t, dims[t][1])
		if !packs[t] {
			l.Offset = ct.off[t]
		}
		cp.item[t] = l
	}

	var batch []bdim
	for _, part := range [][]int{groups[clsBatch], leftM, leftN} {
		for _, i := range part {
			batch = append(batch, cp.dim(ct, i))
		}
	}
	batch = mergeDims(batch, opC)
	var kl []bdim
	for _, i := range leftK {
		kl = append(kl, cp.dim(ct, i))
	}
	cp.kloops = mergeDims(kl, opA)
	cp.inner = bdim{n: 1}
	if len(batch) > 0 {
		in := 0
		for j, d := range batch {
			if score(cp.item, d) > score(cp.item, batch[in]) {
				in = j
			}
		}
		cp.inner = batch[in]
		cp.loops = append(batch[:in:in], batch[in+1:]...)
	}

	a := batchOperand[T]{l: cp.item[opA], stride: cp.inner.s[opA]}
	b := batchOperand[T]{l: cp.item[opB], stride: cp.inner.s[opB]}
	c := batchOperand[T]{l: cp.item[opC], stride: cp.inner.s[opC]}
	bp, panel, _, err := planBatched(be, &a, &b, &c, cp.inner.n, betaNonZero || len(cp.kloops) > 0, false)
	if err != nil {
		return cplan{}, err
	}
	bp.Workers = plannedWorkers(be, &bp, panel)
	cp.bp = bp
	reps := 1
	for _, d := range cp.loops {
		reps *= d.n
	}
	for _, d := range cp.kloops {
		reps *= d.n
	}
	copies := cp.size[opA] + cp.size[opB] + reps*bp.CopiedBytes/size
	if packs[opC] {
		copies += cp.size[opC]
		if betaNonZero {
			copies += cp.size[opC]
		}
	}
	cp.copied = copies * size

	m, n, k := cp.item[opA].Rows, cp.item[opB].Cols, cp.item[opA].Cols
	tA, tB := bp.A.Trans, bp.B.Trans
	if bp.C.transposed() {
		tA, tB = !bp.B.Trans, !bp.A.Trans
	}
	eff := be.GemmEff[b2i(tA)][b2i(tB)]
	items := float64(reps) * float64(cp.inner.n)
	flops := 2 * float64(m) * float64(n) * float64(k) * items
	calls := items
	if bp.Folded {
		calls = float64(reps)
	}
	cp.cost = flops/(be.GFLOPS*1e9*eff*shapeEff(m)*shapeEff(n)*shapeEff(k)) +
		float64(copies)*2*float64(size)/(be.CopyGBps*1e9) +
		calls*callCost + float64(reps)*batchCost
	cp.perfect = copies == 0 && len(leftM)+len(leftN)+len(leftK) == 0 && eff >= maxEff(be)
	return cp, nil
}

// plannedWorkers returns the Workers runBatched will report for a planned
// batch, so that a plan made without data says how its items are spread.
func plannedWorkers(be *Backend, bp *BatchPlan, panel int) int {
	count, m, n := bp.Count, bp.M, bp.N
	if bp.Folded {
		if bp.C.scratch() || bp.A.Packed || bp.B.Packed {
			return 1 // run as the one call it describes
		}
		if panel == panelRows {
			m /= count
		} else {
			n /= count
		}
	}
	if count <= 1 {
		return 1
	}
	procs := runtime.GOMAXPROCS(0)
	chunk, share := schedule(be, procs, count, m, n, bp.K, panel)
	if !share {
		return 1
	}
	return min(procs, (count+chunk-1)/chunk)
}

// shapeEff is the rough fraction of its best rate a GEMM keeps with one
// dimension of length x: small dimensions cost more per flop.
func shapeEff(x int) float64 { return float64(x) / float64(x+16) }

// score prefers, as the dimension of the strided batched GEMM, one along
// which the batch folds into a single GEMM, then the longest.
func score(item [3]adapter.Layout, d bdim) int {
	s := d.n
	fold := func(x, y int) bool {
		l1, ok1 := stackRows(item[x], d.n, d.s[x])
		l2, ok2 := stackRows(item[opC], d.n, d.s[opC])
		_, _ = l1, l2
		return d.s[y] == 0 && ok1 && ok2
	}
	if fold(opA, opB) {
		s *= 4
	} else {
		t := [3]adapter.Layout{item[0].T(), item[1].T(), item[2].T()}
		if d.s[opA] == 0 {
			if _, ok := stackRows(t[opB], d.n, d.s[opB]); ok {
				if _, ok := stackRows(t[opC], d.n, d.s[opC]); ok {
					s *= 4
				}
			}
		}
	}
	return s
}

// merged returns the length and stride of the labels idx of operand t
// merged into one dimension (1 and 0 for none): the chain's innermost
// stride.
func (cp *cplan) merged(ct interface{ length(int) int }, t int, idx []int) (n, s int) {
	n = 1
	for _, i := range idx {
		n *= ct.length(i)
	}
	if len(idx) > 0 {
		s = cp.st[t][idx[len(idx)-1]]
	}
	return n, s
}

func (ct *contraction[T]) length(i int) int { return ct.labels[i].n }

// dim returns label i as a loop dimension with its packed strides.
func (cp *cplan) dim(ct interface{ length(int) int }, i int) bdim {
	return bdim{n: ct.length(i), s: [3]int{cp.st[0][i], cp.st[1][i], cp.st[2][i]}, ids: []int{i}}
}

// mergeDims merges loop dimensions whose strides chain in every operand,
// after ordering them by the size of their stride in operand t.
func mergeDims(d []bdim, t int) []bdim {
	if len(d) < 2 {
		return d
	}
	slices.SortStableFunc(d, func(x, y bdim) int { return abs(y.s[t]) - abs(x.s[t]) })
	out := d[:1]
	for _, q := range d[1:] {
		p := &out[len(out)-1]
		ok := true
		for u := range 3 {
			next, fits := bounds.Mul(q.s[u], q.n)
			if !fits || p.s[u] != next {
				ok = false
				break
			}
		}
		if !ok {
			out = append(out, q)
			continue
		}
		p.n *= q.n
		p.s = q.s
		p.ids = append(slices.Clip(p.ids), q.ids...)
	}
	return out
}

// without returns the labels of group not in sub.
func without(group, sub []int) []int {
	var out []int
	for _, i := range group {
		if !slices.Contains(sub, i) {
			out = append(out, i)
		}
	}
	return out
}

// describe fills in the plan's description.
func (cp *cplan) describe(p *ContractPlan, ct labelNamer) {
	names := func(idx []int) string {
		ids := make([]int, len(idx))
		for j, i := range idx {
			ids[j] = ct.id(i)
		}
		return labelString(ids)
	}
	dimNames := func(ds []bdim) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, names(d.ids))
		}
		return strings.Join(parts, ",")
	}
	p.M, p.N, p.K = names(cp.m), names(cp.n), names(cp.k)
	p.Batch = names(cp.inner.ids)
	p.Loops, p.KLoops = dimNames(cp.loops), dimNames(cp.kloops)
	var packed []string
	for t, name := range [3]string{"A", "B", "C"} {
		if cp.pack[t] {
			packed = append(packed, name)
		}
	}
	p.Packed = strings.Join(packed, ",")
	p.Gemm = cp.bp
	reps := 1
	for _, d := range cp.loops {
		reps *= d.n
	}
	p.Batches = reps
	for _, d := range cp.kloops {
		p.Batches *= d.n
	}
	p.Calls = p.Batches * cp.inner.n
	if cp.bp.Folded {
		p.Calls = p.Batches
	}
}

type labelNamer interface{ id(i int) int }

func (ct *contraction[T]) id(i int) int { return ct.labels[i].id }
