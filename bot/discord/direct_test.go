package discord_test

import (
	"testing"

	"atelier/bot/discord/discordtest"
)

// TestAuthorsToldWhenGrouped checks that the authors of grouped ideas get a
// message in their DM channel, opened through POST /users/@me/channels, and
// that the organiser who grouped them does not.
func TestAuthorsToldWhenGrouped(t *testing.T) {
	t.Parallel()
	h := mustStart(t, options{})
	s := discordtest.StringOption
	u := discordtest.UserOption
	for _, id := range []string{adminID, orgID, aliceID, bobID} {
		h.cmd(chanID, id, "fr", "help")
	}
	h.cmd(chanID, adminID, "fr", "role", u("user", orgID), s("role", "organiser"))
	for _, id := range []string{aliceID, bobID} {
		h.cmd(chanID, orgID, "fr", "verify", u("user", id))
	}
	h.cmd(chanID, orgID, "fr", "consultation", s("action", "new"), s("title", "Statuts"))
	h.cmd(chanID, orgID, "fr", "phase", s("phase", "collecting"))
	h.cmd(chanID, aliceID, "fr", "idea", s("text", "Créer un covoiturage pour les réunions"))
	h.cmd(chanID, bobID, "fr", "idea", s("text", "Publier les comptes chaque trimestre"))
	h.cmd(chanID, orgID, "fr", "idea", s("text", "Un budget participatif pour la section"))

	_, r := h.cmd(chanID, orgID, "fr", "group", s("ideas", "1 2 3"), s("title", "Vie de la section"))
	wantContains(t, "group", r.Content, "P1")
	for _, id := range []string{aliceID, bobID} {
		var dm string
		var msgs []discordtest.Message
		err := h.srv.WaitFor(testContext(t), func() bool {
			var ok bool
			if dm, ok = h.srv.DMChannel(id); !ok {
				return false
			}
			msgs = h.srv.Messages(dm)
			return len(msgs) > 0
		})
		if err != nil {
			t.Fatalf("no direct message to %s: %v\nlogs:\n%s", id, err, h.logs)
		}
		if len(msgs) != 1 {
			t.Errorf("%d direct messages to %s; want 1", len(msgs), id)
		}
		wantContains(t, "notice", msgText(msgs[0]), "fait maintenant partie de la proposition P1")
	}
	if _, ok := h.srv.DMChannel(orgID); ok {
		t.Errorf("the organiser who grouped the ideas was sent a direct message")
	}
}
