package consultation_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/storage"
)

type dueFixture struct {
	t     *testing.T
	ctx   context.Context
	clock *clocktest.Clock
	svc   *consultation.Service
	group *consultation.Group
	alice consultation.Actor // organiser
	bob   consultation.Actor // verified member
	cid   int64
}

// newDueFixture opens a store and runs a consultation in collecting, with
// an idea from bob, in two groups.
func newDueFixture(t *testing.T) *dueFixture {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "due.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	svc := consultation.NewService(st, consultation.Options{Clock: clk, Admins: []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}}})
	f := &dueFixture{t: t, ctx: ctx, clock: clk, svc: svc}
	enter := func(chat, user string) (*consultation.Group, consultation.Actor) {
		t.Helper()
		g, m, err := svc.Enter(ctx, consultation.Chat{Platform: consultation.Console, ChatID: chat, Title: chat}, consultation.Identity{UserID: user, Username: user, Name: user}, "fr", "Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		return g, consultation.Actor{MemberID: m.ID}
	}
	var admin consultation.Actor
	f.group, admin = enter("main", "admin")
	_, f.alice = enter("main", "alice")
	_, f.bob = enter("main", "bob")
	f.must(svc.SetRole(ctx, admin, f.alice.MemberID, consultation.RoleOrganiser))
	f.must(svc.Verify(ctx, f.alice, f.bob.MemberID))
	c, err := svc.CreateConsultation(ctx, f.alice, f.group.ID, "Vie de section")
	if err != nil {
		t.Fatal(err)
	}
	f.cid = c.ID
	f.must(svc.SetPhase(ctx, f.alice, c.ID, consultation.Collecting, consultation.PhaseOptions{Deadline: clk.Now().Add(24 * time.Hour)}))
	if _, err := svc.ProposeIdea(ctx, f.bob, c.ID, f.group.ID, "Organiser un covoiturage"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *dueFixture) must(_ any, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// due runs Due and checks how many moves it applied and the phase reached.
func (f *dueFixture) due(applied int, phase consultation.Phase) *consultation.Consultation {
	f.t.Helper()
	n, err := f.svc.Due(f.ctx)
	if err != nil {
		f.t.Fatalf("Due: %v", err)
	}
	c, err := f.svc.Consultation(f.ctx, f.cid)
	if err != nil {
		f.t.Fatal(err)
	}
	if n != applied || c.Phase != phase {
		f.t.Fatalf("Due = %d, phase %s; want %d, %s", n, c.Phase, applied, phase)
	}
	return c
}

// lapsed checks that the system recorded detail last, then that a first
// proposal does not move the consultation on from phase by itself.
func (f *dueFixture) lapsed(detail string, phase consultation.Phase) {
	f.t.Helper()
	if log, _ := f.svc.AuditLog(f.ctx, f.alice, f.cid, 1); len(log) != 1 || log[0].ActorID != 0 || log[0].Detail != detail {
		f.t.Errorf("last audit entries = %+v; want the system's %q", log, detail)
	}
	f.must(f.svc.GroupIdeas(f.ctx, f.alice, f.cid, []int{1}, "Covoiturage"))
	f.clock.Add(time.Minute)
	f.due(0, phase)
}

// outbox returns the payloads of the unsent console announcements due now.
func (f *dueFixture) outbox() []string {
	f.t.Helper()
	var out []string
	// Mark each as sent so that the chat's next one comes forward.
	for {
		items, err := f.svc.DueOutbox(f.ctx, consultation.Console, f.clock.Now(), 10)
		if err != nil {
			f.t.Fatal(err)
		}
		if len(items) == 0 {
			return out
		}
		for _, o := range items {
			if o.Kind != consultation.OutboxPhase || o.ConsultationID != f.cid || o.ChatID != "main" {
				f.t.Errorf("outbox item %+v", o)
			}
			out = append(out, o.Payload)
			if err := f.svc.OutboxSent(f.ctx, o.ID, f.clock.Now()); err != nil {
				f.t.Fatal(err)
			}
		}
	}
}

func TestDueRunsConsultationByDeadlines(t *testing.T) {
	f := newDueFixture(t)
	f.due(0, consultation.Collecting)
	f.clock.Add(24*time.Hour - time.Second)
	f.due(0, consultation.Collecting)
	f.clock.Add(time.Second)
	c := f.due(1, consultation.Grouping)
	if st := c.Step(consultation.Grouping); st.OrganiserID != f.alice.MemberID || !st.StartedAt.Equal(f.clock.Now()) {
		t.Errorf("grouping step = %+v; want alice in charge from now", st)
	}
	if got := f.outbox(); len(got) != 1 || got[0] != "grouping" {
		t.Errorf("announcements = %q; want [grouping]", got)
	}
	log, err := f.svc.AuditLog(f.ctx, f.alice, f.cid, 1)
	if err != nil || len(log) != 1 || log[0].ActorID != 0 || log[0].Action != consultation.ActPhase || log[0].Detail != "deadline: collecting → grouping" {
		t.Errorf("last audit entries = %+v, %v; want the system's deadline move", log, err)
	}

	// Grouping with no proposal at its deadline: the deadline lapses,
	// recorded, and an organiser moves on by hand (the first proposal
	// does not open the evaluation on its own).
	f.must(f.svc.SetDeadline(f.ctx, f.alice, f.cid, f.clock.Now().Add(time.Hour)))
	f.clock.Add(time.Hour)
	c = f.due(0, consultation.Grouping)
	if !c.Current().Deadline.IsZero() {
		t.Errorf("grouping deadline = %v; want it lapsed", c.Current().Deadline)
	}
	f.due(0, consultation.Grouping)
	if got := f.outbox(); len(got) != 0 {
		t.Errorf("announcements = %q; want none", got)
	}
	f.lapsed("lapsed deadline evaluating", consultation.Grouping)
	f.must(f.svc.SetPhase(f.ctx, f.alice, f.cid, consultation.Evaluating, consultation.PhaseOptions{}))
	c = f.due(0, consultation.Evaluating)
	if c.Round != 1 {
		t.Errorf("round = %d; want 1", c.Round)
	}
	if _, _, err := f.svc.Rate(f.ctx, f.bob, f.cid, 1, 1, consultation.Impact, 5); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Rate(f.ctx, f.bob, f.cid, 1, 1, consultation.Effort, 1); err != nil {
		t.Fatal(err)
	}
	f.must(f.svc.SetDeadline(f.ctx, f.alice, f.cid, f.clock.Now().Add(48*time.Hour)))
	f.clock.Add(48 * time.Hour)
	c = f.due(1, consultation.Results)
	res, err := f.svc.Results(f.ctx, f.cid)
	if err != nil || res.Voters != 1 || len(res.Outcomes) != 1 {
		t.Errorf("Results = %+v, %v; want bob's ratings", res, err)
	}
	if st := c.Step(consultation.Evaluating); !st.EndedAt.Equal(f.clock.Now()) {
		t.Errorf("evaluating step = %+v; want ended now", st)
	}
	// The evaluation was opened by hand (the chat layer announces that);
	// the clock closed it.
	if got := f.outbox(); len(got) != 1 || got[0] != "results" {
		t.Errorf("announcements = %q; want [results]", got)
	}
	// Results wait for an organiser, even with a deadline.
	f.must(f.svc.SetDeadline(f.ctx, f.alice, f.cid, f.clock.Now().Add(time.Hour)))
	f.clock.Add(2 * time.Hour)
	f.due(0, consultation.Results)
}

func TestDueClosesAdoptionWithTally(t *testing.T) {
	f := newDueFixture(t)
	f.must(f.svc.GroupIdeas(f.ctx, f.alice, f.cid, []int{1}, "Covoiturage"))
	f.must(f.svc.SetPhase(f.ctx, f.alice, f.cid, consultation.Evaluating, consultation.PhaseOptions{}))
	f.must(f.svc.SetPhase(f.ctx, f.alice, f.cid, consultation.Results, consultation.PhaseOptions{}))
	f.must(f.svc.SetPhase(f.ctx, f.alice, f.cid, consultation.Adoption, consultation.PhaseOptions{Quorum: 0.5, Deadline: f.clock.Now().Add(72 * time.Hour)}))
	if err := f.svc.Vote(f.ctx, f.bob, f.cid, consultation.Choice("maybe")); consultation.ErrorKey(err) != "bad_choice" {
		t.Fatalf("a vote of another choice: %v; want it refused", err)
	}
	if err := f.svc.Vote(f.ctx, f.bob, f.cid, consultation.Yes); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Vote(f.ctx, f.alice, f.cid, consultation.No); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Vote(f.ctx, f.alice, f.cid, consultation.Yes); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(72 * time.Hour)
	c := f.due(1, consultation.Closed)
	if st := c.Step(consultation.Closed); st.OrganiserID != f.alice.MemberID {
		t.Errorf("closed step = %+v; want alice in charge", st)
	}
	tally, err := f.svc.Tally(f.ctx, f.cid)
	if err != nil || tally.Open || tally.Yes != 2 || tally.No != 0 || !tally.Adopted() {
		t.Errorf("Tally = %+v, %v; want closed, 2 yes, adopted", tally, err)
	}
	if got := f.outbox(); len(got) != 1 || got[0] != "closed" {
		t.Errorf("announcements = %q; want [closed]", got)
	}
	f.clock.Add(time.Hour)
	f.due(0, consultation.Closed)
}

func TestDueAfterDowntime(t *testing.T) {
	f := newDueFixture(t)
	// The bot is down across the deadline; it restarts three days later.
	f.clock.Add(24*time.Hour + 3*24*time.Hour)
	f.due(1, consultation.Grouping)
	f.due(0, consultation.Grouping)
	// Applied too late to be news: no announcement, the digest tells it.
	if got := f.outbox(); len(got) != 0 {
		t.Errorf("announcements = %q; want none after downtime", got)
	}
	log, err := f.svc.AuditLog(f.ctx, f.alice, f.cid, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == consultation.ActPhase && e.ActorID == 0 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("system phase moves in the audit log = %d; want 1", n)
	}
}

func TestDueLateWithinGrace(t *testing.T) {
	f := newDueFixture(t)
	f.clock.Add(24*time.Hour + consultation.LateAnnouncement)
	f.due(1, consultation.Grouping)
	if got := f.outbox(); len(got) != 1 {
		t.Errorf("announcements = %q; want one at exactly the grace period", got)
	}
}

// TestClosingNoticeAfterDowntime has the bot down from before the first
// reminder slot until within the second: the group still gets its
// "closing soon" notice, once.
func TestClosingNoticeAfterDowntime(t *testing.T) {
	f := newDueFixture(t)
	f.must(f.svc.GroupIdeas(f.ctx, f.alice, f.cid, []int{1}, "Covoiturage"))
	f.must(f.svc.SetPhase(f.ctx, f.alice, f.cid, consultation.Evaluating, consultation.PhaseOptions{Deadline: f.clock.Now().Add(48 * time.Hour)}))
	f.clock.Add(47 * time.Hour) // down across the 24 h slot, up within the 2 h one
	closing := func() int {
		if _, err := f.svc.DueReminders(f.ctx); err != nil {
			t.Fatal(err)
		}
		items, err := f.svc.DueOutbox(f.ctx, consultation.Console, f.clock.Now(), 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range items {
			if o.Kind == consultation.OutboxClosing {
				n++
			}
		}
		return n
	}
	if n := closing(); n != 1 {
		t.Fatalf("%d closing notices after the downtime; want 1", n)
	}
	if n := closing(); n != 1 {
		t.Errorf("%d closing notices once reminders ran again; want still 1", n)
	}
}

// TestPlannedOpeningLapsesWithoutProposals plans the evaluation to open
// while there is still no proposal: at its time the planned opening
// lapses, recorded, and the first proposal made afterwards does not open
// the evaluation on its own.
func TestPlannedOpeningLapsesWithoutProposals(t *testing.T) {
	f := newDueFixture(t)
	open := f.clock.Now().Add(2 * time.Hour) // before collecting's deadline
	f.must(f.svc.SchedulePoll(f.ctx, f.alice, f.cid, open, open.Add(48*time.Hour)))
	f.clock.Add(2 * time.Hour)
	c := f.due(0, consultation.Collecting)
	if st := c.Step(consultation.Evaluating); !st.PlannedStart.IsZero() || !st.Deadline.IsZero() {
		t.Errorf("evaluation step = %+v; want its plan lapsed", st)
	}
	f.lapsed("lapsed schedule evaluating", consultation.Collecting)
}
