package consultation

import (
	"context"
	"time"
)

// Store persists the domain. Each call to Update is one transaction: it
// commits when fn returns nil and rolls back otherwise, so a rule checked in
// fn holds when its writes land. A reply acknowledging an action is sent only
// after Update returns nil.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is a transaction's view of the store. Lookups return an ENOTFOUND
// *Error when nothing matches; writes return ECONFLICT on a uniqueness
// violation. Any other error is internal.
type Tx interface {
	// Groups.
	CreateGroup(g *Group) error // sets ID
	GroupByChat(p Platform, chatID string) (*Group, error)
	Group(id int64) (*Group, error)
	UpdateGroup(g *Group) error
	MoveGroup(p Platform, oldChatID, newChatID string) error
	// DeleteGroup removes a group that holds nothing yet (no consultation,
	// idea or suggestion), with its digest schedule; ECONFLICT otherwise.
	DeleteGroup(id int64) error

	// Members and their platform identities.
	CreateMember(m *Member, id Identity) error // sets ID on both
	Member(id int64) (*Member, error)
	UpdateMember(m *Member) error
	MemberByIdentity(p Platform, userID string) (*Member, error)
	// IdentityByUsername finds the account that showed a handle last,
	// whatever its case; CreateMember and UpdateIdentity take a handle
	// from any other account of the platform that held it.
	IdentityByUsername(p Platform, username string) (*Identity, error)
	IdentityOf(p Platform, userID string) (*Identity, error)
	UpdateIdentity(id Identity) error
	Identities(memberID int64) ([]Identity, error)
	Members() ([]*Member, error) // by ID

	// Consultations, with their steps and groups.
	CreateConsultation(c *Consultation) error // sets ID
	Consultation(id int64) (*Consultation, error)
	UpdateConsultation(c *Consultation) error                    // phase, round, quorum, steps
	ConsultationsOfGroup(groupID int64) ([]*Consultation, error) // newest first
	ConsultationsInPhase(p Phase) ([]*Consultation, error)       // newest first
	// DueConsultations returns the consultations whose current phase has
	// a deadline at or before now, earliest deadline first.
	DueConsultations(now time.Time) ([]int64, error)

	// Ideas, numbered per consultation.
	CreateIdea(i *Idea) error // sets ID and Number
	Idea(consultationID int64, number int) (*Idea, error)
	UpdateIdea(i *Idea) error
	Ideas(consultationID int64) ([]*Idea, error) // by number, withdrawn included

	// Supports of ideas by members other than their authors. Idea lookups
	// fill Idea.Supports with their count.
	PutSupport(ideaID, memberID int64, at time.Time) error // ECONFLICT when already there

	// Submissions held back as close to earlier ideas, by random token.
	CreatePendingIdea(p *PendingIdea) error
	PendingIdea(token string) (*PendingIdea, error)
	DeletePendingIdea(token string) error
	DeleteExpiredPendingIdeas(now time.Time) error // those with ExpiresAt at or before now

	// Grouping suggestions shown to organisers, by random token.
	CreateSuggestion(sg *Suggestion) error
	Suggestion(token string) (*Suggestion, error)
	UpdateSuggestion(sg *Suggestion) error                             // numbers, dropped, title, status
	Suggestions(consultationID, memberID int64) ([]*Suggestion, error) // oldest first

	// Proposals, numbered per consultation, with their ideas.
	CreateProposal(p *Proposal) error                             // sets ID and Number
	Proposal(consultationID int64, number int) (*Proposal, error) // without its ideas
	UpdateProposal(p *Proposal) error
	DeleteProposal(id int64) error                       // its ideas become ungrouped
	Proposals(consultationID int64) ([]*Proposal, error) // by number

	// Evaluation rounds and their secret ratings.
	CreateRound(r *Round) error // sets ID
	Round(consultationID int64, number int) (*Round, error)
	UpdateRound(r *Round) error
	PutRating(r Rating) error // insert or replace (round, proposal, voter)
	Ratings(roundID int64, voter string) ([]Rating, error)
	RatingCounts(roundID int64) ([]RatingCount, error)
	// RoundRatings returns every rating of a round, under its stored
	// pseudonym, for exports (which re-pseudonymise them).
	RoundRatings(roundID int64) ([]Rating, error)
	Raters(roundID int64) (map[string]int, error) // voter → proposals with a complete rating

	// Electorates and the adoption vote.
	SetElectorate(p Poll, memberIDs []int64) error
	Electorate(p Poll) ([]int64, error)
	InElectorate(p Poll, memberID int64) (bool, error)
	PutVote(consultationID int64, voter string, c Choice, at time.Time) error
	Vote(consultationID int64, voter string) (Choice, error)
	VoteCounts(consultationID int64) (map[Choice]int, error)

	// One-time codes (invites, account links, the first admin's setup),
	// known only by the SHA-256 of the code.
	CreateCode(c *Code) error // ECONFLICT when the hash is already there
	Code(hash string) (*Code, error)
	UpdateCode(c *Code) error        // UsedAt and UsedBy
	DeleteCodes(kind CodeKind) error // the unused codes of a kind

	// Failed code attempts, per member, for rate limiting.
	AddAttempt(memberID int64, at time.Time) error
	Attempts(memberID int64, since time.Time) ([]time.Time, error) // at or after since, oldest first

	// Linking and unlinking platform accounts.
	// MergeMembers points everything of member from (identities, ideas,
	// supports, electorates, audit, …) at member into, then deletes from.
	MergeMembers(from, into int64) error
	// DetachIdentity creates m (setting its ID) and moves the identity
	// (p, userID) to it.
	DetachIdentity(p Platform, userID string, m *Member) error
	// RenameVoter moves a pseudonym's ratings in a round to another
	// pseudonym, which must not have rated in that round (ECONFLICT);
	// RenameVote does the same for an adoption vote.
	RenameVoter(roundID int64, from, to string) error
	RenameVote(consultationID int64, from, to string) error

	// The roster imported from the organisation's membership list, by
	// canonical number, and members' claims to its entries.
	CreateRosterEntry(e *RosterEntry) error // ECONFLICT when the number is already there
	RosterEntry(number string) (*RosterEntry, error)
	UpdateRosterEntry(e *RosterEntry) error // name, section, imported_at, member_id
	RosterEntries() ([]*RosterEntry, error) // by number
	CreateRosterClaim(c *RosterClaim) error // sets ID
	RosterClaim(id int64) (*RosterClaim, error)
	UpdateRosterClaim(c *RosterClaim) error                  // status
	RosterClaims(status ClaimStatus) ([]*RosterClaim, error) // oldest first

	// The audit log.
	AppendAudit(e *AuditEntry) error
	Audit(consultationID int64, limit int) ([]*AuditEntry, error) // newest first: the consultation's entries and those of no consultation; 0 = all

	// Platform events already processed, for exactly-once handling.
	MarkEvent(key string, at time.Time) (fresh bool, err error)
	EventSeen(key string) (bool, error)

	// Messages the bot sends by itself, kept until delivered.
	// AddOutbox sets o.ID and reports whether o was added: nothing is
	// added when an item with the same platform, chat, kind,
	// consultation and dedupe key is already there.
	AddOutbox(o *OutboxItem) (added bool, err error)
	// DueOutbox returns, for each chat of platform p, its oldest unsent
	// item when that item is due at or before now, by ID, at most limit.
	// A chat's later items wait behind its oldest, so each chat receives
	// its items in order.
	DueOutbox(p Platform, now time.Time, limit int) ([]*OutboxItem, error)
	UpdateOutbox(o *OutboxItem) error // attempts, last error, due at, sent at, abandoned at
	Outbox(id int64) (*OutboxItem, error)

	// Weekly digests. DigestSchedules returns every group's schedule, by
	// group ID; DigestSchedule one group's (ENOTFOUND for an unknown
	// group). A group never scheduled has an empty Spec and a zero
	// LastSentAt.
	DigestSchedules() ([]*DigestSchedule, error)
	DigestSchedule(groupID int64) (*DigestSchedule, error)
	PutDigestSchedule(d *DigestSchedule) error // spec, last sent at
	// GroupsOfMember returns, by ID, the groups of the consultations in
	// which a member sent an idea or was called to rate or vote.
	GroupsOfMember(memberID int64) ([]*Group, error)

	// Adapter state that must survive restarts; State returns ENOTFOUND
	// for a key never put.
	State(key string) (string, error)
	PutState(key, value string) error
}

// RatingCount is how many voters gave one proposal one (impact, effort) pair.
// Results are computed from these joint counts so that no query hands a
// voter's ballot to the scoring code.
type RatingCount struct {
	ProposalID int64
	Impact     int
	Effort     int
	N          int
}

// Clock tells the time. Tests inject a fixed or stepping clock.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock.
var SystemClock Clock = ClockFunc(time.Now)
