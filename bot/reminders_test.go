package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/storage"
)

// schedRun is a chat layer on a real SQLite file whose clock moves only
// when told, so that a test can restart it on the same file.
type schedRun struct {
	t     *testing.T
	path  string
	clock *clocktest.Clock
	store *storage.Store
	svc   *consultation.Service
	bot   *bot.Bot
}

func newSchedRun(t *testing.T, locale string, clk *clocktest.Clock, path string) *schedRun {
	t.Helper()
	st, svc, b := openBot(t, path, consultation.Options{Clock: clk, Random: zeroReader{}}, bot.Config{Locale: locale})
	return &schedRun{t: t, path: path, clock: clk, store: st, svc: svc, bot: b}
}

// restart closes the store and opens a new one on the same file.
func (s *schedRun) restart() *schedRun {
	s.t.Helper()
	if err := s.store.Close(); err != nil {
		s.t.Fatal(err)
	}
	return newSchedRun(s.t, "fr", s.clock, s.path)
}

func (s *schedRun) say(user, text string) string {
	s.t.Helper()
	ev := bot.Event{Platform: consultation.Console, Text: text, From: bot.User{ID: user, Username: user, Name: user}, Chat: bot.Chat{ID: "main", Title: "main"}}
	var out []string
	for _, r := range s.bot.Handle(context.Background(), ev) {
		out = append(out, r.Text.String())
	}
	return strings.Join(out, "\n")
}

func (s *schedRun) actor(user string) consultation.Actor {
	s.t.Helper()
	m, err := s.svc.MemberByIdentity(context.Background(), consultation.Console, user)
	if err != nil {
		s.t.Fatal(err)
	}
	return consultation.Actor{MemberID: m.ID}
}

// rate has user rate proposals 1 to n on both axes.
func (s *schedRun) rate(user string, cid int64, n int) {
	s.t.Helper()
	for p := 1; p <= n; p++ {
		for _, ax := range []consultation.Axis{consultation.Impact, consultation.Effort} {
			if _, _, err := s.svc.Rate(context.Background(), s.actor(user), cid, 1, p, ax, 3); err != nil {
				s.t.Fatalf("%s rates %d: %v", user, p, err)
			}
		}
	}
}

func (s *schedRun) due(want int) {
	s.t.Helper()
	if n, err := s.svc.Due(context.Background()); err != nil || n != want {
		s.t.Fatalf("Due = %d, %v; want %d", n, err, want)
	}
}

func (s *schedRun) reminders(want int) {
	s.t.Helper()
	if n, err := s.svc.DueReminders(context.Background()); err != nil || n != want {
		s.t.Fatalf("DueReminders = %d, %v; want %d", n, err, want)
	}
}

func (s *schedRun) phase(cid int64) consultation.Phase {
	s.t.Helper()
	c, err := s.svc.Consultation(context.Background(), cid)
	if err != nil {
		s.t.Fatal(err)
	}
	return c.Phase
}

// outagePoster fails while the clock is before down, then answers 429
// with a retry_after for its next limited posts, then records each
// delivery as "chat: first line".
type outagePoster struct {
	mu      sync.Mutex
	clock   *clocktest.Clock
	down    time.Time
	limited int
	got     []string
	direct  map[string]int // recipient → Direct replies delivered
}

func (p *outagePoster) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.clock.Now().Before(p.down) {
		return errors.New("network unreachable")
	}
	if p.limited > 0 {
		p.limited--
		return retryErr(30 * time.Second)
	}
	if len(replies) == 0 {
		return errors.New("nothing to post")
	}
	for _, r := range replies {
		if r.To == bot.Direct {
			if r.UserID != chatID || len(r.Buttons) == 0 {
				return errors.New("reminder without its recipient or button")
			}
			p.direct[r.UserID]++
		}
	}
	first, _, _ := strings.Cut(replies[0].Text.String(), "\n")
	p.got = append(p.got, chatID+": "+first)
	return nil
}

// take returns what was delivered since the last call, sorted.
func (p *outagePoster) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.got
	p.got = nil
	slices.Sort(out)
	return out
}

// flush runs the sender every five seconds of the clock until nothing is
// left to deliver, at most limit tries.
func (s *schedRun) flush(p *outagePoster, limit int) {
	s.t.Helper()
	snd := bot.NewSender(s.bot, map[consultation.Platform]bot.Poster{consultation.Console: p}, bot.SenderOptions{Now: s.clock.Now})
	for range limit {
		if _, err := snd.Flush(context.Background()); err != nil {
			s.t.Fatal(err)
		}
		left, err := s.svc.DueOutbox(context.Background(), consultation.Console, s.clock.Now().Add(time.Hour), 100)
		if err != nil {
			s.t.Fatal(err)
		}
		if len(left) == 0 {
			return
		}
		s.clock.Add(5 * time.Second)
	}
	s.t.Fatal("outbox not delivered")
}

// TestScheduledPoll runs a consultation by its schedule: the evaluation
// is scheduled, opened by Due, reminders go to exactly the members who
// have not finished, twice at most, through an outage and a restart, and
// the deadline missed while the bot was down closes it.
func TestScheduledPoll(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, paris))
	s := newSchedRun(t, "fr", clk, filepath.Join(t.TempDir(), "sched.db"))
	for _, u := range []string{"alice", "bob", "carol", "dave", "erin", "zoe"} {
		s.say(u, "/consultations")
	}
	for _, line := range []struct{ who, text string }{
		{"admin", "/role @alice organiser"},
		{"alice", "/verify @bob"},
		{"alice", "/verify @carol"},
		{"alice", "/verify @dave"},
		{"alice", "/verify @erin"},
		{"alice", "/consultation new Vie de section"},
		{"alice", "/phase collecting"},
		{"bob", "/idea Covoiturage pour les réunions"},
		{"carol", "/idea Formation des nouveaux militants"},
		{"alice", "/group 1 Covoiturage"},
		{"alice", "/group 2 Formation"},
	} {
		s.say(line.who, line.text)
	}
	cs, err := s.svc.Consultations(context.Background(), 1)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Consultations = %v, %v", cs, err)
	}
	cid := cs[0].ID

	if got := s.say("bob", "/sondage programmer du 24/11 18h au 26/11 18h"); !strings.Contains(got, "organisateur") {
		t.Errorf("member schedules: %q", got)
	}
	if got := s.say("alice", "/sondage programmer du 24/11 18h au 26/11 18h"); !strings.Contains(got, "ouvrira") {
		t.Fatalf("schedule: %q", got)
	}
	if got := s.say("bob", "/calendrier"); !strings.Contains(got, "prévue le") {
		t.Errorf("calendar without the planned start:\n%s", got)
	}
	if got := s.say("dave", "/silence"); !strings.Contains(got, "plus de rappels") {
		t.Errorf("mute: %q", got)
	}
	s.say("zoe", "/silence")

	// Nothing moves before the planned start.
	clk.Add(32*time.Hour + 59*time.Minute) // 24/11 17:59
	s.due(0)
	clk.Add(time.Minute)
	s.due(1)
	if p := s.phase(cid); p != consultation.Evaluating {
		t.Fatalf("phase %s after the planned start", p)
	}
	s.reminders(0)
	p := &outagePoster{clock: clk, direct: map[string]int{}}
	s.flush(p, 10)
	if got := p.take(); len(got) != 1 || !strings.HasPrefix(got[0], "main: ") {
		t.Errorf("opening announcement: %q", got)
	}

	s.rate("erin", cid, 2) // finished
	s.rate("bob", cid, 1)  // started, not finished

	// 24 h before the close: a closing-soon announcement and reminders.
	clk.Add(24 * time.Hour) // 25/11 18:00
	s.reminders(5)
	s.reminders(0)
	s.flush(p, 10)
	want := []string{
		"admin: ⏰ Rappel : « Vie de section »",
		"alice: ⏰ Rappel : « Vie de section »",
		"bob: ⏰ Rappel : « Vie de section »",
		"carol: ⏰ Rappel : « Vie de section »",
		"main: ⏳ L'évaluation de « Vie de section » ferme bientôt",
	}
	if got := p.take(); !slices.Equal(got, want) {
		t.Errorf("first slot delivered\n%q\nwant\n%q", got, want)
	}

	// A restart, then a ten-minute outage and 429s at the second slot;
	// carol finished before it, bob once his reminder was queued (it is
	// then not sent) and alice muted reminders (likewise).
	s.rate("carol", cid, 2)
	s = s.restart()
	clk.Add(22 * time.Hour) // 26/11 16:00
	s.reminders(3)
	s.rate("bob", cid, 2)
	s.say("alice", "/mute")
	p.down, p.limited = clk.Now().Add(10*time.Minute), 4
	s.flush(p, 400)
	want = []string{
		"admin: ⏰ Rappel : « Vie de section »",
	}
	if got := p.take(); !slices.Equal(got, want) {
		t.Errorf("second slot delivered\n%q\nwant\n%q", got, want)
	}
	if clk.Now().Before(p.down) {
		t.Errorf("delivered during the outage")
	}
	s.reminders(0)
	for _, u := range []string{"dave", "erin", "zoe"} {
		if p.direct[u] != 0 {
			t.Errorf("%s reminded %d times", u, p.direct[u])
		}
	}
	if p.direct["admin"] != 2 {
		t.Errorf("admin reminded %d times; want 2", p.direct["admin"])
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		if p.direct[u] != 1 {
			t.Errorf("%s reminded %d times; want 1", u, p.direct[u])
		}
	}

	// The bot is down across the deadline, then starts again.
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Add(2*time.Hour + 30*time.Minute) // 26/11 18:30
	s = newSchedRun(t, "fr", clk, s.path)
	s.reminders(0)
	s.due(1)
	if ph := s.phase(cid); ph != consultation.Results {
		t.Fatalf("phase %s after the deadline", ph)
	}
	s.flush(p, 10)
	if got := p.take(); len(got) != 1 || !strings.HasPrefix(got[0], "main: ") {
		t.Errorf("results announcement: %q", got)
	}
	if res, err := s.svc.Results(context.Background(), cid); err != nil || res.Voters != 3 {
		t.Errorf("Results = %+v, %v; want 3 voters (erin, bob, carol)", res, err)
	}
}

// TestScheduleRefusals checks that bad schedules are refused, with a
// reason, in French and English.
func TestScheduleRefusals(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, tc := range []struct {
		locale, cmd string
		answers     map[string]string // arguments → part of the answer
	}{
		{"fr", "/sondage programmer", map[string]string{
			"":                          "Exemple",
			"bientôt":                   "Exemple : /sondage programmer du",
			"du 26/11 18h au 24/11 18h": "après la date d'ouverture",
			"du 20/11/2026 au 24/11":    "déjà passée",
			"du 24/11 au 26/11":         "ouvrira",
			"du 25/11 au 27/11":         "déjà atteint ou dépassé cette phase",
		}},
		{"en", "/poll schedule", map[string]string{
			"":                                   "Example",
			"soon":                               "Example: /poll schedule from",
			"from 2026-11-26 to 2026-11-24":      "after the opening date",
			"2026-11-20 18:00 2026-11-24 18:00":  "already past",
			"2026-11-24 18:00 2026-11-26 18:00":  "will open",
			"from 2026-11-25 to 2026-11-27 9:00": "already reached or passed that phase",
		}},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, paris))
			s := newSchedRun(t, tc.locale, clk, filepath.Join(t.TempDir(), "refuse.db"))
			s.say("alice", "/consultations")
			s.say("admin", "/role @alice organiser")
			s.say("alice", "/consultation new Vie de section")
			s.say("alice", "/phase collecting")
			s.say("alice", "/idea Covoiturage")
			s.say("alice", "/group 1 Covoiturage")
			// In order: the valid schedule comes before the evaluation
			// is opened by hand, after which scheduling is refused.
			for _, args := range []string{"", "bientôt", "soon", "du 26/11 18h au 24/11 18h", "from 2026-11-26 to 2026-11-24",
				"du 20/11/2026 au 24/11", "2026-11-20 18:00 2026-11-24 18:00", "du 24/11 au 26/11", "2026-11-24 18:00 2026-11-26 18:00"} {
				want, ok := tc.answers[args]
				if !ok {
					continue
				}
				if got := s.say("alice", strings.TrimSpace(tc.cmd+" "+args)); !strings.Contains(got, want) {
					t.Errorf("%s %s = %q; want %q in it", tc.cmd, args, got, want)
				}
			}
			s.say("alice", "/poll open")
			for args, want := range tc.answers {
				if strings.Contains(args, "25/11") || strings.Contains(args, "2026-11-25") {
					if got := s.say("alice", tc.cmd+" "+args); !strings.Contains(got, want) {
						t.Errorf("%s %s while evaluating = %q; want %q in it", tc.cmd, args, got, want)
					}
				}
			}
		})
	}
}
