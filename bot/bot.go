// Package bot is the conversation layer shared by every platform: it parses
// commands and button presses, checks who may do what through the domain,
// and renders replies in French or English as platform-neutral values (text
// with a little structure, buttons, files) that each adapter draws with its
// platform's native widgets.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"atelier/consultation"
)

// Event is something a person did on a platform: a message or a button press.
type Event struct {
	Platform consultation.Platform
	// ID identifies the event on its platform (update id, interaction id);
	// an event seen twice is handled once. Empty when the platform has none.
	ID      string
	Chat    Chat
	From    User
	Text    string // a message's text
	Data    string // a pressed button's data; Text is then empty
	ReplyTo *User  // the author of the message this one answers, if any
	// Mentions are people the platform resolved in the message (Discord
	// user options, Telegram text mentions).
	Mentions []User
	// Ephemeral says that the event is before its author's eyes alone
	// although the chat is not private: a press on a Discord ephemeral
	// message, or a Discord slash command (others see it used only when
	// its answer is public).
	Ephemeral bool
}

// seenAlone reports whether the event is before its author's eyes only: a
// pressed message may then be edited into something of theirs, a command
// may carry what others must not read.
func (ev Event) seenAlone() bool { return ev.Chat.Private || ev.Ephemeral }

// Chat is where an event happened.
type Chat struct {
	ID      string
	Title   string
	Private bool
}

// User is a person on a platform.
type User struct {
	ID       string
	Username string
	Name     string
	Lang     string // the platform's language code, e.g. "fr", "en-US"
}

// Target says who a reply is for.
type Target int

const (
	// Here is the chat the event came from.
	Here Target = iota
	// Private is for the sender's eyes only: a private chat on Telegram and
	// the console, an ephemeral message on Discord.
	Private
	// Direct is another member's private chat with the bot, named by
	// Reply.UserID on the event's platform (a notice to an idea's author).
	// Adapters that cannot reach the person skip it: it never falls back
	// to the group.
	Direct
)

// Reply is one message the bot sends in answer to an event.
type Reply struct {
	To      Target
	Text    Text
	Buttons [][]Button
	Files   []File
	// Edit replaces the message that carried the pressed button, in place.
	Edit bool
	// Toast is a short notice answering a button press (Telegram's callback
	// answer); adapters without one show it as a private message.
	Toast string
	// Quotes reports whether the text quotes members' words; adapters then
	// disable every mention.
	Quotes bool
	// Resume is button data that reproduces a Private reply. An adapter
	// that cannot write to the person privately yet (a Telegram user who
	// never opened the bot's chat) offers it as a deep link instead.
	Resume string
	// UserID is the platform user id of the recipient of a Direct reply.
	UserID string
}

// Button is one button under a message.
type Button struct {
	Label string
	Data  string // at most 64 bytes of [a-z0-9_]
	// Start marks a button that opens the presser's private conversation
	// with the bot (a deep link on Telegram) and delivers Data there.
	Start bool
}

// File is an attachment.
type File struct {
	Name  string
	MIME  string
	Data  []byte
	Image bool // show as a picture rather than a document
}

// Config holds the defaults the chat layer needs.
type Config struct {
	Locale   string // default language of new groups: "fr" or "en"
	TimeZone string // default time zone of new groups
	// Limits bound each member's pace; a zero count takes DefaultLimits',
	// a negative one turns that limit off.
	Limits Limits
}

// Bot turns events into domain calls and replies.
type Bot struct {
	svc     *consultation.Service
	cfg     Config
	log     *slog.Logger
	limiter limiter
	loc     *time.Location // cfg.TimeZone, where no group says otherwise
}

// New returns a Bot on svc.
func New(svc *consultation.Service, cfg Config, log *slog.Logger) *Bot {
	if cfg.Locale == "" {
		cfg.Locale = "fr"
	}
	if cfg.TimeZone == "" {
		cfg.TimeZone = "Europe/Paris"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Limits.Commands == 0 {
		cfg.Limits.Commands, cfg.Limits.CommandsPeriod = DefaultLimits.Commands, DefaultLimits.CommandsPeriod
	}
	if cfg.Limits.Ideas == 0 {
		cfg.Limits.Ideas, cfg.Limits.IdeasPeriod = DefaultLimits.Ideas, DefaultLimits.IdeasPeriod
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return &Bot{svc: svc, cfg: cfg, log: log, loc: loc}
}

// Service returns the domain service the bot calls.
func (b *Bot) Service() *consultation.Service { return b.svc }

// request is one event being handled.
type request struct {
	ctx    context.Context
	ev     Event
	lang   Lang
	group  *consultation.Group // nil in a private chat
	member *consultation.Member
	actor  consultation.Actor
	cmd    Command
	now    time.Time
}

// Handle processes one event and returns the replies to send. An event
// already processed returns no reply, and so does one cut short because
// ctx was cancelled (nothing of it was committed: it can be handled
// again). Handle
// never returns a Go error to show a user: failures become replies in the
// user's language; internal ones are logged once here and answered with a
// short apology.
func (b *Bot) Handle(ctx context.Context, ev Event) []Reply {
	key := ""
	// A button press that changes something is deduplicated by its own
	// transaction, and one that changes nothing (showing a ballot page)
	// may safely run twice: presses, the hot path, skip the lookups.
	press := ev.Data != ""
	if ev.ID != "" {
		key = string(ev.Platform) + ":" + ev.ID
	}
	if key != "" && !press {
		seen, err := b.svc.Seen(ctx, key)
		if err != nil {
			return b.internal(ctx, ev, err)
		}
		if seen {
			return nil
		}
	}
	replies, err := b.handle(ctx, ev, key)
	if errors.Is(err, consultation.ErrDuplicate) {
		return nil
	}
	if err != nil {
		return b.internal(ctx, ev, err)
	}
	if key != "" && !press {
		// An action that changed something marked the event in its own
		// transaction; only the others need a write here, and a read
		// costs less than a synced write.
		seen, err := b.svc.Seen(ctx, key)
		if err == nil && !seen {
			_, err = b.svc.MarkEvent(ctx, key)
		}
		if err != nil {
			b.log.Error("mark event", "platform", ev.Platform, "event", ev.ID, "error", err)
		}
	}
	return replies
}

func (b *Bot) internal(ctx context.Context, ev Event, err error) []Reply {
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Stopping: nothing of the event was committed; a platform that
		// delivers it again has it handled again. (A deadline that
		// passed is a failure, answered and logged below.)
		return nil
	}
	b.log.Error("handle event", "platform", ev.Platform, "chat", ev.Chat.ID, "error", err)
	l := ParseLang(ev.From.Lang, b.cfg.Locale)
	return []Reply{{To: Private, Text: Plain(l.T("internal"))}}
}

func (b *Bot) handle(ctx context.Context, ev Event, key string) ([]Reply, error) {
	var cmd Command
	if ev.Data == "" {
		var ok bool
		if cmd, ok = ParseCommand(ev.Text); !ok {
			// Ordinary conversation is none of the bot's business.
			return nil, nil
		}
	}
	if p, ok := ParsePress(ev.Data); ok && ev.Chat.Private && (p.Kind == 'r' || p.Kind == 'n' || p.Kind == 'b') {
		// The ballot's own buttons, the hot path, go straight to their
		// transaction, which finds the member by identity and checks
		// everything; the identity's name and language are refreshed by
		// the member's next command.
		r := &request{ctx: ctx, ev: ev, lang: ParseLang(ev.From.Lang, b.cfg.Locale), now: b.svc.Now(),
			actor: consultation.Actor{Identity: consultation.Identity{Platform: ev.Platform, UserID: ev.From.ID}, Event: key}}
		replies, err := b.pressBallot(r, p)
		return b.settle(r, replies, err)
	}
	g, m, err := b.svc.Enter(ctx, consultation.Chat{Platform: ev.Platform, ChatID: ev.Chat.ID, Title: ev.Chat.Title, Private: ev.Chat.Private},
		consultation.Identity{UserID: ev.From.ID, Username: ev.From.Username, Name: ev.From.Name, Lang: langCode(ev.From.Lang)}, b.cfg.Locale, b.cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	def := b.cfg.Locale
	if g != nil {
		def = g.Locale
	}
	r := &request{ctx: ctx, ev: ev, lang: ParseLang(ev.From.Lang, def), group: g, member: m,
		actor: consultation.Actor{MemberID: m.ID, Event: key}, cmd: cmd, now: b.svc.Now()}
	var replies []Reply
	switch {
	case ev.Data != "":
		replies, err = b.press(r)
	default:
		if err = b.limit(r); err == nil {
			replies, err = b.command(r)
		}
	}
	return b.settle(r, replies, err)
}

// settle turns the outcome of a request into its replies: a refusal for a
// domain error, the error itself when internal or a duplicate event.
func (b *Bot) settle(r *request, replies []Reply, err error) ([]Reply, error) {
	if err == nil || errors.Is(err, consultation.ErrDuplicate) {
		return replies, err
	}
	if consultation.ErrorCode(err) == consultation.EINTERNAL {
		return nil, err
	}
	return b.refuse(r, err), nil
}

// refuse turns a domain error into a polite reply that says what to do.
func (b *Bot) refuse(r *request, err error) []Reply {
	text := r.lang.Error(err, r)
	if r.ev.Data != "" {
		return []Reply{{To: Private, Toast: text}}
	}
	if r.ev.Ephemeral {
		// A Discord command shows in its channel only with a public
		// answer: a refusal keeps it to its author.
		return []Reply{{To: Private, Text: Plain(text)}}
	}
	return []Reply{{To: Here, Text: Plain(text)}}
}
