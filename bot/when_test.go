package bot_test

import (
	"strings"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
)

func TestParseWhen(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 23, 10, 30, 0, 0, paris) // a Monday
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, paris) }
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string // error key
	}{
		{"2026-12-01 18:00", at(2026, 12, 1, 18, 0), ""},
		{"2026-12-01T18:30", at(2026, 12, 1, 18, 30), ""},
		{"2026-12-01", at(2026, 12, 1, 23, 59), ""},
		{"1/12 18h", at(2026, 12, 1, 18, 0), ""},
		{"01/12 18h30", at(2026, 12, 1, 18, 30), ""},
		{"1/12 à 18h", at(2026, 12, 1, 18, 0), ""},
		{"01/12/2026 18:00", at(2026, 12, 1, 18, 0), ""},
		{"1/12/27 9h", at(2027, 12, 1, 9, 0), ""},
		{"5/1 9h", at(2027, 1, 5, 9, 0), ""}, // no year: the next 5 January
		{"demain 9h", at(2026, 11, 24, 9, 0), ""},
		{"Demain à 9h", at(2026, 11, 24, 9, 0), ""},
		{"tomorrow 9am", at(2026, 11, 24, 9, 0), ""},
		{"tomorrow at 6:30pm", at(2026, 11, 24, 18, 30), ""},
		{"tomorrow 12am", at(2026, 11, 24, 0, 0), ""},
		{"aujourd'hui 18h", at(2026, 11, 23, 18, 0), ""},
		{"ce soir", at(2026, 11, 23, 20, 0), ""},
		{"today 9am", time.Time{}, "deadline_past"},
		{"2026-11-01 10:00", time.Time{}, "deadline_past"},
		{"31/02 10h", time.Time{}, "bad_date"},
		{"2026-13-01", time.Time{}, "bad_date"},
		{"1/12 25h", time.Time{}, "bad_date"},
		{"lundi prochain", time.Time{}, "bad_date"},
		{"", time.Time{}, "bad_date"},
	} {
		got, err := bot.ParseWhen(tc.in, now, paris)
		if tc.err != "" {
			if consultation.ErrorKey(err) != tc.err {
				t.Errorf("ParseWhen(%q) = %v, %v; want error %s", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestTextSplit(t *testing.T) {
	var long bot.Text
	long.Add(bot.Bold, "Titre\n")
	for i := 0; i < 50; i++ {
		long.Line("ligne numéro quarante-deux avec des accents éèà")
	}
	parts := long.Split(200)
	var joined string
	for _, p := range parts {
		if p.Len() > 200 {
			t.Errorf("part of %d runes; want at most 200", p.Len())
		}
		joined += p.String()
	}
	if joined != long.String() {
		t.Error("Split lost or changed text")
	}
	if parts[0][0].Style != bot.Bold {
		t.Error("Split lost the style of the first span")
	}
	// One enormous line is cut inside, between runes.
	huge := bot.Plain(strings.Repeat("é", 1000))
	for _, p := range huge.Split(300) {
		if p.Len() > 300 {
			t.Errorf("part of %d runes", p.Len())
		}
	}
}
