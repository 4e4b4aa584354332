package bot

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/consultation"
)

// command dispatches a parsed command.
func (b *Bot) command(r *request) ([]Reply, error) {
	if len(r.ev.Text) > MaxCommandLen {
		return nil, consultation.Errorf(consultation.EINVALID, "too_long", "message too long")
	}
	switch r.cmd.Name {
	case "help":
		if r.cmd.Word == "start" && r.cmd.Args != "" {
			// A deep link. The bot links to one thing, a member's
			// ballot; any other button's data in a link is ignored, so
			// that nobody can get a vote cast, a rating set or a claim
			// confirmed by whoever opens a link they made.
			if p, ok := ParsePress(r.cmd.Args); ok && p.Kind == 'b' {
				return b.pressBallot(r.withData(r.cmd.Args), p)
			}
		}
		return b.help(r)
	case "idea":
		return b.idea(r)
	case "ideas":
		return b.ideas(r)
	case "withdraw":
		return b.withdraw(r)
	case "proposals":
		return b.proposals(r)
	case "consultations":
		return b.consultations(r)
	case "calendar":
		return b.calendar(r)
	case "rate":
		return b.rate(r)
	case "results":
		return b.results(r)
	case "synthesis":
		return b.synthesis(r)
	case "vote":
		return b.vote(r)
	case "digest":
		return b.digest(r)
	case "consultation":
		return b.newConsultation(r)
	case "phase":
		return b.phase(r)
	case "group":
		return b.group(r)
	case "suggest":
		return b.suggest(r)
	case "support":
		return b.support(r)
	case "ungroup":
		return b.ungroup(r)
	case "rename":
		return b.rename(r)
	case "poll":
		return b.poll(r)
	case "mute":
		return b.mute(r, true)
	case "unmute":
		return b.mute(r, false)
	case "verify":
		return b.verify(r)
	case "suspend":
		return b.suspend(r)
	case "role":
		return b.role(r)
	case "members":
		return b.members(r)
	case "log":
		return b.auditLog(r)
	case "invite":
		return b.invite(r)
	case "join":
		return b.join(r)
	case "link":
		return b.link(r)
	case "unlink":
		return b.unlink(r)
	case "claim":
		return b.claim(r)
	case "export":
		return b.export(r)
	}
	return nil, consultation.Errorf(consultation.EINVALID, "unknown_command", "unknown command /%s", r.cmd.Word)
}

func (r *request) withData(data string) *request {
	c := *r
	c.ev.Data = data
	return &c
}

// usage is the error for a command used without the arguments it needs.
func usage(cmd string) error {
	return consultation.Errorf(consultation.EINVALID, "usage", "usage of /%s", cmd)
}

func reply(t Text) []Reply { return []Reply{{To: Here, Text: t}} }

func (b *Bot) help(r *request) ([]Reply, error) {
	var t Text
	t.Add(Bold, r.lang.T("help.title")+"\n")
	t.Line(r.lang.T("help.intro"))
	if !r.member.IsVerified() {
		t.Line("")
		t.Line(r.lang.T("help.unverified"))
	}
	t.Line("")
	for _, c := range commands {
		if c.organ && !r.member.IsOrganiser() {
			continue
		}
		if c.name == "help" {
			continue
		}
		t.Add(Bold, "/"+r.lang.command(c.name))
		t.Line(" — " + r.lang.T("help."+c.name))
	}
	return reply(t), nil
}

// inGroup refuses commands that only make sense in a group chat.
func (r *request) inGroup() error {
	if r.group == nil {
		return consultation.Errorf(consultation.EINVALID, "group_only", "use this command in your group")
	}
	return nil
}

// current picks the group's consultation a command is about: the newest in
// one of the given phases, else the newest not closed, else the newest.
func (b *Bot) current(r *request, phases ...consultation.Phase) (*consultation.Consultation, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	cs, err := b.svc.Consultations(r.ctx, r.group.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		for _, p := range phases {
			if c.Phase == p {
				return c, nil
			}
		}
	}
	for _, c := range cs {
		if c.Phase != consultation.Closed {
			return c, nil
		}
	}
	if len(cs) > 0 {
		return cs[0], nil
	}
	return nil, consultation.Errorf(consultation.ENOTFOUND, "no_consultation", "no consultation in this group")
}

func (b *Bot) idea(r *request) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	if r.cmd.Args == "" {
		return nil, usage("idea")
	}
	c, err := b.current(r, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	sub, err := b.svc.ProposeIdea(r.ctx, r.actor, c.ID, r.group.ID, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	if sub.Pending != nil {
		return held(r.lang, sub), nil
	}
	idea := sub.Idea
	var t Text
	t.Line(r.lang.T("idea.recorded", idea.Number, c.Title))
	return reply(t), nil
}

// maxListed bounds how many ideas a listing shows.
const maxListed = 30

func (b *Bot) ideas(r *request) ([]Reply, error) {
	c, err := b.current(r, consultation.Collecting, consultation.Grouping)
	if err != nil {
		return nil, err
	}
	ideas, err := b.svc.Ideas(r.ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Add(Bold, r.lang.T("ideas.title", c.Title, len(ideas))+"\n")
	if len(ideas) == 0 {
		t.Line(r.lang.T("ideas.none"))
	}
	if len(ideas) > maxListed {
		t.Line(r.lang.T("ideas.latest", maxListed))
		ideas = ideas[len(ideas)-maxListed:]
	}
	props := map[int64]int{}
	if ps, err := b.svc.Proposals(r.ctx, c.ID); err == nil {
		for _, p := range ps {
			props[p.ID] = p.Number
		}
	}
	for _, i := range ideas {
		t.Add(Bold, "#"+strconv.Itoa(i.Number))
		t.Add(Normal, " "+clip(i.Text, 280)+supports(i.Supports))
		if n := props[i.ProposalID]; n != 0 {
			t.Add(Italic, " → P"+strconv.Itoa(n))
		}
		t.Line("")
	}
	return []Reply{{To: Here, Text: t, Quotes: true}}, nil
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func (b *Bot) withdraw(r *request) ([]Reply, error) {
	n, err := ideaNumber(r.cmd.Args)
	if err != nil {
		return nil, usage("withdraw")
	}
	c, err := b.current(r, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	if _, err := b.svc.WithdrawIdea(r.ctx, r.actor, c.ID, n); err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("idea.withdrawn", n))), nil
}

// ideaNumber parses "12" or "#12".
func ideaNumber(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "P"), "p")
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, consultation.Errorf(consultation.EINVALID, "bad_number", "not a number: %q", s)
	}
	return n, nil
}

func (b *Bot) proposals(r *request) ([]Reply, error) {
	c, err := b.current(r, consultation.Grouping, consultation.Evaluating, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	ps, err := b.svc.Proposals(r.ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Add(Bold, r.lang.T("proposals.title", c.Title, len(ps))+"\n")
	if len(ps) == 0 {
		t.Line(r.lang.T("proposals.none"))
	}
	for _, p := range ps {
		writeProposal(&t, r.lang, p, 200)
	}
	return []Reply{{To: Here, Text: t, Quotes: true}}, nil
}

// writeProposal writes a proposal's title and its source ideas.
func writeProposal(t *Text, l Lang, p *consultation.Proposal, clipAt int) {
	t.Add(Bold, "P"+strconv.Itoa(p.Number)+" "+p.Title+supports(p.Supports())+"\n")
	for _, i := range p.Ideas {
		t.Add(Normal, "  • ")
		t.Add(Italic, "#"+strconv.Itoa(i.Number))
		t.Line(" " + clip(i.Text, clipAt) + supports(i.Supports))
	}
}

func (b *Bot) consultations(r *request) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	cs, err := b.svc.Consultations(r.ctx, r.group.ID)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Add(Bold, r.lang.T("consultations.title")+"\n")
	if len(cs) == 0 {
		t.Line(r.lang.T("consultations.none"))
	}
	for _, c := range cs {
		t.Add(Normal, "#"+strconv.FormatInt(c.ID, 10)+" ")
		t.Add(Bold, c.Title)
		t.Add(Normal, " — "+r.lang.Phase(c.Phase))
		if d := c.Current().Deadline; !d.IsZero() {
			t.Add(Normal, " ("+r.lang.T("until", r.lang.When(d, r.group.Location()))+")")
		}
		t.Line("")
	}
	return reply(t), nil
}

func (b *Bot) calendar(r *request) ([]Reply, error) {
	c, err := b.current(r)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, st := range c.Steps {
		if st.OrganiserID != 0 && names[st.OrganiserID] == "" {
			if m, err := b.svc.Member(r.ctx, st.OrganiserID); err == nil {
				names[m.ID] = m.Name
			}
		}
	}
	var t Text
	writeCalendar(&t, r.lang, c, names, r.group.Location())
	return reply(t), nil
}

// writeCalendar writes every phase with its dates and the person in charge.
func writeCalendar(t *Text, l Lang, c *consultation.Consultation, names map[int64]string, loc *time.Location) {
	t.Add(Bold, l.T("calendar.title", c.Title)+"\n")
	for _, p := range consultation.Phases {
		mark := "○"
		switch {
		case p == c.Phase:
			mark = "▶"
		case p.Index() < c.Phase.Index():
			mark = "✓"
		}
		t.Add(Normal, mark+" ")
		t.Add(Bold, l.Phase(p))
		var st *consultation.Step
		for i := range c.Steps {
			if c.Steps[i].Phase == p {
				st = &c.Steps[i]
			}
		}
		if st != nil {
			if st.StartedAt.IsZero() && !st.PlannedStart.IsZero() {
				t.Add(Normal, " — "+l.T("calendar.planned", l.When(st.PlannedStart, loc)))
			}
			if !st.StartedAt.IsZero() {
				t.Add(Normal, " — "+l.T("calendar.started", l.When(st.StartedAt, loc)))
			}
			if !st.EndedAt.IsZero() {
				t.Add(Normal, ", "+l.T("calendar.ended", l.When(st.EndedAt, loc)))
			} else if !st.Deadline.IsZero() {
				t.Add(Normal, ", "+l.T("until", l.When(st.Deadline, loc)))
			}
			if n := names[st.OrganiserID]; n != "" {
				t.Add(Normal, " — "+l.T("calendar.by", n))
			}
		}
		t.Line("")
	}
}
