package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"atelier/consultation"
)

// Poster delivers the bot's own messages to a group chat of its platform.
// Post returns an error when a reply was not delivered (those before it
// may have been); an error that implements RetryAfter says how long the
// platform asks to wait before the next try.
type Poster interface {
	Post(ctx context.Context, chatID string, replies []Reply) error
}

// RetryAfter is implemented by delivery errors that carry the platform's
// own delay before another try (Telegram's retry_after).
type RetryAfter interface {
	RetryAfter() time.Duration
}

// Render renders an outbox item for the group chat (p, chatID), in the
// group's language and time zone. A phase announcement reads as when an
// organiser moves the phase, results and matrix picture included. A
// reminder goes to chatID as a member's private chat (a Direct reply).
func (b *Bot) Render(ctx context.Context, p consultation.Platform, chatID, kind string, consultationID int64, payload string) ([]Reply, error) {
	switch kind {
	case consultation.OutboxReminder:
		return b.renderReminder(ctx, p, chatID, consultationID)
	case consultation.OutboxClosing:
		return b.renderClosing(ctx, p, chatID, consultationID)
	case consultation.OutboxDigest:
		return b.renderDigest(ctx, p, chatID, payload)
	case consultation.OutboxPhase:
		return b.renderPhase(ctx, p, chatID, consultationID, consultation.Phase(payload))
	}
	return nil, fmt.Errorf("render %s: unknown kind", kind)
}

// renderPhase renders the announcement that a consultation entered phase.
func (b *Bot) renderPhase(ctx context.Context, p consultation.Platform, chatID string, consultationID int64, phase consultation.Phase) ([]Reply, error) {
	if phase.Index() < 0 {
		return nil, fmt.Errorf("render phase %q: unknown phase", phase)
	}
	g, err := b.svc.GroupByChat(ctx, p, chatID)
	if err != nil {
		return nil, fmt.Errorf("render phase: %w", err)
	}
	c, err := b.svc.Consultation(ctx, consultationID)
	if err != nil {
		return nil, fmt.Errorf("render phase: %w", err)
	}
	// The consultation may have moved on since: announce the phase the
	// item is about, with that phase's deadline.
	c.Phase = phase
	out, err := b.announce(ctx, ParseLang(g.Locale, b.cfg.Locale), g.Location(), c)
	if err != nil {
		return nil, fmt.Errorf("render phase: %w", err)
	}
	return out, nil
}

// Delivery back-off: the delay after the nth failed try is
// sendBackoff·2ⁿ⁻¹, at most maxSendBackoff, unless the platform names one.
const (
	sendBackoff    = 10 * time.Second
	maxSendBackoff = 10 * time.Minute
	// DefaultSendInterval is how often a Sender with no tick looks for
	// due messages.
	DefaultSendInterval = 5 * time.Second
	maxErrorLen         = 500
)

func backoff(attempts int) time.Duration {
	d := sendBackoff
	for i := 1; i < attempts && d < maxSendBackoff; i++ {
		d *= 2
	}
	return min(d, maxSendBackoff)
}

// SenderOptions configure a Sender. Zero fields take defaults.
type SenderOptions struct {
	Now   func() time.Time // default time.Now
	Tick  <-chan time.Time // when to look for due messages; default every DefaultSendInterval
	Batch int              // items read at a time; default 10
	Log   *slog.Logger     // default the bot's
}

// Sender delivers the outbox: the messages the bot sends by itself, such
// as the announcement of a phase moved by its deadline. Items are rendered
// when delivered, oldest first, each chat's in order; a failed delivery is
// tried again after a back-off, and holds back its chat's later items.
// Delivery is at least once: an item delivered but not yet marked sent
// when the process stops is delivered again by the next Sender.
type Sender struct {
	bot     *Bot
	posters map[consultation.Platform]Poster
	now     func() time.Time
	tick    <-chan time.Time
	batch   int
	log     *slog.Logger
}

// NewSender returns a Sender delivering through posters, by platform.
func NewSender(b *Bot, posters map[consultation.Platform]Poster, opt SenderOptions) *Sender {
	s := &Sender{bot: b, posters: posters, now: opt.Now, tick: opt.Tick, batch: opt.Batch, log: opt.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.batch <= 0 {
		s.batch = 10
	}
	if s.log == nil {
		s.log = b.log
	}
	return s
}

// Run delivers due messages at start and at every tick until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	tick := s.tick
	if tick == nil {
		t := time.NewTicker(DefaultSendInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("deliver outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}

// Flush delivers every item due now and returns how many were delivered.
// A failed delivery is recorded and postponed, not returned; the error
// is the store's or the context's.
func (s *Sender) Flush(ctx context.Context) (sent int, err error) {
	platforms := make([]consultation.Platform, 0, len(s.posters))
	for p := range s.posters {
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	for _, p := range platforms {
		for {
			items, err := s.bot.svc.DueOutbox(ctx, p, s.now(), s.batch)
			if err != nil {
				return sent, err
			}
			if len(items) == 0 {
				break
			}
			for _, o := range items {
				ok, err := s.deliver(ctx, s.posters[p], o)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
			}
		}
	}
	return sent, nil
}

// deliver renders and posts one item and records the outcome. It reports
// whether the item was delivered.
func (s *Sender) deliver(ctx context.Context, poster Poster, o *consultation.OutboxItem) (bool, error) {
	replies, err := s.bot.Render(ctx, o.Platform, o.ChatID, o.Kind, o.ConsultationID, o.Payload)
	// What can no longer be rendered (its chat, member or consultation is
	// gone) will not be rendered by trying again.
	final := err != nil && consultation.ErrorCode(err) == consultation.ENOTFOUND
	if err == nil && len(replies) > 0 {
		// An item with nothing left to say (a reminder to a member who
		// has finished since) is done without a post.
		err = poster.Post(ctx, o.ChatID, replies)
	}
	if err == nil {
		// Posted: recorded even if the bot is stopping meanwhile, lest
		// it be posted again at the next start.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return true, s.bot.svc.OutboxSent(rctx, o.ID, s.now())
	}
	if ctx.Err() != nil {
		// Stopping: the item stays due, as it was.
		return false, ctx.Err()
	}
	now := s.now()
	wait := backoff(o.Attempts + 1)
	var ra RetryAfter
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		wait = ra.RetryAfter()
	}
	reason := err.Error()
	if len(reason) > maxErrorLen {
		reason = strings.ToValidUTF8(reason[:maxErrorLen], "")
	}
	abandoned, serr := s.bot.svc.OutboxFailed(ctx, o.ID, reason, now.Add(wait), final)
	if abandoned {
		s.log.Error("message given up", "platform", o.Platform, "chat", o.ChatID, "consultation", o.ConsultationID,
			"kind", o.Kind, "attempts", o.Attempts+1, "error", err)
	} else {
		s.log.Warn("deliver message", "platform", o.Platform, "chat", o.ChatID, "consultation", o.ConsultationID,
			"attempts", o.Attempts+1, "retry_in", wait.String(), "error", err)
	}
	return false, serr
}
