package telegram_test

import (
	"testing"
)

// TestAuthorsToldWhenGrouped checks that the authors of grouped ideas get a
// private message (chat id = their user id), and that an author who blocked
// the bot is skipped without anything reaching the group.
func TestAuthorsToldWhenGrouped(t *testing.T) {
	e := start(t)
	e.say(group, alice, "/aide")
	e.say(group, bob, "/help")
	e.say(group, carol, "/aide")
	e.say(group, admin, "/aide")
	e.say(group, admin, "/role @alice organiser")
	e.say(group, alice, "/verifier @bob")
	e.say(group, alice, "/verifier @carol")
	e.say(group, alice, "/consultation new Statuts 2026")
	e.say(group, alice, "/phase collecting")
	e.say(group, bob, "/idea Publish the minutes of every meeting")
	e.say(group, carol, "/idee Limiter le cumul des mandats")
	e.say(group, bob, "/idea Rotate the chair every year")
	e.srv.BlockUser(carol.ID)

	sent := e.say(group, alice, "/group 1 2 3 Transparence")
	var inGroup, toBob, toCarol int
	for _, m := range sent {
		switch m.ChatID {
		case group.ID:
			inGroup++
			wantContains(t, "group reply", m.Plain, "P1")
		case bob.ID:
			toBob++
			wantContains(t, "bob's notice, in his language", m.Plain, "Your ideas #1, #3 are now part of proposal P1")
		case carol.ID:
			toCarol++
		default:
			t.Errorf("message to unexpected chat %d: %q", m.ChatID, m.Plain)
		}
	}
	if inGroup != 1 || toBob != 1 || toCarol != 0 {
		t.Errorf("messages: %d in the group, %d to Bob, %d to Carol; want 1, 1 (once per author), 0 (blocked)", inGroup, toBob, toCarol)
	}
}
