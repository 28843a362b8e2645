package bench

import (
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Alpha is the significance level at which Recommend and the compare
// report call two samples of times different, as benchstat does: the
// two-sided p-value of their Mann-Whitney U test must be at most Alpha.
// Intervals are reported at the confidence 1 - Alpha.
const Alpha = 0.05

// exactMax bounds the sample sizes whose U distribution is computed
// exactly; larger samples, and samples with ties, use the normal
// approximation.
const exactMax = 50

// Ratio compares two samples of times, base and other, without assuming
// any distribution: how many times longer other takes than base, with a
// confidence interval and the Mann-Whitney U test of the hypothesis that
// both samples come from one distribution.
//
// Estimate is the Hodges-Lehmann estimate of the ratio: the exponential of
// the median of the n1·n2 differences log(other_j) - log(base_i). Low and
// High bound it at the confidence 1 - alpha, by the order statistics of
// those differences that the U test's critical value picks (the interval
// that belongs to the test: it excludes 1 when the test rejects); both are
// 0 when the samples are too small for an interval at that level (3 and 3
// at alpha 0.05). P is the two-sided p-value, exact for samples without
// ties of at most 50 values each.
type Ratio struct {
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"low,omitempty"`
	High     float64 `json:"high,omitempty"`
	P        float64 `json:"p"`
	N1       int     `json:"n1"`
	N2       int     `json:"n2"`
	// Alpha is the level of the test and of the interval; Significant is
	// P <= Alpha.
	Alpha       float64 `json:"alpha"`
	Significant bool    `json:"significant"`
}

// HasInterval reports whether the samples were large enough for Low and
// High.
func (r Ratio) HasInterval() bool { return r.Low > 0 && r.High > 0 }

// CompareSamples returns how other's times compare with base's at the
// significance level alpha. Values that are not positive and finite are
// left out. With fewer than one value on either side the result has
// Estimate 0 and P 1.
func CompareSamples(base, other []float64, alpha float64) Ratio {
	x, y := positive(base), positive(other)
	r := Ratio{P: 1, N1: len(x), N2: len(y), Alpha: alpha}
	if len(x) == 0 || len(y) == 0 {
		return r
	}
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	for i, v := range x {
		lx[i] = math.Log(v)
	}
	for j, v := range y {
		ly[j] = math.Log(v)
	}
	d := make([]float64, 0, len(x)*len(y))
	for _, a := range lx {
		for _, b := range ly {
			d = append(d, b-a)
		}
	}
	slices.Sort(d)
	r.Estimate = math.Exp(median(d))
	_, r.P = mannWhitney(x, y)
	r.Significant = r.P <= alpha
	if c := criticalU(len(x), len(y), alpha); c >= 0 {
		r.Low, r.High = math.Exp(d[c]), math.Exp(d[len(d)-1-c])
	}
	return r
}

func positive(xs []float64) []float64 {
	var out []float64
	for _, v := range xs {
		if v > 0 && !math.IsInf(v, 1) {
			out = append(out, v)
		}
	}
	return out
}

// mannWhitney returns the U statistic of y against x — the number of pairs
// (x_i, y_j) with y_j > x_i, ties counting half — and the two-sided p-value
// of the hypothesis that x and y come from one distribution.
func mannWhitney(x, y []float64) (u, p float64) {
	m, n := len(x), len(y)
	all := make([]float64, 0, m+n)
	all = append(append(all, x...), y...)
	slices.Sort(all)
	ties := false
	var tieSum float64 // Σ t³ - t over groups of t equal values
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j] == all[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
		i = j
	}
	for _, a := range x {
		for _, b := range y {
			switch {
			case b > a:
				u++
			case b == a:
				u += 0.5
			}
		}
	}
	mn := float64(m * n)
	if !ties && m <= exactMax && n <= exactMax {
		cdf := uCDF(m, n)
		lo := min(u, mn-u) // the distribution is symmetric
		return u, min(1, 2*cdf[int(lo)])
	}
	N := float64(m + n)
	v := mn / 12 * ((N + 1) - tieSum/(N*(N-1)))
	if v <= 0 {
		return u, 1 // every value equal
	}
	z := math.Max(math.Abs(u-mn/2)-0.5, 0) / math.Sqrt(v)
	return u, min(1, 2*distuv.UnitNormal.Survival(z))
}

// criticalU returns the largest c with P(U <= c) <= alpha/2 for samples of
// m and n values without ties, or -1 when there is none: the differences
// of index c and mn-1-c bound the 1-alpha interval of a shift.
func criticalU(m, n int, alpha float64) int {
	if m > exactMax || n > exactMax {
		mn := float64(m * n)
		sd := math.Sqrt(mn * float64(m+n+1) / 12)
		c := int(math.Floor(mn/2 - distuv.UnitNormal.Quantile(1-alpha/2)*sd))
		return max(c, -1)
	}
	cdf := uCDF(m, n)
	c := -1
	for c+1 < len(cdf) && cdf[c+1] <= alpha/2 {
		c++
	}
	return c
}

var uCDFs sync.Map // [2]int -> []float64

// uCDF returns P(U <= u) for u = 0..m·n, U the Mann-Whitney statistic of
// samples of m and n values from one continuous distribution. It counts by
// where the largest value falls: with probability m/(m+n) in the first
// sample, which then beats all n of the second, else in the second:
//
//	p(m, n; u) = m/(m+n)·p(m-1, n; u-n) + n/(m+n)·p(m, n-1; u)
func uCDF(m, n int) []float64 {
	key := [2]int{m, n}
	if v, ok := uCDFs.Load(key); ok {
		return v.([]float64)
	}
	// prev[k] and cur[k] are the distributions for (i-1, k) and (i, k).
	prev := make([][]float64, n+1)
	for k := range prev {
		prev[k] = []float64{1} // no first sample: U = 0
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1}
		for k := 1; k <= n; k++ {
			p := make([]float64, i*k+1)
			a, b := float64(i)/float64(i+k), float64(k)/float64(i+k)
			for u, q := range prev[k] {
				p[u+k] += a * q
			}
			for u, q := range cur[k-1] {
				p[u] += b * q
			}
			cur[k] = p
		}
		prev = cur
	}
	pdf := prev[n]
	cdf := make([]float64, len(pdf))
	var s float64
	for u, q := range pdf {
		s += q
		cdf[u] = s
	}
	uCDFs.Store(key, cdf)
	return cdf
}

// medianCI returns the distribution-free 1-alpha confidence interval of
// the median of xs: the order statistics x(k) and x(n+1-k) for the
// largest k with P(Binomial(n, 1/2) < k) <= alpha/2; ok is false when n is
// too small (fewer than 6 values at alpha 0.05).
func medianCI(xs []float64, alpha float64) (lo, hi float64, ok bool) {
	n := len(xs)
	if n == 0 {
		return 0, 0, false
	}
	b := distuv.Binomial{N: float64(n), P: 0.5}
	k := 0
	for k+1 <= n/2 && b.CDF(float64(k)) <= alpha/2 {
		k++
	}
	if k == 0 {
		return 0, 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[k-1], s[n-k], true
}

// Pair is a Ratio with the names of the choices it compares: Other's times
// over Base's.
type Pair struct {
	Base  string `json:"base"`
	Other string `json:"other"`
	Ratio
}
