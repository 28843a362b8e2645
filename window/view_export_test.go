package window

import "github.com/strider-go/strider/internal/bounds"

// SetMaxSearch sets the largest array Overlapping decides by enumeration
// (bounds.MaxSearch, which adapter.Array.Overlapping uses) and returns a
// function that restores the old limit.
func SetMaxSearch(n int) (restore func()) {
	old := bounds.MaxSearch
	bounds.MaxSearch = n
	return func() { bounds.MaxSearch = old }
}
