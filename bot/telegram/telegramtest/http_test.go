package telegramtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atelier/bot/telegram/telegramtest"
)

type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// post posts a JSON body to method and decodes the answer.
func post(ctx context.Context, srv *telegramtest.Server, token, method, body string) (envelope, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+token+"/"+method, strings.NewReader(body))
	if err != nil {
		return envelope{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return envelope{}, fmt.Errorf("%s: %w", method, err)
	}
	defer resp.Body.Close()
	var e envelope
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return envelope{}, fmt.Errorf("%s: decode: %w", method, err)
	}
	if !e.OK && resp.StatusCode != e.ErrorCode {
		return e, fmt.Errorf("%s: HTTP status %d, error_code %d", method, resp.StatusCode, e.ErrorCode)
	}
	return e, nil
}

// call is post for the test's goroutine.
func call(ctx context.Context, t *testing.T, srv *telegramtest.Server, token, method, body string) envelope {
	t.Helper()
	e, err := post(ctx, srv, token, method, body)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// poll starts a getUpdates call and returns where its answer will arrive.
func poll(ctx context.Context, srv *telegramtest.Server, body string) <-chan envelope {
	ch := make(chan envelope, 1)
	go func() {
		e, err := post(ctx, srv, srv.Token(), "getUpdates", body)
		if err != nil {
			e = envelope{Description: err.Error()}
		}
		ch <- e
	}()
	return ch
}

func updateIDs(t *testing.T, e envelope) []int64 {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(e.Result, &list); err != nil {
		t.Fatalf("getUpdates result %s: %v", e.Result, err)
	}
	var ids []int64
	for _, raw := range list {
		var u struct {
			ID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	return ids
}

func TestLongPoll(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	chat := telegramtest.PrivateChat(alice)

	got := poll(ctx, srv, `{"timeout":30}`)
	if err := srv.WaitFor(ctx, srv.Polling); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-got:
		t.Fatalf("getUpdates returned %+v before any update was queued", e)
	default:
	}
	u1 := srv.SendText(chat, alice, "un")
	var e envelope
	select {
	case e = <-got:
	case <-ctx.Done():
		t.Fatal("the long poll did not return when an update was queued")
	}
	if ids := updateIDs(t, e); len(ids) != 1 || ids[0] != u1.ID {
		t.Fatalf("getUpdates = %v; want [%d]", ids, u1.ID)
	}

	u2 := srv.SendText(chat, alice, "deux")
	u3 := srv.SendText(chat, alice, "trois")
	if ids := updateIDs(t, call(ctx, t, srv, srv.Token(), "getUpdates", `{"limit":1}`)); len(ids) != 1 || ids[0] != u1.ID {
		t.Errorf("unconfirmed getUpdates with limit 1 = %v; want [%d] again", ids, u1.ID)
	}
	body := `{"offset":` + jsonInt(u2.ID) + `}`
	if ids := updateIDs(t, call(ctx, t, srv, srv.Token(), "getUpdates", body)); len(ids) != 2 || ids[0] != u2.ID || ids[1] != u3.ID {
		t.Errorf("getUpdates from %d = %v; want [%d %d]", u2.ID, ids, u2.ID, u3.ID)
	}
	if n := srv.Pending(); n != 2 {
		t.Errorf("Pending() = %d after confirming the first update; want 2", n)
	}
	body = `{"offset":` + jsonInt(u3.ID+1) + `}`
	if ids := updateIDs(t, call(ctx, t, srv, srv.Token(), "getUpdates", body)); len(ids) != 0 {
		t.Errorf("getUpdates after confirming all = %v; want none", ids)
	}

	// A second poller ends the first with 409, as Telegram does.
	first := poll(ctx, srv, `{"timeout":30}`)
	if err := srv.WaitFor(ctx, srv.Polling); err != nil {
		t.Fatal(err)
	}
	second := poll(ctx, srv, `{"timeout":30}`)
	if e := <-first; e.OK || e.ErrorCode != http.StatusConflict {
		t.Errorf("superseded getUpdates = %+v; want 409", e)
	}

	// Closing the server ends the pending poll with an empty list.
	srv.Close()
	select {
	case e := <-second:
		if !e.OK || string(e.Result) != "[]" {
			t.Errorf("getUpdates pending at Close = %+v; want an empty list", e)
		}
	case <-ctx.Done():
		t.Fatal("Close did not end the pending long poll")
	}
}

func TestRouting(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer(t)
	if e := call(ctx, t, srv, "1:wrong", "getMe", `{}`); e.ErrorCode != http.StatusUnauthorized {
		t.Errorf("getMe with a wrong token = %+v; want 401", e)
	}
	if e := call(ctx, t, srv, srv.Token(), "sendPoll", `{}`); e.ErrorCode != http.StatusNotFound || e.Description != "Not Found: method not found" {
		t.Errorf("unsupported method = %+v; want 404 method not found", e)
	}
	e := call(ctx, t, srv, srv.Token(), "sendMessage", `{"chat_id":1001,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"ok", "callback_data":"k"}]],"resize_keyboard":true}}`)
	var sent struct {
		MessageID   int             `json:"message_id"`
		Date        int64           `json:"date"`
		ReplyMarkup json.RawMessage `json:"reply_markup"`
	}
	if err := json.Unmarshal(e.Result, &sent); err != nil || !e.OK || sent.MessageID == 0 || sent.Date == 0 {
		t.Errorf("sendMessage as JSON = %+v (%v); want a dated message", e, err)
	}
	// Messages carry their inline keyboard back, and nothing else of the
	// markup; so do the updates of a press.
	const keyboard = `{"inline_keyboard":[[{"text":"ok","callback_data":"k"}]]}`
	if string(sent.ReplyMarkup) != keyboard {
		t.Errorf("sent message's reply_markup = %s; want %s", sent.ReplyMarkup, keyboard)
	}
	for range 2 { // two updates: the answer puts them side by side
		srv.PressButton(telegramtest.PrivateChat(alice), alice, sent.MessageID, "k")
	}
	var updates []struct {
		CallbackQuery struct {
			Message struct {
				ReplyMarkup json.RawMessage `json:"reply_markup"`
			} `json:"message"`
		} `json:"callback_query"`
	}
	if e := call(ctx, t, srv, srv.Token(), "getUpdates", `{"timeout":0}`); !e.OK {
		t.Fatalf("getUpdates after two presses: %+v", e)
	} else if err := json.Unmarshal(e.Result, &updates); err != nil || len(updates) != 2 {
		t.Fatalf("getUpdates after two presses: %s, %v", e.Result, err)
	}
	for _, u := range updates {
		if got := string(u.CallbackQuery.Message.ReplyMarkup); got != keyboard {
			t.Errorf("pressed message's reply_markup = %s; want %s", got, keyboard)
		}
	}
	m, ok := srv.LastMessage(alice.ID)
	if !ok || m.Text != "json" || len(m.Buttons()) != 1 || m.Buttons()[0].CallbackData != "k" {
		t.Errorf("message sent as JSON = %+v, %v", m, ok)
	}
	if got := srv.Calls("getMe"); got != 0 {
		t.Errorf("Calls(getMe) = %d; unauthorized calls must not count", got)
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
