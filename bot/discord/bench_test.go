package discord_test

import (
	"fmt"
	"strings"
	"testing"

	"atelier/bot/discord/discordtest"

	"github.com/bwmarrin/discordgo"
)

// BenchmarkRatePress measures button presses rating a proposal, end to
// end: the fake gateway dispatches the interaction, the adapter hands it to
// the bot, the rating is committed to SQLite, the ballot is rendered again
// and the fake receives the type 7 update over REST.
func BenchmarkRatePress(b *testing.B) {
	h := mustStart(b, options{})
	s := discordtest.StringOption
	h.cmd(chanID, aliceID, "fr", "help")
	h.cmd(chanID, adminID, "fr", "verify", discordtest.UserOption("user", aliceID))
	h.cmd(chanID, adminID, "fr", "consultation", s("action", "new"), s("title", "Bench"))
	h.cmd(chanID, adminID, "fr", "phase", s("phase", "collecting"))
	for i := 1; i <= 6; i++ {
		h.cmd(chanID, aliceID, "fr", "idea", s("text", fmt.Sprintf("Idée numéro %d pour mesurer le débit", i)))
	}
	h.cmd(chanID, adminID, "fr", "group", s("ideas", "1 2"), s("title", "Première"))
	h.cmd(chanID, adminID, "fr", "group", s("ideas", "3 4"), s("title", "Deuxième"))
	h.cmd(chanID, adminID, "fr", "group", s("ideas", "5 6"), s("title", "Troisième"))
	poll, _ := h.cmd(chanID, adminID, "fr", "poll", s("action", "open"))
	announce := h.original(poll.ID)
	press, _ := h.click(chanID, aliceID, "fr", announce.ID, customID(b, announce, `^b_\d+$`))
	ballot := h.original(press.ID)
	// Only impact is rated, so the ballot stays on the same proposal.
	base := strings.TrimSuffix(customID(b, ballot, `_i_1$`), "1")

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := h.srv.Click(guildID, chanID, aliceID, "fr", ballot.ID, base+fmt.Sprint(i%5+1))
		if err != nil {
			b.Fatal(err)
		}
		if r := h.wait(in); r.Type != discordgo.InteractionResponseUpdateMessage {
			b.Fatalf("response type %d", r.Type)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
}

// BenchmarkBareAck is the baseline: the same fake and a discordgo session
// whose handler only acknowledges each press (type 6), with no bot, no
// database and no rendering.
func BenchmarkBareAck(b *testing.B) {
	srv := discordtest.NewServer(discordtest.WithGuilds(guildID))
	defer srv.Close()
	sess, err := srv.NewSession("Bot token")
	if err != nil {
		b.Fatal(err)
	}
	sess.Identify.Intents = discordgo.IntentsGuilds
	sess.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
		if ic.Type == discordgo.InteractionApplicationCommand {
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
				Content:    "bench",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "1", CustomID: "press"}}}},
			}}
		}
		_ = s.InteractionRespond(ic.Interaction, resp)
	})
	if err := sess.Open(); err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	ctx := testContext(b)
	cmd := srv.SlashCommand(guildID, chanID, aliceID, "fr", "bench")
	if _, err := srv.WaitResponse(ctx, cmd.ID); err != nil {
		b.Fatal(err)
	}
	msg, _ := srv.OriginalMessage(cmd.ID)

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := srv.Click(guildID, chanID, aliceID, "fr", msg.ID, "press")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.WaitResponse(ctx, in.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
}
