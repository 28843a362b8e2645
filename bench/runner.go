package bench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/strider-go/strider/blasbridge"
)

// Options says what Run measures and how.
type Options struct {
	// Workloads names families ("gemm") or workloads ("gemm/col"); empty
	// means all.
	Workloads []string
	// Sizes overrides the sizes measured: Sizes[""] for every workload,
	// Sizes[family] or Sizes[workload] for some. Unset means each workload's
	// Sizes, or QuickSizes when Quick.
	Sizes map[string][]int
	// Quick measures the quick sizes with fewer, shorter samples.
	Quick bool
	// Reps is the number of timed samples (default 5, quick 3), taken after
	// a warm-up; MinTime is the least each sample lasts (default 20ms, quick
	// 3ms): short runs are repeated inside a sample.
	Reps    int
	MinTime time.Duration
	// Progress, when not nil, is called before each measurement with the
	// number done, the total, and what is next.
	Progress func(done, total int, next string)
	// Extra families are measured after Families, and named in Workloads
	// and Sizes like them: families built for one run, such as MatrixFamily
	// on the caller's matrix.
	Extra []Family
}

func (o *Options) defaults() {
	if o.Reps <= 0 {
		o.Reps = 5
		if o.Quick {
			o.Reps = 3
		}
	}
	if o.MinTime <= 0 {
		o.MinTime = 20 * time.Millisecond
		if o.Quick {
			o.MinTime = 3 * time.Millisecond
		}
	}
}

// sizes returns the sizes to measure w at, checked against w.MaxSize. A
// Fixed workload keeps its Sizes; naming it in Sizes is an error.
func (o *Options) sizes(w *Workload) ([]int, error) {
	if w.Fixed {
		if _, ok := o.Sizes[w.Name]; ok {
			return nil, fmt.Errorf("%w: %s is measured at its operand's own size (%s); sizes do not apply", ErrSize, w.Name, w.SizeLabel(w.Sizes[0]))
		}
		return w.Sizes, nil
	}
	s, ok := o.Sizes[w.Name]
	if !ok {
		s, ok = o.Sizes[w.Family()]
	}
	if !ok {
		s, ok = o.Sizes[""]
	}
	if !ok {
		s = w.Sizes
		if o.Quick {
			s = w.QuickSizes
		}
	}
	for _, n := range s {
		if n < 1 || n > w.MaxSize {
			return nil, fmt.Errorf("%w: %s=%d for %s: want 1..%d", ErrSize, w.Unit, n, w.Name, w.MaxSize)
		}
	}
	return s, nil
}

// Run measures the selected workloads on the active backend and derives the
// recommendations. For each choice and size it sets the case up, runs it once
// to warm up and to find how many runs make a sample last MinTime, then takes
// Reps samples; it checks that every choice of a workload computes the same
// result. It stops with ctx's error when ctx is done.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	fs := append(Families(), o.Extra...)
	ws, err := selectFrom(fs, o.Workloads)
	if err != nil {
		return nil, err
	}
	for name := range o.Sizes {
		if name != "" && !known(fs, name) {
			_, err := selectFrom(fs, []string{name})
			return nil, err
		}
	}
	type job struct {
		w    *Workload
		size int
	}
	var jobs []job
	total := 0
	for i := range ws {
		sizes, err := o.sizes(&ws[i])
		if err != nil {
			return nil, err
		}
		for _, n := range sizes {
			jobs = append(jobs, job{&ws[i], n})
			total += len(ws[i].Choices)
		}
	}

	rep := &Report{Env: env(o), extra: o.Extra}
	done := 0
	for _, j := range jobs {
		w, f := j.w, familyOf(fs, j.w)
		var ref []float64
		var refChoice string
		for ci := range w.Choices {
			c := &w.Choices[ci]
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if o.Progress != nil {
				o.Progress(done, total, fmt.Sprintf("%s %s %s", w.Name, w.SizeLabel(j.size), c.Name))
			}
			m, res, err := measure(ctx, f, w, c, j.size, o)
			if err != nil {
				return nil, fmt.Errorf("%s %s %s: %w", w.Name, w.SizeLabel(j.size), c.Name, err)
			}
			if res != nil {
				if ref == nil {
					ref, refChoice = res, c.Name
				} else if err := sameResult(ref, res); err != nil {
					return nil, fmt.Errorf("%w: %s %s: %s and %s: %v", ErrResult, w.Name, w.SizeLabel(j.size), refChoice, c.Name, err)
				}
			}
			rep.Measurements = append(rep.Measurements, m)
			done++
		}
	}
	if o.Progress != nil {
		o.Progress(done, total, "")
	}
	setSpeedups(rep.Measurements)
	naive := map[string]string{}
	for _, w := range ws {
		naive[w.Name] = w.Naive
	}
	rep.Recommendations = recommendAll(rep.Measurements, func(w string) string { return naive[w] })
	return rep, nil
}

func env(o Options) Env {
	e := Env{
		Date:       time.Now().Format(time.RFC3339),
		CPU:        cpuName(),
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		GoVersion:  runtime.Version(),
		Backend:    blasbridge.Active().Name,
		Quick:      o.Quick,
		Reps:       o.Reps,
		MinSample:  float64(o.MinTime.Nanoseconds()),
		LoadAvg:    loadAvg(),
	}
	for _, b := range Backends() {
		e.Backends = append(e.Backends, b.Name)
	}
	return e
}

// measure sets up one choice at one size and times it. It returns the
// measurement and the result of the last run (nil when the case has none).
func measure(ctx context.Context, f *Family, w *Workload, c *Choice, size int, o Options) (Measurement, []float64, error) {
	cs, err := c.Setup(size)
	if err != nil {
		return Measurement{}, nil, err
	}
	runtime.GC()
	// Warm up, and grow the inner count until a sample lasts MinTime.
	inner := 1
	for {
		t, err := timeRuns(cs, inner)
		if err != nil {
			return Measurement{}, nil, err
		}
		if t >= o.MinTime || ctx.Err() != nil {
			break
		}
		per := max(t, time.Microsecond) / time.Duration(inner)
		next := int(float64(o.MinTime)/float64(per)*1.2) + 1
		inner = min(max(next, inner+1), 100*inner)
	}
	samples := make([]float64, o.Reps)
	for i := range samples {
		if err := ctx.Err(); err != nil {
			return Measurement{}, nil, err
		}
		t, err := timeRuns(cs, inner)
		if err != nil {
			return Measurement{}, nil, err
		}
		samples[i] = float64(t.Nanoseconds()) / float64(inner)
	}
	med, mad := medianMAD(samples)
	m := Measurement{
		Family: f.Name, Workload: w.Name, Size: size, SizeLabel: w.SizeLabel(size),
		Choice: c.Name, Bench: "Benchmark" + BenchName(f, w, c, size),
		Naive: c.Name == w.Naive,
		Reps:  o.Reps, Inner: inner,
		MedianNs: med, MinNs: slices.Min(samples), MaxNs: slices.Max(samples),
		MADNs: mad, SpreadPct: 100 * mad / med,
		Copied: cs.Copied,
		Plan:   cs.Plan, Equivalent: cs.Equivalent,
	}
	if cs.Flops > 0 {
		m.Rate, m.RateUnit = cs.Flops/med, "GFLOP/s"
	} else {
		m.Rate, m.RateUnit = cs.Bytes/med, "GB/s"
	}
	var res []float64
	if cs.Result != nil {
		res = slices.Clone(cs.Result())
	}
	return m, res, nil
}

func timeRuns(cs *Case, inner int) (time.Duration, error) {
	start := time.Now()
	for range inner {
		if err := cs.Run(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// medianMAD returns the median of xs and the median absolute deviation
// from it.
func medianMAD(xs []float64) (med, mad float64) {
	med = median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - med)
	}
	return med, median(dev)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// sameResult checks two results agree to a tolerance relative to their size:
// choices sum in different orders.
func sameResult(want, got []float64) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	var norm float64
	for _, v := range want {
		norm = max(norm, math.Abs(v))
	}
	tol := 1e-9 * max(norm, 1) * math.Sqrt(float64(len(want))+1)
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol) {
			return fmt.Errorf("element %d: got %g, want %g", i, got[i], want[i])
		}
	}
	return nil
}
