package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"atelier/consultation"
)

// digest answers /digest: in a group, the last seven days; in a private
// chat, the last seven days of each group whose consultations the member
// took part in (sent an idea, or was called to rate or vote); with
// "schedule", the group's digest schedule, which organisers change.
func (b *Bot) digest(r *request) ([]Reply, error) {
	word, rest := firstWord(r.cmd.Args)
	switch word {
	case "":
	case "schedule", "programme", "horaire":
		return b.digestSchedule(r, rest)
	default:
		return nil, usage("digest")
	}
	since := r.now.Add(-consultation.DigestLookback)
	if r.group != nil {
		d, err := b.svc.Digest(r.ctx, r.group.ID, since)
		if err != nil {
			return nil, err
		}
		return []Reply{{To: Here, Text: DigestText(d, r.lang), Quotes: true}}, nil
	}
	groups, err := b.svc.GroupsOfMember(r.ctx, r.member.ID)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return reply(Plain(r.lang.T("digest.no_groups"))), nil
	}
	var out []Reply
	for _, g := range groups {
		d, err := b.svc.Digest(r.ctx, g.ID, since)
		if err != nil {
			return nil, err
		}
		var t Text
		t.Add(Bold, groupName(g)+"\n")
		t = append(t, DigestText(d, r.lang)...)
		out = append(out, Reply{To: Here, Text: t, Quotes: true})
	}
	return out, nil
}

func groupName(g *consultation.Group) string {
	if g.Title != "" {
		return g.Title
	}
	return g.ChatID
}

// digestSchedule shows the group's digest schedule, or sets it.
func (b *Bot) digestSchedule(r *request, spec string) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	loc := r.group.Location()
	if spec == "" {
		d, err := b.svc.DigestSchedule(r.ctx, r.group.ID)
		if err != nil {
			return nil, err
		}
		return reply(Plain(r.lang.T("digest.schedule", d.Spec, loc.String(), b.nextDigest(r, d.Spec, loc)))), nil
	}
	if !r.member.IsOrganiser() {
		return nil, consultation.Errorf(consultation.EFORBIDDEN, "not_organiser", "only organisers may do this")
	}
	if _, err := ParseDigestSpec(spec, r.now.In(loc)); err != nil {
		return nil, err
	}
	d, err := b.svc.SetDigestSchedule(r.ctx, r.actor, r.group.ID, spec)
	if err != nil {
		return nil, err
	}
	return reply(Plain(r.lang.T("digest.scheduled", d.Spec, loc.String(), b.nextDigest(r, d.Spec, loc)))), nil
}

func (b *Bot) nextDigest(r *request, spec string, loc *time.Location) string {
	s, err := ParseDigestSpec(spec, r.now.In(loc))
	if err != nil {
		return "—"
	}
	return r.lang.When(s.Next(r.now.In(loc)), loc)
}

// ParseDigestSpec reads a digest schedule: a standard five-field cron
// spec or a descriptor such as @weekly, read in the group's time zone.
// It refuses, as EINVALID, a spec that names a time zone itself (CRON_TZ=
// or TZ=), an interval (@every), one that never fires after now, and one
// that fires more than once a day (a digest every hour would flood the
// group).
func ParseDigestSpec(spec string, now time.Time) (sched cron.Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if strings.Contains(strings.ToUpper(spec), "TZ=") {
		return nil, consultation.Errorf(consultation.EINVALID, "schedule_tz", "digest schedule %q names a time zone", spec)
	}
	bad := consultation.Errorf(consultation.EINVALID, "bad_schedule", "bad digest schedule %q", spec)
	if strings.HasPrefix(strings.ToLower(spec), "@every") {
		return nil, bad
	}
	defer func() {
		// The parser has panicked on malformed input before.
		if recover() != nil {
			sched, err = nil, bad
		}
	}()
	sched, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, bad
	}
	if sched.Next(now).IsZero() {
		return nil, bad
	}
	// Two firings closer than a day, over the next eight weeks. (A few
	// hours less than a day: a daily time keeps its hour across the
	// clocks' changes, which moves it by one.)
	prev := sched.Next(now)
	for range 60 {
		next := sched.Next(prev)
		if next.IsZero() || next.Sub(prev) > 56*24*time.Hour {
			break
		}
		if next.Sub(prev) < 20*time.Hour {
			return nil, consultation.Errorf(consultation.EINVALID, "schedule_too_often", "digest schedule %q fires more than once a day", spec)
		}
		prev = next
	}
	return sched, nil
}

// latestDigest returns the latest time of s after after and at or before
// now, in now's location.
func latestDigest(s cron.Schedule, after, now time.Time) (time.Time, bool) {
	start := after
	// After a long downtime only the latest time matters: a schedule
	// firing weekly or more often has one in the last eight days.
	if lately := now.Add(-8 * 24 * time.Hour); lately.After(after) {
		if t := s.Next(lately); !t.IsZero() && !t.After(now) {
			start = lately
		}
	}
	var due time.Time
	for t := s.Next(start); !t.IsZero() && !t.After(now); t = s.Next(t) {
		due = t
	}
	return due, !due.IsZero()
}

// DueDigests writes to the outbox the digest of each group whose scheduled
// time has come since its last one: one digest for all the times missed,
// none when nothing happened. It returns how many digests it wrote; it
// goes on with the other groups when one fails (or panics), and returns
// their errors joined.
func (b *Bot) DueDigests(ctx context.Context, now time.Time) (sent int, err error) {
	schedules, err := b.svc.DigestSchedules(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, d := range schedules {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		ok, err := b.dueDigest(ctx, d, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of group %d: %w", d.Group.ID, err))
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

func (b *Bot) dueDigest(ctx context.Context, d *consultation.DigestSchedule, now time.Time) (sent bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			sent, err = false, fmt.Errorf("panic: %v", p)
		}
	}()
	loc := d.Group.Location()
	s, err := ParseDigestSpec(d.Spec, now.In(loc))
	if err != nil {
		return false, err
	}
	at, ok := latestDigest(s, d.After().In(loc), now.In(loc))
	if !ok {
		return false, nil
	}
	return b.svc.SendDigest(ctx, d.Group.ID, d.After(), at)
}

// renderDigest renders a scheduled digest for its group, in the group's
// language.
func (b *Bot) renderDigest(ctx context.Context, p consultation.Platform, chatID, payload string) ([]Reply, error) {
	since, until, err := consultation.DigestPeriod(payload)
	if err != nil {
		return nil, fmt.Errorf("render digest: %w", err)
	}
	g, err := b.svc.GroupByChat(ctx, p, chatID)
	if err != nil {
		return nil, fmt.Errorf("render digest: %w", err)
	}
	d, err := b.svc.DigestBetween(ctx, g.ID, since, until)
	if err != nil {
		return nil, fmt.Errorf("render digest: %w", err)
	}
	return []Reply{{To: Here, Text: DigestText(d, ParseLang(g.Locale, b.cfg.Locale)), Quotes: true}}, nil
}
