// Package storetest is a conformance suite for consultation.Store: any
// implementation (SQLite, an in-memory fake) must pass it, so that fakes
// used in tests cannot drift from the real store.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"atelier/consultation"
)

// Run runs the suite. open returns a new, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) consultation.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s consultation.Store)
	}{
		{"Groups", testGroups},
		{"Members", testMembers},
		{"Handles", testHandles},
		{"Consultations", testConsultations},
		{"Ideas", testIdeas},
		{"Proposals", testProposals},
		{"Ratings", testRatings},
		{"Votes", testVotes},
		{"Audit", testAudit},
		{"Events", testEvents},
		{"Rollback", testRollback},
		{"Supports", testSupports},
		{"PendingIdeas", testPendingIdeas},
		{"Suggestions", testSuggestions},
		{"Codes", testCodes},
		{"Attempts", testAttempts},
		{"MergeMembers", testMergeMembers},
		{"DetachIdentity", testDetachIdentity},
		{"RenameVoter", testRenameVoter},
		{"Roster", testRoster},
		{"RosterClaims", testRosterClaims},
		{"DueConsultations", testDueConsultations},
		{"Outbox", testOutbox},
		{"OutboxFollowsChat", testOutboxFollowsChat},
		{"DigestSchedules", testDigestSchedules},
		{"PlannedStartAndMute", testPlannedStartAndMute},
		{"ViewsSeeChanges", testViewsSeeChanges},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func update(t *testing.T, s consultation.Store, fn func(tx consultation.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// wantCode reports an error unless err has code. It reports with t.Errorf,
// not t.Fatalf: it is called inside Update, on the store's writer
// goroutine, which t.Fatalf would end, leaving the test to hang rather
// than fail.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := consultation.ErrorCode(err); got != code {
		t.Errorf("error %v has code %q; want %q", err, got, code)
	}
}

// seed creates a group, a member and a consultation in it.
func seed(t *testing.T, s consultation.Store) (g *consultation.Group, m *consultation.Member, c *consultation.Consultation) {
	t.Helper()
	update(t, s, func(tx consultation.Tx) error {
		g = &consultation.Group{Platform: consultation.Console, ChatID: "main", Title: "Main", Locale: "fr", TimeZone: "Europe/Paris", CreatedAt: t0}
		if err := tx.CreateGroup(g); err != nil {
			return err
		}
		m = &consultation.Member{Name: "Alice", Status: consultation.Verified, Role: consultation.RoleOrganiser, CreatedAt: t0}
		if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Console, UserID: "alice", Username: "alice"}); err != nil {
			return err
		}
		c = &consultation.Consultation{Title: "Statuts", Phase: consultation.Draft, CreatedBy: m.ID, CreatedAt: t0, Salt: "s", GroupIDs: []int64{g.ID}}
		c.Step(consultation.Draft).StartedAt = t0
		return tx.CreateConsultation(c)
	})
	return g, m, c
}

func testGroups(t *testing.T, s consultation.Store) {
	g, _, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		got, err := tx.GroupByChat(consultation.Console, "main")
		if err != nil {
			return err
		}
		if got.ID != g.ID || got.TimeZone != "Europe/Paris" || !got.CreatedAt.Equal(t0) {
			t.Errorf("GroupByChat = %+v; want %+v", got, g)
		}
		_, err = tx.GroupByChat(consultation.Telegram, "main")
		wantCode(t, err, consultation.ENOTFOUND)
		dup := &consultation.Group{Platform: consultation.Console, ChatID: "main", Locale: "fr", TimeZone: "UTC", CreatedAt: t0}
		wantCode(t, tx.CreateGroup(dup), consultation.ECONFLICT)
		if err := tx.MoveGroup(consultation.Console, "main", "main2"); err != nil {
			return err
		}
		got, err = tx.GroupByChat(consultation.Console, "main2")
		if err != nil || got.ID != g.ID {
			t.Errorf("after MoveGroup: %v, %v", got, err)
		}
		wantCode(t, tx.MoveGroup(consultation.Console, "nowhere", "x"), consultation.ENOTFOUND)
		// A group that holds a consultation stays; an empty one goes.
		wantCode(t, tx.DeleteGroup(g.ID), consultation.ECONFLICT)
		empty := &consultation.Group{Platform: consultation.Telegram, ChatID: "-100", Locale: "fr", TimeZone: "UTC", CreatedAt: t0}
		if err := tx.CreateGroup(empty); err != nil {
			return err
		}
		if err := tx.PutDigestSchedule(&consultation.DigestSchedule{Group: empty, Spec: "0 9 * * MON", LastSentAt: t0}); err != nil {
			return err
		}
		if err := tx.DeleteGroup(empty.ID); err != nil {
			t.Errorf("DeleteGroup(empty) = %v", err)
		}
		_, err = tx.GroupByChat(consultation.Telegram, "-100")
		wantCode(t, err, consultation.ENOTFOUND)
		wantCode(t, tx.DeleteGroup(empty.ID), consultation.ENOTFOUND)
		return nil
	})
}

// testHandles checks that a handle names the one identity that showed it
// last: someone who gave up @x and has not been seen since no longer
// answers to it once another account shows it.
func testHandles(t *testing.T, s consultation.Store) {
	update(t, s, func(tx consultation.Tx) error {
		newcomer := func(userID, handle string) *consultation.Member {
			m := &consultation.Member{Name: userID, Status: consultation.Unverified, Role: consultation.RoleMember, CreatedAt: t0}
			if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Telegram, UserID: userID, Username: handle}); err != nil {
				t.Error(err)
			}
			return m
		}
		older := newcomer("1", "first")
		newer := newcomer("2", "x") // later renamed, not seen since
		if err := tx.UpdateIdentity(consultation.Identity{Platform: consultation.Telegram, UserID: "1", Username: "X", MemberID: older.ID}); err != nil {
			return err
		}
		if id, err := tx.IdentityByUsername(consultation.Telegram, "x"); err != nil || id.MemberID != older.ID {
			t.Errorf("IdentityByUsername(x) = %+v, %v; want the account that showed it last (member %d)", id, err, older.ID)
		}
		if id, err := tx.IdentityOf(consultation.Telegram, "2"); err != nil || id.Username != "" || id.MemberID != newer.ID {
			t.Errorf("the former holder's identity = %+v, %v; want it without a handle", id, err)
		}
		// A new account showing the handle takes it too.
		newest := newcomer("3", "x")
		if id, err := tx.IdentityByUsername(consultation.Telegram, "X"); err != nil || id.MemberID != newest.ID {
			t.Errorf("IdentityByUsername(X) = %+v, %v; want member %d", id, err, newest.ID)
		}
		if id, err := tx.IdentityOf(consultation.Telegram, "1"); err != nil || id.Username != "" {
			t.Errorf("identity 1 = %+v, %v; want its handle given up", id, err)
		}
		// No handle names the accounts that have none.
		_, err := tx.IdentityByUsername(consultation.Telegram, "")
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testMembers(t *testing.T, s consultation.Store) {
	_, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		got, err := tx.MemberByIdentity(consultation.Console, "alice")
		if err != nil || got.ID != m.ID || got.Role != consultation.RoleOrganiser {
			t.Errorf("MemberByIdentity = %+v, %v", got, err)
		}
		id, err := tx.IdentityByUsername(consultation.Console, "ALICE")
		if err != nil || id.MemberID != m.ID {
			t.Errorf("IdentityByUsername is case-insensitive: %+v, %v", id, err)
		}
		if id, err := tx.IdentityOf(consultation.Console, "alice"); err != nil || id.Username != "alice" || id.MemberID != m.ID {
			t.Errorf("IdentityOf = %+v, %v", id, err)
		}
		_, err = tx.MemberByIdentity(consultation.Console, "bob")
		wantCode(t, err, consultation.ENOTFOUND)
		_, err = tx.IdentityByUsername(consultation.Console, "")
		wantCode(t, err, consultation.ENOTFOUND)
		// A second platform identity for the same person.
		if err := tx.CreateMember(&consultation.Member{Name: "tmp", Status: consultation.Unverified, Role: consultation.RoleMember, CreatedAt: t0},
			consultation.Identity{Platform: consultation.Telegram, UserID: "42"}); err != nil {
			return err
		}
		if err := tx.UpdateIdentity(consultation.Identity{Platform: consultation.Telegram, UserID: "42", Username: "al", MemberID: m.ID}); err != nil {
			return err
		}
		ids, err := tx.Identities(m.ID)
		if err != nil || len(ids) != 2 {
			t.Errorf("Identities = %v, %v; want 2", ids, err)
		}
		m.Status, m.VerifiedAt, m.VerifiedBy = consultation.Suspended, t0, m.ID
		if err := tx.UpdateMember(m); err != nil {
			return err
		}
		got, _ = tx.Member(m.ID)
		if got.Status != consultation.Suspended || !got.VerifiedAt.Equal(t0) || got.VerifiedBy != m.ID {
			t.Errorf("after UpdateMember: %+v", got)
		}
		ms, err := tx.Members()
		if err != nil || len(ms) != 2 || ms[0].ID > ms[1].ID {
			t.Errorf("Members = %v, %v", ms, err)
		}
		wantCode(t, tx.UpdateMember(&consultation.Member{ID: 999, Status: consultation.Verified, Role: consultation.RoleMember}), consultation.ENOTFOUND)
		return nil
	})
}

func testConsultations(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		c.Phase = consultation.Collecting
		c.Current().StartedAt = t0.Add(time.Hour)
		c.Step(consultation.Draft).EndedAt = t0.Add(time.Hour)
		c.Step(consultation.Collecting).Deadline = t0.Add(48 * time.Hour)
		c.Step(consultation.Collecting).OrganiserID = m.ID
		c.Round, c.Quorum, c.SupportersVote = 2, 0.5, true
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		got, err := tx.Consultation(c.ID)
		if err != nil {
			return err
		}
		if got.Phase != consultation.Collecting || got.Round != 2 || got.Quorum != 0.5 || !got.SupportersVote || len(got.Steps) != 2 || len(got.GroupIDs) != 1 || got.GroupIDs[0] != g.ID {
			t.Errorf("Consultation = %+v", got)
		}
		if st := got.Step(consultation.Collecting); !st.Deadline.Equal(t0.Add(48*time.Hour)) || st.OrganiserID != m.ID {
			t.Errorf("collecting step = %+v", st)
		}
		if got.Steps[0].Phase != consultation.Draft {
			t.Errorf("steps not in lifecycle order: %+v", got.Steps)
		}
		c2 := &consultation.Consultation{Title: "Deux", Phase: consultation.Collecting, CreatedBy: m.ID, CreatedAt: t0, Salt: "t", GroupIDs: []int64{g.ID}}
		if err := tx.CreateConsultation(c2); err != nil {
			return err
		}
		cs, err := tx.ConsultationsOfGroup(g.ID)
		if err != nil || len(cs) != 2 || cs[0].ID != c2.ID {
			t.Errorf("ConsultationsOfGroup = %v, %v; want newest first", cs, err)
		}
		cs, err = tx.ConsultationsInPhase(consultation.Collecting)
		if err != nil || len(cs) != 2 {
			t.Errorf("ConsultationsInPhase = %v, %v", cs, err)
		}
		_, err = tx.Consultation(999)
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testIdeas(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		for i, text := range []string{"un", "deux", "trois"} {
			idea := &consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: text, CreatedAt: t0}
			if err := tx.CreateIdea(idea); err != nil {
				return err
			}
			if idea.Number != i+1 || idea.ID == 0 {
				t.Errorf("idea %q numbered %d (id %d); want %d", text, idea.Number, idea.ID, i+1)
			}
		}
		idea, err := tx.Idea(c.ID, 2)
		if err != nil || idea.Text != "deux" || idea.AuthorID != m.ID {
			t.Errorf("Idea(2) = %+v, %v", idea, err)
		}
		idea.Withdrawn = true
		if err := tx.UpdateIdea(idea); err != nil {
			return err
		}
		ideas, err := tx.Ideas(c.ID)
		if err != nil || len(ideas) != 3 || !ideas[1].Withdrawn {
			t.Errorf("Ideas = %v, %v", ideas, err)
		}
		_, err = tx.Idea(c.ID, 9)
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testProposals(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		var ideas []*consultation.Idea
		for _, text := range []string{"a1", "a2", "b1"} {
			i := &consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: text, CreatedAt: t0}
			if err := tx.CreateIdea(i); err != nil {
				return err
			}
			ideas = append(ideas, i)
		}
		p1 := &consultation.Proposal{ConsultationID: c.ID, Title: "A", CreatedBy: m.ID, CreatedAt: t0}
		if err := tx.CreateProposal(p1); err != nil {
			return err
		}
		p2 := &consultation.Proposal{ConsultationID: c.ID, Title: "B", CreatedBy: m.ID, CreatedAt: t0}
		if err := tx.CreateProposal(p2); err != nil {
			return err
		}
		for i, p := range []*consultation.Proposal{p1, p1, p2} {
			ideas[i].ProposalID = p.ID
			if err := tx.UpdateIdea(ideas[i]); err != nil {
				return err
			}
		}
		got, err := tx.Proposal(c.ID, 1)
		if err != nil || got.Title != "A" || got.ID != p1.ID {
			t.Errorf("Proposal(1) = %+v, %v", got, err)
		}
		if err := tx.DeleteProposal(p2.ID); err != nil {
			return err
		}
		if i, _ := tx.Idea(c.ID, 3); i.ProposalID != 0 {
			t.Errorf("idea of a deleted proposal still points at it: %+v", i)
		}
		p3 := &consultation.Proposal{ConsultationID: c.ID, Title: "C", CreatedBy: m.ID, CreatedAt: t0}
		if err := tx.CreateProposal(p3); err != nil {
			return err
		}
		if p3.Number != 3 {
			t.Errorf("proposal numbers are reused: got %d, want 3", p3.Number)
		}
		p1.Title = "A bis"
		if err := tx.UpdateProposal(p1); err != nil {
			return err
		}
		ps, err := tx.Proposals(c.ID)
		if err != nil || len(ps) != 2 || ps[0].Title != "A bis" || len(ps[0].Ideas) != 2 || len(ps[1].Ideas) != 0 {
			t.Errorf("Proposals = %v, %v", ps, err)
		}
		_, err = tx.Proposal(c.ID, 2)
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testRatings(t *testing.T, s consultation.Store) {
	_, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		p := &consultation.Proposal{ConsultationID: c.ID, Title: "A", CreatedBy: m.ID, CreatedAt: t0}
		if err := tx.CreateProposal(p); err != nil {
			return err
		}
		r := &consultation.Round{ConsultationID: c.ID, Number: 1, OpenedAt: t0}
		if err := tx.CreateRound(r); err != nil {
			return err
		}
		wantCode(t, tx.CreateRound(&consultation.Round{ConsultationID: c.ID, Number: 1, OpenedAt: t0}), consultation.ECONFLICT)
		put := func(voter string, impact, effort int) {
			if err := tx.PutRating(consultation.Rating{RoundID: r.ID, ProposalID: p.ID, Voter: voter, Impact: impact, Effort: effort}); err != nil {
				t.Error(err)
			}
		}
		put("v1", 5, 0)
		put("v1", 5, 1) // replaces
		put("v2", 5, 1)
		put("v3", consultation.DontKnow, 3)
		put("v4", 2, 0)
		mine, err := tx.Ratings(r.ID, "v1")
		if err != nil || len(mine) != 1 || mine[0].ProposalID != p.ID || mine[0].Impact != 5 || mine[0].Effort != 1 {
			t.Errorf("Ratings(v1) = %v, %v; want the replaced rating", mine, err)
		}
		if none, err := tx.Ratings(r.ID, "nobody"); err != nil || len(none) != 0 {
			t.Errorf("Ratings(nobody) = %v, %v; want none", none, err)
		}
		counts, err := tx.RatingCounts(r.ID)
		if err != nil {
			return err
		}
		want := map[[2]int]int{{5, 1}: 2, {consultation.DontKnow, 3}: 1, {2, 0}: 1}
		if len(counts) != len(want) {
			t.Errorf("RatingCounts = %v; want %v", counts, want)
		}
		for _, c := range counts {
			if want[[2]int{c.Impact, c.Effort}] != c.N {
				t.Errorf("count of (%d,%d) = %d; want %d", c.Impact, c.Effort, c.N, want[[2]int{c.Impact, c.Effort}])
			}
		}
		raters, err := tx.Raters(r.ID)
		if err != nil || len(raters) != 3 || raters["v4"] != 0 {
			t.Errorf("Raters = %v, %v; an incomplete rating does not count", raters, err)
		}
		voters := func(want int, after string) {
			t.Helper()
			if got, err := tx.Round(c.ID, 1); err != nil || got.Voters != want {
				t.Errorf("Round.Voters after %s = %+v, %v; want %d", after, got, err, want)
			}
		}
		voters(3, "four voters, one incomplete")
		put("v4", 2, 3)
		voters(4, "completing a rating")
		put("v1", 5, 0)
		voters(3, "a voter's only complete rating made incomplete")
		put("v1", 5, 1)
		put("v1", 4, 1)
		voters(4, "a complete rating changed")
		counts, err = tx.RatingCounts(r.ID)
		if err != nil {
			return err
		}
		want = map[[2]int]int{{5, 1}: 1, {4, 1}: 1, {consultation.DontKnow, 3}: 1, {2, 3}: 1}
		if len(counts) != len(want) {
			t.Errorf("RatingCounts after changes = %v; want %v", counts, want)
		}
		for _, c := range counts {
			if want[[2]int{c.Impact, c.Effort}] != c.N {
				t.Errorf("count of (%d,%d) after changes = %d; want %d", c.Impact, c.Effort, c.N, want[[2]int{c.Impact, c.Effort}])
			}
		}
		r.ClosedAt = t0.Add(time.Hour)
		if err := tx.UpdateRound(r); err != nil {
			return err
		}
		got, err := tx.Round(c.ID, 1)
		if err != nil || !got.ClosedAt.Equal(r.ClosedAt) {
			t.Errorf("Round = %+v, %v", got, err)
		}
		poll := consultation.Poll{ConsultationID: c.ID, Kind: consultation.PollRound, Number: 1}
		if err := tx.SetElectorate(poll, []int64{m.ID}); err != nil {
			return err
		}
		ids, err := tx.Electorate(poll)
		if err != nil || len(ids) != 1 || ids[0] != m.ID {
			t.Errorf("Electorate = %v, %v", ids, err)
		}
		if in, err := tx.InElectorate(poll, m.ID); err != nil || !in {
			t.Errorf("InElectorate(member) = %v, %v", in, err)
		}
		if in, err := tx.InElectorate(poll, m.ID+1); err != nil || in {
			t.Errorf("InElectorate(stranger) = %v, %v", in, err)
		}
		ids, _ = tx.Electorate(consultation.Poll{ConsultationID: c.ID, Kind: consultation.PollAdoption})
		if len(ids) != 0 {
			t.Errorf("another poll's electorate = %v; want none", ids)
		}
		return nil
	})
}

func testVotes(t *testing.T, s consultation.Store) {
	_, _, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		for _, v := range []struct {
			voter string
			c     consultation.Choice
		}{{"a", consultation.Yes}, {"b", consultation.No}, {"a", consultation.Abstain}, {"c", consultation.Yes}} {
			if err := tx.PutVote(c.ID, v.voter, v.c, t0); err != nil {
				return err
			}
		}
		counts, err := tx.VoteCounts(c.ID)
		if err != nil || counts[consultation.Yes] != 1 || counts[consultation.No] != 1 || counts[consultation.Abstain] != 1 {
			t.Errorf("VoteCounts = %v, %v", counts, err)
		}
		if ch, err := tx.Vote(c.ID, "a"); err != nil || ch != consultation.Abstain {
			t.Errorf("Vote(a) = %v, %v", ch, err)
		}
		_, err = tx.Vote(c.ID, "z")
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testAudit(t *testing.T, s consultation.Store) {
	_, m, c := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		for i, a := range []string{"one", "two", "three"} {
			e := &consultation.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), ActorID: m.ID, Action: a, ConsultationID: c.ID}
			if err := tx.AppendAudit(e); err != nil {
				return err
			}
		}
		if err := tx.AppendAudit(&consultation.AuditEntry{At: t0, Action: "global", SubjectID: m.ID}); err != nil {
			return err
		}
		es, err := tx.Audit(c.ID, 2)
		if err != nil || len(es) != 2 || es[0].Action != "global" || es[1].Action != "three" {
			t.Errorf("Audit(limit 2) = %v, %v; want newest first", es, err)
		}
		es, _ = tx.Audit(0, 0)
		if len(es) != 4 {
			t.Errorf("Audit(all) has %d entries; want 4", len(es))
		}
		return nil
	})
}

func testEvents(t *testing.T, s consultation.Store) {
	update(t, s, func(tx consultation.Tx) error {
		for i, want := range []bool{true, false} {
			fresh, err := tx.MarkEvent("telegram:1", t0)
			if err != nil || fresh != want {
				t.Errorf("MarkEvent #%d = %v, %v; want %v", i, fresh, err, want)
			}
		}
		if _, err := tx.State("offset"); consultation.ErrorCode(err) != consultation.ENOTFOUND {
			t.Errorf("State of a missing key: %v", err)
		}
		if err := tx.PutState("offset", "12"); err != nil {
			return err
		}
		return tx.PutState("offset", "13")
	})
	err := s.View(context.Background(), func(tx consultation.Tx) error {
		seen, err := tx.EventSeen("telegram:1")
		if err != nil || !seen {
			t.Errorf("EventSeen = %v, %v", seen, err)
		}
		v, err := tx.State("offset")
		if err != nil || v != "13" {
			t.Errorf("State = %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testRollback checks that a failing Update leaves nothing behind, even
// while other updates run at the same time.
func testRollback(t *testing.T, s consultation.Store) {
	g, m, c := seed(t, s)
	boom := errors.New("boom")
	ctx := context.Background()
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() {
			errs <- s.Update(ctx, func(tx consultation.Tx) error {
				idea := &consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: "x", CreatedAt: t0}
				if err := tx.CreateIdea(idea); err != nil {
					return err
				}
				if i%2 == 1 {
					return boom
				}
				return nil
			})
		}()
	}
	failed := 0
	for i := 0; i < 20; i++ {
		if err := <-errs; errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	err := s.View(ctx, func(tx consultation.Tx) error {
		ideas, err := tx.Ideas(c.ID)
		if len(ideas) != 20-failed {
			t.Errorf("%d ideas stored; want %d (failed updates must leave nothing)", len(ideas), 20-failed)
		}
		for i, idea := range ideas {
			if idea.Number != i+1 {
				t.Errorf("idea numbers have a gap: %d at position %d", idea.Number, i)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
