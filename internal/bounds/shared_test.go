package bounds

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// nd is an N-d layout for the brute-force reference.
type nd struct {
	shape, strides []int
	off            int
}

func (l nd) String() string {
	return fmt.Sprintf("shape %v strides %v offset %d", l.shape, l.strides, l.off)
}

// addrs lists every address of l, by walking its index space.
func (l nd) addrs() []int {
	total := 1
	for _, n := range l.shape {
		total *= n
	}
	out := make([]int, 0, total)
	idx := make([]int, len(l.shape))
	for range total {
		a := l.off
		for k, i := range idx {
			a += i * l.strides[k]
		}
		out = append(out, a)
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < l.shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// bruteShared is the reference: do the two element sets intersect?
func bruteShared(l1, l2 nd) bool {
	set := map[int]bool{}
	for _, a := range l1.addrs() {
		set[a] = true
	}
	for _, a := range l2.addrs() {
		if set[a] {
			return true
		}
	}
	return false
}

func mat2(r, c, rs, cs, off int) nd { return nd{[]int{r, c}, []int{rs, cs}, off} }

func shared2(l1, l2 nd, budget int) bool {
	return Shared(l1.shape[0], l1.shape[1], l1.strides[0], l1.strides[1], l1.off,
		l2.shape[0], l2.shape[1], l2.strides[0], l2.strides[1], l2.off, budget)
}

// TestSharedCases: the cases blocked LAPACK, GEMV on rows and columns, and
// interleaved views produce, each checked against brute force and against
// the answer stated here, with no enumeration budget at all: these are the
// cases documented as exact by closed forms.
func TestSharedCases(t *testing.T) {
	const ld = 20
	// Blocks of one 16×16 row-major matrix with leading dimension 20.
	block := func(i, j, r, c int) nd { return mat2(r, c, ld, 1, i*ld+j) }
	blockT := func(i, j, r, c int) nd { return mat2(c, r, 1, ld, i*ld+j) } // its transpose
	for _, tc := range []struct {
		name   string
		l1, l2 nd
		want   bool
	}{
		{"trailing block vs left panel", block(4, 4, 12, 12), block(4, 0, 12, 4), false},
		{"trailing block vs top panel", block(4, 4, 12, 12), block(0, 4, 4, 12), false},
		{"trailing block vs top panel transposed", block(4, 4, 12, 12), blockT(0, 4, 4, 12), false},
		{"trailing block vs its own corner", block(4, 4, 12, 12), block(15, 15, 1, 1), true},
		{"blocks touching at one element", block(0, 0, 5, 5), block(4, 4, 5, 5), true},
		{"side by side", block(0, 0, 8, 8), block(0, 8, 8, 8), false},
		{"side by side, one column shared", block(0, 0, 8, 9), block(0, 8, 8, 8), true},
		{"rows wrap past the leading dimension", mat2(3, 25, ld, 1, 0), block(1, 5, 1, 1), true},
		{"a transposed block over itself", block(2, 3, 5, 7), blockT(2, 3, 5, 7), true},
		{"reversed rows", mat2(4, 4, -ld, 1, 3*ld), block(4, 0, 4, 4), false},
		{"reversed rows, overlapping", mat2(4, 4, -ld, 1, 4*ld), block(4, 0, 4, 4), true},
		{"column below the diagonal vs trailing block", mat2(11, 1, ld, 1, 5*ld+4), block(5, 5, 11, 11), false},
		{"column vs the row through it", mat2(16, 1, ld, 1, 3), mat2(1, 16, 1, 1, 7*ld), true},
		{"column vs a row beside it", mat2(6, 1, ld, 1, 3), mat2(1, 3, 1, 1, 7*ld+4), false},
		{"row vector vs column vector", mat2(1, 6, 1, 1, 4*ld+2), mat2(8, 1, ld, 1, 9), false},
		{"interleaved columns", mat2(8, 8, 2*ld, 2, 0), mat2(8, 8, 2*ld, 2, 1), false},
		{"interleaved rows", mat2(4, 8, 2*ld, 1, 0), mat2(4, 8, 2*ld, 1, ld), false},
		{"broadcast row", mat2(5, 4, 0, 1, 6), block(0, 5, 2, 3), true},
		{"broadcast row, disjoint", mat2(5, 4, 0, 1, 9), block(0, 5, 2, 3), false},
	} {
		want := bruteShared(tc.l1, tc.l2)
		if want != tc.want {
			t.Fatalf("%s: brute force says %v, the table %v", tc.name, want, tc.want)
		}
		for _, order := range []bool{false, true} {
			l1, l2 := tc.l1, tc.l2
			if order {
				l1, l2 = l2, l1
			}
			if got := shared2(l1, l2, 0); got != want {
				t.Errorf("%s (swapped %v): got %v, want %v", tc.name, order, got, want)
			}
		}
	}
}

// randND draws a small layout of the given rank whose every stride is one of
// choices (negated at random), at an offset that keeps it in [0, 40).
func randND(rng *rand.Rand, rank int, choices []int) nd {
	l := nd{shape: make([]int, rank), strides: make([]int, rank)}
	lo := 0
	for k := range rank {
		l.shape[k] = 1 + rng.IntN(5)
		s := choices[rng.IntN(len(choices))]
		if rng.IntN(3) == 0 {
			s = -s
		}
		l.strides[k] = s
		if s < 0 {
			lo += (l.shape[k] - 1) * s
		}
	}
	l.off = -lo + rng.IntN(40)
	return l
}

// TestSharedBrute compares Shared and SharedN with brute force on many
// small random layouts: exact with a budget large enough for them; with no
// budget, never "disjoint" for layouts that share an element, and exact
// when the strides are drawn from {1, ld} (one leading dimension).
func TestSharedBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	strides := []int{0, 1, 2, 3, 4, 5, 6, 7, 9, 12}
	failures := 0
	for iter := range 20000 {
		r1, r2 := 2, 2
		if iter%4 == 3 {
			r1, r2 = 1+rng.IntN(4), 1+rng.IntN(4)
		}
		var l1, l2 nd
		oneLD := iter%3 == 0
		if oneLD {
			ld, s := 1+rng.IntN(9), 1+rng.IntN(3)
			l1, l2 = randND(rng, r1, []int{s, s * ld}), randND(rng, r2, []int{s, s * ld})
		} else {
			l1, l2 = randND(rng, r1, strides), randND(rng, r2, strides)
		}
		want := bruteShared(l1, l2)
		exact := SharedN(l1.shape, l1.strides, l1.off, l2.shape, l2.strides, l2.off, 1<<20)
		cheap := SharedN(l1.shape, l1.strides, l1.off, l2.shape, l2.strides, l2.off, 0)
		if r1 == 2 && r2 == 2 {
			if got := shared2(l1, l2, 1<<20); got != exact {
				t.Errorf("%v / %v: Shared %v, SharedN %v", l1, l2, got, exact)
			}
		}
		switch {
		case exact != want:
			t.Errorf("%v / %v: got %v, want %v", l1, l2, exact, want)
		case want && !cheap:
			t.Errorf("%v / %v: with no budget got disjoint, but they share an element", l1, l2)
		case oneLD && r1 <= 2 && r2 <= 2 && cheap != want:
			t.Errorf("%v / %v (one leading dimension): with no budget got %v, want %v", l1, l2, cheap, want)
		}
		if t.Failed() {
			if failures++; failures > 10 {
				t.FailNow()
			}
		}
	}
}

// TestSharedNested: views of one C-order array (slices with steps and
// reversals, permutations of its axes) of ranks 3 and 4, against brute
// force, decided within 16 enumeration steps: at each level the largest
// stride admits at most three values, since the smaller strides of two
// nested views of one array reach less than twice it.
func TestSharedNested(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := range 4000 {
		rank := 3 + iter%2
		shape := make([]int, rank)
		strides := make([]int, rank)
		s := 1
		for k := rank - 1; k >= 0; k-- {
			shape[k] = 2 + rng.IntN(4)
			strides[k] = s
			s *= shape[k]
		}
		view := func() nd {
			v := nd{shape: make([]int, rank), strides: make([]int, rank)}
			for k := range rank {
				lo := rng.IntN(shape[k])
				n := 1 + rng.IntN(shape[k]-lo)
				v.shape[k], v.strides[k] = n, strides[k]
				v.off += lo * strides[k]
				if rng.IntN(4) == 0 { // reversed
					v.off += (n - 1) * strides[k]
					v.strides[k] = -strides[k]
				}
			}
			rng.Shuffle(rank, func(i, j int) { // a permutation of the axes
				v.shape[i], v.shape[j] = v.shape[j], v.shape[i]
				v.strides[i], v.strides[j] = v.strides[j], v.strides[i]
			})
			return v
		}
		l1, l2 := view(), view()
		want := bruteShared(l1, l2)
		if got := SharedN(l1.shape, l1.strides, l1.off, l2.shape, l2.strides, l2.off, 16); got != want {
			t.Fatalf("%v / %v: got %v, want %v", l1, l2, got, want)
		}
	}
}

// TestSharedLarge: problems too large to list, decided exactly without
// enumeration: blocks of a 4096-column matrix, and the interleaved
// rectangles of two different leading dimensions that share nothing
// because their gcd does not divide the offset difference.
func TestSharedLarge(t *testing.T) {
	const ld = 4099
	if Shared(2048, 2048, ld, 1, 2048*ld+2048, 2048, 2048, ld, 1, 2048*ld, 0) {
		t.Error("trailing block and left panel of a 4096² matrix: got shared")
	}
	if !Shared(2048, 2048, ld, 1, 2048*ld+2048, 2049, 2048, ld, 1, 2048, 0) {
		t.Error("trailing block and the column block above and through it: got disjoint")
	}
	if Shared(1000, 1000, 2*ld, 2, 0, 1000, 1000, 6, 2*ld+2, 1, 0) {
		t.Error("even against odd addresses: got shared")
	}
}

// TestSharedAllocs: the 2-D test allocates nothing.
func TestSharedAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		Shared(12, 12, 20, 1, 84, 12, 4, 20, 1, 80, 64)
		Shared(5, 6, 7, 3, 1, 4, 5, 5, 2, 0, 1<<10)
	})
	if n != 0 {
		t.Errorf("got %v allocations, want 0", n)
	}
}

// FuzzShared compares Shared with brute force on 2-D layouts of up to 8×8
// with strides in [-20, 20]: exact with a large budget, never wrongly
// disjoint with none.
func FuzzShared(f *testing.F) {
	f.Add(uint8(3), uint8(4), int8(20), int8(1), uint8(4), uint8(3), uint8(4), int8(1), int8(20), uint8(7))
	f.Add(uint8(8), uint8(8), int8(7), int8(3), uint8(0), uint8(8), uint8(8), int8(5), int8(-2), uint8(30))
	f.Add(uint8(4), uint8(4), int8(0), int8(1), uint8(2), uint8(2), uint8(2), int8(4), int8(1), uint8(5))
	f.Fuzz(func(t *testing.T, r1, c1 uint8, rs1, cs1 int8, o1, r2, c2 uint8, rs2, cs2 int8, o2 uint8) {
		dim := func(x uint8) int { return 1 + int(x)%8 }
		str := func(x int8) int { return int(x) % 21 }
		l1 := mat2(dim(r1), dim(c1), str(rs1), str(cs1), int(o1))
		l2 := mat2(dim(r2), dim(c2), str(rs2), str(cs2), int(o2))
		want := bruteShared(l1, l2)
		if got := shared2(l1, l2, 1<<20); got != want {
			t.Fatalf("%v / %v: got %v, want %v", l1, l2, got, want)
		}
		if want && !shared2(l1, l2, 0) {
			t.Fatalf("%v / %v: with no budget got disjoint, but they share an element", l1, l2)
		}
	})
}

// BenchmarkShared is the cost of the exact test: closed forms (blocks of
// one matrix) and, for two leading dimensions in one buffer, per step of
// the enumeration (ns/step), which blasbridge weighs against copying an
// output through scratch.
func BenchmarkShared(b *testing.B) {
	const ld = 515
	b.Run("case=blocks", func(b *testing.B) {
		for b.Loop() {
			Shared(256, 256, ld, 1, 256*ld+256, 256, 32, ld, 1, 256*ld+224, 0)
		}
	})
	b.Run("case=two-lds", func(b *testing.B) {
		// 64×64 rectangles with leading dimensions 515 and 512 in one
		// buffer, the second from index 300: their ranges meet but they
		// share no element, which only enumeration proves.
		if bruteShared(mat2(64, 64, ld, 1, 0), mat2(64, 64, 512, 1, 300)) {
			b.Fatal("the case shares an element")
		}
		var t [4]term
		steps := 0
		for b.Loop() {
			ts, c, _ := terms(t[:0], []int{64, 64}, []int{ld, 1}, 0, []int{64, 64}, []int{512, 1}, 300)
			budget := 1 << 20
			if solve(ts, c, &budget) {
				b.Fatal("shared")
			}
			steps += 1<<20 - budget
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
	})
}
