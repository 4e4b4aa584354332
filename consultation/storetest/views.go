package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"atelier/consultation"
)

// testViewsSeeChanges reads a consultation and its proposals in a read
// transaction after each kind of change, so that a store that keeps them
// in memory is caught serving an old copy, one changed by a caller, or a
// change that was rolled back.
func testViewsSeeChanges(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	type snapshot struct {
		c  *consultation.Consultation
		ps []*consultation.Proposal
	}
	view := func() snapshot {
		t.Helper()
		var sn snapshot
		err := s.View(context.Background(), func(tx consultation.Tx) (err error) {
			if sn.c, err = tx.Consultation(c.ID); err != nil {
				return err
			}
			sn.ps, err = tx.Proposals(c.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return sn
	}
	var idea *consultation.Idea
	var prop *consultation.Proposal
	update(t, s, func(tx consultation.Tx) error {
		idea = &consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: "Un jardin partagé", CreatedAt: t0}
		if err := tx.CreateIdea(idea); err != nil {
			return err
		}
		prop = &consultation.Proposal{ConsultationID: c.ID, Title: "Jardins", CreatedBy: m.ID, CreatedAt: t0}
		return tx.CreateProposal(prop)
	})
	if sn := view(); len(sn.ps) != 1 || len(sn.ps[0].Ideas) != 0 || sn.c.Phase != consultation.Draft {
		t.Fatalf("first view = %+v, %+v", sn.c, sn.ps)
	}
	// What a caller does to what it read stays its own.
	sn := view()
	sn.c.Phase, sn.c.Steps[0].OrganiserID, sn.ps[0].Title = consultation.Closed, 99, "changed"
	if again := view(); again.c.Phase != consultation.Draft || again.c.Steps[0].OrganiserID != 0 || again.ps[0].Title != "Jardins" {
		t.Errorf("a reader's changes leaked into the next read: %+v, %+v", again.c, again.ps[0])
	}

	deadline := t0.Add(48 * time.Hour)
	var other *consultation.Member
	for _, step := range []struct {
		name   string
		change func(tx consultation.Tx) error
		check  func(sn snapshot) bool
	}{
		{"phase", func(tx consultation.Tx) error {
			c.Phase = consultation.Collecting
			c.Step(consultation.Collecting).StartedAt = t0
			return tx.UpdateConsultation(c)
		}, func(sn snapshot) bool { return sn.c.Phase == consultation.Collecting }},
		{"deadline", func(tx consultation.Tx) error {
			c.Step(consultation.Collecting).Deadline = deadline
			return tx.UpdateConsultation(c)
		}, func(sn snapshot) bool { return sn.c.Step(consultation.Collecting).Deadline.Equal(deadline) }},
		{"idea grouped", func(tx consultation.Tx) error {
			idea.ProposalID = prop.ID
			return tx.UpdateIdea(idea)
		}, func(sn snapshot) bool { return len(sn.ps[0].Ideas) == 1 && sn.ps[0].Ideas[0].Number == idea.Number }},
		{"support", func(tx consultation.Tx) error {
			other = &consultation.Member{Name: "Bob", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: t0}
			if err := tx.CreateMember(other, consultation.Identity{Platform: consultation.Console, UserID: "bob"}); err != nil {
				return err
			}
			return tx.PutSupport(idea.ID, other.ID, t0)
		}, func(sn snapshot) bool { return sn.ps[0].Ideas[0].Supports == 1 }},
		{"proposal renamed", func(tx consultation.Tx) error {
			prop.Title = "Jardins partagés"
			return tx.UpdateProposal(prop)
		}, func(sn snapshot) bool { return sn.ps[0].Title == "Jardins partagés" }},
		{"proposal added", func(tx consultation.Tx) error {
			return tx.CreateProposal(&consultation.Proposal{ConsultationID: c.ID, Title: "Vélos", CreatedBy: m.ID, CreatedAt: t0})
		}, func(sn snapshot) bool { return len(sn.ps) == 2 && sn.ps[1].Title == "Vélos" }},
		{"proposal deleted", func(tx consultation.Tx) error {
			return tx.DeleteProposal(prop.ID)
		}, func(sn snapshot) bool { return len(sn.ps) == 1 && sn.ps[0].Title == "Vélos" }},
	} {
		view() // the state before the change, read (and kept, by a caching store)
		update(t, s, step.change)
		if got := view(); !step.check(got) {
			t.Errorf("after %s: view = %+v, %+v", step.name, got.c, got.ps)
		}
	}

	// A change rolled back is never seen, even by a store that read it
	// inside the failed transaction.
	before := view()
	failed := errors.New("refused")
	err := s.Update(context.Background(), func(tx consultation.Tx) error {
		changed := *c
		changed.Phase = consultation.Grouping
		if err := tx.UpdateConsultation(&changed); err != nil {
			return err
		}
		if _, err := tx.Consultation(c.ID); err != nil {
			return err
		}
		if _, err := tx.Proposals(c.ID); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Update = %v; want the refusal", err)
	}
	if after := view(); after.c.Phase != before.c.Phase {
		t.Errorf("phase = %s after a rolled-back change; want %s", after.c.Phase, before.c.Phase)
	}
	update(t, s, func(tx consultation.Tx) error {
		c.Phase = consultation.Evaluating
		return tx.UpdateConsultation(c)
	})
	if after := view(); after.c.Phase != consultation.Evaluating {
		t.Errorf("phase = %s after the next change; want evaluating", after.c.Phase)
	}
}
