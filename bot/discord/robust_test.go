package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/bot/discord"
	"atelier/bot/discord/discordtest"

	"github.com/bwmarrin/discordgo"
)

// TestRobustness shares one adapter across cases that must not kill it.
func TestRobustness(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{hook: func(ev bot.Event) {
		if ev.From.ID == evilID && strings.Contains(ev.Text, "help") {
			panic("boom")
		}
	}})

	t.Run("rate limited ack", func(t *testing.T) {
		h.srv.FailNext("/callback", 1, http.StatusTooManyRequests, 0.05)
		in, r := h.cmd(chanID, bobID, "en-US", "help")
		wantContains(t, "help after a 429", r.Content, "Atelier")
		attempts := func() int {
			n := 0
			for _, q := range h.srv.Requests() {
				if strings.Contains(q.Route, "/interactions/"+in.ID+"/") {
					n++
				}
			}
			return n
		}
		// The fake records a request once it has answered it.
		if err := h.srv.WaitFor(testContext(t), func() bool { return attempts() >= 2 }); err != nil || attempts() != 2 {
			t.Errorf("%d callback attempts; want 2 (a 429, then the answer)", attempts())
		}
	})

	t.Run("commands", func(t *testing.T) {
		cmds := h.srv.Commands(guildID)
		byName := map[string]*discordgo.ApplicationCommand{}
		for _, c := range cmds {
			byName[c.Name] = c
		}
		for _, c := range bot.Commands(bot.English) {
			got := byName[c.Name]
			if got == nil {
				t.Errorf("command %s not registered", c.Name)
				continue
			}
			if (got.DefaultMemberPermissions != nil) != c.Organiser {
				t.Errorf("command %s: default permissions %v; organiser %v", c.Name, got.DefaultMemberPermissions, c.Organiser)
			}
			if got.DescriptionLocalizations == nil || (*got.DescriptionLocalizations)[discordgo.French] == "" {
				t.Errorf("command %s has no French description", c.Name)
			}
		}
		for en, fr := range map[string]string{"idea": "idee", "group": "regrouper", "help": "aide", "synthesis": "synthese", "poll": "sondage"} {
			c := byName[en]
			if c == nil || c.NameLocalizations == nil || (*c.NameLocalizations)[discordgo.French] != fr {
				t.Errorf("command %s: French name not %q", en, fr)
			}
		}
		if c := byName["poll"]; c == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild {
			t.Errorf("poll is not restricted to server managers by default")
		}
		if len(h.srv.Commands("")) != 0 {
			t.Errorf("commands registered globally while a guild is configured")
		}
	})

	t.Run("panic", func(t *testing.T) {
		_, r := h.cmd(chanID, evilID, "fr", "help")
		if !r.Ephemeral() || !strings.Contains(r.Content, "Désolé") {
			t.Errorf("after a panic: %q (ephemeral %v); want the apology, privately", r.Content, r.Ephemeral())
		}
		wantContains(t, "logs", h.logs.String(), "panic handling interaction", "chat="+chanID, "platform=discord", "error=")
		_, r = h.cmd(chanID, aliceID, "en-US", "help")
		wantContains(t, "help after a panic", r.Content, "Atelier")
	})

	t.Run("malformed", func(t *testing.T) {
		app := h.srv.ApplicationID()
		for _, p := range []map[string]any{
			{"id": "9001", "type": 2, "channel_id": chanID, "token": "t1", "application_id": app},
			{"id": "9002", "type": 1, "channel_id": chanID, "token": "t2", "application_id": app},
			{"id": "9003", "type": 3, "channel_id": chanID, "token": "t3", "application_id": app, "data": nil, "user": map[string]any{"id": aliceID}},
			{"id": "9004", "type": 5, "channel_id": chanID, "token": "t4", "application_id": app, "data": map[string]any{"custom_id": "other"}, "user": map[string]any{"id": aliceID}},
			{"id": "9005", "type": 2, "channel_id": chanID, "token": "t5", "application_id": app, "user": map[string]any{"id": aliceID},
				"data": map[string]any{"name": "withdraw", "type": 1, "options": []any{map[string]any{"name": "number", "type": 4, "value": "not a number"}}}},
			{"id": "9006", "type": 99},
		} {
			raw, _ := json.Marshal(p)
			h.srv.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
		}
		// The adapter tries to answer each (the fake does not know them).
		err := h.srv.WaitFor(testContext(t), func() bool {
			for _, id := range []string{"9001", "9003", "9004", "9005"} {
				if len(h.srv.Responses(id)) == 0 {
					return false
				}
			}
			return true
		})
		if err != nil {
			t.Errorf("malformed interactions not answered: %v", err)
		}
		_, r := h.cmd(chanID, aliceID, "fr", "help")
		wantContains(t, "help after malformed interactions", r.Content, "Atelier")
	})

	t.Run("guild delete", func(t *testing.T) {
		h.srv.RemoveGuild(guild2ID)
		h.cmd(chanID, aliceID, "fr", "help")
		wantContains(t, "logs", h.logs.String(), "removed from guild", "guild="+guild2ID)
	})

	t.Run("resume", func(t *testing.T) {
		before := h.srv.GatewayStats().Resumes
		h.srv.DropConnection()
		// Dispatched while disconnected: replayed on resume.
		in := h.srv.SlashCommand(guildID, chanID, carolID, "en-US", "help")
		r := h.wait(in)
		wantContains(t, "help across a reconnect", r.Content, "Atelier")
		if got := h.srv.GatewayStats().Resumes; got <= before {
			t.Errorf("resumes = %d; want more than %d", got, before)
		}
	})
}

// TestDeferred runs the slow path: every interaction is deferred first,
// then answered with edits and followups.
func TestDeferred(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{cfg: func(c *discord.Config) { c.AckAfter = -1 }})

	in, r := h.cmd(chanID, aliceID, "fr", "help")
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !r.Ephemeral() {
		t.Fatalf("deferred command: type %d ephemeral %v; want 5, ephemeral", r.Type, r.Ephemeral())
	}
	fu := h.followups(in.ID, 1)
	if fu[0].Ephemeral() {
		t.Errorf("public answer sent ephemeral")
	}
	wantContains(t, "deferred help", fu[0].Content, "Atelier")
	wantNoMentions(t, "deferred help", fu[0].AllowedMentions)
	if m, ok := h.srv.OriginalMessage(in.ID); !ok || !m.Deleted {
		t.Errorf("the thinking message is still there")
	}

	// A private answer replaces the thinking message.
	in, _ = h.cmd(chanID, adminID, "fr", "members")
	if err := h.srv.WaitFor(testContext(t), func() bool {
		m, ok := h.srv.OriginalMessage(in.ID)
		return ok && m.Content != ""
	}); err != nil {
		t.Fatal(err)
	}
	m := h.original(in.ID)
	if !m.Ephemeral() {
		t.Errorf("private answer is public: %q", m.Content)
	}

	// A button: deferred update, then the refusal privately.
	press, err := h.srv.Forge(guildID, chanID, aliceID, "en-US", fu[0].ID, "garbage")
	if err != nil {
		t.Fatal(err)
	}
	r = h.wait(press)
	if r.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Errorf("deferred button: type %d; want 6", r.Type)
	}
	refusal := h.followups(press.ID, 1)[0]
	if !refusal.Ephemeral() || !strings.Contains(refusal.Content, "not valid") {
		t.Errorf("deferred refusal: %q ephemeral %v", refusal.Content, refusal.Ephemeral())
	}
}

// TestRestart checks that registration is idempotent and that an
// interaction delivered again after a restart changes nothing.
func TestRestart(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	s := discordtest.StringOption
	h.cmd(chanID, adminID, "fr", "consultation", s("action", "new"), s("title", "Budget"))
	h.cmd(chanID, adminID, "fr", "phase", s("phase", "collecting"))
	idea, r := h.cmd(chanID, adminID, "fr", "idea", s("text", "Une idée enregistrée une fois"))
	wantContains(t, "idea", r.Content, "Idée n°1")
	ids := map[string]string{}
	for _, c := range h.srv.Commands(guildID) {
		ids[c.Name] = c.ID
	}
	writes := h.srv.CommandWrites(guildID)
	h.stop()

	h2 := mustStart(t, options{srv: h.srv, store: h.store})
	if got := h2.srv.CommandWrites(guildID); got != writes+1 {
		t.Errorf("command writes = %d; want one more than %d", got, writes)
	}
	for _, c := range h2.srv.Commands(guildID) {
		if ids[c.Name] != c.ID {
			t.Errorf("command %s changed ID across a restart", c.Name)
		}
	}
	if err := h2.srv.RedispatchInteraction(idea.ID); err != nil {
		t.Fatal(err)
	}
	err := h2.srv.WaitFor(testContext(t), func() bool { return len(h2.srv.Responses(idea.ID)) == 2 })
	if err != nil {
		t.Fatalf("duplicate not answered: %v\n%s", err, h2.logs)
	}
	if rs := h2.srv.Responses(idea.ID); rs[1].Status != http.StatusBadRequest {
		t.Errorf("second ack: status %d", rs[1].Status)
	}
	ideas, err := h2.svc.Ideas(context.Background(), 1)
	if err != nil || len(ideas) != 1 {
		t.Errorf("ideas after a duplicate: %d, %v; want 1", len(ideas), err)
	}
	_, r = h2.cmd(chanID, adminID, "fr", "ideas")
	wantContains(t, "ideas after restart", r.Content, "#1")
	if strings.Contains(h2.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", h2.logs)
	}
}

// TestAnswerAfterHandlingTimedOut has the handling of a command outlast
// its time: the member still gets an answer (an apology), sent with time
// of its own.
func TestAnswerAfterHandlingTimedOut(t *testing.T) {
	t.Parallel()
	const timeout = 30 * time.Millisecond
	h := mustStart(t, options{
		cfg: func(c *discord.Config) { c.AckAfter, c.EventTimeout = -1, timeout },
		// Handling starts once its time is up (the only way, without a
		// clock to inject into the context, to have it run out).
		hook: func(bot.Event) { time.Sleep(2 * timeout) },
	})
	in, r := h.cmd(chanID, aliceID, "en-US", "help")
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response type %d; want deferred", r.Type)
	}
	if err := h.srv.WaitFor(testContext(t), func() bool {
		m, ok := h.srv.OriginalMessage(in.ID)
		return ok && strings.Contains(m.Content, "Sorry")
	}); err != nil {
		t.Fatalf("no answer once the handling timed out: %v\nlogs:\n%s", err, h.logs)
	}
}

// TestAnswerLostAfterItWentThrough has Discord carry out an interaction's
// response but answer it with a server error: the retry, refused as
// already acknowledged, counts as done, and the answer's other message
// (here the organiser's private list of who has not finished) follows.
func TestAnswerLostAfterItWentThrough(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	s, u := discordtest.StringOption, discordtest.UserOption
	for _, id := range []string{adminID, orgID, aliceID} {
		h.cmd(chanID, id, "fr", "help")
	}
	h.cmd(chanID, adminID, "fr", "role", u("user", orgID), s("role", "organiser"))
	h.cmd(chanID, orgID, "fr", "verify", u("user", aliceID))
	h.cmd(chanID, orgID, "fr", "consultation", s("action", "new"), s("title", "Statuts"))
	h.cmd(chanID, orgID, "fr", "phase", s("phase", "collecting"))
	h.cmd(chanID, aliceID, "fr", "idea", s("text", "Une idée à évaluer"))
	h.cmd(chanID, orgID, "fr", "group", s("ideas", "1"), s("title", "Première"))
	h.cmd(chanID, orgID, "fr", "poll", s("action", "open"))
	h.srv.LoseAnswerOfNext("/callback", 1, http.StatusInternalServerError)
	in, r := h.cmd(chanID, orgID, "fr", "poll")
	wantContains(t, "poll status", r.Content, "Statuts")
	fu := h.followups(in.ID, 1)
	if !fu[0].Ephemeral() || !strings.Contains(fu[0].Content, "Alice") {
		t.Errorf("followup = %+v; want the private list naming Alice", fu[0])
	}
}

// TestWaitForSlotCountsAgainstAck has an interaction wait for a free slot
// past the time the adapter allows before deferring: it is deferred at
// once when it gets one, Discord's three seconds running from its
// arrival.
func TestWaitForSlotCountsAgainstAck(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now, reads := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0
	// Alice's command reads the clock twice (its arrival, its start);
	// bob's arrival is the third read.
	second, third := make(chan struct{}), make(chan struct{})
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		switch reads++; reads {
		case 2:
			close(second)
		case 3:
			close(third)
		}
		return now
	}
	started, release := make(chan struct{}), make(chan struct{})
	var once, freed sync.Once
	free := func() { freed.Do(func() { close(release) }) }
	t.Cleanup(free) // never leave alice's handling blocked
	h := mustStart(t, options{
		slots: 1,
		cfg:   func(c *discord.Config) { c.Clock = clock },
		hook: func(ev bot.Event) {
			if ev.From.ID == aliceID {
				once.Do(func() { close(started) })
				<-release
			}
		},
	})
	ctx := testContext(t)
	first := h.srv.SlashCommand(guildID, chanID, aliceID, "fr", "help")
	for _, ch := range []chan struct{}{started, second} {
		select {
		case <-ch: // alice's command holds the only slot
		case <-ctx.Done():
			t.Fatal("alice's command never started")
		}
	}
	last := h.srv.SlashCommand(guildID, chanID, bobID, "en-US", "help")
	select {
	case <-third:
	case <-ctx.Done():
		t.Fatal("bob's command never arrived")
	}
	mu.Lock()
	now = now.Add(2 * time.Minute) // past AckAfter (a minute) while bob waits
	mu.Unlock()
	free()
	if r := h.wait(first); r.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("alice's answer: type %d; want a direct answer", r.Type)
	}
	if r := h.wait(last); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("bob's answer after waiting for a slot: type %d; want deferred", r.Type)
	}
}
