package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWilliams(t *testing.T) {
	// The rows for 3 and 4 arms, written out.
	want := map[int][][]int{
		3: {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {0, 2, 1}, {1, 0, 2}},
		4: {{0, 1, 3, 2}, {1, 2, 0, 3}, {2, 3, 1, 0}, {3, 0, 2, 1}},
	}
	for n, rows := range want {
		for r, row := range rows {
			if got := williams(n, r); !slices.Equal(got, row) {
				t.Errorf("n=%d round %d: got %v, want %v", n, r, got, row)
			}
			if got := williams(n, r+len(rows)); !slices.Equal(got, row) {
				t.Errorf("n=%d round %d: got %v, want round %d's %v", n, r+len(rows), got, r, row)
			}
		}
	}
	for n := 1; n <= 9; n++ {
		period := n
		if n%2 == 1 {
			period = 2 * n
		}
		pos := make([][]int, n)   // pos[arm][position]
		after := make([][]int, n) // after[arm][previous arm]
		for a := range n {
			pos[a], after[a] = make([]int, n), make([]int, n)
		}
		for r := range period {
			row := williams(n, r)
			if s := slices.Sorted(slices.Values(row)); !slices.Equal(s, seq0(n)) {
				t.Fatalf("n=%d round %d: %v is not a permutation", n, r, row)
			}
			// Each round rotates the previous one by one (within a half for odd n).
			if r%n > 0 {
				prev := williams(n, r-1)
				for j := range row {
					if row[j] != (prev[j]+1)%n {
						t.Errorf("n=%d round %d: %v is not %v rotated", n, r, row, prev)
						break
					}
				}
			}
			for j, a := range row {
				pos[a][j]++
				if j > 0 {
					after[a][row[j-1]]++
				}
			}
		}
		for a := range n {
			for j := range n {
				if pos[a][j] != period/n {
					t.Errorf("n=%d: arm %d runs in position %d %d times in %d rounds", n, a, j, pos[a][j], period)
				}
				if a != j && after[a][j] != period/n {
					t.Errorf("n=%d: arm %d runs after arm %d %d times in %d rounds", n, a, j, after[a][j], period)
				}
			}
		}
	}
}

func seq0(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// fakeClock is a clock that moves only when a fake case runs.
type fakeClock struct{ t time.Duration }

func (c *fakeClock) now() time.Duration { return c.t }

func (c *fakeClock) sampler(reps, maxReps int, budget time.Duration) *sampler {
	return &sampler{now: c.now, minTime: time.Millisecond, reps: reps, maxReps: maxReps, budget: budget, precision: 0.02, alpha: Alpha}
}

// fakeFamily returns a family of one workload whose choices, named by
// names, run for dur(name, call, clock) of fake time each, logging every
// setup and run in log.
func fakeFamily(c *fakeClock, log *[]string, naive string, names []string, dur func(name string, call int, now time.Duration) time.Duration) (*Family, *Workload) {
	w := &Workload{Name: "fake/w", Key: "w=fake", Unit: "n", Sizes: []int{1}, MaxSize: 1, Naive: naive}
	setups := map[string]int{}
	for _, name := range names {
		w.Choices = append(w.Choices, Choice{Name: name, Key: "c=" + name, Setup: func(int) (*Case, error) {
			setups[name]++
			inst := name
			if setups[name] > 1 {
				inst = name + TwinSuffix
			}
			*log = append(*log, "setup "+inst)
			calls := 0
			return &Case{
				Run: func() error {
					*log = append(*log, inst)
					c.t += dur(inst, calls, c.t)
					calls++
					return nil
				},
				Flops:  1,
				Result: func() []float64 { return []float64{1} },
			}, nil
		}})
	}
	return &Family{Name: "fake", Bench: "Fake", Workloads: []Workload{*w}}, w
}

// TestSamplerOrder records every setup and run of three choices: all are
// set up, then warmed up once, then calibrated (a sample of a lasts 1ms at
// 10µs a run: 100 runs; b at 25µs: 40; c, longer than 1ms, runs alone),
// then sampled in rounds whose orders are the Williams rows for 3 written
// out below.
func TestSamplerOrder(t *testing.T) {
	var c fakeClock
	var log []string
	durs := map[string]time.Duration{"a": 10 * time.Microsecond, "b": 25 * time.Microsecond, "c": 4 * time.Millisecond}
	f, w := fakeFamily(&c, &log, "a", []string{"a", "b", "c"}, func(name string, _ int, _ time.Duration) time.Duration { return durs[name] })
	s := c.sampler(5, 5, time.Hour)
	ms, twin, err := measureGroup(context.Background(), s, f, w, 1, false)
	if err != nil || twin != nil {
		t.Fatal(err, twin)
	}
	var want []string
	rep := func(name string, k int) {
		for range k {
			want = append(want, name)
		}
	}
	want = append(want, "setup a", "setup b", "setup c", "a", "b", "c")
	// Calibration: one run, then enough for 1.05ms (capped at 100× the
	// previous count), which lasts the 1ms.
	rep("a", 1)
	rep("a", 100)
	rep("b", 1)
	rep("b", 42)
	rep("c", 1)
	inner := map[string]int{"a": 100, "b": 40, "c": 1}
	rounds := [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"c", "b", "a"}, {"a", "c", "b"}}
	for _, round := range rounds {
		for _, name := range round {
			rep(name, inner[name])
		}
	}
	if !slices.Equal(log, want) {
		t.Errorf("got calls\n%s\nwant\n%s", compress(log), compress(want))
	}
	for _, m := range ms {
		if m.Inner != inner[m.Choice] || len(m.Samples) != 5 || m.Reps != 5 {
			t.Errorf("%s: inner %d, %d samples, reps %d; want %d, 5, 5", m.Choice, m.Inner, len(m.Samples), m.Reps, inner[m.Choice])
		}
		for _, x := range m.Samples {
			if x != float64(durs[m.Choice].Nanoseconds()) {
				t.Errorf("%s: sample %v ns, want %v", m.Choice, x, durs[m.Choice].Nanoseconds())
			}
		}
	}
}

// compress writes runs of one name as name×count.
func compress(log []string) string {
	var b strings.Builder
	for i := 0; i < len(log); {
		j := i
		for j < len(log) && log[j] == log[i] {
			j++
		}
		fmt.Fprintf(&b, "%s×%d ", log[i], j-i)
		i = j
	}
	return b.String()
}

// TestSamplerStops: with exact times every median is precise after the
// minimum of rounds; with noisy ones rounds continue until the budget is
// spent, or maxReps are taken.
func TestSamplerStops(t *testing.T) {
	for i, test := range []struct {
		noise         float64
		reps, maxReps int
		budget        time.Duration
		rounds        int
		unstable      bool
	}{
		{0, 6, 30, time.Hour, 6, false},
		// A round lasts 200µs on average (two runs of 100µs): a budget of
		// 1.05ms per choice, 2.1ms for the two, is spent after 11 rounds,
		// give or take one.
		{0.2, 6, 30, 1050 * time.Microsecond, 11, true},
		{0.2, 6, 8, time.Hour, 8, true},
	} {
		var c fakeClock
		var log []string
		rng := rand.New(rand.NewPCG(1, uint64(i)))
		f, w := fakeFamily(&c, &log, "a", []string{"a", "b"}, func(string, int, time.Duration) time.Duration {
			return time.Duration(float64(100*time.Microsecond) * (1 + test.noise*(2*rng.Float64()-1)))
		})
		s := c.sampler(test.reps, test.maxReps, test.budget)
		if test.noise > 0 {
			// One sample of one run each, so the noise is not averaged out.
			s.minTime = time.Nanosecond
		}
		ms, _, err := measureGroup(context.Background(), s, f, w, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if len(m.Samples) != test.rounds || m.Unstable != test.unstable {
				t.Errorf("test %d: %s: %d samples, unstable %v; want %d, %v", i, m.Choice, len(m.Samples), m.Unstable, test.rounds, test.unstable)
			}
		}
	}
}

// TestInterleavingCancelsDrift: the machine runs everything twice as
// slowly in every other 40ms (another job taking a core). Measured one
// after the other, two identical choices come out about 2× apart — the
// artefact of the sequential harness; interleaved, they tie, and so does
// the A/A check.
func TestInterleavingCancelsDrift(t *testing.T) {
	drift := func(_ string, _ int, now time.Duration) time.Duration {
		if now/(40*time.Millisecond)%2 == 1 {
			return 20 * time.Microsecond
		}
		return 10 * time.Microsecond
	}
	var c fakeClock
	var log []string
	f, w := fakeFamily(&c, &log, "pack", []string{"pack"}, drift)
	s := c.sampler(8, 8, time.Hour)
	seqA, _, err := measureGroup(context.Background(), s, f, w, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	c.t += 30 * time.Millisecond // the next choice starts a little later
	seqB, _, err := measureGroup(context.Background(), s, f, w, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := seqB[0].MedianNs / seqA[0].MedianNs; r < 1.5 {
		t.Fatalf("sequential: %v and %v ns, want the drift to part them (test setup)", seqA[0].MedianNs, seqB[0].MedianNs)
	}

	c = fakeClock{}
	f, w = fakeFamily(&c, &log, "pack", []string{"pack", "auto"}, drift)
	s = c.sampler(24, 24, time.Hour)
	ms, twin, err := measureGroup(context.Background(), s, f, w, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	r := recommend(ms, "pack", twin, Alpha)
	if r.Choice != "pack" || r.Noisy || r.AA == nil || r.AA.Significant {
		t.Errorf("interleaved: got %s (%s), noisy %v, A/A %+v", r.Choice, r.Reason, r.Noisy, r.AA)
	}
	if c := CompareSamples(ms[0].Samples, ms[1].Samples, Alpha); c.Significant {
		t.Errorf("interleaved: pack and auto told apart: %+v", c)
	}
	if d := ms[1].MedianNs/ms[0].MedianNs - 1; math.Abs(d) > 0.1 {
		t.Errorf("interleaved: medians %v and %v ns", ms[0].MedianNs, ms[1].MedianNs)
	}
}

// TestAASynthetic: a twin that measures like its original ties; a twin
// that measures 15% slower — what a machine that favours a position
// would do — makes the report say the machine is too noisy, and keep the
// naive choice although another is clearly faster.
func TestAASynthetic(t *testing.T) {
	for _, slow := range []float64{1, 1.15} {
		var c fakeClock
		var log []string
		rng := rand.New(rand.NewPCG(3, 3))
		f, w := fakeFamily(&c, &log, "pack", []string{"pack", "trans"}, func(name string, _ int, _ time.Duration) time.Duration {
			d := 100 * time.Microsecond
			switch name {
			case "trans":
				d = 50 * time.Microsecond
			case "pack" + TwinSuffix:
				d = time.Duration(float64(d) * slow)
			}
			return time.Duration(float64(d) * (1 + 0.01*rng.NormFloat64()))
		})
		s := c.sampler(10, 10, time.Hour)
		ms, twin, err := measureGroup(context.Background(), s, f, w, 1, true)
		if err != nil {
			t.Fatal(err)
		}
		if twin == nil || twin.Choice != "pack"+TwinSuffix || len(ms) != 2 {
			t.Fatalf("slow %v: twin %+v, %d measurements", slow, twin, len(ms))
		}
		r := recommend(ms, "pack", twin, Alpha)
		if slow == 1 && (r.Noisy || r.Choice != "trans" || r.AA == nil) {
			t.Errorf("equal twin: got %s, noisy %v: %s", r.Choice, r.Noisy, r.Reason)
		}
		if slow > 1 && (!r.Noisy || r.Choice != "pack" || !strings.Contains(r.Reason, "too noisy")) {
			t.Errorf("slow twin: got %s, noisy %v: %s", r.Choice, r.Noisy, r.Reason)
		}
	}
}

// TestAAFalseAlarmRate: over seeded trials of twins with one distribution,
// the A/A check calls the machine noisy at most at the rate α.
func TestAAFalseAlarmRate(t *testing.T) {
	const trials = 2000
	rng := rand.New(rand.NewPCG(5, 5))
	noisy := 0
	for range trials {
		naive := sampled("pack", lognormal(rng, 8, 1, 0.05))
		twin := sampled("pack"+TwinSuffix, lognormal(rng, 8, 1, 0.05))
		other := sampled("trans", lognormal(rng, 8, 0.5, 0.05))
		if r := recommend([]Measurement{naive, other}, "pack", &twin, Alpha); r.Noisy {
			noisy++
		}
	}
	if rate := float64(noisy) / trials; rate > Alpha+3*math.Sqrt(Alpha*(1-Alpha)/trials) {
		t.Errorf("A/A check failed in %.3f of trials of equal twins, want at most α=%g", rate, Alpha)
	}
}

func TestSamplerCancel(t *testing.T) {
	var c fakeClock
	var log []string
	ctx, cancel := context.WithCancel(context.Background())
	f, w := fakeFamily(&c, &log, "a", []string{"a", "b"}, func(_ string, call int, _ time.Duration) time.Duration {
		if call == 50 {
			cancel()
		}
		return time.Microsecond
	})
	if _, _, err := measureGroup(ctx, c.sampler(6, 6, time.Hour), f, w, 1, false); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
