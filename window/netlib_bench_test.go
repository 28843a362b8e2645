//go:build netlib

package window

// Built with -tags netlib, this package's tests and benchmarks run on
// OpenBLAS: the import's init installs the backend.
import _ "github.com/strider-go/strider/blasbridge/netlib"
