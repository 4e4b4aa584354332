package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
)

func TestRateLimits(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	h := openHarness(t, "", consultation.Options{Clock: clk, Random: &counter{}}, bot.Config{Locale: "en"})
	h.setup()
	h.say("alice", "", "/phase collecting")

	// Ideas: ten in ten minutes, then one a minute.
	clk.Add(time.Hour)
	for i := range 10 {
		if got := h.say("carol", "", "/idea Idea number "+strconv.Itoa(i)+" about the section"); !strings.Contains(got, "recorded") {
			t.Fatalf("idea %d = %q", i, got)
		}
	}
	before := h.snapshot()
	if got := h.say("carol", "", "/idea One idea too many for now"); !strings.Contains(got, "send the next one in 60 seconds") {
		t.Errorf("11th idea = %q", got)
	}
	if h.snapshot() != before {
		t.Error("a rate-limited idea changed the state")
	}
	clk.Add(time.Minute)
	if got := h.say("carol", "", "/idea One idea after a minute"); !strings.Contains(got, "recorded") {
		t.Errorf("idea after a minute = %q", got)
	}

	// Commands: thirty in a minute, then one every two seconds.
	clk.Add(time.Hour)
	for i := range 30 {
		if got := h.say("bob", "", "/consultations"); !strings.Contains(got, "Consultations in this group") {
			t.Fatalf("command %d = %q", i, got)
		}
	}
	if got := h.say("bob", "", "/consultations"); !strings.Contains(got, "Try again in 2 seconds") {
		t.Errorf("31st command = %q", got)
	}
	// Another member is not slowed down.
	if got := h.say("carol", "", "/consultations"); !strings.Contains(got, "Consultations in this group") {
		t.Errorf("another member = %q", got)
	}
	// Presses are never limited: a long ballot takes many.
	h.say("alice", "", "/poll open")
	for range 40 {
		if got := h.press("bob", "dm", "b_1"); strings.Contains(got, "Try again") {
			t.Fatalf("press limited: %q", got)
		}
	}
	clk.Add(2 * time.Second)
	if got := h.say("bob", "", "/consultations"); !strings.Contains(got, "Consultations in this group") {
		t.Errorf("after two seconds = %q", got)
	}
}
