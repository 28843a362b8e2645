package lapack_test

import (
	"testing"

	"github.com/strider-go/strider/blasbridge/lapack/lapacktest"
)

// TestConformance runs the whole suite against the default backend; the
// netlib backend's tests run the same line.
func TestConformance(t *testing.T) { lapacktest.Run(t) }
