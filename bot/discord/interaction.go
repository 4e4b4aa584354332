package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"atelier/bot"
	"atelier/consultation"

	"github.com/bwmarrin/discordgo"
)

// The idea modal: /idea without text opens it; its submission becomes
// "/idea <text>".
const (
	ideaModalID = "idea_modal"
	ideaFieldID = "text"
	// maxIdeaInput is Discord's limit for a text input.
	maxIdeaInput = 4000
)

// outcome is what handling an interaction produced.
type outcome struct {
	replies []bot.Reply
	failed  bool // a panic: apologise
}

// serve handles one interaction that arrived at arrived: it translates it,
// lets the bot handle it and answers. Replies computed within AckAfter of
// its arrival go out as the interaction response itself; slower handling,
// or an interaction that waited for a free slot, is deferred first (type
// 5, or 6 for a button) and answered with edits and followups.
func (a *Adapter) serve(ctx context.Context, in *discordgo.Interaction, arrived time.Time) {
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("panic answering interaction", "chat", in.ChannelID, "error", fmt.Errorf("panic: %v", v))
		}
	}()
	ev, modal, ok := a.event(in)
	if modal != nil {
		if err := a.ack(ctx, in, modal); err != nil {
			a.logSend(in, "open modal", err)
		}
		return
	}
	if !ok {
		l := langOf(in)
		if err := a.answer(ctx, in, []bot.Reply{{To: bot.Private, Toast: l.T("err.bad_button")}}, false); err != nil {
			a.logSend(in, "refuse", err)
		}
		return
	}

	done := make(chan outcome, 1)
	// The goroutine is owned by serve, which always receives from done
	// before returning.
	go func() {
		defer func() {
			if v := recover(); v != nil {
				a.log.Error("panic handling interaction", "chat", in.ChannelID, "error", fmt.Errorf("panic: %v", v))
				done <- outcome{failed: true}
			}
		}()
		if a.hook != nil {
			a.hook(ev)
		}
		done <- outcome{replies: a.bot.Handle(ctx, ev)}
	}()

	var out outcome
	left := a.cfg.AckAfter - a.cfg.Clock().Sub(arrived)
	deferred := a.cfg.AckAfter < 0 || left <= 0
	if !deferred {
		t := time.NewTimer(left)
		select {
		case out = <-done:
			t.Stop()
		case <-t.C:
			deferred = true
		}
	}
	if deferred {
		if err := a.deferAck(ctx, in); err != nil {
			a.logSend(in, "defer", err)
		}
		out = <-done
	}
	if out.failed {
		out.replies = []bot.Reply{{To: bot.Private, Text: bot.Plain(langOf(in).T("internal"))}}
	}
	// The answer gets time of its own: handling may have used up ctx's,
	// and an apology that cannot be sent leaves the member "thinking".
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTime)
	defer cancel()
	if err := a.answer(actx, in, out.replies, deferred); err != nil {
		a.logSend(in, "answer", err)
	}
}

func (a *Adapter) logSend(in *discordgo.Interaction, what string, err error) {
	var re *discordgo.RESTError
	switch {
	case alreadyAcked(err):
		// Another delivery of the same interaction answered it.
		a.log.Debug("interaction already acknowledged", "chat", in.ChannelID)
		return
	case errors.As(err, &re) && re.Message != nil && re.Message.Code == codeUnknownInteraction:
		// Answered after Discord's three seconds: the member saw it fail.
		a.log.Warn(what+": the interaction expired", "chat", in.ChannelID)
		return
	}
	a.log.Error(what, "chat", in.ChannelID, "error", scrub(err))
}

// event translates an interaction into a bot event. For /idea without text
// it returns the modal to open instead; ok is false for an interaction the
// bot cannot understand.
func (a *Adapter) event(in *discordgo.Interaction) (ev bot.Event, modal *discordgo.InteractionResponse, ok bool) {
	user := in.User
	if in.Member != nil && in.Member.User != nil {
		user = in.Member.User
	}
	if user == nil || in.ChannelID == "" || in.Data == nil {
		return bot.Event{}, nil, false
	}
	name := user.GlobalName
	if name == "" {
		name = user.Username
	}
	ev = bot.Event{
		Platform: consultation.Discord,
		ID:       in.ID,
		Chat:     bot.Chat{ID: in.ChannelID, Private: in.GuildID == ""},
		From:     bot.User{ID: user.ID, Username: user.Username, Name: name, Lang: string(in.Locale)},
	}
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		data, isCmd := in.Data.(discordgo.ApplicationCommandInteractionData)
		if !isCmd || data.Name == "" {
			return bot.Event{}, nil, false
		}
		if data.Name == "idea" && option(data.Options, "text") == nil {
			return bot.Event{}, ideaModal(langOf(in)), true
		}
		ev.Text, ev.Mentions = commandText(data)
		ev.Ephemeral = true // shown to others only with a public answer
		return ev, nil, true
	case discordgo.InteractionMessageComponent:
		data, isComp := in.Data.(discordgo.MessageComponentInteractionData)
		if !isComp || data.CustomID == "" {
			return bot.Event{}, nil, false
		}
		ev.Data = data.CustomID
		ev.Ephemeral = in.Message != nil && in.Message.Flags&discordgo.MessageFlagsEphemeral != 0
		return ev, nil, true
	case discordgo.InteractionModalSubmit:
		data, isModal := in.Data.(discordgo.ModalSubmitInteractionData)
		if !isModal || data.CustomID != ideaModalID {
			return bot.Event{}, nil, false
		}
		text := strings.TrimSpace(modalValue(data.Components, ideaFieldID))
		ev.Text = "/idea " + text
		return ev, nil, true
	}
	return bot.Event{}, nil, false
}

// modalValue finds the value of text input id among a modal's action rows.
func modalValue(comps []discordgo.MessageComponent, id string) string {
	for _, c := range comps {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			if v := modalValue(c.Components, id); v != "" {
				return v
			}
		case discordgo.ActionsRow:
			if v := modalValue(c.Components, id); v != "" {
				return v
			}
		case *discordgo.TextInput:
			if c.CustomID == id {
				return c.Value
			}
		case discordgo.TextInput:
			if c.CustomID == id {
				return c.Value
			}
		}
	}
	return ""
}

func ideaModal(l bot.Lang) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: ideaModalID,
			Title:    l.T("idea_form.title"),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{
					CustomID:    ideaFieldID,
					Label:       l.T("idea_form.label"),
					Style:       discordgo.TextInputParagraph,
					Placeholder: l.T("idea_form.placeholder"),
					Required:    true,
					MinLength:   1,
					MaxLength:   maxIdeaInput,
				},
			}}},
		},
	}
}

// langOf is the language to answer an interaction in when the bot has not
// chosen it: the user's client locale, else the guild's, else French.
func langOf(in *discordgo.Interaction) bot.Lang {
	def := "fr"
	if in.GuildLocale != nil && strings.HasPrefix(string(*in.GuildLocale), "en") {
		def = "en"
	}
	return bot.ParseLang(string(in.Locale), def)
}

func option(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o != nil && o.Name == name {
			return o
		}
	}
	return nil
}

// optionString returns an option's value as text, whatever its JSON type,
// without trusting the declared type (discordgo's typed getters panic on a
// mismatch).
func optionString(o *discordgo.ApplicationCommandInteractionDataOption) string {
	if o == nil {
		return ""
	}
	switch v := o.Value.(type) {
	case string:
		return strings.Join(strings.Fields(v), " ")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}
