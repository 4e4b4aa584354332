package telegram_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"atelier/bot"
)

// TestPost checks the bot's own messages to a group: sent with their
// buttons, 429 answers waited out, and Telegram's retry_after handed to
// the sender once the adapter gives up.
func TestPost(t *testing.T) {
	e := start(t)
	e.say(group, alice, "/aide")
	chat := strconv.FormatInt(group.ID, 10)
	replies := []bot.Reply{{To: bot.Here, Text: bot.Plain("« Statuts » : phase évaluation"), Buttons: [][]bot.Button{{{Label: "Évaluer", Data: "b_1"}}}}}
	if err := e.a.Post(ctxT(t), chat, replies); err != nil {
		t.Fatalf("Post: %v", err)
	}
	m, ok := e.srv.LastMessage(group.ID)
	if !ok || m.Plain != "« Statuts » : phase évaluation" {
		t.Errorf("last message in the group = %+v", m)
	}

	e.srv.FailNext("sendMessage", 1, 429, 3)
	if err := e.a.Post(ctxT(t), chat, replies); err != nil {
		t.Fatalf("Post after one 429: %v", err)
	}

	e.srv.FailNext("sendMessage", 100, 429, 7)
	err := e.a.Post(ctxT(t), chat, replies)
	var ra bot.RetryAfter
	if !errors.As(err, &ra) || ra.RetryAfter() != 7*time.Second {
		t.Errorf("Post under 429 = %v; want an error with retry after 7s", err)
	}

	if err := e.a.Post(ctxT(t), "not-a-chat", replies); err == nil {
		t.Errorf("Post to a bad chat id succeeded")
	}
}
