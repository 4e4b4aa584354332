package consultation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// RosterEntry is one line of the organisation's membership list, as
// imported. MemberID is set once an organiser confirms a member's claim to
// the entry.
type RosterEntry struct {
	Number     string // canonical membership number (NormalizeNumber)
	Name       string
	Section    string
	ImportedAt time.Time // when the entry was added or last changed by an import
	MemberID   int64     // 0 until a claim is confirmed
}

// ClaimStatus is where a roster claim stands.
type ClaimStatus string

// Claim statuses.
const (
	ClaimPending   ClaimStatus = "pending"
	ClaimConfirmed ClaimStatus = "confirmed"
	ClaimRejected  ClaimStatus = "rejected"
)

// RosterClaim is a member saying "this membership number is mine". A claim
// never verifies anyone by itself: an organiser confirms or rejects it.
type RosterClaim struct {
	ID        int64
	Number    string
	MemberID  int64
	CreatedAt time.Time
	Status    ClaimStatus
}

// Roster limits.
const (
	MaxNumberLen = 64  // characters of a membership number
	MaxRosterLen = 200 // characters of a roster name or section
)

// Audit actions of the roster.
const (
	ActRosterImport = "roster.import"
	ActClaimReject  = "roster.reject"
)

// NormalizeNumber returns the canonical form of a membership number as
// typed or imported: spaces removed and letters upper-cased, so that
// "ab 123" and "AB123" are one number. It returns "" for a blank number.
func NormalizeNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// LooksLikeCode reports whether what a person sent to /join is read as a
// one-time code rather than a membership number: a well-formed code that
// is not all digits. Codes are drawn with at least one letter (newCode),
// while membership numbers are usually all digits.
func LooksLikeCode(s string) bool {
	code, ok := ParseCode(s)
	return ok && strings.ContainsFunc(code, unicode.IsLetter)
}

func validNumber(n string) error {
	switch {
	case n == "":
		return Errorf(EINVALID, "roster_number_blank", "a membership number is blank")
	case utf8.RuneCountInString(n) > MaxNumberLen:
		return Errorf(EINVALID, "roster_number_long", "membership number %q is longer than %d characters", n, MaxNumberLen)
	}
	for _, r := range n {
		if !unicode.IsPrint(r) {
			return Errorf(EINVALID, "roster_number_bad", "membership number %q holds a control character", n)
		}
	}
	return nil
}

// RosterImport counts what an import did.
type RosterImport struct {
	Added, Updated, Unchanged int
	// Absent counts entries already on the roster but not in the file:
	// they are kept, with their claims.
	Absent int
}

// ImportRoster adds or updates roster entries from the organisation's
// membership list, in one transaction: entries with a new number are
// added, those whose name or section changed are updated, and claims and
// confirmed links are kept. It is run by the system (the command line),
// not by a member. The whole list is refused, and nothing written, when a
// number is blank, too long or given twice, or a name is blank.
func (s *Service) ImportRoster(ctx context.Context, entries []RosterEntry) (*RosterImport, error) {
	seen := make(map[string]bool, len(entries))
	clean := make([]RosterEntry, len(entries))
	for i, e := range entries {
		e.Number = NormalizeNumber(e.Number)
		if err := validNumber(e.Number); err != nil {
			return nil, err
		}
		if seen[e.Number] {
			return nil, Errorf(EINVALID, "roster_number_twice", "membership number %q is given twice", e.Number)
		}
		seen[e.Number] = true
		e.Name = strings.Join(strings.Fields(e.Name), " ")
		e.Section = strings.Join(strings.Fields(e.Section), " ")
		if e.Name == "" {
			return nil, Errorf(EINVALID, "roster_name_blank", "membership number %q has no name", e.Number)
		}
		if utf8.RuneCountInString(e.Name) > MaxRosterLen || utf8.RuneCountInString(e.Section) > MaxRosterLen {
			return nil, Errorf(EINVALID, "roster_name_long", "the name or section of %q is longer than %d characters", e.Number, MaxRosterLen)
		}
		clean[i] = e
	}
	if len(clean) == 0 {
		return nil, Errorf(EINVALID, "roster_empty", "the roster is empty")
	}
	var out RosterImport
	err := s.store.Update(ctx, func(tx Tx) error {
		out = RosterImport{}
		now := s.clock.Now()
		old, err := tx.RosterEntries()
		if err != nil {
			return err
		}
		known := make(map[string]*RosterEntry, len(old))
		for _, e := range old {
			known[e.Number] = e
			if !seen[e.Number] {
				out.Absent++
			}
		}
		for _, e := range clean {
			prev, ok := known[e.Number]
			switch {
			case !ok:
				e.ImportedAt, e.MemberID = now, 0
				if err := tx.CreateRosterEntry(&e); err != nil {
					return err
				}
				out.Added++
			case prev.Name != e.Name || prev.Section != e.Section:
				prev.Name, prev.Section, prev.ImportedAt = e.Name, e.Section, now
				if err := tx.UpdateRosterEntry(prev); err != nil {
					return err
				}
				out.Updated++
			default:
				out.Unchanged++
			}
		}
		return tx.AppendAudit(&AuditEntry{At: now, Action: ActRosterImport,
			Detail: fmt.Sprintf("%d added, %d updated, %d unchanged", out.Added, out.Updated, out.Unchanged)})
	})
	if err != nil {
		return nil, fmt.Errorf("import roster: %w", err)
	}
	return &out, nil
}

// ClaimNumber records the actor's claim to a membership number, for an
// organiser to confirm. The answer is the same whether the number is on
// the roster, unknown, or already claimed by someone else, so that the
// roster cannot be read by guessing; an unknown number records nothing.
// Every claim counts toward the attempt limit shared with codes: counting
// only unknown numbers would let a guesser tell them apart by when the
// limit starts.
func (s *Service) ClaimNumber(ctx context.Context, a Actor, typed string) error {
	number := NormalizeNumber(typed)
	if err := validNumber(number); err != nil {
		return err
	}
	return s.update(ctx, a, func(tx Tx, m *Member) error {
		switch m.Status {
		case Suspended:
			return errSuspended
		case Verified:
			return Errorf(ECONFLICT, "roster_already_member", "you are already a verified member")
		}
		now := s.clock.Now()
		if err := checkAttempts(tx, m, now); err != nil {
			return err
		}
		if err := tx.AddAttempt(m.ID, now); err != nil {
			return err
		}
		if _, err := tx.RosterEntry(number); IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		pending, err := tx.RosterClaims(ClaimPending)
		if err != nil {
			return err
		}
		for _, c := range pending {
			if c.Number == number && c.MemberID == m.ID {
				return nil // already waiting for an organiser
			}
		}
		return tx.CreateRosterClaim(&RosterClaim{Number: number, MemberID: m.ID, CreatedAt: now, Status: ClaimPending})
	})
}

// PendingClaim is a claim waiting for an organiser, with what they need to
// decide.
type PendingClaim struct {
	Claim  *RosterClaim
	Member *Member
	Entry  *RosterEntry
	// Rivals counts other members' pending claims to the same number.
	Rivals int
	// Holder is the member the entry already belongs to, or nil.
	Holder *Member
}

// PendingClaims returns the claims waiting for an organiser, oldest first.
// Organisers only.
func (s *Service) PendingClaims(ctx context.Context, a Actor) ([]*PendingClaim, error) {
	var out []*PendingClaim
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		out = nil
		if err := mustOrganise(m); err != nil {
			return err
		}
		cs, err := tx.RosterClaims(ClaimPending)
		if err != nil {
			return err
		}
		per := make(map[string]int)
		for _, c := range cs {
			per[c.Number]++
		}
		for _, c := range cs {
			p := &PendingClaim{Claim: c, Rivals: per[c.Number] - 1}
			if p.Member, err = tx.Member(c.MemberID); err != nil {
				return err
			}
			if p.Entry, err = tx.RosterEntry(c.Number); err != nil {
				return err
			}
			if p.Entry.MemberID != 0 {
				if p.Holder, err = tx.Member(p.Entry.MemberID); err != nil {
					return err
				}
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

var errClaimUnknown = &Error{Code: ENOTFOUND, Key: "claim_unknown", Message: "no such claim"}

// decideClaim runs fn on a pending claim, for an organiser.
func (s *Service) decideClaim(ctx context.Context, a Actor, id int64, fn func(tx Tx, m *Member, c *RosterClaim, now time.Time) error) (*RosterClaim, error) {
	var out *RosterClaim
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		c, err := tx.RosterClaim(id)
		if IsNotFound(err) {
			return errClaimUnknown
		}
		if err != nil {
			return err
		}
		if c.Status != ClaimPending {
			return Errorf(ECONFLICT, "claim_decided", "claim #%d was already %s", c.ID, c.Status)
		}
		out = c
		return fn(tx, m, c, s.clock.Now())
	})
	return out, err
}

// ConfirmClaim confirms a pending claim: the roster entry now belongs to
// the claimant, who becomes verified unless suspended (a suspended member
// stays suspended). It is refused when the entry already belongs to
// someone else. Organisers only.
func (s *Service) ConfirmClaim(ctx context.Context, a Actor, id int64) (*RosterClaim, *Member, error) {
	var t *Member
	c, err := s.decideClaim(ctx, a, id, func(tx Tx, m *Member, c *RosterClaim, now time.Time) error {
		e, err := tx.RosterEntry(c.Number)
		if err != nil {
			return err
		}
		if t, err = tx.Member(c.MemberID); err != nil {
			return err
		}
		if e.MemberID != 0 && e.MemberID != t.ID {
			return Errorf(ECONFLICT, "roster_taken", "membership number %s already belongs to another member", e.Number)
		}
		e.MemberID = t.ID
		if err := tx.UpdateRosterEntry(e); err != nil {
			return err
		}
		c.Status = ClaimConfirmed
		if err := tx.UpdateRosterClaim(c); err != nil {
			return err
		}
		if t.Status == Unverified {
			t.verify(now, m.ID)
			if err := tx.UpdateMember(t); err != nil {
				return err
			}
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActVerify, SubjectID: t.ID, Detail: "roster " + c.Number})
	})
	if err != nil {
		return nil, nil, err
	}
	return c, t, nil
}

// RejectClaim rejects a pending claim; nothing else changes. Organisers
// only.
func (s *Service) RejectClaim(ctx context.Context, a Actor, id int64) (*RosterClaim, error) {
	return s.decideClaim(ctx, a, id, func(tx Tx, m *Member, c *RosterClaim, now time.Time) error {
		c.Status = ClaimRejected
		if err := tx.UpdateRosterClaim(c); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActClaimReject, SubjectID: c.MemberID, Detail: c.Number})
	})
}
