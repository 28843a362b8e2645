//go:build !race

package lapacktest

const raceEnabled = false
