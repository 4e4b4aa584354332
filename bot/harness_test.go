package bot_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/storage"
)

var update = flag.Bool("update", false, "rewrite golden files")

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

// harness is a chat layer on a real SQLite file with a console group.
type harness struct {
	t     *testing.T
	bot   *bot.Bot
	svc   *consultation.Service
	store *storage.Store
	last  map[string][][]bot.Button // user → buttons of the last reply with some
}

func newHarness(t *testing.T, locale string) *harness {
	t.Helper()
	paris, _ := time.LoadLocation("Europe/Paris")
	return openHarness(t, "", consultation.Options{
		Clock:  clocktest.Stepping(time.Date(2026, 11, 23, 9, 0, 0, 0, paris), time.Second),
		Random: zeroReader{},
	}, bot.Config{Locale: locale})
}

// openHarness is a harness on openBot.
func openHarness(t *testing.T, path string, opt consultation.Options, cfg bot.Config) *harness {
	t.Helper()
	st, svc, b := openBot(t, path, opt, cfg)
	return &harness{t: t, bot: b, svc: svc, store: st, last: map[string][][]bot.Button{}}
}

// openBot opens the database at path (a new one when path is ""), closed
// with the test, and a bot on it. The console user "admin" is the admin
// unless opt names admins, and times show in Paris unless cfg says
// otherwise.
func openBot(t *testing.T, path string, opt consultation.Options, cfg bot.Config) (*storage.Store, *consultation.Service, *bot.Bot) {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "bot.db")
	}
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opt.Admins == nil {
		opt.Admins = []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}}
	}
	if cfg.TimeZone == "" {
		cfg.TimeZone = "Europe/Paris"
	}
	svc := consultation.NewService(st, opt)
	return st, svc, bot.New(svc, cfg, nil)
}

// say sends a message from user in chat ("" is the group "main", "dm" the
// user's private chat) and returns the replies' text.
func (h *harness) say(user, chat, text string) string {
	h.t.Helper()
	return h.send(user, chat, bot.Event{Text: text})
}

func (h *harness) press(user, chat, data string) string {
	h.t.Helper()
	return h.send(user, chat, bot.Event{Data: data})
}

func (h *harness) send(user, chat string, ev bot.Event) string {
	var out []string
	for _, r := range h.handle(user, chat, ev) {
		out = append(out, r.Text.String()+r.Toast)
		if len(r.Buttons) > 0 {
			h.last[user] = r.Buttons
		}
	}
	return strings.Join(out, "\n")
}

// handle sends ev from user in chat, as say does, and returns the
// replies themselves.
func (h *harness) handle(user, chat string, ev bot.Event) []bot.Reply {
	h.t.Helper()
	ev.Platform = consultation.Console
	ev.From = bot.User{ID: user, Username: user, Name: user}
	ev.Chat = bot.Chat{ID: "main", Title: "main"}
	if chat == "dm" {
		ev.Chat = bot.Chat{ID: "dm:" + user, Private: true}
	} else if chat != "" {
		ev.Chat = bot.Chat{ID: chat, Title: chat}
	}
	return h.bot.Handle(context.Background(), ev)
}

// setup brings a consultation to evaluation: admin, organiser alice,
// verified members bob and carol, three proposals.
func (h *harness) setup() {
	h.t.Helper()
	for _, u := range []string{"alice", "bob", "carol", "zoe"} {
		h.say(u, "", "/consultations")
	}
	for _, line := range []struct{ who, text string }{
		{"admin", "/role @alice organiser"},
		{"alice", "/verify @bob"},
		{"alice", "/verify @carol"},
		{"alice", "/consultation new Vie de section"},
		{"alice", "/phase collecting"},
		{"bob", "/idea Covoiturage pour les réunions"},
		{"carol", "/idea Formation des nouveaux militants"},
		{"bob", "/idea Changer le logo"},
		{"alice", "/group 1 Covoiturage"},
		{"alice", "/group 2 Formation"},
		{"alice", "/group 3 Logo"},
	} {
		h.say(line.who, "", line.text)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from its golden file (go test ./bot -update, then review the diff)\n got:\n%s", name, got)
	}
}
