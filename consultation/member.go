package consultation

import "time"

// Platform names a chat platform.
type Platform string

// Platforms Atelier speaks on.
const (
	Console  Platform = "console"
	Telegram Platform = "telegram"
	Discord  Platform = "discord"
)

// Identity is a person's account on one platform. A member may have several
// identities (one per platform) that all count as one person.
type Identity struct {
	Platform Platform
	UserID   string // stable platform id; usernames change
	Username string // the handle people type (@alice), may be empty
	Name     string // display name
	MemberID int64
	// Lang is the language the platform reports for the person ("fr",
	// "en", or "" when unknown); Enter keeps it as the member's language.
	Lang string
}

// Status is where a member stands in the organisation's roster.
type Status string

// Member statuses.
const (
	Unverified Status = "unverified"
	Verified   Status = "verified"
	Suspended  Status = "suspended"
)

// Role is what a member may do.
type Role string

// Roles, from least to most powerful. A supporter (sympathisant·e) may
// send ideas but is in no electorate: they neither rate nor vote.
const (
	RoleSupporter Role = "supporter"
	RoleMember    Role = "member"
	RoleOrganiser Role = "organiser"
	RoleAdmin     Role = "admin"
)

// rank orders roles for "at least" checks.
func (r Role) rank() int {
	switch r {
	case RoleSupporter:
		return -1
	case RoleOrganiser:
		return 1
	case RoleAdmin:
		return 2
	default:
		return 0
	}
}

// ParseRole returns the role named s in English or French.
func ParseRole(s string) (Role, bool) {
	switch s {
	case "supporter", "sympathisant", "sympathisante":
		return RoleSupporter, true
	case "member", "membre":
		return RoleMember, true
	case "organiser", "organizer", "organisateur", "organisatrice", "secretaire", "secrétaire":
		return RoleOrganiser, true
	case "admin", "administrateur", "administratrice":
		return RoleAdmin, true
	}
	return "", false
}

// Member is a person known to Atelier.
type Member struct {
	ID         int64
	Name       string
	Status     Status
	Role       Role
	Lang       string // preferred language, "" for the group's
	CreatedAt  time.Time
	VerifiedAt time.Time
	VerifiedBy int64
	// Muted reports whether the member asked for no private reminders.
	Muted bool
}

// verify makes m a verified member as of at, on the word of member by.
func (m *Member) verify(at time.Time, by int64) {
	m.Status, m.VerifiedAt, m.VerifiedBy = Verified, at, by
}

// IsVerified reports whether m counts as a member of the organisation.
func (m *Member) IsVerified() bool { return m.Status == Verified }

// IsOrganiser reports whether m may organise consultations. Suspended
// members lose every power.
func (m *Member) IsOrganiser() bool {
	return m.Status == Verified && m.Role.rank() >= RoleOrganiser.rank()
}

// IsAdmin reports whether m administers the installation.
func (m *Member) IsAdmin() bool { return m.Status == Verified && m.Role == RoleAdmin }

// Group is a chat where consultations happen: a Telegram group, a Discord
// channel, a console room.
type Group struct {
	ID        int64
	Platform  Platform
	ChatID    string
	Title     string
	Locale    string // "fr" or "en"
	TimeZone  string // IANA name, e.g. Europe/Paris
	CreatedAt time.Time
}

// Location returns the group's time zone, or UTC when it is unknown.
func (g *Group) Location() *time.Location {
	if loc, err := time.LoadLocation(g.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// AuditEntry records who did what. It never records a rating or a vote.
type AuditEntry struct {
	ID             int64
	At             time.Time
	ActorID        int64 // 0 for the system
	Action         string
	ConsultationID int64
	SubjectID      int64 // the member acted upon, when there is one
	Detail         string
}

// Audit actions.
const (
	ActVerify         = "verify"
	ActSuspend        = "suspend"
	ActRole           = "role"
	ActCreate         = "consultation.create"
	ActSupporters     = "consultation.supporters"
	ActPhase          = "phase"
	ActGroup          = "proposal.create"
	ActUngroup        = "proposal.delete"
	ActRename         = "proposal.rename"
	ActWithdraw       = "idea.withdraw"
	ActAdoptionOpen   = "adoption.open"
	ActAdoptionClose  = "adoption.close"
	ActInvite         = "invite"
	ActLink           = "link"
	ActUnlink         = "unlink"
	ActExport         = "export"
	ActDigestSchedule = "digest_schedule"
)
