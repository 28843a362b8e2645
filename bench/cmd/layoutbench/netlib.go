//go:build netlib && cgo

package main

// Built with -tags netlib, layoutbench runs on OpenBLAS by default (the
// import's init makes it the active backend) and registers it, so the
// backend family compares it with pure Go; -threads sets OpenBLAS's threads.
import (
	"github.com/strider-go/strider/bench"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/netlib"
)

func init() {
	bench.RegisterBackend(blasbridge.Active())
	blasThreads.get = netlib.Threads
	blasThreads.set = netlib.SetThreads
}
