// Package cpufeat reports the x86 vector extensions of the CPU the process
// runs on, as golang.org/x/sys/cpu gives them, with the vendor from
// /proc/cpuinfo: what blasbridge/netlib checks OpenBLAS's core against and
// what bench's reports name.
package cpufeat

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/cpu"
)

// Features are the x86 instruction-set extensions that decide which
// OpenBLAS kernels a CPU can run. A feature is set only when both the CPU
// and the operating system support it (the OS must save the wider
// registers), as golang.org/x/sys/cpu reports it. On other architectures
// every feature is false.
type Features struct {
	// Vendor is the CPUID vendor string, "GenuineIntel", "AuthenticAMD" or
	// "HygonGenuine", as /proc/cpuinfo's vendor_id gives it; "" when
	// unknown (outside Linux).
	Vendor string
	// AVX, AVX2 and FMA (FMA3) are what OpenBLAS's Haswell and Zen kernels
	// need; Sandybridge's need AVX alone.
	AVX, AVX2, FMA bool
	// AVX512F, AVX512BW, AVX512DQ and AVX512VL are what its SkylakeX
	// kernels need.
	AVX512F, AVX512BW, AVX512DQ, AVX512VL bool
	// AVX512BF16 adds Cooperlake's bfloat16 kernels.
	AVX512BF16 bool
}

// Detect returns the features of the CPU the process runs on.
var Detect = sync.OnceValue(func() Features {
	f := Features{
		AVX:        cpu.X86.HasAVX,
		AVX2:       cpu.X86.HasAVX2,
		FMA:        cpu.X86.HasFMA,
		AVX512F:    cpu.X86.HasAVX512F,
		AVX512BW:   cpu.X86.HasAVX512BW,
		AVX512DQ:   cpu.X86.HasAVX512DQ,
		AVX512VL:   cpu.X86.HasAVX512VL,
		AVX512BF16: cpu.X86.HasAVX512BF16,
	}
	// golang.org/x/sys/cpu does not export the vendor; Linux names it.
	if r, err := os.Open("/proc/cpuinfo"); err == nil {
		f.Vendor = vendorID(r)
		r.Close()
	}
	return f
})

// vendorID returns the first vendor_id of a /proc/cpuinfo listing, or "".
func vendorID(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "vendor_id" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// AVX512 reports whether f has the AVX-512 subsets OpenBLAS's SkylakeX
// kernels use: F, BW, DQ and VL.
func (f Features) AVX512() bool {
	return f.AVX512F && f.AVX512BW && f.AVX512DQ && f.AVX512VL
}

// String lists the features present, in the order of the fields, then the
// vendor: "AVX AVX2 FMA AVX512F AVX512BW AVX512DQ AVX512VL AVX512_BF16
// (AuthenticAMD)".
func (f Features) String() string {
	var s []string
	for _, x := range []struct {
		has  bool
		name string
	}{
		{f.AVX, "AVX"}, {f.AVX2, "AVX2"}, {f.FMA, "FMA"},
		{f.AVX512F, "AVX512F"}, {f.AVX512BW, "AVX512BW"}, {f.AVX512DQ, "AVX512DQ"}, {f.AVX512VL, "AVX512VL"},
		{f.AVX512BF16, "AVX512_BF16"},
	} {
		if x.has {
			s = append(s, x.name)
		}
	}
	if len(s) == 0 {
		s = append(s, "no AVX")
	}
	if f.Vendor != "" {
		s = append(s, "("+f.Vendor+")")
	}
	return strings.Join(s, " ")
}
