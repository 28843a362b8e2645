//go:build netlib && !cgo

package netlib

// The netlib backend calls OpenBLAS through cgo. Build with CGO_ENABLED=1
// and a C compiler, or drop the netlib tag to run on pure Go.
var _ = netlib_backend_requires_cgo_set_CGO_ENABLED_1
