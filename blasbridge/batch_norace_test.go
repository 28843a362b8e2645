//go:build !race

package blasbridge

// batchRace is true under the race detector, which makes sync.Pool drop
// items at random, so allocation counts are not meaningful.
const batchRace = false
