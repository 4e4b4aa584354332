package consultation

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Outbox kinds of the evaluation's reminders.
const (
	// OutboxReminder reminds one member, in their private chat, that
	// they have not finished their ballot. ChatID is the member's
	// platform user id; Payload is the reminder slot ("24h", "2h").
	OutboxReminder = "reminder"
	// OutboxClosing tells a group that the evaluation closes soon.
	// Payload is the round number.
	OutboxClosing = "closing"
)

// DefaultReminders are how long before an evaluation's deadline the
// members who have not finished their ballot are reminded, earliest first,
// unless Options.Reminders says otherwise: each member is reminded at most
// once per slot, so at most twice per round by default. A slot that falls
// before the round opened is skipped.
var DefaultReminders = []time.Duration{24 * time.Hour, 2 * time.Hour}

// SchedulePoll plans the evaluation of a consultation: it opens by itself
// at open (see Due), once there is a proposal, and closes at close.
func (s *Service) SchedulePoll(ctx context.Context, a Actor, cid int64, open, close time.Time) (*Consultation, error) {
	return s.SchedulePhase(ctx, a, cid, Evaluating, open, close, 0)
}

// schedulable maps each phase that can begin by itself to the phases it
// begins from: collecting after the draft, the evaluation after collecting
// or grouping, the adoption vote after the results.
var schedulable = map[Phase][]Phase{
	Collecting: {Draft},
	Evaluating: {Collecting, Grouping},
	Adoption:   {Results},
}

// SchedulePhase plans phase p (collecting, evaluating or adoption) of a
// consultation that has not reached it: p begins by itself at open (see
// Due) and is due to end at close; quorum is the adoption vote's. A
// secretary can so plan a whole consultation at once. Organisers only.
// Both times must be in the future, close after open.
func (s *Service) SchedulePhase(ctx context.Context, a Actor, cid int64, p Phase, open, close time.Time, quorum float64) (*Consultation, error) {
	if _, ok := schedulable[p]; !ok {
		return nil, Errorf(EINVALID, "schedule_phase", "only collecting, the evaluation and the adoption vote can be scheduled")
	}
	if quorum < 0 || quorum > 1 {
		return nil, Errorf(EINVALID, "quorum_range", "the quorum must be between 0 and 100 %%")
	}
	return s.organise(ctx, a, cid, func(tx Tx, m *Member, c *Consultation) error {
		if c.Phase.Index() >= p.Index() {
			return Errorf(ECONFLICT, "phase_backwards", "the consultation is already in phase %s", c.Phase)
		}
		now := s.clock.Now()
		if !open.After(now) {
			return Errorf(EINVALID, "schedule_past", "the phase must begin in the future")
		}
		if !close.After(open) {
			return Errorf(EINVALID, "schedule_order", "the phase must end after it begins")
		}
		st := c.Step(p)
		st.PlannedStart, st.Deadline = open, close
		if p == Adoption {
			c.Quorum = quorum
		}
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActPhase, ConsultationID: c.ID,
			Detail: "schedule " + string(p) + " " + open.UTC().Format(time.RFC3339) + " → " + close.UTC().Format(time.RFC3339)})
	})
}

// SetMuted turns the actor's private reminders off (muted) or back on.
func (s *Service) SetMuted(ctx context.Context, a Actor, muted bool) (*Member, error) {
	var out *Member
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		m.Muted = muted
		out = m
		return tx.UpdateMember(m)
	})
	return out, err
}

// plannedMove returns the phase planned to begin next from c's current
// phase, and when, or ok false.
func plannedMove(c *Consultation) (p Phase, at time.Time, ok bool) {
	for _, st := range c.Steps {
		if st.PlannedStart.IsZero() || !st.StartedAt.IsZero() {
			continue
		}
		for _, from := range schedulable[st.Phase] {
			if c.Phase == from {
				return st.Phase, st.PlannedStart, true
			}
		}
	}
	return "", time.Time{}, false
}

// scheduledStarts returns the consultations whose next phase is planned
// to begin at or before now.
func scheduledStarts(tx Tx, now time.Time) ([]int64, error) {
	var ids []int64
	for _, p := range []Phase{Draft, Collecting, Grouping, Results} {
		cs, err := tx.ConsultationsInPhase(p)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if _, at, ok := plannedMove(c); ok && !at.After(now) {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids, nil
}

// nextMove returns the move due on c at now: the planned beginning of its
// next phase, when planned no later than the current phase's deadline and
// not refused (skipSchedule), or else its current phase's deadline. It
// returns when the move was due and why, for the audit log.
func nextMove(c *Consultation, now time.Time, skipSchedule bool) (p Phase, at time.Time, why string, ok bool) {
	d := c.Current().Deadline
	if next, ps, planned := plannedMove(c); !skipSchedule && planned && !ps.After(now) && (d.IsZero() || !d.Before(ps)) {
		return next, ps, "schedule", true
	}
	if d.IsZero() || d.After(now) {
		return "", time.Time{}, "", false
	}
	next, ok := nextByDeadline(c.Phase)
	return next, d, "deadline", ok
}

// reminderSlot returns the latest reminder slot of step st (an open
// evaluation) that has come at now; ok is false when none has come, when a
// slot fell before the round opened, or when the deadline has passed.
func reminderSlot(slots []time.Duration, st *Step, now time.Time) (slot time.Duration, ok bool) {
	d := st.Deadline
	if d.IsZero() || !d.After(now) {
		return 0, false
	}
	for _, sl := range slots {
		at := d.Add(-sl)
		if at.After(st.StartedAt) && !at.After(now) {
			slot, ok = sl, true
		}
	}
	return slot, ok
}

// slotName is a slot's dedupe key and payload: "24h", "2h", "90m".
func slotName(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// DueReminders writes the reminders that have come due to the outbox:
// for each open evaluation with a deadline, at each slot of
// the service's reminder slots, one private reminder to each member of the round's
// electorate who is still verified, has not finished their ballot and has
// not muted reminders; at the first of those slots, a "closing soon"
// announcement to each group. Each is written once per slot, whatever
// the number of calls. It returns how many items it added; it goes on
// with the other consultations when one fails, and returns their errors
// joined.
func (s *Service) DueReminders(ctx context.Context) (added int, err error) {
	now := s.clock.Now()
	var ids []int64
	if err := s.store.View(ctx, func(tx Tx) error {
		cs, err := tx.ConsultationsInPhase(Evaluating)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if _, ok := reminderSlot(s.reminders, c.Current(), now); ok {
				ids = append(ids, c.ID)
			}
		}
		return nil
	}); err != nil {
		return 0, err
	}
	return s.eachConsultation(ctx, ids, func(tx Tx, id int64) (int, error) {
		return remind(tx, s.reminders, id, now)
	})
}

// remind writes consultation id's reminders due at now and returns how
// many were added.
func remind(tx Tx, slots []time.Duration, id int64, now time.Time) (int, error) {
	c, err := tx.Consultation(id)
	if err != nil {
		return 0, err
	}
	if c.Phase != Evaluating {
		return 0, nil
	}
	slot, ok := reminderSlot(slots, c.Current(), now)
	if !ok {
		return 0, nil
	}
	n := 0
	add := func(o *OutboxItem) error {
		o.ConsultationID, o.CreatedAt, o.DueAt = c.ID, now, now
		ok, err := tx.AddOutbox(o)
		if ok {
			n++
		}
		return err
	}
	round := fmt.Sprintf("round %d", c.Round)
	var platforms []Platform
	for _, gid := range c.GroupIDs {
		g, err := tx.Group(gid)
		if err != nil {
			return 0, err
		}
		platforms = append(platforms, g.Platform)
		// Once a round, at whichever slot the bot is up for: the key
		// keeps it from being written twice.
		if err := add(&OutboxItem{Platform: g.Platform, ChatID: g.ChatID, Kind: OutboxClosing,
			Dedupe: round, Payload: fmt.Sprint(c.Round)}); err != nil {
			return 0, err
		}
	}
	p, err := participation(tx, c, true)
	if err != nil {
		return 0, err
	}
	name := slotName(slot)
	for _, m := range p.Missing {
		if !m.IsVerified() || m.Muted {
			continue
		}
		ids, err := tx.Identities(m.ID)
		if err != nil {
			return 0, err
		}
		id, ok := reminderIdentity(ids, platforms)
		if !ok {
			continue
		}
		if err := add(&OutboxItem{Platform: id.Platform, ChatID: id.UserID, Kind: OutboxReminder,
			Dedupe: fmt.Sprintf("%s %s member %d", round, name, m.ID), Payload: name}); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// reminderIdentity picks the account a member is reminded on: the first
// on a platform of the consultation's groups, else the first.
func reminderIdentity(ids []Identity, platforms []Platform) (Identity, bool) {
	for _, p := range platforms {
		for _, id := range ids {
			if id.Platform == p {
				return id, true
			}
		}
	}
	if len(ids) == 0 {
		return Identity{}, false
	}
	return ids[0], true
}

// Group returns the group with id.
func (s *Service) Group(ctx context.Context, id int64) (*Group, error) {
	var g *Group
	err := s.store.View(ctx, func(tx Tx) (err error) {
		g, err = tx.Group(id)
		return err
	})
	return g, err
}
