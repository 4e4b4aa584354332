package discord_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"atelier/bot/discord/discordtest"
	"atelier/consultation"

	"github.com/bwmarrin/discordgo"
)

// hostile is an idea written to ping everyone and break the markup.
const hostile = "@everyone <@123> <@&456> **bold** ||spoiler|| [link](https://evil.example) read me"

// TestConsultation runs a whole consultation through slash commands,
// buttons and a modal, with French and English users.
func TestConsultation(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	ctx := context.Background()
	s := discordtest.StringOption
	u := discordtest.UserOption

	// Everyone says hello, so the bot knows them.
	for _, who := range []struct{ id, locale string }{{adminID, "fr"}, {orgID, "en-US"}, {aliceID, "fr"}, {bobID, "en-US"}, {carolID, "en-US"}, {evilID, "fr"}} {
		_, r := h.cmd(chanID, who.id, who.locale, "help")
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
			t.Fatalf("help: response type %d", r.Type)
		}
	}

	// The admin verifies the organiser and gives the role; the organiser
	// verifies members.
	_, r := h.cmd(chanID, adminID, "fr", "verify", u("user", orgID))
	wantContains(t, "verify", r.Content, "Orga", "vérifié")
	_, r = h.cmd(chanID, adminID, "fr", "role", u("user", orgID), s("role", "organiser"))
	wantContains(t, "role", r.Content, "Orga est maintenant")
	for _, id := range []string{aliceID, bobID, carolID} {
		_, r = h.cmd(chanID, orgID, "en-US", "verify", u("user", id))
		wantContains(t, "verify", r.Content, "is now a verified member")
		wantNoMentions(t, "verify", r.AllowedMentions)
	}

	_, r = h.cmd(chanID, orgID, "en-US", "consultation", s("action", "new"), s("title", "Statutes reform"))
	wantContains(t, "consultation new", r.Content, "Consultation #1", "Statutes reform", "created")
	// A refused command stays with its author: a public answer would show
	// the channel who used it.
	_, r = h.cmd(chanID, aliceID, "en-US", "phase", s("phase", "collecting"))
	wantContains(t, "member's /phase", r.Content, "for organisers")
	if !r.Ephemeral() {
		t.Errorf("a refusal of a command is public")
	}
	_, r = h.cmd(chanID, orgID, "en-US", "phase", s("phase", "collecting"))
	wantContains(t, "phase", r.Content, "collecting")

	// Ideas: with the text option, through the modal, and hostile text.
	_, r = h.cmd(chanID, aliceID, "fr", "idea", s("text", "Créer un covoiturage pour les réunions de section"))
	wantContains(t, "idea (fr)", r.Content, "Idée n°1 enregistrée")
	in, r := h.cmd(chanID, bobID, "en-US", "idea")
	if r.Type != discordgo.InteractionResponseModal || r.Title != "New idea" {
		t.Fatalf("idea without text: response type %d title %q; want a modal", r.Type, r.Title)
	}
	sub, err := h.srv.SubmitModal(guildID, chanID, bobID, "en-US", r.CustomID, map[string]string{"text": "Publish the minutes\nof every meeting"})
	if err != nil {
		t.Fatal(err)
	}
	r = h.wait(sub)
	wantContains(t, "idea (modal)", r.Content, "Idea #2 recorded")
	_ = in
	_, r = h.cmd(chanID, carolID, "en-US", "idea", s("text", hostile))
	wantContains(t, "idea (hostile)", r.Content, "Idea #3 recorded")
	for _, idea := range []struct{ who, locale, text string }{
		{aliceID, "fr", "Former les nouveaux adhérents dès leur arrivée"},
		{bobID, "en-US", "Hold section meetings online once a month"},
		{orgID, "en-US", "A participatory budget for the section"},
	} {
		_, r = h.cmd(chanID, idea.who, idea.locale, "idea", s("text", idea.text))
		wantContains(t, "idea", r.Content, "💡")
	}
	_, r = h.cmd(chanID, evilID, "fr", "idea", s("text", "Je ne suis pas vérifié mais j'ai une idée"))
	wantContains(t, "unverified idea", r.Content, "Seuls les membres vérifiés")

	// Hostile text is shown escaped and pings nobody.
	_, r = h.cmd(chanID, adminID, "fr", "ideas")
	wantContains(t, "ideas", r.Content, `\@everyone`, `\<\@123>`, `\<\@&456>`, `\*\*bold\*\*`, `\|\|spoiler\|\|`, `\[link\]\(https\://evil.example\)`)
	for _, raw := range []string{"@everyone", "<@123>", "**bold**", "||spoiler||"} {
		if strings.Contains(regexp.MustCompile(`\\.`).ReplaceAllString(r.Content, ""), raw) {
			t.Errorf("ideas shows %q unescaped: %q", raw, r.Content)
		}
	}
	wantNoMentions(t, "ideas", r.AllowedMentions)

	for _, g := range [][2]string{{"1 5", "Mobilité"}, {"2 3", "Transparence"}, {"4 6", "Formation"}} {
		_, r = h.cmd(chanID, orgID, "en-US", "group", s("ideas", g[0]), s("title", g[1]))
		wantContains(t, "group", r.Content, "Proposal P", g[1])
	}

	// Open the poll: the announcement carries the Rate button.
	pollIn, r := h.cmd(chanID, orgID, "en-US", "poll", s("action", "open"))
	if r.Ephemeral() {
		t.Errorf("poll open announcement is ephemeral")
	}
	announce := h.original(pollIn.ID)
	rate := customID(t, announce, `^b_\d+$`)
	cid := strings.TrimPrefix(rate, "b_")

	// Forged buttons are refused privately and change nothing.
	h.cmd(chan2ID, orgID, "en-US", "help")
	_, r = h.cmd(chan2ID, orgID, "en-US", "consultation", s("action", "new"), s("title", "Other"))
	for _, forged := range []string{
		"garbage",
		"r_" + strings.Repeat("9", 98),
		"r_" + cid + "_1_99_i_3",  // no such proposal
		"r_2_1_1_i_3",             // another consultation's proposal
		"r_" + cid + "_2_1_i_3",   // a round that does not exist
		"v_" + cid + "_y",         // no vote is open
		"r_" + cid + "_1_1_i_7",   // out of range
		"n_" + cid + "_0",         // malformed number
		"b_00" + cid,              // leading zeros
		"r_" + cid + "_1_1_x_3",   // unknown axis
		"r_-1_1_1_i_3",            // negative
		"x_" + cid,                // unknown kind
		"r_" + cid + "_1_1_i_3_0", // extra field
	} {
		r := h.forge(chanID, aliceID, "fr", announce.ID, forged)
		if !r.Ephemeral() || r.Type != discordgo.InteractionResponseChannelMessageWithSource {
			t.Errorf("forged %q: response type %d ephemeral %v; want an ephemeral message", forged, r.Type, r.Ephemeral())
		}
		if r.Content == "" {
			t.Errorf("forged %q: empty refusal", forged)
		}
	}
	alice := h.member(aliceID)
	if b, err := h.svc.Ballot(ctx, consultation.Actor{MemberID: alice.ID}, mustInt(cid)); err != nil || b.Done != 0 || len(b.Mine) != 0 {
		t.Fatalf("after forged presses: ballot %+v, %v; want nothing rated", b, err)
	}

	// Everyone rates every proposal in their private ballot.
	voters := []struct{ id, locale string }{{adminID, "fr"}, {orgID, "en-US"}, {aliceID, "fr"}, {bobID, "en-US"}, {carolID, "en-US"}}
	var aliceBallot string
	for n, v := range voters {
		pressIn, r := h.click(chanID, v.id, v.locale, announce.ID, rate)
		if !r.Ephemeral() {
			t.Fatalf("ballot for %s is not ephemeral", v.id)
		}
		want := "Votre bulletin"
		if v.locale != "fr" {
			want = "Your ballot"
		}
		wantContains(t, "ballot", r.Content, want)
		wantNoMentions(t, "ballot", r.AllowedMentions)
		ballot := h.original(pressIn.ID)
		if v.id == aliceID {
			aliceBallot = ballot.ID
			wantContains(t, "ballot sources", msgText(ballot), "covoiturage")
		}
		for i := 0; i < 3; i++ {
			cur, _ := h.srv.Message(ballot.ID)
			impact := customID(t, cur, fmt.Sprintf(`^r_%s_1_\d+_i_%d$`, cid, 5-i))
			prop := regexp.MustCompile(`^r_\d+_1_(\d+)_`).FindStringSubmatch(impact)[1]
			_, r = h.click(chanID, v.id, v.locale, ballot.ID, impact)
			if r.Type != discordgo.InteractionResponseUpdateMessage || r.MessageID != ballot.ID {
				t.Fatalf("rating: response type %d on message %s; want an update of %s", r.Type, r.MessageID, ballot.ID)
			}
			cur, _ = h.srv.Message(ballot.ID)
			effort := customID(t, cur, fmt.Sprintf(`^r_%s_1_%s_e_%d$`, cid, prop, 1+(i+n)%5))
			_, r = h.click(chanID, v.id, v.locale, ballot.ID, effort)
			if r.Type != discordgo.InteractionResponseUpdateMessage {
				t.Fatalf("rating: response type %d; want 7", r.Type)
			}
		}
		final, _ := h.srv.Message(ballot.ID)
		if final.Edits != 6 || len(final.Components) != 4 {
			t.Errorf("ballot after 6 presses: %d edits, %d rows", final.Edits, len(final.Components))
		}
		wantContains(t, "complete ballot", final.Content, map[bool]string{true: "Bulletin complet", false: "Ballot complete"}[v.locale == "fr"])
	}

	// A duplicated interaction changes nothing.
	dupIn, _ := h.cmd(chanID, aliceID, "fr", "idea", s("text", "Une idée envoyée une seule fois"))
	if err := h.srv.RedispatchInteraction(dupIn.ID); err != nil {
		t.Fatal(err)
	}
	// The gateway delivers in order: once a later interaction is
	// answered, the duplicate has been seen.
	_, r = h.cmd(chanID, adminID, "fr", "poll")
	wantContains(t, "poll status", r.Content, "5")
	if n := len(h.srv.Responses(dupIn.ID)); n != 1 {
		t.Errorf("duplicated interaction answered %d times", n)
	}

	// Close the poll: the announcement, then the results as an embed with
	// the matrix picture.
	closeIn, r := h.cmd(chanID, orgID, "en-US", "poll", s("action", "close"))
	wantContains(t, "poll close", r.Content, "results")
	fu := h.followups(closeIn.ID, 1)
	res := fu[0]
	if len(res.Embeds) == 0 || res.Embeds[0].Image == nil || !strings.HasPrefix(res.Embeds[0].Image.URL, "attachment://matrix-") {
		t.Fatalf("results: embeds %+v; want an embed showing the matrix", res.Embeds)
	}
	wantContains(t, "results", msgText(res), "Results of", "Mobilit")
	if len(res.Files) != 1 || res.Files[0].ContentType != "image/png" || !strings.HasPrefix(string(res.Files[0].Data), "\x89PNG") {
		t.Fatalf("results: files %+v; want the matrix png", res.Files)
	}
	wantNoMentions(t, "results", res.AllowedMentions)

	// The old ballot's buttons now belong to a closed round.
	resBefore, err := h.svc.Results(ctx, mustInt(cid))
	if err != nil {
		t.Fatal(err)
	}
	oldBallot, _ := h.srv.Message(aliceBallot)
	_, r = h.click(chanID, aliceID, "fr", aliceBallot, oldBallot.CustomIDs()[0])
	if !r.Ephemeral() || r.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("press in a closed round: type %d ephemeral %v; want an ephemeral refusal", r.Type, r.Ephemeral())
	}
	if after, _ := h.svc.Results(ctx, mustInt(cid)); after.Voters != resBefore.Voters || summary(after) != summary(resBefore) {
		t.Errorf("a press in a closed round changed the results")
	}

	// The synthesis as a Markdown file, then put to the vote.
	_, r = h.cmd(chanID, aliceID, "fr", "synthesis")
	wantContains(t, "synthesis", r.Content, "Synthèse de")
	if len(r.Files) != 1 || !strings.HasSuffix(r.Files[0].Name, ".md") || !strings.Contains(string(r.Files[0].Data), "# Synthèse") {
		t.Fatalf("synthesis files: %+v", r.Files)
	}
	voteIn, r := h.cmd(chanID, orgID, "en-US", "synthesis", s("action", "vote"), discordtest.IntegerOption("quorum", 50))
	wantContains(t, "synthesis vote", r.Content, "Adoption vote", "50")
	voteMsg := h.original(voteIn.ID)
	yes := customID(t, voteMsg, `^v_\d+_y$`)
	for _, v := range voters[:4] {
		_, r := h.click(chanID, v.id, v.locale, voteMsg.ID, yes)
		want := "Vote enregistré"
		if v.locale != "fr" {
			want = "Vote recorded"
		}
		if !r.Ephemeral() {
			t.Errorf("vote answer is not ephemeral")
		}
		wantContains(t, "vote", r.Content, want)
	}
	// A slash command in the channel is seen by its author alone when
	// its answer is ephemeral: /vote counts there.
	_, r = h.cmd(chanID, carolID, "en-US", "vote", s("choice", "no"))
	if !r.Ephemeral() {
		t.Errorf("/vote answer is not ephemeral")
	}
	wantContains(t, "vote no", text(r), "Vote recorded")

	_, r = h.cmd(chanID, orgID, "en-US", "vote", s("choice", "close"))
	wantContains(t, "vote close", text(r), "adopted", "4", "1")
}

func (h *harness) member(userID string) *consultation.Member {
	h.tb.Helper()
	m, err := h.svc.MemberByIdentity(context.Background(), consultation.Discord, userID)
	if err != nil {
		h.tb.Fatal(err)
	}
	return m
}

func mustInt(s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		panic(err)
	}
	return n
}

func summary(res *consultation.RoundResults) string {
	var b strings.Builder
	for _, o := range res.Outcomes {
		fmt.Fprintf(&b, "%d P%d %d %v %v;", o.Rank, o.Proposal.Number, o.Raters, o.Impact, o.Effort)
	}
	return b.String()
}
