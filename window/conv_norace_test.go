//go:build !race

package window

const convRace = false
