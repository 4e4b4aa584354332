package storetest

import (
	"testing"
	"time"

	"atelier/consultation"
)

func testDigestSchedules(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		d, err := tx.DigestSchedule(g.ID)
		if err != nil || d.Spec != "" || !d.LastSentAt.IsZero() || d.Group.ID != g.ID {
			t.Errorf("DigestSchedule of a group never scheduled = %+v, %v", d, err)
		}
		_, err = tx.DigestSchedule(999)
		wantCode(t, err, consultation.ENOTFOUND)
		d.Spec, d.LastSentAt = "0 18 * * FRI", t0
		if err := tx.PutDigestSchedule(d); err != nil {
			return err
		}
		d.LastSentAt = t0.Add(7 * 24 * time.Hour)
		if err := tx.PutDigestSchedule(d); err != nil {
			return err
		}
		all, err := tx.DigestSchedules()
		if err != nil || len(all) != 1 || all[0].Spec != "0 18 * * FRI" || !all[0].LastSentAt.Equal(t0.Add(7*24*time.Hour)) {
			t.Errorf("DigestSchedules = %v, %v", all, err)
		}
		// A member belongs to the groups of the consultations they took part in.
		gs, err := tx.GroupsOfMember(m.ID)
		if err != nil || len(gs) != 0 {
			t.Errorf("GroupsOfMember before any idea = %v, %v", gs, err)
		}
		if err := tx.CreateIdea(&consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: "x", CreatedAt: t0}); err != nil {
			return err
		}
		gs, err = tx.GroupsOfMember(m.ID)
		if err != nil || len(gs) != 1 || gs[0].ID != g.ID {
			t.Errorf("GroupsOfMember = %v, %v", gs, err)
		}
		return nil
	})
}

func testPlannedStartAndMute(t *testing.T, s consultation.Store) {
	_, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		c.Step(consultation.Evaluating).PlannedStart = t0.Add(48 * time.Hour)
		c.Step(consultation.Evaluating).Deadline = t0.Add(96 * time.Hour)
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		got, err := tx.Consultation(c.ID)
		if err != nil {
			return err
		}
		if st := got.Step(consultation.Evaluating); !st.PlannedStart.Equal(t0.Add(48*time.Hour)) || !st.Deadline.Equal(t0.Add(96*time.Hour)) || !st.StartedAt.IsZero() {
			t.Errorf("planned evaluation step = %+v", st)
		}
		m.Muted = true
		if err := tx.UpdateMember(m); err != nil {
			return err
		}
		if got, _ := tx.Member(m.ID); !got.Muted {
			t.Error("Muted was not kept")
		}
		return nil
	})
}
