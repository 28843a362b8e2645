//go:build !race

package blastest

// raceEnabled: the race detector instruments allocations, so allocation
// counts are not checked under it.
const raceEnabled = false
