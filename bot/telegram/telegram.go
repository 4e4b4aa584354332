// Package telegram connects the chat layer to Telegram through
// github.com/go-telegram/bot.
//
// The adapter uses the library for its request machinery and types but runs
// its own update loop: an update's offset is confirmed to Telegram, and
// stored in the database, only after the update was handled, so a crash at
// any moment loses nothing Telegram delivered (the chat layer deduplicates
// redelivered updates by their update_id). Updates of one chat are handled
// in order (in webhook mode, the order in which Telegram's calls take the
// chat's turn); different chats run concurrently. Replies wait in a queue per
// chat they go to, sent in order while the next updates are fetched and
// handled, so that a group waiting for its turn to post delays its own
// messages only; callback answers have queues of their own. Replies are
// paced (about 20
// messages a minute per group, 30 a second overall), 429 answers are waited
// out, and failures that Telegram reports (a user who never opened the
// bot's chat, a group that removed the bot, a group upgraded to a
// supergroup) are handled rather than retried blindly.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"atelier/bot"
	"atelier/consultation"
)

// DefaultAPIURL is Telegram's Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Config configures an Adapter.
type Config struct {
	Token      string           // the bot token from BotFather; never logged
	APIURL     string           // default DefaultAPIURL
	Webhook    *WebhookConfig   // nil means long polling
	HTTPClient *http.Client     // optional; default NewHTTPClient()
	Clock      func() time.Time // optional; paces replies
}

// WebhookConfig configures webhook mode.
type WebhookConfig struct {
	// Listen is the address the adapter's HTTP server listens on, such as
	// ":8443".
	Listen string
	// PublicURL is the HTTPS address Telegram posts updates to; its path
	// is the path the server answers on.
	PublicURL string
	// SecretToken is the secret Telegram sends in the
	// X-Telegram-Bot-Api-Secret-Token header; requests without it are
	// refused. It is required.
	SecretToken string
}

// Adapter runs a bot.Bot on Telegram.
type Adapter struct {
	cfg    Config
	tg     *tgbot.Bot
	bot    *bot.Bot
	svc    *consultation.Service
	log    *slog.Logger
	me     models.User
	client *http.Client
	now    func() time.Time
	pace   *pacer

	// sleep waits for d or until ctx ends; tests replace it to avoid real
	// waits on long pauses.
	sleep func(ctx context.Context, d time.Duration) error
	// beforeHandle and afterHandle, when set, run around the handling of
	// each update; tests use them to stop the adapter at a chosen moment.
	beforeHandle func(ctx context.Context, updateID int64)
	afterHandle  func(ctx context.Context, updateID int64)

	chatLocks keyedMutex
	// blocks caches, per user, whether their private chat refuses the bot;
	// opened counts, per user, the times they wrote to it or unblocked it,
	// so that a refusal of a send begun before is not held against them.
	blocksMu sync.Mutex
	blocks   map[int64]bool
	opened   map[int64]uint64
	// workers holds a token for each chat whose updates long polling is
	// handling, and queued one for each call (reply, callback answer) left
	// to make for a handled update, in polling or webhook mode, waiting in
	// its queue (queues) or being made; workersDone waits for all of that
	// work to end.
	// workerEnded, when set, runs each time a token is given back; tests
	// use it to learn that the adapter is idle.
	workers     chan struct{}
	queued      chan struct{}
	maxPerChat  atomic.Int32 // calls waiting for one chat; see maxQueuedPerChat
	dropped     atomic.Int64 // calls dropped for a chat too far behind
	queuesMu    sync.Mutex
	queues      map[queueKey]*sendQueue
	workersDone sync.WaitGroup
	workerEnded func()

	// webhookAddr is the address the webhook server listens on, once it
	// does.
	webhookMu   sync.Mutex
	webhookAddr string
}

// stateOffset is where the next update_id to ask for is kept.
const stateOffset = "telegram:offset"

// allowedUpdates are the update kinds the adapter asks for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// New checks the token with getMe, registers the bot's commands and
// returns an Adapter ready to Run.
func New(ctx context.Context, cfg Config, b *bot.Bot, log *slog.Logger) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: empty token")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.Webhook != nil && (cfg.Webhook.Listen == "" || cfg.Webhook.PublicURL == "") {
		return nil, errors.New("telegram: webhook needs a listen address and a public URL")
	}
	if cfg.Webhook != nil && cfg.Webhook.SecretToken == "" {
		// Without it, anyone who finds the address could post updates
		// in any member's name.
		return nil, errors.New("telegram: webhook needs a secret token")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("platform", string(consultation.Telegram))
	a := &Adapter{
		cfg:   cfg,
		bot:   b,
		svc:   b.Service(),
		log:   log,
		now:   cfg.Clock,
		sleep: sleepCtx,

		blocks:  make(map[int64]bool),
		opened:  make(map[int64]uint64),
		workers: make(chan struct{}, parallelChats),
		queued:  make(chan struct{}, maxQueued),
		queues:  make(map[queueKey]*sendQueue),
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.maxPerChat.Store(maxQueuedPerChat)
	a.client = cfg.HTTPClient
	if a.client == nil {
		a.client = NewHTTPClient()
	}
	a.pace = newPacer(a.now)
	opts := []tgbot.Option{
		tgbot.WithServerURL(cfg.APIURL),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(time.Minute, a.client),
		tgbot.WithErrorsHandler(func(err error) {
			log.Warn("telegram client", "error", redact(err.Error(), cfg.Token))
		}),
	}
	tg, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", redact(err.Error(), cfg.Token))
	}
	a.tg = tg
	me, err := tg.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe: %s", redact(err.Error(), cfg.Token))
	}
	a.me = *me
	if err := a.registerCommands(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Username returns the bot's username, without the @.
func (a *Adapter) Username() string { return a.me.Username }

// Run receives and handles updates until ctx ends, by long polling or,
// when configured, through a webhook. It returns nil on a clean stop; when
// it returns, no update is being handled and no reply is being sent (a
// timer or two of the stopping may still be winding down).
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.Webhook != nil {
		return a.runWebhook(ctx)
	}
	return a.runPolling(ctx)
}

// redact removes the token from s, for errors that may quote a URL.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// keyedMutex serialises work per key, here per chat.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[int64]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key int64) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = make(map[int64]*keyLock)
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// registerCommands publishes the command menus: French and English, for
// groups and private chats. Telegram commands have no aliases, so the
// French menus list the French words and the English ones the canonical
// names; the chat layer accepts both. The menu for other languages is the
// French one, the default locale.
func (a *Adapter) registerCommands(ctx context.Context) error {
	scopes := []models.BotCommandScope{&models.BotCommandScopeAllGroupChats{}, &models.BotCommandScopeAllPrivateChats{}}
	langs := []struct {
		code string
		lang bot.Lang
	}{{"", bot.French}, {"fr", bot.French}, {"en", bot.English}}
	for _, sc := range scopes {
		for _, l := range langs {
			cmds := menu(l.lang)
			err := a.call(ctx, 0, false, func(int64) error {
				_, err := a.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: sc, LanguageCode: l.code})
				return err
			})
			if err != nil {
				return fmt.Errorf("telegram: setMyCommands: %s", redact(err.Error(), a.cfg.Token))
			}
		}
	}
	return nil
}

// menu lists the commands in l as Telegram accepts them.
func menu(l bot.Lang) []models.BotCommand {
	var out []models.BotCommand
	seen := map[string]bool{}
	for _, c := range bot.Commands(l) {
		name := c.Name
		if l == bot.French {
			name = c.Local
		}
		if !validCommand(name) || seen[name] {
			continue
		}
		seen[name] = true
		desc := []rune(strings.TrimSpace(c.Description))
		if len(desc) == 0 {
			desc = []rune(name)
		}
		if len(desc) > 256 {
			desc = append(desc[:255], '…')
		}
		out = append(out, models.BotCommand{Command: name, Description: string(desc)})
	}
	return out
}

// validCommand reports whether Telegram accepts name as a command.
func validCommand(name string) bool {
	if len(name) == 0 || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
