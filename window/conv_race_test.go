//go:build race

package window

// convRace is true under the race detector, which makes sync.Pool drop
// items at random, so allocation counts are not meaningful.
const convRace = true
