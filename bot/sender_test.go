package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/storage"
)

// fakePoster fails its first fails posts, then records what it posts.
type fakePoster struct {
	mu         sync.Mutex
	fails      int
	retryAfter time.Duration // carried by the failures when set
	calls      int
	got        []string // "chat: first line of the first reply"
	files      int
}

type retryErr time.Duration

func (e retryErr) Error() string             { return "too many requests" }
func (e retryErr) RetryAfter() time.Duration { return time.Duration(e) }
func (p *fakePoster) posted() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.got...)
}
func (p *fakePoster) callCount() int           { p.mu.Lock(); defer p.mu.Unlock(); return p.calls }
func (p *fakePoster) setFails(n int)           { p.mu.Lock(); defer p.mu.Unlock(); p.fails = n }
func (p *fakePoster) setRetry(d time.Duration) { p.mu.Lock(); defer p.mu.Unlock(); p.retryAfter = d }

func (p *fakePoster) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fails > 0 {
		p.fails--
		if p.retryAfter > 0 {
			return retryErr(p.retryAfter)
		}
		return errors.New("network down")
	}
	if len(replies) == 0 {
		return errors.New("nothing to post")
	}
	first, _, _ := strings.Cut(replies[0].Text.String(), "\n")
	p.got = append(p.got, chatID+": "+first)
	for _, r := range replies {
		p.files += len(r.Files)
	}
	return nil
}

type senderFixture struct {
	t     *testing.T
	ctx   context.Context
	path  string
	clock *clocktest.Clock
	store *storage.Store
	svc   *consultation.Service
	bot   *bot.Bot
	alice consultation.Actor
	bob   consultation.Actor
}

func (f *senderFixture) open() {
	f.t.Helper()
	f.store, f.svc, f.bot = openBot(f.t, f.path, consultation.Options{Clock: f.clock}, bot.Config{Locale: "fr"})
}

func (f *senderFixture) must(_ any, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// newSenderFixture runs two consultations by their deadlines: "Statuts"
// in chat main (an English group) to its results, "Budget" in chat nimes
// to grouping. The outbox then holds four announcements.
func newSenderFixture(t *testing.T) *senderFixture {
	f := &senderFixture{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "sender.db"),
		clock: clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))}
	f.open()
	enter := func(chat, user, locale string) (*consultation.Group, consultation.Actor) {
		g, m, err := f.svc.Enter(f.ctx, consultation.Chat{Platform: consultation.Console, ChatID: chat, Title: chat}, consultation.Identity{UserID: user, Username: user, Name: user}, locale, "Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		return g, consultation.Actor{MemberID: m.ID}
	}
	main, admin := enter("main", "admin", "en")
	nimes, _ := enter("nimes", "admin", "fr")
	_, f.alice = enter("main", "alice", "en")
	_, f.bob = enter("main", "bob", "en")
	f.must(f.svc.SetRole(f.ctx, admin, f.alice.MemberID, consultation.RoleOrganiser))
	f.must(f.svc.Verify(f.ctx, f.alice, f.bob.MemberID))
	open := func(g *consultation.Group, title string) int64 {
		c, err := f.svc.CreateConsultation(f.ctx, f.alice, g.ID, title)
		if err != nil {
			t.Fatal(err)
		}
		f.must(f.svc.SetPhase(f.ctx, f.alice, c.ID, consultation.Collecting, consultation.PhaseOptions{Deadline: f.clock.Now().Add(time.Hour)}))
		if _, err := f.svc.ProposeIdea(f.ctx, f.bob, c.ID, g.ID, "Organiser un covoiturage"); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	statuts, _ := open(main, "Statuts"), open(nimes, "Budget")
	f.clock.Add(time.Hour)
	f.due(2)
	f.must(f.svc.GroupIdeas(f.ctx, f.alice, statuts, []int{1}, "Covoiturage"))
	f.must(f.svc.SetDeadline(f.ctx, f.alice, statuts, f.clock.Now().Add(time.Hour)))
	f.clock.Add(time.Hour)
	f.due(1)
	f.must(f.svc.SetDeadline(f.ctx, f.alice, statuts, f.clock.Now().Add(time.Hour)))
	f.clock.Add(time.Hour)
	f.due(1)
	return f
}

func (f *senderFixture) due(want int) {
	f.t.Helper()
	if n, err := f.svc.Due(f.ctx); err != nil || n != want {
		f.t.Fatalf("Due = %d, %v; want %d", n, err, want)
	}
}

var wantPosted = []string{
	"main: “Statuts”: grouping phase",
	"main: “Statuts”: evaluation phase",
	"main: “Statuts”: results phase",
	"nimes: « Budget » : phase regroupement",
}

func TestSenderDeliversAfterOutage(t *testing.T) {
	f := newSenderFixture(t)
	poster := &fakePoster{fails: 3}
	s := bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: poster}, bot.SenderOptions{Now: f.clock.Now})
	// The first try of each chat's oldest item fails, and so does the
	// retry of main's; the chats' later items wait behind them.
	for i := 0; i < 20 && len(poster.posted()) < len(wantPosted); i++ {
		before := poster.callCount()
		if _, err := s.Flush(f.ctx); err != nil {
			t.Fatal(err)
		}
		if poster.callCount() == before {
			t.Errorf("flush %d posted nothing", i)
		}
		// Nothing is tried again before its back-off has passed.
		before = poster.callCount()
		if _, err := s.Flush(f.ctx); err != nil {
			t.Fatal(err)
		}
		if n := poster.callCount() - before; n != 0 {
			t.Errorf("flush %d again at the same time posted %d times", i, n)
		}
		f.clock.Add(10 * time.Minute)
	}
	got := poster.posted()
	if fmt.Sprint(sortedByChat(got)) != fmt.Sprint(wantPosted) {
		t.Errorf("posted:\n%s\nwant, in order per chat:\n%s", strings.Join(got, "\n"), strings.Join(wantPosted, "\n"))
	}
	if poster.files != 1 {
		t.Errorf("files posted = %d; want the results' matrix", poster.files)
	}
	calls := poster.callCount()
	f.clock.Add(time.Hour)
	if n, err := s.Flush(f.ctx); err != nil || n != 0 || poster.callCount() != calls {
		t.Errorf("Flush after delivery = %d, %v, %d more posts; want nothing sent twice", n, err, poster.callCount()-calls)
	}
}

// sortedByChat keeps each chat's order and puts chats in name order.
func sortedByChat(lines []string) []string {
	var main, other []string
	for _, l := range lines {
		if strings.HasPrefix(l, "main:") {
			main = append(main, l)
		} else {
			other = append(other, l)
		}
	}
	return append(main, other...)
}

func TestSenderBackoff(t *testing.T) {
	f := newSenderFixture(t)
	poster := &fakePoster{fails: 1000}
	s := bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: poster}, bot.SenderOptions{Now: f.clock.Now})
	// Two chats fail at each try; tries come after 10 s, 20 s, 40 s, …,
	// then every 10 minutes.
	waits := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 320 * time.Second, 10 * time.Minute, 10 * time.Minute}
	for i, w := range waits {
		f.clock.Add(w - time.Second)
		if w > 0 {
			before := poster.callCount()
			if _, err := s.Flush(f.ctx); err != nil || poster.callCount() != before {
				t.Fatalf("try %d: posted %d before its back-off of %v", i, poster.callCount()-before, w)
			}
		}
		f.clock.Add(time.Second)
		before := poster.callCount()
		if _, err := s.Flush(f.ctx); err != nil {
			t.Fatal(err)
		}
		if got := poster.callCount() - before; w > 0 && got != 2 {
			t.Fatalf("try %d after %v: %d posts; want 2", i, w, got)
		}
	}
	// A platform's retry-after wins over the back-off.
	poster.setRetry(3 * time.Second)
	f.clock.Add(10 * time.Minute)
	if _, err := s.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	poster.setFails(0)
	f.clock.Add(3 * time.Second)
	if n, err := s.Flush(f.ctx); err != nil || n != len(wantPosted) {
		t.Errorf("Flush after retry-after = %d, %v; want all %d items", n, err, len(wantPosted))
	}
}

func TestSenderRestart(t *testing.T) {
	for _, tc := range []struct {
		name string
		// delivers reports whether the post during which the process
		// stops reached the chat.
		delivers bool
		// succeeds reports whether that post says so.
		succeeds bool
		want     []string
	}{
		// Stopped before posting: every item is delivered once.
		{"stopped", false, false, wantPosted},
		// Stopped after posting the second item (nimes's), before
		// marking it sent: it is delivered again (at least once).
		{"crashed", true, false, append(wantPosted[:len(wantPosted):len(wantPosted)], wantPosted[3])},
		// Stopped as the post of the second item succeeded: it is
		// recorded as sent, and delivered once.
		{"stopped as a post succeeded", true, true, wantPosted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newSenderFixture(t)
			ctx, cancel := context.WithCancel(f.ctx)
			first := &stoppingPoster{stopAt: 2, delivers: tc.delivers, succeeds: tc.succeeds, cancel: cancel}
			s := bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: first}, bot.SenderOptions{Now: f.clock.Now, Batch: 1})
			if _, err := s.Flush(ctx); !errors.Is(err, context.Canceled) && !tc.succeeds {
				t.Fatalf("Flush = %v; want canceled", err)
			}
			if err := f.store.Close(); err != nil {
				t.Fatal(err)
			}
			f.open()
			second := &fakePoster{}
			s = bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: second}, bot.SenderOptions{Now: f.clock.Now})
			if _, err := s.Flush(f.ctx); err != nil {
				t.Fatal(err)
			}
			got := append(first.posted(), second.posted()...)
			if fmt.Sprint(sortedByChat(got)) != fmt.Sprint(tc.want) {
				t.Errorf("posted across the restart:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// stoppingPoster stops the process (cancels its context) at its stopAt-th
// post, after posting it when delivers is set, and reports that post a
// success when succeeds is set.
type stoppingPoster struct {
	fakePoster
	stopAt   int
	delivers bool
	succeeds bool
	cancel   context.CancelFunc
}

func (p *stoppingPoster) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	if p.callCount()+1 < p.stopAt {
		return p.fakePoster.Post(ctx, chatID, replies)
	}
	if p.delivers {
		p.fakePoster.Post(ctx, chatID, replies)
	}
	p.cancel()
	if p.succeeds {
		return nil
	}
	return ctx.Err()
}

func TestSenderRun(t *testing.T) {
	f := newSenderFixture(t)
	poster := &fakePoster{}
	tick := make(chan time.Time)
	s := bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: poster}, bot.SenderOptions{Now: f.clock.Now, Tick: tick})
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	// Run flushes at start; a tick is taken only once that flush is over.
	tick <- f.clock.Now()
	if got := poster.posted(); len(got) != len(wantPosted) {
		t.Errorf("posted %q after the first flush", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// stuckPoster refuses every post whose first line contains stuck and
// records the others.
type stuckPoster struct {
	stuck string
	tries int
	got   []string
}

func (p *stuckPoster) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	first, _, _ := strings.Cut(replies[0].Text.String(), "\n")
	if strings.Contains(first, p.stuck) {
		p.tries++
		return errors.New("message refused")
	}
	p.got = append(p.got, chatID+": "+first)
	return nil
}

// TestSenderGivesUp checks that an item that always fails is given up
// after MaxOutboxAttempts tries, about a day, and that its chat's later
// items then go out; and that an item that can no longer be rendered is
// given up at once.
func TestSenderGivesUp(t *testing.T) {
	f := newSenderFixture(t)
	// A reminder to someone the bot does not know, queued for chat main's
	// platform: it cannot be rendered.
	err := f.store.Update(f.ctx, func(tx consultation.Tx) error {
		_, err := tx.AddOutbox(&consultation.OutboxItem{Platform: consultation.Console, ChatID: "nobody", Kind: consultation.OutboxReminder,
			ConsultationID: 1, Dedupe: "x", CreatedAt: f.clock.Now(), DueAt: f.clock.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	poster := &stuckPoster{stuck: "grouping phase"}
	s := bot.NewSender(f.bot, map[consultation.Platform]bot.Poster{consultation.Console: poster}, bot.SenderOptions{Now: f.clock.Now})
	start := f.clock.Now()
	for i := 0; i < 2*consultation.MaxOutboxAttempts && len(poster.got) < 3; i++ {
		if _, err := s.Flush(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(10 * time.Minute)
	}
	want := []string{
		"nimes: « Budget » : phase regroupement",
		"main: “Statuts”: evaluation phase",
		"main: “Statuts”: results phase",
	}
	if fmt.Sprint(poster.got) != fmt.Sprint(want) {
		t.Fatalf("delivered %q; want %q", poster.got, want)
	}
	if poster.tries != consultation.MaxOutboxAttempts {
		t.Errorf("the stuck announcement was tried %d times; want %d", poster.tries, consultation.MaxOutboxAttempts)
	}
	if took := f.clock.Now().Sub(start); took < 20*time.Hour || took > 30*time.Hour {
		t.Errorf("given up after %v; want about a day", took)
	}
	err = f.store.View(f.ctx, func(tx consultation.Tx) error {
		for id := int64(1); ; id++ {
			o, err := tx.Outbox(id)
			if consultation.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			switch {
			case o.ChatID == "nobody" && (o.AbandonedAt.IsZero() || o.Attempts != 1):
				t.Errorf("unrenderable reminder: %+v; want given up at its first try", o)
			case o.Payload == "grouping" && o.ChatID == "main" && (o.AbandonedAt.IsZero() || o.LastError != "message refused"):
				t.Errorf("stuck announcement: %+v; want given up with its error", o)
			case o.AbandonedAt.IsZero() == o.SentAt.IsZero():
				t.Errorf("item %d: sent %v, given up %v; want one of them", o.ID, o.SentAt, o.AbandonedAt)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
