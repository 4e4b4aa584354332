package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"atelier/consultation"
)

// TestRefusals checks that every kind of bad input gets a clear answer in
// the user's language and changes nothing.
func TestRefusals(t *testing.T) {
	type step struct {
		who, chat, text, data string
	}
	for _, tc := range []struct {
		name   string
		locale string
		before []step // brings the consultation to the right phase
		do     step
		want   string
	}{
		{"unknown command fr", "fr", nil, step{"bob", "", "/inconnue", ""}, "Tapez /aide"},
		{"unknown command en", "en", nil, step{"bob", "", "/unknown", ""}, "Type /help"},
		{"missing argument fr", "fr", nil, step{"bob", "", "/idee", ""}, "Exemple : /idee"},
		{"missing argument en", "en", nil, step{"bob", "", "/idea", ""}, "Example: /idea"},
		{"too short", "fr", []step{{"alice", "", "/phase collecte", ""}}, step{"bob", "", "/idee ok", ""}, "au moins 3 caractères"},
		{"too long", "en", []step{{"alice", "", "/phase collecting", ""}}, step{"bob", "", "/idea " + strings.Repeat("a", 1001), ""}, "at most 1000 characters (this one has 1001)"},
		{"wrong phase", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "/idee Une idée", ""}, "phase « évaluation »"},
		{"unverified", "fr", []step{{"alice", "", "/phase collecte", ""}}, step{"zoe", "", "/idee Je veux participer", ""}, "Seuls les membres vérifiés"},
		{"unverified en", "en", []step{{"alice", "", "/phase collecting", ""}}, step{"zoe", "", "/idea I want in", ""}, "Only verified members"},
		{"organiser command by a member", "fr", nil, step{"bob", "", "/phase collecte", ""}, "réservée aux organisateurs"},
		{"role by an organiser", "en", nil, step{"alice", "", "/role @bob admin", ""}, "for admins only"},
		{"idea in private", "fr", nil, step{"bob", "dm", "/idee Une idée", ""}, "dans le groupe"},
		{"dated phase in private", "fr", nil, step{"alice", "dm", "/phase collecte jusqu'au 3/12 18h", ""}, "dans le groupe"},
		{"dated poll in private", "en", nil, step{"alice", "dm", "/poll open until 3/12 6pm", ""}, "in your section's group"},
		{"planned vote in private", "fr", nil, step{"alice", "dm", "/synthese vote quorum 50 % du 1/12 9h au 3/12 18h", ""}, "dans le groupe"},
		{"planned phase in private", "en", nil, step{"alice", "dm", "/phase evaluating from 1/12 9am to 3/12 6pm", ""}, "in your section's group"},
		{"deadline in the past", "fr", nil, step{"alice", "", "/phase collecte jusqu'au 01/01/2020 10h", ""}, "déjà passée"},
		{"unreadable date", "en", nil, step{"alice", "", "/phase collecting until someday", ""}, "can't read that date"},
		{"results before any evaluation", "fr", nil, step{"alice", "", "/phase resultats", ""}, "d'abord évaluer"},
		{"adoption before any evaluation", "en", nil, step{"alice", "", "/phase adoption", ""}, "Evaluate the proposals first"},
		{"results while evaluating", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "/resultats", ""}, "restent cachées"},
		{"garbage button", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "", "r_1_1_1_x_9"}, "pas valide"},
		{"oversized button", "en", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "", "b_" + strings.Repeat("1", 70)}, "not valid"},
		{"proposal of another consultation", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "", "r_1_1_9_i_4"}, "pas de proposition n°9"},
		{"unknown consultation", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "", "r_7_1_1_i_4"}, "pas valide"},
		{"old round", "en", []step{{"alice", "", "/poll open", ""}}, step{"bob", "", "", "r_1_2_1_i_4"}, "evaluation is closed"},
		{"button of a closed poll", "fr", []step{{"alice", "", "/poll open", ""}, {"alice", "", "/poll close", ""}}, step{"bob", "", "", "r_1_1_1_i_4"}, "évaluation est fermée"},
		{"unverified rating", "fr", []step{{"alice", "", "/poll open", ""}}, step{"zoe", "", "", "r_1_1_1_i_4"}, "Seuls les membres vérifiés"},
		// The same buttons pressed on a private ballot, where they reach
		// their transaction without a lookup first.
		{"unverified rating in private", "fr", []step{{"alice", "", "/poll open", ""}}, step{"zoe", "dm", "", "r_1_1_1_i_4"}, "Seuls les membres vérifiés"},
		{"stranger's rating in private", "en", []step{{"alice", "", "/poll open", ""}}, step{"yann", "dm", "", "r_1_1_1_i_4"}, "Only verified members"},
		{"stranger's ballot in private", "fr", []step{{"alice", "", "/poll open", ""}}, step{"yann", "dm", "", "b_1"}, "Seuls les membres vérifiés"},
		{"proposal of another consultation in private", "fr", []step{{"alice", "", "/poll open", ""}}, step{"bob", "dm", "", "r_1_1_9_i_4"}, "pas de proposition n°9"},
		{"unknown consultation in private", "en", []step{{"alice", "", "/poll open", ""}}, step{"bob", "dm", "", "n_7_1"}, "not valid"},
		{"closed poll in private", "fr", []step{{"alice", "", "/poll open", ""}, {"alice", "", "/poll close", ""}}, step{"bob", "dm", "", "r_1_1_1_i_4"}, "évaluation est fermée"},
		{"verified after the poll opened", "fr", []step{{"alice", "", "/poll open", ""}, {"alice", "", "/verify @zoe", ""}}, step{"zoe", "", "", "r_1_1_1_i_4"}, "après l'ouverture"},
		{"vote before adoption", "en", nil, step{"bob", "dm", "/vote yes", ""}, "No vote is open"},
		{"vote typed in the group", "fr", []step{{"alice", "", "/poll open", ""}, {"alice", "", "/poll close", ""}, {"alice", "", "/synthese vote quorum 50 %", ""}}, step{"bob", "", "/vote non", ""}, "Votre vote est secret"},
		{"suspended member's idea", "fr", []step{{"alice", "", "/suspendre @bob", ""}}, step{"bob", "", "/idee Encore une idée", ""}, "adhésion est suspendue"},
		{"suspended member's pending ballot", "en", []step{{"alice", "", "/poll open", ""}, {"bob", "", "", "b_1"}, {"alice", "", "/suspend @bob", ""}}, step{"bob", "dm", "", "r_1_1_1_i_4"}, "membership is suspended"},
		{"suspended organiser loses powers", "fr", []step{{"admin", "", "/suspendre @alice", ""}}, step{"alice", "", "/sondage ouvrir", ""}, "adhésion est suspendue"},
		{"organiser lifts an organiser's suspension", "fr", []step{{"admin", "", "/role @carol organiser", ""}, {"admin", "", "/suspendre @carol", ""}}, step{"alice", "", "/verifier @carol", ""}, "réservée aux administrateurs"},
		{"withdraw someone else's idea", "fr", []step{{"alice", "", "/phase collecte", ""}, {"carol", "", "/idee Une idée de Carol", ""}}, step{"bob", "", "/retirer 4", ""}, "Seul·e l'auteur·rice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.locale)
			h.setup()
			for _, s := range tc.before {
				h.send(s.who, s.chat, evOf(s.text, s.data))
			}
			before := h.snapshot()
			got := h.send(tc.do.who, tc.do.chat, evOf(tc.do.text, tc.do.data))
			if !strings.Contains(got, tc.want) {
				t.Errorf("reply = %q; want it to contain %q", got, tc.want)
			}
			if strings.Contains(got, "panic") || strings.Contains(got, "goroutine") || strings.Contains(got, ".go:") {
				t.Errorf("reply leaks internals: %q", got)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("a refused action changed the state:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot summarises what a refusal must not change.
func (h *harness) snapshot() string {
	h.t.Helper()
	var b strings.Builder
	c, err := h.svc.Consultation(t0ctx(), 1)
	if err != nil {
		h.t.Fatal(err)
	}
	b.WriteString(string(c.Phase))
	ideas, _ := h.svc.Ideas(t0ctx(), 1)
	for _, i := range ideas {
		b.WriteString(" #" + i.Text)
	}
	if c.Round > 0 && c.Phase != consultation.Evaluating {
		if res, err := h.svc.Results(t0ctx(), 1); err == nil {
			for _, o := range res.Outcomes {
				b.WriteString(" " + string(o.Quadrant))
			}
		}
	}
	// Members and ratings, which no command shows while a poll runs.
	err = h.store.View(t0ctx(), func(tx consultation.Tx) error {
		ms, err := tx.Members()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, " members=%d", len(ms))
		rd, err := tx.Round(1, 1)
		if consultation.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		rs, err := tx.RoundRatings(rd.ID)
		for _, r := range rs {
			fmt.Fprintf(&b, " %s/%d:%d,%d", r.Voter, r.ProposalID, r.Impact, r.Effort)
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return b.String()
}
