//go:build netlib && cgo

package netlib_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/netlib"
)

// The CPUs of the table, by the features their vendors document.
var (
	// Sapphire Rapids, Cooper Lake; and AMD Zen 4 and 5 (the project's EPYC).
	bf16Intel = netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true, FMA: true,
		AVX512F: true, AVX512BW: true, AVX512DQ: true, AVX512VL: true, AVX512BF16: true}
	bf16AMD = netlib.Features{Vendor: "AuthenticAMD", AVX: true, AVX2: true, FMA: true,
		AVX512F: true, AVX512BW: true, AVX512DQ: true, AVX512VL: true, AVX512BF16: true}
	// Skylake-SP, Cascade Lake, Ice Lake.
	skx = netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true, FMA: true,
		AVX512F: true, AVX512BW: true, AVX512DQ: true, AVX512VL: true}
	// Knights Landing: AVX-512F without BW, DQ and VL.
	knl = netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true, FMA: true, AVX512F: true}
	// Haswell to Alder Lake; Zen 1–3; Hygon Dhyana.
	hsw   = netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true, FMA: true}
	zen   = netlib.Features{Vendor: "AuthenticAMD", AVX: true, AVX2: true, FMA: true}
	hygon = netlib.Features{Vendor: "HygonGenuine", AVX: true, AVX2: true, FMA: true}
	// An AVX2 CPU outside Linux, where the vendor is unknown.
	anyAVX2 = netlib.Features{AVX: true, AVX2: true, FMA: true}
	// Sandy Bridge: AVX only. Westmere: none. AVX2 without FMA: no such
	// CPU, but Haswell's kernels would fault on it.
	snb     = netlib.Features{Vendor: "GenuineIntel", AVX: true}
	wsm     = netlib.Features{Vendor: "GenuineIntel"}
	avx2Fma = netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true}
)

// TestCheckCore is the decision table: a core whose kernels use neither
// AVX2 nor FMA on a CPU with AVX2 and FMA or AVX-512 warns, naming the core
// type that the CPU's features call for; nothing else does.
func TestCheckCore(t *testing.T) {
	for i, test := range []struct {
		core string
		cpu  netlib.Features
		want string // the OPENBLAS_CORETYPE of the warning; "" for none
	}{
		// OpenBLAS 0.3.21's fallback on Intel family 6 model 207.
		{"Prescott", bf16Intel, "Cooperlake"},
		{"Prescott", bf16AMD, "Cooperlake"},
		{"Prescott", skx, "SkylakeX"},
		{"Prescott", knl, "Haswell"},
		{"Prescott", hsw, "Haswell"},
		{"Prescott", zen, "Zen"},
		{"Prescott", hygon, "Zen"},
		{"Prescott", anyAVX2, "Haswell"},
		{"prescott", skx, "SkylakeX"}, // OpenBLAS compares names without case
		{"PRESCOTT", zen, "Zen"},
		// Every other core of 0.3.21 whose kernels predate AVX2.
		{"Katmai", hsw, "Haswell"},
		{"Coppermine", hsw, "Haswell"},
		{"Northwood", hsw, "Haswell"},
		{"Banias", hsw, "Haswell"},
		{"Atom", hsw, "Haswell"},
		{"Core2", bf16Intel, "Cooperlake"},
		{"Penryn", skx, "SkylakeX"},
		{"Dunnington", hsw, "Haswell"},
		{"Nehalem", skx, "SkylakeX"},
		{"Athlon", zen, "Zen"},
		{"Opteron", zen, "Zen"},
		{"Opteron_SSE3", zen, "Zen"},
		{"Barcelona", zen, "Zen"},
		{"Nano", hsw, "Haswell"},
		{"Bobcat", zen, "Zen"},
		{"Sandybridge", hsw, "Haswell"},
		{"Bulldozer", zen, "Zen"},
		{"Piledriver", zen, "Zen"},
		{"Steamroller", zen, "Zen"},
		// The CPU offers no more than the core uses.
		{"Prescott", snb, ""},
		{"Prescott", wsm, ""},
		{"Prescott", avx2Fma, ""},
		{"Sandybridge", snb, ""},
		{"Nehalem", netlib.Features{}, ""},
		// Cores of the AVX2 class or later are not fallbacks.
		{"Haswell", hsw, ""},
		{"Haswell", bf16AMD, ""},
		{"Zen", zen, ""},
		{"Zen", bf16AMD, ""},
		{"Excavator", zen, ""},
		{"SkylakeX", skx, ""},
		{"SkylakeX", bf16Intel, ""},
		{"Cooperlake", bf16Intel, ""},
		{"SapphireRapids", bf16Intel, ""}, // 0.3.22 and later
		// Names the check does not know: other architectures, "Unknown".
		{"NEOVERSEN1", bf16Intel, ""},
		{"Unknown", hsw, ""},
		{"", hsw, ""},
	} {
		w := netlib.CheckCore(test.core, test.cpu)
		got := ""
		if w != nil {
			got = w.CoreType
			if w.Core != test.core || w.CPU != test.cpu {
				t.Errorf("test %d: warning for core %q, CPU %v; want core %q, CPU %v", i, w.Core, w.CPU, test.core, test.cpu)
			}
		}
		if got != test.want {
			t.Errorf("test %d: CheckCore(%q, %v): got core type %q, want %q", i, test.core, test.cpu, got, test.want)
		}
	}
}

func TestCoreWarningString(t *testing.T) {
	s := netlib.CheckCore("Prescott", bf16AMD).String()
	for _, want := range []string{
		"Prescott kernels", "neither AVX2 nor FMA",
		"AVX AVX2 FMA AVX512F AVX512BW AVX512DQ AVX512VL AVX512_BF16 (AuthenticAMD)",
		"OPENBLAS_CORETYPE=Cooperlake", "before any Go code runs",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("warning lacks %q: %s", want, s)
		}
	}
	if strings.Contains(s, "\n") {
		t.Errorf("warning is more than one line: %q", s)
	}
}

func TestFeaturesString(t *testing.T) {
	for i, test := range []struct {
		f    netlib.Features
		want string
	}{
		{bf16AMD, "AVX AVX2 FMA AVX512F AVX512BW AVX512DQ AVX512VL AVX512_BF16 (AuthenticAMD)"},
		{hsw, "AVX AVX2 FMA (GenuineIntel)"},
		{anyAVX2, "AVX AVX2 FMA"},
		{wsm, "no AVX (GenuineIntel)"},
		{netlib.Features{}, "no AVX"},
	} {
		if got := test.f.String(); got != test.want {
			t.Errorf("test %d: got %q, want %q", i, got, test.want)
		}
	}
}

// cpuinfo reads the first processor's vendor_id and flags from Linux's
// /proc/cpuinfo: the kernel's view of CPUID, a reference independent of
// golang.org/x/sys/cpu. It skips the test elsewhere.
func cpuinfo(t *testing.T) (vendor string, flags map[string]bool) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("needs /proc/cpuinfo of linux/amd64")
	}
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	flags = map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		switch strings.TrimSpace(k) {
		case "vendor_id":
			vendor = strings.TrimSpace(v)
		case "flags":
			for _, fl := range strings.Fields(v) {
				flags[fl] = true
			}
			return vendor, flags
		}
	}
	t.Fatalf("no flags in /proc/cpuinfo (%v)", sc.Err())
	return
}

// TestCPUFeatures checks CPUFeatures against the kernel's flags.
func TestCPUFeatures(t *testing.T) {
	vendor, flags := cpuinfo(t)
	f := netlib.CPUFeatures()
	t.Logf("CPU: %v", f)
	if f.Vendor != vendor {
		t.Errorf("vendor: got %q, want %q", f.Vendor, vendor)
	}
	for _, c := range []struct {
		name string
		got  bool
	}{
		{"avx", f.AVX}, {"avx2", f.AVX2}, {"fma", f.FMA},
		{"avx512f", f.AVX512F}, {"avx512bw", f.AVX512BW}, {"avx512dq", f.AVX512DQ}, {"avx512vl", f.AVX512VL},
		{"avx512_bf16", f.AVX512BF16},
	} {
		if c.got != flags[c.name] {
			t.Errorf("%s: got %v, /proc/cpuinfo says %v", c.name, c.got, flags[c.name])
		}
	}
}

// forcible are the core names OpenBLAS 0.3.21 finds when OPENBLAS_CORETYPE
// names them (force_coretype searches corename[1..24]; Cooperlake, the
// 25th, is chosen by features instead).
var forcible = []string{"Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom", "Core2", "Penryn",
	"Dunnington", "Nehalem", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Nano", "Sandybridge",
	"Bobcat", "Bulldozer", "Piledriver", "Haswell", "Steamroller", "Excavator", "Zen", "SkylakeX"}

// TestCoreLive checks the report on the library this process loaded,
// whatever core it chose: the core is the one in OpenBLAS's own
// configuration string, the one OPENBLAS_CORETYPE forced when the test's
// environment sets one, and the backend's description and Check agree with
// it.
func TestCoreLive(t *testing.T) {
	core := netlib.Core()
	cfg, _, _ := strings.Cut(netlib.Config(), "; core ")
	t.Logf("core %s; %s; %d threads; CPU %v", core, cfg, netlib.Threads(), netlib.CPUFeatures())
	if core == "" {
		t.Fatal("empty core name")
	}
	// A DYNAMIC_ARCH build appends the core's name to its configuration.
	if strings.Contains(cfg, "DYNAMIC_ARCH") && !slices.Contains(strings.Fields(cfg), core) {
		t.Errorf("core %q is not in the configuration %q", core, cfg)
	}
	if env := os.Getenv("OPENBLAS_CORETYPE"); env != "" && slices.ContainsFunc(forcible, func(c string) bool { return strings.EqualFold(c, env) }) {
		if !strings.EqualFold(core, env) {
			t.Errorf("OPENBLAS_CORETYPE=%s, yet the core is %s", env, core)
		}
	}

	w := netlib.Check()
	want := netlib.CheckCore(core, netlib.CPUFeatures())
	if (w == nil) != (want == nil) || w != nil && *w != *want {
		t.Errorf("Check() = %v, want %v", w, want)
	}
	desc := blasbridge.Active().Describe
	if desc == nil {
		t.Fatal("the netlib backend has no Describe")
	}
	about, warning := desc()
	if wantAbout := fmt.Sprintf(", core %s, %d threads", core, netlib.Threads()); !strings.HasPrefix(about, "OpenBLAS ") || !strings.HasSuffix(about, wantAbout) {
		t.Errorf("Describe: got %q, want OpenBLAS's version then %q", about, wantAbout)
	}
	if want == nil && warning != "" || want != nil && warning != want.String() {
		t.Errorf("Describe's warning: got %q, want %v", warning, want)
	}
}

// childOut names the file a child test process writes its report to; only
// a child has it in its environment.
const childOut = "STRIDER_NETLIB_CORE_CHILD_OUT"

// childReport is what the child saw.
type childReport struct {
	Core     string
	Warning  *netlib.CoreWarning
	About    string
	Describe string // the backend's warning
}

// TestCoreChild does nothing in a normal run. Started by TestCoreFallback
// with childOut set, it is the child process: it reports the core its
// OpenBLAS loaded with and what the checks make of it.
func TestCoreChild(t *testing.T) {
	out := os.Getenv(childOut)
	if out == "" {
		t.Skip("the child process of TestCoreFallback")
	}
	about, warning := blasbridge.Active().Describe()
	b, err := json.Marshal(childReport{Core: netlib.Core(), Warning: netlib.Check(), About: about, Describe: warning})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runChild runs this test binary's TestCoreChild with OPENBLAS_CORETYPE
// set to coreType in the child's environment only (OpenBLAS reads it when
// the library loads, so setting it in this process would change nothing),
// and returns its report.
func runChild(t *testing.T, coreType string) childReport {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCoreChild$", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OPENBLAS_CORETYPE=") && !strings.HasPrefix(kv, childOut+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "OPENBLAS_CORETYPE="+coreType, childOut+"="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child with OPENBLAS_CORETYPE=%s: %v\n%s", coreType, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("child with OPENBLAS_CORETYPE=%s wrote no report: %v", coreType, err)
	}
	var r childReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCoreFallback proves the live check end to end. OpenBLAS picks its
// kernels when the library loads, so the test starts two children of its
// own binary: one with OPENBLAS_CORETYPE=Prescott, the generic core OpenBLAS
// 0.3.21 falls back to on CPUs it misreads, which must report the fallback
// and name the fix; and one with the fix, which must run that core and
// report nothing. The fix expected is derived here from /proc/cpuinfo's
// flags by the mapping's definition, not from CPUFeatures. Only the
// children's environments are changed.
func TestCoreFallback(t *testing.T) {
	vendor, flags := cpuinfo(t)
	avx512 := flags["avx512f"] && flags["avx512bw"] && flags["avx512dq"] && flags["avx512vl"]
	want := ""
	switch {
	case avx512 && flags["avx512_bf16"]:
		want = "Cooperlake"
	case avx512:
		want = "SkylakeX"
	case flags["avx2"] && flags["fma"] && (vendor == "AuthenticAMD" || vendor == "HygonGenuine"):
		want = "Zen"
	case flags["avx2"] && flags["fma"]:
		want = "Haswell"
	}

	r := runChild(t, "Prescott")
	if r.Core != "Prescott" {
		t.Fatalf("OPENBLAS_CORETYPE=Prescott: the child runs core %q", r.Core)
	}
	if !strings.Contains(r.About, "core Prescott") {
		t.Errorf("OPENBLAS_CORETYPE=Prescott: Describe says %q", r.About)
	}
	if want == "" {
		if r.Warning != nil || r.Describe != "" {
			t.Errorf("a CPU without AVX2 and FMA: got warning %v (%q)", r.Warning, r.Describe)
		}
		t.Skip("this CPU has neither AVX2 with FMA nor AVX-512: Prescott is no fallback here")
	}
	if r.Warning == nil {
		t.Fatalf("OPENBLAS_CORETYPE=Prescott on a CPU with %s: no warning", want)
	}
	if r.Warning.Core != "Prescott" || r.Warning.CoreType != want {
		t.Errorf("OPENBLAS_CORETYPE=Prescott: warning for core %q with fix %q; want Prescott and %q", r.Warning.Core, r.Warning.CoreType, want)
	}
	if !strings.Contains(r.Describe, "OPENBLAS_CORETYPE="+want) {
		t.Errorf("Describe's warning does not name the fix OPENBLAS_CORETYPE=%s: %q", want, r.Describe)
	}
	t.Logf("Prescott: %s", r.Describe)

	r = runChild(t, want)
	if r.Core != want {
		t.Errorf("OPENBLAS_CORETYPE=%s: the child runs core %q", want, r.Core)
	}
	if r.Warning != nil || r.Describe != "" {
		t.Errorf("OPENBLAS_CORETYPE=%s: still warned: %v", want, r.Warning)
	}
}
