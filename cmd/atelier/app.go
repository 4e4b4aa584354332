package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"atelier/bot"
	"atelier/bot/console"
	"atelier/consultation"
	"atelier/consultation/similar"
	"atelier/storage"
)

// Main is the running program: configuration, database, domain, chat
// layer and adapters. End-to-end tests build one too.
type Main struct {
	Config  Config
	Log     *slog.Logger
	Store   *storage.Store
	Service *consultation.Service
	Bot     *bot.Bot
	Clock   consultation.Clock // nil for the wall clock
	// DueTick and SendTick, when set, drive the deadline loop and the
	// outbox sender instead of their tickers (every DueInterval and
	// bot.DefaultSendInterval).
	DueTick  <-chan time.Time
	SendTick <-chan time.Time
}

// DueInterval is how often deadlines are checked.
const DueInterval = time.Minute

// NewMain returns a Main logging to w.
func NewMain(cfg Config, w io.Writer) *Main {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return &Main{Config: cfg, Log: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))}
}

// Open opens the database and builds the domain and chat layer.
func (m *Main) Open(ctx context.Context) error {
	st, err := storage.Open(ctx, m.Config.DB)
	if err != nil {
		return err
	}
	m.Store = st
	m.Service = consultation.NewService(st, consultation.Options{Clock: m.Clock, Admins: m.Config.Admins, Reminders: m.Config.Reminders, Similarity: similar.NewIdeas(similar.DefaultOptions())})
	m.Bot = bot.New(m.Service, bot.Config{Locale: m.Config.Locale, TimeZone: m.Config.TimeZone}, m.Log)
	code, needed, err := m.Service.SetupCode(ctx, m.platforms())
	if err != nil {
		return fmt.Errorf("setup code: %w", err)
	}
	if needed {
		m.Log.Warn("no admin yet: send /claim CODE to the bot in a private message to become the first admin; a new code is made at each start until then",
			"code", consultation.FormatCode(code), "valid", consultation.SetupTTL.String())
	}
	return nil
}

// platforms lists the platforms this run speaks on: those with a token,
// else the console.
func (m *Main) platforms() []consultation.Platform {
	var ps []consultation.Platform
	if m.Config.TelegramToken != "" {
		ps = append(ps, consultation.Telegram)
	}
	if m.Config.DiscordToken != "" {
		ps = append(ps, consultation.Discord)
	}
	if len(ps) == 0 {
		ps = append(ps, consultation.Console)
	}
	return ps
}

// Run runs the platform adapters until ctx ends, or the console when no
// platform token is set (until its input ends). Beside them run the
// deadline loop, which moves phases whose deadline has passed, and the
// sender, which delivers what the bot says by itself; both stop with the
// adapters.
func (m *Main) Run(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	runners, posters, err := m.adapters(ctx)
	if err != nil {
		return err
	}
	if len(runners) == 0 {
		m.Log.Info("no platform token: console chat", "db", m.Config.DB)
		echo := false
		if f, ok := stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
				echo = true
			}
		}
		if !echo {
			fmt.Fprintln(stdout, "Atelier console — type  alice: /aide  (name: message), Ctrl-D to quit.")
		}
		c := console.New(m.Bot, stdout, console.Options{Echo: echo, FileDir: m.Config.FileDir})
		posters = map[consultation.Platform]bot.Poster{consultation.Console: c}
		runners = append(runners, func(ctx context.Context) error { return c.Run(ctx, stdin) })
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { m.runDue(ctx, m.DueTick) })
	sender := bot.NewSender(m.Bot, posters, bot.SenderOptions{Now: m.Service.Now, Tick: m.SendTick, Log: m.Log})
	wg.Go(func() { _ = sender.Run(ctx) })
	err = runAll(ctx, m.Log, runners)
	cancel()
	wg.Wait()
	return err
}

// runAll runs the platforms until ctx ends or one of them stops: one that
// fails (its gateway or webhook port lost) takes the others with it, so
// that the process ends with its error and a supervisor starts it again,
// rather than running on half deaf.
func runAll(ctx context.Context, log *slog.Logger, runners []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(runners))
	for _, r := range runners {
		go func() { errs <- r(ctx) }()
	}
	var all error
	for range runners {
		err := <-errs
		if err != nil && ctx.Err() == nil {
			log.Error("platform stopped; stopping the others", "error", err)
		}
		cancel()
		all = errors.Join(all, err)
	}
	return all
}

// runDue applies the deadlines that have passed and writes the reminders
// that have come due, at start and at every
// tick (every DueInterval when tick is nil), until ctx ends. A deadline
// that passed while the bot was down is applied at start.
func (m *Main) runDue(ctx context.Context, tick <-chan time.Time) {
	if tick == nil {
		t := time.NewTicker(DueInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		m.job(ctx, "apply deadlines", "deadlines applied", m.Service.Due)
		m.job(ctx, "write digests", "digests written", func(ctx context.Context) (int, error) {
			return m.Bot.DueDigests(ctx, m.Service.Now())
		})
		m.job(ctx, "write reminders", "reminders written", m.Service.DueReminders)
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// job runs one piece of scheduled work and logs its outcome; a panic is
// logged too, and the loop goes on with the next job.
func (m *Main) job(ctx context.Context, failed, done string, fn func(context.Context) (int, error)) {
	defer func() {
		if p := recover(); p != nil {
			m.Log.Error(failed, "error", fmt.Sprint(p))
		}
	}()
	n, err := fn(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		m.Log.Error(failed, "error", err)
	case n > 0:
		m.Log.Info(done, "count", n)
	}
}

// Close closes the database.
func (m *Main) Close() error {
	if m.Store == nil {
		return nil
	}
	return m.Store.Close()
}
