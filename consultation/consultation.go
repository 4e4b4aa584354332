// Package consultation is Atelier's domain: members, consultations and their
// phases, ideas, proposals, secret effort/impact ballots, results, digests,
// syntheses and the adoption vote.
//
// It imports only the standard library. It declares what it needs from the
// outside world as small interfaces (Store, Clock) and reports failures as
// *Error values with a closed set of codes; it never logs.
package consultation

import (
	"strings"
	"time"
)

// Phase is a step of a consultation's lifecycle. Phases only move forward.
type Phase string

// The lifecycle, in order.
const (
	Draft      Phase = "draft"
	Collecting Phase = "collecting"
	Grouping   Phase = "grouping"
	Evaluating Phase = "evaluating"
	Results    Phase = "results"
	Adoption   Phase = "adoption"
	Closed     Phase = "closed"
)

// Phases lists the lifecycle in order.
var Phases = []Phase{Draft, Collecting, Grouping, Evaluating, Results, Adoption, Closed}

// Index returns the position of p in the lifecycle, or -1.
func (p Phase) Index() int {
	for i, q := range Phases {
		if q == p {
			return i
		}
	}
	return -1
}

// ParsePhase returns the phase named s in English or French (accents optional).
func ParsePhase(s string) (Phase, bool) {
	switch strings.ToLower(s) {
	case "draft", "brouillon":
		return Draft, true
	case "collecting", "collect", "collecte":
		return Collecting, true
	case "grouping", "group", "regroupement":
		return Grouping, true
	case "evaluating", "evaluation", "évaluation":
		return Evaluating, true
	case "results", "resultats", "résultats":
		return Results, true
	case "adoption", "vote":
		return Adoption, true
	case "closed", "close", "cloture", "clôture", "clos":
		return Closed, true
	}
	return "", false
}

// Step is one phase of a consultation's calendar: when it started, when it is
// due to end, and the organiser in charge.
type Step struct {
	Phase       Phase
	StartedAt   time.Time // zero until the phase begins
	EndedAt     time.Time // zero until the phase ends
	Deadline    time.Time // zero when open-ended
	OrganiserID int64     // 0 when nobody is named
	// PlannedStart is when the phase is due to begin by itself; zero when
	// it begins only when an organiser moves it (see SchedulePoll).
	PlannedStart time.Time
}

// Consultation is one question put to members, with its own calendar.
// A consultation belongs to one or more groups (a federation's sections).
type Consultation struct {
	ID        int64
	Title     string
	Phase     Phase
	CreatedBy int64
	CreatedAt time.Time
	Round     int     // current evaluation round, 0 before the first
	Quorum    float64 // adoption quorum as a share of the electorate, set when the vote opens
	Salt      string  // secret per consultation, for voter pseudonyms
	// SupportersVote reports whether supporters are in the electorates of
	// this consultation's polls, as members are.
	SupportersVote bool
	Steps          []Step  // one per phase reached or scheduled, in lifecycle order
	GroupIDs       []int64 // the groups it runs in; the first is where it was created
}

// Step returns the calendar entry for p, creating it in c.Steps if needed.
func (c *Consultation) Step(p Phase) *Step {
	for i := range c.Steps {
		if c.Steps[i].Phase == p {
			return &c.Steps[i]
		}
	}
	c.Steps = append(c.Steps, Step{Phase: p})
	// Keep lifecycle order.
	for i := len(c.Steps) - 1; i > 0 && c.Steps[i].Phase.Index() < c.Steps[i-1].Phase.Index(); i-- {
		c.Steps[i], c.Steps[i-1] = c.Steps[i-1], c.Steps[i]
	}
	return c.Step(p)
}

// Current returns the calendar entry of the current phase.
func (c *Consultation) Current() *Step { return c.Step(c.Phase) }

// Limits on ideas and titles, in characters (runes).
const (
	MinIdeaLen  = 3
	MaxIdeaLen  = 1000
	MaxTitleLen = 200
)

// Idea is one member's contribution. Its author is kept for traceability.
type Idea struct {
	ID             int64
	ConsultationID int64
	Number         int // 1, 2, … within the consultation
	AuthorID       int64
	GroupID        int64 // the chat it was sent from
	Text           string
	CreatedAt      time.Time
	Withdrawn      bool
	ProposalID     int64 // 0 while ungrouped
	Supports       int   // members supporting it; read-only, filled by the store
}

// Proposal groups similar ideas into one thing members rate.
type Proposal struct {
	ID             int64
	ConsultationID int64
	Number         int
	Title          string
	CreatedBy      int64
	CreatedAt      time.Time
	Ideas          []*Idea // its source ideas, by number
}

// Axis is one of the two rating scales.
type Axis string

// The two axes of the evaluation.
const (
	Impact Axis = "impact"
	Effort Axis = "effort"
)

// Rating values: 1 to 5 on each axis, DontKnow for "don't know", and Unset
// for an axis not rated yet.
const (
	Unset    = 0
	DontKnow = -1
	MinScore = 1
	MaxScore = 5
)

// Round is one evaluation of a consultation's proposals. A Delphi process
// runs several rounds; round n+1 shows members the results of round n.
type Round struct {
	ID             int64
	ConsultationID int64
	Number         int
	OpenedAt       time.Time
	ClosedAt       time.Time // zero while open
	Voters         int       // voters with at least one complete rating, kept by the store
}

// Rating is one voter's rating of one proposal in one round. The voter is a
// pseudonym, never a member id: see Pseudonym.
type Rating struct {
	RoundID    int64
	ProposalID int64
	Voter      string
	Impact     int
	Effort     int
}

// Complete reports whether both axes are answered (a score or don't know).
func (r Rating) Complete() bool { return r.Impact != Unset && r.Effort != Unset }

// Choice is an answer to the adoption vote.
type Choice string

// Adoption vote choices.
const (
	Yes     Choice = "yes"
	No      Choice = "no"
	Abstain Choice = "abstain"
)

// ParseChoice returns the choice named s in English or French.
func ParseChoice(s string) (Choice, bool) {
	switch strings.ToLower(s) {
	case "yes", "y", "oui", "pour":
		return Yes, true
	case "no", "n", "non", "contre":
		return No, true
	case "abstain", "abstention", "blanc":
		return Abstain, true
	}
	return "", false
}

// Poll names an electorate: the verified members at the moment a poll
// opened, for an evaluation round or the adoption vote.
type Poll struct {
	ConsultationID int64
	Kind           string // "round" or "adoption"
	Number         int    // the round number; 0 for adoption
}

// Poll kinds.
const (
	PollRound    = "round"
	PollAdoption = "adoption"
)
