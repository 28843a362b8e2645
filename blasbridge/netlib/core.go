package netlib

// This file is untagged: the CPU's features and the pure check of a core
// against them compile in every build, so go doc shows them and code that
// only decides (tests, tools reading a report) needs no cgo.

import (
	"fmt"
	"strings"

	"github.com/strider-go/strider/internal/cpufeat"
)

// Features are the x86 instruction-set extensions that decide which
// OpenBLAS kernels a CPU can run: Vendor ("GenuineIntel", "AuthenticAMD",
// "HygonGenuine", or "" outside Linux); AVX, AVX2 and FMA, what the Haswell
// and Zen kernels need; AVX512F, AVX512BW, AVX512DQ and AVX512VL, what the
// SkylakeX kernels need; AVX512BF16, Cooperlake's. A feature is set only
// when both the CPU and the operating system support it, as
// golang.org/x/sys/cpu reports it; on other architectures every feature is
// false. AVX512 reports the four AVX-512 subsets; String lists them.
type Features = cpufeat.Features

// CPUFeatures returns the features of the CPU the process runs on.
func CPUFeatures() Features { return cpufeat.Detect() }

// preAVX2 are the x86 cores of OpenBLAS 0.3.21 (driver/others/dynamic.c,
// corename[]) whose kernels use neither AVX2 nor FMA3: the generic SSE
// cores (Prescott among them, which it picks for Intel family-6 models
// newer than its tables, whatever their features) and the AVX-only ones. Keys are lower case;
// OpenBLAS compares core names without case.
var preAVX2 = map[string]bool{
	"katmai": true, "coppermine": true, "northwood": true, "prescott": true,
	"banias": true, "atom": true, "core2": true, "penryn": true,
	"dunnington": true, "nehalem": true, "athlon": true, "opteron": true,
	"opteron_sse3": true, "barcelona": true, "nano": true, "bobcat": true,
	"sandybridge": true, "bulldozer": true, "piledriver": true, "steamroller": true,
}

// CoreWarning says that OpenBLAS runs kernels that predate the CPU, and
// which OPENBLAS_CORETYPE value fixes it. Its String method is the message
// a command shows; the package itself never prints.
type CoreWarning struct {
	// Core is the core OpenBLAS selected, as openblas_get_corename names
	// it: "Prescott".
	Core string
	// CPU is what the processor offers.
	CPU Features
	// CoreType is the value of OPENBLAS_CORETYPE whose kernels use those
	// features: "Cooperlake", "SkylakeX", "Zen" or "Haswell".
	CoreType string
}

// String is the warning in one line, naming the cause and the fix.
func (w CoreWarning) String() string {
	// 2.5–4×: DGEMM n=1024 on 2 cores of an AVX-512 EPYC ran 46 GFLOP/s
	// on Prescott's kernels, 120 on Haswell's, 200 on Cooperlake's.
	return fmt.Sprintf("OpenBLAS runs its %s kernels, which use neither AVX2 nor FMA, on a CPU with %s: "+
		"DGEMM runs 2.5–4× slower than it could. Start the program with OPENBLAS_CORETYPE=%s in its environment "+
		"(OpenBLAS reads it as the library loads, before any Go code runs)",
		w.Core, w.CPU, w.CoreType)
}

// CheckCore returns a warning when core, a core name as
// openblas_get_corename reports it, is one whose kernels use neither AVX2
// nor FMA — Prescott, the generic core OpenBLAS 0.3.21 falls back to on
// Intel CPUs newer than its tables, or another SSE or AVX-only core — while cpu has
// AVX2 and FMA or AVX-512; otherwise nil. The warning names the
// OPENBLAS_CORETYPE value that matches cpu:
//
//	AVX-512 F/BW/DQ/VL and AVX512_BF16   Cooperlake
//	AVX-512 F/BW/DQ/VL                   SkylakeX
//	AVX2 and FMA, AMD or Hygon           Zen
//	AVX2 and FMA                         Haswell
//
// A core of the AVX2 class on an AVX-512 CPU (Haswell, Zen) is not
// reported: it is no fallback but OpenBLAS's choice when the OS does not
// enable AVX-512, or the user's, though SkylakeX's kernels ran DGEMM
// n=1024 1.7× faster than Haswell's on the project's AVX-512 EPYC. Names CheckCore does not know
// (other architectures, later cores) are never reported.
//
// CheckCore decides from its arguments alone; Check applies it to the
// running library and CPU.
func CheckCore(core string, cpu Features) *CoreWarning {
	if !preAVX2[strings.ToLower(core)] {
		return nil
	}
	t := coreType(cpu)
	if t == "" {
		return nil
	}
	return &CoreWarning{Core: core, CPU: cpu, CoreType: t}
}

// coreType returns the OpenBLAS core for f's best kernels of the AVX2
// class or later, or "" when f has neither AVX2 with FMA nor AVX-512.
//
// OpenBLAS 0.3.21 does not find "Cooperlake" by name (force_coretype
// searches one entry short of it; fixed in 0.3.22), and then picks by
// features, which on a CPU with AVX512_BF16 is Cooperlake: so the value
// works on 0.3.21 too, as its test shows.
func coreType(f Features) string {
	switch {
	case f.AVX512() && f.AVX512BF16:
		return "Cooperlake"
	case f.AVX512():
		return "SkylakeX"
	case !f.AVX2 || !f.FMA:
		return ""
	case f.Vendor == "AuthenticAMD" || f.Vendor == "HygonGenuine":
		return "Zen"
	default:
		return "Haswell"
	}
}
