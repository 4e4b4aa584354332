package telegram_test

import (
	"context"
	"strconv"
	"testing"

	"atelier/bot"
	"atelier/bot/telegram"
)

// TestAuthorsToldWhenGrouped checks that the authors of grouped ideas get a
// private message (chat id = their user id), and that an author who blocked
// the bot is skipped without anything reaching the group.
func TestAuthorsToldWhenGrouped(t *testing.T) {
	e := start(t)
	e.collecting()
	e.say(group, bob, "/idea Publish the minutes of every meeting")
	e.say(group, carol, "/idee Limiter le cumul des mandats")
	e.say(group, bob, "/idea Rotate the chair every year")
	e.srv.BlockUser(carol.ID)

	sent := e.say(group, alice, "/group 1 2 3 Transparence")
	var inGroup, toBob int
	for _, m := range sent {
		switch m.ChatID {
		case group.ID:
			inGroup++
			wantContains(t, "group reply", m.Plain, "P1")
		case bob.ID:
			toBob++
			wantContains(t, "bob's notice, in his language", m.Plain, "Your ideas #1, #3 are now part of proposal P1")
		default:
			t.Errorf("message to unexpected chat %d: %q", m.ChatID, m.Plain)
		}
	}
	if inGroup != 1 || toBob != 1 {
		t.Errorf("messages: %d in the group, %d to Bob; want 1, 1 (once per author)", inGroup, toBob)
	}
	// Carol's refusal is remembered: the next message for her is not tried.
	v, err := e.svc.State(context.Background(), "telegram:blocked:"+strconv.FormatInt(carol.ID, 10))
	if err != nil || v == "" {
		t.Errorf("Carol's blocked chat not remembered: %q, %v", v, err)
	}
	tries := e.srv.Calls("sendMessage")
	err = e.a.Post(context.Background(), strconv.FormatInt(group.ID, 10), []bot.Reply{{To: bot.Direct, UserID: strconv.FormatInt(carol.ID, 10), Text: bot.Plain("Rappel")}})
	if err != nil || e.srv.Calls("sendMessage") != tries {
		t.Errorf("a direct message to Carol: %v, %d tries; want none", err, e.srv.Calls("sendMessage")-tries)
	}
}

// TestRefusalCrossingAnOpening checks that a send refused because the
// person had not opened their private chat yet does not mark them blocked
// when they opened it while the send was on its way; a refusal with no
// opening since does.
func TestRefusalCrossingAnOpening(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	const user = 4242
	before := telegram.Openings(e.a, user)
	telegram.Open(ctx, e.a, user) // their /start, while the send is on its way
	telegram.Refused(ctx, e.a, user, before)
	if telegram.Blocked(ctx, e.a, user) {
		t.Error("a refusal that crossed the person's /start marked them blocked")
	}
	telegram.Refused(ctx, e.a, user, telegram.Openings(e.a, user))
	if !telegram.Blocked(ctx, e.a, user) {
		t.Error("a refusal with no opening since did not mark the person blocked")
	}
}
