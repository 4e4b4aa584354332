package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"atelier/consultation"
)

// FuzzParseCommand checks that any text parses without panicking, that a
// command's name is canonical or empty, and that arguments come from the
// text.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/idea Créer un intranet", "/idée@AtelierBot  l'écologie d'abord", "/IDEE x", "/@bot", "/", "//", "bonjour", " /aide", "/regrouper 1,2 : Titre", "/start b_12", "/\u202eevil", "/idea\x00\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, ok := ParseCommand(text)
		if !ok {
			return
		}
		if c.Name != "" && aliases[c.Name] != c.Name {
			t.Errorf("ParseCommand(%q).Name = %q, not canonical", text, c.Name)
		}
		if !utf8.ValidString(c.Args) || !strings.Contains(text, c.Args) {
			t.Errorf("ParseCommand(%q).Args = %q, not taken from the text", text, c.Args)
		}
	})
}

// FuzzParsePress checks that button data parses without panicking and that
// whatever parses is canonical: formatting it again gives the same data,
// so two spellings can never mean one button.
func FuzzParsePress(f *testing.F) {
	for _, s := range []string{"b_1", "n_12_3", "r_1_1_2_i_5", "r_1_1_2_e_0", "v_3_y", "v_3_x", "r_01_1_1_i_1", "r_1_1_1_i_6", "b_-1", "b_99999999999999999999", "r_1_1_1_i_1_", "n_1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		p, ok := ParsePress(data)
		if !ok {
			return
		}
		if p.Consultation <= 0 {
			t.Fatalf("ParsePress(%q) accepted consultation %d", data, p.Consultation)
		}
		var again string
		switch p.Kind {
		case 'b':
			again = ballotData(p.Consultation)
		case 'n':
			again = showData(p.Consultation, p.Proposal)
		case 'r':
			again = rateData(p.Consultation, p.Round, p.Proposal, p.Axis, p.Value)
		case 'v':
			again = voteButton(French, p.Consultation, p.Choice).Data
		default:
			t.Fatalf("ParsePress(%q) kind %q", data, p.Kind)
		}
		if again != data {
			t.Errorf("ParsePress(%q) formats back as %q", data, again)
		}
	})
}

// FuzzParseCode checks that any typed code parses without panicking, that
// what parses is canonical (formatting and parsing again gives it back)
// and made only of the code alphabet.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"ABCDE-FGHJK", "abcde fghjk", "ABCDEFGHJK", "ABCDE-FGHJ", "ABCDE-FGHJKL", "OOOOO-IIIII", "", "-----", "ÀBCDE-FGHJK", "abcde-fghj\u212a", "22222 22222\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := consultation.ParseCode(s)
		if !ok {
			return
		}
		if len(c) != consultation.CodeLen || strings.Trim(c, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") != "" {
			t.Fatalf("ParseCode(%q) = %q, not a canonical code", s, c)
		}
		if again, ok := consultation.ParseCode(consultation.FormatCode(c)); !ok || again != c {
			t.Errorf("ParseCode(FormatCode(%q)) = %q, %v", c, again, ok)
		}
	})
}

// FuzzParseInvite checks that /invite arguments parse without panicking
// and that whatever parses names an allowed role.
func FuzzParseInvite(f *testing.F) {
	for _, s := range []string{"", "10", "5 sympathisant", "supporter 3", "1 2", "membre membre", "-1", "99999999999999999999", "admin", "3\u00a0membre"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, role, ok := parseInvite(s)
		if !ok {
			return
		}
		if _, known := consultation.ParseRole(string(role)); !known {
			t.Errorf("parseInvite(%q) role %q", s, role)
		}
		if strings.TrimSpace(s) == "" && (n != 1 || role != consultation.RoleMember) {
			t.Errorf("parseInvite(%q) = %d, %q; want the defaults", s, n, role)
		}
	})
}
