package discord

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestScrubHidesInteractionTokens checks that the errors the adapter logs
// or stores keep no interaction or webhook token, and still unwrap.
func TestScrubHidesInteractionTokens(t *testing.T) {
	const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ"
	rl := &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{
		TooManyRequests: &discordgo.TooManyRequests{RetryAfter: time.Second},
		URL:             "https://discord.com/api/v9/interactions/1234567890/" + token + "/callback",
	}}
	netErr := &url.Error{Op: "Post", URL: "https://discord.com/api/v9/webhooks/42/" + token + "?wait=true", Err: errors.New("context deadline exceeded")}
	for _, err := range []error{rl, netErr} {
		if !strings.Contains(err.Error(), token) {
			t.Fatalf("%T does not quote its URL: the test needs another error", err)
		}
		got := scrub(err)
		if strings.Contains(got.Error(), token) {
			t.Errorf("scrubbed error keeps the token: %s", got)
		}
		if !errors.Is(got, err) {
			t.Errorf("scrubbed error does not unwrap to %T", err)
		}
	}
	var back *discordgo.RateLimitError
	if !errors.As(later(scrub(rl)), &back) {
		t.Error("a scrubbed rate limit is no longer seen as one")
	}
	plain := errors.New("HTTP 403 Forbidden")
	if scrub(plain) != plain {
		t.Error("an error without a URL was rewrapped")
	}
}
