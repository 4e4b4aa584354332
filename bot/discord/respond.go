package discord

import (
	"context"
	"errors"
	"time"

	"atelier/bot"

	"github.com/bwmarrin/discordgo"
)

// maxAckAttempts bounds the attempts at one interaction call; a rate limit
// is waited out only while the interaction can still be answered.
const (
	maxAckAttempts = 3
	maxAckWait     = time.Second
)

// Discord error codes the adapter acts on.
const (
	codeAlreadyAcked       = 40060
	codeUnknownInteraction = 10062
)

// alreadyAcked reports whether err says the interaction was already
// acknowledged (by an earlier delivery of the same interaction).
func alreadyAcked(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == codeAlreadyAcked
}

// call runs a REST call (an interaction's answer, or an outbox post),
// retrying a rate limit of at most maxAckWait or a server error, at most
// maxAckAttempts times: short enough for Discord's three seconds to answer
// an interaction.
func (a *Adapter) call(ctx context.Context, fn func(opts ...discordgo.RequestOption) error) error {
	return retry(ctx, maxAckAttempts, maxAckWait, func() error {
		return fn(discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	})
}

// ack sends the interaction response. A retry that Discord refuses as
// already acknowledged means an earlier attempt went through though its
// answer was lost (a server error after the fact): the response stands.
func (a *Adapter) ack(ctx context.Context, in *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	tried := false
	return a.call(ctx, func(opts ...discordgo.RequestOption) error {
		// Each attempt needs fresh file readers.
		if resp.Data != nil && len(resp.Data.Files) > 0 {
			for _, f := range resp.Data.Files {
				if s, ok := f.Reader.(interface {
					Seek(int64, int) (int64, error)
				}); ok {
					_, _ = s.Seek(0, 0)
				}
			}
		}
		err := a.acks.InteractionRespond(in, resp, opts...)
		if tried && alreadyAcked(err) {
			return nil
		}
		tried = true
		return err
	})
}

// fromMessage reports whether the interaction came from a message's
// component, so that its response may update that message.
func fromMessage(in *discordgo.Interaction) bool {
	return in.Message != nil && (in.Type == discordgo.InteractionMessageComponent || in.Type == discordgo.InteractionModalSubmit)
}

// deferAck acknowledges an interaction whose answer will come later: a
// deferred update for a button (nothing shows), a private "thinking…"
// message for a command (its answer may be private).
func (a *Adapter) deferAck(ctx context.Context, in *discordgo.Interaction) error {
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	if !fromMessage(in) {
		resp = &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}
	}
	return a.ack(ctx, in, resp)
}

// answer sends the replies to an interaction: the first as the interaction
// response (or, once deferred, as an edit of the deferred message), the
// others as followups.
func (a *Adapter) answer(ctx context.Context, in *discordgo.Interaction, replies []bot.Reply, deferred bool) error {
	replies, direct := splitDirect(replies)
	// Messages to other members' private chats go out once the
	// interaction is answered, which Discord wants within 3 s.
	defer func() {
		for _, r := range direct {
			if err := a.sendDirect(ctx, r); err != nil {
				a.log.Warn("send direct message", "user", r.UserID, "error", scrub(err))
			}
		}
	}()
	var msgs []message
	for _, r := range replies {
		ms := render(r)
		if len(ms) > 0 && ms[0].edit {
			if !fromMessage(in) {
				ms[0].edit = false
			} else if len(msgs) > 0 {
				// Only the response can update the pressed message.
				msgs = append(ms[:1:1], msgs...)
				continue
			}
		}
		msgs = append(msgs, ms...)
	}
	if !deferred {
		return a.answerNow(ctx, in, msgs)
	}
	return a.answerLater(ctx, in, msgs)
}

func (a *Adapter) answerNow(ctx context.Context, in *discordgo.Interaction, msgs []message) error {
	if len(msgs) == 0 {
		// Nothing to say (a repeated event): acknowledge quietly.
		if fromMessage(in) {
			return a.ack(ctx, in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		}
		msgs = []message{{ephemeral: true, content: "✓"}}
	}
	first := msgs[0]
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if first.edit {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	data := &discordgo.InteractionResponseData{
		Content:         first.content,
		Embeds:          first.embeds,
		Components:      first.components,
		AllowedMentions: noMentions(),
		Files:           discordFiles(first.files),
	}
	if data.Embeds == nil {
		data.Embeds = []*discordgo.MessageEmbed{}
	}
	if data.Components == nil {
		data.Components = []discordgo.MessageComponent{}
	}
	if first.ephemeral && !first.edit {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := a.ack(ctx, in, &discordgo.InteractionResponse{Type: typ, Data: data}); err != nil {
		return err
	}
	return a.followups(ctx, in, msgs[1:])
}

func (a *Adapter) answerLater(ctx context.Context, in *discordgo.Interaction, msgs []message) error {
	rest := msgs
	switch {
	case fromMessage(in):
		if len(msgs) > 0 && msgs[0].edit {
			if err := a.editOriginal(ctx, in, msgs[0]); err != nil {
				return err
			}
			rest = msgs[1:]
		}
	default:
		// The deferred response is a private "thinking…" message: it
		// becomes the first private reply, or goes away.
		at := -1
		for i, m := range msgs {
			if m.ephemeral {
				at = i
				break
			}
		}
		if at < 0 {
			err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
				return a.acks.InteractionResponseDelete(in, opts...)
			})
			if err != nil {
				a.log.Warn("delete deferred response", "chat", in.ChannelID, "error", scrub(err))
			}
			break
		}
		if err := a.editOriginal(ctx, in, msgs[at]); err != nil {
			return err
		}
		rest = append(append([]message(nil), msgs[:at]...), msgs[at+1:]...)
	}
	return a.followups(ctx, in, rest)
}

func (a *Adapter) editOriginal(ctx context.Context, in *discordgo.Interaction, m message) error {
	content := m.content
	comps := m.components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	embeds := m.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	edit := &discordgo.WebhookEdit{
		Content:         &content,
		Components:      &comps,
		Embeds:          &embeds,
		AllowedMentions: noMentions(),
	}
	return a.call(ctx, func(opts ...discordgo.RequestOption) error {
		edit.Files = discordFiles(m.files) // each attempt reads them afresh
		_, err := a.acks.InteractionResponseEdit(in, edit, opts...)
		return err
	})
}

func (a *Adapter) followups(ctx context.Context, in *discordgo.Interaction, msgs []message) error {
	var errs []error
	for _, m := range msgs {
		params := &discordgo.WebhookParams{
			Content:         m.content,
			Embeds:          m.embeds,
			Components:      m.components,
			AllowedMentions: noMentions(),
		}
		if m.ephemeral {
			params.Flags = discordgo.MessageFlagsEphemeral
		}
		err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
			params.Files = discordFiles(m.files)
			_, err := a.acks.FollowupMessageCreate(in, true, params, opts...)
			return err
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
