package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"atelier/bot"
	"atelier/consultation"
)

// incoming is what replies to an update need to know about it.
type incoming struct {
	ev       bot.Event
	chatID   int64
	private  bool
	from     *models.User
	callback *models.CallbackQuery
	msgID    int // the message carrying the pressed button
}

func (in *incoming) lang() bot.Lang { return bot.ParseLang(in.from.LanguageCode, string(bot.French)) }

// process handles one update and reports whether it is done with, so that
// its offset may be confirmed. It is not done when ctx ended before the
// update's effects were committed: Telegram will deliver it again. What
// remains to do once they are, answering and replying, is returned as out,
// each part with the chat whose order it keeps, for the caller to run in
// that order.
func (a *Adapter) process(ctx context.Context, u *models.Update) (done bool, out []outgoing) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("update failed", "chat", strconv.FormatInt(chatKey(u), 10), "update", u.ID, "error", fmt.Sprint(p))
			done, out = ctx.Err() == nil, nil
		}
	}()
	if a.beforeHandle != nil {
		a.beforeHandle(ctx, u.ID)
	}
	if ctx.Err() != nil {
		return false, nil
	}
	switch {
	case u.Message != nil:
		return a.message(ctx, u)
	case u.CallbackQuery != nil:
		return a.press(ctx, u)
	case u.MyChatMember != nil:
		// Idempotent: if stopping cut it short, it is done again.
		a.membership(ctx, u.MyChatMember)
		return ctx.Err() == nil, nil
	}
	return true, nil
}

// outgoing is what is left to do for an update once it is handled: a call
// to make in the order of its queue, which is a chat's messages or a chat's
// callback answers.
type outgoing struct {
	queue queueKey
	send  func(ctx context.Context)
}

// queueKey names a queue of outgoing calls: the messages to a chat, or the
// callback answers to presses in a chat (answers are not paced, so they do
// not wait behind a group's messages).
type queueKey struct {
	chat    int64
	answers bool
}

// replies returns the outgoing calls that deliver replies to in, each in
// the queue of the chat it goes to.
func (a *Adapter) replies(in *incoming, replies []bot.Reply) []outgoing {
	out := make([]outgoing, 0, len(replies))
	for _, r := range replies {
		out = append(out, outgoing{queueKey{chat: replyChat(in, r)}, func(ctx context.Context) { a.deliver(ctx, in, r) }})
	}
	return out
}

// replyChat returns the chat r goes to, as deliver sends it.
func replyChat(in *incoming, r bot.Reply) int64 {
	switch {
	case r.To == bot.Direct:
		id, _ := strconv.ParseInt(r.UserID, 10, 64)
		return id
	case r.To == bot.Private && !in.private:
		return in.from.ID
	}
	return in.chatID
}

func (a *Adapter) message(ctx context.Context, u *models.Update) (bool, []outgoing) {
	m := u.Message
	switch {
	case m.MigrateToChatID != 0:
		// Harmless twice: if stopping cut it short, it is done again.
		a.moveChat(ctx, m.Chat.ID, m.MigrateToChatID)
		return ctx.Err() == nil, nil
	case m.MigrateFromChatID != 0:
		// Normally done already on the old chat's message; harmless twice.
		a.moveChat(ctx, m.MigrateFromChatID, m.Chat.ID)
		return ctx.Err() == nil, nil
	case m.From == nil || m.From.IsBot:
		return true, nil
	}
	private := m.Chat.Type == models.ChatTypePrivate
	if private {
		a.unblock(ctx, m.From.ID)
	}
	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	if !a.addressed(text, entities) {
		// Conversation, or a command for another bot: not ours.
		return true, nil
	}
	in := &incoming{chatID: m.Chat.ID, private: private, from: m.From}
	in.ev = bot.Event{
		Platform: consultation.Telegram,
		ID:       strconv.FormatInt(u.ID, 10),
		Chat:     chatOf(m.Chat),
		From:     userOf(m.From),
		Text:     text,
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && !r.From.IsBot {
		who := userOf(r.From)
		in.ev.ReplyTo = &who
	}
	for _, e := range entities {
		if e.Type == models.MessageEntityTypeTextMention && e.User != nil && !e.User.IsBot {
			in.ev.Mentions = append(in.ev.Mentions, userOf(e.User))
		}
	}
	replies := a.handle(ctx, u.ID, in.ev)
	if ctx.Err() != nil && len(replies) == 0 {
		// Cut short by stopping: it is handled again after. Replies
		// mean it was handled; they go out while the adapter stops.
		return false, nil
	}
	return true, a.replies(in, replies)
}

func (a *Adapter) press(ctx context.Context, u *models.Update) (bool, []outgoing) {
	q := u.CallbackQuery
	in := &incoming{chatID: q.From.ID, private: true, from: &q.From, callback: q}
	chat := bot.Chat{ID: strconv.FormatInt(q.From.ID, 10), Private: true}
	switch {
	case q.Message.Message != nil:
		chat = chatOf(q.Message.Message.Chat)
		in.chatID, in.msgID = q.Message.Message.Chat.ID, q.Message.Message.ID
		in.private = chat.Private
	case q.Message.InaccessibleMessage != nil:
		chat = chatOf(q.Message.InaccessibleMessage.Chat)
		in.chatID, in.msgID = q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.MessageID
		in.private = chat.Private
	}
	in.ev = bot.Event{
		Platform: consultation.Telegram,
		ID:       strconv.FormatInt(u.ID, 10),
		Chat:     chat,
		From:     userOf(&q.From),
		Data:     q.Data,
	}
	var replies []bot.Reply
	if q.Data != "" && q.InlineMessageID == "" {
		replies = a.handle(ctx, u.ID, in.ev)
	}
	if ctx.Err() != nil && len(replies) == 0 {
		return false, nil // as in message
	}
	toast := ""
	for _, r := range replies {
		if r.Toast != "" {
			toast = r.Toast
			break
		}
	}
	if tooLong(toast) {
		// Cut in the notice, and also sent whole.
		for i, r := range replies {
			if r.Toast == toast && len(r.Text) == 0 {
				replies[i].Text = bot.Plain(toast)
				replies[i].To = bot.Private
			}
		}
	}
	answer := outgoing{queueKey{chat: in.chatID, answers: true}, func(ctx context.Context) { a.answer(ctx, q.ID, toast) }}
	return true, append([]outgoing{answer}, a.replies(in, replies)...)
}

// handle runs the chat layer on ev; a panic there is logged and costs
// only this update.
func (a *Adapter) handle(ctx context.Context, updateID int64, ev bot.Event) (replies []bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("handle update", "chat", ev.Chat.ID, "update", updateID, "error", fmt.Sprint(p))
			replies = nil
		}
	}()
	replies = a.bot.Handle(ctx, ev)
	if a.afterHandle != nil {
		a.afterHandle(ctx, updateID)
	}
	return replies
}

// addressed reports whether text starts with a command meant for this bot:
// "/cmd" or "/cmd@ThisBot", not "/cmd@OtherBot". Entity offsets count
// UTF-16 code units.
func (a *Adapter) addressed(text string, entities []models.MessageEntity) bool {
	cmd := ""
	for _, e := range entities {
		if e.Type == models.MessageEntityTypeBotCommand && e.Offset == 0 {
			cmd = utf16Slice(text, e.Offset, e.Length)
			break
		}
	}
	if cmd == "" {
		t := strings.TrimLeftFunc(text, unicode.IsSpace)
		if !strings.HasPrefix(t, "/") {
			return false
		}
		if end := strings.IndexFunc(t, unicode.IsSpace); end >= 0 {
			t = t[:end]
		}
		cmd = t
	}
	if _, to, ok := strings.Cut(cmd, "@"); ok {
		return strings.EqualFold(to, a.me.Username)
	}
	return true
}

// utf16Slice returns the part of s at offset and length counted in UTF-16
// code units, or "" when they do not fall on s's characters.
func utf16Slice(s string, offset, length int) string {
	u := utf16.Encode([]rune(s))
	if offset < 0 || length <= 0 || offset+length > len(u) {
		return ""
	}
	return string(utf16.Decode(u[offset : offset+length]))
}

func chatOf(c models.Chat) bot.Chat {
	title := c.Title
	if title == "" {
		title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return bot.Chat{ID: strconv.FormatInt(c.ID, 10), Title: title, Private: c.Type == models.ChatTypePrivate}
}

func userOf(u *models.User) bot.User {
	return bot.User{
		ID:       strconv.FormatInt(u.ID, 10),
		Username: u.Username,
		Name:     strings.TrimSpace(u.FirstName + " " + u.LastName),
		Lang:     u.LanguageCode,
	}
}

// membership follows the bot's own status in a chat: removed from a group,
// or blocked by a user.
func (a *Adapter) membership(ctx context.Context, cm *models.ChatMemberUpdated) {
	chat := strconv.FormatInt(cm.Chat.ID, 10)
	gone := cm.NewChatMember.Type == models.ChatMemberTypeBanned || cm.NewChatMember.Type == models.ChatMemberTypeLeft
	if cm.Chat.Type == models.ChatTypePrivate {
		if gone {
			a.block(ctx, cm.Chat.ID)
		} else {
			a.unblock(ctx, cm.Chat.ID)
		}
		return
	}
	if gone {
		a.log.Info("removed from chat", "chat", chat, "status", string(cm.NewChatMember.Type))
		a.putState(ctx, goneKey(cm.Chat.ID), "1")
		return
	}
	a.putState(ctx, goneKey(cm.Chat.ID), "")
}

func (a *Adapter) moveChat(ctx context.Context, from, to int64) {
	err := a.svc.MoveChat(ctx, consultation.Telegram, strconv.FormatInt(from, 10), strconv.FormatInt(to, 10))
	if err != nil {
		// A conflict is two groups that both hold consultations: an
		// admin has to sort it out.
		a.log.Error("move chat", "chat", strconv.FormatInt(from, 10), "to", to, "error", err)
		return
	}
	a.log.Info("chat followed", "chat", strconv.FormatInt(from, 10), "to", to)
}

func blockedKey(userID int64) string { return "telegram:blocked:" + strconv.FormatInt(userID, 10) }
func goneKey(chatID int64) string    { return "telegram:gone:" + strconv.FormatInt(chatID, 10) }

// blocked reports whether the user's private chat is known to refuse the
// bot (never opened, or blocked). The flag is read from the database once
// per user and kept: only this adapter writes it.
func (a *Adapter) blocked(ctx context.Context, userID int64) bool {
	a.blocksMu.Lock()
	b, known := a.blocks[userID]
	a.blocksMu.Unlock()
	if known {
		return b
	}
	v, err := a.svc.State(ctx, blockedKey(userID))
	if err != nil {
		a.log.Error("read state", "chat", strconv.FormatInt(userID, 10), "error", err)
		return false
	}
	a.setBlocked(userID, v != "")
	return v != ""
}

func (a *Adapter) setBlocked(userID int64, b bool) {
	a.blocksMu.Lock()
	defer a.blocksMu.Unlock()
	a.blocks[userID] = b
}

func (a *Adapter) block(ctx context.Context, userID int64) {
	a.putState(ctx, blockedKey(userID), "1")
	a.setBlocked(userID, true)
}

// openings returns how many times userID has opened their private chat
// with the bot (written to it, or unblocked it) since the adapter started.
func (a *Adapter) openings(userID int64) uint64 {
	a.blocksMu.Lock()
	defer a.blocksMu.Unlock()
	return a.opened[userID]
}

// refused records that userID's private chat refused a send begun when
// they had opened it the given number of times: unless they opened it
// again since, as a send that crossed their /start would find.
func (a *Adapter) refused(ctx context.Context, userID int64, openings uint64) {
	if a.openings(userID) != openings {
		return
	}
	a.block(ctx, userID)
}

func (a *Adapter) unblock(ctx context.Context, userID int64) {
	a.blocksMu.Lock()
	a.opened[userID]++
	a.blocksMu.Unlock()
	if a.blocked(ctx, userID) {
		a.putState(ctx, blockedKey(userID), "")
		a.setBlocked(userID, false)
	}
}

// gone reports whether the group is known to have removed the bot.
func (a *Adapter) gone(ctx context.Context, chatID int64) bool {
	v, err := a.svc.State(ctx, goneKey(chatID))
	if err != nil {
		a.log.Error("read state", "chat", strconv.FormatInt(chatID, 10), "error", err)
		return false
	}
	return v != ""
}

func (a *Adapter) putState(ctx context.Context, key, value string) {
	if err := a.svc.PutState(ctx, key, value); err != nil && ctx.Err() == nil {
		a.log.Error("write state", "key", key, "error", err)
	}
}
