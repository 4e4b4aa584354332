package telegram

import (
	"bytes"
	"io"
	"net/http"
)

// maxBuffered is the largest request body the adapter's HTTP client sends
// in one piece; larger ones (documents, pictures) are sent as they come.
const maxBuffered = 1 << 20

// NewHTTPClient returns the HTTP client the adapter uses when the
// configuration names none. Chats are handled in parallel, each making
// calls of its own: it keeps a connection for each instead of Go's default
// of two idle per host, so that calls do not open (and, on the real API,
// handshake) new connections under load. It sends each call's body of up
// to 1 MiB whole, with its length (see wholeBodies).
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * parallelChats
	t.MaxIdleConnsPerHost = 4 * parallelChats
	return &http.Client{Transport: wholeBodies{t}}
}

// wholeBodies reads a request body of unknown length before sending it,
// and sends it with a Content-Length when it is at most maxBuffered bytes.
// go-telegram/bot writes every call's form into a pipe, a few bytes at a
// time; sent as it is, that body goes out chunked, each piece flushed to
// the connection on its own: a dozen writes, and as many reads at the
// other end, for one edited ballot, where one suffices.
type wholeBodies struct {
	next http.RoundTripper
}

func (t wholeBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > 0 {
		return t.next.RoundTrip(req)
	}
	// Most calls' forms, a ballot's included, fit in the first 4 KiB
	// (ReadFrom grows a buffer with less than MinRead bytes free).
	var buf bytes.Buffer
	buf.Grow(4<<10 + bytes.MinRead)
	if _, err := buf.ReadFrom(&io.LimitedReader{R: req.Body, N: maxBuffered + 1}); err != nil {
		req.Body.Close()
		return nil, err
	}
	data := buf.Bytes()
	out := *req // a RoundTripper may not change the request it is given
	if len(data) > maxBuffered {
		out.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), req.Body), req.Body}
		return t.next.RoundTrip(&out)
	}
	req.Body.Close()
	body := func() (io.ReadCloser, error) {
		if len(data) == 0 {
			return http.NoBody, nil
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	out.ContentLength = int64(len(data))
	out.Body, _ = body()
	out.GetBody = body
	return t.next.RoundTrip(&out)
}

// CloseIdleConnections closes the idle connections of the transport it
// wraps, as http.Client.CloseIdleConnections expects.
func (t wholeBodies) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
