package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// maxPoll caps the timeout of getUpdates, as Telegram does.
const maxPoll = 50 * time.Second

// Telegram leaves these update types out unless allowed_updates names them.
var optInUpdates = []string{"chat_member", "message_reaction", "message_reaction_count"}

// enqueueLocked queues an update {"update_id": ..., kind: payload}.
func (s *Server) enqueueLocked(kind string, payload any) (int64, error) {
	id := s.nextUpdateID
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("encode %s update: %w", kind, err)
	}
	name, err := json.Marshal(kind)
	if err != nil {
		return 0, fmt.Errorf("encode %s update: %w", kind, err)
	}
	// Put together rather than encoded again: body is valid, compact JSON.
	raw := make([]byte, 0, len(body)+len(name)+32)
	raw = append(raw, `{"update_id":`...)
	raw = strconv.AppendInt(raw, id, 10)
	raw = append(raw, ',')
	raw = append(raw, name...)
	raw = append(raw, ':')
	raw = append(raw, body...)
	raw = append(raw, '}')
	s.nextUpdateID++
	q := &queued{id: id, kind: kind, raw: raw}
	s.history[id] = q
	s.pending = append(s.pending, q)
	s.notifyLocked()
	return id, nil
}

// Enqueue queues an update of any kind, such as "edited_message" or
// "message_reaction", whose JSON payload the test builds itself.
func (s *Server) Enqueue(kind string, payload any) Update {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.enqueueLocked(kind, payload)
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	u := Update{ID: id}
	if kind == "callback_query" {
		// Telegram lets the bot answer any query it delivered, forged
		// data included.
		u.CallbackQueryID, u.ChatID, u.MessageID = s.registerQueryLocked(payload)
	}
	return u
}

// registerQueryLocked records a callback query built by a test so that it
// can be answered once, and returns its ID, chat and message.
func (s *Server) registerQueryLocked(payload any) (string, int64, int) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", 0, 0
	}
	var q struct {
		ID      string `json:"id"`
		Data    string `json:"data"`
		Message *struct {
			MessageID int `json:"message_id"`
			Chat      struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		} `json:"message"`
	}
	if json.Unmarshal(raw, &q) != nil || q.ID == "" {
		return "", 0, 0
	}
	var chat int64
	var msg int
	if q.Message != nil {
		chat, msg = q.Message.Chat.ID, q.Message.MessageID
	}
	if _, exists := s.queries[q.ID]; !exists {
		s.queries[q.ID] = &query{chatID: chat, messageID: msg, data: q.Data}
	}
	return q.ID, chat, msg
}

// SendText queues a text message from a user in chat, as Telegram delivers
// it: with a bot_command entity for each /command or /command@BotName
// starting a word, offsets in UTF-16 code units.
func (s *Server) SendText(chat Chat, from User, text string) Update {
	s.tb.Helper()
	return s.userMessage(chat, from, text, 0)
}

// Reply queues a text message from a user in chat that replies to message
// replyTo of the same chat, which may be the bot's or another user's.
func (s *Server) Reply(chat Chat, from User, replyTo int, text string) Update {
	s.tb.Helper()
	return s.userMessage(chat, from, text, replyTo)
}

func (s *Server) userMessage(chat Chat, from User, text string, replyTo int) Update {
	s.tb.Helper()
	if text == "" {
		s.tb.Fatalf("telegramtest: Telegram has no empty text messages")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.learnChatLocked(chat)
	if replyTo != 0 {
		if _, ok := s.messageLocked(chat.ID, replyTo); !ok {
			s.tb.Fatalf("telegramtest: reply to message %d of chat %d, which does not exist", replyTo, chat.ID)
		}
	}
	m := s.addMessageLocked(cs, Message{From: from, Text: text, Plain: text, Entities: commandEntities(text), ReplyTo: replyTo})
	id, err := s.enqueueLocked("message", s.wireMessageLocked(m, true))
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	return Update{ID: id, ChatID: chat.ID, MessageID: m.ID}
}

// PressButton queues the callback query Telegram sends when from presses
// the inline button carrying data under the bot's message messageID in chat.
// The test fails if that message or button does not exist.
func (s *Server) PressButton(chat Chat, from User, messageID int, data string) Update {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.learnChatLocked(chat)
	m, ok := s.messageLocked(chat.ID, messageID)
	if !ok {
		s.tb.Fatalf("telegramtest: press a button of message %d of chat %d, which does not exist", messageID, chat.ID)
	}
	if m.From.ID != s.bot.ID {
		s.tb.Fatalf("telegramtest: message %d of chat %d was not sent by the bot", messageID, chat.ID)
	}
	if !slices.ContainsFunc(m.Buttons(), func(b InlineButton) bool { return b.CallbackData == data }) {
		s.tb.Fatalf("telegramtest: message %d of chat %d has no button with callback data %q", messageID, chat.ID, data)
	}
	s.nextQuery++
	qid := strconv.FormatInt(4242000000000000000+s.nextQuery, 10)
	s.queries[qid] = &query{chatID: chat.ID, messageID: messageID, data: data}
	id, err := s.enqueueLocked("callback_query", wireCallbackQuery{
		ID:           qid,
		From:         toWireUser(from),
		Message:      s.wireMessageLocked(m, true),
		ChatInstance: strconv.FormatInt(-7000000000000000000-cs.chat.ID, 10),
		Data:         data,
	})
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	return Update{ID: id, ChatID: chat.ID, MessageID: messageID, CallbackQueryID: qid}
}

// MigrateChat upgrades the group oldID to the supergroup newID, as by, and
// queues the two service messages Telegram sends: one in the old chat with
// migrate_to_chat_id and one in the new chat with migrate_from_chat_id. From
// then on, sending to the old chat answers 400 with
// parameters.migrate_to_chat_id.
func (s *Server) MigrateChat(oldID, newID int64, by User) (inOld, inNew Update) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatLocked(oldID)
	if old.chat.Type != ChatGroup {
		s.tb.Fatalf("telegramtest: chat %d is a %s; only groups migrate", oldID, old.chat.Type)
	}
	if _, exists := s.chats[newID]; exists {
		s.tb.Fatalf("telegramtest: chat %d already exists", newID)
	}
	old.migratedTo = newID
	sup := s.learnChatLocked(SupergroupChat(newID, old.chat.Title))
	sup.status = old.status

	m1 := s.addMessageLocked(old, Message{From: by, MigrateToChatID: newID})
	id1, err := s.enqueueLocked("message", s.wireMessageLocked(m1, false))
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	m2 := s.addMessageLocked(sup, Message{From: by, MigrateFromChatID: oldID})
	w2 := s.wireMessageLocked(m2, false)
	senderChat := toWireChat(sup.chat)
	w2.SenderChat = &senderChat
	id2, err := s.enqueueLocked("message", w2)
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	return Update{ID: id1, ChatID: oldID, MessageID: m1.ID}, Update{ID: id2, ChatID: newID, MessageID: m2.ID}
}

// MyChatMember changes the bot's status in chat, as done by by, and queues
// the my_chat_member update. StatusKicked in a private chat means the user
// blocked the bot; in a group, that the bot was removed. While the bot is
// kicked or has left, sending to the chat answers 403.
func (s *Server) MyChatMember(chat Chat, by User, oldStatus, newStatus MemberStatus) Update {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.learnChatLocked(chat)
	cs.status = newStatus
	id, err := s.enqueueLocked("my_chat_member", wireChatMemberUpdated{
		Chat:          toWireChat(chat),
		From:          toWireUser(by),
		Date:          s.now().Unix(),
		OldChatMember: chatMember(oldStatus, s.bot),
		NewChatMember: chatMember(newStatus, s.bot),
	})
	if err != nil {
		s.tb.Fatalf("telegramtest: %v", err)
	}
	return Update{ID: id, ChatID: chat.ID}
}

// Redeliver queues again an update the server already issued, with the same
// update_id, as happens when the bot's confirmation is lost. The next
// getUpdates returns it whatever its offset; after that it is confirmed like
// any other update.
func (s *Server) Redeliver(updateID int64) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.history[updateID]
	if !ok {
		s.tb.Fatalf("telegramtest: redeliver unknown update %d", updateID)
	}
	q.forced = true
	if !slices.Contains(s.pending, q) {
		i, _ := slices.BinarySearchFunc(s.pending, updateID, func(p *queued, id int64) int {
			switch {
			case p.id < id:
				return -1
			case p.id > id:
				return 1
			}
			return 0
		})
		s.pending = slices.Insert(s.pending, i, q)
	}
	s.notifyLocked()
}

func (s *Server) getUpdates(ctx context.Context, p params) (any, *APIError) {
	offset, err := p.int64("offset")
	if err != nil {
		return nil, err
	}
	limit, err := p.int("limit")
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	seconds, err := p.int("timeout")
	if err != nil {
		return nil, err
	}
	timeout := min(time.Duration(max(seconds, 0))*time.Second, maxPoll)
	var allowed []string
	if p.has("allowed_updates") {
		allowed = []string{}
		if err := p.json("allowed_updates", &allowed); err != nil {
			return nil, err
		}
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()

	s.mu.Lock()
	s.pollGen++
	gen := s.pollGen
	if allowed != nil {
		s.allowed = allowed
	}
	s.notifyLocked()
	waiting := false
	defer func() {
		if waiting {
			s.mu.Lock()
			s.polling--
			s.notifyLocked()
			s.mu.Unlock()
		}
	}()
	for {
		if s.pollGen != gen {
			s.mu.Unlock()
			return nil, &APIError{Code: 409, Description: defaultDescription(409, 0)}
		}
		s.confirmLocked(offset)
		if batch := s.takeLocked(offset, limit); len(batch) > 0 {
			s.mu.Unlock()
			return batch, nil
		}
		if timeout == 0 {
			s.mu.Unlock()
			return []json.RawMessage{}, nil
		}
		if !waiting {
			// Notifying only once per call keeps two waiting polls from
			// waking each other forever.
			waiting = true
			s.polling++
			s.notifyLocked()
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return []json.RawMessage{}, nil
		case <-s.closed:
			return []json.RawMessage{}, nil
		case <-ctx.Done():
			return nil, nil
		}
		s.mu.Lock()
	}
}

// Polling reports whether a getUpdates call is waiting for updates, which
// for go-telegram/bot means it has fetched, not necessarily handled,
// everything queued so far.
func (s *Server) Polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling > 0
}

// confirmLocked forgets the updates the offset confirms: those below a
// positive offset, or all but the last -offset ones for a negative offset.
func (s *Server) confirmLocked(offset int64) {
	if offset == 0 {
		return
	}
	if offset < 0 {
		if n := int(-offset); n < len(s.pending) {
			s.pending = slices.Clone(s.pending[len(s.pending)-n:])
		}
		return
	}
	s.pending = slices.DeleteFunc(s.pending, func(q *queued) bool {
		return q.id < offset && !q.forced
	})
}

// takeLocked returns the deliverable updates in update_id order and counts
// their delivery. Updates of types not allowed are dropped, as Telegram
// never sends them.
func (s *Server) takeLocked(offset int64, limit int) []json.RawMessage {
	var batch []json.RawMessage
	s.pending = slices.DeleteFunc(s.pending, func(q *queued) bool {
		if !s.allowedLocked(q.kind) {
			return true
		}
		if len(batch) < limit && (q.forced || offset <= 0 || q.id >= offset) {
			batch = append(batch, q.raw)
			q.forced = false
			s.delivered[q.id]++
		}
		return false
	})
	if len(batch) > 0 {
		s.notifyLocked()
	}
	return batch
}

func (s *Server) allowedLocked(kind string) bool {
	if len(s.allowed) == 0 {
		return !slices.Contains(optInUpdates, kind)
	}
	return slices.Contains(s.allowed, kind)
}

func (s *Server) deleteWebhook(_ context.Context, p params) (any, *APIError) {
	if p.bool("drop_pending_updates") {
		s.mu.Lock()
		s.pending = nil
		s.notifyLocked()
		s.mu.Unlock()
	}
	return true, nil
}

func (s *Server) getMe(context.Context, params) (any, *APIError) {
	u := toWireUser(s.bot)
	u.CanJoinGroups = true
	u.CanReadAllGroupMessages = false
	return u, nil
}
