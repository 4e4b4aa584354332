package similar

import (
	"strconv"
	"sync"

	"atelier/consultation"
)

// Ideas implements consultation.Similarity with Index and Group. It keeps
// one Index per consultation, filled from the consultation's ideas the first
// time they are searched and kept up to date by Added, so that a
// submission's near-duplicate check does not analyse every earlier idea
// again. It is safe for concurrent use.
type Ideas struct {
	opt Options

	mu    sync.Mutex
	byCID map[int64]*ideaIndex
}

// ideaIndex is one consultation's index. Ideas added while it is being
// filled wait in pending so that none is lost to the race between the
// filling read and a concurrent submission.
type ideaIndex struct {
	mu      sync.Mutex
	ready   bool
	index   *Index
	pending []*consultation.Idea
}

var _ consultation.Similarity = (*Ideas)(nil)

// NewIdeas returns an empty Ideas using opt (normally DefaultOptions).
func NewIdeas(opt Options) *Ideas {
	return &Ideas{opt: opt, byCID: make(map[int64]*ideaIndex)}
}

func (s *Ideas) entry(cid int64) *ideaIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byCID[cid]
	if !ok {
		e = &ideaIndex{index: NewIndex(s.opt)}
		s.byCID[cid] = e
	}
	return e
}

func ideaDoc(i *consultation.Idea) Doc {
	return Doc{ID: strconv.Itoa(i.Number), Text: i.Text}
}

// Near implements consultation.Similarity: the ideas of consultation cid
// scoring at least the near-duplicate threshold, best first, at most k.
// Withdrawn ideas are not indexed when the index is filled; the caller
// checks the state of the ideas returned.
func (s *Ideas) Near(cid int64, text string, k int, load func() ([]*consultation.Idea, error)) ([]consultation.Match, error) {
	e := s.entry(cid)
	e.mu.Lock()
	if !e.ready {
		ideas, err := load()
		if err != nil {
			e.mu.Unlock()
			return nil, err
		}
		for _, i := range ideas {
			if !i.Withdrawn {
				e.index.Add(ideaDoc(i))
			}
		}
		for _, i := range e.pending {
			e.index.Add(ideaDoc(i))
		}
		e.pending, e.ready = nil, true
	}
	e.mu.Unlock()
	ms := e.index.Near(text, k)
	out := make([]consultation.Match, 0, len(ms))
	for _, m := range ms {
		n, err := strconv.Atoi(m.ID)
		if err != nil {
			continue
		}
		out = append(out, consultation.Match{Number: n, Score: m.Score})
	}
	return out, nil
}

// Added implements consultation.Similarity.
func (s *Ideas) Added(i *consultation.Idea) {
	e := s.entry(i.ConsultationID)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.ready {
		e.pending = append(e.pending, i)
		return
	}
	e.index.Add(ideaDoc(i))
}

// Group implements consultation.Similarity with the same algorithm and
// thresholds as `atelier group`: Group over the ideas' texts, in the order
// given.
func (s *Ideas) Group(ideas []*consultation.Idea) []consultation.Cluster {
	docs := make([]Doc, len(ideas))
	for k, i := range ideas {
		docs[k] = ideaDoc(i)
	}
	var out []consultation.Cluster
	for _, c := range Group(docs, s.opt) {
		cl := consultation.Cluster{Numbers: make([]int, 0, len(c.IDs))}
		for _, id := range c.IDs {
			n, _ := strconv.Atoi(id)
			cl.Numbers = append(cl.Numbers, n)
		}
		cl.Title, _ = strconv.Atoi(c.TitleID)
		out = append(out, cl)
	}
	return out
}
