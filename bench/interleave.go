package bench

import (
	"context"
	"math"
	"slices"
	"time"
)

// ReportVersion is the version of the JSON form of the reports Run makes:
// 2 added samples, intervals and significance (Measurement.Samples,
// Recommendation.VsNaive, Report.Sampling); reports without a version are
// of version 0 and still read.
const ReportVersion = 2

// Sampling is how Run sampled: the settings Options resolved to.
type Sampling struct {
	// Design is "interleaved": all choices of a workload at one size are
	// set up, warmed up and calibrated first; then round k takes sample k
	// of every choice, in the order of row k of a Williams Latin square.
	Design string `json:"design"`
	// MinReps samples are taken of every choice; more, up to MaxReps,
	// while an interval of a median is wider than Precision times the
	// median and the time spent sampling a workload at one size is under
	// BudgetNs times its number of choices.
	MinReps   int     `json:"min_reps"`
	MaxReps   int     `json:"max_reps"`
	BudgetNs  float64 `json:"budget_ns"`
	Precision float64 `json:"precision"`
	// Alpha and TieFloor are the level and the floor of the rule that
	// separates choices (Tied).
	Alpha    float64 `json:"alpha"`
	TieFloor float64 `json:"tie_floor"`
	// AA is set when every workload and size was A/A checked.
	AA bool `json:"aa,omitempty"`
}

// arm is one choice of a workload at one size, as the sampler runs it.
type arm struct {
	name    string
	cs      *Case
	setup   time.Duration
	inner   int       // runs per sample
	samples []float64 // time of one run in each sample, ns
}

// sampler measures the arms of one workload at one size in interleaved
// rounds. Its clock and collector are fields so tests can replace them.
type sampler struct {
	now       func() time.Duration // a monotonic clock
	gc        func()               // runtime.GC, or nil
	minTime   time.Duration        // the duration every sample aims at
	reps      int                  // rounds always taken
	maxReps   int                  // rounds at most
	budget    time.Duration        // rounds past reps stop once this is spent per arm
	precision float64              // …or once every median is this precise
	alpha     float64
}

// measure warms up and calibrates every arm, then samples them in rounds:
// round r runs each arm's sample in the order williams(len(arms), r), so
// drift, collections and cache state left by the previous sample hit all
// arms alike. Each sample runs the arm inner times, inner chosen so that a
// sample lasts about minTime for every arm.
func (s *sampler) measure(ctx context.Context, arms []*arm) error {
	s.collect()
	// Every arm runs once before any is timed: buffers are touched,
	// scratch pools filled, code paged in.
	for _, a := range arms {
		if err := a.cs.Run(); err != nil {
			return err
		}
	}
	for _, a := range arms {
		n, err := s.calibrate(ctx, a.cs)
		if err != nil {
			return err
		}
		a.inner = n
	}
	s.collect()
	start, budget := s.now(), s.budget*time.Duration(len(arms))
	for r := 0; r < s.maxReps; r++ {
		if r >= s.reps && (s.precise(arms) || s.now()-start >= budget) {
			break
		}
		for _, i := range williams(len(arms), r) {
			if err := ctx.Err(); err != nil {
				return err
			}
			a := arms[i]
			t, err := s.time(a.cs, a.inner)
			if err != nil {
				return err
			}
			a.samples = append(a.samples, float64(t.Nanoseconds())/float64(a.inner))
		}
	}
	return nil
}

func (s *sampler) collect() {
	if s.gc != nil {
		s.gc()
	}
}

// calibrate returns how many runs of cs make a sample last minTime: grown
// until a timed batch lasts minTime, then set from that batch's time per
// run. A run longer than minTime is a sample by itself.
func (s *sampler) calibrate(ctx context.Context, cs *Case) (int, error) {
	inner := 1
	for {
		t, err := s.time(cs, inner)
		if err != nil {
			return 0, err
		}
		per := float64(max(t, 1)) / float64(inner)
		if t >= s.minTime || ctx.Err() != nil {
			return max(1, int(math.Ceil(float64(s.minTime)/per))), nil
		}
		next := int(math.Ceil(1.05 * float64(s.minTime) / per))
		inner = min(max(next, inner+1), 100*inner)
	}
}

// time runs cs inner times and returns how long that took.
func (s *sampler) time(cs *Case, inner int) (time.Duration, error) {
	start := s.now()
	for range inner {
		if err := cs.Run(); err != nil {
			return 0, err
		}
	}
	return s.now() - start, nil
}

// precise reports whether every arm's median is known to within the
// precision asked for.
func (s *sampler) precise(arms []*arm) bool {
	return !slices.ContainsFunc(arms, func(a *arm) bool { return !s.stable(a.samples) })
}

// stable reports whether the 1-alpha interval of the median of xs is
// within precision of it on either side.
func (s *sampler) stable(xs []float64) bool {
	lo, hi, ok := medianCI(xs, s.alpha)
	med := median(xs)
	return ok && med-lo <= s.precision*med && hi-med <= s.precision*med
}

// williams returns the order of the n arms in round r: row r mod p of a
// Williams design, a Latin square whose row k is 0, 1, n-1, 2, n-2, … with
// k added to every entry mod n — each round the previous one rotated by
// one — and, for odd n, rows n..2n-1 the reverses of rows 0..n-1 (p is n
// for even n, 2n for odd). Over p rounds every arm runs in every position
// equally often and directly after every other arm equally often, so
// neither the position in a round nor the arm run just before favours
// anyone.
func williams(n, r int) []int {
	base := make([]int, n)
	for j := 1; j < n; j++ {
		if j%2 == 1 {
			base[j] = (j + 1) / 2
		} else {
			base[j] = n - j/2
		}
	}
	k := r % n
	if n%2 == 1 {
		k = r % (2 * n) % n
	}
	row := make([]int, n)
	for j, b := range base {
		row[j] = (b + k) % n
	}
	if n%2 == 1 && r%(2*n) >= n {
		slices.Reverse(row)
	}
	return row
}
