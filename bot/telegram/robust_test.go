package telegram_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"atelier/bot"
	"atelier/bot/telegram"
	"atelier/bot/telegram/telegramtest"
	"atelier/consultation"
)

// collecting sets up a verified group with a consultation open to ideas
// and returns its ID.
func (e *env) collecting() int64 {
	e.t.Helper()
	for _, u := range []telegramtest.User{alice, bob, carol} {
		e.say(group, u, "/aide")
	}
	e.say(group, admin, "/role @alice organiser")
	e.say(group, alice, "/verifier @bob")
	e.say(group, alice, "/verifier @carol")
	e.say(group, alice, "/consultation nouvelle Statuts")
	e.say(group, alice, "/phase collecte")
	cs, err := e.svc.Consultations(context.Background(), e.groupID(group.ID))
	if err != nil || len(cs) == 0 {
		e.t.Fatalf("no consultation: %v", err)
	}
	return cs[0].ID
}

// evaluating goes on to an open evaluation of two proposals.
func (e *env) evaluating() int64 {
	e.t.Helper()
	cid := e.collecting()
	for i := 1; i <= 4; i++ {
		e.say(group, bob, "/idea Idée numéro "+strconv.Itoa(i)+" pour le test")
	}
	e.say(group, alice, "/group 1 2 Premier")
	e.say(group, alice, "/group 3 4 Second")
	e.say(group, alice, "/poll open")
	return cid
}

func (e *env) groupID(chat int64) int64 {
	e.t.Helper()
	g, _, err := e.svc.Enter(context.Background(), consultation.Chat{Platform: consultation.Telegram, ChatID: strconv.FormatInt(chat, 10)},
		consultation.Identity{UserID: "1001"}, "fr", "Europe/Paris")
	if err != nil {
		e.t.Fatalf("group of %d: %v", chat, err)
	}
	return g.ID
}

func (e *env) ideas(cid int64) []*consultation.Idea {
	e.t.Helper()
	is, err := e.svc.Ideas(context.Background(), cid)
	if err != nil {
		e.t.Fatalf("ideas: %v", err)
	}
	return is
}

func (e *env) ballotDone(u telegramtest.User, cid int64) int {
	e.t.Helper()
	ctx := context.Background()
	m, err := e.svc.MemberByIdentity(ctx, consultation.Telegram, strconv.FormatInt(u.ID, 10))
	if err != nil {
		e.t.Fatalf("member: %v", err)
	}
	b, err := e.svc.Ballot(ctx, consultation.Actor{MemberID: m.ID}, cid)
	if err != nil {
		e.t.Fatalf("ballot: %v", err)
	}
	n := 0
	for _, r := range b.Mine {
		if r.Impact != consultation.Unset || r.Effort != consultation.Unset {
			n++
		}
	}
	return n
}

func TestRedeliveredUpdateChangesNothing(t *testing.T) {
	e := start(t)
	cid := e.collecting()
	u := e.srv.SendText(group, bob, "/idea Une idée envoyée une seule fois")
	e.handled(u)
	sent := len(e.srv.Sent())
	e.srv.Redeliver(u.ID)
	if err := e.srv.WaitFor(ctxT(t), func() bool { return e.srv.Delivered(u.ID) == 2 && e.srv.Pending() == 0 }); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ideas(cid)); n != 1 {
		t.Errorf("%d ideas after redelivery; want 1", n)
	}
	if n := len(e.srv.Sent()); n != sent {
		t.Errorf("redelivery sent %d more messages; want none", n-sent)
	}
}

func TestTooManyRequestsRetried(t *testing.T) {
	e := start(t)
	e.srv.FailNext("sendMessage", 2, 429, 7)
	m := only(t, e.say(group, alice, "/aide"))
	wantContains(t, "help after 429", m.Plain, "Atelier")
	if n := e.srv.Calls("sendMessage"); n != 3 {
		t.Errorf("sendMessage called %d times; want 3", n)
	}
	slept, _ := e.clock.Slept()
	if slept < 14*time.Second {
		t.Errorf("waited %v; want retry_after honoured twice (14s)", slept)
	}
}

func TestGroupPacing(t *testing.T) {
	e := start(t)
	const n = 26
	for range n {
		e.say(group, alice, "/aide")
	}
	slept, _ := e.clock.Slept()
	// 20 messages go at once; each further one waits 3 s for its token.
	if want := (n - 20) * 3 * time.Second; slept < want-time.Second || slept > want+time.Second {
		t.Errorf("%d group messages waited %v; want about %v", n, slept, want)
	}
	if got := len(e.srv.Messages(group.ID)); got != 2*n {
		t.Errorf("%d messages in the group; want %d", got, 2*n)
	}
}

// TestPacedGroupHoldsBackOnlyItself checks that a group whose replies
// wait for their turn (Telegram allows about 20 a minute) delays that group
// alone: a member's ballot press in another chat is answered meanwhile, as
// is a group command whose answer goes to the member's private chat, and
// the group's replies all come, in order, once their turn comes.
func TestPacedGroupHoldsBackOnlyItself(t *testing.T) {
	e := start(t)
	cid := e.evaluating()
	dm := telegramtest.PrivateChat(bob)
	ballot := only(t, e.say(dm, bob, "/start b_"+strconv.FormatInt(cid, 10)))
	held, release := e.clock.hold()
	defer release()
	const n = 25
	before := len(e.srv.Messages(group.ID))
	for i := range n {
		e.srv.SendText(group, alice, "/inconnue"+strconv.Itoa(i))
	}
	select {
	case <-held:
	case <-ctxT(t).Done():
		t.Fatal("no group reply waited for its turn")
	}
	answers := e.srv.CallbackAnswerCount()
	e.srv.PressButton(dm, bob, ballot.ID, "r_"+strconv.FormatInt(cid, 10)+"_1_1_i_4")
	err := e.srv.WaitFor(ctxT(t), func() bool { return e.srv.CallbackAnswerCount() > answers })
	if err != nil {
		t.Fatalf("a ballot press waited for another chat's pacing: %v", err)
	}
	// A command in the held group whose answer goes to the member's
	// private chat: it waits for the private chat's turn, not the group's.
	inDM := len(e.srv.Messages(dm.ID))
	e.srv.SendText(group, bob, "/noter")
	err = e.srv.WaitFor(ctxT(t), func() bool { return len(e.srv.Messages(dm.ID)) > inDM })
	if err != nil {
		t.Fatalf("a private answer to a group command waited for the group's pacing: %v", err)
	}
	release()
	// The commands, their answers, and /noter.
	want := before + 2*n + 1
	err = e.srv.WaitFor(ctxT(t), func() bool { return len(e.srv.Messages(group.ID)) >= want && telegram.Busy(e.a) == 0 })
	if err != nil {
		t.Fatalf("%d messages in the group after release; want %d: %v", len(e.srv.Messages(group.ID)), want, err)
	}
	wantAnswersInOrder(t, e.botTexts(group.ID, before))
}

// wantAnswersInOrder checks that reply i answers /inconnue<i>.
func wantAnswersInOrder(t *testing.T, replies []string) {
	t.Helper()
	for i, r := range replies {
		if !strings.Contains(r, "/inconnue"+strconv.Itoa(i)+".") {
			t.Errorf("reply %d = %q; want the answer to /inconnue%d", i, r, i)
		}
	}
}

// TestChatTooFarBehindDropsReplies holds a group's pacing while it sends
// more commands than its queue takes: the replies beyond the bound are
// dropped, the others sent in order once the pace allows, and other
// chats are answered meanwhile.
func TestChatTooFarBehindDropsReplies(t *testing.T) {
	e := start(t)
	cid := e.evaluating()
	telegram.SetMaxQueuedPerChat(e.a, 3)
	dm := telegramtest.PrivateChat(bob)
	ballot := only(t, e.say(dm, bob, "/start b_"+strconv.FormatInt(cid, 10)))
	held, release := e.clock.hold()
	defer release()
	before := len(e.srv.Messages(group.ID))
	replies := func() []string { return e.botTexts(group.ID, before) }
	// Commands until a reply has to wait for the group's turn (the pace
	// allows a burst first).
	n := 0
	for waiting := false; !waiting; n++ {
		if n == 40 {
			t.Fatal("no group reply waited for its turn")
		}
		e.srv.SendText(group, alice, "/inconnue"+strconv.Itoa(n))
		// Its reply either comes or waits at the gate, which the fake
		// server does not see: watch both.
		ctx, cancel := context.WithCancel(ctxT(t))
		came := make(chan error, 1)
		go func(want int) { came <- e.srv.WaitFor(ctx, func() bool { return len(replies()) == want }) }(n + 1)
		select {
		case <-held:
			waiting = true
		case err := <-came:
			if err != nil {
				t.Fatal(err)
			}
		}
		cancel()
	}
	// One reply waits at the gate; three more may wait behind it, and the
	// last two are dropped.
	for i := n; i < n+5; i++ {
		e.srv.SendText(group, alice, "/inconnue"+strconv.Itoa(i))
	}
	if err := e.srv.WaitFor(ctxT(t), func() bool { return telegram.Dropped(e.a) == 2 }); err != nil {
		t.Fatalf("%d replies dropped; want 2: %v", telegram.Dropped(e.a), err)
	}
	answers := e.srv.CallbackAnswerCount()
	e.srv.PressButton(dm, bob, ballot.ID, "r_"+strconv.FormatInt(cid, 10)+"_1_1_i_4")
	if err := e.srv.WaitFor(ctxT(t), func() bool { return e.srv.CallbackAnswerCount() > answers }); err != nil {
		t.Fatalf("a ballot press waited for another chat: %v", err)
	}
	release()
	want := n + 3 // two of the last five dropped
	err := e.srv.WaitFor(ctxT(t), func() bool { return len(replies()) >= want && telegram.Busy(e.a) == 0 })
	if err != nil {
		t.Fatalf("%d replies; want %d: %v", len(replies()), want, err)
	}
	got := replies()
	if len(got) != want {
		t.Fatalf("%d replies; want %d (two dropped)", len(got), want)
	}
	wantAnswersInOrder(t, got)
}

func TestForgedButtonsRefused(t *testing.T) {
	e := start(t)
	cid := e.evaluating()
	dm := telegramtest.PrivateChat(bob)
	ballot := only(t, e.say(dm, bob, "/start b_"+strconv.FormatInt(cid, 10)))
	dave := telegramtest.User{ID: 1009, FirstName: "Dave", Username: "dave", LanguageCode: "en"}
	c := strconv.FormatInt(cid, 10)
	tests := []struct {
		name string
		from telegramtest.User
		data string
	}{
		{"an unverified member using a ballot's data", dave, "r_" + c + "_1_1_i_3"},
		{"a round that is not open", bob, "r_" + c + "_2_1_i_3"},
		{"a proposal of no such number", bob, "r_" + c + "_1_9_i_3"},
		{"another consultation", bob, "r_" + strconv.FormatInt(cid+1, 10) + "_1_1_i_3"},
		{"garbage", bob, "r_1_1_1_x_9"},
		{"65 bytes", bob, "r_" + c + "_1_1_i_3_" + strings.Repeat("9", 65-len("r_"+c+"_1_1_i_3_"))},
	}
	versions := len(e.srv.History(dm.ID, ballot.ID))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.srv.Sent())
			u := e.srv.Enqueue("callback_query", map[string]any{
				"id":            "forged-" + strconv.Itoa(i),
				"from":          map[string]any{"id": tt.from.ID, "is_bot": false, "first_name": tt.from.FirstName, "username": tt.from.Username, "language_code": tt.from.LanguageCode},
				"chat_instance": "1",
				"data":          tt.data,
				"message": map[string]any{"message_id": ballot.ID, "date": epoch.Unix(), "text": ballot.Plain,
					"chat": map[string]any{"id": dm.ID, "type": "private", "first_name": bob.FirstName}},
			})
			e.handled(u)
			var answer *telegramtest.CallbackAnswer
			for _, a := range e.srv.CallbackAnswers() {
				if a.QueryID == u.CallbackQueryID {
					answer = &a
				}
			}
			if answer == nil || answer.Text == "" {
				t.Errorf("forged press answered %+v; want a notice", answer)
			}
			if got := e.srv.Sent()[before:]; len(got) != 0 {
				t.Errorf("forged press sent %q", got[0].Plain)
			}
		})
	}
	if n := e.ballotDone(bob, cid); n != 0 {
		t.Errorf("forged presses rated %d proposals; want 0", n)
	}
	if n := len(e.srv.History(dm.ID, ballot.ID)); n != versions {
		t.Errorf("forged presses edited the ballot %d times", n-versions)
	}
}

func TestChatMigrationKeepsConsultation(t *testing.T) {
	e := start(t)
	cid := e.collecting()
	e.say(group, bob, "/idea Avant la migration du groupe")
	const super = -1001234567890
	inOld, inNew := e.srv.MigrateChat(group.ID, super, alice)
	e.handled(inOld)
	e.handled(inNew)
	sg := telegramtest.SupergroupChat(super, group.Title)
	m := only(t, e.say(sg, bob, "/idea Après la migration du groupe"))
	wantContains(t, "idea after migration", m.Plain, "Idea #2 recorded in “Statuts”")
	if n := len(e.ideas(cid)); n != 2 {
		t.Errorf("%d ideas in the consultation; want 2", n)
	}
}

func TestHostileTextEscaped(t *testing.T) {
	e := start(t)
	cid := e.collecting()
	hostile := []string{
		"<b>pas du gras</b> & <i>ni de l'italique</i> *_[lien](x) `code`",
		"Texte \u202edroite-à-gauche\u202c, עברית ועוד, \u0001\u0007 contrôle",
		"Balise ouverte <a href=\"x\"> et & seule et &amp; déjà échappé",
	}
	for _, h := range hostile {
		e.say(group, bob, "/idea "+h)
	}
	// A long listing: 30 ideas of 270 characters, with emoji that take two
	// UTF-16 units each.
	filler := strings.Repeat("😀<&>", 20) + strings.Repeat("x", 190)
	for i := range 30 {
		e.say(group, carol, "/idee "+strconv.Itoa(i)+" "+filler)
	}
	ms := e.say(group, bob, "/ideas")
	if len(ms) < 2 {
		t.Fatalf("/ideas sent %d messages; want the listing split", len(ms))
	}
	var plain strings.Builder
	for _, m := range ms {
		if n := len(utf16.Encode([]rune(m.Plain))); n > 4096 {
			t.Errorf("message of %d UTF-16 units", n)
		}
		if m.ParseMode != "HTML" {
			t.Errorf("parse mode %q; want HTML", m.ParseMode)
		}
		if m.LinkPreview == nil || !m.LinkPreview.IsDisabled {
			t.Errorf("quoting message has link previews on")
		}
		plain.WriteString(m.Plain)
	}
	for _, i := range e.ideas(cid)[len(e.ideas(cid))-30:] {
		want := "#" + strconv.Itoa(i.Number) + " " + strings.Join(strings.Fields(i.Text), " ")
		if !strings.Contains(plain.String(), want) {
			t.Errorf("listing lacks %q", want)
		}
	}

	// The hostile ideas, listed once grouped, read exactly as written.
	e.say(group, alice, "/group 1 2 3 <b>Titre</b> & *_[")
	ms = e.say(group, bob, "/proposals")
	m := only(t, ms)
	for _, i := range e.ideas(cid)[:3] {
		if !strings.Contains(m.Plain, strings.Join(strings.Fields(i.Text), " ")) {
			t.Errorf("proposals = %q; want it to contain %q", m.Plain, i.Text)
		}
	}
	wantContains(t, "proposal title", m.Plain, "P1 <b>Titre</b> & *_[")
}

func TestPrivateReplyFallsBackToDeepLink(t *testing.T) {
	e := start(t)
	cid := e.evaluating()
	e.srv.BlockUser(carol.ID)
	m := only(t, e.say(group, carol, "/evaluer"))
	wantContains(t, "fallback", m.Plain, "Ouvrez notre conversation privée pour voir ceci")
	bs := m.Buttons()
	if want := "https://t.me/AtelierBot?start=b_" + strconv.FormatInt(cid, 10); len(bs) != 1 || bs[0].URL != want {
		t.Errorf("fallback buttons = %+v; want one link to %s", bs, want)
	}
	// Remembered: the next private reply does not try the closed chat.
	calls := e.srv.Calls("sendMessage")
	only(t, e.say(group, carol, "/evaluer"))
	if n := e.srv.Calls("sendMessage") - calls; n != 1 {
		t.Errorf("%d sendMessage calls; want 1 (the group's fallback only)", n)
	}
	// Carol opens the chat: private replies reach her again.
	dm := telegramtest.PrivateChat(carol)
	e.handled(e.srv.MyChatMember(dm, carol, telegramtest.StatusKicked, telegramtest.StatusMember))
	e.say(dm, carol, "/start")
	ms := e.say(group, carol, "/evaluer")
	if m := only(t, ms); m.ChatID != carol.ID {
		t.Errorf("ballot went to chat %d; want carol's private chat", m.ChatID)
	}
}

// TestRemovedFromGroup checks that a group that removed the bot is
// remembered: scheduled posts (reminders, digests) no longer try it, until
// the bot is added back.
func TestRemovedFromGroup(t *testing.T) {
	e := start(t)
	e.say(group, alice, "/aide")
	e.handled(e.srv.MyChatMember(group, admin, telegramtest.StatusMember, telegramtest.StatusKicked))
	ctx := context.Background()
	post := []bot.Reply{{To: bot.Here, Text: bot.Plain("Rappel")}}
	chat := strconv.FormatInt(group.ID, 10)
	tries := e.srv.Calls("sendMessage")
	if err := e.a.Post(ctx, chat, post); err != nil {
		t.Fatalf("Post to a removed group: %v", err)
	}
	if n := e.srv.Calls("sendMessage") - tries; n != 0 {
		t.Errorf("Post tried %d messages in a group that removed the bot; want none", n)
	}
	e.handled(e.srv.MyChatMember(group, admin, telegramtest.StatusKicked, telegramtest.StatusMember))
	if err := e.a.Post(ctx, chat, post); err != nil {
		t.Fatalf("Post once added back: %v", err)
	}
	if m, ok := e.srv.LastMessage(group.ID); !ok || m.Text != "Rappel" {
		t.Errorf("last group message once added back = %+v, %v; want the post", m, ok)
	}
}

// TestCrashSafety stops the adapter around the handling of an update and
// restarts another one on the same database: the update is handled exactly
// once across the restart. Stopped before handling, the update is
// delivered again; stopped once it was handled, its reply still goes out
// and it is not.
func TestCrashSafety(t *testing.T) {
	for _, when := range []string{"before", "after"} {
		t.Run(when, func(t *testing.T) {
			srv := telegramtest.NewServer(t)
			store := mustStore(t)
			first := start(t, withServer(srv), withStore(store))
			cid := first.collecting()
			first.stop()

			var victim *env
			var once sync.Once
			fired := make(chan struct{})
			hook := func(context.Context, int64) {
				once.Do(func() {
					victim.cancel()
					close(fired)
				})
			}
			var before, after func(context.Context, int64)
			if when == "before" {
				before = hook
			} else {
				after = hook
			}
			victim = start(t, withServer(srv), withStore(store), withHooks(before, after))
			crashing := victim
			sent := len(srv.Sent())
			u := srv.SendText(group, bob, "/idea Une idée au moment de la panne")
			select {
			case <-fired:
			case <-ctxT(t).Done():
				t.Fatal("the update never reached the adapter")
			}
			crashing.stop()
			wantIdeas := map[string]int{"before": 0, "after": 1}[when]
			if n := len(crashing.ideas(cid)); n != wantIdeas {
				t.Fatalf("%d ideas after stopping %s handling; want %d", n, when, wantIdeas)
			}
			wantSent := map[string]int{"before": 0, "after": 1}[when]
			if n := len(srv.Sent()) - sent; n != wantSent {
				t.Errorf("stopped adapter sent %d messages; want %d", n, wantSent)
			}

			again := start(t, withServer(srv), withStore(store))
			again.handled(u)
			if n := len(again.ideas(cid)); n != 1 {
				t.Errorf("%d ideas after restart; want exactly 1", n)
			}
			wantDelivered := map[string]int{"before": 2, "after": 1}[when]
			if srv.Delivered(u.ID) != wantDelivered {
				t.Errorf("update delivered %d times; want %d", srv.Delivered(u.ID), wantDelivered)
			}
		})
	}
}

// TestUndecodableUpdateSkipped sends an update the adapter cannot read,
// in the same answer as a good one: the bad one is passed over (its offset
// confirmed) and the good one handled. Some are refused by encoding/json,
// others by go-telegram/bot's own decoders, with errors of their own.
func TestUndecodableUpdateSkipped(t *testing.T) {
	chat := map[string]any{"id": group.ID, "type": "group", "title": group.Title}
	from := map[string]any{"id": bob.ID, "is_bot": false, "first_name": bob.FirstName}
	for _, tc := range []struct {
		name    string
		kind    string
		payload map[string]any
	}{
		{"a field of another type", "message", map[string]any{"message_id": "not a number", "date": 1, "chat": chat}},
		{"a chat member status not known yet", "my_chat_member", map[string]any{
			"chat": chat, "from": from, "date": 1,
			"old_chat_member": map[string]any{"status": "member", "user": from},
			"new_chat_member": map[string]any{"status": "promoted_to_oracle", "user": from},
		}},
		{"a message origin not known yet", "message", map[string]any{
			"message_id": 77, "date": 1, "chat": chat, "from": from, "text": "relayed",
			"forward_origin": map[string]any{"type": "hologram", "date": 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t)
			e.collecting()
			e.stop()
			bad := e.srv.Enqueue(tc.kind, tc.payload)
			good := e.srv.SendText(group, bob, "/aide")
			sent := len(e.srv.Sent())
			e.run()
			e.handled(good)
			if e.srv.Delivered(bad.ID) == 0 {
				t.Fatal("the bad update was never delivered")
			}
			if len(e.srv.Sent()) == sent {
				t.Error("the good update of the same answer got no reply")
			}
		})
	}
}
