package similar

import "math"

// Doc is a text to compare, with the caller's identifier.
type Doc struct {
	ID   string
	Text string
}

// Match is a stored document similar to a query. Score is the cosine
// similarity of their TF-IDF vectors, in [0,1]; 1 means the same text after
// Normalize.
type Match struct {
	ID    string
	Score float64
}

// Cluster is a group of similar documents. IDs are in input order; TitleID is
// the most central member, proposed as the group's title.
type Cluster struct {
	IDs     []string
	TitleID string
}

// Options holds the thresholds of Group and Index.
type Options struct {
	// NearThreshold is the lowest score Index.Near reports as a near-duplicate.
	NearThreshold float64
	// GroupThreshold is the lowest average pairwise similarity between two
	// groups for Group to merge them (average linkage).
	GroupThreshold float64
	// MinEdge is the lowest pairwise similarity Group keeps; weaker pairs count
	// as unrelated. It bounds memory on large inputs and must not exceed
	// GroupThreshold.
	MinEdge float64
	// Neighbors is how many most similar documents Group links each document
	// to (0 for all). Together with MinEdge it bounds the work and memory of
	// large inputs: the links form a sparse graph.
	Neighbors int
}

// DefaultOptions returns the thresholds used everywhere Atelier suggests
// groups or near-duplicates: the /suggest command and `atelier group`.
// docs/benchmarks-grouping.md explains how they were chosen.
func DefaultOptions() Options {
	return Options{
		NearThreshold:  0.6,
		GroupThreshold: 0.0075,
		MinEdge:        0.0075,
		Neighbors:      20,
	}
}

// tfWeight is the sublinear term-frequency factor.
func tfWeight(tf int) float64 {
	return 1 + math.Log(float64(tf))
}

// idf is the smoothed inverse document frequency of a term found in df of n
// documents.
func idf(n, df int) float64 {
	return math.Log(float64(1+n)/float64(1+df)) + 1
}
