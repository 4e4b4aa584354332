package bot

import (
	"strconv"
	"strings"

	"atelier/consultation"
)

// Buttons of near-duplicate checks and grouping suggestions carry a random
// token naming state kept on the server, never the state itself:
//
//	ia_<token>        send a held idea anyway
//	is_<token>_<n>    support idea n instead of sending the held idea
//	sc_<token>        create the proposal a suggestion describes
//	sd_<token>_<n>    drop idea n from a suggestion
//	sx_<token>        dismiss a suggestion
//
// The two-letter kind keeps them apart from ParsePress's grammar. The
// domain re-checks the member, the phase and the token's owner on every
// press.
type tokenPress struct {
	kind   string
	token  string
	number int
}

// parseTokenPress parses the button data above; ok is false for anything
// else, including data of the other buttons.
func parseTokenPress(data string) (tokenPress, bool) {
	if len(data) > 64 || len(data) < 3 || data[2] != '_' {
		return tokenPress{}, false
	}
	p := tokenPress{kind: data[:2]}
	f := strings.Split(data[3:], "_")
	if !validToken(f[0]) {
		return tokenPress{}, false
	}
	p.token = f[0]
	switch {
	case (p.kind == "ia" || p.kind == "sc" || p.kind == "sx") && len(f) == 1:
		return p, true
	case (p.kind == "is" || p.kind == "sd") && len(f) == 2:
		n, ok := buttonNumber(f[1], 9)
		if !ok {
			return tokenPress{}, false
		}
		p.number = int(n)
		return p, true
	}
	return tokenPress{}, false
}

func validToken(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// pressToken handles a token button; handled is false when data is not one.
func (b *Bot) pressToken(r *request) (out []Reply, handled bool, err error) {
	p, ok := parseTokenPress(r.ev.Data)
	if !ok {
		return nil, false, nil
	}
	switch p.kind {
	case "ia":
		out, err = b.sendAnyway(r, p.token)
	case "is":
		out, err = b.supportInstead(r, p.token, p.number)
	case "sc":
		out, err = b.createSuggested(r, p.token)
	case "sd":
		out, err = b.dropSuggested(r, p.token, p.number)
	case "sx":
		out, err = b.dismissSuggested(r, p.token)
	}
	return out, true, err
}

// supports formats a support count, "" for none.
func supports(n int) string {
	if n == 0 {
		return ""
	}
	return " (+" + strconv.Itoa(n) + ")"
}

// held renders a submission held back as close to earlier ideas.
func held(l Lang, s *consultation.Submission) []Reply {
	var t Text
	t.Line(l.T("near.title"))
	for _, i := range s.Close {
		t.Add(Bold, "#"+strconv.Itoa(i.Number))
		t.Line(" " + clip(i.Text, 200) + supports(i.Supports))
	}
	t.Line(l.T("near.choose"))
	tok := s.Pending.Token
	rows := [][]Button{{{Label: l.T("button.send_anyway"), Data: "ia_" + tok}}}
	var support []Button
	for _, i := range s.Close {
		support = append(support, Button{Label: l.T("button.support", i.Number), Data: "is_" + tok + "_" + strconv.Itoa(i.Number)})
	}
	rows = append(rows, support)
	return []Reply{{To: Here, Text: t, Buttons: rows, Quotes: true}}
}

func (b *Bot) sendAnyway(r *request, token string) ([]Reply, error) {
	idea, err := b.svc.ConfirmIdea(r.ctx, r.actor, token)
	if err != nil {
		return nil, err
	}
	c, err := b.svc.Consultation(r.ctx, idea.ConsultationID)
	if err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Edit: true, Text: Plain(r.lang.T("idea.recorded", idea.Number, c.Title))}}, nil
}

func (b *Bot) supportInstead(r *request, token string, n int) ([]Reply, error) {
	idea, err := b.svc.SupportInstead(r.ctx, r.actor, token, n)
	if err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Edit: true, Text: Plain(r.lang.T("support.instead", idea.Number, idea.Supports))}}, nil
}

// support handles /support <n>.
func (b *Bot) support(r *request) ([]Reply, error) {
	n, err := ideaNumber(r.cmd.Args)
	if err != nil {
		return nil, usage("support")
	}
	c, err := b.current(r, consultation.Collecting, consultation.Grouping)
	if err != nil {
		return nil, err
	}
	idea, err := b.svc.Support(r.ctx, r.actor, c.ID, n)
	if err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("support.done", idea.Number, idea.Supports))), nil
}

// suggest handles /suggest: one message per suggested group, each with its
// own buttons.
func (b *Bot) suggest(r *request) ([]Reply, error) {
	c, err := b.current(r, consultation.Collecting, consultation.Grouping)
	if err != nil {
		return nil, err
	}
	sgs, err := b.svc.Suggest(r.ctx, r.actor, c.ID)
	if err != nil {
		return nil, err
	}
	if len(sgs) == 0 {
		return reply(Plain(r.lang.T("suggest.none", c.Title))), nil
	}
	var t Text
	t.Add(Bold, r.lang.T("suggest.title", c.Title, len(sgs))+"\n")
	t.Line(r.lang.T("suggest.hint"))
	out := []Reply{{To: Here, Text: t}}
	for k, sg := range sgs {
		out = append(out, suggestionReply(r.lang, k+1, sg, false))
	}
	return out, nil
}

// maxDropButtons bounds the "drop" buttons of one suggestion so that its
// buttons fit every platform (Discord: 5 rows of 5).
const maxDropButtons = 20

// suggestionReply renders one suggestion; k > 0 numbers it in a list.
func suggestionReply(l Lang, k int, sg *consultation.Suggestion, edit bool) Reply {
	var t Text
	head := l.T("suggest.group", len(sg.Ideas))
	if k > 0 {
		head = strconv.Itoa(k) + ". " + head
	}
	t.Add(Bold, head+"\n")
	t.Add(Normal, l.T("suggest.proposed_title")+" ")
	t.Add(Italic, sg.SuggestedTitle()+"\n")
	for _, i := range sg.Ideas {
		t.Add(Normal, "  • ")
		t.Add(Bold, "#"+strconv.Itoa(i.Number))
		t.Line(" " + clip(i.Text, 200) + supports(i.Supports))
	}
	rows := [][]Button{{
		{Label: l.T("button.suggest_create"), Data: "sc_" + sg.Token},
		{Label: l.T("button.suggest_dismiss"), Data: "sx_" + sg.Token},
	}}
	var drops []Button
	for _, i := range sg.Ideas[:min(len(sg.Ideas), maxDropButtons)] {
		drops = append(drops, Button{Label: l.T("button.suggest_drop", i.Number), Data: "sd_" + sg.Token + "_" + strconv.Itoa(i.Number)})
	}
	for len(drops) > 0 {
		n := min(5, len(drops))
		rows = append(rows, drops[:n])
		drops = drops[n:]
	}
	return Reply{To: Here, Text: t, Buttons: rows, Quotes: true, Edit: edit}
}

func (b *Bot) createSuggested(r *request, token string) ([]Reply, error) {
	p, err := b.svc.AcceptSuggestion(r.ctx, r.actor, token)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Line(r.lang.T("group.created", p.Number))
	writeProposal(&t, r.lang, p, 200)
	out := []Reply{{To: Here, Edit: true, Text: t, Quotes: true}}
	return append(out, b.notifyAuthors(r, p)...), nil
}

func (b *Bot) dropSuggested(r *request, token string, n int) ([]Reply, error) {
	sg, err := b.svc.DropFromSuggestion(r.ctx, r.actor, token, n)
	if err != nil {
		return nil, err
	}
	if sg.Status != consultation.SuggestionOpen {
		return []Reply{{To: Here, Edit: true, Text: Plain(r.lang.T("suggest.too_small", n))}}, nil
	}
	out := suggestionReply(r.lang, 0, sg, true)
	out.Toast = r.lang.T("suggest.dropped", n)
	return []Reply{out}, nil
}

func (b *Bot) dismissSuggested(r *request, token string) ([]Reply, error) {
	sg, err := b.svc.DismissSuggestion(r.ctx, r.actor, token)
	if err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Edit: true, Text: Plain(r.lang.T("suggest.dismissed", consultation.JoinNumbers(sg.Numbers)))}}, nil
}

// notifyAuthors tells the authors of a new proposal's ideas, in private and
// once each, that their ideas joined it. The organiser who made it is not
// told; authors the bot cannot reach on this platform are skipped.
func (b *Bot) notifyAuthors(r *request, p *consultation.Proposal) []Reply {
	var authors []int64
	mine := map[int64][]int{}
	for _, i := range p.Ideas {
		if i.AuthorID == r.member.ID {
			continue
		}
		if _, ok := mine[i.AuthorID]; !ok {
			authors = append(authors, i.AuthorID)
		}
		mine[i.AuthorID] = append(mine[i.AuthorID], i.Number)
	}
	var out []Reply
	for _, id := range authors {
		nums := mine[id]
		key := "notify.grouped"
		if len(nums) > 1 {
			key = "notify.grouped_many"
		}
		for _, rep := range b.direct(r, id, key, consultation.JoinNumbers(nums), p.Number, p.Title) {
			rep.Quotes = true // the proposal's title is an organiser's words
			out = append(out, rep)
		}
	}
	return out
}
