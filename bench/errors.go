package bench

import "errors"

var (
	// ErrUnknownWorkload: a name that is neither a family nor a workload.
	ErrUnknownWorkload = errors.New("bench: unknown workload")
	// ErrSize: a size that is not positive or larger than a workload takes.
	ErrSize = errors.New("bench: bad size")
	// ErrBackend: a backend name that is not registered.
	ErrBackend = errors.New("bench: unknown backend")
	// ErrResult: choices of one workload that disagree on the result.
	ErrResult = errors.New("bench: choices disagree")
)
