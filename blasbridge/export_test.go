package blasbridge

// OutputAliased reports whether p's output went through scratch because it
// shares an element with an input.
func OutputAliased(p Plan) bool { return p.aliased }

// RaceEnabled is true under the race detector.
const RaceEnabled = batchRace
