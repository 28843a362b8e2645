package lapack_test

import (
	"testing"

	"github.com/strider-go/strider/blasbridge/lapack/lapacktest"
)

// The benchmarks live in lapacktest so that the netlib backend's package
// runs the same ones under the same names. On Gonum's pure-Go LAPACK the SVD
// at n=2048 takes tens of seconds an operation: run it with -benchtime 1x.

func BenchmarkSolve(b *testing.B)        { lapacktest.BenchSolve(b) }
func BenchmarkLeastSquares(b *testing.B) { lapacktest.BenchLeastSquares(b) }
func BenchmarkSVD(b *testing.B)          { lapacktest.BenchSVD(b) }
