package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestRunAllStopsWithAFailingPlatform checks that a platform that fails
// stops the others, and that its error is logged at once and returned.
func TestRunAllStopsWithAFailingPlatform(t *testing.T) {
	lost := errors.New("webhook: address already in use")
	var logs bytes.Buffer
	stopped := make(chan struct{})
	runners := []func(context.Context) error{
		func(ctx context.Context) error { <-ctx.Done(); close(stopped); return nil },
		func(context.Context) error { return lost },
	}
	err := runAll(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)), runners)
	if !errors.Is(err, lost) {
		t.Errorf("runAll = %v; want the failing platform's error", err)
	}
	select {
	case <-stopped:
	default:
		t.Error("the other platform was not stopped")
	}
	if !strings.Contains(logs.String(), "address already in use") {
		t.Errorf("the failure was not logged: %q", logs.String())
	}
}
