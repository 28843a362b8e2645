package bounds

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Shared and SharedN decide whether two strided layouts over one buffer
// share an element: whether
//
//	off1 + Σ i_k*s1_k == off2 + Σ j_k*s2_k,  0 <= i_k < n1_k, 0 <= j_k < n2_k
//
// has a solution, a bounded linear Diophantine equation (NumPy's
// np.shares_memory solves the same one). The element set of a layout does
// not change when an axis is reversed (a negative stride becomes positive,
// the offset moving to the lowest element) or when axes are swapped, and an
// axis of length 1 or stride 0 adds nothing to it; so the problem becomes
//
//	Σ a_k*x_k == c,  a_k > 0,  0 <= x_k <= u_k
//
// with one term per remaining axis of either layout (an axis of the second
// layout enters as x_k = n_k-1-j_k). solve decides it with these steps,
// each exact:
//
//   - terms with equal coefficients merge (a*x + a*y == a*(x+y), bounds
//     added), and a c that the gcd of the coefficients does not divide, or
//     that lies outside [0, Σ a_k*u_k], has no solution;
//   - one term is a divisibility test, two terms a closed form (extended
//     Euclid, then an interval test on the solutions' arithmetic
//     progression);
//   - when, with the coefficients sorted, the largest sum the small ones
//     reach is below the gcd g of the large ones, the small sum must equal
//     c mod g: the problem splits into two independent ones;
//   - otherwise one variable is enumerated (the one with the fewest values
//     that the gcd of the others allows) and the rest solved for each value.
//
// Only the enumeration costs more than a few gcds, and it is bounded by a
// budget of steps: when the budget runs out the answer is "shared", which is
// safe (the caller goes through scratch), never "disjoint" wrongly.
//
// Hence:
//
//   - exact with no enumeration: any two 2-D layouts whose strides, up to
//     sign and order, come from one pair {s, s·ld} — rectangles within one
//     leading dimension, each possibly transposed or reversed, their rows,
//     columns and elements, broadcasts — since merging leaves at most two
//     coefficients; and whatever splitting reduces to such pieces;
//   - exact within a few steps: views of one array in C or Fortran order
//     (slices, reversals, permutations of its axes), where at each
//     level the largest stride admits at most three values, because the
//     smaller strides of two nested views reach less than twice it: at most
//     3 steps at rank 3 and 12 at rank 4;
//   - exact within the budget: everything else, such as rectangles with two
//     different leading dimensions in one buffer (about one step per row of
//     the shorter);
//   - conservative (reported shared) past the budget.

// Shared reports whether the r1×c1 layout with strides rs1, cs1 and offset
// off1 and the r2×c2 layout with strides rs2, cs2 and offset off2, over the
// same buffer, have an element in common; budget bounds the enumeration
// steps (see above) and past it Shared reports true. A layout with no
// elements shares none. The layouts' extents must not overflow (as Strided
// checks); arithmetic that overflows anyway is answered "shared".
func Shared(r1, c1, rs1, cs1, off1, r2, c2, rs2, cs2, off2, budget int) bool {
	if r1 <= 0 || c1 <= 0 || r2 <= 0 || c2 <= 0 {
		return false // no elements
	}
	var buf [4]term
	t, c, ok := terms(buf[:0], []int{r1, c1}, []int{rs1, cs1}, off1, []int{r2, c2}, []int{rs2, cs2}, off2)
	return !ok || solve(t, c, &budget)
}

// SharedN is Shared for N-d layouts (shapes and strides of any rank, each
// layout's own). A layout with a zero dimension has no elements and shares
// none.
func SharedN(shape1, strides1 []int, off1 int, shape2, strides2 []int, off2, budget int) bool {
	for _, n := range shape1 {
		if n <= 0 {
			return false
		}
	}
	for _, n := range shape2 {
		if n <= 0 {
			return false
		}
	}
	var buf [16]term
	t, c, ok := terms(buf[:0], shape1, strides1, off1, shape2, strides2, off2)
	return !ok || solve(t, c, &budget)
}

// term is a_k*x_k with 0 <= x_k <= u_k.
type term struct{ a, u int }

// terms appends to t the terms of the problem for two layouts and returns
// them with its right-hand side c. It returns false when the arithmetic
// overflows, which the caller answers conservatively.
func terms(t []term, shape1, strides1 []int, off1 int, shape2, strides2 []int, off2 int) (_ []term, c int, ok bool) {
	// lo1 + Σ x_k*|s1_k| == hi2 - Σ y_k*|s2_k|, with lo1 the lowest element
	// of the first layout and hi2 the highest of the second.
	lo1, hi2 := off1, off2
	for k, n := range shape1 {
		s := strides1[k]
		if n == 1 || s == 0 {
			continue
		}
		span, ok := Mul(n-1, s)
		if !ok || s == math.MinInt {
			return t, 0, false
		}
		if s < 0 {
			if lo1, ok = Add(lo1, span); !ok {
				return t, 0, false
			}
			s = -s
		}
		t = append(t, term{s, n - 1})
	}
	for k, n := range shape2 {
		s := strides2[k]
		if n == 1 || s == 0 {
			continue
		}
		span, ok := Mul(n-1, s)
		if !ok || s == math.MinInt {
			return t, 0, false
		}
		if s > 0 {
			if hi2, ok = Add(hi2, span); !ok {
				return t, 0, false
			}
		} else {
			s = -s
		}
		t = append(t, term{s, n - 1})
	}
	c, ok = Add(hi2, -lo1)
	return t, c, ok
}

// solve reports whether Σ a_k*x_k == c has a solution with
// 0 <= x_k <= u_k, or the budget ran out. It may reorder and rewrite t.
func solve(t []term, c int, budget *int) bool {
	// Declared here, not in the loops below: a buffer declared in a loop
	// and passed to the recursive call would move to the heap.
	var lbuf, hbuf [16]term
	if c < 0 {
		return false
	}
	// Merge equal coefficients; drop terms that can only be 0.
	slices.SortFunc(t, func(x, y term) int { return cmp.Compare(x.a, y.a) })
	n := 0
	for _, x := range t {
		if x.u == 0 {
			continue
		}
		if n > 0 && t[n-1].a == x.a {
			u, ok := Add(t[n-1].u, x.u)
			if !ok {
				return true
			}
			t[n-1].u = u
			continue
		}
		t[n] = x
		n++
	}
	t = t[:n]

	// Reachable range and divisibility.
	g, top := 0, 0
	for _, x := range t {
		g = gcd(g, x.a)
		s, ok := Mul(x.a, x.u)
		if ok {
			top, ok = Add(top, s)
		}
		if !ok {
			top = math.MaxInt
		}
	}
	switch {
	case c > top:
		return false
	case len(t) == 0:
		return c == 0
	case c%g != 0:
		return false
	case len(t) == 1:
		return c/t[0].a <= t[0].u
	case len(t) == 2:
		return solve2(t[0].a, t[0].u, t[1].a, t[1].u, c)
	}

	// Split where the small terms cannot reach the gcd of the large ones.
	low := 0
	for q := 1; q < len(t); q++ {
		s, ok := Mul(t[q-1].a, t[q-1].u)
		if ok {
			low, ok = Add(low, s)
		}
		if !ok {
			break
		}
		gh := 0
		for _, x := range t[q:] {
			gh = gcd(gh, x.a)
		}
		if gh > low {
			r := c % gh
			if r > low {
				return false
			}
			hi := t[q:]
			for i := range hi {
				hi[i].a /= gh
			}
			// Each half gets its own copy: solve rewrites its terms.
			return solve(append(lbuf[:0], t[:q]...), r, budget) &&
				solve(append(hbuf[:0], hi...), (c-r)/gh, budget)
		}
	}

	// Enumerate the variable with the fewest admissible values: x_k must
	// make c - a_k*x_k divisible by the gcd of the others, and leave a rest
	// the others can reach.
	best, bestCount, bestStart, bestStep := -1, math.MaxInt, 0, 0
	for k, x := range t {
		gr, rest := 0, 0
		for i, y := range t {
			if i == k {
				continue
			}
			gr = gcd(gr, y.a)
			s, ok := Mul(y.a, y.u)
			if ok {
				rest, ok = Add(rest, s)
			}
			if !ok {
				rest = math.MaxInt
			}
		}
		// a_k*v ≡ c (mod gr): v ≡ v0 (mod step), step = gr/gcd(a_k, gr).
		h := gcd(x.a, gr)
		step := gr / h
		v0 := mulMod((c/h)%step, modInverse((x.a/h)%step, step), step)
		vmax := min(x.u, c/x.a)
		vmin := 0
		if c > rest {
			vmin = (c - rest + x.a - 1) / x.a
		}
		if vmin > vmax {
			return false
		}
		start := vmin + mod(v0-vmin, step)
		if start > vmax {
			return false
		}
		if count := (vmax-start)/step + 1; count < bestCount {
			best, bestCount, bestStart, bestStep = k, count, start, step
		}
	}
	x := t[best]
	rest := make([]term, 0, 16)
	for v := bestStart; v <= x.u && v <= c/x.a; v += bestStep {
		*budget--
		if *budget < 0 {
			return true
		}
		rest = rest[:0]
		for i, y := range t {
			if i != best {
				rest = append(rest, y)
			}
		}
		if solve(rest, c-x.a*v, budget) {
			return true
		}
	}
	return false
}

// solve2 reports whether a*x + b*y == c has a solution with 0 <= x <= xu,
// 0 <= y <= yu, for positive a and b and c >= 0 divisible by gcd(a, b).
func solve2(a, xu, b, yu, c int) bool {
	g := gcd(a, b)
	a, b, c = a/g, b/g, c/g
	// x ≡ c·a⁻¹ (mod b); y = (c - a*x)/b must lie in [0, yu], so
	// x ∈ [⌈(c - b*yu)/a⌉, ⌊c/a⌋].
	x0 := mulMod(c%b, modInverse(a%b, b), b)
	hi := min(xu, c/a)
	lo := 0
	if by, ok := Mul(b, yu); ok && c > by {
		lo = (c - by + a - 1) / a
	}
	if lo > hi {
		return false
	}
	return lo+mod(x0-lo, b) <= hi
}

// modInverse returns the inverse of a modulo m (gcd(a, m) == 1), in
// [0, m); 0 when m == 1.
func modInverse(a, m int) int {
	if m == 1 {
		return 0
	}
	// Extended Euclid on (a, m), tracking a's coefficient.
	r0, r1 := a, m
	s0, s1 := 1, 0
	for r1 != 0 {
		q := r0 / r1
		r0, r1 = r1, r0-q*r1
		s0, s1 = s1, s0-q*s1
	}
	return mod(s0, m)
}

// mulMod returns x*y mod m for x, y in [0, m), without overflow.
func mulMod(x, y, m int) int {
	hi, lo := bits.Mul64(uint64(x), uint64(y))
	return int(bits.Rem64(hi, lo, uint64(m)))
}

// mod returns x mod m in [0, m), for m > 0.
func mod(x, m int) int {
	x %= m
	if x < 0 {
		x += m
	}
	return x
}
