package blasbridge

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
)

// TestGemmBatchedExactAliasing: the items of C interleaved with those of A
// in one buffer (A the even items of a stack, C the odd ones) share no
// element and are written directly; shifted by one element so that each
// item of C starts on the last element of an item of A, they go through
// scratch. Both are right, against the naive product of the original
// values.
func TestGemmBatchedExactAliasing(t *testing.T) {
	rnd := rand.New(rand.NewPCG(21, 22))
	m, k, count := 4, 5, 6
	for _, tc := range []struct {
		name    string
		shift   int // C's offset after A's
		bcast   bool
		scratch bool
	}{
		{name: "interleaved items", shift: m * k},
		{name: "interleaved items, B broadcast", shift: m * k, bcast: true},
		{name: "one element shared per item", shift: m*k - 1, scratch: true},
		{name: "one element shared per item, B broadcast", shift: m*k - 1, bcast: true, scratch: true},
	} {
		item := batchItemLayout(m, k, "rowc")
		buf := newBatchOp[float64](rnd, item, m*k, 2*count+1, false)
		a := buf
		a.stride = 2 * m * k
		c := a
		c.l.Offset += tc.shift
		lb := batchItemLayout(k, k, "col")
		sb := batchStride(lb, "gap")
		if tc.bcast {
			sb = 0
		}
		b := newBatchOp[float64](rnd, lb, sb, count, false)
		want, covered, tol := batchWant(1.5, a.clone(), b.clone(), 0.5, c.clone(), count)
		p, err := batchRun(1.5, a, b, 0.5, c, count)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		batchCheck(t, tc.name, c.data, want, covered, tol)
		if got := strings.Contains(p.String(), "through scratch"); got != tc.scratch || p.aliased != tc.scratch {
			t.Errorf("%s: plan %v: through scratch %v (for aliasing %v), want %v", tc.name, p, got, p.aliased, tc.scratch)
		}
	}
}

// TestContractExactAliasing: Matmul into the odd rows of a matrix whose
// even rows are a, which share no element with it, is computed in place;
// into rows that include one of a's, through scratch. Both are right,
// against the naive product of the original values.
func TestContractExactAliasing(t *testing.T) {
	const m, k = 5, 4
	rnd := rand.New(rand.NewPCG(23, 24))
	for _, tc := range []struct {
		name     string
		cOffset  int // c's first element, in rows of the 2m×k buffer
		scratch  bool
		cStrides []int
	}{
		{"odd rows", 1, false, []int{2 * k, 1}},
		{"odd rows, transposed", 1, false, []int{2 * k, 1}},
		{"rows 2, 3, …: every other one is a's", 2, true, []int{k, 1}},
	} {
		buf := make([]float64, 2*m*k+k)
		for i := range buf {
			buf[i] = float64(rnd.IntN(9) - 4)
		}
		orig := append([]float64(nil), buf...)
		a := adapter.Array[float64]{Data: buf, Shape: []int{m, k}, Strides: []int{2 * k, 1}}
		bd := make([]float64, k*k)
		for i := range bd {
			bd[i] = float64(rnd.IntN(9) - 4)
		}
		b := adapter.Array[float64]{Data: bd, Shape: []int{k, k}, Strides: []int{k, 1}}
		if strings.Contains(tc.name, "transposed") {
			b.Strides = []int{1, k}
		}
		c := adapter.Array[float64]{Data: buf, Shape: []int{m, k}, Strides: tc.cStrides, Offset: tc.cOffset * k}
		// The naive product of the original values.
		want := append([]float64(nil), orig...)
		for i := range m {
			for j := range k {
				s := 0.0
				for q := range k {
					s += orig[i*2*k+q] * bd[q*b.Strides[0]+j*b.Strides[1]]
				}
				want[c.Offset+i*c.Strides[0]+j] = s
			}
		}
		p, err := Matmul(1, a, b, 0, c)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range want {
			if buf[i] != want[i] {
				t.Fatalf("%s: buffer[%d] = %v, want %v (plan %v)", tc.name, i, buf[i], want[i], p)
			}
		}
		if got := strings.Contains(p.Packed, "C"); got != tc.scratch {
			t.Errorf("%s: plan %v: C through scratch %v, want %v", tc.name, p, got, tc.scratch)
		}
	}
}
