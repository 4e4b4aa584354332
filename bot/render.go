package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

func (b *Bot) results(r *request) ([]Reply, error) {
	c, err := b.current(r, consultation.Results, consultation.Adoption, consultation.Closed)
	if err != nil {
		return nil, err
	}
	res, err := b.svc.Results(r.ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return renderResults(r.lang, res), nil
}

// renderResults writes the ranking and attaches the matrix picture.
func renderResults(l Lang, res *consultation.RoundResults) []Reply {
	var t Text
	writeResults(&t, l, res)
	out := Reply{To: Here, Text: t, Quotes: true}
	if png, err := Matrix(res.Outcomes); err == nil {
		out.Files = []File{{Name: fmt.Sprintf("matrix-%d-%d.png", res.Consultation.ID, res.Round.Number), MIME: "image/png", Data: png, Image: true}}
	}
	return []Reply{out}
}

func writeResults(t *Text, l Lang, res *consultation.RoundResults) {
	t.Add(Bold, l.T("results.title", res.Consultation.Title, res.Round.Number)+"\n")
	t.Line(l.T("results.turnout", res.Voters, res.Electorate, l.Percent(share(res.Voters, res.Electorate))))
	t.Line("")
	for _, o := range res.Outcomes {
		t.Add(Bold, strconv.Itoa(o.Rank)+". P"+strconv.Itoa(o.Proposal.Number)+" "+o.Proposal.Title)
		t.Add(Normal, " — ")
		t.Add(Italic, l.Quadrant(o.Quadrant)+"\n")
		t.Line("   " + l.T("results.line", median(l, o.Impact), median(l, o.Effort), agreement(l, o), o.Raters))
	}
	t.Line("")
	t.Add(Italic, l.T("results.rule")+"\n")
}

// median shows an axis's median score, or a dash when nobody scored it
// (every answer "don't know", or none).
func median(l Lang, s consultation.Score) string {
	if s.N == 0 {
		return "—"
	}
	return l.Num(s.Median)
}

// mean shows an axis's mean score, or a dash as median does.
func mean(l Lang, s consultation.Score) string {
	if s.N == 0 {
		return "—"
	}
	return l.Num(s.Mean)
}

// agreement shows the share agreeing among those who scored both axes, or
// a dash when nobody did.
func agreement(l Lang, o *consultation.Outcome) string {
	if o.Scored == 0 {
		return "—"
	}
	return l.Percent(o.Agree)
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func writeTally(t *Text, l Lang, tally *consultation.Tally) {
	if tally.Open {
		t.Line(l.T("tally.open", tally.Voters(), tally.Electorate, l.Percent(tally.Turnout())))
		return
	}
	t.Line(l.T("tally.result", tally.Yes, tally.No, tally.Abstain, tally.Voters(), tally.Electorate, l.Percent(tally.Turnout()), l.Percent(tally.Quorum)))
	switch {
	case tally.Adopted():
		t.Add(Bold, l.T("tally.adopted")+"\n")
	case !tally.QuorumMet():
		t.Add(Bold, l.T("tally.no_quorum")+"\n")
	default:
		t.Add(Bold, l.T("tally.rejected")+"\n")
	}
}

func (b *Bot) synthesis(r *request) ([]Reply, error) {
	word, rest := firstWord(r.cmd.Args)
	if word == "vote" {
		if before, span, ok := cutSpan(rest); ok {
			quorum, _, err := parseVoteArgs(before)
			if err != nil {
				return nil, err
			}
			return b.schedulePhase(r, consultation.Adoption, span, quorum)
		}
		quorum, date, err := parseVoteArgs(rest)
		if err != nil {
			return nil, err
		}
		return b.movePhase(r, consultation.Adoption, date, quorum)
	}
	if word != "" {
		return nil, usage("synthesis")
	}
	c, err := b.current(r, consultation.Results, consultation.Adoption, consultation.Closed)
	if err != nil {
		return nil, err
	}
	syn, err := b.svc.Synthesis(r.ctx, c.ID)
	if err != nil {
		return nil, err
	}
	doc := SynthesisMarkdown(syn, r.lang, r.group.Location())
	var t Text
	t.Add(Bold, r.lang.T("synthesis.ready", c.Title, len(syn.Selected()), syn.Proposals)+"\n")
	if syn.Tally != nil {
		writeTally(&t, r.lang, syn.Tally)
	} else if c.Phase == consultation.Adoption {
		tally, err := b.svc.Tally(r.ctx, c.ID)
		if err != nil {
			return nil, err
		}
		writeTally(&t, r.lang, tally)
	} else if r.member.IsOrganiser() {
		t.Line(r.lang.T("synthesis.vote_hint"))
	}
	out := Reply{To: Here, Text: t, Files: []File{{Name: fmt.Sprintf("synthese-%d.md", c.ID), MIME: "text/markdown; charset=utf-8", Data: []byte(doc)}}}
	if c.Phase == consultation.Adoption {
		out.Buttons = voteButtons(r.lang, c.ID)
	}
	return []Reply{out}, nil
}

// cutSpan splits "quorum 50 % du 8/12 9h au 15/12 18h" before its span of
// dates, if it has one.
func cutSpan(s string) (before, span string, ok bool) {
	low := strings.ToLower(s)
	for _, p := range spanStarts {
		if strings.HasPrefix(low, p) {
			return "", s, true
		}
		if i := strings.Index(low, " "+p); i >= 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
		}
	}
	return s, "", false
}

// parseVoteArgs reads "quorum 50% until 8/12 18h" (both parts optional).
func parseVoteArgs(s string) (float64, string, error) {
	before, date := splitUntil(s)
	before = strings.TrimSpace(before)
	if before == "" {
		return 0, date, nil
	}
	word, rest := firstWord(before)
	if word != "quorum" {
		return 0, "", usage("synthesis")
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(rest, " ", ""), "%"))
	q, err := strconv.ParseFloat(strings.Replace(rest, ",", ".", 1), 64)
	if err != nil || q < 0 || q > 100 {
		return 0, "", consultation.Errorf(consultation.EINVALID, "bad_quorum", "bad quorum %q", rest)
	}
	return q / 100, date, nil
}

// mdEscape keeps members' words from turning into Markdown structure.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		if strings.ContainsRune("\\`*_{}[]()<>#+-.!|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SynthesisMarkdown renders the synthesis document: the process, the
// figures, the selected proposals with their scores and source ideas, the
// rest of the ranking, and the adoption vote once it has closed.
func SynthesisMarkdown(s *consultation.Synthesis, l Lang, loc *time.Location) string {
	var b strings.Builder
	c := s.Consultation
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	md := map[Lang][]string{
		French:  {"Synthèse", "Le processus", "Étape", "Ouverture", "Clôture", "Échéance", "Responsable", "Les chiffres", "Propositions retenues", "Règle de classement", "Classement complet", "Rang", "Proposition", "Quadrant", "Impact (médiane)", "Effort (médiane)", "D'accord", "Votant·es", "Idées sources", "Vote d'adoption"},
		English: {"Synthesis", "The process", "Step", "Opened", "Closed", "Deadline", "In charge", "The figures", "Selected proposals", "Ranking rule", "Full ranking", "Rank", "Proposal", "Quadrant", "Impact (median)", "Effort (median)", "Agreeing", "Voters", "Source ideas", "Adoption vote"},
	}[l]
	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return l.When(t, loc)
	}
	w("# %s — %s\n\n", md[0], mdEscape(c.Title))
	w("## %s\n\n| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", md[1], md[2], md[3], md[4], md[5], md[6])
	for _, st := range c.Steps {
		who := s.Names[st.OrganiserID]
		if who == "" {
			who = "—"
		}
		w("| %s | %s | %s | %s | %s |\n", l.Phase(st.Phase), when(st.StartedAt), when(st.EndedAt), when(st.Deadline), mdEscape(who))
	}
	res := s.Results
	w("\n## %s\n\n", md[7])
	if l == French {
		w("- Contributions : %d idées de %d membres\n", s.Ideas, s.Contributors)
		w("- Propositions soumises à l'évaluation : %d\n", s.Proposals)
		w("- Évaluation (tour %d) : %d votant·es sur %d membres appelé·es (%s), %d notes\n", res.Round.Number, res.Voters, res.Electorate, l.Percent(share(res.Voters, res.Electorate)), s.Ratings)
		w("- Propositions retenues (fort impact : gains rapides et grands projets) : %d\n", len(s.Selected()))
	} else {
		w("- Contributions: %d ideas from %d members\n", s.Ideas, s.Contributors)
		w("- Proposals put to the evaluation: %d\n", s.Proposals)
		w("- Evaluation (round %d): %d voters of %d members called (%s), %d ratings\n", res.Round.Number, res.Voters, res.Electorate, l.Percent(share(res.Voters, res.Electorate)), s.Ratings)
		w("- Selected proposals (high impact: quick wins and major projects): %d\n", len(s.Selected()))
	}
	w("\n## %s\n\n%s\n", md[9], l.T("results.rule"))
	w("\n## %s\n", md[8])
	for _, o := range s.Selected() {
		w("\n### %d. P%d — %s%s\n\n", o.Rank, o.Proposal.Number, mdEscape(o.Proposal.Title), supports(o.Proposal.Supports()))
		w("*%s* · %s %s (%s %s) · %s %s (%s %s) · %s %s · %s %d\n",
			l.Quadrant(o.Quadrant), md[14], median(l, o.Impact), meanWord(l), mean(l, o.Impact),
			md[15], median(l, o.Effort), meanWord(l), mean(l, o.Effort), md[16], agreement(l, o), md[17], o.Raters)
		if len(o.Proposal.Ideas) > 0 {
			w("\n%s :\n\n", md[18])
			for _, i := range o.Proposal.Ideas {
				w("- #%d %s%s\n", i.Number, mdEscape(i.Text), supports(i.Supports))
			}
		}
	}
	w("\n## %s\n\n| %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|\n", md[10], md[11], md[12], md[13], md[14], md[15], md[16], md[17])
	for _, o := range res.Outcomes {
		w("| %d | P%d %s | %s | %s | %s | %s | %d |\n", o.Rank, o.Proposal.Number, mdEscape(o.Proposal.Title), l.Quadrant(o.Quadrant),
			median(l, o.Impact), median(l, o.Effort), agreement(l, o), o.Raters)
	}
	if s.Tally != nil {
		var t Text
		writeTally(&t, l, s.Tally)
		w("\n## %s\n\n%s", md[19], t.String())
	}
	if l == French {
		b.WriteString("\n---\nLes votes sont secrets : ce document ne contient que des chiffres agrégés.\n")
	} else {
		b.WriteString("\n---\nBallots are secret: this document holds aggregated figures only.\n")
	}
	return b.String()
}

func meanWord(l Lang) string {
	if l == French {
		return "moyenne"
	}
	return "mean"
}

// DigestText renders a digest.
func DigestText(d *consultation.Digest, l Lang) Text {
	loc := d.Group.Location()
	var t Text
	t.Add(Bold, l.T("digest.title", l.When(d.Since, loc), l.When(d.Until, loc))+"\n")
	if d.Empty() {
		t.Line(l.T("digest.empty"))
		return t
	}
	for _, s := range d.Sections {
		t.Line("")
		t.Add(Bold, s.Consultation.Title)
		t.Line(" — " + l.Phase(s.Consultation.Phase))
		if n := len(s.NewIdeas); n > 0 {
			t.Line("• " + l.T("digest.ideas", n))
			for _, i := range lastN(s.NewIdeas, 5) {
				t.Add(Italic, "   #"+strconv.Itoa(i.Number))
				t.Line(" " + clip(i.Text, 120))
			}
		}
		if n := len(s.NewProposals); n > 0 {
			t.Line("• " + l.T("digest.proposals", n))
			for _, p := range s.NewProposals {
				t.Line("   P" + strconv.Itoa(p.Number) + " " + clip(p.Title, 120))
			}
		}
		if p := s.Participation; p != nil {
			t.Line("• " + l.T("participation", p.Finished, p.Electorate, p.Started))
		}
		if res := s.Results; res != nil {
			t.Line("• " + l.T("results.turnout", res.Voters, res.Electorate, l.Percent(share(res.Voters, res.Electorate))))
			t.Line("  " + l.T("digest.top"))
			for _, o := range res.Outcomes[:min(3, len(res.Outcomes))] {
				t.Line("   " + strconv.Itoa(o.Rank) + ". P" + strconv.Itoa(o.Proposal.Number) + " " + clip(o.Proposal.Title, 100) + " (" + l.Quadrant(o.Quadrant) + ")")
			}
		}
		if s.Tally != nil {
			writeTally(&t, l, s.Tally)
		}
		if s.Next != nil {
			t.Line("• " + l.T("digest.next", l.Phase(s.Next.Phase), l.When(s.Next.Deadline, loc)))
		}
	}
	return t
}

func lastN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
