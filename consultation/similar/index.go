package similar

import (
	"math"
	"sort"
	"sync"
)

// Index holds documents for near-duplicate look-ups as ideas arrive. Weights
// are TF-IDF over the documents stored at query time. It is safe for
// concurrent use.
type Index struct {
	opt Options

	mu       sync.RWMutex
	slots    []*stored        // by insertion; nil once removed
	byID     map[string]int   // live slot of each id
	byKey    map[string][]int // live slots of each Normalize key
	vocab    map[string]int32 // term ids
	postings [][]termPosting  // live slots holding each term
	live     int              // number of stored documents
	stems    stemmer          // guarded by stemMu
	stemMu   sync.Mutex
	scratch  sync.Pool // of *nearScratch
}

// nearScratch is the working memory of one Near call, reused across calls.
type nearScratch struct {
	acc     []float64 // dot product by slot
	touched []int32   // slots with a non-zero dot product
	idf     []float64 // idf by term id, valid where idfMark == mark
	idfMark []uint32
	mark    uint32
}

// termIDF returns the idf of term t among n documents, memoised for one call.
func (x *Index) termIDF(sc *nearScratch, t int32, n int) float64 {
	if sc.idfMark[t] != sc.mark {
		sc.idfMark[t] = sc.mark
		sc.idf[t] = idf(n, len(x.postings[t]))
	}
	return sc.idf[t]
}

// stored is one document of an Index.
type stored struct {
	id    string
	key   string
	terms []int32
	tfw   []float64 // tfWeight of each term, parallel to terms
}

// termPosting is one stored document's weighted frequency of a term.
type termPosting struct {
	slot int32
	tfw  float64
}

// NewIndex returns an empty index that reports matches scoring at least
// opt.NearThreshold.
func NewIndex(opt Options) *Index {
	return &Index{
		opt:   opt,
		byID:  make(map[string]int),
		byKey: make(map[string][]int),
		vocab: make(map[string]int32),
	}
}

// tokens analyses text, reusing the index's cache of stems.
func (x *Index) tokens(text string) []string {
	x.stemMu.Lock()
	defer x.stemMu.Unlock()
	return x.stems.tokens(text)
}

// termCounts returns the distinct terms of toks in first-seen order with
// their frequencies.
func termCounts(toks []string) ([]string, []int32) {
	var terms []string
	var tf []int32
	pos := make(map[string]int, len(toks))
	for _, t := range toks {
		if i, ok := pos[t]; ok {
			tf[i]++
			continue
		}
		pos[t] = len(terms)
		terms = append(terms, t)
		tf = append(tf, 1)
	}
	return terms, tf
}

// Add stores d, replacing any document with the same ID.
func (x *Index) Add(d Doc) {
	terms, tf := termCounts(x.tokens(d.Text))
	key := Normalize(d.Text)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(d.ID)
	s := &stored{id: d.ID, key: key}
	slot := len(x.slots)
	for i, t := range terms {
		id, ok := x.vocab[t]
		if !ok {
			id = int32(len(x.postings))
			x.vocab[t] = id
			x.postings = append(x.postings, nil)
		}
		w := tfWeight(int(tf[i]))
		s.terms = append(s.terms, id)
		s.tfw = append(s.tfw, w)
		x.postings[id] = append(x.postings[id], termPosting{int32(slot), w})
	}
	x.slots = append(x.slots, s)
	x.byID[d.ID] = slot
	x.byKey[key] = append(x.byKey[key], slot)
	x.live++
}

// Remove deletes the document with the given ID, if stored.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
}

func (x *Index) remove(id string) {
	slot, ok := x.byID[id]
	if !ok {
		return
	}
	s := x.slots[slot]
	for _, t := range s.terms {
		p := x.postings[t]
		for i, q := range p {
			if q.slot == int32(slot) {
				x.postings[t] = append(p[:i], p[i+1:]...)
				break
			}
		}
	}
	keys := x.byKey[s.key]
	for i, k := range keys {
		if k == slot {
			keys = append(keys[:i], keys[i+1:]...)
			break
		}
	}
	if len(keys) == 0 {
		delete(x.byKey, s.key)
	} else {
		x.byKey[s.key] = keys
	}
	delete(x.byID, id)
	x.slots[slot] = nil
	x.live--
	if len(x.slots) > 64 && x.live < len(x.slots)/2 {
		x.compact()
	}
}

// compact renumbers the live slots once removals leave most of them empty,
// keeping insertion order.
func (x *Index) compact() {
	renum := make([]int32, len(x.slots))
	var slots []*stored
	for i, s := range x.slots {
		renum[i] = -1
		if s != nil {
			renum[i] = int32(len(slots))
			slots = append(slots, s)
		}
	}
	x.slots = slots
	for id, slot := range x.byID {
		x.byID[id] = int(renum[slot])
	}
	for key, ks := range x.byKey {
		for i, k := range ks {
			ks[i] = int(renum[k])
		}
		x.byKey[key] = ks
	}
	for _, p := range x.postings {
		for i := range p {
			p[i].slot = renum[p[i].slot]
		}
	}
}

// Len returns the number of stored documents.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Near returns the stored documents whose similarity to text is at least the
// near-duplicate threshold, best first (earliest stored first on a tie), at
// most k of them. A stored document with the same Normalize key as text
// scores 1.
func (x *Index) Near(text string, k int) []Match {
	if k <= 0 {
		return nil
	}
	terms, tf := termCounts(x.tokens(text))
	key := Normalize(text)
	x.mu.RLock()
	defer x.mu.RUnlock()

	type hit struct {
		slot  int
		score float64
	}
	var hits []hit
	exact := make(map[int]bool)
	if key != "" {
		for _, slot := range x.byKey[key] {
			exact[slot] = true
			hits = append(hits, hit{slot, 1})
		}
	}
	sc, _ := x.scratch.Get().(*nearScratch)
	if sc == nil {
		sc = new(nearScratch)
	}
	defer x.scratch.Put(sc)
	if len(sc.acc) < len(x.slots) {
		sc.acc = make([]float64, len(x.slots)+len(x.slots)/4)
	}
	if len(sc.idf) < len(x.postings) {
		sc.idf = make([]float64, len(x.postings)+len(x.postings)/4)
		sc.idfMark = make([]uint32, len(sc.idf))
	}
	sc.mark++
	if sc.mark == 0 {
		clear(sc.idfMark)
		sc.mark = 1
	}
	n := x.live
	var qnorm float64
	for i, t := range terms {
		id, ok := x.vocab[t]
		if !ok {
			w := tfWeight(int(tf[i])) * idf(n, 0)
			qnorm += w * w
			continue
		}
		w := tfWeight(int(tf[i])) * x.termIDF(sc, id, n)
		qnorm += w * w
		wi := w * x.termIDF(sc, id, n)
		for _, p := range x.postings[id] {
			if sc.acc[p.slot] == 0 {
				sc.touched = append(sc.touched, p.slot)
			}
			sc.acc[p.slot] += wi * p.tfw
		}
	}
	qnorm = math.Sqrt(qnorm)
	for _, slot := range sc.touched {
		dot := sc.acc[slot]
		sc.acc[slot] = 0
		if exact[int(slot)] {
			continue
		}
		s := x.slots[slot]
		var norm float64
		for i, t := range s.terms {
			w := s.tfw[i] * x.termIDF(sc, t, n)
			norm += w * w
		}
		score := dot / (qnorm * math.Sqrt(norm))
		if score >= x.opt.NearThreshold {
			hits = append(hits, hit{int(slot), min(score, 1)})
		}
	}
	sc.touched = sc.touched[:0]
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].slot < hits[j].slot
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = Match{ID: x.slots[h.slot].id, Score: h.score}
	}
	return out
}
