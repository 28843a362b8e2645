//go:build netlib && cgo

package netlib_test

import (
	"fmt"

	"github.com/strider-go/strider/blasbridge"
	_ "github.com/strider-go/strider/blasbridge/netlib"
)

// One blank import, built with -tags netlib, puts blasbridge (and Gonum's
// blas64, blas32 and mat) on OpenBLAS.
func Example() {
	fmt.Println(blasbridge.Active().Name)
	// Output: netlib
}
