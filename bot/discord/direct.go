package discord

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

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

// sendDirect sends a reply to its recipient's DM channel, opened with
// UserChannelCreate; nothing goes to the guild channel instead. A person
// who does not take direct messages from the bot is logged and skipped.
func (a *Adapter) sendDirect(ctx context.Context, r bot.Reply) error {
	if r.UserID == "" {
		return nil
	}
	var ch *discordgo.Channel
	err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = a.sess.UserChannelCreate(r.UserID, opts...)
		return err
	})
	if err == nil {
		r.To = bot.Here
		err = a.send(ctx, ch.ID, r)
	}
	if refusesDirect(err) {
		a.log.Info("member refuses direct messages", "user", r.UserID)
		return nil
	}
	return err
}

// codeCannotMessageUser is Discord's answer to a direct message to someone
// who does not accept them from the bot.
const codeCannotMessageUser = 50007

func refusesDirect(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == codeCannotMessageUser
}

// send posts a reply's messages to a channel, with every mention disabled.
func (a *Adapter) send(ctx context.Context, channelID string, r bot.Reply) error {
	for _, m := range render(r) {
		send := &discordgo.MessageSend{
			Content:         m.content,
			Embeds:          m.embeds,
			Components:      m.components,
			AllowedMentions: noMentions(),
		}
		err := a.call(ctx, func(opts ...discordgo.RequestOption) error {
			send.Files = discordFiles(m.files) // each attempt reads them afresh
			_, err := a.sess.ChannelMessageSendComplex(channelID, send, opts...)
			return err
		})
		if err != nil {
			return fmt.Errorf("post to channel %s: %w", channelID, err)
		}
	}
	return nil
}

// Post sends the bot's own messages to a guild channel and its Direct
// replies to their recipients' DM channels. It implements bot.Poster: a
// failure is returned, carrying Discord's retry_after when it is a rate
// limit, so that the outbox tries again.
func (a *Adapter) Post(ctx context.Context, channelID string, replies []bot.Reply) error {
	for _, r := range replies {
		var err error
		switch r.To {
		case bot.Direct:
			err = a.sendDirect(ctx, r)
		case bot.Here:
			err = a.send(ctx, channelID, r)
		}
		if err != nil {
			return later(scrub(err))
		}
	}
	return nil
}

// retryLater is a failed post with the wait Discord asked for.
type retryLater struct {
	err   error
	after time.Duration
}

func (e retryLater) Error() string             { return e.err.Error() }
func (e retryLater) Unwrap() error             { return e.err }
func (e retryLater) RetryAfter() time.Duration { return e.after }

// later attaches the wait a rate limit asked for to err.
func later(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil && rl.RetryAfter > 0 {
		return retryLater{err: err, after: rl.RetryAfter}
	}
	return err
}

// tokenInURL matches the secret part of the URLs of interaction callbacks
// and interaction webhooks (/interactions/<id>/<token>/…,
// /webhooks/<application>/<token>…): discordgo's rate-limit errors and
// net/http's errors quote them, and a token lets whoever holds it answer
// in the bot's name for fifteen minutes.
var tokenInURL = regexp.MustCompile(`(/(?:interactions|webhooks)/\d+/)[^/\s"?]+`)

// scrubbed is an error whose message hides such tokens.
type scrubbed struct {
	err error
	msg string
}

func (e scrubbed) Error() string { return e.msg }
func (e scrubbed) Unwrap() error { return e.err }

// scrub returns err with the tokens of the URLs it quotes hidden, for logs
// and the outbox's stored errors; errors.Is and As still see through it.
func scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := tokenInURL.ReplaceAllString(msg, "${1}…"); clean != msg {
		return scrubbed{err: err, msg: clean}
	}
	return err
}
