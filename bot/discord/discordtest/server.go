// Package discordtest provides an in-process fake of Discord's REST API and
// websocket gateway, so that tests can drive a real *discordgo.Session.
//
// A test starts a Server, points a session at it with Configure, opens the
// session, then plays the part of Discord users with SlashCommand, Click,
// Select and SubmitModal. What the bot sent back is recorded and can be
// inspected with Response, Message, Messages and Commands, or awaited with
// WaitFor and its typed variants; nothing in this package needs a sleep.
//
// The fake enforces a useful subset of Discord's rules (an interaction can be
// acknowledged once, messages cannot be empty, component and modal limits,
// command name and locale validation) so that mistakes show up in tests
// rather than in production. Routes it does not know answer 404 and are
// listed by Unhandled.
package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Default identities used when no Option overrides them.
const (
	DefaultApplicationID = "1100000000000000001"
	DefaultBotUserID     = "1100000000000000001"
	DefaultBotUsername   = "atelier"
)

// discordEpoch is the first millisecond of 2015, the origin of snowflakes.
const discordEpoch = 1420070400000

// Option configures a Server.
type Option func(*config)

type config struct {
	appID     string
	botID     string
	botName   string
	guilds    []string
	heartbeat time.Duration
	token     string
}

// WithApplicationID sets the application ID announced in READY and expected
// in command and webhook routes.
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithBotUser sets the bot user returned by READY and GET /users/@me.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithGuilds sets the guilds the bot is a member of at start.
func WithGuilds(ids ...string) Option {
	return func(c *config) { c.guilds = append(c.guilds, ids...) }
}

// WithHeartbeatInterval sets the interval announced in Hello (41.25 s by
// default, as Discord does).
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithToken makes the server reject an Identify, Resume or REST call whose
// token differs from token (with or without the "Bot " prefix), as Discord
// does with close code 4004 and HTTP 401.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// Server is a fake Discord. It is safe for concurrent use.
type Server struct {
	ts       *httptest.Server
	wsURL    string
	appID    string
	bot      discordgo.User
	beat     time.Duration
	token    string
	idBase   uint64
	idSeq    atomic.Uint64
	upgrader websocket.Upgrader

	// gw guards the gateway: sessions, connections and event logs. It may be
	// held while taking mu, never the other way round.
	gw       sync.Mutex
	gwClosed bool
	sessions map[string]*gwSession
	conns    map[*gwConn]struct{}
	wg       sync.WaitGroup

	// mu guards everything else.
	mu            sync.Mutex
	changed       chan struct{}
	guilds        map[string]*guild
	guildOrder    []string
	channels      map[string]*channel
	users         map[string]*discordgo.User
	dms           map[string]string
	closedDMs     map[string]bool // users refusing direct messages
	identifies    []Identify
	resumes       int
	heartbeats    int
	interactions  map[string]*interaction
	responses     []InteractionResponse
	messages      map[string]*message
	messageOrder  []string
	commands      map[string][]*discordgo.ApplicationCommand
	commandWrites map[string]int
	requests      []Request
	failures      []*failure
}

type guild struct {
	id       string
	name     string
	locale   string
	removed  bool
	channels []string
}

type channel struct {
	id      string
	guildID string
	typ     discordgo.ChannelType
	userID  string
	removed bool
}

// NewServer starts a fake Discord listening on a loopback port.
func NewServer(opts ...Option) *Server {
	cfg := config{
		appID:     DefaultApplicationID,
		botID:     DefaultBotUserID,
		botName:   DefaultBotUsername,
		heartbeat: 41250 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		appID: cfg.appID,
		bot: discordgo.User{
			ID:            cfg.botID,
			Username:      cfg.botName,
			Discriminator: "0",
			Bot:           true,
		},
		beat:          cfg.heartbeat,
		token:         strings.TrimPrefix(cfg.token, "Bot "),
		idBase:        uint64(time.Now().UnixMilli()-discordEpoch) << 22,
		sessions:      make(map[string]*gwSession),
		conns:         make(map[*gwConn]struct{}),
		changed:       make(chan struct{}),
		guilds:        make(map[string]*guild),
		channels:      make(map[string]*channel),
		users:         make(map[string]*discordgo.User),
		dms:           make(map[string]string),
		closedDMs:     make(map[string]bool),
		interactions:  make(map[string]*interaction),
		messages:      make(map[string]*message),
		commands:      make(map[string][]*discordgo.ApplicationCommand),
		commandWrites: make(map[string]int),
	}
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	for _, id := range cfg.guilds {
		s.addGuildLocked(id)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws/", s.serveGateway)
	mux.HandleFunc("/", s.serveREST)
	s.ts = httptest.NewServer(mux)
	s.wsURL = "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/ws/"
	return s
}

// URL returns the base URL of the fake, for example http://127.0.0.1:41234.
func (s *Server) URL() string { return s.ts.URL }

// GatewayURL returns the websocket URL the fake hands out as the gateway.
func (s *Server) GatewayURL() string { return s.wsURL }

// ApplicationID returns the application ID of the bot.
func (s *Server) ApplicationID() string { return s.appID }

// BotUser returns a copy of the bot user.
func (s *Server) BotUser() discordgo.User { return s.bot }

// Close ends every gateway connection, waits for their goroutines and shuts
// the HTTP server down. Close the discordgo sessions first, or they will keep
// trying to reconnect to a server that is gone.
func (s *Server) Close() {
	s.gw.Lock()
	if s.gwClosed {
		s.gw.Unlock()
		return
	}
	s.gwClosed = true
	for c := range s.conns {
		c.ws.Close()
	}
	s.gw.Unlock()
	s.wg.Wait()
	s.ts.CloseClientConnections()
	s.ts.Close()
	s.mu.Lock()
	s.touchLocked()
	s.mu.Unlock()
}

// Transport returns a RoundTripper that sends requests for discord.com (and
// its CDN) to the fake and refuses any other host, so a test can never reach
// the real Discord.
func (s *Server) Transport() http.RoundTripper {
	return &rewriter{target: s.ts.Listener.Addr().String(), base: s.ts.Client().Transport}
}

// Client returns an *http.Client using Transport.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 20 * time.Second}
}

// Configure points sess at the fake: its REST client goes through Transport
// (discordgo then learns the ws:// gateway from GET /gateway) and its
// websocket dialer ignores proxies. No package variable of discordgo is
// changed, so tests using different servers can run in parallel.
func (s *Server) Configure(sess *discordgo.Session) {
	sess.Client = s.Client()
	sess.Dialer = &websocket.Dialer{HandshakeTimeout: 5 * time.Second}
}

// NewSession returns a discordgo session for token ("Bot ..."), configured
// for the fake but not opened, so handlers can be added first.
func (s *Server) NewSession(token string) (*discordgo.Session, error) {
	sess, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	s.Configure(sess)
	return sess, nil
}

type rewriter struct {
	target string
	base   http.RoundTripper
}

func (t *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.URL.Host {
	case "discord.com", "discordapp.com", "cdn.discordapp.com", "media.discordapp.net":
	default:
		if req.URL.Host != t.target {
			return nil, fmt.Errorf("discordtest: refusing request to %s", req.URL.Host)
		}
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = "http"
	out.URL.Host = t.target
	out.Host = t.target
	return t.base.RoundTrip(out)
}

// AddGuild makes the bot a member of guild id, dispatching GUILD_CREATE to
// sessions that asked for the GUILDS intent.
func (s *Server) AddGuild(id string) {
	s.mu.Lock()
	g := s.addGuildLocked(id)
	g.removed = false
	raw := mustJSON(s.guildJSONLocked(g))
	s.touchLocked()
	s.mu.Unlock()
	s.dispatch("GUILD_CREATE", raw, discordgo.IntentGuilds)
}

// SetGuildLocale sets the preferred locale of guild id, reported as
// guild_locale in interactions ("en-US" by default).
func (s *Server) SetGuildLocale(id, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addGuildLocked(id).locale = locale
}

// RemoveGuild removes the bot from guild id: sessions with the GUILDS intent
// receive GUILD_DELETE, and REST calls on the guild's channels answer 403
// Missing Access from then on.
func (s *Server) RemoveGuild(id string) {
	s.mu.Lock()
	g := s.addGuildLocked(id)
	g.removed = true
	s.touchLocked()
	s.mu.Unlock()
	s.dispatch("GUILD_DELETE", mustJSON(map[string]any{"id": id}), discordgo.IntentGuilds)
}

// AddChannel declares text channel channelID in guild guildID, so that the
// bot may post to it. Channels seen in interactions are declared implicitly.
func (s *Server) AddChannel(guildID, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChannelLocked(guildID, channelID)
}

// RemoveChannel deletes channelID: sessions with the GUILDS intent receive
// CHANNEL_DELETE and REST calls on it answer 404 Unknown Channel.
func (s *Server) RemoveChannel(channelID string) {
	s.mu.Lock()
	c, ok := s.channels[channelID]
	if !ok {
		s.mu.Unlock()
		return
	}
	c.removed = true
	raw := mustJSON(channelJSON(c))
	s.touchLocked()
	s.mu.Unlock()
	s.dispatch("CHANNEL_DELETE", raw, discordgo.IntentGuilds)
}

// AddUser registers u so that interactions and GET /users/{id} carry its
// name; unknown user IDs get a generated name.
func (s *Server) AddUser(u discordgo.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := u
	s.users[u.ID] = &cp
}

func (s *Server) addGuildLocked(id string) *guild {
	g, ok := s.guilds[id]
	if !ok {
		g = &guild{id: id, name: "guild " + id, locale: "en-US"}
		s.guilds[id] = g
		s.guildOrder = append(s.guildOrder, id)
	}
	return g
}

func (s *Server) addChannelLocked(guildID, channelID string) *channel {
	c, ok := s.channels[channelID]
	if ok {
		return c
	}
	c = &channel{id: channelID, guildID: guildID, typ: discordgo.ChannelTypeGuildText}
	if guildID != "" {
		g := s.addGuildLocked(guildID)
		g.channels = append(g.channels, channelID)
	}
	s.channels[channelID] = c
	return c
}

func (s *Server) userLocked(id string) *discordgo.User {
	if u, ok := s.users[id]; ok {
		return u
	}
	if id == s.bot.ID {
		return &s.bot
	}
	u := &discordgo.User{ID: id, Username: "user" + id, GlobalName: "User " + id, Discriminator: "0"}
	s.users[id] = u
	return u
}

// newID returns a fresh snowflake, increasing across the server's life.
func (s *Server) newID() string {
	return fmt.Sprint(s.idBase + s.idSeq.Add(1))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// touchLocked wakes every waiter; s.mu must be held.
func (s *Server) touchLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor blocks until cond reports true or ctx ends. cond is evaluated once
// at first and again after every change to the server's state (a request, a
// gateway message, a dispatch); it may call the server's accessors but must
// not block.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: wait: %w", ctx.Err())
		}
	}
}

// WaitResponse waits until interaction id has been acknowledged and returns
// the accepted response.
func (s *Server) WaitResponse(ctx context.Context, id string) (InteractionResponse, error) {
	var r InteractionResponse
	err := s.WaitFor(ctx, func() bool {
		var ok bool
		r, ok = s.Response(id)
		return ok
	})
	return r, err
}

// WaitMessage waits until a message (not deleted) satisfies match and
// returns it.
func (s *Server) WaitMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	var found Message
	err := s.WaitFor(ctx, func() bool {
		for _, m := range s.Messages("") {
			if !m.Deleted && match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitIdentified waits until the gateway has received n Identify payloads in
// total and returns the last one.
func (s *Server) WaitIdentified(ctx context.Context, n int) (Identify, error) {
	var id Identify
	err := s.WaitFor(ctx, func() bool {
		ids := s.Identifies()
		if len(ids) < n {
			return false
		}
		id = ids[len(ids)-1]
		return true
	})
	return id, err
}
