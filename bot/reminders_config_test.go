package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
	"atelier/storage"
)

// TestConfiguredReminder checks that the reminder slots come from the
// service's options: with one slot 12 hours before the close, nothing is
// sent 24 hours before it.
func TestConfiguredReminder(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, paris))
	st, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := consultation.NewService(st, consultation.Options{
		Clock: clk, Random: zeroReader{}, Reminders: []time.Duration{12 * time.Hour},
		Admins: []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}},
	})
	s := &schedRun{t: t, clock: clk, store: st, svc: svc, bot: bot.New(svc, bot.Config{Locale: "fr", TimeZone: "Europe/Paris"}, nil)}
	for _, line := range []struct{ who, text string }{
		{"bob", "/consultations"},
		{"admin", "/verify @bob"},
		{"admin", "/consultation new Vie de section"},
		{"admin", "/phase collecting"},
		{"bob", "/idea Covoiturage pour les réunions"},
		{"admin", "/group 1 Covoiturage"},
		{"admin", "/poll open until 2026-11-26 09:00"},
	} {
		s.say(line.who, line.text)
	}
	clk.Add(48 * time.Hour) // 25/11 09:00, 24 hours before the close
	s.reminders(0)
	clk.Add(12 * time.Hour) // 12 hours before the close: admin and bob
	s.reminders(3)          // two reminders and the group's closing-soon notice
	s.reminders(0)
}
