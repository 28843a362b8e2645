// Package workpool is the one pool of worker goroutines that strider's
// parallel loops (batched GEMM, convolution) share: started once, on first
// use, never exiting, fed over an unbuffered channel. An unbuffered send
// with a default case hands a task only to a worker idle at that moment, so
// a submitter never waits for a worker busy elsewhere: it runs every piece
// nobody else claims, and a busy machine degrades to sequential execution
// instead of queueing.
package workpool

import (
	"sync"
	"sync/atomic"
)

// Task is work a pool worker runs. Run must signal whatever its submitter
// waits on as its last action and not touch the task afterwards: the
// submitter recycles it.
type Task interface{ Run() }

var workers struct {
	started atomic.Int64
	mu      sync.Mutex
	tasks   chan Task
}

func init() { workers.tasks = make(chan Task) }

// startWorkers makes sure at least n workers are running. Workers are never
// stopped: after the first call a submitter allocates nothing to find
// helpers.
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
	// Wait until the new workers are about to receive, so the submitter that
	// started them can already use them.
	ready.Wait()
	workers.started.Store(int64(n))
}

func worker(ready *sync.WaitGroup) {
	ready.Done()
	for t := range workers.tasks {
		t.Run()
	}
}

// Offer hands t to at most n idle workers, adding one to wg for each that
// takes it, and returns how many did. Each taker calls wg.Done when done.
func Offer(t Task, n int, wg *sync.WaitGroup) int {
	if n <= 0 {
		return 0
	}
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
