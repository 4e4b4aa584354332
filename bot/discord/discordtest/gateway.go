package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes used by the fake.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

const writeTimeout = 2 * time.Second

// Identify is what a client sent in an Identify payload (op 2).
type Identify struct {
	Token     string
	Intents   discordgo.Intent
	Shard     *[2]int
	SessionID string
}

// GatewayStats counts gateway activity since the server started.
type GatewayStats struct {
	Connections int // websocket connections currently open
	Identifies  int
	Resumes     int // successful resumes
	Heartbeats  int
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

type gwEvent struct {
	seq  int64
	name string
	data json.RawMessage
}

type gwSession struct {
	id      string
	token   string
	intents discordgo.Intent
	seq     int64
	events  []gwEvent
	conn    *gwConn
}

type gwConn struct {
	ws      *websocket.Conn
	wmu     sync.Mutex
	session *gwSession
}

func (c *gwConn) write(f frame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteJSON(f)
}

func (c *gwConn) closeWith(code int, text string) {
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeTimeout))
	c.wmu.Unlock()
	c.ws.Close()
}

func dispatchFrame(e gwEvent) frame {
	seq, name := e.seq, e.name
	return frame{Op: opDispatch, D: e.data, S: &seq, T: &name}
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.gw.Lock()
	closed := s.gwClosed
	s.gw.Unlock()
	if closed {
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.gw.Lock()
	if s.gwClosed {
		s.gw.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.gw.Unlock()
	defer s.wg.Done()
	defer s.dropConn(c)

	s.mu.Lock()
	s.touchLocked()
	s.mu.Unlock()

	hello := mustJSON(map[string]any{"heartbeat_interval": s.beat.Milliseconds()})
	if err := c.write(frame{Op: opHello, D: hello}); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		switch f.Op {
		case opHeartbeat:
			if err := c.write(frame{Op: opHeartbeatAck}); err != nil {
				return
			}
			s.mu.Lock()
			s.heartbeats++
			s.touchLocked()
			s.mu.Unlock()
		case opIdentify:
			if !s.identify(c, f.D) {
				return
			}
		case opResume:
			if !s.resume(c, f.D) {
				return
			}
		case opPresenceUpdate:
		default:
			// Voice state, member requests and the like are accepted and
			// ignored: the fake has no voice or member list.
		}
	}
}

func (s *Server) dropConn(c *gwConn) {
	s.gw.Lock()
	delete(s.conns, c)
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	s.gw.Unlock()
	c.ws.Close()
	s.mu.Lock()
	s.touchLocked()
	s.mu.Unlock()
}

func (s *Server) tokenOK(token string) bool {
	return s.token == "" || strings.TrimPrefix(token, "Bot ") == s.token
}

func (s *Server) identify(c *gwConn, raw json.RawMessage) bool {
	var id struct {
		Token   string           `json:"token"`
		Intents discordgo.Intent `json:"intents"`
		Shard   *[2]int          `json:"shard"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	if id.Token == "" || !s.tokenOK(id.Token) {
		c.closeWith(4004, "Authentication failed.")
		return false
	}
	s.gw.Lock()
	defer s.gw.Unlock()
	if c.session != nil {
		c.closeWith(4005, "Already authenticated.")
		return false
	}
	for sid, old := range s.sessions {
		if old.token == id.Token && old.conn == nil {
			delete(s.sessions, sid)
		}
	}
	sess := &gwSession{id: randomHex(16), token: id.Token, intents: id.Intents}
	s.sessions[sess.id] = sess
	c.session = sess
	sess.conn = c

	s.mu.Lock()
	var unavailable []map[string]any
	var creates []json.RawMessage
	for _, gid := range s.guildOrder {
		g := s.guilds[gid]
		if g.removed {
			continue
		}
		unavailable = append(unavailable, map[string]any{"id": g.id, "unavailable": true})
		creates = append(creates, mustJSON(s.guildJSONLocked(g)))
	}
	bot := s.bot
	s.identifies = append(s.identifies, Identify{Token: id.Token, Intents: id.Intents, Shard: id.Shard, SessionID: sess.id})
	s.touchLocked()
	s.mu.Unlock()

	if unavailable == nil {
		unavailable = []map[string]any{}
	}
	ready := map[string]any{
		"v":                  9,
		"user":               bot,
		"guilds":             unavailable,
		"session_id":         sess.id,
		"resume_gateway_url": s.wsURL,
		"private_channels":   []any{},
		"application":        map[string]any{"id": s.appID, "flags": 0},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	s.appendLocked(sess, "READY", mustJSON(ready))
	if id.Intents&discordgo.IntentGuilds != 0 {
		for _, g := range creates {
			s.appendLocked(sess, "GUILD_CREATE", g)
		}
	}
	return true
}

func (s *Server) resume(c *gwConn, raw json.RawMessage) bool {
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(raw, &rp); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	if !s.tokenOK(rp.Token) {
		c.closeWith(4004, "Authentication failed.")
		return false
	}
	s.gw.Lock()
	defer s.gw.Unlock()
	sess := s.sessions[rp.SessionID]
	if sess == nil || sess.token != rp.Token || c.session != nil {
		// Not resumable: the client must identify again.
		return c.write(frame{Op: opInvalidSession, D: json.RawMessage("false")}) == nil
	}
	if old := sess.conn; old != nil && old != c {
		old.session = nil
		old.ws.Close()
	}
	for _, e := range sess.events {
		if e.seq > rp.Seq {
			if err := c.write(dispatchFrame(e)); err != nil {
				return false
			}
		}
	}
	c.session = sess
	sess.conn = c
	s.appendLocked(sess, "RESUMED", json.RawMessage(`{"_trace":["discordtest"]}`))
	s.mu.Lock()
	s.resumes++
	s.touchLocked()
	s.mu.Unlock()
	return true
}

// appendLocked logs an event in sess and sends it if sess is connected; s.gw
// must be held. A failed write leaves the event for a resume to replay.
func (s *Server) appendLocked(sess *gwSession, name string, data json.RawMessage) {
	sess.seq++
	e := gwEvent{seq: sess.seq, name: name, data: data}
	sess.events = append(sess.events, e)
	if c := sess.conn; c != nil {
		if err := c.write(dispatchFrame(e)); err != nil {
			sess.conn = nil
			c.session = nil
			c.ws.Close()
		}
	}
}

// dispatch sends an event to every gateway session, or only to those that
// asked for intent when it is not zero.
func (s *Server) dispatch(name string, data json.RawMessage, intent discordgo.Intent) {
	s.gw.Lock()
	for _, sess := range s.sessions {
		if intent != 0 && sess.intents&intent == 0 {
			continue
		}
		s.appendLocked(sess, name, data)
	}
	s.gw.Unlock()
	s.mu.Lock()
	s.touchLocked()
	s.mu.Unlock()
}

// Dispatch sends event name with payload (encoded as JSON unless it is a
// json.RawMessage or []byte) to every gateway session that has identified.
// While a session is disconnected its events are kept and replayed when it
// resumes; events dispatched before any Identify are lost. Dispatch panics if
// payload cannot be encoded, which is a bug in the test.
func (s *Server) Dispatch(name string, payload any) {
	var raw json.RawMessage
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = json.RawMessage(p)
	default:
		raw = mustJSON(payload)
	}
	s.dispatch(name, raw, 0)
}

// DropConnection abruptly closes every gateway connection, without a close
// frame, as a network failure would. Sessions stay resumable: discordgo
// reconnects, sends Resume and gets the events it missed.
func (s *Server) DropConnection() {
	s.gw.Lock()
	defer s.gw.Unlock()
	for c := range s.conns {
		if c.session != nil {
			c.session.conn = nil
			c.session = nil
		}
		c.ws.Close()
	}
}

// RequestReconnect sends op 7 Reconnect on every connection, asking clients
// to reconnect and resume.
func (s *Server) RequestReconnect() {
	s.gw.Lock()
	defer s.gw.Unlock()
	for c := range s.conns {
		_ = c.write(frame{Op: opReconnect})
	}
}

// InvalidateSessions forgets every gateway session and sends op 9 Invalid
// Session (not resumable) on open connections, forcing a new Identify.
func (s *Server) InvalidateSessions() {
	s.gw.Lock()
	defer s.gw.Unlock()
	for id, sess := range s.sessions {
		if c := sess.conn; c != nil {
			c.session = nil
			_ = c.write(frame{Op: opInvalidSession, D: json.RawMessage("false")})
		}
		delete(s.sessions, id)
	}
}

// Identifies returns every Identify received, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identifies...)
}

// GatewayStats returns counters of gateway activity.
func (s *Server) GatewayStats() GatewayStats {
	s.gw.Lock()
	n := len(s.conns)
	s.gw.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return GatewayStats{Connections: n, Identifies: len(s.identifies), Resumes: s.resumes, Heartbeats: s.heartbeats}
}

// Events returns the names of the events dispatched so far in gateway
// session sessionID (see Identify.SessionID), in sequence order.
func (s *Server) Events(sessionID string) []string {
	s.gw.Lock()
	defer s.gw.Unlock()
	sess := s.sessions[sessionID]
	if sess == nil {
		return nil
	}
	names := make([]string, len(sess.events))
	for i, e := range sess.events {
		names[i] = e.name
	}
	return names
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: encode %T: %v", v, err))
	}
	return b
}

func (s *Server) guildJSONLocked(g *guild) map[string]any {
	chans := make([]map[string]any, 0, len(g.channels))
	for _, id := range g.channels {
		if c := s.channels[id]; c != nil && !c.removed {
			chans = append(chans, channelJSON(c))
		}
	}
	return map[string]any{
		"id":               g.id,
		"name":             g.name,
		"unavailable":      false,
		"owner_id":         "1000000000000000001",
		"preferred_locale": g.locale,
		"joined_at":        time.Now().UTC().Format(time.RFC3339),
		"member_count":     2,
		"channels":         chans,
		"members":          []any{},
		"roles":            []any{},
		"emojis":           []any{},
		"voice_states":     []any{},
		"presences":        []any{},
		"threads":          []any{},
	}
}

func channelJSON(c *channel) map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ, "name": "channel-" + c.id}
	if c.guildID != "" {
		m["guild_id"] = c.guildID
	}
	return m
}
