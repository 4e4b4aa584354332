package storetest

import (
	"slices"
	"testing"
	"time"

	"atelier/consultation"
)

func testSupports(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		other := &consultation.Member{Name: "Bob", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: t0}
		if err := tx.CreateMember(other, consultation.Identity{Platform: consultation.Console, UserID: "bob"}); err != nil {
			return err
		}
		var ideas []*consultation.Idea
		for _, text := range []string{"un", "deux"} {
			i := &consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: text, CreatedAt: t0}
			if err := tx.CreateIdea(i); err != nil {
				return err
			}
			ideas = append(ideas, i)
		}
		if err := tx.PutSupport(ideas[0].ID, other.ID, t0); err != nil {
			return err
		}
		wantCode(t, tx.PutSupport(ideas[0].ID, other.ID, t0), consultation.ECONFLICT)
		if err := tx.PutSupport(ideas[1].ID, other.ID, t0); err != nil {
			return err
		}
		if err := tx.PutSupport(ideas[1].ID, m.ID, t0); err != nil {
			return err
		}
		if i, err := tx.Idea(c.ID, 1); err != nil || i.Supports != 1 {
			t.Errorf("Idea(1).Supports = %+v, %v; want 1", i, err)
		}
		got, err := tx.Ideas(c.ID)
		if err != nil || len(got) != 2 || got[0].Supports != 1 || got[1].Supports != 2 {
			t.Errorf("Ideas supports = %v, %v; want 1, 2", got, err)
		}
		p := &consultation.Proposal{ConsultationID: c.ID, Title: "P", CreatedBy: m.ID, CreatedAt: t0}
		if err := tx.CreateProposal(p); err != nil {
			return err
		}
		for _, i := range ideas {
			i.ProposalID = p.ID
			if err := tx.UpdateIdea(i); err != nil {
				return err
			}
		}
		ps, err := tx.Proposals(c.ID)
		if err != nil || len(ps) != 1 || ps[0].Supports() != 3 {
			t.Errorf("Proposals supports = %v, %v; want 3", ps, err)
		}
		return nil
	})
}

func testPendingIdeas(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		p := &consultation.PendingIdea{Token: "tok1", ConsultationID: c.ID, MemberID: m.ID, GroupID: g.ID, Text: "Un texte « accentué »",
			Close: []int{3, 12}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := tx.CreatePendingIdea(p); err != nil {
			return err
		}
		old := &consultation.PendingIdea{Token: "tok0", ConsultationID: c.ID, MemberID: m.ID, Text: "ancien", CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
		if err := tx.CreatePendingIdea(old); err != nil {
			return err
		}
		wantCode(t, tx.CreatePendingIdea(p), consultation.ECONFLICT)
		got, err := tx.PendingIdea("tok1")
		if err != nil || got.Text != p.Text || got.MemberID != m.ID || got.GroupID != g.ID || !slices.Equal(got.Close, []int{3, 12}) || !got.ExpiresAt.Equal(p.ExpiresAt) {
			t.Errorf("PendingIdea = %+v, %v; want %+v", got, err, p)
		}
		if err := tx.DeleteExpiredPendingIdeas(t0.Add(time.Minute)); err != nil {
			return err
		}
		_, err = tx.PendingIdea("tok0")
		wantCode(t, err, consultation.ENOTFOUND)
		if _, err := tx.PendingIdea("tok1"); err != nil {
			t.Errorf("an unexpired pending idea was deleted: %v", err)
		}
		if err := tx.DeletePendingIdea("tok1"); err != nil {
			return err
		}
		_, err = tx.PendingIdea("tok1")
		wantCode(t, err, consultation.ENOTFOUND)
		wantCode(t, tx.DeletePendingIdea("tok1"), consultation.ENOTFOUND)
		return nil
	})
}

func testSuggestions(t *testing.T, s consultation.Store) {
	_, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		a := &consultation.Suggestion{Token: "sa", ConsultationID: c.ID, MemberID: m.ID, Numbers: []int{1, 4, 7}, Title: 4,
			Status: consultation.SuggestionOpen, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		b := &consultation.Suggestion{Token: "sb", ConsultationID: c.ID, MemberID: m.ID, Numbers: []int{2, 3}, Title: 2,
			Status: consultation.SuggestionOpen, CreatedAt: t0.Add(time.Second), ExpiresAt: t0.Add(time.Hour)}
		for _, sg := range []*consultation.Suggestion{a, b} {
			if err := tx.CreateSuggestion(sg); err != nil {
				return err
			}
		}
		wantCode(t, tx.CreateSuggestion(a), consultation.ECONFLICT)
		got, err := tx.Suggestion("sa")
		if err != nil || !slices.Equal(got.Numbers, a.Numbers) || len(got.Dropped) != 0 || got.Title != 4 || got.Status != consultation.SuggestionOpen || got.MemberID != m.ID {
			t.Errorf("Suggestion = %+v, %v; want %+v", got, err, a)
		}
		a.Numbers, a.Dropped, a.Title, a.Status = []int{1, 7}, []int{4}, 1, consultation.SuggestionDismissed
		if err := tx.UpdateSuggestion(a); err != nil {
			return err
		}
		got, err = tx.Suggestion("sa")
		if err != nil || !slices.Equal(got.Numbers, []int{1, 7}) || !slices.Equal(got.Dropped, []int{4}) || got.Title != 1 || got.Status != consultation.SuggestionDismissed {
			t.Errorf("after UpdateSuggestion: %+v, %v", got, err)
		}
		all, err := tx.Suggestions(c.ID, m.ID)
		if err != nil || len(all) != 2 || all[0].Token != "sa" || all[1].Token != "sb" {
			t.Errorf("Suggestions = %v, %v; want sa, sb", all, err)
		}
		if none, err := tx.Suggestions(c.ID, m.ID+100); err != nil || len(none) != 0 {
			t.Errorf("Suggestions of another member = %v, %v; want none", none, err)
		}
		_, err = tx.Suggestion("nope")
		wantCode(t, err, consultation.ENOTFOUND)
		wantCode(t, tx.UpdateSuggestion(&consultation.Suggestion{Token: "nope"}), consultation.ENOTFOUND)
		return nil
	})
}
