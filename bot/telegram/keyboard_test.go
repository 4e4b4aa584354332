package telegram_test

import (
	"fmt"
	"strings"
	"testing"

	"atelier/bot"
	"atelier/bot/telegram"
)

// TestKeyboard checks how abstract buttons become an inline keyboard:
// rows kept in order, start buttons as deep links, buttons without data
// or with data over Telegram's 64 bytes left out, empty rows dropped.
func TestKeyboard(t *testing.T) {
	e := start(t)
	long := strings.Repeat("x", 65)
	for _, tc := range []struct {
		name string
		rows [][]bot.Button
		want string
	}{
		{"none", nil, "none"},
		{"one row", [][]bot.Button{{{Label: "A", Data: "a"}, {Label: "B", Data: "b"}}}, "[A:a B:b]"},
		{"rows", [][]bot.Button{{{Label: "A", Data: "a"}}, {{Label: "B", Data: "b"}, {Label: "C", Data: "c"}}}, "[A:a] [B:b C:c]"},
		{"deep link", [][]bot.Button{{{Label: "Rate", Data: "b_1", Start: true}}}, "[Rate:https://t.me/" + e.srv.Bot().Username + "?start=b_1]"},
		{"left out", [][]bot.Button{{{Label: "A", Data: ""}, {Label: "B", Data: long}, {Label: "C", Data: "c"}}}, "[C:c]"},
		{"empty row dropped", [][]bot.Button{{{Label: "A"}}, {{Label: "B", Data: "b"}}}, "[B:b]"},
		{"all left out", [][]bot.Button{{{Label: "A"}}}, "none"},
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
		})
	}
}
