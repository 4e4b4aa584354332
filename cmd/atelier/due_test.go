package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/consultation/clocktest"
)

// TestRunAppliesDeadlines runs the console program with its deadline loop
// and sender driven by the test: a deadline that passed while the program
// was stopped is applied at start, and its announcement printed in the
// group's chat.
func TestRunAppliesDeadlines(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	dueTick, sendTick := make(chan time.Time), make(chan time.Time)
	m := NewMain(Config{DB: filepath.Join(t.TempDir(), "a.db"), Locale: "fr", TimeZone: "Europe/Paris",
		Admins: []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}}}, io.Discard)
	m.Clock, m.DueTick, m.SendTick = clock, dueTick, sendTick
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	g, admin, err := m.Service.Enter(ctx, consultation.Chat{Platform: consultation.Console, ChatID: "main", Title: "main"},
		consultation.Identity{UserID: "admin", Username: "admin", Name: "admin"}, "fr", "Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	a := consultation.Actor{MemberID: admin.ID}
	c, err := m.Service.CreateConsultation(ctx, a, g.ID, "Vie de section")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Service.SetPhase(ctx, a, c.ID, consultation.Collecting, consultation.PhaseOptions{Deadline: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	clock.Add(90 * time.Minute)

	stdin, feed := io.Pipe()
	var out bytes.Buffer
	done := make(chan error)
	go func() { done <- m.Run(ctx, stdin, &out) }()
	// A tick is taken only once the previous round is over: two ticks of
	// each loop make sure the start's Due, then a flush after it, ran.
	dueTick <- clock.Now()
	dueTick <- clock.Now()
	sendTick <- clock.Now()
	sendTick <- clock.Now()
	feed.Close()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := out.String(), "bot → main:\n  « Vie de section » : phase regroupement"; !strings.Contains(got, want) {
		t.Errorf("console output = %q; want it to contain %q", got, want)
	}
	got, err := m.Service.Consultation(ctx, c.ID)
	if err != nil || got.Phase != consultation.Grouping {
		t.Errorf("phase = %v, %v; want grouping", got.Phase, err)
	}
}
