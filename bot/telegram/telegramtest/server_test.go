package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"atelier/bot/telegram/telegramtest"
)

var (
	alice = telegramtest.User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "fr"}
	bob   = telegramtest.User{ID: 1002, FirstName: "Bob", LanguageCode: "en"}
	group = telegramtest.SupergroupChat(-1001234567890, "Atelier")
)

// testContext returns a context that ends before the test's deadline.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startBot runs a real go-telegram/bot client against srv until the test
// ends. Handlers run on the polling worker so that none outlives the test.
func startBot(t *testing.T, srv *telegramtest.Server, h tgbot.HandlerFunc) *tgbot.Bot {
	t.Helper()
	b, err := tgbot.New(srv.Token(),
		tgbot.WithServerURL(srv.URL()),
		tgbot.WithDefaultHandler(h),
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithErrorsHandler(func(error) {}),
	)
	if err != nil {
		t.Fatalf("tgbot.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

// newClient returns a client that does not poll.
func newClient(t *testing.T, srv *telegramtest.Server) *tgbot.Bot {
	t.Helper()
	b, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatalf("tgbot.New: %v", err)
	}
	return b
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestConversation(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t, telegramtest.WithBotUsername("AtelierBot"))
	photo := tinyPNG(t)

	var mu sync.Mutex
	var updates []*models.Update
	var handlerErrs []error
	record := func(err error) {
		if err != nil {
			mu.Lock()
			handlerErrs = append(handlerErrs, err)
			mu.Unlock()
		}
	}
	b := startBot(t, srv, func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
		mu.Lock()
		updates = append(updates, u)
		mu.Unlock()
		switch {
		case u.Message != nil:
			_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{
				ChatID:             u.Message.Chat.ID,
				Text:               "Idée <b>n°1</b> : Créer un intranet",
				ParseMode:          models.ParseModeHTML,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
				ReplyParameters:    &models.ReplyParameters{MessageID: u.Message.ID},
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "👍", CallbackData: "vote:1:up"}, {Text: "👎", CallbackData: "vote:1:down"}},
				}},
			})
			record(err)
		case u.CallbackQuery != nil:
			msg := u.CallbackQuery.Message.Message
			_, err := b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
				CallbackQueryID: u.CallbackQuery.ID, Text: "Vote enregistré",
			})
			record(err)
			_, err = b.EditMessageText(ctx, &tgbot.EditMessageTextParams{
				ChatID: msg.Chat.ID, MessageID: msg.ID, Text: "Idée n°1 : 1 vote",
			})
			record(err)
			_, err = b.SendDocument(ctx, &tgbot.SendDocumentParams{
				ChatID:   msg.Chat.ID,
				Document: &models.InputFileUpload{Filename: "idees.csv", Data: bytes.NewReader([]byte("id;titre\n1;Créer un intranet\n"))},
				Caption:  "Export",
			})
			record(err)
			_, err = b.SendPhoto(ctx, &tgbot.SendPhotoParams{
				ChatID: msg.Chat.ID,
				Photo:  &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader(photo)},
			})
			record(err)
		}
	})

	if _, err := b.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{
		Commands:     []models.BotCommand{{Command: "idea", Description: "Proposer une idée"}},
		Scope:        &models.BotCommandScopeChat{ChatID: group.ID},
		LanguageCode: "fr",
	})
	if err != nil {
		t.Fatalf("SetMyCommands: %v", err)
	}
	wantCommands := telegramtest.CommandSet{
		Scope:        telegramtest.CommandScope{Type: "chat", ChatID: group.ID},
		LanguageCode: "fr",
		Commands:     []telegramtest.Command{{Command: "idea", Description: "Proposer une idée"}},
	}
	if got := srv.Commands(); len(got) != 1 || got[0].Scope != wantCommands.Scope ||
		got[0].LanguageCode != "fr" || len(got[0].Commands) != 1 || got[0].Commands[0] != wantCommands.Commands[0] {
		t.Errorf("Commands() = %+v; want [%+v]", got, wantCommands)
	}

	in := srv.SendText(group, alice, "/idea@AtelierBot Créer un intranet")
	reply, err := srv.WaitForMessage(ctx, func(m telegramtest.Message) bool { return m.ChatID == group.ID })
	if err != nil {
		t.Fatalf("waiting for the reply: %v", err)
	}
	if reply.Text != "Idée <b>n°1</b> : Créer un intranet" || reply.Plain != "Idée n°1 : Créer un intranet" || reply.ParseMode != "HTML" {
		t.Errorf("reply text = %q (plain %q, %q)", reply.Text, reply.Plain, reply.ParseMode)
	}
	if reply.ReplyTo != in.MessageID || reply.ID == in.MessageID || reply.Date.IsZero() || reply.From.ID != srv.Bot().ID {
		t.Errorf("reply = %+v; want a new message of the bot replying to %d", reply, in.MessageID)
	}
	if reply.LinkPreview == nil || !reply.LinkPreview.IsDisabled {
		t.Errorf("reply link preview = %+v; want disabled", reply.LinkPreview)
	}
	if bs := reply.Buttons(); len(bs) != 2 || bs[0].CallbackData != "vote:1:up" || bs[1].Text != "👎" {
		t.Errorf("reply buttons = %+v", bs)
	}

	mu.Lock()
	first := updates[0]
	mu.Unlock()
	if first.ID != in.ID || first.Message.From.LanguageCode != "fr" || first.Message.Chat.Type != models.ChatTypeSupergroup || first.Message.Date == 0 {
		t.Errorf("update = %+v; want Alice's message %d", first, in.ID)
	}
	wantEntity := models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 16}
	if es := first.Message.Entities; len(es) != 1 || es[0] != wantEntity {
		t.Errorf("entities = %+v; want [%+v]", es, wantEntity)
	}

	press := srv.PressButton(group, bob, reply.ID, "vote:1:up")
	err = srv.WaitFor(ctx, func() bool {
		return srv.Calls("sendPhoto") == 1 && len(srv.Sent()) == 3
	})
	if err != nil {
		t.Fatalf("waiting for the callback's effects: %v", err)
	}

	mu.Lock()
	cb := updates[1]
	mu.Unlock()
	if cb.CallbackQuery == nil || cb.CallbackQuery.Message.Message == nil || cb.CallbackQuery.Message.Message.ID != reply.ID ||
		cb.CallbackQuery.From.LanguageCode != "en" {
		t.Errorf("callback update = %+v; want Bob's press on message %d", cb.CallbackQuery, reply.ID)
	}
	wantAnswer := telegramtest.CallbackAnswer{
		QueryID: press.CallbackQueryID, ChatID: group.ID, MessageID: reply.ID, Data: "vote:1:up", Text: "Vote enregistré",
	}
	got := srv.CallbackAnswers()
	if len(got) == 1 {
		if got[0].At.IsZero() {
			t.Error("the answer has no time of arrival")
		}
		got[0].At = time.Time{}
	}
	if len(got) != 1 || got[0] != wantAnswer {
		t.Errorf("CallbackAnswers() = %+v; want [%+v]", got, wantAnswer)
	}
	edited, _ := srv.Message(group.ID, reply.ID)
	if edited.Text != "Idée n°1 : 1 vote" || edited.EditDate.IsZero() || edited.ReplyMarkup != nil {
		t.Errorf("edited message = %+v; want new text, no keyboard", edited)
	}
	if h := srv.History(group.ID, reply.ID); len(h) != 2 || h[0].Text != reply.Text {
		t.Errorf("History() has %d versions; want the original and the edit", len(h))
	}
	sent := srv.Sent()
	if doc := sent[1].Document; doc == nil || doc.Name != "idees.csv" || string(doc.Data) != "id;titre\n1;Créer un intranet\n" || sent[1].Caption != "Export" {
		t.Errorf("document message = %+v", sent[1])
	}
	if p := sent[2].Photo; p == nil || !bytes.Equal(p.Data, photo) {
		t.Errorf("photo message = %+v", sent[2])
	}
	if last, _ := srv.LastMessage(group.ID); last.ID != sent[2].ID {
		t.Errorf("LastMessage() = %d; want %d", last.ID, sent[2].ID)
	}
	for method, want := range map[string]int{"getMe": 1, "sendMessage": 1, "editMessageText": 1, "answerCallbackQuery": 1, "sendDocument": 1} {
		if got := srv.Calls(method); got != want {
			t.Errorf("Calls(%q) = %d; want %d", method, got, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, err := range handlerErrs {
		t.Errorf("handler: %v", err)
	}
}

func TestRedeliver(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	seen := make(chan int64, 10)
	startBot(t, srv, func(_ context.Context, _ *tgbot.Bot, u *models.Update) { seen <- u.ID })

	receive := func() int64 {
		t.Helper()
		select {
		case id := <-seen:
			return id
		case <-ctx.Done():
			t.Fatal("no update reached the handler")
			return 0
		}
	}
	first := srv.SendText(telegramtest.PrivateChat(alice), alice, "bonjour")
	if got := receive(); got != first.ID {
		t.Fatalf("handler got update %d; want %d", got, first.ID)
	}
	second := srv.SendText(telegramtest.PrivateChat(alice), alice, "encore")
	if got := receive(); got != second.ID {
		t.Fatalf("handler got update %d; want %d", got, second.ID)
	}
	srv.Redeliver(first.ID)
	if got := receive(); got != first.ID {
		t.Fatalf("handler got update %d; want the redelivered %d", got, first.ID)
	}
	third := srv.SendText(telegramtest.PrivateChat(alice), alice, "fin")
	if got := receive(); got != third.ID {
		t.Fatalf("handler got update %d; want %d", got, third.ID)
	}
	if n := srv.Delivered(first.ID); n != 2 {
		t.Errorf("Delivered(%d) = %d; want 2", first.ID, n)
	}
	if n := srv.Delivered(second.ID); n != 1 {
		t.Errorf("Delivered(%d) = %d; want 1", second.ID, n)
	}
}

func TestErrors(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	b := newClient(t, srv)
	send := func(chatID int64) error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chatID, Text: "salut"})
		return err
	}

	srv.FailNext("sendMessage", 1, 429, 7)
	var tooMany *tgbot.TooManyRequestsError
	if err := send(alice.ID); !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Errorf("send after FailNext(429) = %v; want TooManyRequestsError with RetryAfter 7", err)
	}
	if err := send(alice.ID); err != nil {
		t.Errorf("send after the injected failure = %v; want success", err)
	}

	srv.FailNext("SendMessage", 1, 403, 0)
	if err := send(alice.ID); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Errorf("send after FailNext(403) = %v; want ErrorForbidden", err)
	}

	srv.BlockUser(bob.ID)
	if err := send(bob.ID); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Errorf("send to a user who blocked the bot = %v; want ErrorForbidden", err)
	}

	old := telegramtest.GroupChat(-4001, "Atelier")
	srv.SendText(old, alice, "avant")
	srv.MigrateChat(old.ID, -1004001, alice)
	var migrate *tgbot.MigrateError
	if err := send(old.ID); !errors.As(err, &migrate) || migrate.MigrateToChatID != -1004001 {
		t.Errorf("send to a migrated group = %v; want MigrateError to -1004001", err)
	}
	if err := send(-1004001); err != nil {
		t.Errorf("send to the new supergroup = %v", err)
	}

	srv.MyChatMember(group, alice, telegramtest.StatusMember, telegramtest.StatusKicked)
	if err := send(group.ID); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Errorf("send to a group that kicked the bot = %v; want ErrorForbidden", err)
	}

	if err := send(alice.ID); err != nil {
		t.Fatal(err)
	}
	last, _ := srv.LastMessage(alice.ID)
	_, err := b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: alice.ID, MessageID: last.ID, Text: "salut"})
	if !errors.Is(err, tgbot.ErrorBadRequest) {
		t.Errorf("edit without change = %v; want ErrorBadRequest", err)
	}
	_, err = b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: "42"})
	if !errors.Is(err, tgbot.ErrorBadRequest) {
		t.Errorf("answering an unknown query = %v; want ErrorBadRequest", err)
	}
	if _, err := b.Logout(ctx); !errors.Is(err, tgbot.ErrorNotFound) {
		t.Errorf("calling an unsupported method = %v; want ErrorNotFound", err)
	}

	if got := srv.Calls("sendMessage"); got != 8 {
		t.Errorf("Calls(sendMessage) = %d; want 8", got)
	}
}

func TestMarkup(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	b := newClient(t, srv)
	tests := []struct {
		mode  models.ParseMode
		text  string
		plain string // empty when Telegram rejects the text
	}{
		{models.ParseModeHTML, "<b>gras</b> &lt;3 &amp; <a href=\"https://x.org\">lien</a>", "gras <3 & lien"},
		{models.ParseModeHTML, "<b>gras", ""},
		{models.ParseModeHTML, "a < b", ""},
		{models.ParseModeHTML, "<b><i>x</b></i>", ""},
		{models.ParseModeHTML, "<div>x</div>", ""},
		{models.ParseModeHTML, "Tom & Jerry", ""},
		{"", "Version 1.5 (bêta)", "Version 1.5 (bêta)"},
		{models.ParseModeMarkdown, "1\\.5 *gras* `a.b` [lien](https://x.org/a_b)", "1.5 gras a.b lien"},
		{models.ParseModeMarkdown, "Version 1.5", ""},
		{models.ParseModeMarkdown, "snake_case", ""},
		{models.ParseModeMarkdown, "*gras", ""},
	}
	for _, tt := range tests {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: alice.ID, Text: tt.text, ParseMode: tt.mode})
		switch {
		case tt.plain == "" && !errors.Is(err, tgbot.ErrorBadRequest):
			t.Errorf("SendMessage(%q, %s) = %v; want ErrorBadRequest", tt.text, tt.mode, err)
		case tt.plain != "" && err != nil:
			t.Errorf("SendMessage(%q, %s) = %v", tt.text, tt.mode, err)
		case tt.plain != "":
			if m, _ := srv.LastMessage(alice.ID); m.Plain != tt.plain {
				t.Errorf("SendMessage(%q, %s) plain text = %q; want %q", tt.text, tt.mode, m.Plain, tt.plain)
			}
		}
	}

	long := make([]byte, 4097)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: alice.ID, Text: string(long)}); !errors.Is(err, tgbot.ErrorBadRequest) {
		t.Errorf("SendMessage of 4097 characters = %v; want ErrorBadRequest", err)
	}
}

func TestCommandEntities(t *testing.T) {
	srv := telegramtest.NewServer(t)
	chat := telegramtest.PrivateChat(alice)
	tests := []struct {
		text string
		want []telegramtest.Entity
	}{
		{"/start", []telegramtest.Entity{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"/idea@AtelierBot Créer", []telegramtest.Entity{{Type: "bot_command", Offset: 0, Length: 16}}},
		{"🙂 /vote 2", []telegramtest.Entity{{Type: "bot_command", Offset: 3, Length: 5}}},
		{"é /a et /b", []telegramtest.Entity{{Type: "bot_command", Offset: 2, Length: 2}, {Type: "bot_command", Offset: 8, Length: 2}}},
		{"et/ou /", nil},
		{"https://x.org/path", nil},
	}
	for _, tt := range tests {
		u := srv.SendText(chat, alice, tt.text)
		m, _ := srv.Message(chat.ID, u.MessageID)
		if len(m.Entities) != len(tt.want) {
			t.Errorf("SendText(%q) entities = %+v; want %+v", tt.text, m.Entities, tt.want)
			continue
		}
		for i := range tt.want {
			if m.Entities[i] != tt.want[i] {
				t.Errorf("SendText(%q) entities = %+v; want %+v", tt.text, m.Entities, tt.want)
			}
		}
	}
}

func TestServiceUpdates(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	seen := make(chan *models.Update, 10)
	startBot(t, srv, func(_ context.Context, _ *tgbot.Bot, u *models.Update) { seen <- u })
	receive := func() *models.Update {
		t.Helper()
		select {
		case u := <-seen:
			return u
		case <-ctx.Done():
			t.Fatal("no update reached the handler")
			return nil
		}
	}

	old := telegramtest.GroupChat(-5001, "Atelier")
	idea := srv.SendText(old, alice, "une idée")
	receive()
	srv.Reply(old, bob, idea.MessageID, "+1")
	if u := receive(); u.Message.ReplyToMessage == nil || u.Message.ReplyToMessage.ID != idea.MessageID ||
		u.Message.ReplyToMessage.From.ID != alice.ID {
		t.Errorf("reply = %+v; want a reply to Alice's message %d", u.Message, idea.MessageID)
	}

	srv.MigrateChat(old.ID, -1005001, alice)
	if u := receive(); u.Message.Chat.ID != old.ID || u.Message.MigrateToChatID != -1005001 {
		t.Errorf("first migration message = %+v; want migrate_to_chat_id in the old chat", u.Message)
	}
	if u := receive(); u.Message.Chat.ID != -1005001 || u.Message.Chat.Type != models.ChatTypeSupergroup || u.Message.MigrateFromChatID != old.ID {
		t.Errorf("second migration message = %+v; want migrate_from_chat_id in the supergroup", u.Message)
	}

	srv.MyChatMember(telegramtest.SupergroupChat(-1005001, "Atelier"), alice, telegramtest.StatusMember, telegramtest.StatusKicked)
	u := receive()
	if m := u.MyChatMember; m == nil || m.NewChatMember.Type != models.ChatMemberTypeBanned ||
		m.NewChatMember.Banned.User.ID != srv.Bot().ID || m.OldChatMember.Type != models.ChatMemberTypeMember {
		t.Errorf("my_chat_member = %+v; want the bot going from member to kicked", m)
	}
}
