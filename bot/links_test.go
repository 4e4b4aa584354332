package bot_test

import (
	"context"
	"strings"
	"testing"

	"atelier/bot"
)

// TestDeepLinksOpenOnlyBallots checks that /start with a payload, which a
// Telegram deep link sends, opens the member's ballot and does nothing
// else: a link made of another button's data (a rating, a vote, a
// proposal of the ballot) shows the help and changes nothing, wherever it
// is opened.
func TestDeepLinksOpenOnlyBallots(t *testing.T) {
	for _, tc := range []struct {
		name, chat, payload string
		adoption            bool
		want                string
	}{
		{"ballot", "dm", "b_1", false, "Votre bulletin"},
		{"ballot asked for in the group, answered privately", "", "b_1", false, "Votre bulletin"},
		{"a rating", "dm", "r_1_1_1_i_4", false, "Atelier — consultations internes"},
		{"a proposal of the ballot, in the group", "", "n_1_2", false, "Atelier — consultations internes"},
		{"a vote", "dm", "v_1_n", true, "Atelier — consultations internes"},
		{"garbage", "dm", "zz_1", false, "Atelier — consultations internes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "fr")
			h.setup()
			h.say("alice", "", "/poll open")
			if tc.adoption {
				h.say("alice", "", "/poll close")
				h.say("alice", "", "/synthese vote quorum 50 %")
			}
			before := h.snapshot()
			replies := h.handle("bob", tc.chat, bot.Event{Text: "/start " + tc.payload})
			if len(replies) != 1 || !strings.Contains(replies[0].Text.String(), tc.want) {
				t.Fatalf("replies = %+v; want one containing %q", replies, tc.want)
			}
			if strings.Contains(tc.want, "bulletin") && (replies[0].To != bot.Private || replies[0].Edit) {
				t.Errorf("ballot sent to %v (edit %v); want a new private message", replies[0].To, replies[0].Edit)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("the link changed the state:\nbefore %s\nafter  %s", before, after)
			}
			if tc.adoption {
				if tally, err := h.svc.Tally(context.Background(), 1); err != nil || tally.Voted != 0 {
					t.Errorf("tally = %+v, %v; want no vote", tally, err)
				}
			}
		})
	}
}

// TestBallotEditedOnlyWhereSeenAlone checks that a ballot button edits the
// pressed message only when the presser alone sees it (a private chat, an
// ephemeral message): pressed on a message in a group, forged or not, it
// answers with the presser's ballot privately, so that nobody's ratings
// show in a group.
func TestBallotEditedOnlyWhereSeenAlone(t *testing.T) {
	for _, tc := range []struct {
		name      string
		private   bool
		ephemeral bool
		data      string
		wantTo    bot.Target
		wantEdit  bool
	}{
		{"rating in a private chat", true, false, "r_1_1_1_i_4", bot.Here, true},
		{"rating on an ephemeral message", false, true, "r_1_1_1_i_4", bot.Here, true},
		{"rating pressed in a group", false, false, "r_1_1_1_i_4", bot.Private, false},
		{"proposal pressed in a group", false, false, "n_1_2", bot.Private, false},
		{"proposal in a private chat", true, false, "n_1_2", bot.Here, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "en")
			h.setup()
			h.say("alice", "", "/poll open")
			chat := ""
			if tc.private {
				chat = "dm"
			}
			replies := h.handle("bob", chat, bot.Event{Data: tc.data, Ephemeral: tc.ephemeral})
			if len(replies) != 1 || !strings.Contains(replies[0].Text.String(), "Your ballot") {
				t.Fatalf("replies = %+v; want bob's ballot", replies)
			}
			if r := replies[0]; r.To != tc.wantTo || r.Edit != tc.wantEdit {
				t.Errorf("ballot sent to %v (edit %v); want to %v (edit %v)", r.To, r.Edit, tc.wantTo, tc.wantEdit)
			}
		})
	}
}
