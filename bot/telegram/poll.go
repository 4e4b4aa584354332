package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

const (
	pollTimeout = 25 * time.Second // the long poll Telegram holds open
	pollLimit   = 100
	maxBackoff  = 30 * time.Second
	offsetEvery = time.Second
	// parallelChats bounds how many chats are handled at once.
	parallelChats = 32
	// maxQueued bounds the calls (replies, callback answers) of handled
	// updates not made yet, across chats; beyond it, handling waits, and
	// with it polling or Telegram's webhook calls. With maxQueuedPerChat,
	// it takes eight chats far behind their pace to get there.
	maxQueued = 1024
	// maxQueuedPerChat bounds the calls waiting for one chat: beyond it
	// (about six minutes of a group's pace), further replies to that chat
	// are dropped rather than let one group hold every chat back.
	maxQueuedPerChat = 128
	// drainTime is how long queued calls may still go out once the adapter
	// stops.
	drainTime = 10 * time.Second
)

// apiError is an error answer of the Bot API to a call the adapter makes
// itself.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func (e *apiError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

// runPolling is the long-polling loop. The offset sent to Telegram (which
// confirms every update below it) and the one stored in the database only
// move past a batch once every update of it was handled; the replies to a
// batch may still be on their way while the next is fetched.
func (a *Adapter) runPolling(ctx context.Context) error {
	defer a.workersDone.Wait()
	offset := int64(0)
	if s, err := a.svc.State(ctx, stateOffset); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: read offset: %w", err)
	} else if s != "" {
		if offset, err = strconv.ParseInt(s, 10, 64); err != nil {
			return fmt.Errorf("telegram: stored offset %q: %w", s, err)
		}
	}
	// A webhook left set by an earlier run makes getUpdates fail.
	if _, err := a.tg.DeleteWebhook(ctx, nil); err != nil && ctx.Err() == nil {
		a.log.Warn("delete webhook", "error", redact(err.Error(), a.cfg.Token))
	}
	backoff := time.Duration(0)
	stored := time.Now()
	for ctx.Err() == nil {
		updates, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ae *apiError
			switch {
			case errors.As(err, &ae) && ae.RetryAfter > 0:
				backoff = time.Duration(ae.RetryAfter) * time.Second
			case backoff == 0:
				backoff = time.Second
			default:
				backoff = min(2*backoff, maxBackoff)
			}
			a.log.Warn("get updates", "error", err, "retry_in", backoff)
			if a.sleep(ctx, backoff) != nil {
				break
			}
			continue
		}
		backoff = 0
		if len(updates) == 0 {
			continue
		}
		if !a.handleBatch(ctx, updates) {
			break // stopping: what was not handled will be delivered again
		}
		if next := updates[len(updates)-1].ID + 1; next > offset {
			offset = next
			// Storing the offset is only an optimisation of restarts (a
			// redelivered update changes nothing), so it is written at
			// most once a second rather than once a batch.
			if time.Since(stored) >= offsetEvery {
				a.storeOffset(ctx, offset)
				stored = time.Now()
			}
		}
	}
	a.storeOffset(context.WithoutCancel(ctx), offset)
	return nil
}

// storeOffset records the next update to ask for.
func (a *Adapter) storeOffset(ctx context.Context, offset int64) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.svc.PutState(ctx, stateOffset, strconv.FormatInt(offset, 10)); err != nil {
		a.log.Error("store offset", "error", err)
	}
}

// handleBatch handles updates, each chat's in order and after that chat's
// updates of earlier batches, chats in parallel. It returns once every
// update is handled (its effects committed), reporting whether all were.
// What is left to send is queued by the chat it goes to (see queue) and sent
// in order meanwhile, so that a group waiting for its turn to post (pacing,
// 429) holds back its own messages, not the next batch — until maxQueued
// calls wait across chats, when handling waits for sending.
func (a *Adapter) handleBatch(ctx context.Context, updates []*models.Update) bool {
	for _, u := range updates {
		if m := u.Message; m != nil && (m.MigrateToChatID != 0 || m.MigrateFromChatID != 0) {
			// A group becoming a supergroup ties two chats together:
			// keep the whole batch in Telegram's order, once everything
			// queued earlier is sent.
			a.workersDone.Wait()
			sendCtx, cancel := drain(ctx, drainTime)
			defer cancel()
			for _, u := range updates {
				done, out := a.process(ctx, u)
				if !done {
					return false
				}
				for _, o := range out {
					a.sendNow(sendCtx, o)
				}
			}
			return true
		}
	}
	var order []int64
	byChat := map[int64][]*models.Update{}
	for _, u := range updates {
		k := chatKey(u)
		if _, ok := byChat[k]; !ok {
			order = append(order, k)
		}
		byChat[k] = append(byChat[k], u)
	}
	var handled sync.WaitGroup
	var incomplete atomic.Bool
	for _, k := range order {
		us := byChat[k]
		select {
		case a.workers <- struct{}{}:
		case <-ctx.Done():
			// Not started: these updates will be delivered again.
			incomplete.Store(true)
			continue
		}
		handled.Add(1)
		a.workersDone.Add(1)
		go func() {
			defer a.workersDone.Done()
			defer a.tokenBack(a.workers)
			defer handled.Done()
			for _, u := range us {
				if !a.handleOne(ctx, u) {
					incomplete.Store(true)
					return
				}
			}
		}()
	}
	handled.Wait()
	return !incomplete.Load()
}

// handleOne processes u and queues what it leaves to send; it reports
// whether u is done with, as process does.
func (a *Adapter) handleOne(ctx context.Context, u *models.Update) bool {
	done, out := a.process(ctx, u)
	for _, o := range out {
		a.queue(ctx, o)
	}
	return done
}

// tokenBack gives back a token of workers or queued.
func (a *Adapter) tokenBack(tokens chan struct{}) {
	<-tokens
	if a.workerEnded != nil {
		a.workerEnded()
	}
}

// sendQueue holds the calls waiting in one queue, in the order their
// updates were handled.
type sendQueue struct {
	calls []outgoing
}

// queue puts o at the end of its queue, and starts sending that queue if
// nothing does. It waits while too many calls are queued across chats,
// which holds back the handling of further updates.
func (a *Adapter) queue(ctx context.Context, o outgoing) {
	// The chat's bound is checked before waiting for room across chats,
	// so that a reply to a chat too far behind is dropped at once rather
	// than hold up handling; it is checked again by nothing, so replies
	// queued at once for one chat may pass it by a few.
	a.queuesMu.Lock()
	n := 0
	if q := a.queues[o.queue]; q != nil {
		n = len(q.calls)
	}
	a.queuesMu.Unlock()
	if n >= int(a.maxPerChat.Load()) {
		a.log.Warn("reply dropped: the chat is too far behind its pace", "chat", strconv.FormatInt(o.queue.chat, 10),
			"waiting", n, "dropped_since_start", a.dropped.Add(1))
		return
	}
	select {
	case a.queued <- struct{}{}:
	default:
		// Full: wait for room; stopping, drop it (the update is done,
		// and confirmed).
		select {
		case a.queued <- struct{}{}:
		case <-ctx.Done():
			a.log.Warn("reply dropped: stopping", "chat", strconv.FormatInt(o.queue.chat, 10))
			return
		}
	}
	a.queuesMu.Lock()
	defer a.queuesMu.Unlock()
	if q := a.queues[o.queue]; q != nil {
		q.calls = append(q.calls, o)
		return
	}
	q := &sendQueue{calls: []outgoing{o}}
	a.queues[o.queue] = q
	a.workersDone.Add(1)
	go a.sendQueued(ctx, o.queue, q)
}

// sendQueued makes a queue's calls until none is left. Once ctx ends, the
// calls still queued get a short while to go out.
func (a *Adapter) sendQueued(ctx context.Context, key queueKey, q *sendQueue) {
	defer a.workersDone.Done()
	ctx, cancel := drain(ctx, drainTime)
	defer cancel()
	for {
		a.queuesMu.Lock()
		if len(q.calls) == 0 {
			delete(a.queues, key)
			a.queuesMu.Unlock()
			return
		}
		o := q.calls[0]
		q.calls = q.calls[1:]
		a.queuesMu.Unlock()
		a.sendNow(ctx, o)
		a.tokenBack(a.queued)
	}
}

// sendNow makes o's call; a panic there costs only that call.
func (a *Adapter) sendNow(ctx context.Context, o outgoing) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("send reply", "chat", strconv.FormatInt(o.queue.chat, 10), "error", fmt.Sprint(p))
		}
	}()
	o.send(ctx)
}

// drain returns a context that ends d after ctx does.
func drain(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(d, cancel)
		context.AfterFunc(out, func() { t.Stop() })
	})
	return out, func() { stop(); cancel() }
}

// getUpdates calls getUpdates. go-telegram/bot has no public method for it
// (its own loop confirms updates before handling them), so the call is made
// here, on the same base URL and token.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	body, err := json.Marshal(struct {
		Offset         int64    `json:"offset,omitempty"`
		Limit          int      `json:"limit"`
		Timeout        int      `json:"timeout"`
		AllowedUpdates []string `json:"allowed_updates"`
	}{offset, pollLimit, int(pollTimeout / time.Second), allowedUpdates})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, pollTimeout+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("telegram: getUpdates: bad API URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return nil, fmt.Errorf("telegram: getUpdates: %s", redact(err.Error(), a.cfg.Token))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: read: %w", err)
	}
	var env struct {
		OK          bool         `json:"ok"`
		Result      []wireUpdate `json:"result"`
		ErrorCode   int          `json:"error_code"`
		Description string       `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		// An update the library's types cannot read (a field of another
		// type, a kind of chat member or message origin it does not know
		// yet, refused with an error of its own): read them one by one, so
		// that it holds back no other.
		updates, eachErr := a.decodeEach(data)
		if eachErr != nil {
			return nil, fmt.Errorf("telegram: getUpdates: HTTP %d, undecodable answer: %w", resp.StatusCode, err)
		}
		return updates, nil
	}
	if !env.OK {
		return nil, &apiError{Code: env.ErrorCode, Description: env.Description, RetryAfter: env.Parameters.RetryAfter}
	}
	updates := make([]*models.Update, len(env.Result))
	for i := range env.Result {
		updates[i] = env.Result[i].update()
	}
	return updates, nil
}

// decodeEach decodes the updates of a getUpdates answer one by one, so
// that one the adapter cannot read does not block the others forever: its
// id is kept, so that the offset passes it.
func (a *Adapter) decodeEach(data []byte) ([]*models.Update, error) {
	var env struct {
		Result []json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: %w", err)
	}
	updates := make([]*models.Update, 0, len(env.Result))
	for _, raw := range env.Result {
		var w wireUpdate
		if err := json.Unmarshal(raw, &w); err != nil {
			// One update the library cannot read must not block the
			// others forever: keep its id so the offset passes it.
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(raw, &id) != nil {
				return nil, fmt.Errorf("telegram: getUpdates: %w", err)
			}
			a.log.Error("decode update", "update", id.ID, "error", err)
			w = wireUpdate{ID: id.ID}
		}
		updates = append(updates, w.update())
	}
	return updates, nil
}

// wireUpdate is an update as getUpdates sends it, in the kinds the adapter
// asks for. A callback query's message is read for its chat and id only:
// Telegram sends the whole pressed message (a ballot's text and keyboard),
// which nothing here needs.
type wireUpdate struct {
	ID            int64                     `json:"update_id"`
	Message       *models.Message           `json:"message"`
	CallbackQuery *wireCallback             `json:"callback_query"`
	MyChatMember  *models.ChatMemberUpdated `json:"my_chat_member"`
}

type wireCallback struct {
	ID      string      `json:"id"`
	From    models.User `json:"from"`
	Message *struct {
		ID   int         `json:"message_id"`
		Date int         `json:"date"` // 0 when the message is inaccessible
		Chat models.Chat `json:"chat"`
	} `json:"message"`
	InlineMessageID string `json:"inline_message_id"`
	ChatInstance    string `json:"chat_instance"`
	Data            string `json:"data"`
}

func (w *wireUpdate) update() *models.Update {
	u := &models.Update{ID: w.ID, Message: w.Message, MyChatMember: w.MyChatMember}
	if q := w.CallbackQuery; q != nil {
		u.CallbackQuery = &models.CallbackQuery{ID: q.ID, From: q.From, InlineMessageID: q.InlineMessageID, ChatInstance: q.ChatInstance, Data: q.Data}
		switch m := q.Message; {
		case m == nil:
		case m.Date == 0:
			u.CallbackQuery.Message = models.MaybeInaccessibleMessage{
				Type:                models.MaybeInaccessibleMessageTypeInaccessibleMessage,
				InaccessibleMessage: &models.InaccessibleMessage{Chat: m.Chat, MessageID: m.ID},
			}
		default:
			u.CallbackQuery.Message = models.MaybeInaccessibleMessage{
				Type:    models.MaybeInaccessibleMessageTypeMessage,
				Message: &models.Message{ID: m.ID, Date: m.Date, Chat: m.Chat},
			}
		}
	}
	return u
}

// chatKey returns the chat an update belongs to, for ordering.
func chatKey(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}
