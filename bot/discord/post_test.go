package discord_test

import (
	"testing"

	"atelier/bot"
)

// TestPost checks the bot's own messages to a channel: posted with their
// buttons and with every mention disabled.
func TestPost(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	h.srv.AddChannel(guildID, chanID)
	replies := []bot.Reply{
		{To: bot.Here, Text: bot.Plain("« Statuts » : phase évaluation @everyone"), Buttons: [][]bot.Button{{{Label: "Évaluer", Data: "b_1"}}}},
		{To: bot.Private, Text: bot.Plain("not for a channel")},
	}
	if err := h.a.Post(testContext(t), chanID, replies); err != nil {
		t.Fatalf("Post: %v", err)
	}
	msgs := h.srv.Messages(chanID)
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the channel; want 1", len(msgs))
	}
	m := msgs[0]
	wantContains(t, "announcement", msgText(m), "phase évaluation")
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v; want none", m.AllowedMentions)
	}
	if len(m.Components) == 0 {
		t.Errorf("the announcement lost its button")
	}
	if err := h.a.Post(testContext(t), "no-such-channel", replies[:1]); err == nil {
		t.Errorf("Post to an unknown channel succeeded")
	}
}
