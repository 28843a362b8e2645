package bench

import (
	"fmt"
	"strings"
	"sync"

	"github.com/strider-go/strider/blasbridge"
)

var registry = struct {
	sync.Mutex
	list []blasbridge.Backend
}{list: []blasbridge.Backend{blasbridge.Gonum}}

// RegisterBackend adds b to the backends the backend family compares, or
// replaces the one with the same name. Gonum's pure-Go BLAS is always
// there; a program built with the netlib tag registers OpenBLAS (see
// bench/cmd/layoutbench/netlib.go).
func RegisterBackend(b blasbridge.Backend) {
	registry.Lock()
	defer registry.Unlock()
	for i := range registry.list {
		if registry.list[i].Name == b.Name {
			registry.list[i] = b
			return
		}
	}
	registry.list = append(registry.list, b)
}

// Backends returns the registered backends, Gonum's first.
func Backends() []blasbridge.Backend {
	registry.Lock()
	defer registry.Unlock()
	return append([]blasbridge.Backend(nil), registry.list...)
}

// UseBackend makes the registered backend called name the active one for
// every workload (blasbridge.SetBackend) and returns the one it replaces.
func UseBackend(name string) (blasbridge.Backend, error) {
	var names []string
	for _, b := range Backends() {
		if b.Name == name {
			return blasbridge.SetBackend(b), nil
		}
		names = append(names, b.Name)
	}
	return blasbridge.Backend{}, fmt.Errorf("%w %q: want one of %s", ErrBackend, name, strings.Join(names, ", "))
}
