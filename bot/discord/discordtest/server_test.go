package discordtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot/discord/discordtest"

	"github.com/bwmarrin/discordgo"
)

const (
	guildID   = "2000000000000000001"
	channelID = "3000000000000000001"
	userID    = "4000000000000000001"
)

// interactions collects the interactions a session receives.
type interactions struct {
	mu  sync.Mutex
	got []*discordgo.Interaction
}

func (c *interactions) add(i *discordgo.Interaction) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, i)
}

func (c *interactions) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, i := range c.got {
		if i.ID == id {
			n++
		}
	}
	return n
}

// mustOpen starts a fake and opens a real discordgo session against it;
// handle, if not nil, runs for every interaction. Both are closed when the
// test ends.
func mustOpen(tb testing.TB, handle func(*discordgo.Session, *discordgo.InteractionCreate)) (*discordtest.Server, *discordgo.Session) {
	tb.Helper()
	srv := discordtest.NewServer(discordtest.WithGuilds(guildID), discordtest.WithToken("token"))
	sess, err := srv.NewSession("Bot token")
	if err != nil {
		tb.Fatal(err)
	}
	sess.Identify.Intents = discordgo.IntentsGuilds
	if handle != nil {
		sess.AddHandler(handle)
	}
	if err := sess.Open(); err != nil {
		srv.Close()
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		sess.Close()
		srv.Close()
	})
	return srv, sess
}

func testContext(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

func TestInteractionFlow(t *testing.T) {
	t.Parallel()
	errs := make(chan error, 10)
	handle := func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		var resp *discordgo.InteractionResponse
		switch ic.Type {
		case discordgo.InteractionApplicationCommand:
			resp = &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content: "Choisissez",
					Flags:   discordgo.MessageFlagsEphemeral,
					Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
						discordgo.Button{Label: "Oui", CustomID: "vote:yes"},
						discordgo.Button{Label: "Idée", CustomID: "idea"},
					}}},
					AllowedMentions: &discordgo.MessageAllowedMentions{},
				},
			}
		case discordgo.InteractionMessageComponent:
			switch ic.MessageComponentData().CustomID {
			case "vote:yes":
				resp = &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseUpdateMessage,
					Data: &discordgo.InteractionResponseData{
						Content: "Vote enregistré",
						Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
							discordgo.Button{Label: "Idée", CustomID: "idea"},
						}}},
					},
				}
			case "idea":
				resp = &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseModal,
					Data: &discordgo.InteractionResponseData{
						CustomID: "idea-modal",
						Title:    "Nouvelle idée",
						Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
							discordgo.TextInput{CustomID: "text", Label: "Idée", Style: discordgo.TextInputParagraph, Required: true},
						}}},
					},
				}
			}
		case discordgo.InteractionModalSubmit:
			data := ic.ModalSubmitData()
			row := data.Components[0].(*discordgo.ActionsRow)
			input := row.Components[0].(*discordgo.TextInput)
			resp = &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content: ic.Locale.String() + ": " + input.Value,
					Flags:   discordgo.MessageFlagsEphemeral,
				},
			}
		}
		if resp == nil {
			errs <- errors.New("unexpected interaction")
			return
		}
		if err := s.InteractionRespond(ic.Interaction, resp); err != nil {
			errs <- err
		}
	}
	srv, _ := mustOpen(t, handle)
	ctx := testContext(t)

	cmd := srv.SlashCommand(guildID, channelID, userID, "fr", "consultation", discordtest.StringOption("sujet", "budget"))
	r, err := srv.WaitResponse(ctx, cmd.ID)
	if err != nil {
		t.Fatalf("slash command: %v (errors: %v)", err, drain(errs))
	}
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || !r.Ephemeral() || r.Content != "Choisissez" {
		t.Fatalf("response = %+v; want ephemeral message", r)
	}
	if r.AllowedMentions == nil {
		t.Errorf("allowed_mentions not recorded")
	}
	msg, ok := srv.Message(r.MessageID)
	if !ok || strings.Join(msg.CustomIDs(), ",") != "vote:yes,idea" || !msg.Ephemeral() {
		t.Fatalf("message = %+v; want ephemeral with two buttons", msg)
	}

	click, err := srv.Click(guildID, channelID, userID, "fr", msg.ID, "vote:yes")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := srv.WaitResponse(ctx, click.ID); err != nil || r.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("click response = %+v, %v", r, err)
	}
	msg, _ = srv.Message(msg.ID)
	if msg.Content != "Vote enregistré" || strings.Join(msg.CustomIDs(), ",") != "idea" || msg.Edits != 1 || !msg.Ephemeral() {
		t.Fatalf("after update message = %+v", msg)
	}
	if _, err := srv.Click(guildID, channelID, userID, "fr", msg.ID, "vote:yes"); err == nil {
		t.Errorf("Click on a removed button succeeded")
	}

	open, err := srv.Click(guildID, channelID, userID, "fr", msg.ID, "idea")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := srv.WaitResponse(ctx, open.ID); err != nil || r.Type != discordgo.InteractionResponseModal || r.CustomID != "idea-modal" {
		t.Fatalf("modal response = %+v, %v", r, err)
	}
	submit, err := srv.SubmitModal(guildID, channelID, userID, "fr", "idea-modal", map[string]string{"text": "Plus de vélos"})
	if err != nil {
		t.Fatal(err)
	}
	r, err = srv.WaitResponse(ctx, submit.ID)
	if err != nil || r.Content != "French: Plus de vélos" {
		t.Fatalf("submit response = %+v, %v (errors: %v)", r, err, drain(errs))
	}
	if e := drain(errs); e != nil {
		t.Errorf("handler errors: %v", e)
	}
	if u := srv.Unhandled(); len(u) > 0 {
		t.Errorf("unhandled routes: %v", u)
	}
}

func drain(errs chan error) []error {
	var out []error
	for {
		select {
		case err := <-errs:
			out = append(out, err)
		default:
			return out
		}
	}
}

func TestIdentifyAndReady(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(discordtest.WithGuilds(guildID))
	defer srv.Close()
	sess, err := srv.NewSession("Bot token")
	if err != nil {
		t.Fatal(err)
	}
	sess.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsDirectMessages
	ready := make(chan *discordgo.Ready, 1)
	guilds := make(chan string, 1)
	sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	sess.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g.ID })
	if err := sess.Open(); err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	ctx := testContext(t)
	id, err := srv.WaitIdentified(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if id.Token != "Bot token" || id.Intents != discordgo.IntentsGuilds|discordgo.IntentsDirectMessages {
		t.Errorf("identify = %+v", id)
	}
	select {
	case r := <-ready:
		if r.Application == nil || r.Application.ID != srv.ApplicationID() || r.User.ID != srv.BotUser().ID || r.SessionID != id.SessionID {
			t.Errorf("ready = %+v", r)
		}
	case <-ctx.Done():
		t.Fatal("no READY")
	}
	select {
	case g := <-guilds:
		if g != guildID {
			t.Errorf("GUILD_CREATE for %s; want %s", g, guildID)
		}
	case <-ctx.Done():
		t.Fatal("no GUILD_CREATE")
	}
	me, err := sess.User("@me")
	if err != nil || me.ID != srv.BotUser().ID {
		t.Errorf("User(@me) = %+v, %v", me, err)
	}
	dm, err := sess.UserChannelCreate(userID)
	if err != nil || dm.Type != discordgo.ChannelTypeDM {
		t.Fatalf("UserChannelCreate = %+v, %v", dm, err)
	}
	if got, _ := srv.DMChannel(userID); got != dm.ID {
		t.Errorf("DMChannel = %s; want %s", got, dm.ID)
	}
	if _, err := sess.ChannelMessageSend(dm.ID, "Bonjour"); err != nil {
		t.Errorf("send DM: %v", err)
	}
}

func TestChannelMessageWithFile(t *testing.T) {
	t.Parallel()
	srv, sess := mustOpen(t, nil)
	srv.AddChannel(guildID, channelID)
	sent, err := sess.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content: "Résultats",
		Embeds:  []*discordgo.MessageEmbed{{Title: "Synthèse"}},
		Files:   []*discordgo.File{{Name: "resultats.csv", ContentType: "text/csv", Reader: strings.NewReader("idee,votes\nvelos,3\n")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Attachments) != 1 || sent.Attachments[0].Filename != "resultats.csv" {
		t.Errorf("returned attachments = %+v", sent.Attachments)
	}
	m, ok := srv.Message(sent.ID)
	if !ok || len(m.Files) != 1 || string(m.Files[0].Data) != "idee,votes\nvelos,3\n" || m.Embeds[0].Title != "Synthèse" {
		t.Fatalf("message = %+v", m)
	}
	content := "Résultats (clos)"
	if _, err := sess.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: sent.ID, Channel: channelID, Content: &content}); err != nil {
		t.Fatal(err)
	}
	m, _ = srv.Message(sent.ID)
	if m.Content != content || len(m.Files) != 1 || m.Edits != 1 {
		t.Errorf("edited message = %+v", m)
	}
	if _, err := sess.ChannelMessageSend(channelID, ""); !isRESTError(err, http.StatusBadRequest, 50006) {
		t.Errorf("empty message error = %v; want 50006", err)
	}
	if _, err := sess.ChannelMessageSend("999", "x"); !isRESTError(err, http.StatusNotFound, 10003) {
		t.Errorf("unknown channel error = %v; want 10003", err)
	}
}

func isRESTError(err error, status, code int) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response.StatusCode == status && re.Message != nil && re.Message.Code == code
}

func TestBulkOverwriteCommands(t *testing.T) {
	t.Parallel()
	srv, sess := mustOpen(t, nil)
	perm := int64(discordgo.PermissionManageGuild)
	cmds := []*discordgo.ApplicationCommand{{
		Name:                     "consultation",
		NameLocalizations:        &map[discordgo.Locale]string{discordgo.French: "consultation"},
		Description:              "Start a consultation",
		DescriptionLocalizations: &map[discordgo.Locale]string{discordgo.French: "Lancer une consultation"},
		DefaultMemberPermissions: &perm,
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "sujet", Description: "Subject",
			DescriptionLocalizations: map[discordgo.Locale]string{discordgo.French: "Sujet"}, Required: true,
		}},
	}}
	appID := srv.ApplicationID()
	got, err := sess.ApplicationCommandBulkOverwrite(appID, "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID == "" || got[0].ApplicationID != appID {
		t.Fatalf("overwrite returned %+v", got)
	}
	reg := srv.Commands("")
	if len(reg) != 1 || (*reg[0].DescriptionLocalizations)[discordgo.French] != "Lancer une consultation" ||
		*reg[0].DefaultMemberPermissions != perm || reg[0].Options[0].DescriptionLocalizations[discordgo.French] != "Sujet" {
		t.Fatalf("registered %+v", reg)
	}
	again, err := sess.ApplicationCommandBulkOverwrite(appID, guildID, cmds)
	if err != nil || len(srv.Commands(guildID)) != 1 {
		t.Fatalf("guild overwrite: %v", err)
	}
	if again[0].GuildID != guildID {
		t.Errorf("guild command GuildID = %q", again[0].GuildID)
	}
	bad := []*discordgo.ApplicationCommand{{Name: "Consultation", Description: "x"}}
	if _, err := sess.ApplicationCommandBulkOverwrite(appID, "", bad); !isRESTError(err, http.StatusBadRequest, 50035) {
		t.Errorf("upper-case name error = %v; want 50035", err)
	}
	if n := srv.CommandWrites(""); n != 1 {
		t.Errorf("CommandWrites = %d; want 1", n)
	}
	// The slash command carries the registered command's ID.
	in := srv.SlashCommand(guildID, channelID, userID, "en-US", "consultation")
	if in.ID == "" {
		t.Fatal("no interaction")
	}
}

func TestResumeAfterDrop(t *testing.T) {
	t.Parallel()
	var got interactions
	resumed := make(chan struct{}, 1)
	srv, sess := mustOpen(t, func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got.add(ic.Interaction) })
	sess.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { resumed <- struct{}{} })
	ctx := testContext(t)

	srv.DropConnection()
	// Dispatched while the bot is disconnected: replayed on resume.
	in := srv.SlashCommand(guildID, channelID, userID, "fr", "consultation")
	if err := srv.WaitFor(ctx, func() bool { return srv.GatewayStats().Resumes == 1 }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-resumed:
	case <-ctx.Done():
		t.Fatal("discordgo saw no RESUMED")
	}
	if err := srv.WaitFor(ctx, func() bool { return got.count(in.ID) == 1 }); err != nil {
		t.Fatalf("missed interaction not replayed: %v", err)
	}
	if st := srv.GatewayStats(); st.Identifies != 1 {
		t.Errorf("Identifies = %d; want 1 (resume, not re-identify)", st.Identifies)
	}
}

func TestDuplicateDispatch(t *testing.T) {
	t.Parallel()
	var got interactions
	errs := make(chan error, 2)
	srv, _ := mustOpen(t, func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		got.add(ic.Interaction)
		errs <- s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
	})
	ctx := testContext(t)
	in := srv.SlashCommand(guildID, channelID, userID, "en-US", "consultation")
	if err := srv.RedispatchInteraction(in.ID); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitFor(ctx, func() bool { return len(srv.Responses(in.ID)) == 2 }); err != nil {
		t.Fatal(err)
	}
	if n := got.count(in.ID); n != 2 {
		t.Errorf("interaction delivered %d times; want 2", n)
	}
	var ok, acked int
	for range 2 {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case isRESTError(err, http.StatusBadRequest, 40060):
			acked++
		default:
			t.Errorf("respond: %v", err)
		}
	}
	if ok != 1 || acked != 1 {
		t.Errorf("ok=%d already-acknowledged=%d; want 1 and 1", ok, acked)
	}
}

func TestDeferredFollowup(t *testing.T) {
	t.Parallel()
	srv, sess := mustOpen(t, nil)
	ctx := testContext(t)
	done := make(chan error, 1)
	sess.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		done <- func() error {
			if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
			}); err != nil {
				return err
			}
			content := "Prêt"
			if _, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content}); err != nil {
				return err
			}
			_, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{
				Content: "Export",
				Files:   []*discordgo.File{{Name: "export.txt", Reader: strings.NewReader("ok")}},
			})
			return err
		}()
	})
	in := srv.SlashCommand(guildID, channelID, userID, "fr", "export")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("handler did not finish")
	}
	orig, ok := srv.OriginalMessage(in.ID)
	if !ok || orig.Content != "Prêt" || !orig.Ephemeral() || orig.Flags&discordgo.MessageFlagsLoading != 0 {
		t.Errorf("original = %+v", orig)
	}
	f := srv.Followups(in.ID)
	if len(f) != 1 || len(f[0].Files) != 1 || string(f[0].Files[0].Data) != "ok" {
		t.Errorf("followups = %+v", f)
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	srv, sess := mustOpen(t, nil)
	srv.AddChannel(guildID, channelID)
	deleted := make(chan string, 1)
	sess.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildDelete) { deleted <- g.ID })
	ctx := testContext(t)

	srv.FailNext("/messages", 1, http.StatusTooManyRequests, 0.05)
	if _, err := sess.ChannelMessageSend(channelID, "après 429"); err != nil {
		t.Fatalf("send after 429: %v", err)
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == "POST /channels/"+channelID+"/messages" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d attempts; want 2 (429 then retry)", n)
	}

	srv.FailNext("/messages", 1, http.StatusTooManyRequests, 0.01)
	_, err := sess.ChannelMessageSend(channelID, "x", discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("error = %v; want RateLimitError", err)
	}

	srv.RemoveGuild(guildID)
	select {
	case id := <-deleted:
		if id != guildID {
			t.Errorf("GUILD_DELETE for %s", id)
		}
	case <-ctx.Done():
		t.Fatal("no GUILD_DELETE")
	}
	if _, err := sess.ChannelMessageSend(channelID, "x"); !isRESTError(err, http.StatusForbidden, 50001) {
		t.Errorf("send to removed guild = %v; want 403 50001", err)
	}
	if _, err := sess.GuildRoles(guildID); err == nil {
		t.Errorf("unknown route succeeded")
	}
	if len(srv.Unhandled()) != 1 {
		t.Errorf("Unhandled = %v; want the roles route", srv.Unhandled())
	}
}

func TestInvalidateSessionReidentifies(t *testing.T) {
	t.Parallel()
	srv, _ := mustOpen(t, nil)
	ctx := testContext(t)
	srv.InvalidateSessions()
	if _, err := srv.WaitIdentified(ctx, 2); err != nil {
		t.Fatalf("no second Identify: %v", err)
	}
}
