package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// runWebhook serves Telegram's webhook calls until ctx ends. An update is
// answered 200 only once handled (its effects committed), so Telegram
// delivers again whatever a crash interrupted; its replies are then queued
// by the chat they go to, as in long polling, so that a group waiting for
// its turn to post holds none of Telegram's connections.
func (a *Adapter) runWebhook(ctx context.Context) error {
	wh := a.cfg.Webhook
	u, err := url.Parse(wh.PublicURL)
	if err != nil || u.Host == "" {
		return errors.New("telegram: invalid webhook URL")
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	ln, err := net.Listen("tcp", wh.Listen)
	if err != nil {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	a.webhookMu.Lock()
	a.webhookAddr = ln.Addr().String()
	a.webhookMu.Unlock()

	// Whatever ends the server, handling and the reply queues stop with it
	// (the queues within drainTime) before runWebhook returns.
	ctx, stopAll := context.WithCancel(ctx)
	calls := newCallGate()
	defer a.workersDone.Wait()
	defer calls.close()
	defer stopAll()
	mux := http.NewServeMux()
	mux.Handle(path, a.webhookHandler(ctx, calls))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	err = a.call(ctx, 0, false, func(int64) error {
		_, err := a.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: wh.PublicURL, SecretToken: wh.SecretToken, AllowedUpdates: allowedUpdates})
		return err
	})
	if err != nil {
		srv.Close()
		<-served
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: setWebhook: %s", a.clean(err))
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		srv.Close()
		return fmt.Errorf("telegram: webhook server: %w", err)
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		srv.Close()
	}
	<-served
	return nil
}

func (a *Adapter) webhookHandler(run context.Context, calls *callGate) http.Handler {
	secret := []byte(a.cfg.Webhook.SecretToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !calls.enter() {
			http.Error(w, "stopping", http.StatusServiceUnavailable)
			return
		}
		defer calls.leave()
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(secret) > 0 && subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var wu wireUpdate // read as long polling reads it
		if err := json.Unmarshal(body, &wu); err != nil {
			// Redelivering an update nobody can read helps no one.
			a.log.Error("decode update", "error", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		u := wu.update()
		// Handling stops with the adapter, not with Telegram's request:
		// an update handled after Telegram gave up is deduplicated when it
		// comes again.
		done := a.handleQueued(run, u)
		if !done {
			http.Error(w, "stopping", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// handleQueued handles u under its chat's lock and queues the calls it
// leaves. Updates of one chat that arrive on parallel connections are
// handled, and their calls queued, in the order they take the lock.
func (a *Adapter) handleQueued(ctx context.Context, u *models.Update) bool {
	unlock := a.chatLocks.lock(chatKey(u))
	defer unlock()
	return a.handleOne(ctx, u)
}

// callGate counts the webhook calls being handled, and once closed refuses
// new ones and waits for those: after that, nothing queues calls any more.
type callGate struct {
	mu     sync.Mutex
	idle   *sync.Cond
	active int
	closed bool
}

func newCallGate() *callGate {
	g := &callGate{}
	g.idle = sync.NewCond(&g.mu)
	return g
}

func (g *callGate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.active++
	return true
}

func (g *callGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.active--
	if g.active == 0 {
		g.idle.Broadcast()
	}
}

func (g *callGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for g.active > 0 {
		g.idle.Wait()
	}
}
