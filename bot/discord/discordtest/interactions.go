package discordtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction identifies an interaction the fake dispatched.
type Interaction struct {
	ID        string
	Token     string
	Type      discordgo.InteractionType
	GuildID   string
	ChannelID string
	UserID    string
	// MessageID is the message carrying the component, for clicks and
	// selections.
	MessageID string
}

type interaction struct {
	Interaction
	payload    json.RawMessage
	acked      bool
	respType   discordgo.InteractionResponseType
	originalID string
	// modal holds the components of the modal this interaction opened.
	modal      json.RawMessage
	modalID    string
	modalTitle string
}

// StringOption returns a string option for SlashCommand.
func StringOption(name, value string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// IntegerOption returns an integer option for SlashCommand.
func IntegerOption(name string, value int64) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: value}
}

// BooleanOption returns a boolean option for SlashCommand.
func BooleanOption(name string, value bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: value}
}

// SubCommandOption returns a subcommand option holding opts.
func SubCommandOption(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

// SlashCommand dispatches an INTERACTION_CREATE for chat input command name,
// used by userID in channelID of guildID (a DM if guildID is empty) with the
// client locale locale, such as "fr" or "en-US".
func (s *Server) SlashCommand(guildID, channelID, userID, locale, name string, options ...*discordgo.ApplicationCommandInteractionDataOption) Interaction {
	s.mu.Lock()
	cmdID := ""
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.commands[scope] {
			if c.Name == name {
				cmdID = c.ID
				break
			}
		}
		if cmdID != "" {
			break
		}
	}
	if cmdID == "" {
		cmdID = s.newID()
	}
	if options == nil {
		options = []*discordgo.ApplicationCommandInteractionDataOption{}
	}
	data := map[string]any{"id": cmdID, "name": name, "type": discordgo.ChatApplicationCommand, "options": options}
	// Discord resolves the users named by user options.
	users := map[string]any{}
	for _, o := range options {
		if o != nil && o.Type == discordgo.ApplicationCommandOptionUser {
			if id, ok := o.Value.(string); ok {
				users[id] = s.userLocked(id)
			}
		}
	}
	if len(users) > 0 {
		data["resolved"] = map[string]any{"users": users}
	}
	if guildID != "" {
		data["guild_id"] = guildID
	}
	in := s.newInteractionLocked(discordgo.InteractionApplicationCommand, guildID, channelID, userID, locale, data, nil)
	s.mu.Unlock()
	s.dispatch("INTERACTION_CREATE", in.payload, 0)
	return in.Interaction
}

// Click dispatches a button press on component customID of message
// messageID. It fails if the fake has no such message or the message has no
// enabled button with that custom ID, since Discord would not let a user
// click it.
func (s *Server) Click(guildID, channelID, userID, locale, messageID, customID string) (Interaction, error) {
	return s.component(guildID, channelID, userID, locale, messageID, customID, nil)
}

// Forge dispatches a press on a button with custom ID customID on message
// messageID whether or not the message has such a button, as a modified
// client could: the bot must re-check everything a custom ID claims.
func (s *Server) Forge(guildID, channelID, userID, locale, messageID, customID string) (Interaction, error) {
	s.mu.Lock()
	m, ok := s.messages[messageID]
	if !ok || m.deleted {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: no message %s", messageID)
	}
	data := map[string]any{"custom_id": customID, "component_type": int(discordgo.ButtonComponent)}
	in := s.newInteractionLocked(discordgo.InteractionMessageComponent, guildID, channelID, userID, locale, data, m)
	s.mu.Unlock()
	s.dispatch("INTERACTION_CREATE", in.payload, 0)
	return in.Interaction, nil
}

// UserOption returns a user option for SlashCommand naming userID.
func UserOption(name, userID string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionUser, Value: userID}
}

// Select dispatches a choice of values in select menu customID of message
// messageID.
func (s *Server) Select(guildID, channelID, userID, locale, messageID, customID string, values ...string) (Interaction, error) {
	if values == nil {
		values = []string{}
	}
	return s.component(guildID, channelID, userID, locale, messageID, customID, values)
}

func (s *Server) component(guildID, channelID, userID, locale, messageID, customID string, values []string) (Interaction, error) {
	s.mu.Lock()
	m, ok := s.messages[messageID]
	if !ok || m.deleted {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: no message %s", messageID)
	}
	var comps []any
	_ = json.Unmarshal(m.components, &comps)
	var found map[string]any
	walkComponents(comps, func(c map[string]any) {
		if id, _ := c["custom_id"].(string); id == customID && found == nil {
			found = c
		}
	})
	if found == nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: message %s has no component %q", messageID, customID)
	}
	if d, _ := found["disabled"].(bool); d {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: component %q of message %s is disabled", customID, messageID)
	}
	typ, _ := found["type"].(float64)
	isButton := discordgo.ComponentType(typ) == discordgo.ButtonComponent
	if isButton != (values == nil) {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: component %q is of type %v", customID, typ)
	}
	data := map[string]any{"custom_id": customID, "component_type": int(typ)}
	if values != nil {
		data["values"] = values
	}
	in := s.newInteractionLocked(discordgo.InteractionMessageComponent, guildID, channelID, userID, locale, data, m)
	s.mu.Unlock()
	s.dispatch("INTERACTION_CREATE", in.payload, 0)
	return in.Interaction, nil
}

// SubmitModal dispatches the submission of the most recent modal opened
// with custom ID customID, with fields mapping text input custom IDs to
// values. The submitted components mirror the modal's layout (action rows or
// labels). It fails if no such modal was opened or a field is not one of its
// text inputs.
func (s *Server) SubmitModal(guildID, channelID, userID, locale, customID string, fields map[string]string) (Interaction, error) {
	s.mu.Lock()
	var opener *interaction
	for _, in := range s.interactions {
		if in.modalID == customID && (opener == nil || in.ID > opener.ID) {
			opener = in
		}
	}
	if opener == nil {
		s.mu.Unlock()
		return Interaction{}, fmt.Errorf("discordtest: no modal %q was opened", customID)
	}
	var rows []map[string]any
	_ = json.Unmarshal(opener.modal, &rows)
	known := map[string]bool{}
	var submitted []map[string]any
	for _, row := range rows {
		var inputs []any
		walkComponents([]any{row}, func(c map[string]any) {
			if t, _ := c["type"].(float64); discordgo.ComponentType(t) == discordgo.TextInputComponent {
				id, _ := c["custom_id"].(string)
				known[id] = true
				inputs = append(inputs, map[string]any{"type": discordgo.TextInputComponent, "custom_id": id, "value": fields[id]})
			}
		})
		if t, _ := row["type"].(float64); t == 18 && len(inputs) == 1 {
			submitted = append(submitted, map[string]any{"type": 18, "component": inputs[0]})
		} else {
			submitted = append(submitted, map[string]any{"type": discordgo.ActionsRowComponent, "components": inputs})
		}
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !known[k] {
			s.mu.Unlock()
			return Interaction{}, fmt.Errorf("discordtest: modal %q has no text input %q", customID, k)
		}
	}
	if submitted == nil {
		submitted = []map[string]any{}
	}
	data := map[string]any{"custom_id": customID, "components": submitted}
	var msg *message
	if opener.Type == discordgo.InteractionMessageComponent {
		msg = s.messages[opener.MessageID]
	}
	in := s.newInteractionLocked(discordgo.InteractionModalSubmit, guildID, channelID, userID, locale, data, msg)
	s.mu.Unlock()
	s.dispatch("INTERACTION_CREATE", in.payload, 0)
	return in.Interaction, nil
}

// RedispatchInteraction dispatches interaction id again with the same ID and
// token, as Discord occasionally does.
func (s *Server) RedispatchInteraction(id string) error {
	s.mu.Lock()
	in, ok := s.interactions[id]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("discordtest: no interaction %s", id)
	}
	s.dispatch("INTERACTION_CREATE", in.payload, 0)
	return nil
}

// newInteractionLocked builds and records an interaction; s.mu must be held.
func (s *Server) newInteractionLocked(typ discordgo.InteractionType, guildID, channelID, userID, locale string, data any, msg *message) *interaction {
	in := &interaction{Interaction: Interaction{
		ID:        s.newID(),
		Token:     "aW50ZXJhY3Rpb24" + randomHex(24),
		Type:      typ,
		GuildID:   guildID,
		ChannelID: channelID,
		UserID:    userID,
	}}
	ch := s.addChannelLocked(guildID, channelID)
	user := s.userLocked(userID)
	p := map[string]any{
		"id":              in.ID,
		"application_id":  s.appID,
		"type":            typ,
		"data":            data,
		"channel_id":      channelID,
		"channel":         channelJSON(ch),
		"token":           in.Token,
		"version":         1,
		"locale":          locale,
		"app_permissions": "2248473465835073",
		"entitlements":    []any{},
	}
	if guildID != "" {
		p["guild_id"] = guildID
		p["guild_locale"] = s.addGuildLocked(guildID).locale
		p["context"] = discordgo.InteractionContextGuild
		p["authorizing_integration_owners"] = map[string]string{"0": guildID}
		p["member"] = map[string]any{
			"user":        user,
			"roles":       []string{},
			"joined_at":   time.Now().UTC().Format(time.RFC3339),
			"permissions": "2248473465835073",
			"deaf":        false,
			"mute":        false,
			"flags":       0,
			"pending":     false,
		}
	} else {
		ch.typ = discordgo.ChannelTypeDM
		p["context"] = discordgo.InteractionContextBotDM
		p["authorizing_integration_owners"] = map[string]string{"0": "0"}
		p["user"] = user
	}
	if msg != nil {
		in.MessageID = msg.id
		p["message"] = msg.toJSON(s)
	}
	in.payload = mustJSON(p)
	s.interactions[in.ID] = in
	s.touchLocked()
	return in
}
