package blasbridge_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// bruteEinsum computes alpha·einsum(spec, a, b) + beta·c0 by a loop over
// every combination of label values: the reference, independent of the
// planner. spec is explicit, letters only; labels of length 1 broadcast.
// It returns the result in c's own positions of a copy of c's buffer.
func bruteEinsum(spec string, alpha float64, a, b adapter.Array[float64], beta float64, c adapter.Array[float64]) []float64 {
	lhs, out, _ := strings.Cut(spec, "->")
	terms := strings.Split(lhs, ",")
	ext := map[rune]int{}
	for t, x := range []adapter.Array[float64]{a, b} {
		for k, r := range terms[t] {
			if m, ok := ext[r]; !ok || m == 1 {
				ext[r] = x.Shape[k]
			}
		}
	}
	var labels []rune
	for r := range ext {
		labels = append(labels, r)
	}
	val := map[rune]int{}
	sum := make(map[int]float64)
	var rec func(k int)
	idx := func(term string, x adapter.Array[float64]) []int {
		i := make([]int, len(term))
		for k, r := range term {
			if x.Shape[k] == 1 {
				continue
			}
			i[k] = val[r]
		}
		return i
	}
	rec = func(k int) {
		if k == len(labels) {
			ci := make([]int, len(out))
			for j, r := range out {
				ci[j] = val[r]
			}
			sum[c.Index(ci...)] += a.At(idx(terms[0], a)...) * b.At(idx(terms[1], b)...)
			return
		}
		for v := 0; v < ext[labels[k]]; v++ {
			val[labels[k]] = v
			rec(k + 1)
		}
	}
	rec(0)
	want := slices.Clone(c.Data)
	for i, s := range sum {
		if beta == 0 {
			want[i] = alpha * s
		} else {
			want[i] = alpha*s + beta*c.Data[i]
		}
	}
	if c.Size() > 0 && len(sum) == 0 {
		// A contracted label of length 0: c = beta·c.
		walkArray(c, func(i int) {
			if beta == 0 {
				want[i] = 0
			} else {
				want[i] = beta * c.Data[i]
			}
		})
	}
	return want
}

func walkArray(c adapter.Array[float64], fn func(i int)) {
	n := c.Size()
	idx := make([]int, len(c.Shape))
	for range n {
		fn(c.Index(idx...))
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < c.Shape[k] {
				break
			}
			idx[k] = 0
		}
	}
}

// randArray makes an array of the given shape in a random layout inside a
// larger buffer: axes permuted in memory, some reversed, some padded,
// sentinels everywhere else.
func randArray(rng *rand.Rand, shape []int, sentinel float64) adapter.Array[float64] {
	r := len(shape)
	perm := rng.Perm(r)
	strides := make([]int, r)
	s := 1
	for j := r - 1; j >= 0; j-- {
		ax := perm[j]
		strides[ax] = s
		pad := 0
		if rng.IntN(3) == 0 {
			pad = rng.IntN(3)
		}
		s *= shape[ax] + pad
	}
	off := rng.IntN(3)
	data := make([]float64, s+off+rng.IntN(3))
	for i := range data {
		data[i] = sentinel - float64(i)
	}
	for ax := range r {
		if rng.IntN(4) == 0 && shape[ax] > 1 {
			off += (shape[ax] - 1) * strides[ax]
			strides[ax] = -strides[ax]
		}
	}
	x, err := adapter.NewArray(data, shape, strides, off)
	if err != nil {
		panic(err)
	}
	walkArray(x, func(i int) { data[i] = float64(rng.IntN(9) - 4) })
	return x
}

type einsumCase struct {
	spec       string
	sa, sb, sc []int
}

func TestEinsumBrute(t *testing.T) {
	cases := []einsumCase{
		{spec: "ij,jk->ik", sa: []int{3, 4}, sb: []int{4, 5}, sc: []int{3, 5}},
		{spec: "ik,kj->ji", sa: []int{3, 4}, sb: []int{4, 5}, sc: []int{5, 3}},
		{spec: "bshd,bthd->bhst", sa: []int{2, 5, 3, 4}, sb: []int{2, 6, 3, 4}, sc: []int{2, 3, 5, 6}},
		{spec: "bhsd,bhtd->bhst", sa: []int{2, 3, 5, 4}, sb: []int{2, 3, 6, 4}, sc: []int{2, 3, 5, 6}},
		{spec: "ijkl,lkm->ijm", sa: []int{2, 3, 4, 5}, sb: []int{5, 4, 6}, sc: []int{2, 3, 6}},
		{spec: "ij,jk->k", sa: []int{3, 4}, sb: []int{4, 5}, sc: []int{5}},
		{spec: "ijk,kl->il", sa: []int{3, 2, 4}, sb: []int{4, 5}, sc: []int{3, 5}},
		{spec: "i,j->ij", sa: []int{3}, sb: []int{4}, sc: []int{3, 4}},
		{spec: "i,i->", sa: []int{7}, sb: []int{7}, sc: []int{}},
		{spec: "ij,ij->ij", sa: []int{3, 1}, sb: []int{3, 4}, sc: []int{3, 4}},
		{spec: "ij,jk->ik", sa: []int{3, 1}, sb: []int{4, 5}, sc: []int{3, 5}},
		{spec: "bij,bjk->bik", sa: []int{1, 3, 4}, sb: []int{5, 4, 2}, sc: []int{5, 3, 2}},
		{spec: "abij,bjk->baik", sa: []int{2, 3, 4, 5}, sb: []int{3, 5, 2}, sc: []int{3, 2, 4, 2}},
		{spec: "ij,jk->ik", sa: []int{3, 0}, sb: []int{0, 5}, sc: []int{3, 5}},
		{spec: "ij,jk->ik", sa: []int{0, 4}, sb: []int{4, 5}, sc: []int{0, 5}},
		{spec: "mnk,kp->pnm", sa: []int{3, 4, 5}, sb: []int{5, 6}, sc: []int{6, 4, 3}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for tc, c := range cases {
		for rep := range 20 {
			a := randArray(rng, c.sa, -1000)
			b := randArray(rng, c.sb, -2000)
			cc := randArray(rng, c.sc, -3000)
			alpha, beta := float64(rng.IntN(3)+1), float64(rng.IntN(3))
			want := bruteEinsum(c.spec, alpha, a, b, beta, cc)
			if beta == 0 {
				walkArray(cc, func(i int) { cc.Data[i] = math.NaN() })
			}
			aData := slices.Clone(a.Data)
			p, err := blasbridge.Einsum(c.spec, alpha, a, b, beta, cc)
			require.NoError(t, err, "test %d.%d: %s", tc, rep, c.spec)
			assert.Equal(t, want, cc.Data, "test %d.%d: %s a %v b %v c %v: plan %v", tc, rep, c.spec, a, b, cc, p)
			assert.Equal(t, aData, a.Data, "test %d.%d: a changed", tc, rep)
		}
	}
}

func TestMatmulAttentionZeroCopy(t *testing.T) {
	const B, H, S, D = 2, 3, 5, 4
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(9) - 4)
		}
		return x
	}
	q, _ := adapter.NewArray(fill(B*H*S*D), []int{B, H, S, D}, nil, 0)
	k, _ := adapter.NewArray(fill(B*H*S*D), []int{B, H, S, D}, nil, 0)
	c, _ := adapter.NewArray(make([]float64, B*H*S*S), []int{B, H, S, S}, nil, 0)
	p, err := blasbridge.Matmul(1, q, k.Permute(0, 1, 3, 2), 0, c)
	require.NoError(t, err)
	assert.Equal(t, 0, p.CopiedBytes, "%v", p)
	want := bruteEinsum("bhsd,bhtd->bhst", 1, q, k, 0, c)
	assert.Equal(t, want, c.Data)
	fmt.Println(p)

	// [B, S, H, D] storage.
	q2, _ := adapter.NewArray(fill(B*H*S*D), []int{B, S, H, D}, nil, 0)
	k2, _ := adapter.NewArray(fill(B*H*S*D), []int{B, S, H, D}, nil, 0)
	p, err = blasbridge.Einsum("bshd,bthd->bhst", 1, q2, k2, 0, c)
	require.NoError(t, err)
	assert.Equal(t, 0, p.CopiedBytes, "%v", p)
	assert.Equal(t, bruteEinsum("bshd,bthd->bhst", 1, q2, k2, 0, c), c.Data)
	fmt.Println(p)
	p, err = blasbridge.Matmul(1, q2.Permute(0, 2, 1, 3), k2.Permute(0, 2, 3, 1), 0, c)
	require.NoError(t, err)
	assert.Equal(t, 0, p.CopiedBytes, "%v", p)
	fmt.Println(p)
}

func TestEinsumErrors(t *testing.T) {
	x, _ := adapter.NewArray(make([]float64, 12), []int{3, 4}, nil, 0)
	y, _ := adapter.NewArray(make([]float64, 20), []int{4, 5}, nil, 0)
	c, _ := adapter.NewArray(make([]float64, 15), []int{3, 5}, nil, 0)
	bc, _ := (adapter.Array[float64]{Data: make([]float64, 5), Shape: []int{5}, Strides: []int{1}}).BroadcastTo(3, 5)
	for i, test := range []struct {
		spec    string
		a, b, c adapter.Array[float64]
		want    error
	}{
		{"ij,jk->ik", x, x, c, blasbridge.ErrShape},
		{"ij,jk->ik", x, y, y, blasbridge.ErrShape},
		{"ij,jk", x, y, c, nil},
		{"ij,jk->il", x, y, c, blasbridge.ErrSpec},
		{"ij,jk->ii", x, y, c, blasbridge.ErrSpec},
		{"ijk,jk->ik", x, y, c, blasbridge.ErrSpec},
		{"ij,jk,kl->ik", x, y, c, blasbridge.ErrSpec},
		{"ij,jk->ik", x, y, bc, blasbridge.ErrAliasedOutput},
		{"ij,jk->ik", x, y, adapter.Array[float64]{Data: make([]float64, 14), Shape: []int{3, 5}, Strides: []int{5, 1}}, adapter.ErrOutOfBounds},
	} {
		_, err := blasbridge.Einsum(test.spec, 1, test.a, test.b, 0, test.c)
		if test.want == nil {
			assert.NoError(t, err, "test %d", i)
			continue
		}
		assert.True(t, errors.Is(err, test.want), "test %d: got %v, want %v", i, err, test.want)
	}
}
