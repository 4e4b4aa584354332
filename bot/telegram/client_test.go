package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"atelier/bot/telegram"
)

// TestHTTPClientSendsWholeBodies checks that the adapter's client sends
// the library's calls with a Content-Length, in one piece, up to its
// limit, and larger ones chunked; every body arrives intact.
func TestHTTPClientSendsWholeBodies(t *testing.T) {
	type seen struct {
		length  int64
		chunked bool
		file    int // bytes of the uploaded document, if any
		text    string
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{length: r.ContentLength, chunked: len(r.TransferEncoding) > 0}
		if err := r.ParseMultipartForm(4 << 20); err != nil {
			t.Errorf("%s: %v", r.URL.Path, err)
		}
		s.text = r.FormValue("text")
		if f, _, err := r.FormFile("document"); err == nil {
			n, _ := io.Copy(io.Discard, f)
			s.file = int(n)
		}
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"}}}`)
	}))
	defer srv.Close()
	b, err := tgbot.New("1:t", tgbot.WithServerURL(srv.URL), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(0, telegram.NewHTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	big := bytes.Repeat([]byte("x"), 3<<20/2)
	tests := []struct {
		name    string
		send    func() error
		chunked bool
		file    int
	}{
		{"message", func() error {
			_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 7, Text: "« bonjour »"})
			return err
		}, false, 0},
		{"small document", func() error {
			_, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: 7,
				Document: &models.InputFileUpload{Filename: "s.md", Data: strings.NewReader("# synthèse")}})
			return err
		}, false, len("# synthèse")},
		{"document over the limit", func() error {
			_, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: 7,
				Document: &models.InputFileUpload{Filename: "big.md", Data: bytes.NewReader(big)}})
			return err
		}, true, len(big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.send(); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			s := got[len(got)-1]
			mu.Unlock()
			if s.chunked != tt.chunked || (s.length > 0) == tt.chunked {
				t.Errorf("length %d, chunked %v; want chunked %v", s.length, s.chunked, tt.chunked)
			}
			if s.file != tt.file {
				t.Errorf("document of %d bytes arrived; want %d", s.file, tt.file)
			}
			if tt.name == "message" && s.text != "« bonjour »" {
				t.Errorf("text %q arrived", s.text)
			}
		})
	}
}

// TestHTTPClientBodySizes checks the limit: a body of unknown length
// (ContentLength 0 or -1) goes with its length up to MaxBuffered bytes and
// chunked beyond, intact either way, and the caller's request is left as
// it was.
func TestHTTPClientBodySizes(t *testing.T) {
	type seen struct {
		length  int64
		chunked bool
		body    []byte
	}
	var mu sync.Mutex
	var last seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		last = seen{r.ContentLength, len(r.TransferEncoding) > 0, body}
		mu.Unlock()
	}))
	defer srv.Close()
	client := telegram.NewHTTPClient()
	for _, tc := range []struct {
		size    int
		length  int64 // the request's ContentLength
		chunked bool
	}{
		{0, 0, false},
		{1, 0, false},
		{telegram.MaxBuffered, 0, false},
		{telegram.MaxBuffered, -1, false},
		{telegram.MaxBuffered + 1, 0, true},
		{telegram.MaxBuffered + 1, -1, true},
	} {
		t.Run(fmt.Sprintf("%d bytes, length %d", tc.size, tc.length), func(t *testing.T) {
			data := bytes.Repeat([]byte("ab"), tc.size/2+1)[:tc.size]
			body := io.NopCloser(io.MultiReader(bytes.NewReader(data))) // of unknown length
			req, err := http.NewRequest(http.MethodPost, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tc.length
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			mu.Lock()
			s := last
			mu.Unlock()
			if s.chunked != tc.chunked || !tc.chunked && s.length != int64(tc.size) {
				t.Errorf("arrived with length %d, chunked %v; want chunked %v", s.length, s.chunked, tc.chunked)
			}
			if !bytes.Equal(s.body, data) {
				t.Errorf("arrived %d bytes, not the %d sent", len(s.body), len(data))
			}
			if req.Body != body || req.ContentLength != tc.length || req.GetBody != nil {
				t.Error("the caller's request was changed")
			}
		})
	}
}

// TestHTTPClientReplay checks that a body sent whole can be read again, as
// the transport does when it retries a call on another connection.
func TestHTTPClientReplay(t *testing.T) {
	var replayed []byte
	rt := telegram.WholeBodies(roundTripFunc(func(r *http.Request) (*http.Response, error) {
		first, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		again, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		if replayed, err = io.ReadAll(again); err != nil {
			return nil, err
		}
		if !bytes.Equal(first, replayed) {
			t.Errorf("replayed %q; first read %q", replayed, first)
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	}))
	req, err := http.NewRequest(http.MethodPost, "http://telegram.invalid/", io.NopCloser(strings.NewReader("form")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if string(replayed) != "form" {
		t.Errorf("replayed %q; want %q", replayed, "form")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestHTTPClientBodyError checks that a body that fails while being read
// fails the call, and is closed.
func TestHTTPClientBodyError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request with a broken body was sent")
	}))
	defer srv.Close()
	broken := errors.New("form failed")
	body := &failingBody{err: broken}
	req, err := http.NewRequest(http.MethodPost, srv.URL, body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := telegram.NewHTTPClient().Do(req); !errors.Is(err, broken) {
		t.Fatalf("got %v; want %v", err, broken)
	}
	if !body.closed {
		t.Error("body not closed")
	}
}

// failingBody gives a few bytes, then err.
type failingBody struct {
	err    error
	read   bool
	closed bool
}

func (b *failingBody) Read(p []byte) (int, error) {
	if b.read {
		return 0, b.err
	}
	b.read = true
	return copy(p, "--boundary\r\n"), nil
}

func (b *failingBody) Close() error { b.closed = true; return nil }
