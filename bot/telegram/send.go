package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"atelier/bot"
)

const (
	// maxText is Telegram's limit on a message's text, in UTF-16 code
	// units of the text as read (markup does not count).
	maxText = 4096
	// maxToast is the limit on a callback answer's text.
	maxToast = 200
	// alertAfter is the length above which a callback answer is shown as a
	// dialog rather than a passing notice.
	alertAfter = 150
	// maxAttempts bounds the attempts of one call answered 429.
	maxAttempts = 5
)

// deliver sends one reply to an update, falling back to a deep link in the
// group when the sender's private chat is closed to the bot.
func (a *Adapter) deliver(ctx context.Context, in *incoming, r bot.Reply) {
	text := r.Text
	if len(text) == 0 && r.Toast != "" && in.callback == nil {
		// No callback to answer: the notice becomes a message.
		text = bot.Plain(r.Toast)
	}
	if strings.TrimSpace(text.String()) == "" && len(r.Files) == 0 {
		return
	}
	if r.To == bot.Direct {
		a.direct(ctx, r)
		return
	}
	target := in.chatID
	if r.To == bot.Private && !in.private {
		target = in.from.ID
		if a.blocked(ctx, target) {
			a.offerPrivate(ctx, in, r)
			return
		}
	}
	edit := 0
	if r.Edit && r.To == bot.Here && in.msgID != 0 {
		edit = in.msgID
	}
	openings := a.openings(target)
	err := a.send(ctx, target, text, r.Buttons, r.Quotes, r.Files, edit)
	switch {
	case err == nil:
	case errors.Is(err, tgbot.ErrorForbidden) && target != in.chatID:
		// The person never opened a chat with the bot, or blocked it.
		a.refused(ctx, target, openings)
		a.offerPrivate(ctx, in, r)
	case errors.Is(err, tgbot.ErrorForbidden):
		a.log.Warn("chat refuses the bot", "chat", strconv.FormatInt(target, 10), "error", a.clean(err))
		if target < 0 {
			a.putState(ctx, goneKey(target), "1")
		} else {
			a.refused(ctx, target, openings)
		}
	case ctx.Err() != nil:
	default:
		a.log.Error("send reply", "chat", strconv.FormatInt(target, 10), "error", a.clean(err))
	}
}

// direct sends a reply to another member's private chat with the bot,
// whose id is their user id, and logs a failure.
func (a *Adapter) direct(ctx context.Context, r bot.Reply) {
	if err := a.sendDirect(ctx, r); err != nil && ctx.Err() == nil {
		a.log.Error("send direct message", "chat", r.UserID, "error", a.clean(err))
	}
}

// sendDirect sends a reply to another member's private chat. A person who
// never opened that chat, or blocked the bot, is skipped and remembered
// (no error); nothing goes to the group.
func (a *Adapter) sendDirect(ctx context.Context, r bot.Reply) error {
	id, err := strconv.ParseInt(r.UserID, 10, 64)
	if err != nil || id <= 0 || a.blocked(ctx, id) {
		return nil
	}
	openings := a.openings(id)
	err = a.send(ctx, id, r.Text, r.Buttons, r.Quotes, r.Files, 0)
	if errors.Is(err, tgbot.ErrorForbidden) {
		a.refused(ctx, id, openings)
		return nil
	}
	return err
}

// offerPrivate posts, in the group, a button that opens the person's
// private chat with the bot and replays the reply there.
func (a *Adapter) offerPrivate(ctx context.Context, in *incoming, r bot.Reply) {
	l := in.lang()
	msg, label := l.T("private.offer"), l.T("button.open_chat")
	var t bot.Text
	if in.from.Username != "" {
		t.Add(bot.Normal, "@"+in.from.Username+" ")
	} else if in.from.FirstName != "" {
		t.Add(bot.Normal, in.from.FirstName+" — ")
	}
	t.Add(bot.Normal, msg)
	buttons := [][]bot.Button{{{Label: label, Data: r.Resume, Start: true}}}
	if err := a.send(ctx, in.chatID, t, buttons, false, nil, 0); err != nil && ctx.Err() == nil {
		a.log.Error("offer private chat", "chat", strconv.FormatInt(in.chatID, 10), "error", a.clean(err))
	}
}

// send posts text, split as needed, with the buttons under its last part,
// then the files. A non-zero edit replaces that message with the first
// part.
func (a *Adapter) send(ctx context.Context, chatID int64, text bot.Text, buttons [][]bot.Button, quotes bool, files []bot.File, edit int) error {
	parts := splitText(text)
	var preview *models.LinkPreviewOptions
	if quotes {
		preview = &models.LinkPreviewOptions{IsDisabled: tgbot.True()}
	}
	for i, p := range parts {
		var markup models.ReplyMarkup
		if i == len(parts)-1 {
			if kb := a.keyboard(buttons); kb != nil {
				markup = kb
			}
		}
		body := renderHTML(p)
		if i == 0 && edit != 0 {
			err := a.call(ctx, chatID, false, func(chat int64) error {
				_, err := a.tg.EditMessageText(ctx, &tgbot.EditMessageTextParams{
					ChatID: chat, MessageID: edit, Text: body, ParseMode: models.ParseModeHTML,
					LinkPreviewOptions: preview, ReplyMarkup: markup,
				})
				return err
			})
			switch {
			case err == nil || notModified(err):
				continue
			case !errors.Is(err, tgbot.ErrorBadRequest):
				return err
			}
			// The message is gone or cannot be edited: send it anew.
		}
		err := a.call(ctx, chatID, true, func(chat int64) error {
			_, err := a.tg.SendMessage(ctx, &tgbot.SendMessageParams{
				ChatID: chat, Text: body, ParseMode: models.ParseModeHTML,
				LinkPreviewOptions: preview, ReplyMarkup: markup,
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, f := range files {
		err := a.call(ctx, chatID, true, func(chat int64) error {
			upload := &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
			var err error
			if f.Image {
				_, err = a.tg.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: chat, Photo: upload})
			} else {
				_, err = a.tg.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: chat, Document: upload})
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// call runs fn against chatID, paced when it posts a new message. It waits
// out 429 answers (bounded), and follows a group upgraded to a supergroup.
// Calls about no chat (answers, settings) pass 0, unpaced.
func (a *Adapter) call(ctx context.Context, chatID int64, paced bool, fn func(chat int64) error) error {
	for attempt := 1; ; attempt++ {
		if paced {
			if err := a.sleep(ctx, a.pace.group(chatID)); err != nil {
				return err
			}
			if err := a.sleep(ctx, a.pace.overall()); err != nil {
				return err
			}
		}
		err := fn(chatID)
		if err == nil || attempt >= maxAttempts {
			return err
		}
		var tooMany *tgbot.TooManyRequestsError
		var migrate *tgbot.MigrateError
		switch {
		case errors.As(err, &tooMany):
			if err := a.sleep(ctx, retryAfter(tooMany.RetryAfter)); err != nil {
				return err
			}
		case errors.As(err, &migrate) && migrate.MigrateToChatID != 0:
			to := int64(migrate.MigrateToChatID)
			a.moveChat(ctx, chatID, to)
			chatID = to
		default:
			return err
		}
	}
}

func retryAfter(seconds int) time.Duration {
	return time.Duration(max(seconds, 1)) * time.Second
}

// tooLong reports whether a callback answer's text is cut to fit, in which
// case it should also be sent whole.
func tooLong(text string) bool { return utf16Len(text) > maxToast }

// answer answers a callback query, with its text cut to fit.
func (a *Adapter) answer(ctx context.Context, queryID, text string) {
	n := utf16Len(text)
	if tooLong(text) {
		text = clipUTF16(text, maxToast-1) + "…"
	}
	err := a.call(ctx, 0, false, func(int64) error {
		_, err := a.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
			CallbackQueryID: queryID, Text: text, ShowAlert: n > alertAfter,
		})
		return err
	})
	if err != nil && ctx.Err() == nil {
		// A redelivered query may be too old to answer: nothing to do.
		a.log.Warn("answer callback", "error", a.clean(err))
	}
}

// keyboard draws buttons: deep links for Start buttons, callback data
// otherwise; buttons without data or with data over Telegram's 64 bytes
// are left out, and so are rows left empty. It returns nil for no button.
func (a *Adapter) keyboard(rows [][]bot.Button) *inlineKeyboard {
	n := 0
	for _, row := range rows {
		n += len(row)
	}
	// One array holds every button, each row a slice of it.
	all := make([]inlineButton, 0, n)
	var kb [][]inlineButton
	for _, row := range rows {
		start := len(all)
		for _, b := range row {
			switch {
			case b.Start:
				all = append(all, inlineButton{Text: b.Label, URL: a.deepLink(b.Data)})
			case b.Data != "" && len(b.Data) <= 64:
				all = append(all, inlineButton{Text: b.Label, CallbackData: b.Data})
			}
		}
		if len(all) > start {
			kb = append(kb, all[start:len(all):len(all)])
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &inlineKeyboard{InlineKeyboard: kb}
}

// inlineKeyboard is the reply markup of the adapter's inline keyboards,
// sent in place of the library's: its button type has thirteen fields,
// one of them a struct that its omitempty does not leave out, so that every
// button went out with an empty "copy_text" object. A button here has its
// text and its one action, and encodes in a fraction of the time (a
// ballot has fifteen, sent again on every press).
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

// deepLink opens the bot's private chat and, when payload is valid, sends
// "/start payload" there.
func (a *Adapter) deepLink(payload string) string {
	link := "https://t.me/" + a.me.Username
	if validPayload(payload) {
		link += "?start=" + payload
	}
	return link
}

// validPayload reports whether Telegram accepts s as a /start parameter.
func validPayload(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// renderHTML writes t in Telegram's HTML, escaping every span.
func renderHTML(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		text := htmlEscaper.Replace(s.Text)
		switch s.Style {
		case bot.Bold:
			b.WriteString("<b>" + text + "</b>")
		case bot.Italic:
			b.WriteString("<i>" + text + "</i>")
		case bot.Code:
			b.WriteString("<code>" + text + "</code>")
		default:
			b.WriteString(text)
		}
	}
	return b.String()
}

// splitText cuts t into parts Telegram accepts: at most maxText UTF-16 code
// units each (Text.Split counts runes, and a rune outside the BMP takes two
// units), leaving out parts with nothing to read.
func splitText(t bot.Text) []bot.Text {
	var out []bot.Text
	var cut func(t bot.Text, runes int)
	cut = func(t bot.Text, runes int) {
		for _, p := range t.Split(runes) {
			s := p.String()
			switch {
			case strings.TrimSpace(s) == "":
			case utf16Len(s) > maxText && runes > 1:
				cut(p, runes/2)
			default:
				out = append(out, p)
			}
		}
	}
	cut(t, maxText-96)
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clipUTF16 returns the longest prefix of s of at most n UTF-16 units.
func clipUTF16(s string, n int) string {
	used := 0
	for i, r := range s {
		if used+utf16.RuneLen(r) > n {
			return s[:i]
		}
		used += utf16.RuneLen(r)
	}
	return s
}

// notModified reports whether an edit failed only because it changed
// nothing, which is success. The Bot API tells this case apart only by its
// description.
func notModified(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
}

// clean returns err's text without the token.
func (a *Adapter) clean(err error) string { return redact(err.Error(), a.cfg.Token) }

// Post sends the bot's own messages to a group chat, paced and with 429
// answers waited out like answers to updates. It implements bot.Poster:
// when Telegram still asks to wait, the error carries its retry_after. A
// chat that refuses the bot (removed from the group) is recorded and
// skipped: retrying would not help. A Direct reply goes to its
// recipient's private chat, and is skipped for a person who never opened
// it or blocked the bot.
func (a *Adapter) Post(ctx context.Context, chatID string, replies []bot.Reply) error {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return fmt.Errorf("post to chat %q: not a Telegram chat id", chatID)
	}
	// A group that removed the bot gets nothing until it adds it back.
	groupGone := id < 0 && a.gone(ctx, id)
	for _, r := range replies {
		if (r.To != bot.Here && r.To != bot.Direct) || (strings.TrimSpace(r.Text.String()) == "" && len(r.Files) == 0) {
			continue
		}
		var err error
		switch {
		case r.To == bot.Direct:
			err = a.sendDirect(ctx, r)
		case groupGone:
			continue
		default:
			err = a.send(ctx, id, r.Text, r.Buttons, r.Quotes, r.Files, 0)
		}
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case err == nil:
		case errors.Is(err, tgbot.ErrorForbidden):
			a.log.Warn("chat refuses the bot", "chat", chatID, "error", a.clean(err))
			a.putState(ctx, goneKey(id), "1")
			return nil
		case errors.As(err, &tooMany):
			return &retryLater{msg: a.clean(err), after: retryAfter(tooMany.RetryAfter)}
		default:
			// The error text may hold the token: only its cleaned text
			// leaves the adapter.
			return errors.New(a.clean(err))
		}
	}
	return nil
}

// retryLater is a delivery Telegram refused for now, with its retry_after.
type retryLater struct {
	msg   string
	after time.Duration
}

func (e *retryLater) Error() string { return e.msg }

// RetryAfter implements bot.RetryAfter.
func (e *retryLater) RetryAfter() time.Duration { return e.after }
