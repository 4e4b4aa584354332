package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// maxFileSize is Discord's default upload limit per request.
const maxFileSize = 10 << 20

// apiError is a Discord JSON error body with its HTTP status.
type apiError struct {
	status  int
	code    int
	message string
}

var (
	errUnknownChannel     = &apiError{http.StatusNotFound, 10003, "Unknown Channel"}
	errUnknownMessage     = &apiError{http.StatusNotFound, 10008, "Unknown Message"}
	errUnknownWebhook     = &apiError{http.StatusNotFound, 10015, "Unknown Webhook"}
	errUnknownInteraction = &apiError{http.StatusNotFound, 10062, "Unknown interaction"}
	errUnknownCommand     = &apiError{http.StatusNotFound, 10063, "Unknown application command"}
	errMissingAccess      = &apiError{http.StatusForbidden, 50001, "Missing Access"}
	errCannotMessageUser  = &apiError{http.StatusForbidden, 50007, "Cannot send messages to this user"}
	errNotAuthorizedApp   = &apiError{http.StatusForbidden, 20012, "You are not authorized to perform this action on this application"}
	errEmptyMessage       = &apiError{http.StatusBadRequest, 50006, "Cannot send an empty message"}
	errAlreadyAcked       = &apiError{http.StatusBadRequest, 40060, "Interaction has already been acknowledged."}
	errUnauthorized       = &apiError{http.StatusUnauthorized, 0, "401: Unauthorized"}
	errNotFound           = &apiError{http.StatusNotFound, 0, "404: Not Found"}
	errTooLarge           = &apiError{http.StatusRequestEntityTooLarge, 40005, "Request entity too large"}
)

func invalidForm(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, 50035, "Invalid Form Body: " + fmt.Sprintf(format, args...)}
}

type failure struct {
	route      string
	left       int
	status     int
	retryAfter float64
	global     bool
	after      bool // the call is carried out, and its answer lost
}

// FailNext makes the next n REST calls whose route ("METHOD /path" without
// the /api/vN prefix, see Request.Route) contains route fail with status.
// A 429 carries Discord's rate limit headers and body with retryAfter
// seconds; discordgo then sleeps that long and retries, without limit unless
// Session.ShouldRetryOnRateLimit is false. Other statuses carry Discord's
// usual error body (403 Missing Access, 404 Unknown Channel, ...).
func (s *Server) FailNext(route string, n, status int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{route: route, left: n, status: status, retryAfter: retryAfter})
}

// LoseAnswerOfNext makes the next n REST calls whose route contains route
// carried out, but answered with status (a 5xx whose call went through, as
// when Discord's edge times out after its backend has acted).
func (s *Server) LoseAnswerOfNext(route string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{route: route, left: n, status: status, after: true})
}

// CloseDirectMessages makes userID refuse direct messages from the bot, as
// a member who turned them off for the server does: sending to their DM
// channel answers 403 with code 50007.
func (s *Server) CloseDirectMessages(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closedDMs[userID] = true
}

// RateLimitGlobally makes the next n REST calls, whatever their route, fail
// with a global 429 of retryAfter seconds.
func (s *Server) RateLimitGlobally(n int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{left: n, status: http.StatusTooManyRequests, retryAfter: retryAfter, global: true})
}

var apiPrefix = regexp.MustCompile(`^/api(/v\d+)?`)

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	path := apiPrefix.ReplaceAllString(r.URL.Path, "")
	route := r.Method + " " + path
	req := Request{Route: route, Authorization: r.Header.Get("Authorization")}

	s.mu.Lock()
	for i, f := range s.failures {
		if f.left == 0 || !strings.Contains(route, f.route) {
			continue
		}
		f.left--
		if f.left == 0 {
			s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
		}
		if f.after {
			s.mu.Unlock()
			s.route(httptest.NewRecorder(), r, path) // carried out; its answer lost
			s.mu.Lock()
		}
		req.Status, req.Handled = f.status, true
		s.requests = append(s.requests, req)
		s.touchLocked()
		s.mu.Unlock()
		writeFailure(w, f)
		return
	}
	s.mu.Unlock()

	var status int
	handled := true
	if !apiPrefix.MatchString(r.URL.Path) {
		handled = false
		status = writeError(w, errNotFound)
	} else if s.token != "" && !isWebhookRoute(path) && !s.tokenOK(strings.TrimPrefix(req.Authorization, "Bot ")) {
		status = writeError(w, errUnauthorized)
	} else {
		status, handled = s.route(w, r, path)
	}

	s.mu.Lock()
	req.Status, req.Handled = status, handled
	s.requests = append(s.requests, req)
	s.touchLocked()
	s.mu.Unlock()
}

func isWebhookRoute(path string) bool {
	return strings.HasPrefix(path, "/webhooks/") || strings.HasPrefix(path, "/interactions/")
}

func writeFailure(w http.ResponseWriter, f *failure) {
	if f.status != http.StatusTooManyRequests {
		e := &apiError{f.status, 0, http.StatusText(f.status)}
		switch f.status {
		case http.StatusForbidden:
			e = errMissingAccess
		case http.StatusNotFound:
			e = errUnknownChannel
		}
		writeError(w, e)
		return
	}
	ra := strconv.FormatFloat(f.retryAfter, 'f', 3, 64)
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(f.retryAfter+0.999)))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().UnixMilli())/1000+f.retryAfter, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", ra)
	h.Set("X-RateLimit-Bucket", "discordtest")
	scope := "user"
	if f.global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": f.retryAfter,
		"global":      f.global,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
	return status
}

func writeError(w http.ResponseWriter, e *apiError) int {
	return writeJSON(w, e.status, map[string]any{"message": e.message, "code": e.code})
}

func noContent(w http.ResponseWriter) int {
	w.WriteHeader(http.StatusNoContent)
	return http.StatusNoContent
}

// route serves path and reports the status written and whether the route
// is implemented.
func (s *Server) route(w http.ResponseWriter, r *http.Request, path string) (int, bool) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	is := func(method string, pattern ...string) bool {
		if r.Method != method || len(seg) != len(pattern) {
			return false
		}
		for i, p := range pattern {
			if p != "*" && p != seg[i] {
				return false
			}
		}
		return true
	}
	switch {
	case is("GET", "gateway"):
		return writeJSON(w, 200, map[string]any{"url": s.wsURL}), true
	case is("GET", "gateway", "bot"):
		return writeJSON(w, 200, map[string]any{
			"url":    s.wsURL,
			"shards": 1,
			"session_start_limit": map[string]any{
				"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1,
			},
		}), true
	case is("GET", "users", "@me"):
		return writeJSON(w, 200, s.bot), true
	case is("GET", "users", "*"):
		s.mu.Lock()
		u := *s.userLocked(seg[1])
		s.mu.Unlock()
		return writeJSON(w, 200, u), true
	case is("POST", "users", "@me", "channels"):
		return s.createDM(w, r), true
	case is("GET", "channels", "*"):
		return s.getChannel(w, seg[1]), true
	case is("POST", "channels", "*", "messages"):
		return s.createChannelMessage(w, r, seg[1]), true
	case is("GET", "channels", "*", "messages", "*"):
		return s.channelMessage(w, r, seg[1], seg[3]), true
	case is("PATCH", "channels", "*", "messages", "*"):
		return s.channelMessage(w, r, seg[1], seg[3]), true
	case is("DELETE", "channels", "*", "messages", "*"):
		return s.channelMessage(w, r, seg[1], seg[3]), true
	case is("POST", "interactions", "*", "*", "callback"):
		return s.callback(w, r, seg[1], seg[2]), true
	case is("POST", "webhooks", "*", "*"):
		return s.followup(w, r, seg[1], seg[2]), true
	case is("GET", "webhooks", "*", "*", "messages", "*"),
		is("PATCH", "webhooks", "*", "*", "messages", "*"),
		is("DELETE", "webhooks", "*", "*", "messages", "*"):
		return s.webhookMessage(w, r, seg[1], seg[2], seg[4]), true
	case is("GET", "applications", "*", "commands"),
		is("PUT", "applications", "*", "commands"),
		is("POST", "applications", "*", "commands"):
		return s.commandsRoute(w, r, seg[1], "", ""), true
	case is("DELETE", "applications", "*", "commands", "*"):
		return s.commandsRoute(w, r, seg[1], "", seg[3]), true
	case is("GET", "applications", "*", "guilds", "*", "commands"),
		is("PUT", "applications", "*", "guilds", "*", "commands"),
		is("POST", "applications", "*", "guilds", "*", "commands"):
		return s.commandsRoute(w, r, seg[1], seg[3], ""), true
	case is("DELETE", "applications", "*", "guilds", "*", "commands", "*"):
		return s.commandsRoute(w, r, seg[1], seg[3], seg[5]), true
	}
	return writeError(w, errNotFound), false
}

// readBody returns the JSON payload of r and its files, whether r is JSON
// or multipart/form-data with a payload_json part and files[n] parts.
func readBody(r *http.Request) (json.RawMessage, []*attachment, *apiError) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxFileSize+1))
		if err != nil {
			return nil, nil, invalidForm("read body: %v", err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, nil, nil
		}
		if !json.Valid(b) {
			return nil, nil, &apiError{http.StatusBadRequest, 50109, "The request body contains invalid JSON."}
		}
		return b, nil, nil
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var payload json.RawMessage
	var files []*attachment
	total := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, invalidForm("multipart: %v", err)
		}
		data, err := io.ReadAll(io.LimitReader(p, maxFileSize+1))
		if err != nil {
			return nil, nil, invalidForm("multipart: %v", err)
		}
		switch {
		case p.FormName() == "payload_json":
			if !json.Valid(data) {
				return nil, nil, &apiError{http.StatusBadRequest, 50109, "The request body contains invalid JSON."}
			}
			payload = data
		case p.FileName() != "":
			total += len(data)
			if total > maxFileSize {
				return nil, nil, errTooLarge
			}
			ct := p.Header.Get("Content-Type")
			files = append(files, &attachment{name: p.FileName(), contentType: ct, data: data})
		}
	}
	if len(files) > 10 {
		return nil, nil, invalidForm("files: must be 10 or fewer in length")
	}
	return payload, files, nil
}

// fields splits a JSON object into its members; a missing body is empty.
func fields(raw json.RawMessage) (map[string]json.RawMessage, *apiError) {
	f := map[string]json.RawMessage{}
	if len(raw) == 0 {
		return f, nil
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, invalidForm("expected an object")
	}
	return f, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

func (s *Server) createDM(w http.ResponseWriter, r *http.Request) int {
	body, _, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.RecipientID == "" {
		return writeError(w, invalidForm("recipient_id: required"))
	}
	s.mu.Lock()
	id, ok := s.dms[req.RecipientID]
	if !ok {
		id = s.newID()
		s.dms[req.RecipientID] = id
		s.channels[id] = &channel{id: id, typ: discordgo.ChannelTypeDM, userID: req.RecipientID}
	}
	u := *s.userLocked(req.RecipientID)
	s.mu.Unlock()
	return writeJSON(w, 200, map[string]any{
		"id": id, "type": discordgo.ChannelTypeDM, "last_message_id": nil, "flags": 0,
		"recipients": []discordgo.User{u},
	})
}

// channelLocked returns channel id if the bot may use it.
func (s *Server) channelLocked(id string) (*channel, *apiError) {
	c, ok := s.channels[id]
	if !ok || c.removed {
		return nil, errUnknownChannel
	}
	if c.guildID != "" {
		if g := s.guilds[c.guildID]; g != nil && g.removed {
			return nil, errMissingAccess
		}
	}
	return c, nil
}

func (s *Server) getChannel(w http.ResponseWriter, id string) int {
	s.mu.Lock()
	c, e := s.channelLocked(id)
	var body map[string]any
	if e == nil {
		body = channelJSON(c)
		if c.userID != "" {
			body["recipients"] = []discordgo.User{*s.userLocked(c.userID)}
		}
	}
	s.mu.Unlock()
	if e != nil {
		return writeError(w, e)
	}
	return writeJSON(w, 200, body)
}

func (s *Server) createChannelMessage(w http.ResponseWriter, r *http.Request, channelID string) int {
	body, files, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	f, e := fields(body)
	if e != nil {
		return writeError(w, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.channelLocked(channelID)
	if e != nil {
		return writeError(w, e)
	}
	if c.typ == discordgo.ChannelTypeDM && s.closedDMs[c.userID] {
		return writeError(w, errCannotMessageUser)
	}
	m := &message{id: s.newID(), channelID: channelID, guildID: c.guildID, created: time.Now().UTC()}
	if e := s.applyLocked(m, f, files, true); e != nil {
		return writeError(w, e)
	}
	m.flags &= discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications
	s.storeLocked(m)
	return writeJSON(w, 200, m.toJSON(s))
}

func (s *Server) channelMessage(w http.ResponseWriter, r *http.Request, channelID, messageID string) int {
	body, files, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	f, e := fields(body)
	if e != nil {
		return writeError(w, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.channelLocked(channelID); e != nil {
		return writeError(w, e)
	}
	m, ok := s.messages[messageID]
	// Ephemeral messages exist only for their interaction's webhook.
	if !ok || m.deleted || m.channelID != channelID || m.flags&discordgo.MessageFlagsEphemeral != 0 {
		return writeError(w, errUnknownMessage)
	}
	switch r.Method {
	case "GET":
	case "DELETE":
		m.deleted = true
		return noContent(w)
	case "PATCH":
		if e := s.applyLocked(m, f, files, false); e != nil {
			return writeError(w, e)
		}
	}
	return writeJSON(w, 200, m.toJSON(s))
}

func (s *Server) storeLocked(m *message) {
	s.messages[m.id] = m
	s.messageOrder = append(s.messageOrder, m.id)
}

// applyLocked validates the message fields f and files and applies them to
// m, as a creation or as an edit (where absent fields are left alone). m is
// left unchanged on error.
func (s *Server) applyLocked(m *message, f map[string]json.RawMessage, files []*attachment, create bool) *apiError {
	next := *m
	next.attachments = append([]*attachment(nil), m.attachments...)
	if v, ok := f["content"]; ok {
		next.content = ""
		if !isNull(v) {
			if err := json.Unmarshal(v, &next.content); err != nil {
				return invalidForm("content: must be a string")
			}
		}
	}
	if v, ok := f["embeds"]; ok {
		next.embeds = nil
		if !isNull(v) {
			next.embeds = v
		}
	}
	if v, ok := f["components"]; ok {
		next.components = nil
		if !isNull(v) {
			next.components = v
		}
	}
	if v, ok := f["allowed_mentions"]; ok {
		next.allowedMentions = v
	}
	if v, ok := f["flags"]; ok && !isNull(v) {
		var fl discordgo.MessageFlags
		if err := json.Unmarshal(v, &fl); err != nil {
			return invalidForm("flags: must be an integer")
		}
		if create {
			next.flags = fl
		} else {
			keep := next.flags &^ discordgo.MessageFlagsSuppressEmbeds
			next.flags = keep | fl&discordgo.MessageFlagsSuppressEmbeds
		}
	}
	if v, ok := f["attachments"]; ok && !create {
		var keep []struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(v, &keep)
		var kept []*attachment
		for _, a := range next.attachments {
			for _, k := range keep {
				if k.ID == a.id {
					kept = append(kept, a)
				}
			}
		}
		next.attachments = kept
	}
	for _, a := range files {
		a.id = s.newID()
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		next.attachments = append(next.attachments, a)
	}
	if e := validateMessage(&next, f); e != nil {
		return e
	}
	if !create {
		next.edits++
		next.edited = time.Now().UTC()
	}
	*m = next
	return nil
}

func validateMessage(m *message, f map[string]json.RawMessage) *apiError {
	if n := utf8.RuneCountInString(m.content); n > 2000 {
		return invalidForm("content: must be 2000 or fewer in length")
	}
	var embeds []map[string]any
	if len(m.embeds) > 0 {
		if err := json.Unmarshal(m.embeds, &embeds); err != nil {
			return invalidForm("embeds: must be an array")
		}
	}
	if len(embeds) > 10 {
		return invalidForm("embeds: must be 10 or fewer in length")
	}
	total := 0
	for i, e := range embeds {
		for key, max := range map[string]int{"title": 256, "description": 4096} {
			v, _ := e[key].(string)
			total += utf8.RuneCountInString(v)
			if utf8.RuneCountInString(v) > max {
				return invalidForm("embeds.%d.%s: must be %d or fewer in length", i, key, max)
			}
		}
		fs, _ := e["fields"].([]any)
		if len(fs) > 25 {
			return invalidForm("embeds.%d.fields: must be 25 or fewer in length", i)
		}
	}
	if total > 6000 {
		return invalidForm("embeds: total size must be 6000 or fewer")
	}
	var comps []any
	if len(m.components) > 0 {
		if err := json.Unmarshal(m.components, &comps); err != nil {
			return invalidForm("components: must be an array")
		}
	}
	if e := validateComponents(comps, m.flags); e != nil {
		return e
	}
	_, hasSticker := f["sticker_ids"]
	if hasSticker && isNull(f["sticker_ids"]) || string(bytes.TrimSpace(f["sticker_ids"])) == "[]" {
		hasSticker = false
	}
	_, hasPoll := f["poll"]
	if hasPoll && isNull(f["poll"]) {
		hasPoll = false
	}
	if m.content == "" && len(embeds) == 0 && len(comps) == 0 && len(m.attachments) == 0 && !hasSticker && !hasPoll {
		return errEmptyMessage
	}
	return nil
}

func validateComponents(comps []any, flags discordgo.MessageFlags) *apiError {
	const componentsV2 = 1 << 15
	if flags&componentsV2 == 0 && len(comps) > 5 {
		return invalidForm("components: must be 5 or fewer in length")
	}
	seen := map[string]bool{}
	for i, c := range comps {
		row, _ := c.(map[string]any)
		t, _ := row["type"].(float64)
		if flags&componentsV2 == 0 && discordgo.ComponentType(t) != discordgo.ActionsRowComponent {
			return invalidForm("components.%d.type: top-level components must be action rows", i)
		}
		children, _ := row["components"].([]any)
		if discordgo.ComponentType(t) == discordgo.ActionsRowComponent && (len(children) == 0 || len(children) > 5) {
			return invalidForm("components.%d.components: must be between 1 and 5 in length", i)
		}
	}
	var bad *apiError
	walkComponents(comps, func(c map[string]any) {
		if bad != nil {
			return
		}
		t, _ := c["type"].(float64)
		id, hasID := c["custom_id"].(string)
		switch discordgo.ComponentType(t) {
		case discordgo.TextInputComponent:
			bad = invalidForm("components: text inputs are only valid in modals")
			return
		case discordgo.ButtonComponent:
			style, _ := c["style"].(float64)
			if discordgo.ButtonStyle(style) == discordgo.LinkButton {
				if u, _ := c["url"].(string); u == "" {
					bad = invalidForm("components: a link button needs a url")
				}
				return
			}
			if label, _ := c["label"].(string); utf8.RuneCountInString(label) > 80 {
				bad = invalidForm("components: button label must be 80 or fewer in length")
				return
			}
			if !hasID || id == "" {
				bad = invalidForm("components: a button needs a custom_id")
				return
			}
		}
		if hasID {
			if utf8.RuneCountInString(id) > 100 {
				bad = invalidForm("components: custom_id must be 100 or fewer in length")
			} else if seen[id] {
				bad = invalidForm("components: custom_id %q is duplicated", id)
			}
			seen[id] = true
		}
	})
	return bad
}

func validateModal(f map[string]json.RawMessage) (id, title string, comps json.RawMessage, e *apiError) {
	_ = json.Unmarshal(f["custom_id"], &id)
	_ = json.Unmarshal(f["title"], &title)
	if n := utf8.RuneCountInString(id); n < 1 || n > 100 {
		return "", "", nil, invalidForm("data.custom_id: must be between 1 and 100 in length")
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > 45 {
		return "", "", nil, invalidForm("data.title: must be between 1 and 45 in length")
	}
	var rows []map[string]any
	if err := json.Unmarshal(f["components"], &rows); err != nil || len(rows) < 1 || len(rows) > 5 {
		return "", "", nil, invalidForm("data.components: must be between 1 and 5 in length")
	}
	seen := map[string]bool{}
	for i, row := range rows {
		var input map[string]any
		switch t, _ := row["type"].(float64); t {
		case float64(discordgo.ActionsRowComponent):
			children, _ := row["components"].([]any)
			if len(children) != 1 {
				return "", "", nil, invalidForm("data.components.%d.components: must hold exactly one text input", i)
			}
			input, _ = children[0].(map[string]any)
			if label, _ := input["label"].(string); label == "" || utf8.RuneCountInString(label) > 45 {
				return "", "", nil, invalidForm("data.components.%d: text input label must be between 1 and 45 in length", i)
			}
		case 18: // label
			input, _ = row["component"].(map[string]any)
		default:
			return "", "", nil, invalidForm("data.components.%d.type: must be an action row or a label", i)
		}
		if t, _ := input["type"].(float64); discordgo.ComponentType(t) != discordgo.TextInputComponent {
			return "", "", nil, invalidForm("data.components.%d: expected a text input", i)
		}
		cid, _ := input["custom_id"].(string)
		if cid == "" || utf8.RuneCountInString(cid) > 100 || seen[cid] {
			return "", "", nil, invalidForm("data.components.%d.custom_id: must be unique, 1 to 100 long", i)
		}
		seen[cid] = true
		if st, _ := input["style"].(float64); st != 1 && st != 2 {
			return "", "", nil, invalidForm("data.components.%d.style: must be 1 or 2", i)
		}
	}
	return id, title, f["components"], nil
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request, id, token string) int {
	body, files, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	var resp struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return writeError(w, invalidForm("expected an object"))
	}
	data, e := fields(resp.Data)
	if isNull(resp.Data) {
		data, e = map[string]json.RawMessage{}, nil
	}
	if e != nil {
		return writeError(w, e)
	}

	rec := InteractionResponse{InteractionID: id, Type: resp.Type, Raw: body}
	if v, ok := data["content"]; ok {
		_ = json.Unmarshal(v, &rec.Content)
	}
	_ = json.Unmarshal(data["flags"], &rec.Flags)
	_ = json.Unmarshal(data["embeds"], &rec.Embeds)
	_ = json.Unmarshal(data["allowed_mentions"], &rec.AllowedMentions)
	_ = json.Unmarshal(data["choices"], &rec.Choices)
	_ = json.Unmarshal(data["custom_id"], &rec.CustomID)
	_ = json.Unmarshal(data["title"], &rec.Title)
	rec.Components = decodeComponents(data["components"])
	for _, a := range files {
		rec.Files = append(rec.Files, File{Name: a.name, ContentType: a.contentType, Data: a.data})
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	record := func(status int) int {
		rec.Status = status
		s.responses = append(s.responses, rec)
		return status
	}
	in, ok := s.interactions[id]
	if !ok || in.Token != token {
		return record(writeError(w, errUnknownInteraction))
	}
	if in.acked {
		return record(writeError(w, errAlreadyAcked))
	}
	fromComponent := in.MessageID != "" && (in.Type == discordgo.InteractionMessageComponent || in.Type == discordgo.InteractionModalSubmit)
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		if in.Type == discordgo.InteractionApplicationCommandAutocomplete {
			return record(writeError(w, invalidForm("type: not valid for autocomplete")))
		}
		m := &message{id: s.newID(), channelID: in.ChannelID, guildID: in.GuildID, interactionID: in.ID, webhook: true, created: time.Now().UTC()}
		if resp.Type == discordgo.InteractionResponseChannelMessageWithSource {
			if e := s.applyLocked(m, data, files, true); e != nil {
				return record(writeError(w, e))
			}
		} else {
			var fl discordgo.MessageFlags
			_ = json.Unmarshal(data["flags"], &fl)
			m.flags = fl&discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsLoading
		}
		m.flags &= discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications | discordgo.MessageFlagsLoading | 1<<15
		s.storeLocked(m)
		in.originalID = m.id
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		if !fromComponent {
			return record(writeError(w, invalidForm("type: only valid for component interactions")))
		}
		m := s.messages[in.MessageID]
		if m == nil || m.deleted {
			return record(writeError(w, errUnknownMessage))
		}
		if resp.Type == discordgo.InteractionResponseUpdateMessage {
			delete(data, "flags")
			if e := s.applyLocked(m, data, files, false); e != nil {
				return record(writeError(w, e))
			}
		}
		in.originalID = m.id
	case discordgo.InteractionResponseModal:
		if in.Type == discordgo.InteractionModalSubmit || in.Type == discordgo.InteractionApplicationCommandAutocomplete {
			return record(writeError(w, invalidForm("type: a modal cannot answer this interaction")))
		}
		mid, title, comps, e := validateModal(data)
		if e != nil {
			return record(writeError(w, e))
		}
		in.modalID, in.modalTitle, in.modal = mid, title, comps
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if in.Type != discordgo.InteractionApplicationCommandAutocomplete {
			return record(writeError(w, invalidForm("type: only valid for autocomplete")))
		}
	default:
		return record(writeError(w, invalidForm("type: unsupported interaction response type %d", resp.Type)))
	}
	in.acked = true
	in.respType = resp.Type
	rec.MessageID = in.originalID
	return record(noContent(w))
}

// interactionByToken finds the interaction owning a webhook token.
func (s *Server) interactionByTokenLocked(appID, token string) (*interaction, *apiError) {
	if appID != s.appID {
		return nil, errUnknownWebhook
	}
	for _, in := range s.interactions {
		if in.Token == token {
			return in, nil
		}
	}
	return nil, errUnknownWebhook
}

func (s *Server) followup(w http.ResponseWriter, r *http.Request, appID, token string) int {
	body, files, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	f, e := fields(body)
	if e != nil {
		return writeError(w, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, e := s.interactionByTokenLocked(appID, token)
	if e != nil {
		return writeError(w, e)
	}
	if !in.acked {
		return writeError(w, errUnknownWebhook)
	}
	// The first followup after a deferred response replaces the loading
	// message, keeping its visibility.
	if orig := s.messages[in.originalID]; orig != nil && !orig.deleted && in.respType == discordgo.InteractionResponseDeferredChannelMessageWithSource && orig.flags&discordgo.MessageFlagsLoading != 0 {
		delete(f, "flags")
		if e := s.applyLocked(orig, f, files, false); e != nil {
			return writeError(w, e)
		}
		orig.flags &^= discordgo.MessageFlagsLoading
		orig.edits = 0
		return s.webhookReply(w, r, orig)
	}
	m := &message{id: s.newID(), channelID: in.ChannelID, guildID: in.GuildID, interactionID: in.ID, followup: true, webhook: true, created: time.Now().UTC()}
	if e := s.applyLocked(m, f, files, true); e != nil {
		return writeError(w, e)
	}
	m.flags &= discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications
	s.storeLocked(m)
	return s.webhookReply(w, r, m)
}

func (s *Server) webhookReply(w http.ResponseWriter, r *http.Request, m *message) int {
	if r.URL.Query().Get("wait") != "true" {
		return noContent(w)
	}
	return writeJSON(w, 200, m.toJSON(s))
}

func (s *Server) webhookMessage(w http.ResponseWriter, r *http.Request, appID, token, messageID string) int {
	body, files, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	f, e := fields(body)
	if e != nil {
		return writeError(w, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, e := s.interactionByTokenLocked(appID, token)
	if e != nil {
		return writeError(w, e)
	}
	if messageID == "@original" {
		messageID = in.originalID
	}
	m := s.messages[messageID]
	if m == nil || m.deleted || (m.interactionID != in.ID && messageID != in.originalID) {
		return writeError(w, errUnknownMessage)
	}
	switch r.Method {
	case "DELETE":
		m.deleted = true
		return noContent(w)
	case "PATCH":
		delete(f, "flags")
		if e := s.applyLocked(m, f, files, false); e != nil {
			return writeError(w, e)
		}
		m.flags &^= discordgo.MessageFlagsLoading
	}
	return writeJSON(w, 200, m.toJSON(s))
}

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

func validateCommand(c *discordgo.ApplicationCommand) *apiError {
	chat := c.Type == 0 || c.Type == discordgo.ChatApplicationCommand
	names := map[discordgo.Locale]string{"": c.Name}
	if c.NameLocalizations != nil {
		for l, n := range *c.NameLocalizations {
			names[l] = n
		}
	}
	for l, n := range names {
		if l != "" {
			if _, ok := discordgo.Locales[l]; !ok {
				return invalidForm("name_localizations: %q is not a valid locale", l)
			}
		}
		if chat && (!commandName.MatchString(n) || strings.ToLower(n) != n) {
			return invalidForm("name: %q must be 1-32 lowercase letters, digits, - or _", n)
		}
		if !chat && (n == "" || utf8.RuneCountInString(n) > 32) {
			return invalidForm("name: must be between 1 and 32 in length")
		}
	}
	descs := map[discordgo.Locale]string{"": c.Description}
	if c.DescriptionLocalizations != nil {
		for l, d := range *c.DescriptionLocalizations {
			descs[l] = d
		}
	}
	for l, d := range descs {
		if l != "" {
			if _, ok := discordgo.Locales[l]; !ok {
				return invalidForm("description_localizations: %q is not a valid locale", l)
			}
		}
		if chat && (d == "" || utf8.RuneCountInString(d) > 100) {
			return invalidForm("description: must be between 1 and 100 in length")
		}
	}
	return validateOptions(c.Options, "options")
}

func validateOptions(opts []*discordgo.ApplicationCommandOption, at string) *apiError {
	if len(opts) > 25 {
		return invalidForm("%s: must be 25 or fewer in length", at)
	}
	seen := map[string]bool{}
	optional := false
	for i, o := range opts {
		if !commandName.MatchString(o.Name) || strings.ToLower(o.Name) != o.Name || seen[o.Name] {
			return invalidForm("%s.%d.name: %q is invalid or duplicated", at, i, o.Name)
		}
		seen[o.Name] = true
		if o.Description == "" || utf8.RuneCountInString(o.Description) > 100 {
			return invalidForm("%s.%d.description: must be between 1 and 100 in length", at, i)
		}
		for l := range o.NameLocalizations {
			if _, ok := discordgo.Locales[l]; !ok {
				return invalidForm("%s.%d.name_localizations: %q is not a valid locale", at, i, l)
			}
		}
		for l := range o.DescriptionLocalizations {
			if _, ok := discordgo.Locales[l]; !ok {
				return invalidForm("%s.%d.description_localizations: %q is not a valid locale", at, i, l)
			}
		}
		if o.Required && optional {
			return invalidForm("%s.%d.required: required options must be placed before non-required options", at, i)
		}
		if !o.Required {
			optional = true
		}
		if len(o.Choices) > 25 {
			return invalidForm("%s.%d.choices: must be 25 or fewer in length", at, i)
		}
		if e := validateOptions(o.Options, fmt.Sprintf("%s.%d.options", at, i)); e != nil {
			return e
		}
	}
	return nil
}

func (s *Server) commandsRoute(w http.ResponseWriter, r *http.Request, appID, guildID, cmdID string) int {
	body, _, e := readBody(r)
	if e != nil {
		return writeError(w, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if appID != s.appID {
		return writeError(w, errNotAuthorizedApp)
	}
	if guildID != "" {
		if g := s.guilds[guildID]; g == nil || g.removed {
			return writeError(w, errMissingAccess)
		}
	}
	existing := s.commands[guildID]
	switch r.Method {
	case "GET":
		return writeJSON(w, 200, nonNil(existing))
	case "DELETE":
		for i, c := range existing {
			if c.ID == cmdID {
				s.commands[guildID] = append(existing[:i:i], existing[i+1:]...)
				s.commandWrites[guildID]++
				return noContent(w)
			}
		}
		return writeError(w, errUnknownCommand)
	case "POST":
		var c discordgo.ApplicationCommand
		if err := json.Unmarshal(body, &c); err != nil {
			return writeError(w, invalidForm("expected an application command"))
		}
		if e := validateCommand(&c); e != nil {
			return writeError(w, e)
		}
		stored := s.prepareCommandLocked(&c, guildID, existing)
		next := []*discordgo.ApplicationCommand{}
		for _, old := range existing {
			if old.ID != stored.ID {
				next = append(next, old)
			}
		}
		s.commands[guildID] = append(next, stored)
		s.commandWrites[guildID]++
		return writeJSON(w, 201, stored)
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(body, &cmds); err != nil {
		return writeError(w, invalidForm("expected an array of application commands"))
	}
	if len(cmds) > 100 {
		return writeError(w, invalidForm("must be 100 or fewer in length"))
	}
	seen := map[string]bool{}
	out := []*discordgo.ApplicationCommand{}
	for i, c := range cmds {
		if c == nil {
			return writeError(w, invalidForm("%d: expected an application command", i))
		}
		if e := validateCommand(c); e != nil {
			return writeError(w, &apiError{e.status, e.code, fmt.Sprintf("%s (command %d)", e.message, i)})
		}
		key := fmt.Sprint(c.Type, c.Name)
		if seen[key] {
			return writeError(w, invalidForm("%d.name: application command names must be unique", i))
		}
		seen[key] = true
		out = append(out, s.prepareCommandLocked(c, guildID, existing))
	}
	s.commands[guildID] = out
	s.commandWrites[guildID]++
	return writeJSON(w, 200, out)
}

// prepareCommandLocked fills the server-assigned fields of c, keeping the ID
// of an existing command with the same type and name as Discord does.
func (s *Server) prepareCommandLocked(c *discordgo.ApplicationCommand, guildID string, existing []*discordgo.ApplicationCommand) *discordgo.ApplicationCommand {
	if c.Type == 0 {
		c.Type = discordgo.ChatApplicationCommand
	}
	c.ID = ""
	for _, old := range existing {
		if old.Name == c.Name && old.Type == c.Type {
			c.ID = old.ID
		}
	}
	if c.ID == "" {
		c.ID = s.newID()
	}
	c.ApplicationID = s.appID
	c.GuildID = guildID
	c.Version = s.newID()
	if c.Options == nil {
		c.Options = []*discordgo.ApplicationCommandOption{}
	}
	return c
}

func nonNil(cmds []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
	if cmds == nil {
		return []*discordgo.ApplicationCommand{}
	}
	return cmds
}
