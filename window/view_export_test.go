package window

// SetMaxSearch sets the largest view Overlapping decides by enumeration and
// returns a function that restores the old limit.
func SetMaxSearch(n int) (restore func()) {
	old := maxSearch
	maxSearch = n
	return func() { maxSearch = old }
}
