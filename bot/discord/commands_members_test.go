package discord

import (
	"testing"

	"atelier/bot"

	"github.com/bwmarrin/discordgo"
)

// TestMembershipCommandOptions checks that the slash commands of invites,
// links, the first admin and exports exist with their options, and that
// their options come back as the command text the chat layer parses.
func TestMembershipCommandOptions(t *testing.T) {
	cmds := map[string]*discordgo.ApplicationCommand{}
	for _, c := range ApplicationCommands() {
		cmds[c.Name] = c
	}
	for name, opts := range map[string][]string{"invite": {"count", "role"}, "join": {"code"}, "link": {"code"}, "unlink": nil, "claim": {"code"}, "export": nil} {
		c := cmds[name]
		if c == nil {
			t.Errorf("no slash command /%s", name)
			continue
		}
		if len(c.Options) != len(opts) {
			t.Errorf("/%s has %d options; want %v", name, len(c.Options), opts)
			continue
		}
		for i, o := range c.Options {
			if o.Name != opts[i] {
				t.Errorf("/%s option %d = %s; want %s", name, i, o.Name, opts[i])
			}
		}
	}
	if fr := (*cmds["invite"].NameLocalizations)[discordgo.French]; fr != "inviter" {
		t.Errorf("/invite in French = %q", fr)
	}
	for _, tc := range []struct {
		data discordgo.ApplicationCommandInteractionData
		want string
	}{
		{discordgo.ApplicationCommandInteractionData{Name: "invite", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "count", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(5)},
			{Name: "role", Type: discordgo.ApplicationCommandOptionString, Value: "supporter"},
		}}, "/invite 5 supporter"},
		{discordgo.ApplicationCommandInteractionData{Name: "join", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "code", Type: discordgo.ApplicationCommandOptionString, Value: "ABCDE-FGHJK"},
		}}, "/join ABCDE-FGHJK"},
		{discordgo.ApplicationCommandInteractionData{Name: "link"}, "/link"},
	} {
		got, _ := commandText(tc.data)
		if got != tc.want {
			t.Errorf("commandText(/%s) = %q; want %q", tc.data.Name, got, tc.want)
		}
		if c, ok := bot.ParseCommand(got); !ok || c.Name != tc.data.Name {
			t.Errorf("ParseCommand(%q) = %+v", got, c)
		}
	}
}
