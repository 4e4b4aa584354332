package discordtest

import (
	"encoding/json"
	"time"

	"github.com/bwmarrin/discordgo"
)

// File is a file attached to a message or an interaction response.
type File struct {
	ID          string
	Name        string
	ContentType string
	Data        []byte
}

// Request is one REST call received by the fake. Route is the method and
// the path without the /api/vN prefix, for example
// "POST /channels/42/messages".
type Request struct {
	Route         string
	Authorization string
	Status        int
	Handled       bool
}

// InteractionResponse is one call to the interaction callback endpoint.
type InteractionResponse struct {
	InteractionID   string
	Type            discordgo.InteractionResponseType
	Content         string
	Flags           discordgo.MessageFlags
	Components      []discordgo.MessageComponent
	Embeds          []*discordgo.MessageEmbed
	AllowedMentions *discordgo.MessageAllowedMentions
	Choices         []*discordgo.ApplicationCommandOptionChoice
	CustomID        string // modal
	Title           string // modal
	Files           []File
	// MessageID is the message the response created or updated, if any.
	MessageID string
	// Status is the HTTP status the fake answered; only responses with a
	// 2xx status acknowledged the interaction.
	Status int
	// Raw is the JSON body as sent (payload_json for multipart requests).
	Raw json.RawMessage
}

// Ephemeral reports whether the response carries the ephemeral flag.
func (r InteractionResponse) Ephemeral() bool { return r.Flags&discordgo.MessageFlagsEphemeral != 0 }

// Message is the current state of a message the bot posted, after edits.
type Message struct {
	ID              string
	ChannelID       string
	GuildID         string
	Content         string
	Flags           discordgo.MessageFlags
	Components      []discordgo.MessageComponent
	Embeds          []*discordgo.MessageEmbed
	AllowedMentions *discordgo.MessageAllowedMentions
	Files           []File
	// InteractionID is set on an interaction's original response and its
	// followups.
	InteractionID string
	Followup      bool
	Edits         int
	Deleted       bool
	Created       time.Time
	// RawComponents is the components array as last sent.
	RawComponents json.RawMessage
}

// Ephemeral reports whether the message is only visible to the user who
// triggered the interaction.
func (m Message) Ephemeral() bool { return m.Flags&discordgo.MessageFlagsEphemeral != 0 }

// CustomIDs returns the custom_id of every component in the message, depth
// first.
func (m Message) CustomIDs() []string {
	var comps []any
	_ = json.Unmarshal(m.RawComponents, &comps)
	var ids []string
	walkComponents(comps, func(c map[string]any) {
		if id, ok := c["custom_id"].(string); ok {
			ids = append(ids, id)
		}
	})
	return ids
}

type attachment struct {
	id          string
	name        string
	contentType string
	data        []byte
}

type message struct {
	id              string
	channelID       string
	guildID         string
	content         string
	flags           discordgo.MessageFlags
	components      json.RawMessage
	embeds          json.RawMessage
	allowedMentions json.RawMessage
	attachments     []*attachment
	interactionID   string
	followup        bool
	webhook         bool
	created         time.Time
	edited          time.Time
	edits           int
	deleted         bool
}

func (m *message) export() Message {
	out := Message{
		ID:            m.id,
		ChannelID:     m.channelID,
		GuildID:       m.guildID,
		Content:       m.content,
		Flags:         m.flags,
		Components:    decodeComponents(m.components),
		InteractionID: m.interactionID,
		Followup:      m.followup,
		Edits:         m.edits,
		Deleted:       m.deleted,
		Created:       m.created,
		RawComponents: append(json.RawMessage(nil), m.components...),
	}
	if len(m.embeds) > 0 {
		_ = json.Unmarshal(m.embeds, &out.Embeds)
	}
	if len(m.allowedMentions) > 0 && string(m.allowedMentions) != "null" {
		_ = json.Unmarshal(m.allowedMentions, &out.AllowedMentions)
	}
	for _, a := range m.attachments {
		out.Files = append(out.Files, File{ID: a.id, Name: a.name, ContentType: a.contentType, Data: append([]byte(nil), a.data...)})
	}
	return out
}

// toJSON renders the message as Discord's API does.
func (m *message) toJSON(s *Server) map[string]any {
	atts := make([]map[string]any, 0, len(m.attachments))
	for _, a := range m.attachments {
		atts = append(atts, map[string]any{
			"id":           a.id,
			"filename":     a.name,
			"size":         len(a.data),
			"content_type": a.contentType,
			"url":          "https://cdn.discordapp.com/attachments/" + m.channelID + "/" + a.id + "/" + a.name,
			"proxy_url":    "https://media.discordapp.net/attachments/" + m.channelID + "/" + a.id + "/" + a.name,
		})
	}
	comps := m.components
	if len(comps) == 0 || string(comps) == "null" {
		comps = json.RawMessage("[]")
	}
	embeds := m.embeds
	if len(embeds) == 0 || string(embeds) == "null" {
		embeds = json.RawMessage("[]")
	}
	out := map[string]any{
		"id":               m.id,
		"channel_id":       m.channelID,
		"content":          m.content,
		"timestamp":        m.created.Format(time.RFC3339Nano),
		"edited_timestamp": nil,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"attachments":      atts,
		"embeds":           embeds,
		"components":       comps,
		"pinned":           false,
		"type":             discordgo.MessageTypeDefault,
		"flags":            m.flags,
		"author":           s.bot,
	}
	if m.guildID != "" {
		out["guild_id"] = m.guildID
	}
	if m.edits > 0 {
		out["edited_timestamp"] = m.edited.Format(time.RFC3339Nano)
	}
	if m.webhook {
		out["webhook_id"] = s.appID
		out["application_id"] = s.appID
	}
	if m.interactionID != "" {
		out["type"] = discordgo.MessageTypeChatInputCommand
		out["interaction_metadata"] = map[string]any{"id": m.interactionID, "type": 2}
	}
	return out
}

func decodeComponents(raw json.RawMessage) []discordgo.MessageComponent {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil
	}
	out := make([]discordgo.MessageComponent, 0, len(parts))
	for _, p := range parts {
		c, err := discordgo.MessageComponentFromJSON(p)
		if err != nil {
			// Components discordgo cannot decode are still in RawComponents.
			continue
		}
		out = append(out, c)
	}
	return out
}

func walkComponents(comps []any, fn func(map[string]any)) {
	for _, c := range comps {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		fn(m)
		if sub, ok := m["components"].([]any); ok {
			walkComponents(sub, fn)
		}
		if inner, ok := m["component"].(map[string]any); ok {
			walkComponents([]any{inner}, fn)
		}
		if acc, ok := m["accessory"].(map[string]any); ok {
			walkComponents([]any{acc}, fn)
		}
	}
}

// Response returns the response that acknowledged interaction id.
func (s *Server) Response(id string) (InteractionResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.responses {
		if r.InteractionID == id && r.Status < 300 {
			return r, true
		}
	}
	return InteractionResponse{}, false
}

// Responses returns every callback attempt for interaction id, rejected
// ones included, oldest first.
func (s *Server) Responses(id string) []InteractionResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []InteractionResponse
	for _, r := range s.responses {
		if r.InteractionID == id {
			out = append(out, r)
		}
	}
	return out
}

// Message returns the current state of message id.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return m.export(), true
}

// Messages returns the messages posted in channelID (all channels if it is
// empty), deleted ones included, oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.messageOrder {
		m := s.messages[id]
		if channelID == "" || m.channelID == channelID {
			out = append(out, m.export())
		}
	}
	return out
}

// OriginalMessage returns the message that holds interaction id's response:
// the one it created (types 4 and 5) or the one it updated (types 6 and 7).
func (s *Server) OriginalMessage(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interactions[id]
	if !ok || in.originalID == "" {
		return Message{}, false
	}
	m, ok := s.messages[in.originalID]
	if !ok {
		return Message{}, false
	}
	return m.export(), true
}

// Followups returns the followup messages sent for interaction id.
func (s *Server) Followups(id string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, mid := range s.messageOrder {
		m := s.messages[mid]
		if m.interactionID == id && m.followup {
			out = append(out, m.export())
		}
	}
	return out
}

// Commands returns the application commands registered for guildID, or the
// global ones if guildID is empty.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, c := range s.commands[guildID] {
		var cp discordgo.ApplicationCommand
		_ = json.Unmarshal(mustJSON(c), &cp)
		out = append(out, &cp)
	}
	return out
}

// CommandWrites returns how many times the commands of guildID (global if
// empty) were written by bulk overwrite, create or delete.
func (s *Server) CommandWrites(guildID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commandWrites[guildID]
}

// DMChannel returns the DM channel created for userID, if any.
func (s *Server) DMChannel(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.dms[userID]
	return id, ok
}

// Requests returns every REST call received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Unhandled returns the REST calls to routes the fake does not implement.
func (s *Server) Unhandled() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if !r.Handled {
			out = append(out, r)
		}
	}
	return out
}
