// Package readme holds no code: its tests keep the Go programs in the
// repository's README.md in step with example functions that go test runs.
//
// Each ```go block in README.md is a complete program, announced by an HTML
// comment naming its example, for instance
//
//	<!-- example: Example_quickStart -->
//
// readme_test.go checks that the block is gofmt-formatted, imports exactly
// the packages its main uses, and that main's body is byte-identical to the
// body of that example in example_test.go; go test runs the example and
// compares its // Output:, which the README shows too. Edit the example and
// copy its body into the README, or the other way round; the test says
// which block differs.
package readme
