package telegramtest

import "encoding/json"

// The wire types are the Bot API's JSON shapes, written here rather than
// borrowed from a client library so that a client's decoding is tested
// against the documented format.

type wireUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`

	CanJoinGroups           bool `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages bool `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   bool `json:"supports_inline_queries,omitempty"`
}

type wireChat struct {
	ID        int64    `json:"id"`
	Type      ChatType `json:"type"`
	Title     string   `json:"title,omitempty"`
	Username  string   `json:"username,omitempty"`
	FirstName string   `json:"first_name,omitempty"`
	LastName  string   `json:"last_name,omitempty"`
}

type wireDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MIMEType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type wirePhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type wireMessage struct {
	MessageID          int                 `json:"message_id"`
	From               *wireUser           `json:"from,omitempty"`
	SenderChat         *wireChat           `json:"sender_chat,omitempty"`
	Date               int64               `json:"date"`
	Chat               wireChat            `json:"chat"`
	ReplyToMessage     *wireMessage        `json:"reply_to_message,omitempty"`
	EditDate           int64               `json:"edit_date,omitempty"`
	Text               string              `json:"text,omitempty"`
	Entities           []Entity            `json:"entities,omitempty"`
	LinkPreviewOptions *LinkPreviewOptions `json:"link_preview_options,omitempty"`
	Document           *wireDocument       `json:"document,omitempty"`
	Photo              []wirePhotoSize     `json:"photo,omitempty"`
	Caption            string              `json:"caption,omitempty"`
	MigrateToChatID    int64               `json:"migrate_to_chat_id,omitempty"`
	MigrateFromChatID  int64               `json:"migrate_from_chat_id,omitempty"`
	ReplyMarkup        json.RawMessage     `json:"reply_markup,omitempty"`
}

type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireChatMember struct {
	Status    MemberStatus `json:"status"`
	User      wireUser     `json:"user"`
	UntilDate *int64       `json:"until_date,omitempty"`
}

type wireChatMemberUpdated struct {
	Chat          wireChat       `json:"chat"`
	From          wireUser       `json:"from"`
	Date          int64          `json:"date"`
	OldChatMember wireChatMember `json:"old_chat_member"`
	NewChatMember wireChatMember `json:"new_chat_member"`
}

func toWireUser(u User) wireUser {
	return wireUser{
		ID: u.ID, IsBot: u.IsBot, FirstName: u.FirstName, LastName: u.LastName,
		Username: u.Username, LanguageCode: u.LanguageCode,
	}
}

func toWireChat(c Chat) wireChat {
	return wireChat{ID: c.ID, Type: c.Type, Title: c.Title, Username: c.Username, FirstName: c.FirstName, LastName: c.LastName}
}

func chatMember(status MemberStatus, u User) wireChatMember {
	m := wireChatMember{Status: status, User: toWireUser(u)}
	if status == StatusKicked || status == StatusRestricted {
		var forever int64
		m.UntilDate = &forever
	}
	return m
}

// wireMessageLocked renders the current state of a message as Telegram
// returns it, with the message it replies to one level deep.
func (s *Server) wireMessageLocked(m Message, withReply bool) *wireMessage {
	cs := s.chatLocked(m.ChatID)
	from := toWireUser(m.From)
	w := &wireMessage{
		MessageID:          m.ID,
		From:               &from,
		Date:               m.Date.Unix(),
		Chat:               toWireChat(cs.chat),
		LinkPreviewOptions: m.LinkPreview,
		MigrateToChatID:    m.MigrateToChatID,
		MigrateFromChatID:  m.MigrateFromChatID,
	}
	if !m.EditDate.IsZero() {
		w.EditDate = m.EditDate.Unix()
	}
	if m.Method == "" {
		w.Text, w.Caption, w.Entities = m.Text, m.Caption, m.Entities
	} else if m.Text != "" {
		w.Text = m.Plain
	} else {
		w.Caption = m.Plain
	}
	if m.Document != nil {
		w.Document = &wireDocument{
			FileID: m.Document.ID, FileUniqueID: uniqueID(m.Document.ID),
			FileName: m.Document.Name, MIMEType: m.Document.ContentType, FileSize: len(m.Document.Data),
		}
	}
	if m.Photo != nil {
		width, height := imageSize(m.Photo.Data)
		w.Photo = []wirePhotoSize{{
			FileID: m.Photo.ID, FileUniqueID: uniqueID(m.Photo.ID),
			Width: width, Height: height, FileSize: len(m.Photo.Data),
		}}
	}
	if m.ReplyMarkup != nil {
		w.ReplyMarkup = m.ReplyMarkup.wire
	}
	if withReply && m.ReplyTo != 0 {
		if r, ok := s.messageLocked(m.ChatID, m.ReplyTo); ok {
			w.ReplyToMessage = s.wireMessageLocked(r, false)
		}
	}
	return w
}

func uniqueID(fileID string) string {
	if len(fileID) > 12 {
		return fileID[len(fileID)-12:]
	}
	return fileID
}
