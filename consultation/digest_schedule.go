package consultation

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DefaultDigestSpec is the digest schedule of a group whose organisers
// have not chosen one: Mondays at 09:00 in the group's time zone.
const DefaultDigestSpec = "0 9 * * MON"

// DigestLookback is the period /digest covers.
const DigestLookback = 7 * 24 * time.Hour

// maxDigestSpec bounds the length of a stored schedule.
const maxDigestSpec = 100

// OutboxDigest is a group's scheduled digest; Payload is its period (see
// DigestPeriod) and Dedupe its end. An outbox item names a consultation:
// a digest names the first of its group's consultations it tells about.
const OutboxDigest = "digest"

// DigestSchedule is when a group's digest is sent. The domain keeps the
// schedule as text: the chat layer reads it (as a standard five-field
// cron spec in the group's time zone) and computes its times.
type DigestSchedule struct {
	Group *Group
	Spec  string
	// LastSentAt is the scheduled time of the last digest, zero when
	// none was due yet.
	LastSentAt time.Time
}

// After returns the time after which the next digest is due: the last
// one's, or the group's creation.
func (d *DigestSchedule) After() time.Time {
	if d.LastSentAt.IsZero() {
		return d.Group.CreatedAt
	}
	return d.LastSentAt
}

func withDefaultSpec(d *DigestSchedule) *DigestSchedule {
	if d.Spec == "" {
		d.Spec = DefaultDigestSpec
	}
	return d
}

// DigestSchedules returns every group's digest schedule, by group ID.
func (s *Service) DigestSchedules(ctx context.Context) ([]*DigestSchedule, error) {
	var out []*DigestSchedule
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.DigestSchedules()
		return err
	})
	for _, d := range out {
		withDefaultSpec(d)
	}
	return out, err
}

// DigestSchedule returns a group's digest schedule.
func (s *Service) DigestSchedule(ctx context.Context, groupID int64) (*DigestSchedule, error) {
	var d *DigestSchedule
	err := s.store.View(ctx, func(tx Tx) (err error) {
		d, err = tx.DigestSchedule(groupID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return withDefaultSpec(d), nil
}

// SetDigestSchedule changes a group's digest schedule. Organisers only.
// The spec must already be valid; SetDigestSchedule only refuses an empty
// or overlong one (EINVALID, key "bad_schedule"). The next digest still
// covers the time since the last one.
func (s *Service) SetDigestSchedule(ctx context.Context, a Actor, groupID int64, spec string) (*DigestSchedule, error) {
	spec = strings.Join(strings.Fields(spec), " ")
	if spec == "" || len(spec) > maxDigestSpec {
		return nil, Errorf(EINVALID, "bad_schedule", "bad digest schedule %q", spec)
	}
	var d *DigestSchedule
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		var err error
		if d, err = tx.DigestSchedule(groupID); err != nil {
			return err
		}
		d.Spec = spec
		if err := tx.PutDigestSchedule(d); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActDigestSchedule, Detail: spec})
	})
	return d, err
}

// SendDigest records the group's digest scheduled at: when the schedule
// still counts from after (nothing recorded it meanwhile), it gathers the
// digest from after (the last digest's time, or the group's creation)
// until at and,
// unless it is empty, writes it to the outbox, in the same transaction
// that makes at the last digest's time. Several missed times are caught
// up by one call with the latest: one digest covers them all. SendDigest
// reports whether a digest was written.
func (s *Service) SendDigest(ctx context.Context, groupID int64, after, at time.Time) (sent bool, err error) {
	now := s.clock.Now()
	err = s.store.Update(ctx, func(tx Tx) error {
		sent = false
		d, err := tx.DigestSchedule(groupID)
		if err != nil {
			return err
		}
		if !d.After().Equal(after) || !at.After(after) {
			return nil
		}
		since := after
		dg, err := buildDigest(tx, groupID, since, at)
		if err != nil {
			return err
		}
		if !dg.Empty() {
			g := d.Group
			o := &OutboxItem{Platform: g.Platform, ChatID: g.ChatID, Kind: OutboxDigest, ConsultationID: dg.Sections[0].Consultation.ID,
				Dedupe: at.UTC().Format(time.RFC3339Nano), Payload: DigestPayload(since, at), CreatedAt: now, DueAt: now}
			if sent, err = tx.AddOutbox(o); err != nil {
				return err
			}
		}
		withDefaultSpec(d)
		d.LastSentAt = at
		return tx.PutDigestSchedule(d)
	})
	if err != nil {
		return false, fmt.Errorf("digest of group %d: %w", groupID, err)
	}
	return sent, nil
}

// DigestPayload encodes a digest's period for the outbox.
func DigestPayload(since, until time.Time) string {
	return since.UTC().Format(time.RFC3339Nano) + " " + until.UTC().Format(time.RFC3339Nano)
}

// DigestPeriod decodes a digest's period from an outbox payload.
func DigestPeriod(payload string) (since, until time.Time, err error) {
	a, b, ok := strings.Cut(payload, " ")
	if ok {
		if since, err = time.Parse(time.RFC3339Nano, a); err == nil {
			until, err = time.Parse(time.RFC3339Nano, b)
		}
	}
	if !ok || err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("digest period %q: malformed", payload)
	}
	return since, until, nil
}

// GroupsOfMember returns the groups of the consultations a member took
// part in: sent an idea, or was called to rate or vote.
func (s *Service) GroupsOfMember(ctx context.Context, memberID int64) ([]*Group, error) {
	var out []*Group
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.GroupsOfMember(memberID)
		return err
	})
	return out, err
}
