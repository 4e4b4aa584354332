package telegram_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"atelier/bot/telegram"
	"atelier/bot/telegram/telegramtest"
)

func TestWebhook(t *testing.T) {
	srv := telegramtest.NewServer(t)
	// The fake has no webhooks: answer setWebhook here, pass the rest on.
	target, _ := url.Parse(srv.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var setWebhook atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(strings.ToLower(r.URL.Path), "/setwebhook") {
			setWebhook.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"result":true}`))
			// Wake WaitFor, which watches the fake's state.
			if resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getMe", "application/json", nil); err == nil {
				resp.Body.Close()
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	e := start(t, withServer(srv), func(c *envConfig) {
		c.apiURL = front.URL
		c.webhook = &telegram.WebhookConfig{Listen: "127.0.0.1:0", PublicURL: "https://bot.example.org/tg/hook", SecretToken: "s3cret"}
	})
	var addr string
	if err := srv.WaitFor(ctxT(t), func() bool { addr = telegram.WebhookAddr(e.a); return addr != "" && setWebhook.Load() > 0 }); err != nil {
		t.Fatalf("webhook not set up: %v", err)
	}
	update := `{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":-4001,"type":"group","title":"G"},` +
		`"from":{"id":1002,"is_bot":false,"first_name":"Alice","language_code":"en"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`
	tests := []struct {
		secret string
		want   int
	}{
		{"wrong", http.StatusForbidden},
		{"s3cret", http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg/hook", strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("secret %q: status %d; want %d", tt.secret, resp.StatusCode, tt.want)
		}
	}
	// Answered 200 once handled; the reply follows from the chat's queue.
	var m telegramtest.Message
	err := srv.WaitFor(ctxT(t), func() bool {
		var ok bool
		m, ok = srv.LastMessage(-4001)
		return ok && telegram.Busy(e.a) == 0
	})
	if err != nil {
		t.Fatalf("no reply to the webhook update: %v", err)
	}
	wantContains(t, "reply", m.Plain, "Atelier — internal consultations")
}

// TestWebhookConfigRefused checks that webhook mode does not start without
// what it needs, its secret token included.
func TestWebhookConfigRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		wh   telegram.WebhookConfig
		want string
	}{
		{"no listen address", telegram.WebhookConfig{PublicURL: "https://bot.example.org/hook", SecretToken: "s"}, "listen address"},
		{"no public URL", telegram.WebhookConfig{Listen: ":8443", SecretToken: "s"}, "public URL"},
		{"no secret token", telegram.WebhookConfig{Listen: ":8443", PublicURL: "https://bot.example.org/hook"}, "secret token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := telegram.New(t.Context(), telegram.Config{Token: "1:t", Webhook: &tc.wh}, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v; want an error about the %s", err, tc.want)
			}
		})
	}
}
