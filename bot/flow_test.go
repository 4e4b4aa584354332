package bot_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
)

func t0ctx() context.Context { return context.Background() }

func evOf(text, data string) bot.Event { return bot.Event{Text: text, Data: data} }

// rateAll has each user rate every proposal from their private ballot.
func (h *harness) rateAll(users map[string][3][2]int) {
	h.t.Helper()
	for user, scores := range users {
		h.press(user, "", "b_1")
		for p, s := range scores {
			h.press(user, "dm", dataFor(p+1, "i", s[0]))
			h.press(user, "dm", dataFor(p+1, "e", s[1]))
		}
	}
}

func dataFor(p int, axis string, v int) string {
	if v == consultation.DontKnow {
		v = 0
	}
	return "r_1_1_" + strconv.Itoa(p) + "_" + axis + "_" + strconv.Itoa(v)
}

func TestSecretBallotAndResults(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/poll open")
	h.rateAll(map[string][3][2]int{
		"bob":   {{5, 1}, {4, 4}, {1, 5}},
		"carol": {{4, 2}, {consultation.DontKnow, 4}, {2, 4}},
		"alice": {{5, 2}, {5, 5}, {1, 4}},
	})
	// Changing one's mind is allowed until the close.
	h.press("bob", "dm", dataFor(3, "i", 2))
	turnout := h.say("alice", "", "/poll")
	if !strings.Contains(turnout, "3 membres sur 4") {
		t.Errorf("turnout = %q", turnout)
	}
	// Nobody, not even the admin, can read another member's ballot: a
	// ballot view only ever shows the presser's own ratings.
	mine := h.press("admin", "", "b_1")
	if !strings.Contains(mine, "impact : — · effort : —") {
		t.Errorf("admin's ballot shows ratings before the admin rated: %q", mine)
	}
	res := h.say("alice", "", "/poll close")
	for _, want := range []string{"1. P1 Covoiturage — gain rapide", "2. P2 Formation — grand projet", "3. P3 Logo — ingrat", "3 votant·es sur 4"} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %q:\n%s", want, res)
		}
	}
	golden(t, "results.golden", res)
	syn := h.synthesis()
	golden(t, "synthesis.golden", syn)
}

func (h *harness) synthesis() string {
	h.t.Helper()
	s, err := h.svc.Synthesis(context.Background(), 1)
	if err != nil {
		h.t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	return bot.SynthesisMarkdown(s, bot.French, paris)
}

func TestAdoptionVote(t *testing.T) {
	for _, tc := range []struct {
		name    string
		votes   map[string]string
		quorum  string
		adopted string
	}{
		{"adopted", map[string]string{"bob": "y", "carol": "y", "alice": "n"}, "50", "adoptée"},
		{"rejected", map[string]string{"bob": "n", "carol": "n", "alice": "y"}, "50", "n'est pas adoptée"},
		{"no quorum", map[string]string{"bob": "y"}, "60", "Quorum non atteint"},
		{"abstentions count for turnout only", map[string]string{"bob": "a", "carol": "a", "alice": "y"}, "75", "adoptée"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "fr")
			h.setup()
			h.say("alice", "", "/poll open")
			h.rateAll(map[string][3][2]int{"bob": {{5, 1}, {4, 4}, {1, 5}}})
			h.say("alice", "", "/poll close")
			open := h.say("alice", "", "/synthese vote quorum "+tc.quorum+" %")
			if !strings.Contains(open, "Quorum : "+tc.quorum+" %") {
				t.Fatalf("vote opening = %q", open)
			}
			for who, v := range tc.votes {
				h.press(who, "", "v_1_"+v)
			}
			live := h.say("bob", "", "/synthese")
			if !strings.Contains(live, "Le détail sera publié à la clôture") {
				t.Errorf("the split is shown while the vote is open: %q", live)
			}
			out := h.say("alice", "", "/vote fermer")
			if !strings.Contains(out, tc.adopted) {
				t.Errorf("outcome = %q; want %q", out, tc.adopted)
			}
		})
	}
}

func TestDuplicateEventHandledOnce(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/phase collecte")
	ev := bot.Event{Platform: consultation.Console, ID: "42", Chat: bot.Chat{ID: "main"}, From: bot.User{ID: "bob", Username: "bob"}, Text: "/idee Une idée envoyée deux fois"}
	first := h.bot.Handle(context.Background(), ev)
	second := h.bot.Handle(context.Background(), ev)
	if len(first) != 1 || len(second) != 0 {
		t.Fatalf("replies: first %d, second %d; want 1 then 0", len(first), len(second))
	}
	ideas, _ := h.svc.Ideas(context.Background(), 1)
	if len(ideas) != 4 {
		t.Errorf("%d ideas; want 4 (the duplicate must not add one)", len(ideas))
	}
}

func TestDigest(t *testing.T) {
	h := newHarness(t, "en")
	h.setup()
	h.say("alice", "", "/poll open until 2026-12-01 18:00")
	h.rateAll(map[string][3][2]int{"bob": {{5, 1}, {4, 4}, {1, 5}}})
	golden(t, "digest.golden", h.say("bob", "", "/digest"))
}

// TestMissingOnlyWhileOpen checks that organisers learn who has not
// finished rating while the poll is open, for reminders, and not once it
// has closed.
func TestMissingOnlyWhileOpen(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/poll open")
	h.rateAll(map[string][3][2]int{"bob": {{5, 1}, {4, 4}, {1, 5}}})
	organiser := consultation.Actor{Identity: consultation.Identity{Platform: consultation.Console, UserID: "alice"}}
	p, err := h.svc.Participation(context.Background(), organiser, 1)
	if err != nil || len(p.Missing) == 0 {
		t.Fatalf("while open: %+v, %v; want who has not finished", p, err)
	}
	h.say("alice", "", "/poll close")
	p, err = h.svc.Participation(context.Background(), organiser, 1)
	if err != nil || p.Missing != nil || p.Finished != 1 {
		t.Errorf("once closed: %+v, %v; want turnout without names", p, err)
	}
}

// TestVoteByCommandInPrivate checks that /vote counts in a private chat,
// that a vote typed in the group is refused and does not count, and that
// with several votes open the member is asked which one the choice is for.
func TestVoteByCommandInPrivate(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/poll open")
	h.rateAll(map[string][3][2]int{"bob": {{5, 1}, {4, 4}, {1, 5}}})
	h.say("alice", "", "/poll close")
	h.say("alice", "", "/synthese vote quorum 50 %")
	if got := h.say("bob", "dm", "/vote non"); !strings.Contains(got, "Vote enregistré : non") {
		t.Fatalf("private /vote = %q", got)
	}
	if got := h.say("bob", "", "/vote oui"); !strings.Contains(got, "Votre vote est secret") {
		t.Errorf("/vote in the group = %q", got)
	}
	// A second consultation, in another group, reaches its vote too.
	for _, line := range []string{"/consultation new Budget", "/phase collecting"} {
		h.say("alice", "other", line)
	}
	h.say("bob", "other", "/idea Un budget participatif")
	h.say("alice", "other", "/group 1 Budget")
	h.say("alice", "other", "/poll open")
	h.say("alice", "other", "/poll close")
	h.say("alice", "other", "/synthese vote quorum 50 %")
	got := h.say("bob", "dm", "/vote oui")
	if !strings.Contains(got, "Plusieurs votes sont ouverts") || !strings.Contains(got, "Budget") {
		t.Errorf("/vote with two votes open = %q", got)
	}
	if rows := h.last["bob"]; len(rows) != 2 || len(rows[0]) != 1 || rows[0][0].Data != "v_2_y" || rows[1][0].Data != "v_1_y" {
		t.Errorf("buttons = %+v; want a yes for each vote, newest first", rows)
	}
	h.say("alice", "", "/vote fermer")
	tally, err := h.svc.Tally(context.Background(), 1)
	if err != nil || tally.Voted != 1 || tally.No != 1 {
		t.Errorf("tally = %+v, %v; want bob's private no, and nothing of the group", tally, err)
	}
}

// TestUnscoredProposalShowsDashes checks that a proposal nobody scored
// (every answer "don't know") shows dashes, not zeros, in the results and
// the synthesis.
func TestUnscoredProposalShowsDashes(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/poll open")
	dk := consultation.DontKnow
	h.rateAll(map[string][3][2]int{
		"bob":   {{5, 1}, {dk, dk}, {1, 5}},
		"carol": {{4, 2}, {dk, dk}, {2, 4}},
	})
	h.say("alice", "", "/poll close")
	res := h.say("bob", "", "/resultats")
	if !strings.Contains(res, "impact — · effort — · d'accord — · 2 votant·es") {
		t.Errorf("results do not show the unscored proposal with dashes:\n%s", res)
	}
	if syn := h.synthesis(); !strings.Contains(syn, "| — | — | — | 2 |") {
		t.Errorf("synthesis does not show the unscored proposal with dashes:\n%s", syn)
	}
	// The export leaves its figures out (null) rather than 0.
	var doc struct {
		Results struct {
			Outcomes []map[string]any `json:"outcomes"`
		} `json:"results"`
	}
	for _, r := range h.handle("alice", "", bot.Event{Text: "/exporter"}) {
		for _, f := range r.Files {
			if strings.HasSuffix(f.Name, ".json") {
				if err := json.Unmarshal(f.Data, &doc); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	found := false
	for _, o := range doc.Results.Outcomes {
		if o["proposal"] == 2.0 {
			found = true
			if o["impact_median"] != nil || o["agree"] != nil || o["scored"] != 0.0 || o["raters"] != 2.0 {
				t.Errorf("export of the unscored proposal = %v; want null figures, 0 scored, 2 raters", o)
			}
		}
	}
	if !found {
		t.Errorf("the export has no result for P2: %+v", doc)
	}
}

// TestMoveChatAfterNewChatSpoke has a chat's new id reach the bot before
// its move is told (a command in the new Telegram supergroup handled
// first): the empty group made for it gives way and the consultation
// follows the chat. A new chat whose group already holds a consultation
// is not merged into.
func TestMoveChatAfterNewChatSpoke(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, "fr")
	h.setup()
	h.say("bob", "super", "/aide")
	if err := h.svc.MoveChat(ctx, consultation.Console, "main", "super"); err != nil {
		t.Fatalf("MoveChat onto the empty group: %v", err)
	}
	if got := h.say("bob", "super", "/idees"); !strings.Contains(got, "Covoiturage pour les réunions") {
		t.Errorf("ideas in the moved chat = %q", got)
	}
	if err := h.svc.MoveChat(ctx, consultation.Console, "main", "super"); err != nil {
		t.Errorf("MoveChat told twice: %v", err)
	}
	h.say("alice", "other", "/consultation new Budget")
	if err := h.svc.MoveChat(ctx, consultation.Console, "super", "other"); consultation.ErrorCode(err) != consultation.ECONFLICT {
		t.Errorf("MoveChat onto a group with a consultation: %v; want a conflict", err)
	}
	if got := h.say("bob", "super", "/idees"); !strings.Contains(got, "Covoiturage pour les réunions") {
		t.Errorf("a refused move changed the chat: %q", got)
	}
}

// TestClosingNoticeNotAfterClose checks that a "closing soon" notice still
// waiting when the evaluation closes says nothing.
func TestClosingNoticeNotAfterClose(t *testing.T) {
	h := newHarness(t, "fr")
	h.setup()
	h.say("alice", "", "/poll open")
	ctx := context.Background()
	render := func() []bot.Reply {
		out, err := h.bot.Render(ctx, consultation.Console, "main", consultation.OutboxClosing, 1, "1")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if len(render()) != 1 {
		t.Fatal("no closing notice while the evaluation is open")
	}
	h.say("alice", "", "/poll close")
	if out := render(); len(out) != 0 {
		t.Errorf("closing notice after the close: %+v", out)
	}
}
