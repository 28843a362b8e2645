package blasbridge_test

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// Attention scores q·kᵀ for [B, H, S, D] arrays: Matmul of q by the
// permuted view of k is one strided batched GEMM of B·H items, with k's
// matrices read through the trans flag. Nothing is copied.
func ExampleMatmul() {
	const B, H, S, D = 2, 3, 4, 8
	q, _ := adapter.NewArray(make([]float64, B*H*S*D), []int{B, H, S, D}, nil, 0)
	k, _ := adapter.NewArray(make([]float64, B*H*S*D), []int{B, H, S, D}, nil, 0)
	scores, _ := adapter.NewArray(make([]float64, B*H*S*S), []int{B, H, S, S}, nil, 0)
	for i := range q.Data {
		q.Data[i], k.Data[i] = 1, 0.5
	}
	p, err := blasbridge.Matmul(1, q, k.Permute(0, 1, 3, 2), 0, scores)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scores.At(1, 2, 3, 0)) // D · 1 · 0.5
	fmt.Println(p.Calls, "GEMM calls in", p.Batches, "batch; copied", p.CopiedBytes, "bytes")
	// Output:
	// 4
	// 6 GEMM calls in 1 batch; copied 0 bytes
}

// The same scores from [B, S, H, D] storage, as attention layers usually
// hold them: the batch and head labels do not merge into one stride, so
// they become a loop over b around a strided batch over h. Still nothing is
// copied.
func ExampleEinsum() {
	const B, S, H, D = 2, 4, 3, 8
	q, _ := adapter.NewArray(make([]float32, B*S*H*D), []int{B, S, H, D}, nil, 0)
	k, _ := adapter.NewArray(make([]float32, B*S*H*D), []int{B, S, H, D}, nil, 0)
	scores, _ := adapter.NewArray(make([]float32, B*H*S*S), []int{B, H, S, S}, nil, 0)
	for i := range q.Data {
		q.Data[i], k.Data[i] = 1, 0.25
	}
	p, err := blasbridge.Einsum("bshd,bthd->bhst", 1, q, k, 0, scores)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scores.At(1, 2, 3, 0))
	fmt.Printf("loops %s · batch %s · M %s · N %s · K %s · copied %d B\n", p.Loops, p.Batch, p.M, p.N, p.K, p.CopiedBytes)
	// Output:
	// 2
	// loops b · batch h · M s · N t · K d · copied 0 B
}

// PlanEinsum shows a plan without data: here a contraction whose K labels
// (k, l) are stored in different orders in the two operands, so they do not
// merge into one dimension. The planner weighs a loop of 64 accumulating
// GEMMs against packing one operand (TTGT) by the backend's costs, and
// packs B: 2 MiB, against A's 128 MiB.
func ExamplePlanEinsum() {
	const n, m = 64, 64
	a := adapter.Array[float64]{Shape: []int{n, n, n, n}, Strides: []int{n * n * n, n * n, n, 1}}
	b := adapter.Array[float64]{Shape: []int{n, n, m}, Strides: []int{n * m, m, 1}}
	c := adapter.Array[float64]{Shape: []int{n, n, m}, Strides: []int{n * m, m, 1}}
	p, err := blasbridge.PlanEinsum("ijkl,lkm->ijm", a, b, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("M %s · N %s · K %s · k-loops %q · packed %q\n", p.M, p.N, p.K, p.KLoops, p.Packed)
	// Output:
	// M ij · N m · K kl · k-loops "" · packed "B"
}
