package bot

import (
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

// location is where times are shown to the sender: the group's time zone,
// or the configured default in a private chat.
func (b *Bot) location(r *request) *time.Location {
	if r.group != nil {
		return r.group.Location()
	}
	if loc, err := time.LoadLocation(b.cfg.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// inPrivate refuses commands carrying a secret that must not be typed in a
// group, where everyone would read it.
func (r *request) inPrivate() error {
	if r.group != nil {
		return consultation.Errorf(consultation.EINVALID, "private_only", "send this command to the bot in a private message")
	}
	return nil
}

// parseInvite reads "/invite [count] [role]" in either order.
func parseInvite(args string) (n int, role consultation.Role, ok bool) {
	n, role = 1, consultation.RoleMember
	seenN, seenRole := false, false
	for _, w := range strings.Fields(args) {
		if k, err := strconv.Atoi(w); err == nil && !seenN {
			n, seenN = k, true
			continue
		}
		if rl, ok := consultation.ParseRole(Fold(w)); ok && !seenRole {
			role, seenRole = rl, true
			continue
		}
		return 0, "", false
	}
	return n, role, true
}

func (b *Bot) invite(r *request) ([]Reply, error) {
	n, role, ok := parseInvite(r.cmd.Args)
	if !ok {
		return nil, usage("invite")
	}
	inv, err := b.svc.Invite(r.ctx, r.actor, n, role)
	if err != nil {
		return nil, err
	}
	var t Text
	t.Add(Bold, r.lang.T("invite.title", len(inv.Codes), r.lang.Role(inv.Role))+"\n")
	t.Line(r.lang.T("invite.until", r.lang.When(inv.ExpiresAt, b.location(r))))
	t.Line(r.lang.T("invite.how", "/"+r.lang.command("join")))
	for _, c := range inv.Codes {
		t.Add(Code, consultation.FormatCode(c))
		t.Line("")
	}
	return []Reply{{To: Private, Text: t}}, nil
}

func (b *Bot) join(r *request) ([]Reply, error) {
	if err := r.inPrivate(); err != nil {
		return nil, err
	}
	if r.cmd.Args == "" {
		return nil, usage("join")
	}
	m, err := b.svc.Join(r.ctx, r.actor, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	key := "join.done"
	if m.Role == consultation.RoleSupporter {
		key = "join.done_supporter"
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T(key))}}, nil
}

func (b *Bot) link(r *request) ([]Reply, error) {
	if r.cmd.Args == "" {
		code, expires, err := b.svc.LinkCode(r.ctx, r.actor, r.ev.Platform)
		if err != nil {
			return nil, err
		}
		var t Text
		t.Line(r.lang.T("link.code", r.lang.When(expires, b.location(r))))
		t.Add(Code, "/"+r.lang.command("link")+" "+consultation.FormatCode(code))
		t.Line("")
		return []Reply{{To: Private, Text: t}}, nil
	}
	if err := r.inPrivate(); err != nil {
		return nil, err
	}
	m, err := b.svc.Link(r.ctx, r.actor, r.ev.Platform, r.cmd.Args)
	if err != nil {
		return nil, err
	}
	ids, err := b.svc.Identities(r.ctx, m.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = platformName(id.Platform)
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T("link.done", strings.Join(names, " + ")))}}, nil
}

func platformName(p consultation.Platform) string {
	switch p {
	case consultation.Telegram:
		return "Telegram"
	case consultation.Discord:
		return "Discord"
	case consultation.Console:
		return "console"
	}
	return string(p)
}

func (b *Bot) unlink(r *request) ([]Reply, error) {
	if _, err := b.svc.Unlink(r.ctx, r.actor, r.ev.Platform, r.ev.From.ID); err != nil {
		return nil, err
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T("unlink.done", platformName(r.ev.Platform)))}}, nil
}

func (b *Bot) claim(r *request) ([]Reply, error) {
	if err := r.inPrivate(); err != nil {
		return nil, err
	}
	if r.cmd.Args == "" {
		return nil, usage("claim")
	}
	if _, err := b.svc.Claim(r.ctx, r.actor, r.cmd.Args); err != nil {
		return nil, err
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T("claim.done"))}}, nil
}
