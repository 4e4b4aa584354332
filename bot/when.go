package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

var (
	reISO     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]+(.+))?$`)
	reDayMon  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?:\s+(?:à\s+|a\s+|at\s+)?(.+))?$`)
	reRelDay  = regexp.MustCompile(`^(demain|tomorrow|aujourd'hui|aujourd’hui|today|ce soir|tonight)(?:\s+(?:à\s+|a\s+|at\s+)?(.+))?$`)
	reClock24 = regexp.MustCompile(`^(\d{1,2})(?:[:h](\d{2})?)?$`)
	reClock12 = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$`)
)

// ParseWhen reads a date and time as people type them in French or
// English, in the group's time zone: "2026-12-01 18:00", "1/12 18h",
// "01/12/2026 18:30", "demain 9h", "tomorrow 9am". A date without a time
// means the end of that day (23:59); a day and month without a year means
// the next such date. The result must be after now.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	now = now.In(loc)
	bad := consultation.Errorf(consultation.EINVALID, "bad_date", "cannot read date %q", s)
	var y, mo, d int
	var clock string
	switch {
	case reISO.MatchString(s):
		m := reISO.FindStringSubmatch(s)
		y, mo, d, clock = atoi(m[1]), atoi(m[2]), atoi(m[3]), m[4]
	case reDayMon.MatchString(s):
		m := reDayMon.FindStringSubmatch(s)
		d, mo, clock = atoi(m[1]), atoi(m[2]), m[4]
		switch {
		case m[3] == "":
			y = now.Year()
			if time.Date(y, time.Month(mo), d, 23, 59, 0, 0, loc).Before(now) {
				y++
			}
		case len(m[3]) == 2:
			y = 2000 + atoi(m[3])
		default:
			y = atoi(m[3])
		}
	case reRelDay.MatchString(s):
		m := reRelDay.FindStringSubmatch(s)
		day := now
		if m[1] == "demain" || m[1] == "tomorrow" {
			day = now.AddDate(0, 0, 1)
		}
		y, mo, d, clock = day.Year(), int(day.Month()), day.Day(), m[2]
		if clock == "" && (m[1] == "ce soir" || m[1] == "tonight") {
			clock = "20h"
		}
	default:
		return time.Time{}, bad
	}
	h, mi := 23, 59
	if clock != "" {
		var ok bool
		if h, mi, ok = parseClock(clock); !ok {
			return time.Time{}, bad
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, bad
	}
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, bad // 31/02 and friends
	}
	if !t.After(now) {
		return time.Time{}, consultation.Errorf(consultation.EINVALID, "deadline_past", "%s is in the past", t)
	}
	return t, nil
}

func parseClock(s string) (int, int, bool) {
	s = strings.TrimSpace(s)
	if m := reClock12.FindStringSubmatch(s); m != nil {
		h, mi := atoi(m[1]), atoi(m[2])
		if h < 1 || h > 12 || mi > 59 {
			return 0, 0, false
		}
		h %= 12
		if m[3] == "pm" {
			h += 12
		}
		return h, mi, true
	}
	if m := reClock24.FindStringSubmatch(s); m != nil {
		h, mi := atoi(m[1]), atoi(m[2])
		if h > 23 || mi > 59 {
			return 0, 0, false
		}
		return h, mi, true
	}
	return 0, 0, false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
