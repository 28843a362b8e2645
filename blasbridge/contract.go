package blasbridge

import (
	"errors"

	"github.com/strider-go/strider/adapter"
)

// ContractPlan is how a contraction reaches BLAS.
type ContractPlan struct {
	// CopiedBytes counts every byte strider copies.
	CopiedBytes int
}

// String describes the plan in one line.
func (p ContractPlan) String() string { return "" }

// Matmul computes c = alpha·(a@b) + beta·c with NumPy's matmul semantics.
func Matmul[T adapter.Float](alpha T, a, b adapter.Array[T], beta T, c adapter.Array[T]) (ContractPlan, error) {
	return ContractPlan{}, errors.New("not yet")
}

// Einsum computes c = alpha·einsum(spec, a, b) + beta·c.
func Einsum[T adapter.Float](spec string, alpha T, a, b adapter.Array[T], beta T, c adapter.Array[T]) (ContractPlan, error) {
	return ContractPlan{}, errors.New("not yet")
}
