package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/bot/telegram/telegramtest"
	"atelier/consultation"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("123:abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.DB == "atelier.db" && c.Locale == "fr" && c.TimeZone == "Europe/Paris" &&
				len(c.Admins) == 1 && c.Admins[0] == consultation.Identity{Platform: consultation.Console, UserID: "admin"}
		}, ""},
		{"flags win over the environment", []string{"-db", "x.db", "-locale", "en"}, map[string]string{"ATELIER_DB": "y.db"}, func(c Config) bool {
			return c.DB == "x.db" && c.Locale == "en"
		}, ""},
		{"admins", nil, map[string]string{"ATELIER_ADMINS": "telegram:42, discord:7"}, func(c Config) bool {
			return len(c.Admins) == 2 && c.Admins[0].Platform == consultation.Telegram && c.Admins[1].UserID == "7"
		}, ""},
		{"token from a file", nil, map[string]string{"TELEGRAM_TOKEN_FILE": tokenFile}, func(c Config) bool { return c.TelegramToken == "123:abc" }, ""},
		{"missing token file", nil, map[string]string{"DISCORD_TOKEN_FILE": "/nonexistent"}, nil, "DISCORD_TOKEN_FILE"},
		{"bad admin entry", nil, map[string]string{"ATELIER_ADMINS": "slack:1"}, nil, "ATELIER_ADMINS"},
		{"bad locale", []string{"-locale", "de"}, nil, nil, "locale"},
		{"bad time zone", []string{"-tz", "Mars/Olympus"}, nil, nil, "time zone"},
		{"webhook without secret", nil, map[string]string{"TELEGRAM_WEBHOOK_LISTEN": ":8443"}, nil, "TELEGRAM_WEBHOOK"},
		{"stray argument", []string{"oops"}, nil, nil, "unexpected argument"},
		{"bad log level", []string{"-log-level", "verbose"}, nil, nil, "log level"},
		{"webhook secret from a file", nil, map[string]string{"TELEGRAM_WEBHOOK_URL": "https://example.org/hook", "TELEGRAM_WEBHOOK_LISTEN": ":8443",
			"TELEGRAM_WEBHOOK_SECRET_FILE": tokenFile}, func(c Config) bool { return c.TelegramSecret == "123:abc" }, ""},
		{"reminders default", nil, nil, func(c Config) bool {
			return len(c.Reminders) == 2 && c.Reminders[0] == 24*time.Hour && c.Reminders[1] == 2*time.Hour
		}, ""},
		{"reminders sorted earliest first", nil, map[string]string{"ATELIER_REMINDERS": "90m, 48h"}, func(c Config) bool {
			return len(c.Reminders) == 2 && c.Reminders[0] == 48*time.Hour && c.Reminders[1] == 90*time.Minute
		}, ""},
		{"one reminder", []string{"-reminders", "12h"}, nil, func(c Config) bool { return len(c.Reminders) == 1 && c.Reminders[0] == 12*time.Hour }, ""},
		{"three reminders", nil, map[string]string{"ATELIER_REMINDERS": "48h,24h,2h"}, nil, "one or two"},
		{"bad reminder", nil, map[string]string{"ATELIER_REMINDERS": "soon"}, nil, "positive duration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			c, err := ParseConfig(tc.args, env(tc.env), &stderr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseConfig = %v; want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("ParseConfig = %+v, %v", c, err)
			}
		})
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-out", dir, "-members", "30", "-ideas", "60"}, env(nil), nil, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	doc, err := os.ReadFile(filepath.Join(dir, "synthese.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Synthèse", "## Le processus", "## Propositions retenues", "Idées sources", "## Vote d'adoption"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("synthesis lacks %q", want)
		}
	}
	if png, err := os.ReadFile(filepath.Join(dir, "matrice.png")); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("matrix picture missing or not a PNG: %v", err)
	}
	// Same seed, same run.
	dir2 := t.TempDir()
	if err := run(context.Background(), []string{"demo", "-out", dir2, "-members", "30", "-ideas", "60"}, env(nil), nil, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatal(err)
	}
	doc2, _ := os.ReadFile(filepath.Join(dir2, "synthese.md"))
	if !bytes.Equal(doc, doc2) {
		t.Error("two demo runs with the same seed wrote different syntheses")
	}
}

func TestConsoleRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	in := strings.NewReader("admin: /consultation nouvelle Essai\nzoe: /idee bonjour à tous\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-db", db}, env(nil), in, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Consultation n°1 « Essai » créée", "Seuls les membres vérifiés"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
	var backup bytes.Buffer
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := run(context.Background(), []string{"backup", dest}, env(map[string]string{"ATELIER_DB": db}), nil, &backup, &bytes.Buffer{}); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Fatal(err)
	}
}

// TestTelegramEndToEnd runs the whole program, configured by environment
// variables only, against an in-process fake Bot API.
func TestTelegramEndToEnd(t *testing.T) {
	srv := telegramtest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	vars := map[string]string{
		"TELEGRAM_TOKEN":   srv.Token(),
		"TELEGRAM_API_URL": srv.URL(),
		"ATELIER_DB":       filepath.Join(t.TempDir(), "tg.db"),
		"ATELIER_ADMINS":   "telegram:1001",
	}
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env(vars), strings.NewReader(""), &bytes.Buffer{}, &logs) }()
	admin := telegramtest.User{ID: 1001, FirstName: "Admin", Username: "admin", LanguageCode: "fr"}
	group := telegramtest.GroupChat(-500, "Section de Nîmes")
	wait, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	if err := srv.WaitFor(wait, srv.Polling); err != nil {
		t.Fatalf("the bot never polled: %v\n%s", err, logs.String())
	}
	srv.SendText(group, admin, "/consultation nouvelle Vie de section")
	if _, err := srv.WaitForMessage(wait, func(m telegramtest.Message) bool {
		return m.ChatID == group.ID && strings.Contains(m.Plain, "Vie de section")
	}); err != nil {
		t.Fatalf("no reply in the group: %v\n%s", err, logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if strings.Contains(logs.String(), srv.Token()) {
		t.Error("the token appears in the logs")
	}
}

// TestSetupCodeLogged starts the program on Telegram with no admin
// configured for it: the log carries a setup code, whose /claim makes the
// sender admin; the next start, with an admin, logs none.
func TestSetupCodeLogged(t *testing.T) {
	srv := telegramtest.NewServer(t)
	db := filepath.Join(t.TempDir(), "tg.db")
	vars := map[string]string{"TELEGRAM_TOKEN": srv.Token(), "TELEGRAM_API_URL": srv.URL(), "ATELIER_DB": db}
	start := func() string {
		t.Helper()
		cfg, err := ParseConfig(nil, env(vars), &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		m := NewMain(cfg, &logs)
		if err := m.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return logs.String()
	}
	if logs := start(); !strings.Contains(logs, "/claim") || !strings.Contains(logs, "code=") {
		t.Fatalf("no setup code in the log:\n%s", logs)
	}

	cfg, _ := ParseConfig(nil, env(vars), &bytes.Buffer{})
	var out bytes.Buffer
	m := NewMain(cfg, &out)
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	// This second start replaced the code.
	j := strings.Index(out.String(), "code=")
	if j < 0 {
		t.Fatalf("no setup code at the second start:\n%s", out.String())
	}
	code := out.String()[j+len("code=") : j+len("code=")+11]
	ev := bot.Event{Platform: consultation.Telegram, Chat: bot.Chat{ID: "7", Private: true}, From: bot.User{ID: "7", Name: "Owner"}, Text: "/claim " + code}
	m.Bot.Handle(context.Background(), ev)
	owner, err := m.Service.MemberByIdentity(context.Background(), consultation.Telegram, "7")
	if err != nil || !owner.IsAdmin() {
		t.Fatalf("after /claim, owner = %+v, %v", owner, err)
	}
	m.Close()
	if logs := start(); strings.Contains(logs, "code=") {
		t.Errorf("a setup code is logged although an admin exists:\n%s", logs)
	}
}

func TestScheduledJobSurvivesPanic(t *testing.T) {
	var logs bytes.Buffer
	m := NewMain(Config{LogLevel: "info"}, &logs)
	m.job(context.Background(), "write reminders", "reminders written", func(context.Context) (int, error) { panic("broken job") })
	m.job(context.Background(), "apply deadlines", "deadlines applied", func(context.Context) (int, error) { return 2, nil })
	if !strings.Contains(logs.String(), "broken job") || !strings.Contains(logs.String(), "deadlines applied") {
		t.Errorf("logs = %s", logs.String())
	}
}
