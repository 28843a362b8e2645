package main

import (
	"flag"
	"time"

	"github.com/strider-go/strider/bench"
)

// samplingFlags are the flags of how long to sample and the A/A check.
type samplingFlags struct {
	aa      bool
	budget  time.Duration
	maxReps int
}

// addSamplingFlags registers -aa, -budget and -maxreps on fs.
func addSamplingFlags(fs *flag.FlagSet) *samplingFlags {
	s := new(samplingFlags)
	fs.BoolVar(&s.aa, "aa", false, "A/A check: measure each workload's naive choice twice, under two names; when the two do not tie, say the machine is too noisy instead of recommending")
	fs.DurationVar(&s.budget, "budget", 0, "time to spend sampling a workload at one size once -reps samples are taken, per choice (default 500ms, quick 50ms)")
	fs.IntVar(&s.maxReps, "maxreps", 0, "most samples of a choice (default 3 × -reps)")
	return s
}

// check rejects negative settings.
func (s *samplingFlags) check() error {
	if s.budget < 0 || s.maxReps < 0 {
		return usagef("-budget and -maxreps must not be negative")
	}
	return nil
}

// apply sets the options the flags name.
func (s *samplingFlags) apply(o *bench.Options) {
	o.AA, o.Budget, o.MaxReps = s.aa, s.budget, s.maxReps
}
