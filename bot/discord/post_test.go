package discord_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

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

// TestPostDirect checks the outbox's private messages: delivered to the
// member's DM channel; skipped for a member who refuses direct messages;
// and otherwise, when Discord fails, reported to the outbox, with the
// wait of a rate limit, so that it tries again.
func TestPostDirect(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	reminder := []bot.Reply{{To: bot.Direct, UserID: aliceID, Text: bot.Plain("⏰ Rappel : « Statuts »"),
		Buttons: [][]bot.Button{{{Label: "Noter", Data: "b_1"}}}}}
	if err := h.a.Post(testContext(t), chanID, reminder); err != nil {
		t.Fatalf("Post: %v", err)
	}
	dm, ok := h.srv.DMChannel(aliceID)
	if !ok || len(h.srv.Messages(dm)) != 1 {
		t.Fatalf("alice's DM channel %q holds %d messages; want 1", dm, len(h.srv.Messages(dm)))
	}

	h.srv.FailNext("POST /channels/"+dm+"/messages", 3, http.StatusInternalServerError, 0)
	if err := h.a.Post(testContext(t), chanID, reminder); err == nil {
		t.Error("Post succeeded while Discord failed; the outbox would drop the reminder")
	}
	h.srv.FailNext("POST /channels/"+dm+"/messages", 1, http.StatusTooManyRequests, 2)
	err := h.a.Post(testContext(t), chanID, reminder)
	var ra bot.RetryAfter
	if !errors.As(err, &ra) || ra.RetryAfter() < 1500*time.Millisecond {
		t.Errorf("Post under a 2 s rate limit = %v; want an error carrying the wait", err)
	}

	h.srv.CloseDirectMessages(aliceID)
	if err := h.a.Post(testContext(t), chanID, reminder); err != nil {
		t.Errorf("Post to a member refusing direct messages = %v; want it skipped", err)
	}
	if n := len(h.srv.Messages(dm)); n != 1 {
		t.Errorf("alice's DM channel holds %d messages; want still 1", n)
	}
}
