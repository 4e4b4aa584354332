package consultation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sort"
)

// Export is what an organiser may take out of a consultation: ideas with
// their authors (traceability), proposals with their ideas, the results of
// the last closed round, and that round's ratings under pseudonyms made for
// this export alone.
type Export struct {
	Consultation *Consultation
	Ideas        []ExportIdea
	Proposals    []*Proposal
	Results      *RoundResults // nil before any round has closed
	Ratings      []ExportRating
}

// ExportIdea is an idea with its author's display name.
type ExportIdea struct {
	Idea   *Idea
	Author string
}

// ExportRating is one rating row. Voter is an HMAC of the stored pseudonym
// keyed by a random secret drawn for this export and then forgotten: rows
// of one export can be grouped by voter, but two exports cannot be joined,
// and nothing in a row derives from a member id without the consultation's
// secret salt.
type ExportRating struct {
	Voter    string
	Proposal int // proposal number
	Impact   int // 1 to 5, DontKnow, or Unset
	Effort   int
}

// Export gathers a consultation's export and records it in the audit log.
// Organisers only. While an evaluation is open its ratings stay out, as its
// scores stay hidden.
func (s *Service) Export(ctx context.Context, a Actor, cid int64) (*Export, error) {
	key := make([]byte, 32)
	if _, err := io.ReadFull(s.random, key); err != nil {
		return nil, err
	}
	var out *Export
	_, err := s.organise(ctx, a, cid, func(tx Tx, m *Member, c *Consultation) error {
		out = &Export{Consultation: c}
		ideas, err := tx.Ideas(cid)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, i := range ideas {
			if _, ok := names[i.AuthorID]; !ok {
				au, err := tx.Member(i.AuthorID)
				if err != nil {
					return err
				}
				names[i.AuthorID] = au.Name
			}
			out.Ideas = append(out.Ideas, ExportIdea{Idea: i, Author: names[i.AuthorID]})
		}
		if out.Proposals, err = tx.Proposals(cid); err != nil {
			return err
		}
		if c.Round > 0 && c.Phase != Evaluating {
			if out.Results, err = results(tx, cid); err != nil {
				return err
			}
			numbers := map[int64]int{}
			for _, p := range out.Proposals {
				numbers[p.ID] = p.Number
			}
			rs, err := tx.RoundRatings(out.Results.Round.ID)
			if err != nil {
				return err
			}
			for _, r := range rs {
				out.Ratings = append(out.Ratings, ExportRating{Voter: exportPseudonym(key, r.Voter), Proposal: numbers[r.ProposalID], Impact: r.Impact, Effort: r.Effort})
			}
			sort.Slice(out.Ratings, func(i, j int) bool {
				a, b := out.Ratings[i], out.Ratings[j]
				if a.Voter != b.Voter {
					return a.Voter < b.Voter
				}
				return a.Proposal < b.Proposal
			})
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActExport, ConsultationID: cid})
	})
	return out, err
}

func exportPseudonym(key []byte, voter string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(voter))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
