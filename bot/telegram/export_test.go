package telegram

import (
	"context"
	"net/http"
	"time"

	"atelier/bot"
)

// SetSleep replaces the adapter's way of waiting, so that tests can run a
// fake clock instead of sleeping.
func SetSleep(a *Adapter, sleep func(ctx context.Context, d time.Duration) error) { a.sleep = sleep }

// SetHooks installs functions run before and after the chat layer handles
// each update.
func SetHooks(a *Adapter, before, after func(ctx context.Context, updateID int64)) {
	a.beforeHandle, a.afterHandle = before, after
}

// Busy returns how many chats long polling is handling, plus how many
// calls (replies, callback answers) of handled updates are still to make,
// in polling or webhook mode.
func Busy(a *Adapter) int { return len(a.workers) + len(a.queued) }

// SetWorkerEnded sets a function run each time long polling is done
// handling a chat's updates, or a queued call is made.
func SetWorkerEnded(a *Adapter, fn func()) { a.workerEnded = fn }

// WebhookAddr returns the address the webhook server listens on, once it
// does.
func WebhookAddr(a *Adapter) string {
	a.webhookMu.Lock()
	defer a.webhookMu.Unlock()
	return a.webhookAddr
}

// Keyboard returns the inline keyboard the adapter draws for rows.
func Keyboard(a *Adapter, rows [][]bot.Button) *inlineKeyboard { return a.keyboard(rows) }

// MaxBuffered is the largest body the adapter's HTTP client sends whole.
const MaxBuffered = maxBuffered

// WholeBodies wraps next as the adapter's HTTP client wraps its transport.
func WholeBodies(next http.RoundTripper) http.RoundTripper { return wholeBodies{next} }

// SetMaxQueuedPerChat changes how many calls may wait for one chat.
func SetMaxQueuedPerChat(a *Adapter, n int) { a.maxPerChat.Store(int32(n)) }

// Dropped returns how many calls were dropped for chats too far behind.
func Dropped(a *Adapter) int64 { return a.dropped.Load() }

// Openings, Open, Refused and Blocked expose how a private chat's refusal
// is weighed against the person opening it.
func Openings(a *Adapter, userID int64) uint64           { return a.openings(userID) }
func Open(ctx context.Context, a *Adapter, userID int64) { a.unblock(ctx, userID) }
func Refused(ctx context.Context, a *Adapter, userID int64, openings uint64) {
	a.refused(ctx, userID, openings)
}
func Blocked(ctx context.Context, a *Adapter, userID int64) bool { return a.blocked(ctx, userID) }
