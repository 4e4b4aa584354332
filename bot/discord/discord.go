// Package discord connects the chat layer to Discord through
// github.com/bwmarrin/discordgo: slash commands, buttons and modals come in
// as interactions and become bot.Events; the bot's replies go back as
// interaction responses (ephemeral for private replies), followups and
// in-place updates of the message that carried a pressed button.
//
// discordgo runs handlers without a context and lets a panicking handler
// kill the process. The adapter therefore receives gateway events on
// discordgo's own goroutine (SyncEvents), hands each interaction to a
// goroutine it owns and waits for, derives a context with a timeout for it,
// and recovers any panic there.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"atelier/bot"
	"atelier/consultation"

	"github.com/bwmarrin/discordgo"
)

// Config configures an Adapter.
type Config struct {
	Token string // never logged
	// GuildID, if set, registers the commands on this guild only, which
	// takes effect at once (for development); otherwise they are global.
	GuildID string
	// Configure, if not nil, is applied to the session before it opens
	// (tests point it at a fake Discord with discordtest.Server.Configure).
	Configure func(*discordgo.Session)
	// AckAfter is how long an interaction may be handled before the
	// adapter defers its response (2 s by default; Discord allows 3 s).
	// A negative value defers every interaction at once.
	AckAfter time.Duration
	// EventTimeout bounds the handling of one interaction (15 s by
	// default; an interaction token lives 15 minutes).
	EventTimeout time.Duration
	// Clock, if not nil, tells the time an interaction arrives and how
	// long it waited (tests); time.Now otherwise.
	Clock func() time.Time
}

// Defaults.
const (
	defaultAckAfter     = 2 * time.Second
	defaultEventTimeout = 15 * time.Second
	// answerTime bounds the sending of an interaction's answer, after its
	// handling.
	answerTime = 10 * time.Second
	// maxInFlight bounds the interactions handled at once; further ones
	// wait on the gateway goroutine, which slows intake rather than memory.
	maxInFlight = 64
	// recentSize is how many interaction IDs are remembered for
	// deduplication in memory (the bot also deduplicates in the database).
	recentSize = 4096
)

// Adapter runs the bot on Discord.
type Adapter struct {
	cfg  Config
	bot  *bot.Bot
	log  *slog.Logger
	sess *discordgo.Session
	// acks answers interactions. It shares the HTTP client of sess but has
	// its own rate limiter and never retries a 429 by itself, so that an
	// acknowledgement is never held behind a global limit hit by other
	// calls: interaction endpoints are not subject to it.
	acks *discordgo.Session

	mu       sync.Mutex
	base     context.Context // set by Run; events derive their context from it
	closing  bool
	running  bool
	appID    string
	commands bool // registration started
	recent   map[string]struct{}
	order    []string
	wg       sync.WaitGroup
	slots    chan struct{}
	// hook, set by tests before Run, runs before the bot handles an event.
	hook func(bot.Event)
}

// New returns an adapter for b. It does not connect: Run does.
func New(ctx context.Context, cfg Config, b *bot.Bot, log *slog.Logger) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: no token")
	}
	if b == nil {
		return nil, errors.New("discord: no bot")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.AckAfter == 0 {
		cfg.AckAfter = defaultAckAfter
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.EventTimeout <= 0 {
		cfg.EventTimeout = defaultEventTimeout
	}
	token := strings.TrimSpace(cfg.Token)
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	sess, err := discordgo.New(token)
	if err != nil {
		// discordgo.New cannot fail for a bot token; its error would not
		// carry the token, but keep it out of messages anyway.
		return nil, errors.New("discord: new session")
	}
	sess.Identify.Intents = discordgo.IntentsGuilds
	sess.SyncEvents = true
	sess.StateEnabled = false
	sess.ShouldRetryOnRateLimit = false
	sess.MaxRestRetries = 1
	sess.LogLevel = -1 // discordgo's own log lines go nowhere; we log with slog
	if cfg.Configure != nil {
		cfg.Configure(sess)
	}
	acks, _ := discordgo.New(token)
	acks.Client = sess.Client
	acks.UserAgent = sess.UserAgent
	acks.ShouldRetryOnRateLimit = false
	acks.MaxRestRetries = 1
	acks.LogLevel = -1

	a := &Adapter{
		cfg:    cfg,
		bot:    b,
		log:    log.With("platform", string(consultation.Discord)),
		sess:   sess,
		acks:   acks,
		base:   ctx,
		recent: make(map[string]struct{}),
		slots:  make(chan struct{}, maxInFlight),
	}
	sess.AddHandler(a.onReady)
	sess.AddHandler(a.onInteraction)
	sess.AddHandler(a.onGuildDelete)
	sess.AddHandler(a.onResumed)
	return a, nil
}

// Run connects to the gateway, registers the commands once connected, and
// handles interactions until ctx ends. It then closes the connection and
// waits for the interactions being handled; when it returns, no goroutine
// of the adapter is left.
func (a *Adapter) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.running {
		a.mu.Unlock()
		return errors.New("discord: already running")
	}
	a.running, a.closing, a.base = true, false, ctx
	a.mu.Unlock()

	if err := a.sess.Open(); err != nil {
		a.shutdown()
		return fmt.Errorf("discord: open gateway: %w", err)
	}
	a.log.Info("connected")
	<-ctx.Done()
	a.shutdown()
	a.log.Info("disconnected")
	return nil
}

func (a *Adapter) shutdown() {
	a.mu.Lock()
	a.closing = true
	a.mu.Unlock()
	if err := a.sess.Close(); err != nil {
		a.log.Warn("close gateway", "error", scrub(err))
	}
	a.wg.Wait()
	a.mu.Lock()
	a.running = false
	a.mu.Unlock()
}

// spawn runs fn on a goroutine the adapter waits for, unless it is closing.
func (a *Adapter) spawn(fn func(ctx context.Context)) bool {
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		return false
	}
	base := a.base
	a.wg.Add(1)
	a.mu.Unlock()
	select {
	case a.slots <- struct{}{}:
	case <-base.Done():
		a.wg.Done()
		return false
	}
	go func() {
		defer a.wg.Done()
		defer func() { <-a.slots }()
		fn(base)
	}()
	return true
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	defer a.recoverEvent("ready")
	if r.Application == nil || r.Application.ID == "" {
		a.log.Error("ready without an application id")
		return
	}
	a.mu.Lock()
	a.appID = r.Application.ID
	start := !a.commands
	a.commands = true
	a.mu.Unlock()
	a.log.Info("ready", "guilds", len(r.Guilds))
	if start {
		a.spawn(func(ctx context.Context) {
			defer a.recoverEvent("register")
			if err := a.register(ctx); err != nil {
				a.log.Error("register commands", "error", scrub(err))
				a.mu.Lock()
				a.commands = false // try again on the next Ready
				a.mu.Unlock()
			}
		})
	}
}

func (a *Adapter) onResumed(_ *discordgo.Session, _ *discordgo.Resumed) {
	a.log.Info("gateway resumed")
}

func (a *Adapter) onGuildDelete(_ *discordgo.Session, g *discordgo.GuildDelete) {
	defer a.recoverEvent("guild delete")
	if g == nil || g.Guild == nil {
		return
	}
	if g.Unavailable {
		a.log.Warn("guild unavailable", "guild", g.ID)
		return
	}
	a.log.Info("removed from guild", "guild", g.ID)
}

// ApplicationID returns the application ID learnt from the gateway's Ready
// event, or "" before it.
func (a *Adapter) ApplicationID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.appID
}

func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	defer a.recoverEvent("interaction")
	if ic == nil || ic.Interaction == nil || ic.ID == "" {
		return
	}
	in := ic.Interaction
	if !a.first(in.ID) {
		// Discord sent it again (a replay or a resume): it is being or
		// has been handled.
		return
	}
	// Discord's three seconds run from now, not from when a slot frees.
	arrived := a.cfg.Clock()
	a.spawn(func(base context.Context) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(base), a.cfg.EventTimeout)
		defer cancel()
		a.serve(ctx, in, arrived)
	})
}

// first reports whether interaction id is seen for the first time.
func (a *Adapter) first(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.recent[id]; ok {
		return false
	}
	a.recent[id] = struct{}{}
	a.order = append(a.order, id)
	if len(a.order) > recentSize {
		delete(a.recent, a.order[0])
		a.order = a.order[1:]
	}
	return true
}

// recoverEvent logs a panic of a gateway handler instead of letting it kill
// the process.
func (a *Adapter) recoverEvent(what string) {
	if v := recover(); v != nil {
		a.log.Error("panic in "+what, "error", fmt.Errorf("panic: %v", v))
	}
}
