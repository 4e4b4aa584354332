package discord

import (
	"context"
	"fmt"

	"atelier/bot"

	"github.com/bwmarrin/discordgo"
)

// splitDirect separates the replies meant for another member's private
// chat from those answering the interaction.
func splitDirect(replies []bot.Reply) (answer, direct []bot.Reply) {
	for _, r := range replies {
		if r.To == bot.Direct {
			direct = append(direct, r)
		} else {
			answer = append(answer, r)
		}
	}
	return answer, direct
}

// sendDirect sends each reply to its recipient's DM channel, opened with
// UserChannelCreate. A person the bot cannot write to is logged and
// skipped; nothing goes to the guild channel instead.
func (a *Adapter) sendDirect(ctx context.Context, replies []bot.Reply) {
	for _, r := range replies {
		if r.UserID == "" {
			continue
		}
		var ch *discordgo.Channel
		err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
			var err error
			ch, err = a.sess.UserChannelCreate(r.UserID, opts...)
			return err
		})
		if err != nil {
			a.log.Warn("open direct message channel", "user", r.UserID, "error", err)
			continue
		}
		r.To = bot.Here
		for _, m := range render(r) {
			send := &discordgo.MessageSend{
				Content:         m.content,
				Embeds:          m.embeds,
				Components:      m.components,
				AllowedMentions: noMentions(),
			}
			err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
				send.Files = discordFiles(m.files)
				_, err := a.sess.ChannelMessageSendComplex(ch.ID, send, opts...)
				return err
			})
			if err != nil {
				a.log.Warn("send direct message", "user", r.UserID, "chat", ch.ID, "error", err)
				break
			}
		}
	}
}

// Post sends the bot's own messages to a guild channel, with every mention
// disabled, and its Direct replies to their recipients' DM channels. It
// implements bot.Poster.
func (a *Adapter) Post(ctx context.Context, channelID string, replies []bot.Reply) error {
	for _, r := range replies {
		if r.To == bot.Direct {
			a.sendDirect(ctx, []bot.Reply{r})
			continue
		}
		if r.To != bot.Here {
			continue
		}
		for _, m := range render(r) {
			send := &discordgo.MessageSend{
				Content:         m.content,
				Embeds:          m.embeds,
				Components:      m.components,
				AllowedMentions: noMentions(),
			}
			err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
				send.Files = discordFiles(m.files)
				_, err := a.sess.ChannelMessageSendComplex(channelID, send, opts...)
				return err
			})
			if err != nil {
				return fmt.Errorf("post to channel %s: %w", channelID, err)
			}
		}
	}
	return nil
}
