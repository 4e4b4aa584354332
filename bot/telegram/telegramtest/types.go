package telegramtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// User is a Telegram account, a person or a bot.
type User struct {
	ID           int64
	IsBot        bool
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string // IETF tag such as "fr" or "en"; empty when unknown
}

// ChatType is the kind of a chat, as Telegram names it.
type ChatType string

// The chat types.
const (
	ChatPrivate    ChatType = "private"
	ChatGroup      ChatType = "group"
	ChatSupergroup ChatType = "supergroup"
	ChatChannel    ChatType = "channel"
)

// Chat is a conversation the bot takes part in.
type Chat struct {
	ID        int64
	Type      ChatType
	Title     string // groups and channels
	Username  string
	FirstName string // private chats
	LastName  string // private chats
}

// PrivateChat returns the one-to-one chat between the bot and u, whose ID is
// the user's ID as in Telegram.
func PrivateChat(u User) Chat {
	return Chat{ID: u.ID, Type: ChatPrivate, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName}
}

// GroupChat returns a basic group. Telegram gives groups negative IDs.
func GroupChat(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatGroup, Title: title}
}

// SupergroupChat returns a supergroup. Telegram gives supergroups IDs of the
// form -100xxxxxxxxxx.
func SupergroupChat(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatSupergroup, Title: title}
}

// MemberStatus is the status of a chat member.
type MemberStatus string

// The member statuses used by MyChatMember.
const (
	StatusCreator       MemberStatus = "creator"
	StatusAdministrator MemberStatus = "administrator"
	StatusMember        MemberStatus = "member"
	StatusRestricted    MemberStatus = "restricted"
	StatusLeft          MemberStatus = "left"
	StatusKicked        MemberStatus = "kicked"
)

// Message is the server's record of a message, sent by the bot or injected by
// a test. Values returned by the Server share their slices with its records
// and must not be modified.
type Message struct {
	ChatID   int64
	ID       int
	From     User
	Date     time.Time
	EditDate time.Time // zero until the message is edited

	// Method is the API method that created the message, such as
	// "sendMessage"; it is empty for messages injected by the test.
	Method string

	// Text and Caption are as sent, markup included; Plain is the text or
	// caption a user would read, with HTML or MarkdownV2 markup removed.
	Text      string
	Caption   string
	Plain     string
	ParseMode string
	Entities  []Entity // as sent by the bot, or computed for injected messages

	ReplyTo     int // ID of the message this one replies to, or 0
	ReplyMarkup *ReplyMarkup
	LinkPreview *LinkPreviewOptions
	Document    *File
	Photo       *File

	MigrateToChatID   int64
	MigrateFromChatID int64
}

// Buttons returns the message's inline buttons, row after row.
func (m Message) Buttons() []InlineButton {
	if m.ReplyMarkup == nil {
		return nil
	}
	var bs []InlineButton
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		bs = append(bs, row...)
	}
	return bs
}

// Entity is a special part of a message's text, with its offset and length
// counted in UTF-16 code units as Telegram does.
type Entity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
	URL    string `json:"url,omitempty"`
}

// ReplyMarkup is the reply_markup a bot attached to a message.
type ReplyMarkup struct {
	// InlineKeyboard holds the inline buttons; it is nil for the other kinds
	// of markup (custom keyboards, keyboard removal, forced replies).
	InlineKeyboard [][]InlineButton `json:"inline_keyboard"`
	// Raw is the markup as received.
	Raw json.RawMessage `json:"-"`
	// wire is the markup as messages carry it back: its inline keyboard
	// alone, encoded once when received.
	wire json.RawMessage
}

// InlineButton is a button of an inline keyboard.
type InlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// LinkPreviewOptions are the link preview settings of a text message.
type LinkPreviewOptions struct {
	IsDisabled       bool   `json:"is_disabled,omitempty"`
	URL              string `json:"url,omitempty"`
	PreferSmallMedia bool   `json:"prefer_small_media,omitempty"`
	PreferLargeMedia bool   `json:"prefer_large_media,omitempty"`
	ShowAboveText    bool   `json:"show_above_text,omitempty"`
}

// File is a document or photo sent by the bot.
type File struct {
	// ID is the file_id the server assigned, or the one the bot sent to
	// reuse a file; Data is empty in the latter case and when a URL was sent.
	ID          string
	Name        string
	ContentType string
	Data        []byte
	URL         string // set when the bot asked Telegram to fetch a URL
}

// Command is a bot command as shown in Telegram's menu.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// CommandScope selects the users a command list applies to.
type CommandScope struct {
	Type   string // "default", "all_private_chats", "chat", "chat_member"...
	ChatID int64  // for the "chat*" scopes
	UserID int64  // for "chat_member"
}

// CommandSet is the command list set for one scope and language.
type CommandSet struct {
	Scope        CommandScope
	LanguageCode string
	Commands     []Command
}

// CallbackAnswer records an answerCallbackQuery call.
type CallbackAnswer struct {
	QueryID   string
	ChatID    int64 // chat of the pressed message
	MessageID int   // the pressed message
	Data      string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
	At        time.Time // when the server received it, for latency figures
}

// Update identifies an update queued for the bot.
type Update struct {
	ID              int64
	ChatID          int64
	MessageID       int    // the message carried, or the pressed message of a callback query
	CallbackQueryID string // set by PressButton
}

// APIError is an error answer of the Bot API.
type APIError struct {
	Code            int
	Description     string
	RetryAfter      int   // seconds, sent as parameters.retry_after
	MigrateToChatID int64 // sent as parameters.migrate_to_chat_id
}

// Error returns the code and description, as Telegram sent them.
func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

func badRequest(format string, args ...any) *APIError {
	return &APIError{Code: 400, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(description string) *APIError {
	return &APIError{Code: 403, Description: "Forbidden: " + description}
}

// defaultDescription returns the description Telegram gives for code.
func defaultDescription(code, retryAfter int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 404:
		return "Not Found"
	case 409:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case 500:
		return "Internal Server Error"
	case 502:
		return "Bad Gateway"
	}
	return "Error"
}

func lower(method string) string { return strings.ToLower(method) }
