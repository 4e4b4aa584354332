package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"atelier/consultation"
)

// pollSchedule answers "/poll schedule <open> <close>": the evaluation
// opens and closes by itself.
func (b *Bot) pollSchedule(r *request, args string) ([]Reply, error) {
	if err := r.inGroup(); err != nil {
		return nil, err
	}
	open, close, err := parseSpan(args, r.now, r.group.Location())
	if err != nil {
		return nil, err
	}
	c, err := b.current(r, consultation.Collecting, consultation.Grouping)
	if err != nil {
		return nil, err
	}
	if c, err = b.svc.SchedulePoll(r.ctx, r.actor, c.ID, open, close); err != nil {
		return nil, err
	}
	loc := r.group.Location()
	return reply(Plain(r.lang.T("schedule.done", c.Title, r.lang.When(open, loc), r.lang.When(close, loc)))), nil
}

// spanSeparators split "X to Y" forms; " à " is not one, since it may
// introduce the time of a date ("1/12 à 18h").
// spanStarts are the words a span of dates may begin with.
var spanStarts = []string{"from ", "du ", "de "}

var spanSeparators = []string{" to ", " until ", " au ", " jusqu'au ", " jusqu’au ", " -> ", " → ", " - "}

// parseSpan reads two dates: "from X to Y", "du X au Y", "X to Y", or
// the two dates one after the other ("1/12 18h 3/12 18h"). Each must be
// after now.
func parseSpan(s string, now time.Time, loc *time.Location) (open, close time.Time, err error) {
	s = strings.Join(strings.Fields(s), " ")
	low := strings.ToLower(s)
	for _, p := range append(spanStarts, "le ") {
		if strings.HasPrefix(low, p) {
			s, low = s[len(p):], low[len(p):]
			break
		}
	}
	bad := consultation.Errorf(consultation.EINVALID, "schedule_bad_date", "cannot read the dates %q", s)
	for _, sep := range spanSeparators {
		if i := strings.Index(low, sep); i >= 0 {
			if open, err = ParseWhen(s[:i], now, loc); err != nil {
				return open, close, spanError(err, bad)
			}
			if close, err = ParseWhen(s[i+len(sep):], now, loc); err != nil {
				return open, close, spanError(err, bad)
			}
			return open, close, nil
		}
	}
	words := strings.Fields(s)
	var first error
	for i := 1; i < len(words); i++ {
		o, err1 := ParseWhen(strings.Join(words[:i], " "), now, loc)
		c, err2 := ParseWhen(strings.Join(words[i:], " "), now, loc)
		if err1 == nil && err2 == nil {
			return o, c, nil
		}
		// A date that reads but is past says more than "cannot read".
		for _, e := range []error{err1, err2} {
			if first == nil && consultation.ErrorKey(e) == "deadline_past" {
				first = e
			}
		}
	}
	if first != nil {
		return open, close, spanError(first, bad)
	}
	return open, close, bad
}

// spanError keeps a past date's error and turns any other into bad.
func spanError(err, bad error) error {
	if consultation.ErrorKey(err) == "deadline_past" {
		return consultation.Errorf(consultation.EINVALID, "schedule_past", "the evaluation must open in the future")
	}
	return bad
}

// mute answers /mute and /unmute.
func (b *Bot) mute(r *request, muted bool) ([]Reply, error) {
	if _, err := b.svc.SetMuted(r.ctx, r.actor, muted); err != nil {
		return nil, err
	}
	key := "mute.on"
	if !muted {
		key = "mute.off"
	}
	return []Reply{{To: Private, Text: Plain(r.lang.T(key))}}, nil
}

// renderReminder renders a private reminder to the member whose account
// on p is userID, in the member's language. It renders nothing when the
// reminder has nothing left to say by the time it is delivered: the
// evaluation closed, the member muted reminders, finished their ballot or
// may no longer rate.
func (b *Bot) renderReminder(ctx context.Context, p consultation.Platform, userID string, consultationID int64) ([]Reply, error) {
	m, err := b.svc.MemberByIdentity(ctx, p, userID)
	if err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	c, err := b.svc.Consultation(ctx, consultationID)
	if err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	if c.Phase != consultation.Evaluating || m.Muted {
		return nil, nil
	}
	bl, err := b.svc.Ballot(ctx, consultation.Actor{MemberID: m.ID}, c.ID)
	switch {
	case err != nil && consultation.ErrorCode(err) == consultation.EINTERNAL:
		return nil, fmt.Errorf("render reminder: %w", err)
	case err != nil || bl.Done >= len(bl.Proposals):
		return nil, nil
	}
	locale, loc := b.cfg.Locale, b.loc
	if len(c.GroupIDs) > 0 {
		if g, err := b.svc.Group(ctx, c.GroupIDs[0]); err == nil {
			locale, loc = g.Locale, g.Location()
		}
	}
	l := ParseLang(m.Lang, locale)
	var t Text
	t.Add(Bold, l.T("reminder.title", c.Title)+"\n")
	t.Line(l.T("reminder.body", l.When(c.Step(consultation.Evaluating).Deadline, loc)))
	t.Line(l.T("reminder.mute", "/"+l.command("mute")))
	return []Reply{{To: Direct, UserID: userID, Text: t, Quotes: true,
		Buttons: [][]Button{{{Label: l.T("button.rate"), Data: ballotData(c.ID)}}}}}, nil
}

// renderClosing renders the "closing soon" announcement for a group, or
// nothing once the evaluation has closed (a notice held back by the
// group's pace or an outage would come too late).
func (b *Bot) renderClosing(ctx context.Context, p consultation.Platform, chatID string, consultationID int64) ([]Reply, error) {
	g, err := b.svc.GroupByChat(ctx, p, chatID)
	if err != nil {
		return nil, fmt.Errorf("render closing: %w", err)
	}
	c, err := b.svc.Consultation(ctx, consultationID)
	if err != nil {
		return nil, fmt.Errorf("render closing: %w", err)
	}
	if c.Phase != consultation.Evaluating {
		return nil, nil
	}
	l := ParseLang(g.Locale, b.cfg.Locale)
	var t Text
	t.Add(Bold, l.T("closing.title", c.Title)+"\n")
	t.Line(l.T("closing.body", l.When(c.Step(consultation.Evaluating).Deadline, g.Location())))
	return []Reply{{To: Here, Text: t, Quotes: true,
		Buttons: [][]Button{{{Label: l.T("button.rate"), Data: ballotData(c.ID), Start: true}}}}}, nil
}
