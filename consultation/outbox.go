package consultation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// OutboxItem is a message the bot sends by itself, not in answer to
// anyone: it is written in the same transaction as the change it tells
// about, and rendered and delivered later, in the group's language, by
// the chat layer. Delivery is at least once: an item delivered but not yet
// marked sent when the process stops is delivered again.
type OutboxItem struct {
	ID             int64
	Platform       Platform
	ChatID         string
	Kind           string // what to render: OutboxPhase, OutboxReminder, OutboxClosing or OutboxDigest
	ConsultationID int64
	// Dedupe tells apart items of one kind for one consultation and chat;
	// an item whose key is already there is not added again.
	Dedupe    string
	Payload   string // what the kind needs to render: see each kind
	CreatedAt time.Time
	DueAt     time.Time
	Attempts  int    // failed deliveries
	LastError string // of the last failed delivery
	SentAt    time.Time
	// AbandonedAt is when delivery was given up (see OutboxFailed); the
	// item then leaves the queue, and its chat's later items go out.
	AbandonedAt time.Time
}

// MaxOutboxAttempts is how many failed deliveries of an item are tried
// before it is given up: about a day at the longest back-off between
// tries. An announcement that late has nothing left to announce, and a
// chat's items go out in order, so one that always fails would otherwise
// hold back every later one.
const MaxOutboxAttempts = 150

// Outbox kinds.
const (
	// OutboxPhase announces that a consultation entered a phase; Payload
	// and Dedupe are the phase.
	OutboxPhase = "phase"
)

// LateAnnouncement is how late a deadline may be applied and still be
// announced. A deadline that passed while the bot was down for longer is
// applied without an announcement: the change appears in the next digest
// instead of a burst of stale messages.
const LateAnnouncement = 2 * time.Hour

// nextByDeadline returns the phase a consultation moves to when its
// current phase's deadline passes. Results wait for an organiser, who
// decides whether to put a synthesis to the vote.
func nextByDeadline(p Phase) (Phase, bool) {
	switch p {
	case Collecting:
		return Grouping, true
	case Grouping:
		return Evaluating, true
	case Evaluating:
		return Results, true
	case Adoption:
		return Closed, true
	}
	return "", false
}

// Due applies the deadlines that have passed: each consultation whose
// current phase has a deadline at or before now moves to its next phase,
// and each with a phase planned to begin at or before now (see
// SchedulePhase) enters it,
// as the system, under the rules of SetPhase, in one transaction per
// consultation. Grouping moves to the evaluation only once there is a
// proposal; until then it waits for an organiser and nothing is recorded.
// A deadline missed while the bot was down is applied at the next call,
// once; so are the deadlines that passed after it. Each move applied at
// most LateAnnouncement after its deadline writes an announcement to every
// group of the consultation, in the same transaction. Due returns how many
// moves it applied; it goes on with the other consultations when one
// fails, and returns their errors joined.
func (s *Service) Due(ctx context.Context) (applied int, err error) {
	now := s.clock.Now()
	var ids []int64
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		if ids, err = tx.DueConsultations(now); err != nil {
			return err
		}
		more, err := scheduledStarts(tx, now)
		for _, id := range more {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return err
	}); err != nil {
		return 0, err
	}
	return s.eachConsultation(ctx, ids, func(tx Tx, id int64) (n int, err error) {
		err = s.applyDeadlines(tx, id, now, &n)
		return n, err
	})
}

// eachConsultation runs fn on each consultation of ids, one transaction
// each, and returns the sum of what the committed ones counted. It goes on
// when one fails, stops when ctx ends, and returns the errors joined.
func (s *Service) eachConsultation(ctx context.Context, ids []int64, fn func(tx Tx, id int64) (int, error)) (total int, err error) {
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		var n int
		err := s.store.Update(ctx, func(tx Tx) (err error) {
			n, err = fn(tx, id)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("consultation %d: %w", id, err))
			continue
		}
		total += n
	}
	return total, errors.Join(errs...)
}

func (s *Service) applyDeadlines(tx Tx, id int64, now time.Time, n *int) error {
	c, err := tx.Consultation(id)
	if err != nil {
		return err
	}
	skipSchedule := false
	for {
		next, d, why, ok := nextMove(c, now, skipSchedule)
		if !ok {
			return nil
		}
		// A planned adoption vote keeps the quorum set when it was planned.
		err := s.setPhase(tx, 0, c, next, PhaseOptions{Quorum: c.Quorum}, why)
		if k := ErrorKey(err); k == "no_proposals" || k == "no_evaluation" {
			// setPhase refuses before writing anything. The clock cannot
			// make this move (no proposal yet; or, in a database from
			// before evaluations were required, no evaluation): its
			// time lapses, recorded, and an organiser moves on by hand
			// when ready, rather than the first proposal, made while
			// grouping, opening the evaluation on its own a minute later.
			if why == "schedule" {
				st := c.Step(next)
				st.PlannedStart, st.Deadline = time.Time{}, time.Time{}
			} else {
				c.Current().Deadline = time.Time{}
			}
			if err := tx.UpdateConsultation(c); err != nil {
				return err
			}
			if err := tx.AppendAudit(&AuditEntry{At: now, Action: ActPhase, ConsultationID: c.ID, Detail: "lapsed " + why + " " + string(next)}); err != nil {
				return err
			}
			continue // what is left of the calendar may still apply
		}
		if err != nil {
			return err
		}
		*n++
		if now.Sub(d) > LateAnnouncement {
			continue
		}
		if err := announcePhase(tx, c, now); err != nil {
			return err
		}
	}
}

// announcePhase writes an announcement of c's current phase to each of its
// groups.
func announcePhase(tx Tx, c *Consultation, now time.Time) error {
	for _, gid := range c.GroupIDs {
		g, err := tx.Group(gid)
		if err != nil {
			return err
		}
		o := &OutboxItem{Platform: g.Platform, ChatID: g.ChatID, Kind: OutboxPhase, ConsultationID: c.ID,
			Dedupe: string(c.Phase), Payload: string(c.Phase), CreatedAt: now, DueAt: now}
		if _, err := tx.AddOutbox(o); err != nil {
			return err
		}
	}
	return nil
}

// DueOutbox returns, for each chat of platform p, its oldest unsent item
// when it is due at or before now, at most limit items.
func (s *Service) DueOutbox(ctx context.Context, p Platform, now time.Time, limit int) ([]*OutboxItem, error) {
	var out []*OutboxItem
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.DueOutbox(p, now, limit)
		return err
	})
	return out, err
}

// OutboxSent records that item id was delivered at.
func (s *Service) OutboxSent(ctx context.Context, id int64, at time.Time) error {
	return s.store.Update(ctx, func(tx Tx) error {
		o, err := tx.Outbox(id)
		if err != nil {
			return err
		}
		o.SentAt = at
		return tx.UpdateOutbox(o)
	})
}

// OutboxFailed records a failed delivery of item id and when to try again.
// The item is given up instead (and abandoned reports it) when the failure
// is final, such as an item that can no longer be rendered, or after
// MaxOutboxAttempts failures.
func (s *Service) OutboxFailed(ctx context.Context, id int64, reason string, retryAt time.Time, final bool) (abandoned bool, err error) {
	err = s.store.Update(ctx, func(tx Tx) error {
		o, err := tx.Outbox(id)
		if err != nil {
			return err
		}
		o.Attempts++
		o.LastError, o.DueAt = reason, retryAt
		abandoned = final || o.Attempts >= MaxOutboxAttempts
		if abandoned {
			o.AbandonedAt = s.clock.Now()
		}
		return tx.UpdateOutbox(o)
	})
	return abandoned, err
}

// GroupByChat returns the group of a platform chat.
func (s *Service) GroupByChat(ctx context.Context, p Platform, chatID string) (*Group, error) {
	var g *Group
	err := s.store.View(ctx, func(tx Tx) (err error) {
		g, err = tx.GroupByChat(p, chatID)
		return err
	})
	return g, err
}
