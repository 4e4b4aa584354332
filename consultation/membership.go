package consultation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"time"
)

// CodeKind says what a one-time code is for.
type CodeKind string

// Kinds of one-time codes.
const (
	CodeInvite CodeKind = "invite" // verifies whoever redeems it
	CodeLink   CodeKind = "link"   // joins a second platform account to a member
	CodeSetup  CodeKind = "setup"  // makes the first admin
)

// Code is a one-time code as stored: only the SHA-256 of the code is kept,
// so reading the database does not give anyone a usable code.
type Code struct {
	Hash      string // hex SHA-256 of the canonical code
	Kind      CodeKind
	Role      Role     // for invites: the role it gives
	MemberID  int64    // who made it (the inviter, the member linking); 0 for setup
	Platform  Platform // for links: the platform it was issued on
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
	UsedBy    int64
}

// Code lengths, lifetimes and limits.
const (
	// CodeLen is the length of every one-time code: 10 characters of a
	// 32-letter alphabet carry 50 bits.
	CodeLen     = 10
	MaxInvites  = 50 // codes per /invite
	InviteTTL   = 7 * 24 * time.Hour
	LinkTTL     = 10 * time.Minute
	SetupTTL    = 24 * time.Hour
	MaxAttempts = 5 // failed code attempts per member per AttemptWindow
	// AttemptWindow is the sliding window of MaxAttempts.
	AttemptWindow = time.Hour
)

// codeAlphabet has no letters people confuse: no I, O, 0 or 1.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// ParseCode returns the canonical form of a code as typed (any case,
// spaces and dashes ignored) and reports whether it is well formed.
func ParseCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) || b.Len() >= CodeLen {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return "", false
	}
	return b.String(), true
}

// FormatCode shows a canonical code in two halves, easier to copy by hand.
func FormatCode(code string) string {
	if len(code) != CodeLen {
		return code
	}
	return code[:CodeLen/2] + "-" + code[CodeLen/2:]
}

// CodeHash is how a canonical code is stored.
func CodeHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

func (s *Service) newCode() (string, error) {
	b := make([]byte, CodeLen)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	// A code of digits only would read as a membership number in /join
	// (LooksLikeCode): about one code in a million gets a letter first.
	if !strings.ContainsFunc(string(b), func(r rune) bool { return r >= 'A' && r <= 'Z' }) {
		b[0] = codeAlphabet[b[0]&15]
	}
	return string(b), nil
}

var (
	errCodeUnknown = &Error{Code: ENOTFOUND, Key: "code_unknown", Message: "unknown code"}
	errCodeUsed    = &Error{Code: ECONFLICT, Key: "code_used", Message: "this code was already used"}
	errCodeExpired = &Error{Code: ECONFLICT, Key: "code_expired", Message: "this code has expired"}
)

// checkAttempts refuses a member who failed too many codes recently,
// saying in how many minutes they may try again.
func checkAttempts(tx Tx, m *Member, now time.Time) error {
	ts, err := tx.Attempts(m.ID, now.Add(-AttemptWindow))
	if err != nil || len(ts) < MaxAttempts {
		return err
	}
	retry := ts[len(ts)-MaxAttempts].Add(AttemptWindow)
	minutes := int((retry.Sub(now) + time.Minute - 1) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	return Errorf(EFORBIDDEN, "too_many_attempts", "too many wrong codes; try again in %d minutes", minutes)
}

// redeem runs fn on a usable code of the given kind. A code that is
// malformed, unknown, used or expired is refused and counted as a failed
// attempt: that count is written even though nothing else is, so that
// guessing stays rate-limited across restarts.
func (s *Service) redeem(ctx context.Context, a Actor, typed string, kind CodeKind, fn func(tx Tx, m *Member, c *Code, now time.Time) error) error {
	code, wellFormed := ParseCode(typed)
	var refused error
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		refused = nil // the store may run fn again
		now := s.clock.Now()
		if err := checkAttempts(tx, m, now); err != nil {
			return err
		}
		var c *Code
		var err error
		if wellFormed {
			c, err = tx.Code(CodeHash(code))
		}
		switch {
		case !wellFormed || IsNotFound(err) || (err == nil && c.Kind != kind):
			refused = errCodeUnknown
		case err != nil:
			return err
		case !c.UsedAt.IsZero():
			refused = errCodeUsed
		case !now.Before(c.ExpiresAt):
			refused = errCodeExpired
		}
		if refused != nil {
			return tx.AddAttempt(m.ID, now)
		}
		// The code is spent first: fn may merge the actor into another
		// member, and the store then re-points UsedBy with everything else.
		c.UsedAt, c.UsedBy = now, m.ID
		if err := tx.UpdateCode(c); err != nil {
			return err
		}
		return fn(tx, m, c, now)
	})
	if err == nil {
		err = refused
	}
	return err
}

// Invitation is a batch of invite codes, shown once to the organiser who
// made them.
type Invitation struct {
	Codes     []string // canonical codes
	Role      Role
	ExpiresAt time.Time
}

// Invite makes n one-time invite codes (1 to MaxInvites) that verify whoever
// redeems them with the given role (member or supporter). Organisers only.
// Only the codes' hashes are stored.
func (s *Service) Invite(ctx context.Context, a Actor, n int, role Role) (*Invitation, error) {
	if n < 1 || n > MaxInvites {
		return nil, Errorf(EINVALID, "invite_count", "you can make 1 to %d invite codes at once", MaxInvites)
	}
	if role != RoleMember && role != RoleSupporter {
		return nil, Errorf(EINVALID, "invite_role", "an invite makes a member or a supporter")
	}
	inv := &Invitation{Role: role}
	for range n {
		c, err := s.newCode()
		if err != nil {
			return nil, err
		}
		inv.Codes = append(inv.Codes, c)
	}
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		now := s.clock.Now()
		inv.ExpiresAt = now.Add(InviteTTL)
		for _, c := range inv.Codes {
			if err := tx.CreateCode(&Code{Hash: CodeHash(c), Kind: CodeInvite, Role: role, MemberID: m.ID, CreatedAt: now, ExpiresAt: inv.ExpiresAt}); err != nil {
				return err
			}
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActInvite, Detail: strconv.Itoa(n) + " × " + string(role)})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Join redeems an invite code: the actor becomes verified, with the role
// the invite gives (an organiser or admin keeps theirs).
func (s *Service) Join(ctx context.Context, a Actor, code string) (*Member, error) {
	var out *Member
	err := s.redeem(ctx, a, code, CodeInvite, func(tx Tx, m *Member, c *Code, now time.Time) error {
		switch m.Status {
		case Suspended:
			return errSuspended
		case Verified:
			return Errorf(ECONFLICT, "already_member", "you are already a verified member")
		}
		m.verify(now, c.MemberID)
		if m.Role.rank() <= RoleMember.rank() {
			m.Role = c.Role
		}
		if err := tx.UpdateMember(m); err != nil {
			return err
		}
		out = m
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: c.MemberID, Action: ActVerify, SubjectID: m.ID, Detail: "invite"})
	})
	return out, err
}

// LinkCode gives the actor a short-lived code to send from their account on
// another platform, to join both accounts into one member.
func (s *Service) LinkCode(ctx context.Context, a Actor, p Platform) (code string, expires time.Time, err error) {
	if code, err = s.newCode(); err != nil {
		return "", time.Time{}, err
	}
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		now := s.clock.Now()
		expires = now.Add(LinkTTL)
		return tx.CreateCode(&Code{Hash: CodeHash(code), Kind: CodeLink, MemberID: m.ID, Platform: p, CreatedAt: now, ExpiresAt: expires})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

// Link redeems a link code sent from platform p: the member who asked for
// the code and the actor become one member. The older member (lower id)
// stays; the newer one's identities, ideas and supports move to it, and
// the better status (verified over unverified; suspended over everything)
// and the higher role are kept. Ballots are pseudonymous per member, so a
// link is refused while both members have a ballot in the same open poll.
func (s *Service) Link(ctx context.Context, a Actor, p Platform, code string) (*Member, error) {
	var out *Member
	err := s.redeem(ctx, a, code, CodeLink, func(tx Tx, m *Member, c *Code, now time.Time) error {
		if c.MemberID == m.ID {
			return Errorf(ECONFLICT, "already_linked", "these accounts are already one member")
		}
		if c.Platform == p {
			return Errorf(EINVALID, "link_same_platform", "send the code from your account on another platform")
		}
		issuer, err := tx.Member(c.MemberID)
		if err != nil {
			return err
		}
		if out, err = merge(tx, issuer, m); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: out.ID, Action: ActLink, SubjectID: out.ID, Detail: string(c.Platform) + " + " + string(p)})
	})
	return out, err
}

// merge makes members x and y one and returns the survivor.
func merge(tx Tx, x, y *Member) (*Member, error) {
	keep, gone := x, y
	if gone.ID < keep.ID {
		keep, gone = gone, keep
	}
	evaluating, err := tx.ConsultationsInPhase(Evaluating)
	if err != nil {
		return nil, err
	}
	for _, c := range evaluating {
		rd, err := tx.Round(c.ID, c.Round)
		if err != nil {
			return nil, err
		}
		pk, pg := Pseudonym(c.Salt, keep.ID), Pseudonym(c.Salt, gone.ID)
		rk, err := tx.Ratings(rd.ID, pk)
		if err != nil {
			return nil, err
		}
		rg, err := tx.Ratings(rd.ID, pg)
		if err != nil {
			return nil, err
		}
		switch {
		case len(rg) == 0:
		case len(rk) > 0:
			return nil, Errorf(ECONFLICT, "link_both_rated", "both accounts rated in the open evaluation of %q", c.Title)
		default:
			if err := tx.RenameVoter(rd.ID, pg, pk); err != nil {
				return nil, err
			}
		}
	}
	adopting, err := tx.ConsultationsInPhase(Adoption)
	if err != nil {
		return nil, err
	}
	for _, c := range adopting {
		pk, pg := Pseudonym(c.Salt, keep.ID), Pseudonym(c.Salt, gone.ID)
		_, errK := tx.Vote(c.ID, pk)
		_, errG := tx.Vote(c.ID, pg)
		for _, err := range []error{errK, errG} {
			if err != nil && !IsNotFound(err) {
				return nil, err
			}
		}
		switch {
		case errG != nil:
		case errK == nil:
			return nil, Errorf(ECONFLICT, "link_both_voted", "both accounts voted on the synthesis of %q", c.Title)
		default:
			if err := tx.RenameVote(c.ID, pg, pk); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case gone.Status == Suspended:
		keep.Status = Suspended
	case keep.Status == Unverified && gone.Status == Verified:
		keep.verify(gone.VerifiedAt, gone.VerifiedBy)
	}
	if gone.Role.rank() > keep.Role.rank() {
		keep.Role = gone.Role
	}
	if keep.Lang == "" {
		keep.Lang = gone.Lang
	}
	if keep.VerifiedBy == gone.ID {
		keep.VerifiedBy = keep.ID
	}
	if err := tx.MergeMembers(gone.ID, keep.ID); err != nil {
		return nil, err
	}
	return keep, tx.UpdateMember(keep)
}

// Unlink detaches the actor's account on platform p from their member: it
// becomes a new, unverified member of its own. The member keeps their other
// accounts, ideas and status.
func (s *Service) Unlink(ctx context.Context, a Actor, p Platform, userID string) (*Member, error) {
	var out *Member
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		ids, err := tx.Identities(m.ID)
		if err != nil {
			return err
		}
		var id *Identity
		for i := range ids {
			if ids[i].Platform == p && ids[i].UserID == userID {
				id = &ids[i]
			}
		}
		if id == nil || len(ids) < 2 {
			return Errorf(ECONFLICT, "not_linked", "this account is not linked to another one")
		}
		now := s.clock.Now()
		out = &Member{Name: displayName(*id), Status: Unverified, Role: RoleMember, Lang: m.Lang, CreatedAt: now}
		if err := tx.DetachIdentity(p, userID, out); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActUnlink, SubjectID: out.ID, Detail: string(p)})
	})
	return out, err
}

// SetupCode makes the one-time code that turns its sender into the first
// admin, when the installation needs one: no admin in the database, and
// some platform in use with no admin configured for it. Each call replaces
// the previous setup code; when none is needed, any left is deleted.
func (s *Service) SetupCode(ctx context.Context, platforms []Platform) (code string, needed bool, err error) {
	if code, err = s.newCode(); err != nil {
		return "", false, err
	}
	configured := make(map[Platform]bool)
	for id := range s.admins {
		configured[id.Platform] = true
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.DeleteCodes(CodeSetup); err != nil {
			return err
		}
		hasAdmin, err := anyAdmin(tx)
		if err != nil || hasAdmin {
			return err
		}
		for _, p := range platforms {
			if !configured[p] {
				needed = true
			}
		}
		if !needed {
			return nil
		}
		now := s.clock.Now()
		return tx.CreateCode(&Code{Hash: CodeHash(code), Kind: CodeSetup, CreatedAt: now, ExpiresAt: now.Add(SetupTTL)})
	})
	if err != nil || !needed {
		return "", false, err
	}
	return code, true, nil
}

func anyAdmin(tx Tx) (bool, error) {
	ms, err := tx.Members()
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.IsAdmin() {
			return true, nil
		}
	}
	return false, nil
}

// Claim redeems the setup code: the actor becomes a verified admin. It is
// refused once the installation has an admin.
func (s *Service) Claim(ctx context.Context, a Actor, code string) (*Member, error) {
	var out *Member
	err := s.redeem(ctx, a, code, CodeSetup, func(tx Tx, m *Member, c *Code, now time.Time) error {
		has, err := anyAdmin(tx)
		if err != nil {
			return err
		}
		if has {
			return Errorf(ECONFLICT, "admin_exists", "this installation already has an admin")
		}
		m.Status, m.Role, m.VerifiedAt = Verified, RoleAdmin, now
		if err := tx.UpdateMember(m); err != nil {
			return err
		}
		out = m
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActRole, SubjectID: m.ID, Detail: "admin (setup code)"})
	})
	return out, err
}
