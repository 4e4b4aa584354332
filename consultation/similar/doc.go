// Package similar finds similar ideas in French (and English) text: exact and
// near duplicates as ideas arrive, and suggested groups of ideas that
// organisers accept, split or ignore.
//
// # Text analysis
//
// Normalize gives the exact-duplicate key: lower case, accents folded,
// punctuation dropped, spaces collapsed. Tokens gives the index terms: words
// split on anything that is not a letter or digit, French elisions removed
// (l', d', qu', j', n', s', c', m', t', jusqu'… with the straight or the
// typographic apostrophe), French and English stop words dropped, each word
// stemmed with the Snowball French stemmer (the English one when the text has
// more English than French stop words), then accents folded.
//
// # Weighting and similarity
//
// A document is a TF-IDF vector: (1 + ln tf) · (ln((1+N)/(1+df)) + 1),
// L2-normalised, so the similarity of two documents is their cosine, in
// [0,1]. Similarities are accumulated through an inverted index (term →
// documents): only documents sharing a term are ever compared, and no loop
// runs over all pairs of documents.
//
// # Near-duplicates
//
// Index keeps term postings for stored documents and, for a query, sums the
// products of the weights along the postings of the query's terms, with idf
// taken over the documents stored at that moment. Stored documents with the
// query's Normalize key score 1; others are reported when their cosine reaches
// Options.NearThreshold.
//
// # Grouping
//
// Group first merges documents with the same Normalize key into one weighted
// point. It then links every point to its Options.Neighbors most similar
// points (cosine at least Options.MinEdge), a sparse graph that bounds memory
// and time on large inputs, and runs average-linkage agglomeration on it: the
// two groups with the highest average pairwise similarity (missing links
// count as 0) are merged, again and again, while that average is at least
// Options.GroupThreshold. This is the same criterion as hierarchical
// clustering with cosine distance and average linkage, restricted to the
// graph. Each group's title is its most central member: the one with the
// highest total similarity to the other members. Ties are broken by input
// order everywhere, so the result depends only on the input.
package similar
