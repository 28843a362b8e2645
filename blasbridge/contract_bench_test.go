package blasbridge_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// Attention shapes of the issue: B=8 sequences, H=12 heads, S=256 tokens,
// D=64 per head.
const (
	benchB, benchH, benchS, benchD = 8, 12, 256, 64
)

func randFloats[T adapter.Float](n int, seed uint64) []T {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]T, n)
	for i := range x {
		x[i] = T(rng.Float64() - 0.5)
	}
	return x
}

// attention returns q, k and the scores c for storage "bhsd" ([B,H,S,D]) or
// "bshd" ([B,S,H,D], viewed as [B,H,S,D]), all as [B,H,·,·] arrays, and k as
// [B,H,D,S] (its Permute(0, 1, 3, 2)).
func attention[T adapter.Float](storage string) (q, kT, c adapter.Array[T]) {
	const B, H, S, D = benchB, benchH, benchS, benchD
	shape := []int{B, H, S, D}
	if storage == "bshd" {
		shape = []int{B, S, H, D}
	}
	qs, _ := adapter.NewArray(randFloats[T](B*H*S*D, 1), shape, nil, 0)
	ks, _ := adapter.NewArray(randFloats[T](B*H*S*D, 2), shape, nil, 0)
	if storage == "bshd" {
		qs, ks = qs.Permute(0, 2, 1, 3), ks.Permute(0, 2, 1, 3)
	}
	c, _ = adapter.NewArray(make([]T, B*H*S*S), []int{B, H, S, S}, nil, 0)
	return qs, ks.Permute(0, 1, 3, 2), c
}

// handBatched is the hand-written equivalent of Matmul(q, kT) that the
// issue measures against: for each b, one GemmBatched over the heads, with
// the item layouts and batch strides written out by hand (one call for all
// B·H items when the heads' strides continue the batch's).
func handBatched(q, kT, c adapter.Array[float64]) {
	B, H, S, D := q.Shape[0], q.Shape[1], q.Shape[2], q.Shape[3]
	al := adapter.Layout{Rows: S, Cols: D, RowStride: q.Strides[2], ColStride: 1}
	bl := adapter.Layout{Rows: D, Cols: S, RowStride: 1, ColStride: kT.Strides[3]}
	cl := adapter.Layout{Rows: S, Cols: S, RowStride: S, ColStride: 1}
	if q.Strides[0] == H*q.Strides[1] {
		if _, err := blasbridge.GemmBatched(1, adapter.Strided{Data: q.Data, Layout: al}, q.Strides[1],
			adapter.Strided{Data: kT.Data, Layout: bl}, kT.Strides[1], 0,
			adapter.Strided{Data: c.Data, Layout: cl}, S*S, B*H); err != nil {
			panic(err)
		}
		return
	}
	for b := range B {
		al.Offset, bl.Offset, cl.Offset = b*q.Strides[0], b*kT.Strides[0], b*c.Strides[0]
		if _, err := blasbridge.GemmBatched(1, adapter.Strided{Data: q.Data, Layout: al}, q.Strides[1],
			adapter.Strided{Data: kT.Data, Layout: bl}, kT.Strides[1], 0,
			adapter.Strided{Data: c.Data, Layout: cl}, S*S, H); err != nil {
			panic(err)
		}
	}
}

func handBatched32(q, kT, c adapter.Array[float32]) {
	B, H, S, D := q.Shape[0], q.Shape[1], q.Shape[2], q.Shape[3]
	al := adapter.Layout{Rows: S, Cols: D, RowStride: q.Strides[2], ColStride: 1}
	bl := adapter.Layout{Rows: D, Cols: S, RowStride: 1, ColStride: kT.Strides[3]}
	cl := adapter.Layout{Rows: S, Cols: S, RowStride: S, ColStride: 1}
	if q.Strides[0] == H*q.Strides[1] {
		if _, err := blasbridge.GemmBatched32(1, adapter.Strided32{Data: q.Data, Layout: al}, q.Strides[1],
			adapter.Strided32{Data: kT.Data, Layout: bl}, kT.Strides[1], 0,
			adapter.Strided32{Data: c.Data, Layout: cl}, S*S, B*H); err != nil {
			panic(err)
		}
		return
	}
	for b := range B {
		al.Offset, bl.Offset, cl.Offset = b*q.Strides[0], b*kT.Strides[0], b*c.Strides[0]
		if _, err := blasbridge.GemmBatched32(1, adapter.Strided32{Data: q.Data, Layout: al}, q.Strides[1],
			adapter.Strided32{Data: kT.Data, Layout: bl}, kT.Strides[1], 0,
			adapter.Strided32{Data: c.Data, Layout: cl}, S*S, H); err != nil {
			panic(err)
		}
	}
}

// BenchmarkMatmul: attention scores q·kᵀ through Matmul (impl=plan), and
// through the hand-written GemmBatched equivalent (impl=batched), for both
// storages and both element types.
func BenchmarkMatmul(b *testing.B) {
	shape := fmt.Sprintf("shape=%dx%dx%dx%d", benchB, benchH, benchS, benchD)
	flops := 2 * benchB * benchH * benchS * benchS * benchD
	for _, storage := range []string{"bhsd", "bshd"} {
		for _, dtype := range []string{"f64", "f32"} {
			for _, impl := range []string{"plan", "batched"} {
				b.Run(fmt.Sprintf("%s/storage=%s/dtype=%s/impl=%s", shape, storage, dtype, impl), func(b *testing.B) {
					var run func()
					if dtype == "f64" {
						q, kT, c := attention[float64](storage)
						run = func() {
							if impl == "batched" {
								handBatched(q, kT, c)
								return
							}
							if _, err := blasbridge.Matmul(1, q, kT, 0, c); err != nil {
								b.Fatal(err)
							}
						}
					} else {
						q, kT, c := attention[float32](storage)
						run = func() {
							if impl == "batched" {
								handBatched32(q, kT, c)
								return
							}
							if _, err := blasbridge.Matmul(1, q, kT, 0, c); err != nil {
								b.Fatal(err)
							}
						}
					}
					run()
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						run()
					}
					b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkEinsum: contractions whose operands are not contiguous in the
// order a copy-based einsum (NumPy's tensordot path) wants, planned by
// Einsum, against packing them first (TTGT: impl=ttgt, the copies NumPy's
// einsum(optimize=True) makes, then the same GEMM).
func BenchmarkEinsum(b *testing.B) {
	for _, dtype := range []string{"f64", "f32"} {
		// "bshd,bthd->bhst" on [B,S,H,D] storage.
		b.Run(fmt.Sprintf("shape=%dx%dx%dx%d/spec=bshd,bthd->bhst/dtype=%s/impl=plan", benchB, benchS, benchH, benchD, dtype), func(b *testing.B) {
			benchEinsumAttention(b, dtype)
		})
		// "ijkl,lkm->ijm" with a stored as [i,j,l,k].
		const n, m = 32, 64
		for _, impl := range []string{"plan", "ttgt"} {
			b.Run(fmt.Sprintf("shape=%dx%dx%dx%dx%d/spec=ijkl,lkm->ijm/dtype=%s/impl=%s", n, n, n, n, m, dtype, impl), func(b *testing.B) {
				if dtype == "f64" {
					benchEinsumPerm[float64](b, impl, n, m)
				} else {
					benchEinsumPerm[float32](b, impl, n, m)
				}
			})
		}
	}
}

func benchEinsumAttention(b *testing.B, dtype string) {
	const B, H, S, D = benchB, benchH, benchS, benchD
	var run func()
	if dtype == "f64" {
		q, _ := adapter.NewArray(randFloats[float64](B*H*S*D, 1), []int{B, S, H, D}, nil, 0)
		k, _ := adapter.NewArray(randFloats[float64](B*H*S*D, 2), []int{B, S, H, D}, nil, 0)
		c, _ := adapter.NewArray(make([]float64, B*H*S*S), []int{B, H, S, S}, nil, 0)
		run = func() {
			if _, err := blasbridge.Einsum("bshd,bthd->bhst", 1, q, k, 0, c); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		q, _ := adapter.NewArray(randFloats[float32](B*H*S*D, 1), []int{B, S, H, D}, nil, 0)
		k, _ := adapter.NewArray(randFloats[float32](B*H*S*D, 2), []int{B, S, H, D}, nil, 0)
		c, _ := adapter.NewArray(make([]float32, B*H*S*S), []int{B, H, S, S}, nil, 0)
		run = func() {
			if _, err := blasbridge.Einsum("bshd,bthd->bhst", 1, q, k, 0, c); err != nil {
				b.Fatal(err)
			}
		}
	}
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(2*B*H*S*S*D)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// benchEinsumPerm: a is stored [i,j,l,k] and viewed as [i,j,k,l]; b is
// [l,k,m]. ttgt copies a into [i,j,k,l] order and b into [k,l,m], as
// NumPy's tensordot does, then runs one (ij)×(kl)·(kl)×m GEMM.
func benchEinsumPerm[T adapter.Float](b *testing.B, impl string, n, m int) {
	stored, _ := adapter.NewArray(randFloats[T](n*n*n*n, 1), []int{n, n, n, n}, nil, 0)
	a := stored.Permute(0, 1, 3, 2)
	bb, _ := adapter.NewArray(randFloats[T](n*n*m, 2), []int{n, n, m}, nil, 0)
	c, _ := adapter.NewArray(make([]T, n*n*m), []int{n, n, m}, nil, 0)
	pa, _ := adapter.NewArray(make([]T, n*n*n*n), []int{n, n, n, n}, nil, 0)
	pb, _ := adapter.NewArray(make([]T, n*n*m), []int{n, n, m}, nil, 0)
	run := func() {
		if impl == "plan" {
			if _, err := blasbridge.Einsum("ijkl,lkm->ijm", 1, a, bb, 0, c); err != nil {
				b.Fatal(err)
			}
			return
		}
		copyInto(pa, a)
		copyInto(pb, bb.Permute(1, 0, 2))
		if _, err := blasbridge.Einsum("ijkl,klm->ijm", 1, pa, pb, 0, c); err != nil {
			b.Fatal(err)
		}
	}
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(2*n*n*n*n*m)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// copyInto copies src into the C-contiguous dst of the same shape, a row
// of the last axis at a time.
func copyInto[T adapter.Float](dst, src adapter.Array[T]) {
	r := len(src.Shape)
	n, s := src.Shape[r-1], src.Strides[r-1]
	idx := make([]int, r-1)
	for j := 0; j < len(dst.Data); j += n {
		off := src.Offset
		for k, i := range idx {
			off += i * src.Strides[k]
		}
		row := dst.Data[j : j+n]
		for x := range row {
			row[x] = src.Data[off]
			off += s
		}
		for k := r - 2; k >= 0; k-- {
			idx[k]++
			if idx[k] < src.Shape[k] {
				break
			}
			idx[k] = 0
		}
	}
}
