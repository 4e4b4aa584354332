package discord_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/bot/discord"
	"atelier/bot/discord/discordtest"
	"atelier/consultation"
	"atelier/storage"

	"github.com/bwmarrin/discordgo"
)

const (
	guildID  = "2000000000000000001"
	guild2ID = "2000000000000000002"
	chanID   = "3000000000000000001"
	chan2ID  = "3000000000000000002"
	adminID  = "4000000000000000001"
	orgID    = "4000000000000000002"
	aliceID  = "4000000000000000003" // French
	bobID    = "4000000000000000004" // English
	carolID  = "4000000000000000005" // English
	evilID   = "4000000000000000666"
)

var fixedNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// logBuffer collects log lines safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// harness is a running adapter on a real store, against a fake Discord.
type harness struct {
	tb    testing.TB
	srv   *discordtest.Server
	store *storage.Store
	svc   *consultation.Service
	logs  *logBuffer
	stop  func()
	a     *discord.Adapter
}

type options struct {
	srv   *discordtest.Server
	store *storage.Store
	hook  func(bot.Event)
	cfg   func(*discord.Config)
	slots int // interactions handled at once, when not the default
}

// mustStart runs an adapter until the test ends (or h.stop is called).
func mustStart(tb testing.TB, o options) *harness {
	tb.Helper()
	h := &harness{tb: tb, srv: o.srv, store: o.store, logs: &logBuffer{}}
	if h.srv == nil {
		h.srv = discordtest.NewServer(discordtest.WithGuilds(guildID, guild2ID), discordtest.WithToken("secret-token"))
		for id, name := range map[string]string{adminID: "admin", orgID: "orga", aliceID: "alice", bobID: "bob", carolID: "carol", evilID: "evil"} {
			h.srv.AddUser(discordgo.User{ID: id, Username: name, GlobalName: strings.ToUpper(name[:1]) + name[1:], Discriminator: "0"})
		}
		tb.Cleanup(h.srv.Close)
	}
	if h.store == nil {
		st, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "d.db"))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { st.Close() })
		h.store = st
	}
	h.svc = consultation.NewService(h.store, consultation.Options{
		Clock:  consultation.ClockFunc(func() time.Time { return fixedNow }),
		Admins: []consultation.Identity{{Platform: consultation.Discord, UserID: adminID}},
	})
	b := bot.New(h.svc, bot.Config{Locale: "fr", TimeZone: "Europe/Paris"}, nil)
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A loaded test machine must not turn direct answers into deferred
	// ones: the deferred path has its own test.
	cfg := discord.Config{Token: "secret-token", GuildID: guildID, Configure: h.srv.Configure, AckAfter: time.Minute}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := discord.New(ctx, cfg, b, log)
	if err != nil {
		tb.Fatal(err)
	}
	h.a = a
	if o.hook != nil {
		discord.SetHook(a, o.hook)
	}
	if o.slots > 0 {
		discord.SetSlots(a, o.slots)
	}
	writes := h.srv.CommandWrites(guildID)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("Run: %v", err)
			}
			if strings.Contains(h.logs.String(), "secret-token") {
				tb.Errorf("the token was logged")
			}
		})
	}
	tb.Cleanup(h.stop)
	// Commands are registered after Ready: once they are, the adapter is
	// fully up.
	wctx := testContext(tb)
	if err := h.srv.WaitFor(wctx, func() bool { return h.srv.CommandWrites(guildID) > writes }); err != nil {
		tb.Fatalf("commands not registered: %v\nlogs:\n%s", err, h.logs)
	}
	return h
}

func testContext(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// cmd runs a slash command and returns its response.
func (h *harness) cmd(channel, user, locale, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) (discordtest.Interaction, discordtest.InteractionResponse) {
	h.tb.Helper()
	guild := guildID
	if channel == chan2ID {
		guild = guild2ID
	}
	in := h.srv.SlashCommand(guild, channel, user, locale, name, opts...)
	return in, h.wait(in)
}

func (h *harness) wait(in discordtest.Interaction) discordtest.InteractionResponse {
	h.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := h.srv.WaitResponse(ctx, in.ID)
	if err != nil {
		h.tb.Fatalf("interaction %s: no response: %v\nlogs:\n%s", in.ID, err, h.logs)
	}
	return r
}

// click presses a button and returns the response.
func (h *harness) click(channel, user, locale, messageID, customID string) (discordtest.Interaction, discordtest.InteractionResponse) {
	h.tb.Helper()
	in, err := h.srv.Click(guildID, channel, user, locale, messageID, customID)
	if err != nil {
		h.tb.Fatal(err)
	}
	return in, h.wait(in)
}

// forge presses a button that is not on the message.
func (h *harness) forge(channel, user, locale, messageID, customID string) discordtest.InteractionResponse {
	h.tb.Helper()
	in, err := h.srv.Forge(guildID, channel, user, locale, messageID, customID)
	if err != nil {
		h.tb.Fatal(err)
	}
	return h.wait(in)
}

// followups waits for n followups of interaction id.
func (h *harness) followups(id string, n int) []discordtest.Message {
	h.tb.Helper()
	var got []discordtest.Message
	err := h.srv.WaitFor(testContext(h.tb), func() bool {
		got = h.srv.Followups(id)
		return len(got) >= n
	})
	if err != nil {
		h.tb.Fatalf("interaction %s: %d followups, want %d: %v\nlogs:\n%s", id, len(got), n, err, h.logs)
	}
	return got
}

func (h *harness) original(id string) discordtest.Message {
	h.tb.Helper()
	m, ok := h.srv.OriginalMessage(id)
	if !ok {
		h.tb.Fatalf("interaction %s has no message", id)
	}
	return m
}

// text is all the visible text of a response.
func text(r discordtest.InteractionResponse) string {
	s := r.Content
	for _, e := range r.Embeds {
		s += "\n" + e.Description
	}
	return s
}

func msgText(m discordtest.Message) string {
	s := m.Content
	for _, e := range m.Embeds {
		s += "\n" + e.Description
	}
	return s
}

func wantContains(tb testing.TB, what, got string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			tb.Errorf("%s = %q; want it to contain %q", what, got, w)
		}
	}
}

func wantNoMentions(tb testing.TB, what string, am *discordgo.MessageAllowedMentions) {
	tb.Helper()
	if am == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
		tb.Errorf("%s: allowed_mentions = %+v; want an empty parse list", what, am)
	}
}

// customID finds the custom ID of msg matching re.
func customID(tb testing.TB, m discordtest.Message, re string) string {
	tb.Helper()
	rx := regexp.MustCompile(re)
	for _, id := range m.CustomIDs() {
		if rx.MatchString(id) {
			return id
		}
	}
	tb.Fatalf("message %s has no button matching %s; has %v", m.ID, re, m.CustomIDs())
	return ""
}
