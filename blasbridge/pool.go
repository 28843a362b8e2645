package blasbridge

import (
	"sync"
	"sync/atomic"
)

// task is work a pool worker runs. run must signal whatever its submitter
// waits on as its last action and not touch the task afterwards: the
// submitter recycles it.
type task interface{ run() }

// The worker pool behind GemmBatched: goroutines started once, on first use,
// that never exit, fed over an unbuffered channel. An unbuffered send with a
// default case hands a task only to a worker that is idle at that moment, so
// a batch never waits for a worker busy with another batch: the submitter
// runs every item nobody else claims, and a busy machine degrades to
// sequential execution instead of queueing.
var workers struct {
	started atomic.Int64
	mu      sync.Mutex
	tasks   chan task
}

func init() { workers.tasks = make(chan task) }

// startWorkers makes sure at least n workers are running. Workers are never
// stopped: after the first call a batch allocates nothing to find helpers.
func startWorkers(n int) {
	if workers.started.Load() >= int64(n) {
		return
	}
	workers.mu.Lock()
	defer workers.mu.Unlock()
	have := int(workers.started.Load())
	if have >= n {
		return
	}
	var ready sync.WaitGroup
	ready.Add(n - have)
	for range n - have {
		go worker(&ready)
	}
	// Wait until the new workers are about to receive, so the batch that
	// started them can already use them.
	ready.Wait()
	workers.started.Store(int64(n))
}

func worker(ready *sync.WaitGroup) {
	ready.Done()
	for t := range workers.tasks {
		t.run()
	}
}

// offer hands t to at most n idle workers, adding one to wg for each that
// takes it, and returns how many did. Each taker calls wg.Done when done.
func offer(t task, n int, wg *sync.WaitGroup) int {
	startWorkers(n)
	for h := range n {
		// Add before the send: the worker may finish before offer returns.
		wg.Add(1)
		select {
		case workers.tasks <- t:
		default:
			wg.Done()
			return h
		}
	}
	return n
}
