package blastest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/fixture"
)

// Contract runs blasbridge.Matmul and blasbridge.Einsum against the active
// backend, in float64 and float32, as subtests:
//
//   - Fixtures: every case of testdata/contract.json (NumPy 1.24's matmul
//     and einsum on real NumPy views, from testdata/gen_contract.py). The
//     whole base of C afterwards, sentinels included, must equal NumPy's;
//     the inputs' bases must not change; a case that expects an error must
//     get one wrapping the right value (ErrShape, ErrAliasedOutput,
//     adapter.ErrOutOfBounds; any error for a malformed spec) and leave
//     every base as it was.
//   - Random: random contractions and broadcasting matmuls on random
//     strided layouts, against a brute-force loop over every index.
//
// Backends call it next to Run:
//
//	func TestContract(t *testing.T) { blastest.Contract(t) }
//
// While blasbridge's stub of Matmul or Einsum is in place (it returns the
// error "not yet"), that function's cases are skipped.
func Contract(t *testing.T) {
	pm, pe := contractPending()
	if pm && pe {
		t.Skip("waiting for Matmul/Einsum: both return the stub's \"not yet\"")
	}
	t.Logf("backend %q; pending: matmul %v, einsum %v", blasbridge.Active().Name, pm, pe)
	pending := map[string]bool{"matmul": pm, "einsum": pe}
	t.Run("Fixtures", func(t *testing.T) { testContractFixtures(t, pending) })
	t.Run("Random", func(t *testing.T) {
		for _, op := range []string{"matmul", "einsum"} {
			t.Run(op, func(t *testing.T) {
				if pending[op] {
					t.Skipf("waiting for %s: it returns the stub's \"not yet\"", op)
				}
				t.Run("float64", func(t *testing.T) { testContractRandom[float64](t, op) })
				t.Run("float32", func(t *testing.T) { testContractRandom[float32](t, op) })
			})
		}
	})
}

// contractPending reports which of Matmul and Einsum is still blasbridge's
// stub, by its exact error on a valid 1×1 product.
func contractPending() (matmul, einsum bool) {
	stub := func(err error) bool { return err != nil && err.Error() == "not yet" }
	one := func() adapter.Array[float64] {
		return adapter.Array[float64]{Data: []float64{1}, Shape: []int{1, 1}, Strides: []int{1, 1}}
	}
	_, errM := callContract(func() (blasbridge.ContractPlan, error) {
		return blasbridge.Matmul(1, one(), one(), 0, one())
	})
	_, errE := callContract(func() (blasbridge.ContractPlan, error) {
		return blasbridge.Einsum("ij,jk->ik", 1, one(), one(), 0, one())
	})
	return stub(errM), stub(errE)
}

// errPanic marks a panic turned into an error by callContract: Matmul and
// Einsum take external input and must never panic.
var errPanic = errors.New("panic")

func callContract(f func() (blasbridge.ContractPlan, error)) (p blasbridge.ContractPlan, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return f()
}

func contraction[T float](c fixture.ContractCase, a, b, out adapter.Array[T]) (blasbridge.ContractPlan, error) {
	return callContract(func() (blasbridge.ContractPlan, error) {
		if c.Op == "matmul" {
			return blasbridge.Matmul(T(c.Alpha), a, b, T(c.Beta), out)
		}
		return blasbridge.Einsum(c.Spec, T(c.Alpha), a, b, T(c.Beta), out)
	})
}

// contractErr is the error a fixture's error kind must wrap; nil for
// "spec", where any error will do.
func contractErr(kind string) error {
	switch kind {
	case "shape":
		return blasbridge.ErrShape
	case "aliased":
		return blasbridge.ErrAliasedOutput
	case "bounds":
		return adapter.ErrOutOfBounds
	}
	return nil
}

func testContractFixtures(t *testing.T, pending map[string]bool) {
	fx, err := fixture.LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NumPy %s: %d cases", fx.NumPyVersion, len(fx.Cases))
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if pending[c.Op] {
				t.Skipf("waiting for %s: it returns the stub's \"not yet\"", c.Op)
			}
			t.Run("float64", func(t *testing.T) { runContractCase[float64](t, c) })
			t.Run("float32", func(t *testing.T) { runContractCase[float32](t, c) })
		})
	}
}

func toFloat[T float](x []float64) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

// fixtureArray returns v over data as an Array[T]: NumPy's byte strides
// and offset, in units of the case's item size, rescaled to T's and passed
// through ArrayFromNumPy. A view outside its buffer (a "bounds" case) is
// rejected there with ErrOutOfBounds; it is then built as a struct literal,
// so that Matmul and Einsum must catch it themselves. outside reports it.
func fixtureArray[T float](c fixture.ContractCase, v fixture.ArrayView, data []T) (a adapter.Array[T], outside bool, err error) {
	size := itemSize[T]()
	if v.Offset%c.ItemSize != 0 {
		return a, false, fmt.Errorf("fixture: %s: offset %d bytes, item size %d", v.Note, v.Offset, c.ItemSize)
	}
	strides := make([]int, len(v.Strides))
	el := make([]int, len(v.Strides))
	for k, s := range v.Strides {
		if s%c.ItemSize != 0 {
			return a, false, fmt.Errorf("fixture: %s: stride %d bytes, item size %d", v.Note, s, c.ItemSize)
		}
		el[k] = s / c.ItemSize
		strides[k] = el[k] * size
	}
	off := v.Offset / c.ItemSize
	a, err = adapter.ArrayFromNumPy(data, v.Shape, strides, size, off*size)
	if err == nil {
		return a, false, nil
	}
	if c.Error != "bounds" || !errors.Is(err, adapter.ErrOutOfBounds) {
		return a, false, fmt.Errorf("ArrayFromNumPy(%s): %w", v.Note, err)
	}
	return adapter.Array[T]{Data: data, Shape: slices.Clone(v.Shape), Strides: el, Offset: off}, true, nil
}

// runContractCase runs one fixture case in element type T.
func runContractCase[T float](t *testing.T, c fixture.ContractCase) {
	// The buffers, named by the operand that owns them.
	bufs := map[string][]T{"a": toFloat[T](c.A.Values())}
	bOwner := "b"
	if c.BAliases == "a" {
		bOwner = "a"
	} else {
		bufs["b"] = toFloat[T](c.B.Values())
	}
	cOwner := "c"
	switch c.CAliases {
	case "a":
		cOwner = "a"
	case "b":
		cOwner = bOwner
	default:
		bufs["c"] = toFloat[T](c.C.Values())
	}
	orig := map[string][]T{}
	for name, d := range bufs {
		orig[name] = slices.Clone(d)
	}

	outside := 0
	var arrays [3]adapter.Array[T]
	for i, op := range [...]struct {
		v     fixture.ArrayView
		owner string
	}{{c.A, "a"}, {c.B, bOwner}, {c.C, cOwner}} {
		a, out, err := fixtureArray(c, op.v, bufs[op.owner])
		if err != nil {
			t.Fatal(err)
		}
		if out {
			outside++
		}
		arrays[i] = a
	}
	if c.Error == "bounds" && outside == 0 {
		t.Fatalf("fixture: a \"bounds\" case whose views all lie inside their buffers")
	}

	p, err := contraction(c, arrays[0], arrays[1], arrays[2])
	desc := fmt.Sprintf("%s: %s, alpha %v, beta %v; a %v, b %v, c %v", c.Name, c.NumPy, c.Alpha, c.Beta, arrays[0], arrays[1], arrays[2])
	if errors.Is(err, errPanic) {
		t.Fatalf("%s: %v", desc, err)
	}
	for name, d := range bufs {
		if name == cOwner && c.Error == "" {
			continue
		}
		if k := firstChange(d, orig[name]); k >= 0 {
			t.Errorf("%s: buffer of %s changed at %d: got %v, was %v", desc, name, k, d[k], orig[name][k])
		}
	}
	if c.Error != "" {
		want := contractErr(c.Error)
		switch {
		case err == nil:
			t.Errorf("%s: got no error, want %s (NumPy: %q); plan %v", desc, c.Error, c.NumPyError, p)
		case want != nil && !errors.Is(err, want):
			t.Errorf("%s: got error %v, want one wrapping %v", desc, err, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", desc, err)
	}
	if err := compareBase(bufs[cOwner], c.CAfter, tolerance[T]()); err != nil {
		t.Errorf("%s: c: %v; plan %v", desc, err, p)
	}
	if p.CopiedBytes < 0 {
		t.Errorf("%s: CopiedBytes %d", desc, p.CopiedBytes)
	}
}

// firstChange returns the first position where got differs from want
// (NaN equals NaN), or -1.
func firstChange[T float](got, want []T) int {
	for k := range got {
		if !same(got[k], want[k]) {
			return k
		}
	}
	return -1
}

// The random part: contractions over random strided layouts checked against
// a loop over every index. An operand is an array of labels; an axis of
// length 1 broadcasts against its label's length, as in NumPy.

// randArray is a random strided array over a buffer filled with sentinels
// around and between its elements.
type randArray[T float] struct {
	a    adapter.Array[T]
	orig []T
}

// newRandArray places an array of the given shape in a fresh buffer: axes
// in a random memory order, some padded, stepped, reversed, and (for an
// input, bcast set) some broadcast with stride 0.
func newRandArray[T float](rng *rand.Rand, shape []int, id int, bcast, nan bool) randArray[T] {
	r := len(shape)
	strides := make([]int, r)
	s := 1 + rng.IntN(2)
	for _, ax := range rng.Perm(r) {
		n := shape[ax]
		switch {
		case bcast && n > 1 && rng.IntN(6) == 0:
			strides[ax] = 0
			continue
		case rng.IntN(4) == 0:
			strides[ax] = -s
		default:
			strides[ax] = s
		}
		s = s*max(n, 1) + rng.IntN(3)
	}
	lo, hi := 0, 0
	for k, n := range shape {
		if n > 0 {
			if d := (n - 1) * strides[k]; d < 0 {
				lo += d
			} else {
				hi += d
			}
		}
	}
	pad := 1 + rng.IntN(3)
	data := make([]T, pad+hi-lo+1+rng.IntN(3))
	for p := range data {
		data[p] = T(sentinel(id, p))
	}
	a := adapter.Array[T]{Data: data, Shape: slices.Clone(shape), Strides: strides, Offset: pad - lo}
	eachIndex(shape, func(idx []int) {
		v := T(2*rng.Float64() - 1)
		if nan {
			v = T(math.NaN())
		}
		data[addr(a, idx)] = v
	})
	return randArray[T]{a: a, orig: slices.Clone(data)}
}

// addr is element idx's position, written out here so the reference does
// not share the code under test's formula.
func addr[T float](a adapter.Array[T], idx []int) int {
	p := a.Offset
	for k, i := range idx {
		p += i * a.Strides[k]
	}
	return p
}

// eachIndex calls f with every index of shape in C order (once, with an
// empty index, for a 0-d shape; never for an empty one).
func eachIndex(shape []int, f func(idx []int)) {
	for _, n := range shape {
		if n == 0 {
			return
		}
	}
	idx := make([]int, len(shape))
	for {
		f(idx)
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// naiveContract returns Σ a·b over every label not in out, for each
// element of out in C order, and the sum of the terms' magnitudes.
// Axes of length 1 broadcast.
func naiveContract[T float](la, lb, lout []byte, a, b randArray[T], size map[byte]int) (sum, mag []float64) {
	var labels []byte
	for _, ls := range [][]byte{la, lb, lout} {
		for _, l := range ls {
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	ext := make([]int, len(labels))
	for i, l := range labels {
		ext[i] = size[l]
	}
	n := 1
	for _, l := range lout {
		n *= size[l]
	}
	sum, mag = make([]float64, n), make([]float64, n)
	value := func(x randArray[T], ls []byte, at map[byte]int) float64 {
		idx := make([]int, len(ls))
		for k, l := range ls {
			if x.a.Shape[k] > 1 {
				idx[k] = at[l]
			}
		}
		return float64(x.orig[addr(x.a, idx)])
	}
	at := map[byte]int{}
	eachIndex(ext, func(idx []int) {
		for i, l := range labels {
			at[l] = idx[i]
		}
		e := 0
		for _, l := range lout {
			e = e*size[l] + at[l]
		}
		x := value(a, la, at) * value(b, lb, at)
		sum[e] += x
		mag[e] += math.Abs(x)
	})
	return sum, mag
}

// randContraction is one random call: labels and shapes of a, b and out.
type randContraction struct {
	spec         string // "" for matmul
	la, lb, lout []byte
	sa, sb, sout []int
	size         map[byte]int
}

// randEinsum draws a two-operand einsum with explicit output over up to 5
// labels of length 1..4: contracted, batch, free and one-sided labels, now
// and then a repeated label (a diagonal) or a length-1 axis against a
// longer one (NumPy broadcasts it).
func randEinsum(rng *rand.Rand) randContraction {
	pool := []byte("abcde")[:1+rng.IntN(5)]
	size := map[byte]int{}
	for _, l := range pool {
		size[l] = 1 + rng.IntN(4)
	}
	pick := func() []byte {
		var ls []byte
		for _, l := range pool {
			if rng.IntN(3) > 0 {
				ls = append(ls, l)
			}
		}
		rng.Shuffle(len(ls), func(i, j int) { ls[i], ls[j] = ls[j], ls[i] })
		if len(ls) > 0 && rng.IntN(10) == 0 {
			ls = append(ls, ls[rng.IntN(len(ls))]) // a diagonal
		}
		return ls
	}
	rc := randContraction{la: pick(), lb: pick(), size: size}
	for _, l := range pool {
		if (slices.Contains(rc.la, l) || slices.Contains(rc.lb, l)) && rng.IntN(2) == 0 {
			rc.lout = append(rc.lout, l)
		}
	}
	rng.Shuffle(len(rc.lout), func(i, j int) { rc.lout[i], rc.lout[j] = rc.lout[j], rc.lout[i] })
	shape := func(ls []byte) []int {
		s := make([]int, len(ls))
		for k, l := range ls {
			s[k] = size[l]
		}
		return s
	}
	rc.sa, rc.sb, rc.sout = shape(rc.la), shape(rc.lb), shape(rc.lout)
	// A length-1 axis for a label the other operand has longer (not within
	// a diagonal, whose axes must agree).
	if rng.IntN(5) == 0 && len(rc.la) > 0 {
		k := rng.IntN(len(rc.la))
		l := rc.la[k]
		if countLabel(rc.la, l) == 1 && slices.Contains(rc.lb, l) {
			rc.sa[k] = 1
		}
	}
	rc.spec = string(rc.la) + "," + string(rc.lb) + "->" + string(rc.lout)
	return rc
}

func countLabel(ls []byte, l byte) int {
	n := 0
	for _, x := range ls {
		if x == l {
			n++
		}
	}
	return n
}

// randMatmul draws a NumPy matmul: batch axes that broadcast (missing or
// length 1 on either side), matrices of 1..4, and 1-D operands now and then.
func randMatmul(rng *rand.Rand) randContraction {
	batch := []byte("pqr")[:rng.IntN(4)]
	size := map[byte]int{'m': 1 + rng.IntN(4), 'k': 1 + rng.IntN(4), 'n': 1 + rng.IntN(4)}
	for _, l := range batch {
		size[l] = 1 + rng.IntN(3)
	}
	side := func(last2 []byte) ([]byte, []int) {
		r := rng.IntN(len(batch) + 1)
		ls := append(slices.Clone(batch[len(batch)-r:]), last2...)
		s := make([]int, len(ls))
		for k, l := range ls {
			s[k] = size[l]
			if k < r && rng.IntN(3) == 0 {
				s[k] = 1
			}
		}
		return ls, s
	}
	rc := randContraction{size: size}
	a1, b1 := rng.IntN(6) == 0, rng.IntN(6) == 0
	if a1 {
		rc.la, rc.sa = []byte{'k'}, []int{size['k']}
	} else {
		rc.la, rc.sa = side([]byte("mk"))
	}
	if b1 {
		rc.lb, rc.sb = []byte{'k'}, []int{size['k']}
	} else {
		rc.lb, rc.sb = side([]byte("kn"))
	}
	// The result's batch: the longer operand's batch axes, each as long as
	// the longest of the two.
	nb := max(len(rc.la)-2, len(rc.lb)-2, 0)
	rc.lout = slices.Clone(batch[len(batch)-nb:])
	for _, l := range rc.lout {
		n := 1
		for _, side := range [...]struct {
			ls []byte
			s  []int
		}{{rc.la, rc.sa}, {rc.lb, rc.sb}} {
			if k := slices.Index(side.ls, l); k >= 0 {
				n = max(n, side.s[k])
			}
		}
		size[l] = n
		rc.sout = append(rc.sout, n)
	}
	if !a1 {
		rc.lout = append(rc.lout, 'm')
		rc.sout = append(rc.sout, size['m'])
	}
	if !b1 {
		rc.lout = append(rc.lout, 'n')
		rc.sout = append(rc.sout, size['n'])
	}
	return rc
}

// testContractRandom checks random calls of op against naiveContract.
func testContractRandom[T float](t *testing.T, op string) {
	const trials = 300
	rng := newRand(map[string]uint64{"matmul": 101, "einsum": 102}[op] + uint64(itemSize[T]()))
	f := failures{t: t}
	for trial := range trials {
		var rc randContraction
		if op == "matmul" {
			rc = randMatmul(rng)
		} else {
			rc = randEinsum(rng)
		}
		alpha := []float64{1, -0.5, 2}[rng.IntN(3)]
		beta := []float64{0, 1, 0.5}[rng.IntN(3)]
		a := newRandArray[T](rng, rc.sa, 1, true, false)
		b := newRandArray[T](rng, rc.sb, 2, true, false)
		c := newRandArray[T](rng, rc.sout, 3, false, beta == 0 && rng.IntN(2) == 0)
		sum, mag := naiveContract(rc.la, rc.lb, rc.lout, a, b, rc.size)
		cd := slices.Clone(c.orig)
		out := c.a
		out.Data = cd
		call := fixture.ContractCase{Op: op, Spec: rc.spec, Alpha: alpha, Beta: beta}
		p, err := contraction(call, a.a, b.a, out)
		name := fmt.Sprintf("trial %d: %s %q, alpha %v, beta %v; a %v, b %v, c %v", trial, op, rc.spec, alpha, beta, a.a, b.a, out)
		if err != nil {
			f.errorf("%s: %v", name, err)
			continue
		}
		if k := firstChange(a.a.Data, a.orig); k >= 0 {
			f.errorf("%s: a's buffer changed at %d", name, k)
		}
		if k := firstChange(b.a.Data, b.orig); k >= 0 {
			f.errorf("%s: b's buffer changed at %d", name, k)
		}
		if err := checkContractOutput(out, c.orig, sum, mag, alpha, beta, tolerance[T]()); err != nil {
			f.errorf("%s: %v; plan %v", name, err, p)
		}
	}
}

// checkContractOutput checks out's elements against alpha·sum + beta·orig
// (beta == 0 does not read orig) within tol of the terms' magnitude, and
// that every other position of its buffer is as it was.
func checkContractOutput[T float](out adapter.Array[T], orig []T, sum, mag []float64, alpha, beta, tol float64) error {
	owner := make([]int, len(out.Data))
	for p := range owner {
		owner[p] = -1
	}
	e := 0
	eachIndex(out.Shape, func(idx []int) {
		owner[addr(out, idx)] = e
		e++
	})
	for p, got := range out.Data {
		e := owner[p]
		if e < 0 {
			if !same(got, orig[p]) {
				return fmt.Errorf("sentinel at %d overwritten: got %v, want %v", p, got, orig[p])
			}
			continue
		}
		want, scale := alpha*sum[e], math.Abs(alpha)*mag[e]
		if beta != 0 {
			want += beta * float64(orig[p])
			scale += math.Abs(beta * float64(orig[p]))
		}
		if d := math.Abs(float64(got) - want); !(d <= tol*scale) {
			return fmt.Errorf("element %d (C order) at %d: got %v, want %v (error %.3g, scale %.3g)", e, p, got, want, d, scale)
		}
	}
	return nil
}
