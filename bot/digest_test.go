package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
)

type recordingPoster struct{ posts []string }

func (p *recordingPoster) Post(_ context.Context, chatID string, replies []bot.Reply) error {
	for _, r := range replies {
		p.posts = append(p.posts, chatID+": "+r.Text.String())
	}
	return nil
}

// digestRig is a bot on a real SQLite file whose clock the test sets,
// with a group "main" where admin collects ideas.
type digestRig struct {
	t      *testing.T
	clock  *clocktest.Clock
	svc    *consultation.Service
	bot    *bot.Bot
	poster *recordingPoster
	sender *bot.Sender
	group  *consultation.Group
}

func newDigestRig(t *testing.T, start time.Time) *digestRig {
	t.Helper()
	r := &digestRig{t: t, clock: clocktest.New(start), poster: &recordingPoster{}}
	_, r.svc, r.bot = openBot(t, "", consultation.Options{Clock: r.clock, Random: zeroReader{}},
		bot.Config{Locale: "en", Limits: bot.Limits{Commands: -1, Ideas: -1}})
	var err error
	r.sender = bot.NewSender(r.bot, map[consultation.Platform]bot.Poster{consultation.Console: r.poster}, bot.SenderOptions{Now: r.clock.Now})
	r.say("admin", "/consultation new Section life")
	r.say("admin", "/phase collecting")
	if r.group, err = r.svc.GroupByChat(context.Background(), consultation.Console, "main"); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *digestRig) say(user, text string) string {
	r.t.Helper()
	ev := bot.Event{Platform: consultation.Console, Chat: bot.Chat{ID: "main", Title: "main"},
		From: bot.User{ID: user, Username: user, Name: user}, Text: text}
	var out []string
	for _, rep := range r.bot.Handle(context.Background(), ev) {
		out = append(out, rep.Text.String())
	}
	return strings.Join(out, "\n")
}

// tick runs the due-work loop's digest step at the clock's time and
// delivers the outbox; it returns the scheduled time of the digest
// written, if any.
func (r *digestRig) tick() (time.Time, bool) {
	r.t.Helper()
	ctx := context.Background()
	n, err := r.bot.DueDigests(ctx, r.clock.Now())
	if err != nil {
		r.t.Fatalf("DueDigests at %v: %v", r.clock.Now(), err)
	}
	if _, err := r.sender.Flush(ctx); err != nil {
		r.t.Fatal(err)
	}
	if n == 0 {
		return time.Time{}, false
	}
	if n != 1 {
		r.t.Fatalf("DueDigests at %v wrote %d digests; want 1", r.clock.Now(), n)
	}
	d, err := r.svc.DigestSchedule(ctx, r.group.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return d.LastSentAt, true
}

// TestWeeklyDigestAcrossDST ticks every six hours for thirteen months,
// through the clock changes of October 2026, March 2027 and October
// 2027, with one idea every Wednesday except one week: a digest goes out
// every Monday at 09:00 Paris time, none skipped or doubled, except after
// the quiet week.
func TestWeeklyDigestAcrossDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, paris) // a Thursday
	end := time.Date(2027, 11, 15, 0, 0, 0, 0, paris)
	quiet := time.Date(2027, 1, 6, 0, 0, 0, 0, paris) // a Wednesday
	r := newDigestRig(t, start)

	var got []time.Time
	for now := start; now.Before(end); now = now.Add(6 * time.Hour) {
		r.clock.Set(now)
		local := now.In(paris)
		if local.Weekday() == time.Wednesday && local.Hour() >= 12 && local.Hour() < 18 && local.YearDay() != quiet.YearDay() {
			r.say("admin", "/idea Idea of "+local.Format("2006-01-02"))
		}
		if at, ok := r.tick(); ok {
			got = append(got, at)
		}
	}

	// The first Monday (5 October) has nothing to tell yet.
	var want []time.Time
	for d := time.Date(2026, 10, 12, 9, 0, 0, 0, paris); d.Before(end); d = d.AddDate(0, 0, 7) {
		if !d.Equal(time.Date(2027, 1, 11, 9, 0, 0, 0, paris)) {
			want = append(want, d)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d digests; want %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("digest %d at %v; want %v", i, got[i].In(paris), want[i])
		}
	}
	if len(r.poster.posts) != len(want) {
		t.Fatalf("%d digests delivered; want %d", len(r.poster.posts), len(want))
	}
	// Each digest covers the week since the one before; the quiet week's
	// time passed without a digest, and the next one counts from it.
	for _, c := range []struct{ i int }{{0}, {len(want) - 1}} {
		post := r.poster.posts[c.i]
		until := want[c.i]
		since := until.AddDate(0, 0, -7)
		head := "main: 📰 Digest from " + since.Format("2006-01-02 15:04") + " to " + until.Format("2006-01-02 15:04")
		if !strings.HasPrefix(post, head) || !strings.Contains(post, "1 new ideas") {
			t.Errorf("digest %d = %q; want it to start with %q and tell 1 new idea", c.i, post, head)
		}
	}
	afterQuiet := time.Date(2027, 1, 18, 9, 0, 0, 0, paris)
	for i, at := range want {
		if at.Equal(afterQuiet) {
			head := "main: 📰 Digest from 2027-01-11 09:00 to 2027-01-18 09:00"
			if post := r.poster.posts[i]; !strings.HasPrefix(post, head) {
				t.Errorf("digest after the quiet week = %q; want it to start with %q", post, head)
			}
		}
	}
}

// TestDigestAfterDowntime stops the loop for three weeks: the next tick
// writes one digest covering them, at the last Monday's time, and the
// following ticks none.
func TestDigestAfterDowntime(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	r := newDigestRig(t, time.Date(2026, 11, 2, 10, 0, 0, 0, paris)) // a Monday, after 09:00
	if _, ok := r.tick(); ok {
		t.Fatal("digest at start; want none")
	}
	r.clock.Set(time.Date(2026, 11, 4, 12, 0, 0, 0, paris))
	r.say("admin", "/idea An idea before the downtime")
	r.clock.Set(time.Date(2026, 11, 9, 10, 0, 0, 0, paris))
	if at, ok := r.tick(); !ok || !at.Equal(time.Date(2026, 11, 9, 9, 0, 0, 0, paris)) {
		t.Fatalf("digest at %v, %v; want one on 9 November 09:00", at, ok)
	}
	// Down from 9 November 10:00 until 30 November 14:00.
	for _, day := range []int{11, 18, 25} {
		r.clock.Set(time.Date(2026, 11, day, 12, 0, 0, 0, paris))
		r.say("admin", "/idea An idea during the downtime, day "+strconv.Itoa(day))
	}
	var got []time.Time
	for now := time.Date(2026, 11, 30, 14, 0, 0, 0, paris); now.Before(time.Date(2026, 12, 3, 0, 0, 0, 0, paris)); now = now.Add(time.Hour) {
		r.clock.Set(now)
		if at, ok := r.tick(); ok {
			got = append(got, at)
		}
	}
	want := time.Date(2026, 11, 30, 9, 0, 0, 0, paris)
	if len(got) != 1 || !got[0].Equal(want) {
		t.Fatalf("digests at %v; want one at %v", got, want)
	}
	head := "main: 📰 Digest from 2026-11-09 09:00 to 2026-11-30 09:00"
	if n := len(r.poster.posts); n != 2 || !strings.HasPrefix(r.poster.posts[1], head) || !strings.Contains(r.poster.posts[1], "3 new ideas") {
		t.Errorf("delivered %q; want a second digest starting with %q, with 3 new ideas", r.poster.posts, head)
	}
}

func TestDigestSchedule(t *testing.T) {
	for _, c := range []struct {
		locale, spec, want string
	}{
		{"fr", "0 25 * * *", "Horaire invalide : « 0 25 * * * »"},
		{"en", "0 25 * * *", "Invalid schedule: “0 25 * * *”"},
		{"fr", "tous les lundis", "/resume programme 0 18 * * FRI"},
		{"en", "@every 1h", "/digest schedule 0 18 * * FRI"},
		{"en", "0 * * * *", "at most once a day"},
		{"fr", "0 9,18 * * MON", "au plus une fois par jour"},
		{"en", "@daily", "Automatic digest scheduled: “@daily”"},
		{"en", "0 0 30 2 *", "Invalid schedule"},
		{"fr", "CRON_TZ=Europe/Paris 0 9 * * MON", "Pas de CRON_TZ= ni TZ="},
		{"en", "CRON_TZ=Europe/Paris 0 9 * * MON", "No CRON_TZ= or TZ="},
		{"en", "TZ=UTC 0 9 * * MON", "the group's time zone is always used"},
		{"fr", "0 18 * * FRI", "Résumé automatique programmé : « 0 18 * * FRI » (fuseau Europe/Paris). Prochain envoi : 27/11/2026 18:00."},
		{"en", "@weekly", "Automatic digest scheduled: “@weekly” (time zone Europe/Paris). Next: 2026-11-29 00:00."},
	} {
		h := newHarness(t, c.locale)
		h.setup()
		if got := h.say("alice", "", "/digest schedule "+c.spec); !strings.Contains(got, c.want) {
			t.Errorf("%s: /digest schedule %s = %q; want it to contain %q", c.locale, c.spec, got, c.want)
		}
	}
}

func TestDigestScheduleOrganisersOnly(t *testing.T) {
	h := newHarness(t, "en")
	h.setup()
	if got, want := h.say("bob", "", "/digest schedule 0 18 * * FRI"), "for organisers"; !strings.Contains(got, want) {
		t.Errorf("bob: /digest schedule = %q; want it to contain %q", got, want)
	}
	if got, want := h.say("bob", "", "/digest schedule"), "“0 9 * * MON” (time zone Europe/Paris). Next: 2026-11-30 09:00."; !strings.Contains(got, want) {
		t.Errorf("bob: /digest schedule = %q; want it to contain %q", got, want)
	}
	h.say("alice", "", "/digest schedule 0 18 * * FRI")
	if got, want := h.say("bob", "", "/resume horaire"), "“0 18 * * FRI”"; !strings.Contains(got, want) {
		t.Errorf("bob: /resume horaire = %q; want it to contain %q", got, want)
	}
}

// TestPrivateDigest gives a member, in private, the digest of each group
// whose consultations they took part in.
func TestPrivateDigest(t *testing.T) {
	h := newHarness(t, "en")
	if got, want := h.say("zoe", "dm", "/digest"), "not taken part"; !strings.Contains(got, want) {
		t.Errorf("zoe: /digest = %q; want it to contain %q", got, want)
	}
	h.setup()
	got := h.say("bob", "dm", "/digest")
	if !strings.HasPrefix(got, "main\n📰 Digest from") || !strings.Contains(got, "3 new ideas") {
		t.Errorf("bob: /digest in private = %q; want the digest of main", got)
	}
}
