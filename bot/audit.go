package bot

import (
	"fmt"
	"strings"
	"time"

	"atelier/consultation"
)

// The domain records audit entries in fixed words (action names, English
// details, RFC 3339 times in UTC) so that the log reads the same whatever
// the language of whoever acted; they are put in the reader's language
// here. A detail of a shape not known here shows as recorded.

// auditAction names an action in l.
func auditAction(l Lang, action string) string { return l.named("action."+action, action) }

// fixedDetails are the details the domain records in fixed words, by the
// catalog key that says them.
var fixedDetails = map[string]string{
	"admin (configured)":     "audit.admin_configured",
	"admin (setup code)":     "audit.admin_setup",
	"invite":                 "audit.by_invite",
	"supporters vote":        "audit.supporters_vote",
	"supporters do not vote": "audit.supporters_no_vote",
}

// auditDetail renders an entry's detail in l, times in loc.
func auditDetail(l Lang, e *consultation.AuditEntry, loc *time.Location) string {
	d := e.Detail
	if key, ok := fixedDetails[d]; ok {
		return l.T(key)
	}
	switch e.Action {
	case consultation.ActRole:
		return roleName(l, d)
	case consultation.ActInvite:
		if n, r, ok := strings.Cut(d, " × "); ok {
			return n + " × " + roleName(l, r)
		}
	case consultation.ActVerify:
		if n, ok := strings.CutPrefix(d, "roster "); ok {
			return l.T("audit.by_roster", n)
		}
	case consultation.ActRosterImport:
		var added, updated, same int
		if _, err := fmt.Sscanf(d, "%d added, %d updated, %d unchanged", &added, &updated, &same); err == nil {
			return l.T("audit.roster_import", added, updated, same)
		}
	case consultation.ActPhase:
		return phaseDetail(l, d, loc)
	}
	return d
}

// phaseDetail renders the details of a phase entry: a move ("from → to",
// with a quorum, after "schedule: " or "deadline: " when the bot made it),
// a deadline set ("deadline <time>"), a phase planned ("schedule <phase>
// <open> → <close>"), or a move the clock could not make ("lapsed deadline
// <phase>", "lapsed schedule <phase>").
func phaseDetail(l Lang, d string, loc *time.Location) string {
	why := ""
	if w, rest, ok := strings.Cut(d, ": "); ok && (w == "schedule" || w == "deadline") {
		why, d = w, rest
	}
	f := strings.Fields(d)
	when := func(s string) (string, bool) {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return "", false
		}
		return l.When(t, loc), true
	}
	out := ""
	switch {
	case why == "" && len(f) == 3 && f[0] == "lapsed" && (f[1] == "deadline" || f[1] == "schedule"):
		return l.T("audit.lapsed_"+f[1], phaseName(l, f[2]))
	case why == "" && len(f) == 2 && f[0] == "deadline":
		if t, ok := when(f[1]); ok {
			return l.T("audit.deadline", t)
		}
	case why == "" && len(f) == 5 && f[0] == "schedule" && f[3] == "→":
		open, ok1 := when(f[2])
		close, ok2 := when(f[4])
		if ok1 && ok2 {
			return l.T("audit.planned", phaseName(l, f[1]), open, close)
		}
	case (len(f) == 3 || len(f) == 5 && f[3] == "quorum") && f[1] == "→":
		out = phaseName(l, f[0]) + " → " + phaseName(l, f[2])
		if len(f) == 5 {
			q := f[4]
			if n, ok := strings.CutSuffix(q, "%"); ok && l == French {
				q = n + " %"
			}
			out += " · " + l.T("audit.quorum", q)
		}
		if why != "" {
			out = l.T("audit.by_"+why, out)
		}
		return out
	}
	if why != "" {
		return why + ": " + d
	}
	return d
}

// phaseName names a phase recorded by its identifier.
func phaseName(l Lang, id string) string { return l.named("phase."+id+".name", id) }

// roleName names a role recorded by its identifier.
func roleName(l Lang, id string) string { return l.named("role."+id, id) }
