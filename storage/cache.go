package storage

import (
	"slices"
	"sync"

	"atelier/consultation"
)

// maxCached bounds each map of the cache; past it, the map starts afresh.
const maxCached = 1024

// cache keeps decoded consultations and proposal lists by consultation id
// and version (migration 0012: triggers move the version with everything
// these hold). A transaction reads the version, and the rest only when the
// cache has another one.
//
// Read transactions fill the cache at once: they see committed data, and a
// committed version is never committed again with other content (a
// consultation is never deleted, so its id and version never start over). A write
// transaction may hold a version it will roll back, so what it reads goes
// into the cache only once its call has succeeded and its batch has
// committed. Callers receive copies, which they may change.
type cache struct {
	mu            sync.Mutex
	consultations map[int64]cachedConsultation
	proposals     map[int64]cachedProposals
}

type cachedConsultation struct {
	version int64
	c       *consultation.Consultation
}

type cachedProposals struct {
	version int64
	ps      []*consultation.Proposal
}

func newCache() *cache {
	return &cache{consultations: make(map[int64]cachedConsultation), proposals: make(map[int64]cachedProposals)}
}

func (c *cache) consultation(id, version int64) *consultation.Consultation {
	c.mu.Lock()
	e, ok := c.consultations[id]
	c.mu.Unlock()
	if !ok || e.version != version {
		return nil
	}
	return copyConsultation(e.c)
}

// putConsultation keeps v, which the caller gives up.
func (c *cache) putConsultation(version int64, v *consultation.Consultation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.consultations) >= maxCached {
		clear(c.consultations)
	}
	c.consultations[v.ID] = cachedConsultation{version, v}
}

func (c *cache) proposalList(id, version int64) ([]*consultation.Proposal, bool) {
	c.mu.Lock()
	e, ok := c.proposals[id]
	c.mu.Unlock()
	if !ok || e.version != version {
		return nil, false
	}
	return copyProposals(e.ps), true
}

// putProposals keeps ps, which the caller gives up.
func (c *cache) putProposals(id, version int64, ps []*consultation.Proposal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.proposals) >= maxCached {
		clear(c.proposals)
	}
	c.proposals[id] = cachedProposals{version, ps}
}

func copyConsultation(c *consultation.Consultation) *consultation.Consultation {
	out := *c
	out.Steps = slices.Clone(c.Steps)
	out.GroupIDs = slices.Clone(c.GroupIDs)
	return &out
}

func copyProposals(ps []*consultation.Proposal) []*consultation.Proposal {
	if ps == nil {
		return nil
	}
	out := make([]*consultation.Proposal, len(ps))
	n := 0
	for _, p := range ps {
		n += len(p.Ideas)
	}
	ideas := make([]consultation.Idea, 0, n)
	props := make([]consultation.Proposal, len(ps))
	for i, p := range ps {
		props[i] = *p
		if p.Ideas != nil {
			props[i].Ideas = make([]*consultation.Idea, len(p.Ideas))
			for j, idea := range p.Ideas {
				ideas = append(ideas, *idea)
				props[i].Ideas[j] = &ideas[len(ideas)-1]
			}
		}
		out[i] = &props[i]
	}
	return out
}

// keepConsultation puts a copy of c in the cache, now or after the commit.
func (t *sqlTx) keepConsultation(version int64, c *consultation.Consultation) {
	c = copyConsultation(c)
	t.keep(func() { t.cache.putConsultation(version, c) })
}

// keepProposals puts a copy of ps in the cache, now or after the commit.
func (t *sqlTx) keepProposals(id, version int64, ps []*consultation.Proposal) {
	ps = copyProposals(ps)
	t.keep(func() { t.cache.putProposals(id, version, ps) })
}

func (t *sqlTx) keep(put func()) {
	if t.readOnly {
		put()
		return
	}
	t.kept = append(t.kept, put)
}

// version reads a consultation's version, once between writes.
func (t *sqlTx) version(id int64) (int64, error) {
	if v, ok := t.versions[id]; ok {
		return v, nil
	}
	var v int64
	if err := t.queryRow(`SELECT version FROM consultations WHERE id = ?`, id).Scan(&v); err != nil {
		return 0, mapError(err, "consultation")
	}
	if t.versions == nil {
		t.versions = make(map[int64]int64)
	}
	t.versions[id] = v
	return v, nil
}
