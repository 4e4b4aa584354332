package discord_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"atelier/bot"
	"atelier/bot/discord"
)

// TestRunLeavesNoGoroutine runs alone (not in parallel) so that the
// goroutines it inspects are its own.
func TestRunLeavesNoGoroutine(t *testing.T) {
	h := mustStart(t, options{})
	h.cmd(chanID, aliceID, "fr", "help")
	h.stop()
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, g := range strings.Split(stacks, "\n\n") {
		if strings.Contains(g, "atelier/bot/discord.(*Adapter)") {
			t.Errorf("goroutine left after Run returned:\n%s", g)
		}
	}
}

func TestNewRefusesEmptyToken(t *testing.T) {
	t.Parallel()
	if _, err := discord.New(context.Background(), discord.Config{}, &bot.Bot{}, nil); err == nil {
		t.Errorf("New with no token: no error")
	}
}
