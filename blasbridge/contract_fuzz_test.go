package blasbridge_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// FuzzEinsum builds a random two-operand spec over the labels "ijkl"
// (diagonals, broadcasting, labels summed over one operand, empty axes
// included), random lengths and random layouts with sentinels around them,
// and checks Einsum against bruteEinsum: the same result, every element
// outside c intact, the inputs unchanged, and an error exactly when the
// reference finds the problem ill-formed, with nothing written then.
func FuzzEinsum(f *testing.F) {
	f.Add(uint64(1), []byte{2, 2, 0, 1, 1, 2, 2, 0, 2, 3, 3, 2, 1, 0})
	f.Add(uint64(2), []byte{3, 3, 0, 1, 2, 2, 1, 2, 2, 0, 2, 3, 4, 2, 0, 1})
	f.Add(uint64(3), []byte{1, 1, 0, 0, 1, 0, 2, 1, 3, 1, 1})
	f.Add(uint64(4), []byte{2, 1, 0, 0, 0, 1, 0, 3, 3, 3, 3, 0, 0})
	f.Fuzz(func(t *testing.T, seed uint64, spec []byte) {
		next := func(n int) int {
			if len(spec) == 0 {
				return 0
			}
			v := int(spec[0]) % n
			spec = spec[1:]
			return v
		}
		const letters = "ijkl"
		ra, rb := next(4), next(4)
		term := func(r int) string {
			var s []byte
			for range r {
				s = append(s, letters[next(4)])
			}
			return string(s)
		}
		ta, tb := term(ra), term(rb)
		// The output: some of the input labels, sometimes a bad one.
		var out []byte
		for _, l := range []byte(letters) {
			if strings.IndexByte(ta+tb, l) >= 0 && next(2) == 1 {
				out = append(out, l)
			}
		}
		switch next(8) {
		case 0:
			if len(out) > 0 {
				out = append(out, out[0]) // repeated output label
			}
		case 1:
			out = append(out, 'z') // label in no input
		}
		rng := rand.New(rand.NewPCG(seed, 9))
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		ext := map[byte]int{}
		for _, l := range []byte(letters) {
			ext[l] = next(4)
		}
		shapeOf := func(term string) []int {
			s := make([]int, len(term))
			for k := range term {
				s[k] = ext[term[k]]
				switch next(8) {
				case 0:
					s[k] = 1 // broadcasts
				case 1:
					s[k] = ext[term[k]] + 1 // usually a mismatch
				}
			}
			return s
		}
		sa, sb := shapeOf(ta), shapeOf(tb)

		// The reference's verdict and the output shape.
		valid := true
		length := map[byte]int{}
		for t, term := range []string{ta, tb} {
			sh := [][]int{sa, sb}[t]
			diag := map[byte]int{}
			for k := range term {
				l := term[k]
				if d, ok := diag[l]; ok && d != sh[k] {
					valid = false
				}
				diag[l] = sh[k]
			}
			for l, n := range diag {
				switch m, ok := length[l]; {
				case !ok || m == 1:
					length[l] = n
				case n != 1 && n != m:
					valid = false
				}
			}
		}
		sc := make([]int, len(out))
		seen := map[byte]bool{}
		for k, l := range out {
			if seen[l] || strings.IndexByte(ta+tb, l) < 0 {
				valid = false
			}
			seen[l] = true
			sc[k] = length[l]
		}
		if next(10) == 0 && len(sc) > 0 {
			sc[0]++
			valid = false
		}
		s := ta + "," + tb + "->" + string(out)
		size := func(sh []int) int {
			n := 1
			for _, x := range sh {
				n *= x
			}
			return n
		}
		if size(sa)*size(sb)*max(1, size(sc)) > 1<<14 {
			return // keep the brute force fast
		}
		a := randArray(rng, sa, -1000)
		b := randArray(rng, sb, -2000)
		c := randArray(rng, sc, -3000)
		alpha, beta := float64(rng.IntN(3)+1), float64(rng.IntN(3))
		aData, bData, cData := slices.Clone(a.Data), slices.Clone(b.Data), slices.Clone(c.Data)
		_, err := blasbridge.Einsum(s, alpha, a, b, beta, c)
		if !valid {
			if err == nil {
				t.Fatalf("%s: %v %v -> %v: no error, the reference finds it ill-formed", s, sa, sb, sc)
			}
			if !errors.Is(err, blasbridge.ErrShape) && !errors.Is(err, blasbridge.ErrSpec) {
				t.Fatalf("%s: %v", s, err)
			}
			if !slices.Equal(c.Data, cData) {
				t.Fatalf("%s: c written on error", s)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: %v %v -> %v: %v", s, sa, sb, sc, err)
		}
		want := bruteEinsum(s, alpha, a, b, beta, adapter.Array[float64]{Data: cData, Shape: c.Shape, Strides: c.Strides, Offset: c.Offset})
		if !slices.Equal(c.Data, want) {
			t.Fatalf("%s: a %v b %v c %v alpha %v beta %v:\ngot  %v\nwant %v", s, a, b, c, alpha, beta, c.Data, want)
		}
		if !slices.Equal(a.Data, aData) || !slices.Equal(b.Data, bData) {
			t.Fatalf("%s: an input changed", s)
		}
	})
}
