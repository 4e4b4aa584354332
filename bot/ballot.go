package bot

import (
	"slices"
	"strconv"
	"strings"

	"atelier/consultation"
)

// Press is a parsed button. Button data is compact ASCII that fits
// Telegram's 64 bytes and deep-link payloads ([A-Za-z0-9_-]):
//
//	b_<consultation>                                open my ballot
//	n_<consultation>_<proposal>                     show a proposal of my ballot
//	r_<consultation>_<round>_<proposal>_<i|e>_<v>   rate; v is 1-5, 0 for don't know
//	v_<consultation>_<y|n|a>                        adoption vote
//
// Nothing in it is trusted: the server re-checks the member, the phase, the
// round and that the proposal belongs to the consultation.
type Press struct {
	Kind         byte
	Consultation int64
	Round        int
	Proposal     int
	Axis         consultation.Axis
	Value        int
	Choice       consultation.Choice
}

// buttonNumber reads a positive number of at most digits decimal digits,
// written the one way buttons write it (no sign, no leading zero).
func buttonNumber(s string, digits int) (int64, bool) {
	if s == "" || len(s) > digits || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// ParsePress parses button data.
func ParsePress(data string) (Press, bool) {
	if len(data) > 64 {
		return Press{}, false
	}
	f := strings.Split(data, "_")
	num := func(s string) (int64, bool) { return buttonNumber(s, 12) }
	var p Press
	var ok bool
	if len(f) < 2 || len(f[0]) != 1 {
		return Press{}, false
	}
	p.Kind = f[0][0]
	if p.Consultation, ok = num(f[1]); !ok {
		return Press{}, false
	}
	switch {
	case p.Kind == 'b' && len(f) == 2:
		return p, true
	case p.Kind == 'n' && len(f) == 3:
		n, ok := num(f[2])
		p.Proposal = int(n)
		return p, ok
	case p.Kind == 'v' && len(f) == 3:
		switch f[2] {
		case "y":
			p.Choice = consultation.Yes
		case "n":
			p.Choice = consultation.No
		case "a":
			p.Choice = consultation.Abstain
		default:
			return Press{}, false
		}
		return p, true
	case p.Kind == 'r' && len(f) == 6:
		rd, ok1 := num(f[2])
		pr, ok2 := num(f[3])
		if !ok1 || !ok2 || len(f[5]) != 1 || f[5][0] < '0' || f[5][0] > '5' {
			return Press{}, false
		}
		p.Round, p.Proposal = int(rd), int(pr)
		switch f[4] {
		case "i":
			p.Axis = consultation.Impact
		case "e":
			p.Axis = consultation.Effort
		default:
			return Press{}, false
		}
		p.Value = int(f[5][0] - '0')
		if p.Value == 0 {
			p.Value = consultation.DontKnow
		}
		return p, true
	}
	return Press{}, false
}

func ballotData(cid int64) string { return "b_" + strconv.FormatInt(cid, 10) }

func showData(cid int64, n int) string {
	return "n_" + strconv.FormatInt(cid, 10) + "_" + strconv.Itoa(n)
}

func rateData(cid int64, round, n int, axis consultation.Axis, v int) string {
	if v == consultation.DontKnow {
		v = 0
	}
	return "r_" + strconv.FormatInt(cid, 10) + "_" + strconv.Itoa(round) + "_" + strconv.Itoa(n) + "_" + string(axis[0]) + "_" + strconv.Itoa(v)
}

func voteButtons(l Lang, cid int64) [][]Button {
	return [][]Button{{voteButton(l, cid, consultation.Yes), voteButton(l, cid, consultation.No), voteButton(l, cid, consultation.Abstain)}}
}

// voteButton is the button that votes choice on consultation cid.
func voteButton(l Lang, cid int64, choice consultation.Choice) Button {
	return Button{Label: l.T("button." + string(choice)), Data: "v_" + strconv.FormatInt(cid, 10) + "_" + string(choice)[:1]}
}

var errForged = consultation.Errorf(consultation.EINVALID, "bad_button", "this button is not valid")

// press handles a button.
func (b *Bot) press(r *request) ([]Reply, error) {
	if out, ok, err := b.pressClaim(r); ok {
		return out, err
	}
	if out, ok, err := b.pressToken(r); ok {
		return out, err
	}
	p, ok := ParsePress(r.ev.Data)
	if !ok {
		return nil, errForged
	}
	return b.pressBallot(r, p)
}

// pressBallot acts on a parsed ballot or vote button.
func (b *Bot) pressBallot(r *request, p Press) ([]Reply, error) {
	out, err := b.pressed(r, p)
	if consultation.ErrorKey(err) == "not_found" {
		return nil, errForged // no such consultation
	}
	return out, err
}

// pressed acts on a well-formed button; the domain re-checks everything.
func (b *Bot) pressed(r *request, p Press) ([]Reply, error) {
	cid := p.Consultation
	switch p.Kind {
	case 'b':
		return b.ballot(r, cid, 0, false)
	case 'n':
		return b.ballot(r, cid, p.Proposal, true)
	case 'r':
		bl, completed, err := b.svc.Rate(r.ctx, r.actor, cid, p.Round, p.Proposal, p.Axis, p.Value)
		if err != nil {
			return nil, err
		}
		show := p.Proposal
		if completed {
			show = -p.Proposal // move on to the next unrated proposal
		}
		out, err := b.showBallot(r, bl, show, true)
		if err != nil {
			return nil, err
		}
		out[0].Toast = r.lang.T("rate.recorded", r.lang.Axis(p.Axis), r.lang.Score(p.Value))
		return out, nil
	case 'v':
		if err := b.svc.Vote(r.ctx, r.actor, cid, p.Choice); err != nil {
			return nil, err
		}
		return []Reply{{To: Private, Toast: r.lang.T("vote.recorded", r.lang.Choice(p.Choice))}}, nil
	}
	return nil, errForged
}

// ballot renders the member's ballot at proposal number n; 0 shows the
// first proposal not yet rated, and -n the first not rated after n.
func (b *Bot) ballot(r *request, cid int64, n int, edit bool) ([]Reply, error) {
	bl, err := b.svc.Ballot(r.ctx, r.actor, cid)
	if err != nil {
		return nil, err
	}
	return b.showBallot(r, bl, n, edit)
}

// showBallot renders bl as ballot does.
func (b *Bot) showBallot(r *request, bl *consultation.Ballot, n int, edit bool) ([]Reply, error) {
	c := bl.Consultation
	if len(bl.Proposals) == 0 {
		return nil, consultation.Errorf(consultation.ECONFLICT, "no_proposals", "no proposals")
	}
	pos := -1
	switch {
	case n > 0:
		for i, p := range bl.Proposals {
			if p.Number == n {
				pos = i
			}
		}
		if pos < 0 {
			return nil, errForged
		}
	default:
		// The member's place (-n), if any: search from the next one, and
		// stay there when everything is rated.
		at := slices.IndexFunc(bl.Proposals, func(p *consultation.Proposal) bool { return p.Number == -n })
		for k := 0; k < len(bl.Proposals); k++ {
			i := (at + 1 + k) % len(bl.Proposals)
			if !bl.Mine[bl.Proposals[i].ID].Complete() {
				pos = i
				break
			}
		}
		if pos < 0 {
			pos = max(at, 0)
		}
	}
	p := bl.Proposals[pos]
	mine := bl.Mine[p.ID]
	l := r.lang
	var t Text
	t.Add(Bold, l.T("ballot.title", c.Title, bl.Round)+"\n")
	t.Line(l.T("ballot.progress", bl.Done, len(bl.Proposals)))
	t.Line("")
	t.Add(Bold, l.T("ballot.proposal", pos+1, len(bl.Proposals))+" — P"+strconv.Itoa(p.Number)+" "+p.Title+supports(p.Supports())+"\n")
	if len(p.Ideas) > 0 {
		t.Line(l.T("ballot.sources"))
		for _, i := range p.Ideas {
			t.Add(Normal, "  • ")
			t.Add(Italic, "#"+strconv.Itoa(i.Number))
			t.Line(" " + clip(i.Text, 400))
		}
	}
	t.Line("")
	t.Line(l.T("ballot.current", l.Score(mine.Impact), l.Score(mine.Effort)))
	if bl.Done == len(bl.Proposals) {
		t.Line(l.T("ballot.complete"))
	}
	t.Add(Italic, l.T("ballot.secret")+"\n")
	row := func(axis consultation.Axis, cur int) []Button {
		var out []Button
		for v := consultation.MinScore; v <= consultation.MaxScore; v++ {
			label := strconv.Itoa(v)
			if v == consultation.MinScore {
				label = l.Axis(axis) + " " + label
			}
			if v == cur {
				label = "✓ " + label
			}
			out = append(out, Button{Label: label, Data: rateData(c.ID, bl.Round, p.Number, axis, v)})
		}
		return out
	}
	dk := func(axis consultation.Axis, cur int) Button {
		label := l.Axis(axis) + " " + l.T("score.dontknow")
		if cur == consultation.DontKnow {
			label = "✓ " + label
		}
		return Button{Label: label, Data: rateData(c.ID, bl.Round, p.Number, axis, consultation.DontKnow)}
	}
	prev := bl.Proposals[(pos+len(bl.Proposals)-1)%len(bl.Proposals)]
	next := bl.Proposals[(pos+1)%len(bl.Proposals)]
	buttons := [][]Button{
		row(consultation.Impact, mine.Impact),
		row(consultation.Effort, mine.Effort),
		{dk(consultation.Impact, mine.Impact), dk(consultation.Effort, mine.Effort)},
		{
			{Label: "◀", Data: showData(c.ID, prev.Number)},
			{Label: strconv.Itoa(pos+1) + "/" + strconv.Itoa(len(bl.Proposals)), Data: showData(c.ID, p.Number)},
			{Label: "▶", Data: showData(c.ID, next.Number)},
		},
	}
	// A ballot is edited in place only where its member alone sees it; a
	// ballot button pressed in a group (forged, or on a ballot someone
	// made the bot show there) gets its ballot privately, so that no one's
	// ratings ever show in a group.
	edit = edit && r.ev.Data != "" && r.ev.seenAlone()
	to := Private
	if edit {
		to = Here
	}
	return []Reply{{To: to, Text: t, Buttons: buttons, Edit: edit, Quotes: true, Resume: ballotData(c.ID)}}, nil
}

func (b *Bot) rate(r *request) ([]Reply, error) {
	if r.group != nil {
		c, err := b.current(r, consultation.Evaluating)
		if err != nil {
			return nil, err
		}
		return b.ballot(r, c.ID, 0, false)
	}
	cs, err := b.svc.OpenPolls(r.ctx, r.actor)
	if err != nil {
		return nil, err
	}
	switch len(cs) {
	case 0:
		return nil, consultation.Errorf(consultation.ECONFLICT, "no_open_poll", "no evaluation is open for you")
	case 1:
		return b.ballot(r, cs[0].ID, 0, false)
	}
	var t Text
	t.Line(r.lang.T("rate.choose"))
	var rows [][]Button
	for _, c := range cs {
		rows = append(rows, []Button{{Label: clip(c.Title, 40), Data: ballotData(c.ID)}})
	}
	return []Reply{{To: Here, Text: t, Buttons: rows}}, nil
}
