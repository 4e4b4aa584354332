package telegram_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"atelier/bot"
	"atelier/bot/telegram"
)

// TestKeyboard checks how abstract buttons become an inline keyboard:
// rows kept in order, start buttons as deep links, buttons without data
// or with data over Telegram's 64 bytes left out, empty rows dropped; and
// what goes out: each button's text and its one action, nothing else.
func TestKeyboard(t *testing.T) {
	e := start(t)
	long := strings.Repeat("x", 65)
	link := "https://t.me/" + e.srv.Bot().Username + "?start=b_1"
	for _, tc := range []struct {
		name string
		rows [][]bot.Button
		want string
		json string
	}{
		{"none", nil, "none", "null"},
		{"one row", [][]bot.Button{{{Label: "A", Data: "a"}, {Label: "B", Data: "b"}}}, "[A:a B:b]",
			`{"inline_keyboard":[[{"text":"A","callback_data":"a"},{"text":"B","callback_data":"b"}]]}`},
		{"rows", [][]bot.Button{{{Label: "A", Data: "a"}}, {{Label: "B", Data: "b"}, {Label: "C", Data: "c"}}}, "[A:a] [B:b C:c]",
			`{"inline_keyboard":[[{"text":"A","callback_data":"a"}],[{"text":"B","callback_data":"b"},{"text":"C","callback_data":"c"}]]}`},
		{"deep link", [][]bot.Button{{{Label: "Rate", Data: "b_1", Start: true}}}, "[Rate:" + link + "]",
			`{"inline_keyboard":[[{"text":"Rate","url":"` + link + `"}]]}`},
		{"left out", [][]bot.Button{{{Label: "A", Data: ""}, {Label: "B", Data: long}, {Label: "C", Data: "c"}}}, "[C:c]",
			`{"inline_keyboard":[[{"text":"C","callback_data":"c"}]]}`},
		{"empty row dropped", [][]bot.Button{{{Label: "A"}}, {{Label: "B", Data: "b"}}}, "[B:b]",
			`{"inline_keyboard":[[{"text":"B","callback_data":"b"}]]}`},
		{"all left out", [][]bot.Button{{{Label: "A"}}}, "none", "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kb := telegram.Keyboard(e.a, tc.rows)
			got := "none"
			if kb != nil {
				var rows []string
				for _, row := range kb.InlineKeyboard {
					var bs []string
					for _, b := range row {
						bs = append(bs, b.Text+":"+b.CallbackData+b.URL)
					}
					rows = append(rows, fmt.Sprintf("[%s]", strings.Join(bs, " ")))
				}
				got = strings.Join(rows, " ")
			}
			if got != tc.want {
				t.Errorf("keyboard = %s; want %s", got, tc.want)
			}
			// go-telegram/bot sends a reply markup as its JSON encoding.
			if b, err := json.Marshal(kb); err != nil || string(b) != tc.json {
				t.Errorf("keyboard sent as %s (%v); want %s", b, err, tc.json)
			}
		})
	}
}
