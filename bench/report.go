package bench

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/strider-go/strider/internal/cpufeat"
)

// Report is everything a run measured and what it recommends; its JSON form
// is what layoutbench -json prints.
type Report struct {
	// Version is the version of the report's JSON form: ReportVersion for
	// reports of this package, 0 (absent) for those written before reports
	// had samples and intervals.
	Version         int              `json:"version,omitempty"`
	Env             Env              `json:"env"`
	Sampling        *Sampling        `json:"sampling,omitempty"`
	Measurements    []Measurement    `json:"measurements"`
	Recommendations []Recommendation `json:"recommendations"`

	// extra are the Options.Extra families of the run that made the
	// report, for the docs of their workloads in WriteTable and
	// WriteMarkdown; a report read back from JSON has none.
	extra []Family
}

// Env describes the machine and the settings of a run.
type Env struct {
	Date       string   `json:"date"` // RFC 3339
	CPU        string   `json:"cpu"`
	NumCPU     int      `json:"num_cpu"`
	GOMAXPROCS int      `json:"gomaxprocs"`
	GOOS       string   `json:"goos"`
	GOARCH     string   `json:"goarch"`
	GoVersion  string   `json:"go_version"`
	Backend    string   `json:"backend"`  // the active backend of every family but backend
	Backends   []string `json:"backends"` // the backends the backend family compares
	Quick      bool     `json:"quick"`
	Reps       int      `json:"reps"`
	MinSample  float64  `json:"min_sample_ns"` // each timed sample lasts at least this long
	// LoadAvg is the 1-minute load average when the run started (Linux;
	// -1 elsewhere): above the number of CPUs, other work shared the
	// machine and the spreads show it.
	LoadAvg float64 `json:"load_avg"`
	// LoadAvgEnd is the 1-minute load average when the measurements ended
	// (-1 where unknown): a load that rose during the run skews the later
	// workloads.
	LoadAvgEnd float64 `json:"load_avg_end"`
	// CPUFeatures lists the x86 vector extensions the CPU and OS support
	// and the vendor ("AVX AVX2 FMA AVX512F … (AuthenticAMD)"), which
	// decide what kernels a BLAS can run; empty on other architectures.
	CPUFeatures string `json:"cpu_features,omitempty"`
	// BackendAbout and BackendWarning are what the active backend's
	// Describe returned when the run started (OpenBLAS: its version, core
	// and threads; a warning when it runs slower kernels than the CPU
	// allows); empty for Gonum's BLAS.
	BackendAbout   string `json:"backend_about,omitempty"`
	BackendWarning string `json:"backend_warning,omitempty"`
}

// Measurement is one choice of one workload at one size: the distribution of
// the time of one run.
type Measurement struct {
	Family    string `json:"family"`
	Workload  string `json:"workload"`
	Size      int    `json:"size"`
	SizeLabel string `json:"size_label"` // "n=256"
	Choice    string `json:"choice"`
	// Bench is the name of the go test benchmark that measures the same.
	Bench string `json:"bench"`
	Naive bool   `json:"naive,omitempty"`
	// Reps samples were timed, each of Inner runs; times are per run.
	Reps     int     `json:"reps"`
	Inner    int     `json:"inner"`
	MedianNs float64 `json:"median_ns"`
	MinNs    float64 `json:"min_ns"`
	MaxNs    float64 `json:"max_ns"`
	// MADNs is the median absolute deviation of the samples; SpreadPct is
	// it as a percentage of the median.
	MADNs     float64 `json:"mad_ns"`
	SpreadPct float64 `json:"spread_pct"`
	// Rate is the throughput at the median, in RateUnit: GFLOP/s or GB/s.
	Rate     float64 `json:"rate"`
	RateUnit string  `json:"rate_unit"`
	// Copied is the bytes the choice copies per run; -1 when unknown.
	Copied int64 `json:"copied_bytes"`
	// Speedup is the naive choice's median over this one's.
	Speedup float64 `json:"speedup"`
	// Plan and Equivalent are set for the auto choice: strider's plan and
	// the fixed choice it matches.
	Plan       string `json:"plan,omitempty"`
	Equivalent string `json:"equivalent,omitempty"`
	// Samples are the time of one run in each sample, in the order taken
	// (sample k of every choice of a workload and size was taken in round
	// k); empty in reports of version 0.
	Samples []float64 `json:"samples_ns,omitempty"`
	// CILowNs and CIHighNs bound the median at the confidence 1 - Alpha
	// (order statistics of the samples, no distribution assumed); 0 when
	// the samples are too few (fewer than 6).
	CILowNs  float64 `json:"ci_low_ns,omitempty"`
	CIHighNs float64 `json:"ci_high_ns,omitempty"`
	// Unstable is set when that interval stayed wider than the precision
	// asked for (Options.Precision) until the sampling budget was spent.
	Unstable bool `json:"unstable,omitempty"`
	// SetupNs is how long the choice's setup took (allocating and filling
	// its operands, planning): never part of the times above, for any
	// choice.
	SetupNs float64 `json:"setup_ns,omitempty"`
}

// Recommendation is the choice a run recommends for one workload at one
// size, derived from its measurements by Recommend.
type Recommendation struct {
	Family    string `json:"family"`
	Workload  string `json:"workload"`
	Size      int    `json:"size"`
	SizeLabel string `json:"size_label"`
	// Choice is the recommended choice; Fastest has the smallest median.
	// They differ when the fastest is within noise of the naive choice,
	// which is then kept, or when another choice ties with the fastest and
	// is preferred (auto, or one that copies less: see Recommend).
	Choice  string `json:"choice"`
	Fastest string `json:"fastest"`
	Naive   string `json:"naive"`
	// Speedup is the naive choice's median over the recommended one's.
	Speedup float64 `json:"speedup"`
	// Tie is true when another choice is within noise of the recommended
	// one's time; TiedWith names them.
	Tie      bool     `json:"tie"`
	TiedWith []string `json:"tied_with,omitempty"`
	// Reason says in one line why.
	Reason string `json:"reason"`
	// Planner is the fixed choice strider's planner picked (or its plan when
	// it matches none); PlannerAgrees is whether that pick is the fastest
	// fixed choice or within noise of it. Both are empty for workloads
	// without an auto choice.
	Planner       string `json:"planner,omitempty"`
	PlannerAgrees *bool  `json:"planner_agrees,omitempty"`
	PlannerNote   string `json:"planner_note,omitempty"`
	// VsNaive is the test behind the choice: the naive choice's times over
	// the recommended one's (or the fastest's, when the naive choice is
	// kept), so its Estimate and interval are a speedup. Nil when the
	// naive choice is fastest, or the measurements have no samples.
	VsNaive *Pair `json:"vs_naive,omitempty"`
	// AutoVsPick is auto's times over those of the fixed choice its plan
	// amounts to (its Equivalent): the same plan under two names, which
	// should tie unless strider runs it differently.
	AutoVsPick *Pair `json:"auto_vs_pick,omitempty"`
	// AA is the A/A check (Options.AA): the naive choice measured a second
	// time under another name. Noisy is set when the two did not tie by
	// the rule that separates choices; the naive choice is then kept, and
	// Reason says the machine is too noisy to recommend.
	AA    *Pair `json:"aa,omitempty"`
	Noisy bool  `json:"noisy,omitempty"`
}

// backendLabel is the backend's name for a header, with its description
// when it has one: "netlib (OpenBLAS 0.3.21, core Cooperlake, 2 threads)".
func backendLabel(name, about string) string {
	if about == "" {
		return name
	}
	return name + " (" + about + ")"
}

// loadAvg returns the 1-minute load average, or -1 when unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// cpuName returns the processor's model name, or GOARCH when unknown.
// cpuFeatures lists the CPU's x86 vector extensions and vendor
// (cpufeat.Features.String); empty on other architectures.
func cpuFeatures() string {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "386" {
		return ""
	}
	return cpufeat.Detect().String()
}

func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
