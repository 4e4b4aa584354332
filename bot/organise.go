package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

func (b *Bot) newConsultation(r *request) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	word, title := firstWord(r.cmd.Args)
	if word == "supporters" || word == "sympathisants" {
		return b.allowSupporters(r, title)
	}
	if (word != "new" && word != "nouvelle") || title == "" {
		return nil, usage("consultation")
	}
	c, err := b.svc.CreateConsultation(r.ctx, r.actor, r.group.ID, title)
	if err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("consultation.created", c.ID, c.Title))), nil
}

// allowSupporters answers "/consultation supporters yes|no".
func (b *Bot) allowSupporters(r *request, answer string) ([]Reply, error) {
	var allow bool
	switch Fold(strings.TrimSpace(answer)) {
	case "yes", "oui", "on":
		allow = true
	case "no", "non", "off":
	default:
		return nil, usage("consultation")
	}
	c, err := b.current(r, consultation.Draft, consultation.Collecting, consultation.Grouping)
	if err != nil {
		return nil, err
	}
	if c, err = b.svc.AllowSupporters(r.ctx, r.actor, c.ID, allow); err != nil {
		return nil, err
	}
	key := "consultation.supporters.off"
	if c.SupportersVote {
		key = "consultation.supporters.on"
	}
	return reply(Plain(r.lang.T(key, c.Title))), nil
}

// splitUntil separates "open until 1/12 18h" into the words before the
// date and the date, which may be introduced by until, jusqu'au, etc.
func splitUntil(s string) (before, date string) {
	low := strings.ToLower(s)
	for _, kw := range []string{"until ", "jusqu'au ", "jusqu’au ", "jusqu'à ", "jusqu’à ", "jusqu'a ", "au "} {
		if i := strings.Index(low, kw); i >= 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(kw):])
		}
	}
	return strings.TrimSpace(s), ""
}

func (r *request) deadline(date string) (time.Time, error) {
	if date == "" {
		return time.Time{}, nil
	}
	return ParseWhen(date, r.now, r.group.Location())
}

func (b *Bot) phase(r *request) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	if first, rest := firstWord(r.cmd.Args); isSpan(rest) {
		p, ok := consultation.ParsePhase(first)
		if !ok {
			return nil, usage("phase")
		}
		return b.schedulePhase(r, p, rest, 0)
	}
	name, date := splitUntil(r.cmd.Args)
	p, ok := consultation.ParsePhase(Fold(name))
	if !ok {
		return nil, usage("phase")
	}
	return b.movePhase(r, p, date, 0)
}

// isSpan reports whether s is a span of dates ("du 1/12 au 8/12",
// "from … to …") rather than a deadline.
func isSpan(s string) bool {
	low := strings.ToLower(s)
	return slices.ContainsFunc(spanStarts, func(p string) bool { return strings.HasPrefix(low, p) })
}

// schedulePhase plans phase p of the group's current consultation to begin
// and end by itself.
func (b *Bot) schedulePhase(r *request, p consultation.Phase, span string, quorum float64) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	loc := r.group.Location()
	open, close, err := parseSpan(span, r.now, loc)
	if err != nil {
		return nil, err
	}
	c, err := b.current(r)
	if err != nil {
		return nil, err
	}
	if c, err = b.svc.SchedulePhase(r.ctx, r.actor, c.ID, p, open, close, quorum); err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("schedule.phase", c.Title, r.lang.Phase(p), r.lang.When(open, loc), r.lang.When(close, loc)))), nil
}

// movePhase moves the group's current consultation to p and announces it.
func (b *Bot) movePhase(r *request, p consultation.Phase, date string, quorum float64) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	deadline, err := r.deadline(date)
	if err != nil {
		return nil, err
	}
	c, err := b.current(r)
	if err != nil {
		return nil, err
	}
	c, err = b.svc.SetPhase(r.ctx, r.actor, c.ID, p, consultation.PhaseOptions{Deadline: deadline, Quorum: quorum})
	if err != nil {
		return nil, err
	}
	return b.announce(r.ctx, r.lang, r.group.Location(), c)
}

// announce tells a group, in language l and time zone loc, that a
// consultation entered its current phase.
func (b *Bot) announce(ctx context.Context, l Lang, loc *time.Location, c *consultation.Consultation) ([]Reply, error) {
	var t Text
	t.Add(Bold, l.T("phase.now", c.Title, l.Phase(c.Phase))+"\n")
	if d := c.Current().Deadline; !d.IsZero() {
		t.Line(l.T("until", l.When(d, loc)))
	}
	out := Reply{To: Here}
	switch c.Phase {
	case consultation.Collecting:
		t.Line(l.T("phase.collecting"))
	case consultation.Grouping:
		t.Line(l.T("phase.grouping"))
	case consultation.Evaluating:
		t.Line(l.T("phase.evaluating"))
		t.Line(l.T("ballot.secret"))
		out.Buttons = [][]Button{{{Label: l.T("button.rate"), Data: ballotData(c.ID), Start: true}}}
	case consultation.Results:
		out.Text = t
		res, err := b.svc.Results(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		return append([]Reply{out}, renderResults(l, res)...), nil
	case consultation.Adoption:
		t.Line(l.T("phase.adoption", percent(c.Quorum)))
		out.Buttons = voteButtons(l, c.ID)
	case consultation.Closed:
		out.Text = t
		if c.Step(consultation.Adoption).StartedAt.IsZero() {
			return []Reply{out}, nil
		}
		tally, err := b.svc.Tally(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		writeTally(&out.Text, l, tally)
		return []Reply{out}, nil
	}
	out.Text = t
	return []Reply{out}, nil
}

// parseGroupArgs splits "1 2 5 Title" or "#1,#2 : Title" into idea numbers
// and a title. Leading number tokens are ideas; a ':' ends them early.
func parseGroupArgs(s string) ([]int, string) {
	var nums []int
	rest := strings.TrimSpace(s)
	for rest != "" {
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "-") {
			_, after, _ := strings.Cut(rest, " ")
			if strings.HasPrefix(rest, ":") {
				after = strings.TrimPrefix(rest, ":")
			}
			rest = strings.TrimSpace(after)
			break
		}
		tok, after, _ := strings.Cut(rest, " ")
		found := false
		for _, part := range strings.Split(tok, ",") {
			if part == "" {
				continue
			}
			n, err := ideaNumber(part)
			if err != nil {
				found = false
				break
			}
			nums = append(nums, n)
			found = true
		}
		if !found {
			break
		}
		rest = strings.TrimSpace(after)
	}
	return nums, rest
}

func (b *Bot) group(r *request) ([]Reply, error) {
	nums, title := parseGroupArgs(r.cmd.Args)
	if len(nums) == 0 || title == "" {
		return nil, usage("group")
	}
	c, err := b.current(r, consultation.Grouping, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	p, err := b.svc.GroupIdeas(r.ctx, r.actor, c.ID, nums, title)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Line(r.lang.T("group.created", p.Number))
	writeProposal(&t, r.lang, p, 200)
	return append([]Reply{{To: Here, Text: t, Quotes: true}}, b.notifyAuthors(r, p)...), nil
}

func (b *Bot) ungroup(r *request) ([]Reply, error) {
	n, err := ideaNumber(r.cmd.Args)
	if err != nil {
		return nil, usage("ungroup")
	}
	c, err := b.current(r, consultation.Grouping, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	if _, err := b.svc.Ungroup(r.ctx, r.actor, c.ID, n); err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("ungroup.done", n))), nil
}

func (b *Bot) rename(r *request) ([]Reply, error) {
	num, title := firstWord(r.cmd.Args)
	n, err := ideaNumber(num)
	if err != nil || title == "" {
		return nil, usage("rename")
	}
	c, err := b.current(r, consultation.Grouping, consultation.Collecting)
	if err != nil {
		return nil, err
	}
	p, err := b.svc.RenameProposal(r.ctx, r.actor, c.ID, n, title)
	if err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Text: Plain(r.lang.T("rename.done", p.Number, p.Title)), Quotes: true}}, nil
}

func (b *Bot) poll(r *request) ([]Reply, error) {
	word, rest := firstWord(r.cmd.Args)
	switch word {
	case "open", "ouvrir":
		_, date := splitUntil(rest)
		if rest != "" && date == "" {
			date = rest
		}
		return b.movePhase(r, consultation.Evaluating, date, 0)
	case "close", "fermer", "clore":
		return b.movePhase(r, consultation.Results, "", 0)
	case "schedule", "programmer", "planifier":
		return b.pollSchedule(r, rest)
	case "", "status", "etat":
		return b.participation(r)
	}
	return nil, usage("poll")
}

func (b *Bot) participation(r *request) ([]Reply, error) {
	c, err := b.current(r, consultation.Evaluating, consultation.Adoption)
	if err != nil {
		return nil, err
	}
	p, err := b.svc.Participation(r.ctx, r.actor, c.ID)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Add(Bold, c.Title+"\n")
	t.Line(r.lang.T("participation", p.Finished, p.Electorate, p.Started))
	out := []Reply{{To: Here, Text: t}}
	if r.member.IsOrganiser() && len(p.Missing) > 0 {
		// Who has not finished goes to the organiser alone.
		var m Text
		m.Line(r.lang.T("participation.missing", c.Title))
		names := make([]string, len(p.Missing))
		for i, x := range p.Missing {
			names[i] = x.Name
		}
		m.Line(strings.Join(names, ", "))
		out = append(out, Reply{To: Private, Text: m})
	}
	return out, nil
}

// target finds the member an organiser command is about: the author of the
// replied-to message, a resolved mention, or an @username argument.
func (b *Bot) target(r *request, args string) (*consultation.Member, string, error) {
	name, rest := firstWord(args)
	var who *User
	switch {
	case r.ev.ReplyTo != nil:
		who, rest = r.ev.ReplyTo, strings.TrimSpace(args)
	case len(r.ev.Mentions) > 0:
		who = &r.ev.Mentions[0]
	}
	if who != nil {
		m, err := b.svc.MemberByIdentity(r.ctx, r.ev.Platform, who.ID)
		if consultation.IsNotFound(err) {
			return nil, "", consultation.Errorf(consultation.ENOTFOUND, "member_unknown", "%s has not spoken to the bot yet", who.Name)
		}
		return m, rest, err
	}
	if !strings.HasPrefix(name, "@") || len(name) < 2 {
		return nil, "", consultation.Errorf(consultation.EINVALID, "no_target", "name someone")
	}
	m, err := b.svc.MemberByUsername(r.ctx, r.ev.Platform, name[1:])
	if consultation.IsNotFound(err) {
		return nil, "", consultation.Errorf(consultation.ENOTFOUND, "member_unknown", "%s has not spoken to the bot yet", name)
	}
	return m, rest, err
}

func (b *Bot) verify(r *request) ([]Reply, error) {
	t, _, err := b.target(r, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	if t, err = b.svc.Verify(r.ctx, r.actor, t.ID); err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Text: Plain(r.lang.T("verify.done", t.Name)), Quotes: true}}, nil
}

func (b *Bot) suspend(r *request) ([]Reply, error) {
	t, _, err := b.target(r, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	if t, err = b.svc.Suspend(r.ctx, r.actor, t.ID); err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Text: Plain(r.lang.T("suspend.done", t.Name)), Quotes: true}}, nil
}

func (b *Bot) role(r *request) ([]Reply, error) {
	t, rest, err := b.target(r, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	role, ok := consultation.ParseRole(Fold(strings.TrimSpace(rest)))
	if !ok {
		return nil, usage("role")
	}
	if t, err = b.svc.SetRole(r.ctx, r.actor, t.ID, role); err != nil {
		return nil, err
	}
	return []Reply{{To: Here, Text: Plain(r.lang.T("role.done", t.Name, r.lang.Role(role))), Quotes: true}}, nil
}

func (b *Bot) members(r *request) ([]Reply, error) {
	out, err := b.membersReply(r)
	if err != nil {
		return nil, err
	}
	return []Reply{out}, nil
}

// membersReply renders the roster at a glance, then the roster claims
// waiting for an organiser, each with its buttons.
func (b *Bot) membersReply(r *request) (Reply, error) {
	counts, err := b.svc.MemberCounts(r.ctx, r.actor)
	if err != nil {
		return Reply{}, err
	}
	claims, err := b.svc.PendingClaims(r.ctx, r.actor)
	if err != nil {
		return Reply{}, err
	}
	var t Text
	t.Add(Bold, r.lang.T("members.title")+"\n")
	t.Line(r.lang.T("members.status", counts.Verified, counts.Unverified, counts.Suspended))
	t.Line(r.lang.T("members.roles", counts.Admins, counts.Organisers))
	if counts.Supporters > 0 {
		t.Line(r.lang.T("members.supporters", counts.Supporters))
	}
	rows := writeClaims(&t, r.lang, claims)
	return Reply{To: Private, Text: t, Buttons: rows, Quotes: len(claims) > 0}, nil
}

func (b *Bot) auditLog(r *request) ([]Reply, error) {
	var cid int64
	if r.group != nil {
		if c, err := b.current(r); err == nil {
			cid = c.ID
		}
	}
	entries, err := b.svc.AuditLog(r.ctx, r.actor, cid, 20)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{0: r.lang.T("system")}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := "?"
		if m, err := b.svc.Member(r.ctx, id); err == nil {
			n = m.Name
		}
		names[id] = n
		return n
	}
	loc, zone := time.UTC, " UTC"
	if r.group != nil {
		loc, zone = r.group.Location(), ""
	}
	var t Text
	t.Add(Bold, r.lang.T("log.title")+"\n")
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		line := r.lang.When(e.At, loc) + zone + " — " + name(e.ActorID) + " — " + auditAction(r.lang, e.Action)
		if e.SubjectID != 0 {
			line += " " + name(e.SubjectID)
		}
		if d := auditDetail(r.lang, e, loc); d != "" {
			line += " — " + d
		}
		t.Line(line)
	}
	return []Reply{{To: Private, Text: t, Quotes: true}}, nil
}

func (b *Bot) vote(r *request) ([]Reply, error) {
	word, _ := firstWord(r.cmd.Args)
	if word == "close" || word == "fermer" || word == "clore" {
		return b.movePhase(r, consultation.Closed, "", 0)
	}
	choice, ok := consultation.ParseChoice(word)
	if !ok {
		return nil, usage("vote")
	}
	if r.group != nil {
		if !r.ev.seenAlone() {
			// A vote typed in a group is read by everyone; counting it
			// would make voting in the open a way to vote. It is
			// refused, and the member votes privately (what they said
			// in the group then proves nothing).
			return nil, consultation.Errorf(consultation.EINVALID, "vote_in_private", "vote privately")
		}
		c, err := b.current(r, consultation.Adoption)
		if err != nil {
			return nil, err
		}
		return b.castVote(r, c.ID, choice)
	}
	cs, err := b.svc.OpenVotes(r.ctx, r.actor)
	if err != nil {
		return nil, err
	}
	switch len(cs) {
	case 0:
		return nil, consultation.Errorf(consultation.ECONFLICT, "no_open_vote", "no vote is open for you")
	case 1:
		return b.castVote(r, cs[0].ID, choice)
	}
	var t Text
	// Which one: a button per consultation, for the choice typed.
	t.Line(r.lang.T("vote.choose", r.lang.Choice(choice)))
	var rows [][]Button
	for _, c := range cs {
		t.Line("• " + c.Title)
		b := voteButton(r.lang, c.ID, choice)
		b.Label += " — " + clip(c.Title, 24)
		rows = append(rows, []Button{b})
	}
	return []Reply{{To: Private, Text: t, Buttons: rows}}, nil
}

// castVote records the member's vote and tells them privately.
func (b *Bot) castVote(r *request, cid int64, choice consultation.Choice) ([]Reply, error) {
	if err := b.svc.Vote(r.ctx, r.actor, cid, choice); err != nil {
		return nil, err
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T("vote.recorded", r.lang.Choice(choice)))}}, nil
}

func percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + " %" }
