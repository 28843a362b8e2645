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
	// Reps is the number of timed samples always taken of every choice
	// (default 8, quick 6: the fewest that give the median an interval at
	// 95% is 6); MinTime is how long each sample lasts (default 20ms,
	// quick 3ms): short runs are repeated inside a sample.
	Reps    int
	MinTime time.Duration
	// MaxReps bounds the samples of a choice (default 3·Reps; at least
	// Reps), and Budget
	// times the number of choices the time spent sampling one workload at
	// one size (default 500ms, quick 50ms): past Reps, rounds of samples
	// continue until the interval of every choice's median is within
	// Precision of it (default 0.02) or one of those limits is reached;
	// choices whose interval is still wider are marked Unstable.
	MaxReps   int
	Budget    time.Duration
	Precision float64
	// Alpha is the significance level at which choices differ (default
	// the package's Alpha).
	Alpha float64
	// AA adds the A/A check to every workload and size: its naive choice
	// is set up and measured a second time, as another choice, and when
	// the two do not tie the recommendation says the machine is too noisy
	// (Recommendation.AA and Noisy).
	AA bool
	// Progress, when not nil, is called before each workload and size is
	// measured with the number of choices done, the total, and what is
	// next.
	Progress func(done, total int, next string)
	// Extra families are measured after Families, and named in Workloads
	// and Sizes like them: families built for one run, such as MatrixFamily
	// on the caller's matrix.
	Extra []Family
}

func (o *Options) defaults() {
	if o.Reps <= 0 {
		o.Reps = 8
		if o.Quick {
			o.Reps = 6
		}
	}
	if o.MinTime <= 0 {
		o.MinTime = 20 * time.Millisecond
		if o.Quick {
			o.MinTime = 3 * time.Millisecond
		}
	}
	switch {
	case o.MaxReps <= 0:
		o.MaxReps = 3 * o.Reps
	case o.MaxReps < o.Reps:
		o.MaxReps = o.Reps
	}
	if o.Budget <= 0 {
		o.Budget = 500 * time.Millisecond
		if o.Quick {
			o.Budget = 50 * time.Millisecond
		}
	}
	if o.Precision <= 0 {
		o.Precision = 0.02
	}
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = Alpha
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
// recommendations. Every choice of a workload at one size is measured by
// the same harness, together: all are set up (setup is timed for the
// record but never part of a sample), run once to warm up, and calibrated
// so that a sample of each lasts MinTime; then samples are taken in rounds,
// one of every choice per round in rotating order (see Sampling), so that
// drift, garbage collection and the machine's other work hit every choice
// alike. Run checks that every choice of a workload computes the same
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

	rep := &Report{Version: ReportVersion, Env: env(o), extra: o.Extra}
	rep.Sampling = &Sampling{
		Design: "interleaved", MinReps: o.Reps, MaxReps: o.MaxReps,
		BudgetNs: float64(o.Budget.Nanoseconds()), Precision: o.Precision,
		Alpha: o.Alpha, TieFloor: TieFloor, AA: o.AA,
	}
	epoch := time.Now()
	s := &sampler{
		now:     func() time.Duration { return time.Since(epoch) },
		gc:      runtime.GC,
		minTime: o.MinTime, reps: o.Reps, maxReps: o.MaxReps,
		budget: o.Budget, precision: o.Precision, alpha: o.Alpha,
	}
	twins := map[groupKey]Measurement{}
	done := 0
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w, f := j.w, familyOf(fs, j.w)
		if o.Progress != nil {
			o.Progress(done, total, fmt.Sprintf("%s %s (%d choices)", w.Name, w.SizeLabel(j.size), len(w.Choices)))
		}
		ms, twin, err := measureGroup(ctx, s, f, w, j.size, o.AA)
		if err != nil {
			return nil, err
		}
		rep.Measurements = append(rep.Measurements, ms...)
		if twin != nil {
			twins[groupKey{w.Name, j.size}] = *twin
		}
		done += len(w.Choices)
	}
	if o.Progress != nil {
		o.Progress(done, total, "")
	}
	setSpeedups(rep.Measurements)
	naive := map[string]string{}
	for _, w := range ws {
		naive[w.Name] = w.Naive
	}
	rep.Recommendations = recommendAll(rep.Measurements, func(w string) string { return naive[w] }, twins, o.Alpha)
	rep.Env.LoadAvgEnd = loadAvg()
	return rep, nil
}

// TwinSuffix ends the name of the A/A twin of a choice (Options.AA).
const TwinSuffix = " (twin)"

// measureGroup measures every choice of w at size with s, and, when aa is
// set, a twin of its naive choice. It returns the measurements in the
// order of w.Choices and the twin's.
func measureGroup(ctx context.Context, s *sampler, f *Family, w *Workload, size int, aa bool) ([]Measurement, *Measurement, error) {
	label := w.Name + " " + w.SizeLabel(size)
	choices := make([]*Choice, len(w.Choices))
	for i := range w.Choices {
		choices[i] = &w.Choices[i]
	}
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = c.Name
	}
	if c := w.Choice(w.Naive); aa && c != nil {
		choices = append(choices, c)
		names = append(names, c.Name+TwinSuffix)
	}
	arms := make([]*arm, len(choices))
	for i, c := range choices {
		start := s.now()
		cs, err := c.Setup(size)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", label, names[i], err)
		}
		arms[i] = &arm{name: names[i], cs: cs, setup: s.now() - start}
	}
	if err := s.measure(ctx, arms); err != nil {
		if ctx.Err() == nil {
			err = fmt.Errorf("%s: %w", label, err)
		}
		return nil, nil, err
	}
	var ref []float64
	var refChoice string
	for _, a := range arms {
		if a.cs.Result == nil {
			continue
		}
		res := a.cs.Result()
		if ref == nil {
			ref, refChoice = slices.Clone(res), a.name
		} else if err := sameResult(ref, res); err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %s and %s: %v", ErrResult, label, refChoice, a.name, err)
		}
	}
	ms := make([]Measurement, len(arms))
	for i, a := range arms {
		ms[i] = newMeasurement(s, f, w, choices[i], size, a)
		ms[i].Choice = a.name
	}
	if len(arms) > len(w.Choices) {
		return ms[:len(w.Choices)], &ms[len(w.Choices)], nil
	}
	return ms, nil, nil
}

func env(o Options) Env {
	e := Env{
		Date:        time.Now().Format(time.RFC3339),
		CPU:         cpuName(),
		NumCPU:      runtime.NumCPU(),
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		GOOS:        runtime.GOOS,
		GOARCH:      runtime.GOARCH,
		GoVersion:   runtime.Version(),
		Backend:     blasbridge.Active().Name,
		Quick:       o.Quick,
		Reps:        o.Reps,
		MinSample:   float64(o.MinTime.Nanoseconds()),
		LoadAvg:     loadAvg(),
		LoadAvgEnd:  -1,
		CPUFeatures: cpuFeatures(),
	}
	if d := blasbridge.Active().Describe; d != nil {
		e.BackendAbout, e.BackendWarning = d()
	}
	for _, b := range Backends() {
		e.Backends = append(e.Backends, b.Name)
	}
	return e
}

// newMeasurement summarises the samples of arm a, choice c of w at size.
func newMeasurement(s *sampler, f *Family, w *Workload, c *Choice, size int, a *arm) Measurement {
	xs := a.samples
	med, mad := medianMAD(xs)
	m := Measurement{
		Family: f.Name, Workload: w.Name, Size: size, SizeLabel: w.SizeLabel(size),
		Choice: c.Name, Bench: "Benchmark" + BenchName(f, w, c, size),
		Naive: c.Name == w.Naive,
		Reps:  len(xs), Inner: a.inner,
		MedianNs: med, MinNs: slices.Min(xs), MaxNs: slices.Max(xs),
		MADNs: mad, SpreadPct: 100 * mad / med,
		Copied: a.cs.Copied,
		Plan:   a.cs.Plan, Equivalent: a.cs.Equivalent,
		Samples: xs,
		SetupNs: float64(a.setup.Nanoseconds()),
	}
	if lo, hi, ok := medianCI(xs, s.alpha); ok {
		m.CILowNs, m.CIHighNs = lo, hi
		m.Unstable = !s.stable(xs)
	}
	if a.cs.Flops > 0 {
		m.Rate, m.RateUnit = a.cs.Flops/med, "GFLOP/s"
	} else {
		m.Rate, m.RateUnit = a.cs.Bytes/med, "GB/s"
	}
	return m
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
