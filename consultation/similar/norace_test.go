//go:build !race

package similar_test

// raceEnabled reports whether the race detector is on: the large data
// checks then run on a prefix of the data set to stay fast.
const raceEnabled = false
