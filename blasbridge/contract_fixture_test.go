package blasbridge_test

import (
	"testing"

	"github.com/strider-go/strider/blasbridge/blastest"
)

// TestContract runs Matmul and Einsum on NumPy's fixtures
// (testdata/contract.json) and on random layouts against brute force, on
// the default backend; the netlib backend's tests run the same line.
func TestContract(t *testing.T) { blastest.Contract(t) }
