//go:build !netlib

package netlib

// Without the netlib tag this package is its documentation only. A program
// that imports it wants OpenBLAS; running on pure Go instead would pass
// every test and be several times slower, so say so at start.
func init() {
	panic("github.com/strider-go/strider/blasbridge/netlib imported without -tags netlib: build with -tags netlib (and cgo) for the OpenBLAS backend, or drop the import for pure Go")
}
