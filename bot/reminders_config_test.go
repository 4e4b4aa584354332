package bot_test

import (
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
)

// TestConfiguredReminder checks that the reminder slots come from the
// service's options: with one slot 12 hours before the close, nothing is
// sent 24 hours before it.
func TestConfiguredReminder(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	clk := clocktest.New(time.Date(2026, 11, 23, 9, 0, 0, 0, paris))
	st, svc, b := openBot(t, "", consultation.Options{Clock: clk, Random: zeroReader{}, Reminders: []time.Duration{12 * time.Hour}}, bot.Config{Locale: "fr"})
	s := &schedRun{t: t, clock: clk, store: st, svc: svc, bot: b}
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
