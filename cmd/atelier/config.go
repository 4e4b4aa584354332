package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"atelier/consultation"
)

// Config is everything atelier run needs, from flags and the environment.
type Config struct {
	DB       string
	Locale   string
	TimeZone string
	Admins   []consultation.Identity
	LogLevel string
	FileDir  string // console: where attached files are written
	// Reminders are how long before an evaluation closes the members who
	// have not finished are reminded, earliest first (one or two).
	Reminders []time.Duration

	TelegramToken     string
	TelegramAPIURL    string
	TelegramWebhook   string // webhook listen address; empty for long polling
	TelegramPublicURL string
	TelegramSecret    string

	DiscordToken   string
	DiscordGuildID string
}

// ParseConfig reads flags, falling back to the environment, then defaults.
func ParseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	var c Config
	fs := flag.NewFlagSet("atelier", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.DB, "db", env("ATELIER_DB", "atelier.db"), "SQLite database file (ATELIER_DB)")
	fs.StringVar(&c.Locale, "locale", env("ATELIER_LOCALE", "fr"), "default language of new groups: fr or en (ATELIER_LOCALE)")
	fs.StringVar(&c.TimeZone, "tz", env("ATELIER_TZ", "Europe/Paris"), "default time zone of new groups (ATELIER_TZ)")
	admins := fs.String("admins", env("ATELIER_ADMINS", ""), "first admins, platform:user_id,… (ATELIER_ADMINS)")
	fs.StringVar(&c.LogLevel, "log-level", env("ATELIER_LOG_LEVEL", "info"), "debug, info, warn or error (ATELIER_LOG_LEVEL)")
	fs.StringVar(&c.FileDir, "files", env("ATELIER_FILES", ""), "console: directory where attached files are written (ATELIER_FILES)")
	reminders := fs.String("reminders", env("ATELIER_REMINDERS", "24h,2h"), "how long before an evaluation closes members who have not finished are reminded, at most two durations (ATELIER_REMINDERS)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if c.TelegramToken, err = secret(getenv, "TELEGRAM_TOKEN"); err != nil {
		return c, err
	}
	if c.DiscordToken, err = secret(getenv, "DISCORD_TOKEN"); err != nil {
		return c, err
	}
	c.TelegramAPIURL = env("TELEGRAM_API_URL", "https://api.telegram.org")
	c.TelegramWebhook = getenv("TELEGRAM_WEBHOOK_LISTEN")
	c.TelegramPublicURL = getenv("TELEGRAM_WEBHOOK_URL")
	if c.TelegramSecret, err = secret(getenv, "TELEGRAM_WEBHOOK_SECRET"); err != nil {
		return c, err
	}
	c.DiscordGuildID = getenv("DISCORD_GUILD_ID")
	if c.Admins, err = parseAdmins(*admins); err != nil {
		return c, err
	}
	if c.Reminders, err = parseReminders(*reminders); err != nil {
		return c, err
	}
	if len(c.Admins) == 0 {
		// On the console, the user named admin runs the show.
		c.Admins = []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}}
	}
	return c, c.validate()
}

func (c Config) validate() error {
	if c.Locale != "fr" && c.Locale != "en" {
		return fmt.Errorf("locale %q: want fr or en", c.Locale)
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return fmt.Errorf("time zone %q: %w", c.TimeZone, err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel)
	}
	if (c.TelegramPublicURL != "" || c.TelegramWebhook != "") && (c.TelegramPublicURL == "" || c.TelegramWebhook == "" || c.TelegramSecret == "") {
		return errors.New("webhook mode needs TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_LISTEN and TELEGRAM_WEBHOOK_SECRET together")
	}
	return nil
}

// secret reads NAME from the environment or from the file named by NAME_FILE.
func secret(getenv func(string) string, name string) (string, error) {
	if v := getenv(name); v != "" {
		return v, nil
	}
	path := getenv(name + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// parseAdmins reads "console:admin,telegram:12345,discord:678".
func parseAdmins(s string) ([]consultation.Identity, error) {
	var out []consultation.Identity
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, id, ok := strings.Cut(f, ":")
		switch consultation.Platform(p) {
		case consultation.Console, consultation.Telegram, consultation.Discord:
		default:
			ok = false
		}
		if !ok || id == "" {
			return nil, fmt.Errorf("ATELIER_ADMINS entry %q: want platform:user_id with platform console, telegram or discord", f)
		}
		out = append(out, consultation.Identity{Platform: consultation.Platform(p), UserID: id})
	}
	return out, nil
}

// parseReminders reads "24h,2h": one or two positive durations, returned
// earliest first (the longest before the close first).
func parseReminders(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("ATELIER_REMINDERS entry %q: want a positive duration such as 24h or 90m", f)
		}
		out = append(out, d)
	}
	if len(out) == 0 || len(out) > 2 {
		return nil, fmt.Errorf("ATELIER_REMINDERS %q: want one or two durations, such as 24h,2h", s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out, nil
}
