package storetest

import (
	"fmt"
	"testing"
	"time"

	"atelier/consultation"
)

func testDueConsultations(t *testing.T, s consultation.Store) {
	g, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		mk := func(title string, p consultation.Phase, deadline time.Time) *consultation.Consultation {
			x := &consultation.Consultation{Title: title, Phase: p, CreatedBy: m.ID, CreatedAt: t0, Salt: title, GroupIDs: []int64{g.ID}}
			x.Step(p).StartedAt = t0
			x.Step(p).Deadline = deadline
			if err := tx.CreateConsultation(x); err != nil {
				t.Error(err)
			}
			return x
		}
		// The seeded consultation is in draft with no deadline.
		late := mk("late", consultation.Collecting, t0.Add(2*time.Hour+500*time.Millisecond))
		early := mk("early", consultation.Evaluating, t0.Add(time.Hour))
		mk("future", consultation.Collecting, t0.Add(5*time.Hour))
		// A deadline on a phase other than the current one does not count.
		other := mk("other", consultation.Grouping, time.Time{})
		other.Step(consultation.Evaluating).Deadline = t0
		if err := tx.UpdateConsultation(other); err != nil {
			return err
		}
		got, err := tx.DueConsultations(t0.Add(3 * time.Hour))
		if err != nil {
			return err
		}
		if want := []int64{early.ID, late.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("DueConsultations(t0+3h) = %v; want %v (earliest deadline first)", got, want)
		}
		// At the deadline itself it is due; a nanosecond before, not.
		got, err = tx.DueConsultations(t0.Add(time.Hour))
		if err != nil || fmt.Sprint(got) != fmt.Sprint([]int64{early.ID}) {
			t.Errorf("DueConsultations(t0+1h) = %v, %v; want [%d]", got, err, early.ID)
		}
		got, err = tx.DueConsultations(t0.Add(time.Hour - time.Nanosecond))
		if err != nil || len(got) != 0 {
			t.Errorf("DueConsultations(t0+1h-1ns) = %v, %v; want none", got, err)
		}
		return nil
	})
}

func testOutbox(t *testing.T, s consultation.Store) {
	_, _, c := seed(t, s)
	item := func(chat, dedupe string, due time.Time) *consultation.OutboxItem {
		return &consultation.OutboxItem{Platform: consultation.Telegram, ChatID: chat, Kind: consultation.OutboxPhase, ConsultationID: c.ID,
			Dedupe: dedupe, Payload: dedupe, CreatedAt: t0, DueAt: due}
	}
	var a1, a2, b1 *consultation.OutboxItem
	update(t, s, func(tx consultation.Tx) error {
		a1, a2, b1 = item("-1", "grouping", t0), item("-1", "evaluating", t0), item("-2", "grouping", t0.Add(time.Minute))
		for _, o := range []*consultation.OutboxItem{a1, a2, b1} {
			added, err := tx.AddOutbox(o)
			if err != nil || !added || o.ID == 0 {
				return fmt.Errorf("AddOutbox(%+v) = %v, %v", o, added, err)
			}
		}
		// The same announcement to the same chat is not added twice.
		dup := item("-1", "grouping", t0)
		if added, err := tx.AddOutbox(dup); err != nil || added {
			t.Errorf("AddOutbox(duplicate) = %v, %v; want false, nil", added, err)
		}
		// Another platform's chat with the same id is another chat.
		other := item("-1", "grouping", t0)
		other.Platform = consultation.Discord
		if added, err := tx.AddOutbox(other); err != nil || !added {
			t.Errorf("AddOutbox(other platform) = %v, %v; want true, nil", added, err)
		}
		got, err := tx.Outbox(a1.ID)
		if err != nil || got.ChatID != "-1" || got.Kind != consultation.OutboxPhase || got.ConsultationID != c.ID || got.Payload != "grouping" ||
			!got.CreatedAt.Equal(t0) || !got.DueAt.Equal(t0) || !got.SentAt.IsZero() || got.Attempts != 0 {
			t.Errorf("Outbox(%d) = %+v, %v", a1.ID, got, err)
		}
		_, err = tx.Outbox(999)
		wantCode(t, err, consultation.ENOTFOUND)
		wantCode(t, tx.UpdateOutbox(&consultation.OutboxItem{ID: 999}), consultation.ENOTFOUND)
		return nil
	})
	due := func(now time.Time, limit int) []int64 {
		t.Helper()
		var ids []int64
		update(t, s, func(tx consultation.Tx) error {
			got, err := tx.DueOutbox(consultation.Telegram, now, limit)
			for _, o := range got {
				ids = append(ids, o.ID)
			}
			return err
		})
		return ids
	}
	// One item per chat, its oldest; b1 is not due yet.
	if got, want := due(t0, 10), []int64{a1.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox(t0) = %v; want %v", got, want)
	}
	if got, want := due(t0.Add(time.Minute), 10), []int64{a1.ID, b1.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox(t0+1m) = %v; want %v", got, want)
	}
	if got, want := due(t0.Add(time.Minute), 1), []int64{a1.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox(t0+1m, limit 1) = %v; want %v", got, want)
	}
	// A failed item postponed holds back its chat's later items.
	update(t, s, func(tx consultation.Tx) error {
		a1.Attempts, a1.LastError, a1.DueAt = 1, "timeout", t0.Add(time.Hour)
		return tx.UpdateOutbox(a1)
	})
	if got, want := due(t0.Add(time.Minute), 10), []int64{b1.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox after failure = %v; want %v", got, want)
	}
	update(t, s, func(tx consultation.Tx) error {
		got, err := tx.Outbox(a1.ID)
		if err != nil || got.Attempts != 1 || got.LastError != "timeout" || !got.DueAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("Outbox after UpdateOutbox = %+v, %v", got, err)
		}
		a1.SentAt = t0.Add(time.Hour)
		return tx.UpdateOutbox(a1)
	})
	// Once sent, the next item of the chat comes forward.
	if got, want := due(t0.Add(time.Hour), 10), []int64{a2.ID, b1.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox after sending = %v; want %v", got, want)
	}
	update(t, s, func(tx consultation.Tx) error {
		got, err := tx.Outbox(a1.ID)
		if err != nil || !got.SentAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("Outbox(sent) = %+v, %v", got, err)
		}
		return nil
	})
	// An item given up leaves the queue, and its chat's next one comes
	// forward.
	var a3 *consultation.OutboxItem
	update(t, s, func(tx consultation.Tx) error {
		a3 = item("-1", "results", t0)
		if _, err := tx.AddOutbox(a3); err != nil {
			return err
		}
		a2.Attempts, a2.LastError, a2.DueAt, a2.AbandonedAt = 150, "refused", t0.Add(2*time.Hour), t0.Add(time.Hour)
		return tx.UpdateOutbox(a2)
	})
	if got, want := due(t0.Add(3*time.Hour), 10), []int64{b1.ID, a3.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueOutbox after giving up = %v; want %v", got, want)
	}
	update(t, s, func(tx consultation.Tx) error {
		got, err := tx.Outbox(a2.ID)
		if err != nil || !got.AbandonedAt.Equal(t0.Add(time.Hour)) || !got.SentAt.IsZero() || got.LastError != "refused" {
			t.Errorf("Outbox(given up) = %+v, %v", got, err)
		}
		return nil
	})
}

func testOutboxFollowsChat(t *testing.T, s consultation.Store) {
	g, _, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		o := &consultation.OutboxItem{Platform: g.Platform, ChatID: g.ChatID, Kind: consultation.OutboxPhase, ConsultationID: c.ID, Dedupe: "x", CreatedAt: t0, DueAt: t0}
		if _, err := tx.AddOutbox(o); err != nil {
			return err
		}
		if err := tx.MoveGroup(g.Platform, g.ChatID, "moved"); err != nil {
			return err
		}
		got, err := tx.Outbox(o.ID)
		if err != nil || got.ChatID != "moved" {
			t.Errorf("Outbox after MoveGroup = %+v, %v; want chat moved", got, err)
		}
		// An announcement the new chat already has is not made twice,
		// and does not stop the move.
		dup := &consultation.OutboxItem{Platform: g.Platform, ChatID: "moved-again", Kind: consultation.OutboxPhase, ConsultationID: c.ID, Dedupe: "x", CreatedAt: t0, DueAt: t0}
		if _, err := tx.AddOutbox(dup); err != nil {
			return err
		}
		if err := tx.MoveGroup(g.Platform, "moved", "moved-again"); err != nil {
			t.Errorf("MoveGroup onto a chat with the same announcement: %v", err)
		}
		if added, err := tx.AddOutbox(&consultation.OutboxItem{Platform: g.Platform, ChatID: "moved", Kind: consultation.OutboxPhase, ConsultationID: c.ID, Dedupe: "x", CreatedAt: t0, DueAt: t0}); err != nil || !added {
			t.Errorf("the old chat still holds the announcement: added %v, %v", added, err)
		}
		if got, err := tx.Outbox(dup.ID); err != nil || got.ChatID != "moved-again" {
			t.Errorf("the new chat's announcement = %+v, %v", got, err)
		}
		return nil
	})
}
