package consultation

import (
	"context"
	"sort"
	"time"
)

// Digest is what happened in a group's consultations over a period, for
// members who do not follow the chat.
type Digest struct {
	Group    *Group
	Since    time.Time
	Until    time.Time
	Sections []*DigestSection // one per consultation with something to say
}

// DigestSection is one consultation's part of a digest.
type DigestSection struct {
	Consultation  *Consultation
	NewIdeas      []*Idea
	NewProposals  []*Proposal
	Participation *Participation // while evaluating or voting
	Results       *RoundResults  // a round closed in the period
	Tally         *Tally         // the adoption vote closed in the period
	Next          *Step          // the current phase, when it has a deadline ahead
}

// Empty reports whether nothing happened: no digest is sent then.
func (d *Digest) Empty() bool {
	for _, s := range d.Sections {
		if len(s.NewIdeas) > 0 || len(s.NewProposals) > 0 || s.Results != nil || s.Tally != nil || s.Participation != nil {
			return false
		}
	}
	return true
}

// Digest gathers what happened in a group's consultations in [since, now).
func (s *Service) Digest(ctx context.Context, groupID int64, since time.Time) (*Digest, error) {
	return s.DigestBetween(ctx, groupID, since, s.clock.Now())
}

// DigestBetween gathers what happened in a group's consultations in
// [since, until).
func (s *Service) DigestBetween(ctx context.Context, groupID int64, since, until time.Time) (*Digest, error) {
	var d *Digest
	err := s.store.View(ctx, func(tx Tx) (err error) {
		d, err = buildDigest(tx, groupID, since, until)
		return err
	})
	return d, err
}

func buildDigest(tx Tx, groupID int64, since, until time.Time) (*Digest, error) {
	d := &Digest{Since: since, Until: until}
	var err error
	if d.Group, err = tx.Group(groupID); err != nil {
		return nil, err
	}
	cs, err := tx.ConsultationsOfGroup(groupID)
	if err != nil {
		return nil, err
	}
	// Oldest first reads like a story.
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	for _, c := range cs {
		sec, err := digestSection(tx, c, since, until)
		if err != nil {
			return nil, err
		}
		if sec != nil {
			d.Sections = append(d.Sections, sec)
		}
	}
	return d, nil
}

func within(t, since, until time.Time) bool { return !t.Before(since) && t.Before(until) }

func digestSection(tx Tx, c *Consultation, since, now time.Time) (*DigestSection, error) {
	if c.Phase == Closed && !within(c.Current().StartedAt, since, now) {
		return nil, nil
	}
	sec := &DigestSection{Consultation: c}
	ideas, err := tx.Ideas(c.ID)
	if err != nil {
		return nil, err
	}
	for _, i := range ideas {
		if !i.Withdrawn && within(i.CreatedAt, since, now) {
			sec.NewIdeas = append(sec.NewIdeas, i)
		}
	}
	props, err := tx.Proposals(c.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range props {
		if within(p.CreatedAt, since, now) {
			sec.NewProposals = append(sec.NewProposals, p)
		}
	}
	if c.Phase == Evaluating || c.Phase == Adoption {
		if sec.Participation, err = participation(tx, c, false); err != nil {
			return nil, err
		}
	}
	if c.Round > 0 && c.Phase != Evaluating {
		rd, err := tx.Round(c.ID, c.Round)
		if err != nil {
			return nil, err
		}
		if within(rd.ClosedAt, since, now) {
			if sec.Results, err = results(tx, c.ID); err != nil {
				return nil, err
			}
		}
	}
	if c.Phase == Closed {
		if st := c.Step(Adoption); !st.StartedAt.IsZero() {
			if sec.Tally, err = tally(tx, c); err != nil {
				return nil, err
			}
		}
	}
	if cur := c.Current(); cur.Deadline.After(now) {
		sec.Next = cur
	}
	return sec, nil
}

// Synthesis is everything the synthesis document states: the process, the
// figures, and the selected proposals with their scores and source ideas.
type Synthesis struct {
	Consultation *Consultation
	Names        map[int64]string // organisers in charge, by member ID
	Ideas        int              // contributions received (withdrawn excluded)
	Contributors int              // distinct authors
	Proposals    int
	Results      *RoundResults
	Ratings      int    // complete ratings received in the round
	Tally        *Tally // the adoption vote, once it has closed
	Rule         string
}

// Selected returns the outcomes kept in the synthesis, in rank order.
func (s *Synthesis) Selected() []*Outcome {
	var out []*Outcome
	for _, o := range s.Results.Outcomes {
		if o.Selected() {
			out = append(out, o)
		}
	}
	return out
}

// Synthesis gathers the synthesis of a consultation whose evaluation has
// closed.
func (s *Service) Synthesis(ctx context.Context, cid int64) (*Synthesis, error) {
	var syn *Synthesis
	err := s.store.View(ctx, func(tx Tx) error {
		res, err := results(tx, cid)
		if err != nil {
			return err
		}
		c := res.Consultation
		syn = &Synthesis{Consultation: c, Names: make(map[int64]string), Results: res, Proposals: len(res.Outcomes), Rule: RankingRule}
		for _, st := range c.Steps {
			if st.OrganiserID != 0 {
				m, err := tx.Member(st.OrganiserID)
				if err != nil {
					return err
				}
				syn.Names[m.ID] = m.Name
			}
		}
		ideas, err := tx.Ideas(cid)
		if err != nil {
			return err
		}
		authors := make(map[int64]bool)
		for _, i := range ideas {
			if !i.Withdrawn {
				syn.Ideas++
				authors[i.AuthorID] = true
			}
		}
		syn.Contributors = len(authors)
		for _, o := range res.Outcomes {
			syn.Ratings += o.Raters
		}
		if c.Phase == Closed && !c.Step(Adoption).StartedAt.IsZero() {
			if syn.Tally, err = tally(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return syn, err
}
