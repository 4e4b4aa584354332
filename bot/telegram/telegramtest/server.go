package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token a Server accepts unless WithToken says otherwise.
const DefaultToken = "123456789:TEST-atelier-token"

// maxBody bounds a request body; Telegram accepts uploads up to 50 MB.
const maxBody = 50 << 20

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the server accepts. The bot's user ID is the
// number before the colon, as in Telegram.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithBotUsername sets the username getMe reports, "AtelierBot" by default.
func WithBotUsername(username string) Option {
	return func(s *Server) { s.bot.Username = username }
}

// WithClock sets the clock that dates messages, time.Now by default.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// Server is a fake Telegram Bot API server. Its methods are safe for
// concurrent use.
type Server struct {
	tb    testing.TB
	http  *httptest.Server
	token string
	bot   User
	now   func() time.Time

	closeOnce sync.Once
	closed    chan struct{}

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change

	nextUpdateID int64
	pending      []*queued // sorted by update ID
	history      map[int64]*queued
	delivered    map[int64]int
	allowed      []string // last allowed_updates; nil means Telegram's default
	pollGen      uint64
	polling      int // getUpdates calls waiting for updates

	chats     map[int64]*chatState
	sent      []msgKey
	calls     map[string]int
	failures  map[string][]APIError
	commands  []CommandSet
	queries   map[string]*query
	answers   []CallbackAnswer
	nextQuery int64
	nextFile  int64
}

type queued struct {
	id     int64
	kind   string
	raw    json.RawMessage
	forced bool // deliver whatever the offset, once
}

type msgKey struct {
	chat int64
	id   int
}

type chatState struct {
	chat       Chat
	nextID     int
	versions   map[int][]Message // every state of each message, oldest first
	status     MemberStatus      // the bot's status; empty means member
	migratedTo int64
}

type query struct {
	chatID    int64
	messageID int
	data      string
	answered  bool
}

// NewServer starts a Server and registers its Close with tb.Cleanup. The
// helpers that inject updates report misuse with tb.Fatalf, so call them
// from the test's goroutine.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:           tb,
		token:        DefaultToken,
		bot:          User{IsBot: true, FirstName: "Atelier", Username: "AtelierBot"},
		now:          time.Now,
		closed:       make(chan struct{}),
		changed:      make(chan struct{}),
		nextUpdateID: 500000001,
		history:      make(map[int64]*queued),
		delivered:    make(map[int64]int),
		chats:        make(map[int64]*chatState),
		calls:        make(map[string]int),
		failures:     make(map[string][]APIError),
		queries:      make(map[string]*query),
	}
	for _, o := range opts {
		o(s)
	}
	id, err := strconv.ParseInt(strings.SplitN(s.token, ":", 2)[0], 10, 64)
	if err != nil || id <= 0 {
		tb.Fatalf("telegramtest: token %q does not start with a bot ID", s.token)
	}
	s.bot.ID = id
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(s.Close)
	return s
}

// URL returns the base URL to give the client, as in
// tgbot.WithServerURL(srv.URL()).
func (s *Server) URL() string { return s.http.URL }

// Token returns the token the server accepts.
func (s *Server) Token() string { return s.token }

// Bot returns the bot's own user, as getMe reports it.
func (s *Server) Bot() User { return s.bot }

// Close ends pending long polls, which answer an empty list, and shuts the
// server down. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.http.Close()
	})
}

// notifyLocked wakes everything waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Poke wakes the callers of WaitFor, whose conditions may also depend on
// state kept outside the server, such as a bot's own work in progress.
func (s *Server) Poke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyLocked()
}

// WaitFor blocks until cond reports true or ctx ends, in which case it
// returns ctx.Err(). cond is evaluated at once and again after every change
// to the server's state (a request, an injected update); it runs without the
// server's lock, so it may call the Server's accessors.
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
			return ctx.Err()
		}
	}
}

// WaitForMessage waits until a message the bot sent, in its current state,
// satisfies match, and returns the first such message in sending order.
func (s *Server) WaitForMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	var found Message
	err := s.WaitFor(ctx, func() bool {
		for _, m := range s.Sent() {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// FailNext makes the next n calls to method fail with code, before the
// method runs. A non-zero retryAfter is sent as parameters.retry_after. The
// description is Telegram's usual one for the code; for 403 it is "Forbidden:
// bot was blocked by the user".
func (s *Server) FailNext(method string, n, code, retryAfter int) {
	s.FailNextWith(method, n, APIError{Code: code, RetryAfter: retryAfter})
}

// FailNextWith makes the next n calls to method answer e. Failures queued
// for the same method are used in order.
func (s *Server) FailNextWith(method string, n int, e APIError) {
	if e.Description == "" {
		e.Description = defaultDescription(e.Code, e.RetryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[lower(method)] = append(s.failures[lower(method)], e)
	}
}

// BlockUser makes the user block the bot: sending to or editing in their
// private chat answers 403 "Forbidden: bot was blocked by the user". Unlike
// Telegram it queues no my_chat_member update; MyChatMember does.
func (s *Server) BlockUser(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(userID).status = StatusKicked
	s.notifyLocked()
}

// Calls returns how many authorized requests reached method, including those
// that failed. Method names are case-insensitive, as in Telegram.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[lower(method)]
}

// Sent returns the messages the bot sent, in sending order, each in its
// current (possibly edited) state. Deleted messages are left out.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ms []Message
	for _, k := range s.sent {
		if m, ok := s.messageLocked(k.chat, k.id); ok {
			ms = append(ms, m)
		}
	}
	return ms
}

// LastMessage returns the last message the bot sent to chatID, in its
// current state, and reports whether there is one.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.sent) - 1; i >= 0; i-- {
		if k := s.sent[i]; k.chat == chatID {
			if m, ok := s.messageLocked(k.chat, k.id); ok {
				return m, true
			}
		}
	}
	return Message{}, false
}

// Message returns the current state of a message of the chat, sent by the
// bot or injected, and reports whether it exists.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messageLocked(chatID, id)
}

// History returns every state of a message, as first sent and then after
// each edit.
func (s *Server) History(chatID int64, id int) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs, ok := s.chats[chatID]; ok {
		return slices.Clone(cs.versions[id])
	}
	return nil
}

// Messages returns the current state of every message of the chat, the
// bot's and the users', by increasing ID.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	var ms []Message
	for id := 1; id < cs.nextID; id++ {
		if m, ok := s.messageLocked(chatID, id); ok {
			ms = append(ms, m)
		}
	}
	return ms
}

// Commands returns the command lists set with setMyCommands and not deleted,
// one per scope and language, in the order they were first set.
func (s *Server) Commands() []CommandSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}

// CallbackAnswers returns the answerCallbackQuery calls that succeeded, in
// order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// CallbackAnswerCount returns how many callback queries were answered.
func (s *Server) CallbackAnswerCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.answers)
}

// Delivered returns how many times getUpdates returned the update.
func (s *Server) Delivered(updateID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered[updateID]
}

// Pending returns how many updates are queued and not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

func (s *Server) messageLocked(chatID int64, id int) (Message, bool) {
	cs, ok := s.chats[chatID]
	if !ok {
		return Message{}, false
	}
	vs := cs.versions[id]
	if len(vs) == 0 {
		return Message{}, false
	}
	return vs[len(vs)-1], true
}

// chatLocked returns the state of the chat, creating it on first use with a
// type guessed from the ID as Telegram allocates them.
func (s *Server) chatLocked(id int64) *chatState {
	cs, ok := s.chats[id]
	if !ok {
		c := Chat{ID: id, Type: ChatPrivate}
		switch {
		case id <= -1000000000000:
			c.Type = ChatSupergroup
		case id < 0:
			c.Type = ChatGroup
		}
		cs = &chatState{chat: c, nextID: 1, versions: make(map[int][]Message)}
		s.chats[id] = cs
	}
	return cs
}

// learnChatLocked records what a test said about a chat.
func (s *Server) learnChatLocked(c Chat) *chatState {
	cs := s.chatLocked(c.ID)
	cs.chat = c
	return cs
}

// addMessageLocked gives m the chat's next ID and a date, and stores it.
func (s *Server) addMessageLocked(cs *chatState, m Message) Message {
	m.ChatID = cs.chat.ID
	m.ID = cs.nextID
	cs.nextID++
	m.Date = s.now()
	cs.versions[m.ID] = []Message{m}
	return m
}

type handler func(s *Server, ctx context.Context, p params) (any, *APIError)

var methods map[string]handler

func init() {
	methods = map[string]handler{
		"getme":                  (*Server).getMe,
		"getupdates":             (*Server).getUpdates,
		"deletewebhook":          (*Server).deleteWebhook,
		"setmycommands":          (*Server).setMyCommands,
		"getmycommands":          (*Server).getMyCommands,
		"deletemycommands":       (*Server).deleteMyCommands,
		"sendmessage":            (*Server).sendMessage,
		"senddocument":           (*Server).sendDocument,
		"sendphoto":              (*Server).sendPhoto,
		"editmessagetext":        (*Server).editMessageText,
		"editmessagereplymarkup": (*Server).editMessageReplyMarkup,
		"deletemessage":          (*Server).deleteMessage,
		"sendchataction":         (*Server).sendChatAction,
		"answercallbackquery":    (*Server).answerCallbackQuery,
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeError(w, &APIError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		writeError(w, &APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeError(w, badRequest("unsupported HTTP method %s", r.Method))
		return
	}
	p, err := parseParams(w, r)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}

	key := lower(method)
	s.mu.Lock()
	s.calls[key]++
	var fail *APIError
	if q := s.failures[key]; len(q) > 0 {
		fail = &q[0]
		s.failures[key] = q[1:]
	}
	s.notifyLocked()
	s.mu.Unlock()

	if fail != nil {
		writeError(w, fail)
		return
	}
	h, ok := methods[key]
	if !ok {
		writeError(w, &APIError{Code: http.StatusNotFound, Description: "Not Found: method not found"})
		return
	}
	result, apiErr := h(s, r.Context(), p)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if result == nil {
		// A client gone during a long poll reads nothing.
		return
	}
	if updates, ok := result.([]json.RawMessage); ok {
		// Put together rather than encoded again: each update was
		// encoded, compact, when queued.
		n := len(`{"ok":true,"result":[]}`) + len(updates)
		for _, u := range updates {
			n += len(u)
		}
		b := append(make([]byte, 0, n), `{"ok":true,"result":[`...)
		for i, u := range updates {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, u...)
		}
		writeBody(w, http.StatusOK, append(b, "]}"...))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, result})
}

func writeError(w http.ResponseWriter, e *APIError) {
	type parameters struct {
		RetryAfter      int   `json:"retry_after,omitempty"`
		MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	}
	body := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter != 0 || e.MigrateToChatID != 0 {
		body.Parameters = &parameters{RetryAfter: e.RetryAfter, MigrateToChatID: e.MigrateToChatID}
	}
	status := e.Code
	if status < 400 || status > 599 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeBody(w, status, b)
}

// writeBody writes a JSON answer.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	// The length is given, as Telegram does, rather than left to chunked
	// encoding for answers over 2 KB.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// params are a request's parameters. A JSON string is stored unquoted and
// any other JSON value as its text, so that both encodings read alike.
type params struct {
	values map[string]string
	files  map[string]File
}

// readBody reads a request's body, at most maxBody bytes, in one buffer
// when its length is known.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, maxBody)
	if r.ContentLength <= 0 || r.ContentLength > maxBody {
		return io.ReadAll(body)
	}
	buf := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

func parseParams(w http.ResponseWriter, r *http.Request) (params, error) {
	p := params{values: make(map[string]string), files: make(map[string]File)}
	for k, v := range r.URL.Query() {
		p.values[k] = v[0]
	}
	if r.Method != http.MethodPost {
		return p, nil
	}
	body, err := readBody(w, r)
	if err != nil {
		return p, fmt.Errorf("read body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		// go-telegram/bot posts an empty multipart body for methods
		// without parameters.
		return p, nil
	}
	mediaType, mparams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return p, fmt.Errorf("content type: %w", err)
	}
	switch mediaType {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return p, fmt.Errorf("decode JSON body: %w", err)
		}
		for k, raw := range m {
			switch {
			case string(raw) == "null":
			case len(raw) > 0 && raw[0] == '"':
				var str string
				if err := json.Unmarshal(raw, &str); err != nil {
					return p, fmt.Errorf("decode %s: %w", k, err)
				}
				p.values[k] = str
			default:
				p.values[k] = string(raw)
			}
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mparams["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return p, fmt.Errorf("read multipart: %w", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return p, fmt.Errorf("read part %s: %w", part.FormName(), err)
			}
			if name := part.FileName(); name != "" {
				p.files[part.FormName()] = File{Name: name, ContentType: part.Header.Get("Content-Type"), Data: data}
				continue
			}
			p.values[part.FormName()] = string(data)
		}
	case "application/x-www-form-urlencoded":
		vs, err := url.ParseQuery(string(body))
		if err != nil {
			return p, fmt.Errorf("decode form: %w", err)
		}
		for k, v := range vs {
			p.values[k] = v[0]
		}
	default:
		return p, fmt.Errorf("unsupported content type %q", mediaType)
	}
	return p, nil
}

func (p params) has(k string) bool {
	_, ok := p.values[k]
	return ok
}

func (p params) str(k string) string { return p.values[k] }

func (p params) int64(k string) (int64, *APIError) {
	v, ok := p.values[k]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("invalid %s specified", k)
	}
	return n, nil
}

func (p params) int(k string) (int, *APIError) {
	n, err := p.int64(k)
	return int(n), err
}

func (p params) bool(k string) bool {
	b, _ := strconv.ParseBool(p.values[k])
	return b
}

func (p params) json(k string, dst any) *APIError {
	v, ok := p.values[k]
	if !ok || v == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(v), dst); err != nil {
		return badRequest("can't parse %s JSON object", k)
	}
	return nil
}
