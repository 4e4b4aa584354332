package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // photo formats Telegram accepts
	_ "image/jpeg" // photo formats Telegram accepts
	_ "image/png"  // photo formats Telegram accepts
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	maxText    = 4096
	maxCaption = 1024
)

// chatIDLocked resolves the chat_id parameter, a number or "@username".
func (s *Server) chatIDLocked(p params) (*chatState, *APIError) {
	v := p.str("chat_id")
	if v == "" {
		return nil, badRequest("chat_id is empty")
	}
	if name, ok := strings.CutPrefix(v, "@"); ok {
		for _, cs := range s.chats {
			if strings.EqualFold(cs.chat.Username, name) && cs.chat.Type != ChatPrivate {
				return cs, nil
			}
		}
		return nil, badRequest("chat not found")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return nil, badRequest("chat not found")
	}
	return s.chatLocked(id), nil
}

// writableLocked reports why the bot cannot write in the chat, if it cannot.
func writableLocked(cs *chatState) *APIError {
	if cs.migratedTo != 0 {
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.MigrateToChatID = cs.migratedTo
		return e
	}
	kind := string(cs.chat.Type)
	switch cs.status {
	case StatusKicked:
		if cs.chat.Type == ChatPrivate {
			return forbidden("bot was blocked by the user")
		}
		return forbidden(fmt.Sprintf("bot was kicked from the %s chat", kind))
	case StatusLeft:
		if cs.chat.Type == ChatPrivate {
			return forbidden("bot can't initiate conversation with a user")
		}
		return forbidden(fmt.Sprintf("bot is not a member of the %s chat", kind))
	}
	return nil
}

// content reads what sendMessage, sendDocument, sendPhoto and the edits
// share: text or caption, parse mode, entities, markup, link preview.
type content struct {
	text, plain, parseMode string
	entities               []Entity
	markup                 *ReplyMarkup
	markupSet              bool
	preview                *LinkPreviewOptions
}

func readContent(p params, field string, limit int, required bool) (content, *APIError) {
	c := content{text: p.str(field), parseMode: p.str("parse_mode")}
	if required && strings.TrimSpace(c.text) == "" {
		return c, badRequest("message text is empty")
	}
	plain, err := checkMarkup(c.text, c.parseMode)
	if err != nil {
		return c, badRequest("can't parse entities: %v", err)
	}
	c.plain = plain
	if n := utf16Len(plain); n > limit {
		if field == "caption" {
			return c, badRequest("message caption is too long")
		}
		return c, badRequest("message is too long")
	}
	entitiesField := "entities"
	if field == "caption" {
		entitiesField = "caption_entities"
	}
	if e := p.json(entitiesField, &c.entities); e != nil {
		return c, e
	}
	if p.has("reply_markup") {
		c.markupSet = true
		raw := p.str("reply_markup")
		var m ReplyMarkup
		if e := p.json("reply_markup", &m); e != nil {
			return c, e
		}
		for _, row := range m.InlineKeyboard {
			for _, b := range row {
				if len(b.CallbackData) > 64 {
					return c, badRequest("BUTTON_DATA_INVALID")
				}
				if b.Text == "" {
					return c, badRequest("text buttons are unallowed in the inline keyboard")
				}
			}
		}
		m.Raw = json.RawMessage(raw)
		if m.InlineKeyboard != nil {
			var keyboard struct {
				InlineKeyboard json.RawMessage `json:"inline_keyboard"`
			}
			if json.Unmarshal(m.Raw, &keyboard) == nil {
				m.wire, _ = json.Marshal(keyboard)
			}
		}
		c.markup = &m
	}
	if p.has("link_preview_options") {
		c.preview = &LinkPreviewOptions{}
		if e := p.json("link_preview_options", c.preview); e != nil {
			return c, e
		}
	} else if p.bool("disable_web_page_preview") {
		c.preview = &LinkPreviewOptions{IsDisabled: true}
	}
	return c, nil
}

// replyToLocked reads reply_parameters or the older reply_to_message_id.
func replyToLocked(s *Server, cs *chatState, p params) (int, *APIError) {
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if e := p.json("reply_parameters", &rp); e != nil {
		return 0, e
	}
	if rp.MessageID == 0 {
		id, e := p.int("reply_to_message_id")
		if e != nil {
			return 0, e
		}
		rp.MessageID = id
		rp.AllowSendingWithoutReply = p.bool("allow_sending_without_reply")
	}
	if rp.MessageID == 0 {
		return 0, nil
	}
	if _, ok := s.messageLocked(cs.chat.ID, rp.MessageID); !ok {
		if rp.AllowSendingWithoutReply {
			return 0, nil
		}
		return 0, badRequest("message to be replied not found")
	}
	return rp.MessageID, nil
}

// send records a new message of the bot built by fill and returns it as
// Telegram does.
func (s *Server) send(method string, p params, fill func(*Message) *APIError) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatIDLocked(p)
	if e != nil {
		return nil, e
	}
	if e := writableLocked(cs); e != nil {
		return nil, e
	}
	m := Message{From: s.bot, Method: method}
	if e := fill(&m); e != nil {
		return nil, e
	}
	replyTo, e := replyToLocked(s, cs, p)
	if e != nil {
		return nil, e
	}
	m.ReplyTo = replyTo
	m = s.addMessageLocked(cs, m)
	s.sent = append(s.sent, msgKey{cs.chat.ID, m.ID})
	s.notifyLocked()
	return s.wireMessageLocked(m, true), nil
}

func (s *Server) sendMessage(_ context.Context, p params) (any, *APIError) {
	c, e := readContent(p, "text", maxText, true)
	if e != nil {
		return nil, e
	}
	return s.send("sendMessage", p, func(m *Message) *APIError {
		m.Text, m.Plain, m.ParseMode, m.Entities = c.text, c.plain, c.parseMode, c.entities
		m.ReplyMarkup, m.LinkPreview = c.markup, c.preview
		return nil
	})
}

func (s *Server) sendDocument(_ context.Context, p params) (any, *APIError) {
	c, e := readContent(p, "caption", maxCaption, false)
	if e != nil {
		return nil, e
	}
	f, e := s.inputFile(p, "document")
	if e != nil {
		return nil, e
	}
	return s.send("sendDocument", p, func(m *Message) *APIError {
		m.Caption, m.Plain, m.ParseMode, m.Entities, m.ReplyMarkup = c.text, c.plain, c.parseMode, c.entities, c.markup
		m.Document = f
		return nil
	})
}

func (s *Server) sendPhoto(_ context.Context, p params) (any, *APIError) {
	c, e := readContent(p, "caption", maxCaption, false)
	if e != nil {
		return nil, e
	}
	f, e := s.inputFile(p, "photo")
	if e != nil {
		return nil, e
	}
	if f.Data != nil {
		if _, _, err := image.DecodeConfig(bytes.NewReader(f.Data)); err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
	}
	return s.send("sendPhoto", p, func(m *Message) *APIError {
		m.Caption, m.Plain, m.ParseMode, m.Entities, m.ReplyMarkup = c.text, c.plain, c.parseMode, c.entities, c.markup
		m.Photo = f
		return nil
	})
}

// inputFile reads an InputFile parameter: an uploaded file, possibly
// referenced as "attach://name", a file_id or a URL.
func (s *Server) inputFile(p params, field string) (*File, *APIError) {
	f, uploaded := p.files[field]
	if v := p.str(field); !uploaded && v != "" {
		switch name, attach := strings.CutPrefix(v, "attach://"); {
		case attach:
			f, uploaded = p.files[name]
			if !uploaded {
				return nil, badRequest("can't find attached file %q", name)
			}
		case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
			return &File{ID: s.fileID(), URL: v}, nil
		default:
			return &File{ID: v}, nil
		}
	}
	if !uploaded {
		return nil, badRequest("there is no %s in the request", field)
	}
	if len(f.Data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	f.ID = s.fileID()
	return &f, nil
}

func (s *Server) fileID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextFile++
	return fmt.Sprintf("BQACAgQAAxkDAAI%012d", s.nextFile)
}

func imageSize(data []byte) (width, height int) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// edit applies change to the bot's message named by chat_id and message_id,
// refusing edits that change nothing as Telegram does.
func (s *Server) edit(p params, change func(old Message, m *Message) *APIError) (any, *APIError) {
	if p.str("inline_message_id") != "" {
		return nil, badRequest("inline messages are not supported by telegramtest")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatIDLocked(p)
	if e != nil {
		return nil, e
	}
	if e := writableLocked(cs); e != nil {
		return nil, e
	}
	id, e := p.int("message_id")
	if e != nil {
		return nil, e
	}
	if id == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	old, ok := s.messageLocked(cs.chat.ID, id)
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	if old.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	m := old
	if e := change(old, &m); e != nil {
		return nil, e
	}
	if m.Text == old.Text && m.Caption == old.Caption && m.ParseMode == old.ParseMode &&
		slices.Equal(m.Entities, old.Entities) && sameMarkup(m.ReplyMarkup, old.ReplyMarkup) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.EditDate = s.now()
	cs.versions[id] = append(cs.versions[id], m)
	s.notifyLocked()
	return s.wireMessageLocked(m, true), nil
}

func (s *Server) editMessageText(_ context.Context, p params) (any, *APIError) {
	c, e := readContent(p, "text", maxText, true)
	if e != nil {
		return nil, e
	}
	return s.edit(p, func(old Message, m *Message) *APIError {
		if old.Text == "" {
			return badRequest("there is no text in the message to edit")
		}
		m.Text, m.Plain, m.ParseMode, m.Entities = c.text, c.plain, c.parseMode, c.entities
		m.ReplyMarkup = c.markup
		if c.preview != nil {
			m.LinkPreview = c.preview
		}
		return nil
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) (any, *APIError) {
	c, e := readContent(p, "text", maxText, false)
	if e != nil {
		return nil, e
	}
	return s.edit(p, func(_ Message, m *Message) *APIError {
		m.ReplyMarkup = c.markup
		return nil
	})
}

// sameMarkup reports whether two markups are equal as JSON values.
func sameMarkup(a, b *ReplyMarkup) bool {
	if a == nil || b == nil {
		return a == b
	}
	if bytes.Equal(a.Raw, b.Raw) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a.Raw, &va) != nil || json.Unmarshal(b.Raw, &vb) != nil {
		return bytes.Equal(a.Raw, b.Raw)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

func (s *Server) deleteMessage(_ context.Context, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatIDLocked(p)
	if e != nil {
		return nil, e
	}
	id, e := p.int("message_id")
	if e != nil {
		return nil, e
	}
	if _, ok := cs.versions[id]; !ok {
		return nil, badRequest("message to delete not found")
	}
	delete(cs.versions, id)
	s.notifyLocked()
	return true, nil
}

var chatActions = []string{
	"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
	"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}

func (s *Server) sendChatAction(_ context.Context, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, e := s.chatIDLocked(p)
	if e != nil {
		return nil, e
	}
	if e := writableLocked(cs); e != nil {
		return nil, e
	}
	if !slices.Contains(chatActions, p.str("action")) {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, p params) (any, *APIError) {
	cacheTime, e := p.int("cache_time")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p.str("callback_query_id")
	q, ok := s.queries[id]
	if !ok || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Len(p.str("text")) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	s.answers = append(s.answers, CallbackAnswer{
		QueryID: id, ChatID: q.chatID, MessageID: q.messageID, Data: q.data,
		Text: p.str("text"), ShowAlert: p.bool("show_alert"), URL: p.str("url"), CacheTime: cacheTime, At: time.Now(),
	})
	s.notifyLocked()
	return true, nil
}

var (
	commandName  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	languageCode = regexp.MustCompile(`^[a-z]{2}$`)
)

// readScope reads the scope and language_code shared by the *MyCommands
// methods.
func readScope(p params) (CommandScope, string, *APIError) {
	scope := CommandScope{Type: "default"}
	if p.has("scope") {
		var raw struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID int64           `json:"user_id"`
		}
		if e := p.json("scope", &raw); e != nil {
			return scope, "", e
		}
		switch raw.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		case "chat", "chat_administrators", "chat_member":
			var id int64
			if err := json.Unmarshal(raw.ChatID, &id); err != nil || id == 0 {
				return scope, "", badRequest("chat not found")
			}
			scope.ChatID = id
			if raw.Type == "chat_member" {
				if raw.UserID == 0 {
					return scope, "", badRequest("user not found")
				}
				scope.UserID = raw.UserID
			}
		default:
			return scope, "", badRequest("unsupported bot command scope type %q", raw.Type)
		}
		scope.Type = raw.Type
	}
	lang := p.str("language_code")
	if lang != "" && !languageCode.MatchString(lang) {
		return scope, "", badRequest("invalid language code specified")
	}
	return scope, lang, nil
}

func (s *Server) setMyCommands(_ context.Context, p params) (any, *APIError) {
	scope, lang, e := readScope(p)
	if e != nil {
		return nil, e
	}
	if !p.has("commands") {
		return nil, badRequest("parameter \"commands\" is required")
	}
	var cmds []Command
	if e := p.json("commands", &cmds); e != nil {
		return nil, e
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if d := len([]rune(c.Description)); d < 1 || d > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.commands, func(cs CommandSet) bool { return cs.Scope == scope && cs.LanguageCode == lang })
	switch {
	case len(cmds) == 0 && i >= 0:
		s.commands = slices.Delete(s.commands, i, i+1)
	case len(cmds) == 0:
	case i >= 0:
		s.commands[i].Commands = cmds
	default:
		s.commands = append(s.commands, CommandSet{Scope: scope, LanguageCode: lang, Commands: cmds})
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p params) (any, *APIError) {
	scope, lang, e := readScope(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cs := range s.commands {
		if cs.Scope == scope && cs.LanguageCode == lang {
			return cs.Commands, nil
		}
	}
	return []Command{}, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p params) (any, *APIError) {
	scope, lang, e := readScope(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = slices.DeleteFunc(s.commands, func(cs CommandSet) bool {
		return cs.Scope == scope && cs.LanguageCode == lang
	})
	s.notifyLocked()
	return true, nil
}
