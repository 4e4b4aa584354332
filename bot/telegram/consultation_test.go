package telegram_test

import (
	"strings"
	"testing"

	"atelier/bot/telegram/telegramtest"
)

// TestConsultation runs a whole consultation in a group, with ballots in
// private chats, for French- and English-speaking members.
func TestConsultation(t *testing.T) {
	e := start(t)
	srv := e.srv

	if got := e.a.Username(); got != "AtelierBot" {
		t.Errorf("Username() = %q; want AtelierBot", got)
	}

	// Everyone speaks once so the bot knows them.
	wantContains(t, "French help", only(t, e.say(group, alice, "/aide")).Plain, "Atelier — consultations internes")
	bobHelp := e.srv.SendText(group, bob, "/help")
	e.handled(bobHelp)
	helpMsg, _ := srv.LastMessage(group.ID)
	wantContains(t, "English help", helpMsg.Plain, "Atelier — internal consultations")
	wantContains(t, "help parse mode", helpMsg.ParseMode, "HTML")
	wantContains(t, "help markup", helpMsg.Text, "<b>")
	carolHelp := e.srv.SendText(group, carol, "/help@AtelierBot")
	e.handled(carolHelp)
	e.say(group, admin, "/aide")

	wantContains(t, "role", only(t, e.say(group, admin, "/role @alice organiser")).Plain, "Alice")
	wantContains(t, "verify by reply", only(t, e.reply(group, alice, bobHelp.MessageID, "/verify")).Plain, "Bob")
	wantContains(t, "verify by username", only(t, e.say(group, alice, "/verifier @carol")).Plain, "Carol")

	created := only(t, e.say(group, alice, "/consultation new Statuts 2026")).Plain
	wantContains(t, "consultation", created, "Statuts 2026")
	cid := strings.Fields(strings.TrimPrefix(created, "Consultation n°"))[0]
	e.say(group, alice, "/phase collecting")

	ideas := []struct {
		from telegramtest.User
		text string
		want string
	}{
		{alice, "/idea@AtelierBot Créer un intranet pour les adhérent·es", "Idée n°1"},
		{bob, "/idea Publish the minutes of every meeting", "Idea #2"},
		{carol, "/idée Limiter le cumul des mandats", "Idée n°3"},
		{bob, "/idea Rotate the chair every year", "Idea #4"},
	}
	for _, i := range ideas {
		wantContains(t, i.text, only(t, e.say(group, i.from, i.text)).Plain, i.want)
	}
	if ms := e.say(group, bob, "/idea@OtherBot not for us"); len(ms) != 0 {
		t.Errorf("/idea@OtherBot answered %q; want silence", ms[0].Plain)
	}

	e.say(group, alice, "/group 1 2 Transparence")
	e.say(group, alice, "/regrouper 3 4 Mandats")
	announce := e.say(group, alice, "/poll open")
	var link string
	for _, m := range announce {
		for _, b := range m.Buttons() {
			if b.URL != "" {
				link = b.URL
			}
		}
	}
	if want := "https://t.me/AtelierBot?start=b_" + cid; link != want {
		t.Fatalf("evaluation announcement link = %q; want %q", link, want)
	}

	// Each member follows the deep link and rates every proposal.
	presses := 0
	for _, u := range []telegramtest.User{alice, bob, carol} {
		dm := telegramtest.PrivateChat(u)
		ballot := only(t, e.say(dm, u, "/start b_"+cid))
		title, done := "Votre bulletin", "Propositions notées : 2 sur 2"
		if u.LanguageCode == "en" {
			title, done = "Your ballot", "Proposals rated: 2 of 2"
		}
		wantContains(t, "ballot", ballot.Plain, title)
		for step := 0; step < 4; step++ {
			m, _ := srv.Message(dm.ID, ballot.ID)
			// Rate the shown proposal: impact then effort.
			axis := "_i_"
			if step%2 == 1 {
				axis = "_e_"
			}
			data := ""
			for _, b := range m.Buttons() {
				if strings.Contains(b.CallbackData, axis) && strings.HasSuffix(b.CallbackData, "_4") {
					data = b.CallbackData
				}
			}
			if data == "" {
				t.Fatalf("ballot %q has no %s button", m.Plain, axis)
			}
			if ms := e.press(dm, u, ballot.ID, data); len(ms) != 0 {
				t.Errorf("rating sent new messages %q; want an edit in place", ms[0].Plain)
			}
			presses++
		}
		if h := srv.History(dm.ID, ballot.ID); len(h) != 5 {
			t.Errorf("ballot of %s has %d versions; want 5 (edited in place)", u.Username, len(h))
		}
		final, _ := srv.Message(dm.ID, ballot.ID)
		wantContains(t, "complete ballot", final.Plain, done)
		marked := 0
		for _, b := range final.Buttons() {
			if strings.HasPrefix(b.Text, "✓") {
				marked++
			}
		}
		if marked != 2 {
			t.Errorf("final ballot marks %d choices; want 2", marked)
		}
	}

	results := e.say(group, alice, "/poll close")
	var sawResults, sawPhoto bool
	for _, m := range results {
		sawResults = sawResults || strings.Contains(m.Plain, "Résultats de « Statuts 2026 »")
		sawPhoto = sawPhoto || m.Photo != nil && m.Method == "sendPhoto"
	}
	if !sawResults || !sawPhoto {
		t.Errorf("poll close: results message %v, photo %v; want both", sawResults, sawPhoto)
	}

	syn := e.say(group, bob, "/synthesis")
	var doc *telegramtest.File
	for _, m := range syn {
		if m.Document != nil {
			doc = m.Document
		}
	}
	if doc == nil || !strings.HasSuffix(doc.Name, ".md") || len(doc.Data) == 0 {
		t.Fatalf("/synthesis sent no Markdown document: %+v", syn)
	}
	wantContains(t, "synthesis", syn[0].Plain, "Synthesis of")

	vote := e.say(group, alice, "/synthesis vote quorum 50%")
	var voteMsg telegramtest.Message
	for _, m := range vote {
		if len(m.Buttons()) > 0 {
			voteMsg = m
		}
	}
	if len(voteMsg.Buttons()) != 3 {
		t.Fatalf("vote announcement buttons = %+v; want yes/no/abstain", voteMsg.Buttons())
	}
	yes := voteMsg.Buttons()[0].CallbackData
	for _, u := range []telegramtest.User{alice, bob, carol} {
		e.press(group, u, voteMsg.ID, yes)
		presses++
	}
	closing := e.say(group, alice, "/vote close")
	var adopted bool
	for _, m := range closing {
		adopted = adopted || strings.Contains(m.Plain, "La synthèse est adoptée")
	}
	if !adopted {
		t.Errorf("/vote close did not announce adoption: %+v", closing)
	}

	answers := srv.CallbackAnswers()
	if len(answers) != presses {
		t.Errorf("%d callback answers for %d presses", len(answers), presses)
	}
	for _, a := range answers {
		if a.Text == "" {
			t.Errorf("callback %q answered without a notice", a.Data)
		}
	}
}

// TestCommandsRegistered checks the command menus: French and English,
// groups and private chats.
func TestCommandsRegistered(t *testing.T) {
	e := start(t)
	sets := e.srv.Commands()
	type key struct{ scope, lang string }
	got := map[key][]telegramtest.Command{}
	for _, s := range sets {
		got[key{s.Scope.Type, s.LanguageCode}] = s.Commands
	}
	tests := []struct {
		scope, lang, has string
	}{
		{"all_group_chats", "fr", "idee"},
		{"all_group_chats", "en", "idea"},
		{"all_group_chats", "", "idee"},
		{"all_private_chats", "fr", "evaluer"},
		{"all_private_chats", "en", "rate"},
		{"all_private_chats", "", "evaluer"},
	}
	for _, tt := range tests {
		cmds, ok := got[key{tt.scope, tt.lang}]
		if !ok {
			t.Errorf("no commands for scope %s language %q", tt.scope, tt.lang)
			continue
		}
		found := false
		for _, c := range cmds {
			found = found || c.Command == tt.has
		}
		if !found {
			t.Errorf("commands for %s %q lack %q: %+v", tt.scope, tt.lang, tt.has, cmds)
		}
	}
}
