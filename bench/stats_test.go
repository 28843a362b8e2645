package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// bruteU returns, for samples of m and n values, the number of the
// C(m+n, m) ways to split the ranks 1..m+n between them that give each
// value of U (pairs with the second sample's value above the first's): a
// reference by enumeration, independent of uCDF's recurrence.
func bruteU(m, n int) []float64 {
	counts := make([]float64, m*n+1)
	var rec func(pos, left int, inFirst []bool)
	rec = func(pos, left int, inFirst []bool) {
		if pos == m+n {
			if left != 0 {
				return
			}
			u, firstBelow := 0, 0
			for _, f := range inFirst {
				if f {
					firstBelow++
				} else {
					u += firstBelow // this second-sample value beats every first-sample value below it
				}
			}
			counts[u]++
			return
		}
		if left > 0 {
			rec(pos+1, left-1, append(inFirst, true))
		}
		if m+n-pos > left {
			rec(pos+1, left, append(inFirst, false))
		}
	}
	rec(0, m, nil)
	return counts
}

func TestUCDFByEnumeration(t *testing.T) {
	for _, mn := range [][2]int{{1, 1}, {1, 4}, {2, 3}, {3, 3}, {4, 5}, {6, 6}, {3, 9}, {8, 7}} {
		m, n := mn[0], mn[1]
		counts := bruteU(m, n)
		var total float64
		for _, c := range counts {
			total += c
		}
		cdf := uCDF(m, n)
		if len(cdf) != len(counts) {
			t.Fatalf("m=%d n=%d: got %d values, want %d", m, n, len(cdf), len(counts))
		}
		var s float64
		for u, c := range counts {
			s += c
			if want := s / total; math.Abs(cdf[u]-want) > 1e-12 {
				t.Errorf("m=%d n=%d: P(U <= %d): got %v, want %v", m, n, u, cdf[u], want)
			}
		}
	}
}

// TestMannWhitneyKnown checks p-values against values published for R's
// wilcox.test (exact, two-sided) and computed by hand from the counts.
func TestMannWhitneyKnown(t *testing.T) {
	for i, test := range []struct {
		x, y []float64
		u, p float64
	}{
		// Complete separation, 5 and 5: 2/C(10,5) = 2/252.
		{[]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 25, 2.0 / 252},
		{[]float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}, 0, 2.0 / 252},
		// 3 and 3 can never reach 0.05: 2/20.
		{[]float64{1, 2, 3}, []float64{4, 5, 6}, 9, 0.1},
		// Interleaved: U = 1+2+3+4 and p = 2·P(U <= 6) = 2·24/70.
		{[]float64{1, 3, 5, 7}, []float64{2, 4, 6, 8}, 10, 48.0 / 70},
		// U = mn/2: p = 1.
		{[]float64{1, 4, 5, 8}, []float64{2, 3, 6, 7}, 8, 1},
		// wilcox.test(c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30),
		//             c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29))
		// gives W = 58, p-value = 0.1329 (R's W counts x above y).
		{[]float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}, []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}, 58, 0.1329},
	} {
		u, p := mannWhitney(test.x, test.y)
		if u != test.u || math.Abs(p-test.p) > 5e-4 {
			t.Errorf("test %d: got U=%v p=%.4f, want U=%v p=%.4f", i, u, p, test.u, test.p)
		}
	}
}

// TestMannWhitneyTiesNormal checks the normal approximation with ties
// against the exact permutation p-value, found by enumerating every split
// of the pooled values.
func TestMannWhitneyTiesNormal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 20 {
		m, n := 7, 8
		x, y := make([]float64, m), make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(6)) // many ties
		}
		for j := range y {
			y[j] = float64(rng.IntN(6) + trial%3)
		}
		u, p := mannWhitney(x, y)
		pooled := append(slices.Clone(x), y...)
		dev := math.Abs(u - float64(m*n)/2)
		var hits, total float64
		var rec func(pos, left int, first []float64, second []float64)
		rec = func(pos, left int, first, second []float64) {
			if pos == len(pooled) {
				if left == 0 {
					uu, _ := uStat(first, second)
					total++
					if math.Abs(uu-float64(m*n)/2) >= dev-1e-9 {
						hits++
					}
				}
				return
			}
			if left > 0 {
				rec(pos+1, left-1, append(first, pooled[pos]), second)
			}
			if len(pooled)-pos > left {
				rec(pos+1, left, first, append(second, pooled[pos]))
			}
		}
		rec(0, m, nil, nil)
		// Close where it decides (small p), roughly elsewhere.
		if exact := hits / total; math.Abs(p-exact) > max(0.05, exact/4) || exact < 0.2 && math.Abs(p-exact) > 0.015 {
			t.Errorf("trial %d: got p=%.4f, exact permutation p=%.4f", trial, p, exact)
		}
	}
}

// uStat counts pairs by brute force: the U of y against x.
func uStat(x, y []float64) (float64, int) {
	var u float64
	for _, a := range x {
		for _, b := range y {
			if b > a {
				u++
			} else if b == a {
				u += 0.5
			}
		}
	}
	return u, len(x) * len(y)
}

// TestIntervalMatchesTest: the interval excludes 1 exactly when the exact
// test rejects, and it holds the estimate.
func TestIntervalMatchesTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		m, n := 4+trial%9, 4+trial%7
		shift := []float64{1, 1.01, 1.03, 1.1}[trial%4]
		x, y := lognormal(rng, m, 1, 0.03), lognormal(rng, n, shift, 0.03)
		r := CompareSamples(x, y, Alpha)
		if !r.HasInterval() {
			t.Fatalf("trial %d: m=%d n=%d: no interval", trial, m, n)
		}
		excludes := r.Low > 1 || r.High < 1
		if excludes != r.Significant {
			t.Errorf("trial %d: interval %.4f–%.4f but p=%.4f", trial, r.Low, r.High, r.P)
		}
		if !(r.Low <= r.Estimate && r.Estimate <= r.High) {
			t.Errorf("trial %d: estimate %.4f outside %.4f–%.4f", trial, r.Estimate, r.Low, r.High)
		}
	}
	if r := CompareSamples([]float64{1, 2, 3}, []float64{4, 5, 6}, Alpha); r.HasInterval() || r.Significant {
		t.Errorf("3 and 3 values: got %+v, want no interval and no significance", r)
	}
	if r := CompareSamples(nil, []float64{1}, Alpha); r.P != 1 || r.Significant {
		t.Errorf("no values: got %+v", r)
	}
}

// lognormal draws n times around median med with log-spread sigma, and
// one in ten of them 10–40% slower: a machine's other work only ever adds
// time.
func lognormal(rng *rand.Rand, n int, med, sigma float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = med * math.Exp(sigma*rng.NormFloat64())
		if rng.IntN(10) == 0 {
			xs[i] *= 1.1 + 0.3*rng.Float64()
		}
	}
	return xs
}

// sampled builds a measurement of choice name from samples, as Run would.
func sampled(name string, xs []float64) Measurement {
	med, mad := medianMAD(xs)
	return Measurement{
		Family: "gemm", Workload: "gemm/col", Size: 256, SizeLabel: "n=256",
		Choice: name, MedianNs: med, MADNs: mad, MinNs: slices.Min(xs), MaxNs: slices.Max(xs),
		Samples: xs, Reps: len(xs),
	}
}

// TestSignificanceRule runs the rule on samples drawn from known
// distributions: identical ones must tie (the test rejects at most at its
// rate α, and a recommendation also needs the 5% floor), known differences
// must be found.
func TestSignificanceRule(t *testing.T) {
	const trials = 2000
	for _, n := range []int{6, 8, 12} {
		rng := rand.New(rand.NewPCG(uint64(n), 42))
		var rejected, recommended int
		for range trials {
			naive := lognormal(rng, n, 1, 0.05)
			other := lognormal(rng, n, 1, 0.05)
			if CompareSamples(naive, other, Alpha).Significant {
				rejected++
			}
			r := Recommend([]Measurement{sampled("pack", naive), sampled("trans", other)}, "pack")
			if r.Choice != "pack" {
				recommended++
			}
		}
		// The exact test is conservative: its rate is at most α; allow
		// three standard errors of the estimated rate.
		slack := 3 * math.Sqrt(Alpha*(1-Alpha)/trials)
		if rate := float64(rejected) / trials; rate > Alpha+slack {
			t.Errorf("n=%d: equal distributions told apart in %.3f of trials, want at most α=%g (+%.3f)", n, rate, Alpha, slack)
		}
		if rate := float64(recommended) / trials; rate > Alpha+slack {
			t.Errorf("n=%d: a choice recommended over an identical one in %.3f of trials, want at most %g", n, rate, Alpha)
		}
		t.Logf("n=%d: equal distributions: test rejected %.3f, recommendation made %.4f of %d trials", n, float64(rejected)/trials, float64(recommended)/trials, trials)
	}
	// Known differences are found: the faster choice is recommended, and
	// the interval of its speedup holds the truth. The outliers cost power
	// in small samples (6 samples find 1.2× apart only 4 times in 5; Run
	// keeps sampling while an interval is wide, which outliers make it).
	for _, test := range []struct {
		n            int
		ratio, sigma float64
		minPower     float64
	}{{6, 1.5, 0.05, 0.99}, {8, 1.3, 0.03, 0.95}, {12, 1.2, 0.03, 0.99}, {12, 1.1, 0.01, 0.95}} {
		rng := rand.New(rand.NewPCG(uint64(test.n), 7))
		var found, covered int
		for range trials / 4 {
			naive := lognormal(rng, test.n, test.ratio, test.sigma)
			other := lognormal(rng, test.n, 1, test.sigma)
			r := Recommend([]Measurement{sampled("pack", naive), sampled("trans", other)}, "pack")
			if r.Choice == "trans" {
				found++
			}
			if v := r.VsNaive; v != nil && v.Low <= test.ratio && test.ratio <= v.High {
				covered++
			}
		}
		if p := float64(found) / (trials / 4); p < test.minPower {
			t.Errorf("n=%d, %.2f× apart with noise %g: found in %.3f of trials, want %g", test.n, test.ratio, test.sigma, p, test.minPower)
		}
		// The outliers make the interval's coverage less than nominal
		// but not by much.
		if c := float64(covered) / (trials / 4); c < 0.85 {
			t.Errorf("n=%d, %.2f× apart: the interval held the ratio in %.3f of trials", test.n, test.ratio, c)
		}
	}
}

// TestMedianCI checks the order statistics against binomial tail sums
// computed here from binomial coefficients.
func TestMedianCI(t *testing.T) {
	tail := func(n, k int) float64 { // P(B <= k), B ~ Binomial(n, 1/2)
		var s float64
		c := 1.0
		for i := 0; i <= k; i++ {
			s += c
			c = c * float64(n-i) / float64(i+1)
		}
		return s / math.Pow(2, float64(n))
	}
	for n := 1; n <= 40; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(n - i) // 1..n, reversed
		}
		lo, hi, ok := medianCI(xs, Alpha)
		if n < 6 {
			if ok {
				t.Errorf("n=%d: got an interval %v–%v from too few values", n, lo, hi)
			}
			continue
		}
		k := int(lo) // the values are 1..n, so lo is its own rank
		if !ok || hi != float64(n+1-k) {
			t.Fatalf("n=%d: got %v–%v, %v", n, lo, hi, ok)
		}
		if cover := 1 - 2*tail(n, k-1); cover < 1-Alpha {
			t.Errorf("n=%d: ranks %d–%d cover the median with %.4f", n, k, n+1-k, cover)
		}
		if k+1 <= n/2 && 1-2*tail(n, k) >= 1-Alpha {
			t.Errorf("n=%d: ranks %d–%d would do", n, k+1, n-k)
		}
	}
}
