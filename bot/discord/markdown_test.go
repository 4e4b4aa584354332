package discord_test

import (
	"testing"

	"atelier/bot"
	"atelier/bot/discord"
)

func TestMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   bot.Text
		want string
	}{
		{bot.Plain("@everyone <@123> <@&4> <#5>"), `\@everyone \<\@123> \<\@&4> \<#5>`},
		{bot.Plain("**b** __u__ ~~s~~ ||x|| `c` [l](u) :e:"), `\*\*b\*\* \_\_u\_\_ \~\~s\~\~ \|\|x\|\| \` + "`c\\`" + ` \[l\]\(u\) \:e\:`},
		{bot.Plain("# h\n> q\n- l\n-# s\n a # b > c"), `\# h` + "\n" + `\> q` + "\n" + `\- l` + "\n" + `\-# s` + "\n" + ` a # b > c`},
		{bot.Plain(`a\*b`), `a\\\*b`},
		{bot.Text{{Text: "Title\n", Style: bot.Bold}, {Text: "x "}, {Text: " it ", Style: bot.Italic}, {Text: "y"}}, "**Title**\nx  *it* y"},
		{bot.Text{{Text: "A", Style: bot.Bold}, {Text: "B", Style: bot.Italic}}, "**A**\u200b*B*"},
		{bot.Text{{Text: "a`b @x", Style: bot.Code}}, "`aˋb @x`"},
		{bot.Text{{Text: "**x**", Style: bot.Bold}}, `**\*\*x\*\***`},
	}
	for _, tt := range tests {
		if got := discord.Markdown(tt.in); got != tt.want {
			t.Errorf("Markdown(%q) = %q; want %q", tt.in.String(), got, tt.want)
		}
	}
}
