//go:build netlib && cgo

package netlib_test

import (
	"fmt"
	"os"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/netlib"
)

// One blank import, built with -tags netlib, puts blasbridge (and Gonum's
// blas64, blas32 and mat) on OpenBLAS.
func Example() {
	fmt.Println(blasbridge.Active().Name)
	// Output: netlib
}

// CheckCore decides from a core name and a CPU's features alone: here the
// generic core OpenBLAS 0.3.21 falls back to on a newer Intel Xeon.
func ExampleCheckCore() {
	xeon := netlib.Features{Vendor: "GenuineIntel", AVX: true, AVX2: true, FMA: true,
		AVX512F: true, AVX512BW: true, AVX512DQ: true, AVX512VL: true, AVX512BF16: true}
	if w := netlib.CheckCore("Prescott", xeon); w != nil {
		fmt.Println("set OPENBLAS_CORETYPE=" + w.CoreType)
	}
	fmt.Println(netlib.CheckCore("Cooperlake", xeon) == nil)
	// Output:
	// set OPENBLAS_CORETYPE=Cooperlake
	// true
}

// Check looks at the library this process loaded. The package never
// prints: a command shows the warning where its user will see it.
func ExampleCheck() {
	if w := netlib.Check(); w != nil {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	fmt.Println(netlib.Core() != "", netlib.Threads() >= 1)
	// Output: true true
}
