//go:build netlib && cgo

package bench

// Built with -tags netlib, this package's tests and benchmarks run on
// OpenBLAS (the import's init makes it the active backend), and the backend
// family compares it with pure Go.
import (
	"github.com/strider-go/strider/blasbridge"
	_ "github.com/strider-go/strider/blasbridge/netlib"
)

func init() { RegisterBackend(blasbridge.Active()) }
