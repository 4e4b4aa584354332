package similar

import (
	"math"
	"runtime"
	"sort"
	"sync"
)

// unit is a set of documents with the same Normalize key, clustered as one
// weighted point.
type unit struct {
	docs  []int // input positions, ascending
	terms []int32
	w     []float64 // L2-normalised TF-IDF weights, parallel to terms
}

// edge is the cosine similarity of two units, a < b.
type edge struct {
	a, b int32
	s    float64
}

// posting is one unit's weight for a term.
type posting struct {
	unit int32
	w    float64
}

// Group clusters docs by average-linkage agglomeration of their TF-IDF cosine
// similarities and returns every document in exactly one cluster. Documents
// with the same Normalize key always share a cluster. Clusters are ordered by
// size, largest first, then by their first member's input position; the result
// depends only on docs and opt.
func Group(docs []Doc, opt Options) []Cluster {
	if len(docs) == 0 {
		return nil
	}
	units := groupUnits(docs)
	edges := similarities(units, opt.MinEdge, opt.Neighbors)
	parent := agglomerate(units, edges, opt.GroupThreshold)
	return clusters(docs, units, edges, parent)
}

// groupUnits merges documents with the same Normalize key and computes each
// unit's TF-IDF vector over the whole input.
func groupUnits(docs []Doc) []unit {
	var st stemmer
	byKey := make(map[string]int)
	var units []unit
	var toks [][]string
	for i, d := range docs {
		k := Normalize(d.Text)
		if u, ok := byKey[k]; ok && k != "" {
			units[u].docs = append(units[u].docs, i)
			continue
		}
		byKey[k] = len(units)
		units = append(units, unit{docs: []int{i}})
		toks = append(toks, st.tokens(d.Text))
	}
	vocab := make(map[string]int32)
	var df []int
	counts := make([]map[int32]int, len(units))
	for u, ts := range toks {
		c := make(map[int32]int, len(ts))
		for _, t := range ts {
			id, ok := vocab[t]
			if !ok {
				id = int32(len(df))
				vocab[t] = id
				df = append(df, 0)
			}
			if c[id] == 0 {
				units[u].terms = append(units[u].terms, id)
			}
			c[id]++
		}
		for _, id := range units[u].terms {
			df[id] += len(units[u].docs)
		}
		counts[u] = c
	}
	n := len(docs)
	for u := range units {
		terms := units[u].terms
		w := make([]float64, len(terms))
		var norm float64
		for i, id := range terms {
			w[i] = tfWeight(counts[u][id]) * idf(n, df[id])
			norm += w[i] * w[i]
		}
		norm = math.Sqrt(norm)
		for i := range w {
			w[i] /= norm
		}
		units[u].w = w
	}
	return units
}

// similarities returns, for every unit, the links to its most similar units:
// at most neighbors of them (all when neighbors <= 0), each with a cosine
// similarity of at least minEdge. Similarities are accumulated through an
// inverted index, so only units sharing a term are ever compared. A pair kept
// by either of its units is returned once, with a < b, sorted.
func similarities(units []unit, minEdge float64, neighbors int) []edge {
	var nterms int32
	for _, u := range units {
		for _, t := range u.terms {
			nterms = max(nterms, t+1)
		}
	}
	df := make([]int, nterms)
	for _, u := range units {
		for _, t := range u.terms {
			df[t]++
		}
	}
	postings := make([][]posting, nterms)
	for t := range postings {
		postings[t] = make([]posting, 0, df[t])
	}
	for i, u := range units {
		for k, t := range u.terms {
			postings[t] = append(postings[t], posting{int32(i), u.w[k]})
		}
	}
	// Rows are independent: each worker takes every workers-th unit.
	workers := max(1, min(runtime.GOMAXPROCS(0), len(units)/1000))
	parts := make([][]edge, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = nearest(units, postings, w, workers, minEdge, neighbors)
		}()
	}
	wg.Wait()
	var edges []edge
	for _, p := range parts {
		edges = append(edges, p...)
	}
	// Both units of a pair may keep it, with values that differ in the last
	// bits (sums in another order): sorting on the value too makes the kept
	// copy independent of the number of workers.
	sort.Slice(edges, func(x, y int) bool {
		if edges[x].a != edges[y].a {
			return edges[x].a < edges[y].a
		}
		if edges[x].b != edges[y].b {
			return edges[x].b < edges[y].b
		}
		return edges[x].s > edges[y].s
	})
	out := edges[:0]
	for k, e := range edges {
		if k > 0 && e.a == edges[k-1].a && e.b == edges[k-1].b {
			continue
		}
		out = append(out, e)
	}
	return out
}

// nearest returns the best links of units first, first+step, first+2*step…
func nearest(units []unit, postings [][]posting, first, step int, minEdge float64, neighbors int) []edge {
	acc := make([]float64, len(units))
	touched := make([]int32, 0, len(units))
	var edges []edge
	if neighbors > 0 {
		edges = make([]edge, 0, neighbors*(len(units)/step+1))
	}
	var best []edge
	for i := first; i < len(units); i += step {
		u := units[i]
		for k, t := range u.terms {
			wi := u.w[k]
			for _, q := range postings[t] {
				if q.unit == int32(i) {
					continue
				}
				if acc[q.unit] == 0 {
					touched = append(touched, q.unit)
				}
				acc[q.unit] += wi * q.w
			}
		}
		best = best[:0]
		worst := 0
		for _, j := range touched {
			s := acc[j]
			acc[j] = 0
			if s < minEdge {
				continue
			}
			e := edge{int32(i), j, min(s, 1)}
			if e.b < e.a {
				e.a, e.b = e.b, e.a
			}
			best = keepBest(best, e, neighbors, &worst)
		}
		touched = touched[:0]
		edges = append(edges, best...)
	}
	return edges
}

// better reports whether link x ranks before link y among one unit's links:
// higher similarity first, then the pair earlier in input order.
func better(x, y edge) bool {
	if x.s != y.s {
		return x.s > y.s
	}
	if x.a != y.a {
		return x.a < y.a
	}
	return x.b < y.b
}

// keepBest adds e to best, which holds at most limit links (any number when
// limit <= 0); when full, e replaces the worst link, at index *worst, if it
// ranks before it.
func keepBest(best []edge, e edge, limit int, worst *int) []edge {
	if limit <= 0 || len(best) < limit {
		best = append(best, e)
		if len(best) == limit {
			*worst = worstOf(best)
		}
		return best
	}
	if better(e, best[*worst]) {
		best[*worst] = e
		*worst = worstOf(best)
	}
	return best
}

func worstOf(best []edge) int {
	w := 0
	for k := 1; k < len(best); k++ {
		if better(best[w], best[k]) {
			w = k
		}
	}
	return w
}

// candidate is a possible merge of clusters a and b with average similarity
// s, computed when their versions were va and vb. ta < tb are the clusters'
// first units, which break ties by input order.
type candidate struct {
	s      float64
	a, b   int32
	va, vb int32
	ta, tb int32
}

// queue is a binary heap of candidates, best first.
type queue []candidate

func (q *queue) push(c candidate) {
	*q = append(*q, c)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !before(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *queue) pop() candidate {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	*q = h
	q.down(0)
	return top
}

func (q queue) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(q) {
			return
		}
		m := l
		if r := l + 1; r < len(q) && before(q[r], q[l]) {
			m = r
		}
		if !before(q[m], q[i]) {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

func (q queue) init() {
	for i := len(q)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

// before reports whether candidate x is merged before y: higher similarity
// first, then the pair whose clusters come first in input order.
func before(x, y candidate) bool {
	if x.s != y.s {
		return x.s > y.s
	}
	if x.ta != y.ta {
		return x.ta < y.ta
	}
	return x.tb < y.tb
}

// agglomeration is the state of average-linkage clustering over a sparse
// similarity graph, where missing links count as similarity 0.
type agglomeration struct {
	size    []float64 // documents in each cluster
	version []int32   // bumped at every merge that involves the cluster
	parent  []int32   // union-find forest of units
	first   []int32   // first unit of each cluster
	links   []map[int32]float64
}

func (g *agglomeration) find(x int32) int32 {
	for g.parent[x] != x {
		g.parent[x] = g.parent[g.parent[x]]
		x = g.parent[x]
	}
	return x
}

// candidate returns the current merge candidate for clusters a and b.
func (g *agglomeration) candidate(a, b int32) candidate {
	c := candidate{
		s: g.links[a][b] / (g.size[a] * g.size[b]),
		a: a, b: b, va: g.version[a], vb: g.version[b],
		ta: g.first[a], tb: g.first[b],
	}
	if c.tb < c.ta {
		c.ta, c.tb = c.tb, c.ta
	}
	return c
}

// merge joins clusters a and b, keeping the identity of the one with more
// links so that the smaller link map is the one walked.
func (g *agglomeration) merge(a, b int32) {
	if len(g.links[a]) < len(g.links[b]) {
		a, b = b, a
	}
	g.parent[b] = a
	g.size[a] += g.size[b]
	g.first[a] = min(g.first[a], g.first[b])
	g.version[a]++
	g.version[b]++
	la := g.links[a]
	delete(la, b)
	for k, s := range g.links[b] {
		if k == a {
			continue
		}
		la[k] += s
		lk := g.links[k]
		lk[a] += lk[b]
		delete(lk, b)
	}
	g.links[b] = nil
}

// agglomerate merges clusters of units, most similar pair first, while their
// average pairwise document similarity is at least threshold, and returns
// each unit's cluster root.
//
// The average similarity of a merged cluster to a third one is a weighted
// mean of the two previous averages, so it never exceeds the larger of them:
// a queued candidate is an upper bound for the clusters its units now belong
// to. A candidate popped out of date is recomputed and queued again, and no
// merge needs to requeue the neighbours of the new cluster.
func agglomerate(units []unit, edges []edge, threshold float64) []int32 {
	n := len(units)
	g := agglomeration{
		size:    make([]float64, n),
		version: make([]int32, n),
		parent:  make([]int32, n),
		first:   make([]int32, n),
		links:   make([]map[int32]float64, n),
	}
	for i, u := range units {
		g.size[i] = float64(len(u.docs))
		g.parent[i] = int32(i)
		g.first[i] = int32(i)
	}
	h := make(queue, 0, len(edges))
	for _, e := range edges {
		sum := e.s * g.size[e.a] * g.size[e.b]
		if g.links[e.a] == nil {
			g.links[e.a] = make(map[int32]float64)
		}
		if g.links[e.b] == nil {
			g.links[e.b] = make(map[int32]float64)
		}
		g.links[e.a][e.b] = sum
		g.links[e.b][e.a] = sum
		if e.s >= threshold {
			h = append(h, candidate{s: e.s, a: e.a, b: e.b, ta: e.a, tb: e.b})
		}
	}
	h.init()
	for len(h) > 0 {
		c := h.pop()
		a, b := g.find(c.a), g.find(c.b)
		if a == b {
			continue
		}
		if a == c.a && b == c.b && g.version[a] == c.va && g.version[b] == c.vb {
			g.merge(a, b)
			continue
		}
		fresh := g.candidate(a, b)
		if fresh.s < threshold {
			continue
		}
		// Every queued candidate bounds a pair from above, so a fresh
		// candidate that ranks first is the best merge: do it now.
		if len(h) == 0 || !before(h[0], fresh) {
			g.merge(a, b)
			continue
		}
		h.push(fresh)
	}
	for i := range g.parent {
		g.parent[i] = g.find(int32(i))
	}
	return g.parent
}

// clusters turns the units' cluster assignment into the ordered result,
// choosing as title the member with the highest total similarity to the other
// members (the first in input order on a tie).
func clusters(docs []Doc, units []unit, edges []edge, parent []int32) []Cluster {
	central := make([]float64, len(units))
	for i, u := range units {
		central[i] = float64(len(u.docs) - 1)
	}
	for _, e := range edges {
		if parent[e.a] == parent[e.b] {
			central[e.a] += e.s * float64(len(units[e.b].docs))
			central[e.b] += e.s * float64(len(units[e.a].docs))
		}
	}
	type acc struct {
		members []int
		title   int32
	}
	byRoot := make(map[int32]*acc)
	var order []*acc
	for i, u := range units {
		r := parent[i]
		c, ok := byRoot[r]
		if !ok {
			c = &acc{title: int32(i)}
			byRoot[r] = c
			order = append(order, c)
		}
		c.members = append(c.members, u.docs...)
		if central[i] > central[c.title] {
			c.title = int32(i)
		}
	}
	out := make([]Cluster, len(order))
	for k, c := range order {
		sort.Ints(c.members)
		ids := make([]string, len(c.members))
		for i, m := range c.members {
			ids[i] = docs[m].ID
		}
		out[k] = Cluster{IDs: ids, TitleID: docs[units[c.title].docs[0]].ID}
	}
	// order follows the first unit of each cluster, which is also the input
	// order of first members, so a stable sort by size keeps the tie rule.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].IDs) > len(out[j].IDs) })
	return out
}
