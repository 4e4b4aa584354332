package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"atelier/consultation"
)

// location is where times are shown to the sender: the group's time zone,
// or the configured default in a private chat.
func (b *Bot) location(r *request) *time.Location {
	if r.group != nil {
		return r.group.Location()
	}
	return b.loc
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
	if !consultation.LooksLikeCode(r.cmd.Args) {
		if err := b.svc.ClaimNumber(r.ctx, r.actor, r.cmd.Args); err != nil {
			return nil, err
		}
		text := r.lang.T("roster.claim_sent")
		if strings.ContainsFunc(r.cmd.Args, unicode.IsLetter) {
			// Perhaps a mistyped invite code: the hint depends only on
			// what was typed, so it tells nothing about the roster.
			text += "\n" + r.lang.T("roster.code_hint")
		}
		return []Reply{{To: Private, Text: Plain(text)}}, nil
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

// Roster claims are decided with buttons under /members:
//
//	kc_<id>   confirm claim id
//	kr_<id>   reject claim id
//
// The claim id names state kept on the server; the domain re-checks the
// presser's rights and that the claim is still pending on every press.
type claimPress struct {
	confirm bool
	id      int64
}

func parseClaimPress(data string) (claimPress, bool) {
	kind, num, ok := strings.Cut(data, "_")
	if !ok || (kind != "kc" && kind != "kr") {
		return claimPress{}, false
	}
	id, ok := buttonNumber(num, 12)
	if !ok {
		return claimPress{}, false
	}
	return claimPress{confirm: kind == "kc", id: id}, true
}

// maxClaimButtons bounds the claims shown with buttons under /members, so
// that they fit every platform (Discord: 5 rows).
const maxClaimButtons = 5

// writeClaims lists the pending roster claims and returns their buttons.
func writeClaims(t *Text, l Lang, claims []*consultation.PendingClaim) [][]Button {
	if len(claims) == 0 {
		return nil
	}
	t.Line("")
	t.Add(Bold, l.T("roster.claims", len(claims))+"\n")
	var rows [][]Button
	for _, p := range claims[:min(len(claims), maxClaimButtons)] {
		entry := p.Entry.Name
		if p.Entry.Section != "" {
			entry += " (" + p.Entry.Section + ")"
		}
		t.Add(Bold, "#"+strconv.FormatInt(p.Claim.ID, 10))
		t.Line(" " + l.T("roster.claim", p.Member.Name, p.Claim.Number, entry))
		if p.Rivals > 0 {
			t.Line("  " + l.T("roster.rivals", p.Rivals))
		}
		if p.Holder != nil && p.Holder.ID != p.Member.ID {
			t.Line("  " + l.T("roster.held", p.Holder.Name))
		}
		id := strconv.FormatInt(p.Claim.ID, 10)
		rows = append(rows, []Button{
			{Label: l.T("button.claim_confirm", p.Claim.ID), Data: "kc_" + id},
			{Label: l.T("button.claim_reject", p.Claim.ID), Data: "kr_" + id},
		})
	}
	if n := len(claims) - maxClaimButtons; n > 0 {
		t.Line(l.T("roster.more", n))
	}
	return rows
}

// pressClaim handles a claim button; handled is false when data is not one.
func (b *Bot) pressClaim(r *request) (out []Reply, handled bool, err error) {
	p, ok := parseClaimPress(r.ev.Data)
	if !ok {
		return nil, false, nil
	}
	var c *consultation.RosterClaim
	var m *consultation.Member
	if p.confirm {
		c, m, err = b.svc.ConfirmClaim(r.ctx, r.actor, p.id)
	} else {
		c, err = b.svc.RejectClaim(r.ctx, r.actor, p.id)
	}
	if consultation.ErrorKey(err) == "claim_unknown" {
		return nil, true, errForged
	}
	if err != nil {
		return nil, true, err
	}
	list, err := b.membersReply(r)
	if err != nil {
		return nil, true, err
	}
	list.Edit = true
	var notice string
	switch {
	case !p.confirm:
		list.Toast = r.lang.T("roster.rejected", c.ID)
		notice = "notify.claim_rejected"
	case m.Status == consultation.Suspended:
		list.Toast = r.lang.T("roster.confirmed_suspended", c.ID, m.Name)
	default:
		list.Toast = r.lang.T("roster.confirmed", c.ID, m.Name)
		notice = "notify.claim_confirmed"
	}
	out = []Reply{list}
	if notice != "" {
		out = append(out, b.direct(r, c.MemberID, notice, c.Number)...)
	}
	return out, true, nil
}

// direct tells a member, in their private chat with the bot on the event's
// platform, a message in their language; nothing when the bot cannot reach
// them there.
func (b *Bot) direct(r *request, memberID int64, key string, args ...any) []Reply {
	ids, err := b.svc.Identities(r.ctx, memberID)
	if err != nil {
		b.log.Error("notify member", "platform", r.ev.Platform, "error", err)
		return nil
	}
	at := slices.IndexFunc(ids, func(x consultation.Identity) bool { return x.Platform == r.ev.Platform })
	if at < 0 {
		return nil
	}
	def := b.cfg.Locale
	if r.group != nil {
		def = r.group.Locale
	}
	lang := ParseLang(def, def)
	if m, err := b.svc.Member(r.ctx, memberID); err == nil {
		lang = ParseLang(m.Lang, def)
	}
	return []Reply{{To: Direct, UserID: ids[at].UserID, Text: Plain(lang.T(key, args...))}}
}
