package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/consultation/clocktest"
)

// TestConsultationRunByItsCalendar plans a whole consultation at once, in
// draft, and lets the calendar run it: collecting, grouping, evaluation,
// results and the adoption vote open and close by themselves; members and
// organisers only contribute, group, rate and vote.
func TestConsultationRunByItsCalendar(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, paris))
	s := newSchedRun(t, "fr", clk, filepath.Join(t.TempDir(), "plan.db"))
	for _, line := range []struct{ who, text string }{
		{"bob", "/consultations"},
		{"carol", "/consultations"},
		{"admin", "/verify @bob"},
		{"admin", "/verify @carol"},
		{"admin", "/consultation nouvelle Vie de section"},
	} {
		s.say(line.who, line.text)
	}
	for _, plan := range []struct{ text, want string }{
		{"/phase collecte du 24/11 9h au 26/11 18h", "collecte des idées prévue du 24/11/2026 09:00 au 26/11/2026 18:00"},
		{"/phase evaluation du 27/11 9h au 30/11 18h", "évaluation prévue du 27/11/2026 09:00 au 30/11/2026 18:00"},
		{"/synthese vote quorum 50 % du 1/12 9h au 3/12 18h", "adoption prévue du 01/12/2026 09:00 au 03/12/2026 18:00"},
	} {
		if got := s.say("admin", plan.text); !strings.Contains(got, plan.want) {
			t.Fatalf("%s = %q; want %q", plan.text, got, plan.want)
		}
	}
	if got := s.say("bob", "/phase evaluation du 27/11 9h au 30/11 18h"); !strings.Contains(got, "organisateurs") {
		t.Errorf("a member plans a phase: %q", got)
	}
	if got := s.say("admin", "/phase resultats du 27/11 9h au 30/11 18h"); !strings.Contains(got, "Seules la collecte, l'évaluation et le vote d'adoption") {
		t.Errorf("planning the results phase: %q", got)
	}
	cid := int64(1)
	step := func(d time.Duration, moves int, want consultation.Phase) {
		t.Helper()
		clk.Add(d)
		s.due(moves)
		if got := s.phase(cid); got != want {
			t.Fatalf("phase = %s; want %s", got, want)
		}
	}
	step(23*time.Hour, 0, consultation.Draft)   // 24/11 08:00
	step(time.Hour, 1, consultation.Collecting) // 24/11 09:00
	s.say("bob", "/idee Covoiturage pour les réunions")
	s.say("carol", "/idee Formation des nouveaux militants")
	step(57*time.Hour, 1, consultation.Grouping) // 26/11 18:00
	s.say("admin", "/regrouper 1 Covoiturage")
	s.say("admin", "/regrouper 2 Formation")
	step(15*time.Hour, 1, consultation.Evaluating) // 27/11 09:00
	for _, u := range []string{"admin", "bob", "carol"} {
		s.rate(u, cid, 2)
	}
	step(81*time.Hour, 1, consultation.Results)  // 30/11 18:00
	step(15*time.Hour, 1, consultation.Adoption) // 01/12 09:00
	for _, u := range []string{"bob", "carol"} {
		if err := s.svc.Vote(context.Background(), s.actor(u), cid, consultation.Yes); err != nil {
			t.Fatal(err)
		}
	}
	step(57*time.Hour, 1, consultation.Closed) // 03/12 18:00
	tally, err := s.svc.Tally(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	if tally.Quorum != 0.5 || tally.Voters() != 2 || tally.Electorate != 3 || !tally.Adopted() {
		t.Errorf("tally = %+v; want the planned quorum of 50 %%, 2 of 3 voting, adopted", tally)
	}
}
