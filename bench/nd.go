package bench

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// The attention workloads' fixed dimensions: batch, heads and head size;
// the sequence length S is the size.
const (
	attnB = 2
	attnH = 4
	attnD = 64
)

// The contracted labels k and l of nd/einsum-perm.
const (
	permK = 8
	permL = 8
)

// ndFamily: contractions of N-d arrays through blasbridge.Matmul and
// Einsum (plan) against what a program does without them: copy operands
// into the order one batched GEMM wants (pack: TTGT, what
// numpy.einsum(optimize=True) does through tensordot and what PyTorch's
// .contiguous() does), or loop over the batch labels calling Dgemm on each
// 2-D slice (loop: all Gonum's 2-D matrices allow; NumPy's matmul loops
// over the stack the same way in C).
//
// The naive choice is loop where Gonum alone reaches every slice through a
// BLAS view (attention in both storages, broadcasting), and pack for the
// permuted einsum, whose slices a program finds only by planning by hand.
// Fixed choices call the active backend's Dgemm, or blasbridge.GemmBatched
// on 2-D items when the choice is about the batch (pack, batched), so that
// pack against plan measures the copy and loop against batched the batching.
func ndFamily() Family {
	attn := func(name, storage, call string) Workload {
		return Workload{
			Name:       "nd/" + name,
			Key:        "op=" + name,
			Doc:        fmt.Sprintf("attention scores q·kᵀ, q and k of B=%d, H=%d, S=s, D=%d stored %s, scores [B,H,S,S] in C order: %s", attnB, attnH, attnD, storage, call),
			Unit:       "s",
			Sizes:      []int{64, 128, 256, 512},
			QuickSizes: []int{32, 128},
			MaxSize:    2048,
			Naive:      "loop",
		}
	}
	bhsd := attn("attention", "[B,H,S,D]", "blasbridge.Matmul(q, k.Permute(0,1,3,2))")
	bhsd.Choices = []Choice{
		{Name: "plan", Key: "algo=plan", Doc: "blasbridge.Matmul on the permuted view of k: one strided batched GEMM with the trans flag; nothing copied", Setup: attentionSetup(false, "plan")},
		{Name: "pack", Key: "algo=pack", Doc: "copy k transposed to contiguous [B,H,D,S] (k.transpose(-1,-2).contiguous()), then GemmBatched NN", Setup: attentionSetup(false, "pack")},
		{Name: "loop", Key: "algo=loop", Doc: "a loop over (b,h) of Dgemm(N, T) on each 2-D slice; nothing copied", Setup: attentionSetup(false, "loop")},
		{Name: "batched", Key: "algo=batched", Doc: "GemmBatched by hand: the items' strides and k's trans flag written out", Setup: attentionSetup(false, "batched")},
	}
	bshd := attn("attention-bshd", "[B,S,H,D] (heads interleaved)", `blasbridge.Einsum("bshd,bthd->bhst")`)
	bshd.Choices = []Choice{
		{Name: "plan", Key: "algo=plan", Doc: "blasbridge.Einsum on the stored arrays: batched GEMMs over h with ld=H·D, looped over b; nothing copied", Setup: attentionSetup(true, "plan")},
		{Name: "pack", Key: "algo=pack", Doc: "copy q and k to contiguous [B,H,S,D] (q.transpose(1,2).contiguous()), then GemmBatched with k's trans flag", Setup: attentionSetup(true, "pack")},
		{Name: "loop", Key: "algo=loop", Doc: "a loop over (b,h) of Dgemm(N, T) on each slice, ld=H·D; nothing copied", Setup: attentionSetup(true, "loop")},
		{Name: "batched", Key: "algo=batched", Doc: "GemmBatched by hand over h (item stride D, ld=H·D), one call per b", Setup: attentionSetup(true, "batched")},
	}
	return Family{
		Name:  "nd",
		Bench: "ND",
		Doc:   "N-d contractions: blasbridge.Matmul/Einsum's plan vs pack-then-GEMM vs a loop of 2-D GEMMs",
		Workloads: []Workload{
			bhsd,
			bshd,
			{
				Name:       "nd/broadcast",
				Key:        "op=broadcast",
				Doc:        "matmul of [count,n,n] by one [n,n] broadcast to every item (NumPy matmul broadcasting), C order",
				Unit:       "n",
				Sizes:      []int{8, 16, 32, 64, 128},
				QuickSizes: []int{16, 64},
				MaxSize:    1024,
				Naive:      "loop",
				Label:      func(n int) string { return fmt.Sprintf("n=%d/count=%d", n, batchCount(n)) },
				Choices: []Choice{
					{Name: "plan", Key: "algo=plan", Doc: "blasbridge.Matmul: the stacked items fold into one (count·n)×n GEMM; nothing copied", Setup: broadcastSetup("plan")},
					{Name: "loop", Key: "algo=loop", Doc: "a loop over the items of Dgemm(N, N), as NumPy's matmul does", Setup: broadcastSetup("loop")},
				},
			},
			{
				Name: "nd/einsum-perm",
				Key:  "op=einsum-perm",
				Doc: fmt.Sprintf(`einsum("ijkl,lkm->ijm"), i=j=m=n, k=l=%d; a the view Permute(0,1,3,2) of a C-order [i,j,l,k] array, b C-order [l,k,m]`,
					permK),
				Unit:       "n",
				Sizes:      []int{32, 64, 128, 256},
				QuickSizes: []int{32, 64},
				MaxSize:    512,
				Naive:      "pack",
				Choices: []Choice{
					{Name: "plan", Key: "algo=plan", Doc: "blasbridge.Einsum: (ij)×(lk)·(lk)×m as one GEMM on the stored data; nothing copied", Setup: einsumPermSetup("plan")},
					{Name: "pack", Key: "algo=pack", Doc: "TTGT as tensordot does it: copy a to contiguous [i,j,k,l] and b to [k,l,m], then one Dgemm", Setup: einsumPermSetup("pack")},
					{Name: "loop", Key: "algo=loop", Doc: "a loop over i of Dgemm(N, N) on the slices a[i] as j×(lk) matrices, found by hand; nothing copied", Setup: einsumPermSetup("loop")},
				},
			},
		},
	}
}

// newArray returns data as a C-order array of shape; the shapes here are
// the benchmark's own, so an error is a bug.
func newArray(data []float64, shape ...int) adapter.Array[float64] {
	a, err := adapter.NewArray(data, shape, nil, 0)
	if err != nil {
		panic(err)
	}
	return a
}

// packArray copies a into dst in C order of a's shape (the last axis
// innermost): the copy NumPy's ascontiguousarray makes.
func packArray(dst []float64, a adapter.Array[float64]) {
	r := len(a.Shape)
	if a.Size() == 0 {
		return
	}
	n, s := a.Shape[r-1], a.Strides[r-1]
	idx := make([]int, r-1)
	for d := 0; ; d += n {
		i := a.Offset
		for k, x := range idx {
			i += x * a.Strides[k]
		}
		row := dst[d : d+n]
		if s == 1 {
			copy(row, a.Data[i:i+n])
		} else {
			for j := range row {
				row[j] = a.Data[i]
				i += s
			}
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < a.Shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// attentionSetup sets up scores = q·kᵀ per (b, h), q and k stored
// [B,H,S,D] or, when bshd, [B,S,H,D]; the scores are [B,H,S,S] in C order.
func attentionSetup(bshd bool, choice string) func(s int) (*Case, error) {
	return func(S int) (*Case, error) {
		const B, H, D = attnB, attnH, attnD
		dgemm := blasbridge.Active().Float64.Dgemm
		n := B * H * S * D
		q, k, c := randSlice(1, n), randSlice(2, n), make([]float64, B*H*S*S)
		cs := &Case{
			Flops:  2 * float64(B*H) * float64(S*S) * D,
			Result: func() []float64 { return c },
		}
		// The slice of (b, h) starts at off(b, h), its rows ld apart.
		off := func(b, h int) int { return (b*H + h) * S * D }
		ld := D
		if bshd {
			off = func(b, h int) int { return b*S*H*D + h*D }
			ld = H * D
		}
		// Items of the [B·H, S, D] stack, and of k's transposes.
		qItem := adapter.Layout{Rows: S, Cols: D, RowStride: ld, ColStride: 1}
		kT := adapter.Layout{Rows: D, Cols: S, RowStride: 1, ColStride: ld}
		cItem := rowLayout(S, S)
		switch choice {
		case "plan":
			ca := newArray(c, B, H, S, S)
			var p blasbridge.ContractPlan
			var err error
			if bshd {
				qa, ka := newArray(q, B, S, H, D), newArray(k, B, S, H, D)
				if p, err = blasbridge.PlanEinsum("bshd,bthd->bhst", qa, ka, ca); err != nil {
					return nil, err
				}
				cs.Run = func() error {
					_, err := blasbridge.Einsum("bshd,bthd->bhst", 1, qa, ka, 0, ca)
					return err
				}
			} else {
				qa, ka := newArray(q, B, H, S, D), newArray(k, B, H, S, D).Permute(0, 1, 3, 2)
				if p, err = blasbridge.PlanMatmul(qa, ka, ca); err != nil {
					return nil, err
				}
				cs.Run = func() error {
					_, err := blasbridge.Matmul(1, qa, ka, 0, ca)
					return err
				}
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
		case "loop":
			cs.Run = func() error {
				for b := range B {
					for h := range H {
						o := off(b, h)
						dgemm(blas.NoTrans, blas.Trans, S, S, D, 1, q[o:], ld, k[o:], ld, 0, c[(b*H+h)*S*S:], S)
					}
				}
				return nil
			}
		case "batched":
			sc := adapter.Strided{Data: c, Layout: cItem}
			if !bshd {
				sq, sk := adapter.Strided{Data: q, Layout: qItem}, adapter.Strided{Data: k, Layout: kT}
				cs.Run = func() error {
					_, err := blasbridge.GemmBatched(1, sq, S*D, sk, S*D, 0, sc, S*S, B*H)
					return err
				}
				break
			}
			// The heads of one b are items D apart; the batch axis is a loop.
			cs.Run = func() error {
				for b := range B {
					qb, kb := qItem, kT
					qb.Offset, kb.Offset = off(b, 0), off(b, 0)
					cb := cItem
					cb.Offset = b * H * S * S
					_, err := blasbridge.GemmBatched(1, adapter.Strided{Data: q, Layout: qb}, D,
						adapter.Strided{Data: k, Layout: kb}, D, 0, adapter.Strided{Data: c, Layout: cb}, S*S, H)
					if err != nil {
						return err
					}
				}
				return nil
			}
		case "pack":
			sc := adapter.Strided{Data: c, Layout: cItem}
			if !bshd {
				// kᵀ contiguous per item, then NN.
				kp := make([]float64, n)
				cs.Copied = int64(8 * n)
				sq, sk := adapter.Strided{Data: q, Layout: qItem}, adapter.Strided{Data: kp, Layout: rowLayout(D, S)}
				cs.Run = func() error {
					for i := range B * H {
						transpose(kp[i*D*S:], S, k[i*S*D:], D, S, D)
					}
					_, err := blasbridge.GemmBatched(1, sq, S*D, sk, S*D, 0, sc, S*S, B*H)
					return err
				}
				break
			}
			// q and k to [B,H,S,D], then as the [B,H,S,D] storage.
			qp, kp := make([]float64, n), make([]float64, n)
			cs.Copied = int64(2 * 8 * n)
			qa, ka := newArray(q, B, S, H, D).Permute(0, 2, 1, 3), newArray(k, B, S, H, D).Permute(0, 2, 1, 3)
			sq := adapter.Strided{Data: qp, Layout: rowLayout(S, D)}
			sk := adapter.Strided{Data: kp, Layout: adapter.Layout{Rows: D, Cols: S, RowStride: 1, ColStride: D}}
			cs.Run = func() error {
				packArray(qp, qa)
				packArray(kp, ka)
				_, err := blasbridge.GemmBatched(1, sq, S*D, sk, S*D, 0, sc, S*S, B*H)
				return err
			}
		default:
			return nil, fmt.Errorf("nd/attention: no choice %q", choice)
		}
		return cs, nil
	}
}

// broadcastSetup sets up C_i = A_i·B for count = batchCount(n) items: a
// [count,n,n] stack times one [n,n] matrix, both C order.
func broadcastSetup(choice string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		count, nn := batchCount(n), n*n
		a, b, c := randSlice(1, count*nn), randSlice(2, nn), make([]float64, count*nn)
		cs := &Case{
			Flops:  2 * float64(count) * float64(n*nn),
			Result: func() []float64 { return c },
		}
		switch choice {
		case "plan":
			aa, ba, ca := newArray(a, count, n, n), newArray(b, n, n), newArray(c, count, n, n)
			p, err := blasbridge.PlanMatmul(aa, ba, ca)
			if err != nil {
				return nil, err
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
			cs.Run = func() error {
				_, err := blasbridge.Matmul(1, aa, ba, 0, ca)
				return err
			}
		case "loop":
			dgemm := blasbridge.Active().Float64.Dgemm
			cs.Run = func() error {
				for i := range count {
					dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a[i*nn:], n, b, n, 0, c[i*nn:], n)
				}
				return nil
			}
		default:
			return nil, fmt.Errorf("nd/broadcast: no choice %q", choice)
		}
		return cs, nil
	}
}

// einsumPermSetup sets up einsum("ijkl,lkm->ijm") with i=j=m=n and
// k=l=permK, a the [i,j,k,l] view of a C-order [i,j,l,k] array: its
// contracted labels are stored l outer, k inner, as b's are, so (lk) is one
// stride in both and the contraction is one GEMM on the stored data.
func einsumPermSetup(choice string) func(n int) (*Case, error) {
	return func(n int) (*Case, error) {
		const K, L = permK, permL
		I, J, M := n, n, n
		kl := K * L
		a, b, c := randSlice(1, I*J*L*K), randSlice(2, L*K*M), make([]float64, I*J*M)
		av := newArray(a, I, J, L, K).Permute(0, 1, 3, 2)
		ba := newArray(b, L, K, M)
		cs := &Case{
			Flops:  2 * float64(I*J) * float64(kl*M),
			Result: func() []float64 { return c },
		}
		dgemm := blasbridge.Active().Float64.Dgemm
		switch choice {
		case "plan":
			ca := newArray(c, I, J, M)
			p, err := blasbridge.PlanEinsum("ijkl,lkm->ijm", av, ba, ca)
			if err != nil {
				return nil, err
			}
			cs.Plan, cs.Copied = p.String(), int64(p.CopiedBytes)
			cs.Run = func() error {
				_, err := blasbridge.Einsum("ijkl,lkm->ijm", 1, av, ba, 0, ca)
				return err
			}
		case "pack":
			// tensordot(a, b, axes=([2, 3], [1, 0])): a to [i,j,k,l] and b
			// to [k,l,m], each reshaped to a matrix, which copies both.
			ap, bp := make([]float64, I*J*kl), make([]float64, kl*M)
			bt := ba.Permute(1, 0, 2)
			cs.Copied = int64(8 * (len(ap) + len(bp)))
			cs.Run = func() error {
				packArray(ap, av)
				packArray(bp, bt)
				dgemm(blas.NoTrans, blas.NoTrans, I*J, M, kl, 1, ap, kl, bp, M, 0, c, M)
				return nil
			}
		case "loop":
			// a[i] is the j×(lk) matrix at i·J·L·K with ld L·K; b is (lk)×m.
			cs.Run = func() error {
				for i := range I {
					dgemm(blas.NoTrans, blas.NoTrans, J, M, kl, 1, a[i*J*kl:], kl, b, M, 0, c[i*J*M:], M)
				}
				return nil
			}
		default:
			return nil, fmt.Errorf("nd/einsum-perm: no choice %q", choice)
		}
		return cs, nil
	}
}
