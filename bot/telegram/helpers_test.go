package telegram_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/bot/telegram"
	"atelier/bot/telegram/telegramtest"
	"atelier/consultation"
	"atelier/storage"
)

var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const adminID = 1001

var (
	admin = telegramtest.User{ID: adminID, FirstName: "Ada", LastName: "Admin", Username: "ada", LanguageCode: "fr"}
	alice = telegramtest.User{ID: 1002, FirstName: "Alice", Username: "alice", LanguageCode: "fr"}
	bob   = telegramtest.User{ID: 1003, FirstName: "Bob", Username: "bob", LanguageCode: "en"}
	carol = telegramtest.User{ID: 1004, FirstName: "Carol", Username: "carol", LanguageCode: "fr-BE"}
	group = telegramtest.GroupChat(-4001, "Section Nîmes")
)

// fakeClock is the adapter's pacing clock: waiting advances it at once,
// or, while a gate is set, once the gate opens.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
	waits []time.Duration
	gate  chan struct{}
	held  chan struct{} // receives a value as each wait starts at the gate
}

// hold makes waits block until the returned function is called, and
// returns a channel that receives a value as each of them starts.
func (c *fakeClock) hold() (held <-chan struct{}, release func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gate, c.held = make(chan struct{}), make(chan struct{}, 100)
	gate := c.gate
	return c.held, sync.OnceFunc(func() { close(gate) })
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	gate, held := c.gate, c.held
	c.mu.Unlock()
	if gate != nil {
		select {
		case held <- struct{}{}:
		default:
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func (c *fakeClock) Slept() (time.Duration, []time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept, append([]time.Duration(nil), c.waits...)
}

// env is an adapter running against a fake Bot API on a real database.
type env struct {
	t      testing.TB
	srv    *telegramtest.Server
	store  *storage.Store
	svc    *consultation.Service
	bot    *bot.Bot
	clock  *fakeClock
	a      *telegram.Adapter
	stop   func()
	cancel context.CancelFunc
}

type envOption func(*envConfig)

type envConfig struct {
	srv     *telegramtest.Server
	store   *storage.Store
	before  func(context.Context, int64)
	after   func(context.Context, int64)
	webhook *telegram.WebhookConfig
	apiURL  string
}

func withServer(s *telegramtest.Server) envOption { return func(c *envConfig) { c.srv = s } }
func withStore(s *storage.Store) envOption        { return func(c *envConfig) { c.store = s } }
func withHooks(before, after func(context.Context, int64)) envOption {
	return func(c *envConfig) { c.before, c.after = before, after }
}

// mustStore opens a database in a temporary directory.
func mustStore(tb testing.TB) *storage.Store {
	tb.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "t.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// start builds the whole chain and runs the adapter until the test ends.
func start(tb testing.TB, opts ...envOption) *env {
	tb.Helper()
	var c envConfig
	for _, o := range opts {
		o(&c)
	}
	if c.srv == nil {
		c.srv = telegramtest.NewServer(tb)
	}
	if c.store == nil {
		c.store = mustStore(tb)
	}
	e := &env{t: tb, srv: c.srv, store: c.store, clock: &fakeClock{now: epoch}}
	e.svc = consultation.NewService(e.store, consultation.Options{
		Clock:  consultation.ClockFunc(func() time.Time { return epoch }),
		Admins: []consultation.Identity{{Platform: consultation.Telegram, UserID: "1001"}},
	})
	e.bot = bot.New(e.svc, bot.Config{Locale: "fr", TimeZone: "Europe/Paris", Limits: bot.NoLimits}, nil)
	api := c.apiURL
	if api == "" {
		api = e.srv.URL()
	}
	log := slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := telegram.New(context.Background(), telegram.Config{
		Token: e.srv.Token(), APIURL: api, Clock: e.clock.Now, Webhook: c.webhook,
	}, e.bot, log)
	if err != nil {
		tb.Fatalf("telegram.New: %v", err)
	}
	telegram.SetSleep(a, e.clock.Sleep)
	telegram.SetHooks(a, c.before, c.after)
	e.a = a
	telegram.SetWorkerEnded(a, e.srv.Poke)
	e.run()
	return e
}

// run starts the adapter; stop cancels it and waits for Run to return.
func (e *env) run() {
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	done := make(chan error, 1)
	go func() { done <- e.a.Run(ctx) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("Run: %v", err)
			}
		})
	}
	e.t.Cleanup(e.stop)
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Logf("%s", strings.TrimSpace(string(p)))
	return len(p), nil
}

func ctxT(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// handled waits until the adapter confirmed u, which it does once u is
// handled, and has sent every reply.
func (e *env) handled(u telegramtest.Update) {
	e.t.Helper()
	err := e.srv.WaitFor(ctxT(e.t), func() bool {
		return e.srv.Delivered(u.ID) > 0 && e.srv.Pending() == 0 && telegram.Busy(e.a) == 0
	})
	if err != nil {
		e.t.Fatalf("update %d not handled: %v", u.ID, err)
	}
}

// botTexts returns the texts of the messages the bot sent in chat, from
// its from-th message on.
func (e *env) botTexts(chat int64, from int) []string {
	var out []string
	for _, m := range e.srv.Messages(chat)[from:] {
		if m.From.ID == e.srv.Bot().ID {
			out = append(out, m.Text)
		}
	}
	return out
}

// say sends text in chat as from, waits until it is handled and returns
// the messages the bot sent meanwhile.
func (e *env) say(chat telegramtest.Chat, from telegramtest.User, text string) []telegramtest.Message {
	e.t.Helper()
	return e.sentFor(func() telegramtest.Update { return e.srv.SendText(chat, from, text) })
}

// reply is say in reply to message replyTo.
func (e *env) reply(chat telegramtest.Chat, from telegramtest.User, replyTo int, text string) []telegramtest.Message {
	e.t.Helper()
	return e.sentFor(func() telegramtest.Update { return e.srv.Reply(chat, from, replyTo, text) })
}

// press presses a button and waits until the press is handled.
func (e *env) press(chat telegramtest.Chat, from telegramtest.User, msgID int, data string) []telegramtest.Message {
	e.t.Helper()
	return e.sentFor(func() telegramtest.Update { return e.srv.PressButton(chat, from, msgID, data) })
}

// sentFor injects an update, waits until it is handled and returns the
// messages the bot sent meanwhile.
func (e *env) sentFor(inject func() telegramtest.Update) []telegramtest.Message {
	e.t.Helper()
	before := len(e.srv.Sent())
	e.handled(inject())
	return e.srv.Sent()[before:]
}

// only returns the single message of ms, failing otherwise.
func only(tb testing.TB, ms []telegramtest.Message) telegramtest.Message {
	tb.Helper()
	if len(ms) != 1 {
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.Plain)
		}
		tb.Fatalf("got %d messages %q; want 1", len(ms), texts)
	}
	return ms[0]
}

func wantContains(tb testing.TB, what, got, want string) {
	tb.Helper()
	if !strings.Contains(got, want) {
		tb.Errorf("%s = %q; want it to contain %q", what, got, want)
	}
}
