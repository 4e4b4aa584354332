package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/consultation/similar"
)

// tokenChat is a console group with an admin, two organisers (alice,
// olga) and three verified members, collecting ideas.
type tokenChat struct {
	t     *testing.T
	b     *bot.Bot
	svc   *consultation.Service
	clock *clocktest.Clock
	cid   int64
}

func mustTokenChat(t *testing.T) *tokenChat {
	t.Helper()
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	_, svc, b := openBot(t, "", consultation.Options{Clock: clock, Similarity: similar.NewIdeas(similar.DefaultOptions())}, bot.Config{Locale: "en"})
	c := &tokenChat{t: t, b: b, svc: svc, clock: clock}
	for _, who := range []string{"admin", "alice", "olga", "chloe", "david", "emma"} {
		c.say(who, "/consultations")
	}
	c.say("admin", "/role @alice organiser")
	c.say("admin", "/role @olga organiser")
	for _, who := range []string{"chloe", "david", "emma"} {
		c.say("alice", "/verify @"+who)
	}
	c.say("alice", "/consultation new Section life")
	c.say("alice", "/phase collecting")
	cs, err := svc.Consultations(ctx, 1)
	if err != nil || len(cs) != 1 {
		t.Fatalf("consultations: %v, %v", cs, err)
	}
	c.cid = cs[0].ID
	c.say("chloe", "/idea Organise car-sharing to section meetings")
	c.say("david", "/idea Car-sharing between members for section meetings")
	c.say("emma", "/idea Publish the section accounts every quarter")
	return c
}

func (c *tokenChat) event(who string) bot.Event {
	return bot.Event{Platform: consultation.Console, From: bot.User{ID: who, Username: who, Name: who, Lang: "en"}, Chat: bot.Chat{ID: "main", Title: "main"}}
}

func (c *tokenChat) say(who, text string) []bot.Reply {
	c.t.Helper()
	ev := c.event(who)
	ev.Text = text
	return c.b.Handle(context.Background(), ev)
}

func (c *tokenChat) press(who, data string) []bot.Reply {
	c.t.Helper()
	ev := c.event(who)
	ev.Data = data
	return c.b.Handle(context.Background(), ev)
}

// buttonData returns the data of the button whose label contains label.
func buttonData(t *testing.T, rs []bot.Reply, label string) string {
	t.Helper()
	for _, r := range rs {
		for _, row := range r.Buttons {
			for _, b := range row {
				if strings.Contains(b.Label, label) {
					return b.Data
				}
			}
		}
	}
	t.Fatalf("no button %q in %+v", label, rs)
	return ""
}

// state is what a refused press must leave unchanged.
func (c *tokenChat) state() string {
	c.t.Helper()
	ctx := context.Background()
	ideas, err := c.svc.Ideas(ctx, c.cid)
	if err != nil {
		c.t.Fatal(err)
	}
	ps, err := c.svc.Proposals(ctx, c.cid)
	if err != nil {
		c.t.Fatal(err)
	}
	var b strings.Builder
	for _, i := range ideas {
		fmt.Fprintf(&b, "%s|%d|%d\n", i.Text, i.Supports, i.ProposalID)
	}
	for _, p := range ps {
		b.WriteString(p.Title + "\n")
	}
	return b.String()
}

func wantNotice(t *testing.T, what string, rs []bot.Reply, want string) {
	t.Helper()
	if len(rs) != 1 || rs[0].To != bot.Private || !strings.Contains(rs[0].Toast, want) {
		t.Errorf("%s: replies %+v; want one private notice containing %q", what, rs, want)
	}
}

func TestPendingIdeaTokens(t *testing.T) {
	c := mustTokenChat(t)
	held := c.say("emma", "/idea Organise car-sharing to section meetings!")
	if len(held) != 1 || !strings.Contains(held[0].Text.String(), "#1") {
		t.Fatalf("near-duplicate not held: %+v", held)
	}
	anyway := buttonData(t, held, "Send anyway")
	support := buttonData(t, held, "Support #1")
	before := c.state()

	for _, tc := range []struct {
		what, who, data, want string
	}{
		{"another member sends it", "chloe", anyway, "Only the author of this idea"},
		{"another member supports instead", "david", support, "Only the author of this idea"},
		{"a forged token", "emma", "ia_0123456789abcdef", "expired or was already made"},
		{"a malformed token", "emma", "ia_XYZ", "not valid"},
		{"an idea that was not offered", "emma", support[:len(support)-1] + "3", "not valid"},
	} {
		wantNotice(t, tc.what, c.press(tc.who, tc.data), tc.want)
		if got := c.state(); got != before {
			t.Errorf("%s changed the state:\n%s\nwant\n%s", tc.what, got, before)
		}
	}

	// Expired.
	c.clock.Add(consultation.PendingTTL)
	wantNotice(t, "expired", c.press("emma", anyway), "expired or was already made")
	c.clock.Add(-consultation.PendingTTL)

	// Used: the first press records, the second is refused.
	if rs := c.press("emma", anyway); len(rs) != 1 || !strings.Contains(rs[0].Text.String(), "Idea #4 recorded") {
		t.Fatalf("send anyway: %+v", rs)
	}
	after := c.state()
	wantNotice(t, "used (send)", c.press("emma", anyway), "expired or was already made")
	wantNotice(t, "used (support)", c.press("emma", support), "expired or was already made")
	if got := c.state(); got != after {
		t.Errorf("a used token changed the state:\n%s\nwant\n%s", got, after)
	}

	// Phase changed while the choice was pending.
	held = c.say("david", "/idea Publish the section accounts every quarter")
	anyway = buttonData(t, held, "Send anyway")
	c.say("alice", "/phase grouping")
	before = c.state()
	wantNotice(t, "phase changed", c.press("david", anyway), "Not possible now")
	if got := c.state(); got != before {
		t.Errorf("a press after the phase changed changed the state:\n%s\nwant\n%s", got, before)
	}
}

func TestSuggestionTokens(t *testing.T) {
	c := mustTokenChat(t)
	rs := c.say("alice", "/suggest")
	create := buttonData(t, rs, "Create proposal")
	dismiss := buttonData(t, rs, "Dismiss")
	drop := buttonData(t, rs, "Drop #1")
	before := c.state()

	for _, tc := range []struct {
		what, who, data, want string
	}{
		{"another organiser creates", "olga", create, "made for another organiser"},
		{"another organiser drops", "olga", drop, "made for another organiser"},
		{"another organiser dismisses", "olga", dismiss, "made for another organiser"},
		{"a member creates", "chloe", create, "for organisers"},
		{"a forged token", "alice", "sc_0123456789abcdef", "expired or was already handled"},
		{"a malformed token", "alice", "sc_0123", "not valid"},
		{"an idea not in it", "alice", drop[:len(drop)-1] + "9", "no longer in this suggestion"},
	} {
		wantNotice(t, tc.what, c.press(tc.who, tc.data), tc.want)
		if got := c.state(); got != before {
			t.Errorf("%s changed the state:\n%s\nwant\n%s", tc.what, got, before)
		}
	}

	c.clock.Add(consultation.SuggestionTTL)
	wantNotice(t, "expired", c.press("alice", create), "expired or was already handled")
	c.clock.Add(-consultation.SuggestionTTL)

	// Ideas grouped meanwhile by hand: creating would group them twice.
	c.say("alice", "/group 1 Car-sharing")
	before = c.state()
	wantNotice(t, "idea grouped meanwhile", c.press("alice", create), "already belongs to a proposal")
	if got := c.state(); got != before {
		t.Errorf("creating from a stale suggestion changed the state:\n%s\nwant\n%s", got, before)
	}

	// A later /suggest replaces the earlier one; a dismissed one is gone.
	c.say("alice", "/ungroup 1")
	rs = c.say("alice", "/suggest")
	wantNotice(t, "replaced", c.press("alice", create), "expired or was already handled")
	dismiss = buttonData(t, rs, "Dismiss")
	create = buttonData(t, rs, "Create proposal")
	c.press("alice", dismiss)
	before = c.state()
	wantNotice(t, "dismissed", c.press("alice", create), "expired or was already handled")

	// Phase changed.
	rs = c.say("olga", "/suggest")
	create = buttonData(t, rs, "Create proposal")
	c.say("alice", "/group 3 Accounts")
	c.say("alice", "/phase evaluating")
	before = c.state()
	wantNotice(t, "phase changed", c.press("olga", create), "Not possible now")
	if got := c.state(); got != before {
		t.Errorf("a press after the phase changed changed the state:\n%s\nwant\n%s", got, before)
	}
}

func TestSuggestUnavailableWithoutSimilarity(t *testing.T) {
	ctx := context.Background()
	_, _, b := openBot(t, "", consultation.Options{}, bot.Config{Locale: "en"})
	say := func(text string) []bot.Reply {
		return b.Handle(ctx, bot.Event{Platform: consultation.Console, From: bot.User{ID: "admin", Username: "admin", Lang: "en"}, Chat: bot.Chat{ID: "main"}, Text: text})
	}
	say("/consultation new Test")
	say("/phase collecting")
	rs := say("/suggest")
	if len(rs) != 1 || !strings.Contains(rs[0].Text.String(), "not available") {
		t.Errorf("/suggest without similarity: %+v", rs)
	}
}
