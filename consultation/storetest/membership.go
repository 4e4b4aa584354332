package storetest

import (
	"testing"
	"time"

	"atelier/consultation"
)

func testCodes(t *testing.T, s consultation.Store) {
	_, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		c := &consultation.Code{Hash: "h1", Kind: consultation.CodeInvite, Role: consultation.RoleSupporter, MemberID: m.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := tx.CreateCode(c); err != nil {
			return err
		}
		wantCode(t, tx.CreateCode(c), consultation.ECONFLICT)
		if err := tx.CreateCode(&consultation.Code{Hash: "h2", Kind: consultation.CodeSetup, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.CreateCode(&consultation.Code{Hash: "h3", Kind: consultation.CodeLink, MemberID: m.ID, Platform: consultation.Telegram, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		got, err := tx.Code("h1")
		if err != nil || got.Kind != consultation.CodeInvite || got.Role != consultation.RoleSupporter || got.MemberID != m.ID || !got.ExpiresAt.Equal(c.ExpiresAt) || !got.UsedAt.IsZero() {
			t.Errorf("Code(h1) = %+v, %v", got, err)
		}
		if got, err := tx.Code("h3"); err != nil || got.Platform != consultation.Telegram {
			t.Errorf("Code(h3) = %+v, %v", got, err)
		}
		_, err = tx.Code("nope")
		wantCode(t, err, consultation.ENOTFOUND)
		c.UsedAt, c.UsedBy = t0.Add(time.Minute), m.ID
		if err := tx.UpdateCode(c); err != nil {
			return err
		}
		if got, err := tx.Code("h1"); err != nil || !got.UsedAt.Equal(c.UsedAt) || got.UsedBy != m.ID {
			t.Errorf("Code(h1) after use = %+v, %v", got, err)
		}
		wantCode(t, tx.UpdateCode(&consultation.Code{Hash: "nope"}), consultation.ENOTFOUND)
		if err := tx.DeleteCodes(consultation.CodeSetup); err != nil {
			return err
		}
		_, err = tx.Code("h2")
		wantCode(t, err, consultation.ENOTFOUND)
		if err := tx.DeleteCodes(consultation.CodeInvite); err != nil {
			return err
		}
		if _, err := tx.Code("h1"); err != nil {
			t.Errorf("DeleteCodes removed a used code: %v", err)
		}
		if _, err := tx.Code("h3"); err != nil {
			t.Errorf("DeleteCodes removed a code of another kind: %v", err)
		}
		return nil
	})
}

func testAttempts(t *testing.T, s consultation.Store) {
	_, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		for _, d := range []time.Duration{0, 30 * time.Minute, 90 * time.Minute, 90*time.Minute + 500*time.Millisecond} {
			if err := tx.AddAttempt(m.ID, t0.Add(d)); err != nil {
				return err
			}
		}
		got, err := tx.Attempts(m.ID, t0.Add(30*time.Minute))
		if err != nil || len(got) != 3 || !got[0].Equal(t0.Add(30*time.Minute)) || !got[2].Equal(t0.Add(90*time.Minute+500*time.Millisecond)) {
			t.Errorf("Attempts = %v, %v; want the last three, oldest first", got, err)
		}
		if got, err := tx.Attempts(m.ID+1, t0); err != nil || len(got) != 0 {
			t.Errorf("Attempts(stranger) = %v, %v", got, err)
		}
		return nil
	})
}

// testMergeMembers merges a member referenced from every table into an
// older one.
func testMergeMembers(t *testing.T, s consultation.Store) {
	g, keep, c := seed(t, s)
	var gone, other *consultation.Member
	var idea *consultation.Idea
	update(t, s, func(tx consultation.Tx) error {
		gone = &consultation.Member{Name: "Alice (Telegram)", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: t0, VerifiedAt: t0, VerifiedBy: keep.ID}
		if err := tx.CreateMember(gone, consultation.Identity{Platform: consultation.Telegram, UserID: "42"}); err != nil {
			return err
		}
		other = &consultation.Member{Name: "Bob", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: t0, VerifiedBy: gone.ID}
		if err := tx.CreateMember(other, consultation.Identity{Platform: consultation.Console, UserID: "bob"}); err != nil {
			return err
		}
		idea = &consultation.Idea{ConsultationID: c.ID, AuthorID: gone.ID, GroupID: g.ID, Text: "Une idée", CreatedAt: t0}
		if err := tx.CreateIdea(idea); err != nil {
			return err
		}
		theirs := &consultation.Idea{ConsultationID: c.ID, AuthorID: other.ID, GroupID: g.ID, Text: "Autre idée", CreatedAt: t0}
		if err := tx.CreateIdea(theirs); err != nil {
			return err
		}
		for _, id := range []int64{keep.ID, gone.ID} {
			if err := tx.PutSupport(theirs.ID, id, t0); err != nil {
				return err
			}
		}
		for _, ids := range [][]int64{{gone.ID}, {keep.ID, gone.ID}} {
			if err := tx.SetElectorate(consultation.Poll{ConsultationID: c.ID, Kind: consultation.PollRound, Number: len(ids)}, ids); err != nil {
				return err
			}
		}
		if err := tx.CreatePendingIdea(&consultation.PendingIdea{Token: "p1", ConsultationID: c.ID, MemberID: gone.ID, GroupID: g.ID, Text: "x", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.CreateSuggestion(&consultation.Suggestion{Token: "s1", ConsultationID: c.ID, MemberID: gone.ID, Numbers: []int{1, 2}, Status: consultation.SuggestionOpen, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.AppendAudit(&consultation.AuditEntry{At: t0, ActorID: gone.ID, SubjectID: gone.ID, Action: "x"}); err != nil {
			return err
		}
		if err := tx.CreateProposal(&consultation.Proposal{ConsultationID: c.ID, Title: "P", CreatedBy: gone.ID, CreatedAt: t0}); err != nil {
			return err
		}
		c.Step(consultation.Collecting).OrganiserID = gone.ID
		c.CreatedBy = gone.ID
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		if err := tx.CreateCode(&consultation.Code{Hash: "h", Kind: consultation.CodeLink, MemberID: gone.ID, CreatedAt: t0, ExpiresAt: t0, UsedAt: t0, UsedBy: gone.ID}); err != nil {
			return err
		}
		return tx.AddAttempt(gone.ID, t0)
	})
	update(t, s, func(tx consultation.Tx) error {
		if err := tx.MergeMembers(gone.ID, keep.ID); err != nil {
			return err
		}
		_, err := tx.Member(gone.ID)
		wantCode(t, err, consultation.ENOTFOUND)
		if m, err := tx.MemberByIdentity(consultation.Telegram, "42"); err != nil || m.ID != keep.ID {
			t.Errorf("MemberByIdentity(telegram 42) = %+v, %v; want the kept member", m, err)
		}
		if ids, err := tx.Identities(keep.ID); err != nil || len(ids) != 2 {
			t.Errorf("Identities = %v, %v; want two", ids, err)
		}
		if i, err := tx.Idea(c.ID, idea.Number); err != nil || i.AuthorID != keep.ID {
			t.Errorf("Idea author = %+v, %v", i, err)
		}
		if i, err := tx.Idea(c.ID, 2); err != nil || i.Supports != 1 {
			t.Errorf("supports after merge = %+v, %v; want one", i, err)
		}
		for n := 1; n <= 2; n++ {
			p := consultation.Poll{ConsultationID: c.ID, Kind: consultation.PollRound, Number: n}
			if ids, err := tx.Electorate(p); err != nil || len(ids) != 1 || ids[0] != keep.ID {
				t.Errorf("Electorate(%d) = %v, %v", n, ids, err)
			}
		}
		if b, err := tx.Member(other.ID); err != nil || b.VerifiedBy != keep.ID {
			t.Errorf("VerifiedBy = %+v, %v", b, err)
		}
		if p, err := tx.PendingIdea("p1"); err != nil || p.MemberID != keep.ID {
			t.Errorf("PendingIdea = %+v, %v", p, err)
		}
		if sg, err := tx.Suggestion("s1"); err != nil || sg.MemberID != keep.ID {
			t.Errorf("Suggestion = %+v, %v", sg, err)
		}
		if code, err := tx.Code("h"); err != nil || code.MemberID != keep.ID || code.UsedBy != keep.ID {
			t.Errorf("Code = %+v, %v", code, err)
		}
		if ts, err := tx.Attempts(keep.ID, t0); err != nil || len(ts) != 1 {
			t.Errorf("Attempts = %v, %v", ts, err)
		}
		wantCode(t, tx.MergeMembers(other.ID, gone.ID), consultation.ENOTFOUND)
		return nil
	})
}

func testDetachIdentity(t *testing.T, s consultation.Store) {
	_, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		if err := tx.UpdateIdentity(consultation.Identity{Platform: consultation.Console, UserID: "alice", MemberID: m.ID}); err != nil {
			return err
		}
		n := &consultation.Member{Name: "Alice", Status: consultation.Unverified, Role: consultation.RoleMember, CreatedAt: t0}
		if err := tx.DetachIdentity(consultation.Console, "alice", n); err != nil {
			return err
		}
		if n.ID == 0 || n.ID == m.ID {
			t.Errorf("DetachIdentity gave ID %d", n.ID)
		}
		if got, err := tx.MemberByIdentity(consultation.Console, "alice"); err != nil || got.ID != n.ID {
			t.Errorf("MemberByIdentity after detach = %+v, %v", got, err)
		}
		wantCode(t, tx.DetachIdentity(consultation.Telegram, "nobody", &consultation.Member{Name: "x", Status: consultation.Unverified, Role: consultation.RoleMember, CreatedAt: t0}), consultation.ENOTFOUND)
		return nil
	})
}

func testRenameVoter(t *testing.T, s consultation.Store) {
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
		if err := tx.PutRating(consultation.Rating{RoundID: r.ID, ProposalID: p.ID, Voter: "old", Impact: 4, Effort: 2}); err != nil {
			return err
		}
		if err := tx.RenameVoter(r.ID, "old", "new"); err != nil {
			return err
		}
		if got, err := tx.Ratings(r.ID, "new"); err != nil || len(got) != 1 || got[0].Impact != 4 {
			t.Errorf("Ratings(new) = %+v, %v", got, err)
		}
		if err := tx.PutRating(consultation.Rating{RoundID: r.ID, ProposalID: p.ID, Voter: "another", Impact: 1, Effort: consultation.DontKnow}); err != nil {
			return err
		}
		all, err := tx.RoundRatings(r.ID)
		if err != nil || len(all) != 2 || all[0].Voter != "another" || all[1].Voter != "new" || all[1].Impact != 4 || all[0].Effort != consultation.DontKnow {
			t.Errorf("RoundRatings = %+v, %v; want both, by voter", all, err)
		}
		raters, err := tx.Raters(r.ID)
		if err != nil || len(raters) != 2 || raters["new"] != 1 {
			t.Errorf("Raters after rename = %v, %v", raters, err)
		}
		if got, err := tx.Round(c.ID, 1); err != nil || got.Voters != 2 {
			t.Errorf("Round.Voters after rename = %+v, %v; want 2", got, err)
		}
		// Onto a pseudonym that has rated: refused, nothing moves.
		wantCode(t, tx.RenameVoter(r.ID, "new", "another"), consultation.ECONFLICT)
		if got, err := tx.Ratings(r.ID, "new"); err != nil || len(got) != 1 || got[0].Impact != 4 {
			t.Errorf("Ratings(new) after a refused rename = %+v, %v", got, err)
		}
		if err := tx.PutVote(c.ID, "old", consultation.Yes, t0); err != nil {
			return err
		}
		if err := tx.RenameVote(c.ID, "old", "new"); err != nil {
			return err
		}
		if ch, err := tx.Vote(c.ID, "new"); err != nil || ch != consultation.Yes {
			t.Errorf("Vote(new) = %v, %v", ch, err)
		}
		_, err = tx.Vote(c.ID, "old")
		wantCode(t, err, consultation.ENOTFOUND)
		return nil
	})
}

func testRoster(t *testing.T, s consultation.Store) {
	_, m, _ := seed(t, s)
	update(t, s, func(tx consultation.Tx) error {
		for _, e := range []*consultation.RosterEntry{
			{Number: "B2", Name: "Bruno", Section: "Nîmes", ImportedAt: t0},
			{Number: "A1", Name: "Alice", ImportedAt: t0},
		} {
			if err := tx.CreateRosterEntry(e); err != nil {
				return err
			}
		}
		wantCode(t, tx.CreateRosterEntry(&consultation.RosterEntry{Number: "A1", Name: "Other", ImportedAt: t0}), consultation.ECONFLICT)
		got, err := tx.RosterEntry("B2")
		if err != nil || got.Name != "Bruno" || got.Section != "Nîmes" || !got.ImportedAt.Equal(t0) || got.MemberID != 0 {
			t.Errorf("RosterEntry(B2) = %+v, %v", got, err)
		}
		_, err = tx.RosterEntry("C3")
		wantCode(t, err, consultation.ENOTFOUND)
		got.Name, got.Section, got.ImportedAt, got.MemberID = "Bruno B.", "Alès", t0.Add(time.Hour), m.ID
		if err := tx.UpdateRosterEntry(got); err != nil {
			return err
		}
		if e, err := tx.RosterEntry("B2"); err != nil || e.Name != "Bruno B." || e.Section != "Alès" || !e.ImportedAt.Equal(t0.Add(time.Hour)) || e.MemberID != m.ID {
			t.Errorf("RosterEntry(B2) after update = %+v, %v", e, err)
		}
		wantCode(t, tx.UpdateRosterEntry(&consultation.RosterEntry{Number: "C3", Name: "x", ImportedAt: t0}), consultation.ENOTFOUND)
		all, err := tx.RosterEntries()
		if err != nil || len(all) != 2 || all[0].Number != "A1" || all[1].Number != "B2" || all[1].MemberID != m.ID {
			t.Errorf("RosterEntries = %+v, %v; want A1 then B2", all, err)
		}
		return nil
	})
}

func testRosterClaims(t *testing.T, s consultation.Store) {
	_, keep, _ := seed(t, s)
	var gone *consultation.Member
	var first, second *consultation.RosterClaim
	update(t, s, func(tx consultation.Tx) error {
		gone = &consultation.Member{Name: "Alice (Telegram)", Status: consultation.Unverified, Role: consultation.RoleMember, CreatedAt: t0}
		if err := tx.CreateMember(gone, consultation.Identity{Platform: consultation.Telegram, UserID: "42"}); err != nil {
			return err
		}
		if err := tx.CreateRosterEntry(&consultation.RosterEntry{Number: "A1", Name: "Alice", ImportedAt: t0, MemberID: gone.ID}); err != nil {
			return err
		}
		first = &consultation.RosterClaim{Number: "A1", MemberID: gone.ID, CreatedAt: t0, Status: consultation.ClaimPending}
		second = &consultation.RosterClaim{Number: "A1", MemberID: keep.ID, CreatedAt: t0.Add(time.Minute), Status: consultation.ClaimPending}
		for _, c := range []*consultation.RosterClaim{first, second} {
			if err := tx.CreateRosterClaim(c); err != nil {
				return err
			}
		}
		if first.ID == 0 || second.ID == first.ID {
			t.Errorf("CreateRosterClaim gave IDs %d and %d", first.ID, second.ID)
		}
		got, err := tx.RosterClaim(first.ID)
		if err != nil || got.Number != "A1" || got.MemberID != gone.ID || !got.CreatedAt.Equal(t0) || got.Status != consultation.ClaimPending {
			t.Errorf("RosterClaim = %+v, %v", got, err)
		}
		_, err = tx.RosterClaim(second.ID + 100)
		wantCode(t, err, consultation.ENOTFOUND)
		got.Status = consultation.ClaimRejected
		if err := tx.UpdateRosterClaim(got); err != nil {
			return err
		}
		wantCode(t, tx.UpdateRosterClaim(&consultation.RosterClaim{ID: second.ID + 100, Status: consultation.ClaimRejected}), consultation.ENOTFOUND)
		if cs, err := tx.RosterClaims(consultation.ClaimPending); err != nil || len(cs) != 1 || cs[0].ID != second.ID {
			t.Errorf("RosterClaims(pending) = %+v, %v; want the second claim", cs, err)
		}
		if cs, err := tx.RosterClaims(consultation.ClaimRejected); err != nil || len(cs) != 1 || cs[0].ID != first.ID {
			t.Errorf("RosterClaims(rejected) = %+v, %v; want the first claim", cs, err)
		}
		if cs, err := tx.RosterClaims(consultation.ClaimConfirmed); err != nil || len(cs) != 0 {
			t.Errorf("RosterClaims(confirmed) = %+v, %v; want none", cs, err)
		}
		return nil
	})
	// Merging members moves their roster entry and claims.
	update(t, s, func(tx consultation.Tx) error {
		if err := tx.MergeMembers(gone.ID, keep.ID); err != nil {
			return err
		}
		if e, err := tx.RosterEntry("A1"); err != nil || e.MemberID != keep.ID {
			t.Errorf("RosterEntry after merge = %+v, %v", e, err)
		}
		if c, err := tx.RosterClaim(first.ID); err != nil || c.MemberID != keep.ID {
			t.Errorf("RosterClaim after merge = %+v, %v", c, err)
		}
		return nil
	})
}
