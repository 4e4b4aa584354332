package consultation

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Service applies the consultation rules. Every method that changes
// something runs in one store transaction and re-checks, inside it, that the
// actor may act: nothing is trusted from the caller but the actor's identity.
type Service struct {
	store  Store
	clock  Clock
	random io.Reader
	admins map[Identity]bool
	// similarity finds near-duplicate ideas and suggests groups; nil
	// turns both off.
	similarity Similarity
	reminders  []time.Duration
}

// Options configure a Service. Zero fields take defaults.
type Options struct {
	Clock  Clock     // default SystemClock
	Random io.Reader // default crypto/rand
	// Admins are identities made verified admins when first seen (only
	// Platform and UserID are compared).
	Admins []Identity
	// Reminders are how long before an evaluation closes the members who
	// have not finished are reminded, earliest first (DefaultReminders
	// when nil).
	Reminders []time.Duration
	// Similarity, when set, holds back ideas close to ideas already sent
	// (ProposeIdea) and suggests groups of similar ideas (Suggest).
	Similarity Similarity
}

// NewService returns a Service on store.
func NewService(store Store, opt Options) *Service {
	s := &Service{store: store, clock: opt.Clock, random: opt.Random, admins: make(map[Identity]bool), similarity: opt.Similarity}
	if s.clock == nil {
		s.clock = SystemClock
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	s.reminders = opt.Reminders
	if len(s.reminders) == 0 {
		s.reminders = DefaultReminders
	}
	for _, id := range opt.Admins {
		s.admins[Identity{Platform: id.Platform, UserID: id.UserID}] = true
	}
	return s
}

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Actor is who acts, and through which platform event. Event, when not
// empty, is recorded in the same transaction as the action's effect, so a
// redelivered event changes nothing (ErrDuplicate).
type Actor struct {
	MemberID int64
	// Identity names the actor when MemberID is 0: the member it belongs
	// to acts, found in the action's own transaction. An identity that
	// belongs to nobody yet is refused as not verified.
	Identity Identity
	Event    string
}

// member loads the acting member.
func (a Actor) member(tx Tx) (*Member, error) {
	if a.MemberID != 0 || a.Identity.UserID == "" {
		return tx.Member(a.MemberID)
	}
	m, err := tx.MemberByIdentity(a.Identity.Platform, a.Identity.UserID)
	if IsNotFound(err) {
		return nil, errNotVerified
	}
	return m, err
}

// ErrDuplicate is returned when an actor's event was already processed.
var ErrDuplicate = &Error{Code: ECONFLICT, Key: "duplicate_event", Message: "event already processed"}

func (s *Service) update(ctx context.Context, a Actor, fn func(tx Tx, m *Member) error) error {
	return s.store.Update(ctx, func(tx Tx) error {
		if a.Event != "" {
			fresh, err := tx.MarkEvent(a.Event, s.clock.Now())
			if err != nil {
				return err
			}
			if !fresh {
				return ErrDuplicate
			}
		}
		m, err := a.member(tx)
		if err != nil {
			return err
		}
		return fn(tx, m)
	})
}

func (s *Service) view(ctx context.Context, a Actor, fn func(tx Tx, m *Member) error) error {
	return s.store.View(ctx, func(tx Tx) error {
		m, err := a.member(tx)
		if err != nil {
			return err
		}
		return fn(tx, m)
	})
}

// MarkEvent records a platform event as processed and reports whether it
// was new. The chat layer calls it for events that changed nothing.
func (s *Service) MarkEvent(ctx context.Context, key string) (fresh bool, err error) {
	err = s.store.Update(ctx, func(tx Tx) error {
		fresh, err = tx.MarkEvent(key, s.clock.Now())
		return err
	})
	return fresh, err
}

// Seen reports whether a platform event was already processed.
func (s *Service) Seen(ctx context.Context, key string) (bool, error) {
	var seen bool
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		seen, err = tx.EventSeen(key)
		return err
	})
	return seen, err
}

// Chat describes where an event happened, as the platform reports it.
type Chat struct {
	Platform Platform
	ChatID   string
	Title    string
	Private  bool
}

// Enter records that a person spoke in a chat: it creates or refreshes their
// identity (a new person starts unverified, or as admin when configured so)
// and, for a group chat, the group with the given defaults. It returns the
// group (nil for a private chat) and the member.
func (s *Service) Enter(ctx context.Context, chat Chat, who Identity, locale, timeZone string) (*Group, *Member, error) {
	who.Platform = chat.Platform
	// Most events come from people and chats already known as they are:
	// a read answers them without a write transaction.
	if g, m, ok := s.known(ctx, chat, who); ok {
		return g, m, nil
	}
	var g *Group
	var m *Member
	err := s.store.Update(ctx, func(tx Tx) error {
		now := s.clock.Now()
		var err error
		if !chat.Private {
			g, err = tx.GroupByChat(chat.Platform, chat.ChatID)
			switch {
			case IsNotFound(err):
				g = &Group{Platform: chat.Platform, ChatID: chat.ChatID, Title: chat.Title, Locale: locale, TimeZone: timeZone, CreatedAt: now}
				if err := tx.CreateGroup(g); err != nil {
					return err
				}
			case err != nil:
				return err
			case chat.Title != "" && g.Title != chat.Title:
				g.Title = chat.Title
				if err := tx.UpdateGroup(g); err != nil {
					return err
				}
			}
		}
		m, err = tx.MemberByIdentity(who.Platform, who.UserID)
		switch {
		case IsNotFound(err):
			m = &Member{Name: displayName(who), Status: Unverified, Role: RoleMember, Lang: who.Lang, CreatedAt: now}
			if err := tx.CreateMember(m, who); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := tx.UpdateIdentity(Identity{Platform: who.Platform, UserID: who.UserID, Username: who.Username, Name: who.Name, MemberID: m.ID}); err != nil {
				return err
			}
			if who.Lang != "" && who.Lang != m.Lang {
				m.Lang = who.Lang
				if err := tx.UpdateMember(m); err != nil {
					return err
				}
			}
		}
		if s.admins[Identity{Platform: who.Platform, UserID: who.UserID}] && !m.IsAdmin() {
			m.Status, m.Role, m.VerifiedAt = Verified, RoleAdmin, now
			if err := tx.UpdateMember(m); err != nil {
				return err
			}
			return tx.AppendAudit(&AuditEntry{At: now, Action: ActRole, SubjectID: m.ID, Detail: "admin (configured)"})
		}
		return nil
	})
	return g, m, err
}

// known returns the group and member of an event when nothing about them
// needs writing.
func (s *Service) known(ctx context.Context, chat Chat, who Identity) (g *Group, m *Member, ok bool) {
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if !chat.Private {
			if g, err = tx.GroupByChat(chat.Platform, chat.ChatID); err != nil {
				return err
			}
			if chat.Title != "" && g.Title != chat.Title {
				return nil
			}
		}
		if m, err = tx.MemberByIdentity(who.Platform, who.UserID); err != nil {
			return err
		}
		id, err := tx.IdentityOf(who.Platform, who.UserID)
		if err != nil {
			return err
		}
		ok = id.Username == who.Username && id.Name == who.Name && (who.Lang == "" || who.Lang == m.Lang) &&
			!(s.admins[Identity{Platform: who.Platform, UserID: who.UserID}] && !m.IsAdmin())
		return nil
	})
	return g, m, ok && err == nil
}

func displayName(id Identity) string {
	switch {
	case id.Name != "":
		return id.Name
	case id.Username != "":
		return id.Username
	default:
		return id.UserID
	}
}

// Member returns the member with the given id.
func (s *Service) Member(ctx context.Context, id int64) (*Member, error) {
	var m *Member
	err := s.store.View(ctx, func(tx Tx) (err error) {
		m, err = tx.Member(id)
		return err
	})
	return m, err
}

// MemberByUsername finds a member by the handle of one of their identities.
func (s *Service) MemberByUsername(ctx context.Context, p Platform, username string) (*Member, error) {
	var m *Member
	err := s.store.View(ctx, func(tx Tx) error {
		id, err := tx.IdentityByUsername(p, strings.TrimPrefix(username, "@"))
		if err != nil {
			return err
		}
		m, err = tx.Member(id.MemberID)
		return err
	})
	return m, err
}

// MemberByIdentity finds the member behind a platform account.
func (s *Service) MemberByIdentity(ctx context.Context, p Platform, userID string) (*Member, error) {
	var m *Member
	err := s.store.View(ctx, func(tx Tx) (err error) {
		m, err = tx.MemberByIdentity(p, userID)
		return err
	})
	return m, err
}

// Identities returns a member's platform accounts.
func (s *Service) Identities(ctx context.Context, memberID int64) ([]Identity, error) {
	var ids []Identity
	err := s.store.View(ctx, func(tx Tx) (err error) {
		ids, err = tx.Identities(memberID)
		return err
	})
	return ids, err
}

var (
	errNotVerified  = &Error{Code: EFORBIDDEN, Key: "not_verified", Message: "only verified members may do this"}
	errSuspended    = &Error{Code: EFORBIDDEN, Key: "suspended", Message: "your membership is suspended"}
	errNotOrganiser = &Error{Code: EFORBIDDEN, Key: "not_organiser", Message: "only organisers may do this"}
	errNotAdmin     = &Error{Code: EFORBIDDEN, Key: "not_admin", Message: "only admins may do this"}
	errSupporter    = &Error{Code: EFORBIDDEN, Key: "supporter_no_vote", Message: "supporters may send ideas but not vote"}
)

func mustBeVerified(m *Member) error {
	switch m.Status {
	case Verified:
		return nil
	case Suspended:
		return errSuspended
	default:
		return errNotVerified
	}
}

// organise runs fn in one transaction for an organiser acting on
// consultation cid, and returns the consultation as fn left it.
func (s *Service) organise(ctx context.Context, a Actor, cid int64, fn func(Tx, *Member, *Consultation) error) (*Consultation, error) {
	var c *Consultation
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		var err error
		if c, err = tx.Consultation(cid); err != nil {
			return err
		}
		return fn(tx, m, c)
	})
	return c, err
}

func mustOrganise(m *Member) error {
	if err := mustBeVerified(m); err != nil {
		return err
	}
	if !m.IsOrganiser() {
		return errNotOrganiser
	}
	return nil
}

// Verify makes target a verified member, lifting a suspension. Organisers
// only; only an admin lifts an organiser's or admin's suspension.
func (s *Service) Verify(ctx context.Context, a Actor, targetID int64) (*Member, error) {
	var t *Member
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		var err error
		if t, err = tx.Member(targetID); err != nil {
			return err
		}
		if t.Status == Verified {
			return Errorf(ECONFLICT, "already_verified", "%s is already verified", t.Name)
		}
		if t.Status == Suspended && t.Role.rank() >= RoleOrganiser.rank() && !m.IsAdmin() {
			// Only an admin suspends an organiser; only an admin lifts it.
			return errNotAdmin
		}
		now := s.clock.Now()
		t.verify(now, m.ID)
		if err := tx.UpdateMember(t); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActVerify, SubjectID: t.ID})
	})
	return t, err
}

// SetRole gives target a role, verifying them. Admins only; an admin cannot
// demote themselves, so an installation always keeps one.
func (s *Service) SetRole(ctx context.Context, a Actor, targetID int64, r Role) (*Member, error) {
	var t *Member
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustBeVerified(m); err != nil {
			return err
		}
		if !m.IsAdmin() {
			return errNotAdmin
		}
		if targetID == m.ID && r != RoleAdmin {
			return Errorf(ECONFLICT, "self_demote", "an admin cannot demote themselves")
		}
		var err error
		if t, err = tx.Member(targetID); err != nil {
			return err
		}
		now := s.clock.Now()
		t.Role = r
		if t.Status != Verified {
			t.verify(now, m.ID)
		}
		if err := tx.UpdateMember(t); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActRole, SubjectID: t.ID, Detail: string(r)})
	})
	return t, err
}

// Suspend suspends target: they can no longer contribute or vote, and their
// past contributions stay. Organisers only; only an admin suspends an
// organiser or admin.
func (s *Service) Suspend(ctx context.Context, a Actor, targetID int64) (*Member, error) {
	var t *Member
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		if targetID == m.ID {
			return Errorf(ECONFLICT, "self_suspend", "you cannot suspend yourself")
		}
		var err error
		if t, err = tx.Member(targetID); err != nil {
			return err
		}
		if t.Role.rank() >= RoleOrganiser.rank() && !m.IsAdmin() {
			return errNotAdmin
		}
		if t.Status == Suspended {
			return Errorf(ECONFLICT, "already_suspended", "%s is already suspended", t.Name)
		}
		t.Status = Suspended
		if err := tx.UpdateMember(t); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActSuspend, SubjectID: t.ID})
	})
	return t, err
}

// Consultations returns the consultations of a group, newest first.
func (s *Service) Consultations(ctx context.Context, groupID int64) ([]*Consultation, error) {
	var cs []*Consultation
	err := s.store.View(ctx, func(tx Tx) (err error) {
		cs, err = tx.ConsultationsOfGroup(groupID)
		return err
	})
	return cs, err
}

// Consultation returns one consultation.
func (s *Service) Consultation(ctx context.Context, id int64) (*Consultation, error) {
	var c *Consultation
	err := s.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Consultation(id)
		return err
	})
	return c, err
}

// CreateConsultation starts a consultation, in draft, in a group. Organisers only.
func (s *Service) CreateConsultation(ctx context.Context, a Actor, groupID int64, title string) (*Consultation, error) {
	title, err := cleanTitle(title)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(s.random, salt); err != nil {
		return nil, err
	}
	var c *Consultation
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		if _, err := tx.Group(groupID); err != nil {
			return err
		}
		now := s.clock.Now()
		c = &Consultation{Title: title, Phase: Draft, CreatedBy: m.ID, CreatedAt: now, Salt: hex.EncodeToString(salt), GroupIDs: []int64{groupID}}
		c.Step(Draft).StartedAt = now
		c.Step(Draft).OrganiserID = m.ID
		if err := tx.CreateConsultation(c); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActCreate, ConsultationID: c.ID, Detail: title})
	})
	return c, err
}

// PhaseOptions go with a phase change.
type PhaseOptions struct {
	Deadline time.Time // when the new phase is due to end; zero for none
	Quorum   float64   // for Adoption: the share of the electorate that must vote
}

// SetPhase moves a consultation forward to phase p. Organisers only. The
// organiser who moves it is in charge of the new phase. Entering Evaluating
// opens a round and fixes its electorate; leaving it closes the round;
// entering Adoption fixes the vote's electorate and quorum.
func (s *Service) SetPhase(ctx context.Context, a Actor, cid int64, p Phase, opt PhaseOptions) (*Consultation, error) {
	return s.organise(ctx, a, cid, func(tx Tx, m *Member, c *Consultation) error {
		return s.setPhase(tx, m.ID, c, p, opt, "")
	})
}

// setPhase moves c to p as the member actorID, or as the system when
// actorID is 0: the system checks no role, and the organiser in charge of
// the previous phase stays in charge of the new one. why, when not empty,
// prefixes the audit detail.
func (s *Service) setPhase(tx Tx, actorID int64, c *Consultation, p Phase, opt PhaseOptions, why string) error {
	now := s.clock.Now()
	from := c.Phase
	if p.Index() <= from.Index() {
		return Errorf(ECONFLICT, "phase_backwards", "the consultation is already in phase %s", from)
	}
	if !opt.Deadline.IsZero() && !opt.Deadline.After(now) {
		return Errorf(EINVALID, "deadline_past", "the deadline must be in the future")
	}
	if opt.Quorum < 0 || opt.Quorum > 1 {
		return Errorf(EINVALID, "quorum_range", "the quorum must be between 0 and 100 %%")
	}
	if p.Index() >= Evaluating.Index() && from.Index() < Evaluating.Index() {
		props, err := tx.Proposals(c.ID)
		if err != nil {
			return err
		}
		if len(props) == 0 {
			return Errorf(ECONFLICT, "no_proposals", "group ideas into proposals before the evaluation")
		}
	}
	if p.Index() > Evaluating.Index() && p != Closed && c.Round == 0 {
		// Results and the adoption vote stand on an evaluation; a
		// consultation may still close without one.
		return Errorf(ECONFLICT, "no_evaluation", "evaluate the proposals before phase %s", p)
	}
	if from == Evaluating {
		r, err := tx.Round(c.ID, c.Round)
		if err != nil {
			return err
		}
		r.ClosedAt = now
		if err := tx.UpdateRound(r); err != nil {
			return err
		}
	}
	cur := c.Current()
	cur.EndedAt = now
	c.Phase = p
	organiser := actorID
	if actorID == 0 {
		organiser = cur.OrganiserID
	}
	next := c.Step(p)
	next.StartedAt, next.OrganiserID = now, organiser
	if !opt.Deadline.IsZero() {
		next.Deadline = opt.Deadline
	}
	verified := func() ([]int64, error) {
		ms, err := tx.Members()
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, x := range ms {
			if c.mayVote(x) {
				ids = append(ids, x.ID)
			}
		}
		return ids, nil
	}
	switch p {
	case Evaluating:
		c.Round++
		r := &Round{ConsultationID: c.ID, Number: c.Round, OpenedAt: now}
		if err := tx.CreateRound(r); err != nil {
			return err
		}
		ids, err := verified()
		if err != nil {
			return err
		}
		if err := tx.SetElectorate(Poll{c.ID, PollRound, c.Round}, ids); err != nil {
			return err
		}
	case Adoption:
		c.Quorum = opt.Quorum
		ids, err := verified()
		if err != nil {
			return err
		}
		if err := tx.SetElectorate(Poll{c.ID, PollAdoption, 0}, ids); err != nil {
			return err
		}
	}
	if err := tx.UpdateConsultation(c); err != nil {
		return err
	}
	detail := string(from) + " → " + string(p)
	if p == Adoption {
		detail += " quorum " + strconv.FormatFloat(opt.Quorum*100, 'f', -1, 64) + "%"
	}
	if why != "" {
		detail = why + ": " + detail
	}
	return tx.AppendAudit(&AuditEntry{At: now, ActorID: actorID, Action: ActPhase, ConsultationID: c.ID, Detail: detail})
}

// SetDeadline changes the deadline of the current phase. Organisers only.
func (s *Service) SetDeadline(ctx context.Context, a Actor, cid int64, deadline time.Time) (*Consultation, error) {
	return s.organise(ctx, a, cid, func(tx Tx, m *Member, c *Consultation) error {
		if !deadline.After(s.clock.Now()) {
			return Errorf(EINVALID, "deadline_past", "the deadline must be in the future")
		}
		c.Current().Deadline = deadline
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActPhase, ConsultationID: c.ID, Detail: "deadline " + deadline.UTC().Format(time.RFC3339)})
	})
}

// WrongPhase is the error for an action that the current phase does not allow.
func wrongPhase(c *Consultation, want ...Phase) error {
	names := make([]string, len(want))
	for i, p := range want {
		names[i] = string(p)
	}
	e := Errorf(ECONFLICT, "wrong_phase", "consultation %d is in phase %s, not %s", c.ID, c.Phase, strings.Join(names, " or "))
	e.Args = []any{c.Phase, c.Current().Deadline, want}
	return e
}

func inPhase(c *Consultation, ps ...Phase) bool {
	for _, p := range ps {
		if c.Phase == p {
			return true
		}
	}
	return false
}

// cleanText trims text and drops control characters other than line breaks
// and tabs, so that nothing invisible reaches a chat or a document.
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' || r == utf8.RuneError }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func cleanTitle(title string) (string, error) {
	title = strings.Join(strings.Fields(cleanText(title)), " ")
	n := utf8.RuneCountInString(title)
	if n < MinIdeaLen || n > MaxTitleLen {
		return "", Errorf(EINVALID, "title_length", "a title has %d to %d characters", MinIdeaLen, MaxTitleLen)
	}
	return title, nil
}

// SubmitIdea records a verified member's idea in a collecting consultation.
func (s *Service) SubmitIdea(ctx context.Context, a Actor, cid, groupID int64, text string) (*Idea, error) {
	text, err := ideaText(text)
	if err != nil {
		return nil, err
	}
	var idea *Idea
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		c, err := collecting(tx, m, cid)
		if err != nil {
			return err
		}
		idea = &Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: groupID, Text: text, CreatedAt: s.clock.Now()}
		return tx.CreateIdea(idea)
	})
	return s.indexed(idea, err)
}

// indexed tells the similarity index, if any, about an idea once its
// transaction has committed (err is nil).
func (s *Service) indexed(idea *Idea, err error) (*Idea, error) {
	if err == nil && s.similarity != nil {
		s.similarity.Added(idea)
	}
	return idea, err
}

// WithdrawIdea lets an author take back their idea while ideas are collected.
func (s *Service) WithdrawIdea(ctx context.Context, a Actor, cid int64, number int) (*Idea, error) {
	var idea *Idea
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if _, err := collecting(tx, m, cid); err != nil {
			return err
		}
		var err error
		if idea, err = tx.Idea(cid, number); err != nil {
			return err
		}
		if idea.AuthorID != m.ID {
			return Errorf(EFORBIDDEN, "not_author", "only the author of idea %d may withdraw it", number)
		}
		if idea.Withdrawn {
			return Errorf(ECONFLICT, "already_withdrawn", "idea %d is already withdrawn", number)
		}
		if idea.ProposalID != 0 {
			return Errorf(ECONFLICT, "idea_grouped", "idea %d is part of a proposal; ask an organiser", number)
		}
		idea.Withdrawn = true
		if err := tx.UpdateIdea(idea); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActWithdraw, ConsultationID: cid, Detail: "#" + strconv.Itoa(number)})
	})
	return idea, err
}

// Ideas returns a consultation's ideas that were not withdrawn, by number.
func (s *Service) Ideas(ctx context.Context, cid int64) ([]*Idea, error) {
	var out []*Idea
	err := s.store.View(ctx, func(tx Tx) error {
		ideas, err := tx.Ideas(cid)
		for _, i := range ideas {
			if !i.Withdrawn {
				out = append(out, i)
			}
		}
		return err
	})
	return out, err
}

// GroupIdeas makes a proposal from ideas that belong to no other proposal.
// Organisers only, while collecting or grouping.
func (s *Service) GroupIdeas(ctx context.Context, a Actor, cid int64, numbers []int, title string) (*Proposal, error) {
	title, err := cleanTitle(title)
	if err != nil {
		return nil, err
	}
	if len(numbers) == 0 {
		return nil, Errorf(EINVALID, "no_ideas", "name at least one idea")
	}
	var p *Proposal
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		if _, err := organising(tx, m, cid); err != nil {
			return err
		}
		p, err = s.groupIdeas(tx, m, cid, numbers, title)
		return err
	})
	return p, err
}

// groupIdeas makes and audits a proposal from ideas that stand and belong
// to no proposal; the caller has checked the actor and the phase.
func (s *Service) groupIdeas(tx Tx, m *Member, cid int64, numbers []int, title string) (*Proposal, error) {
	ideas, err := s.groupable(tx, cid, numbers, 0)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	p := &Proposal{ConsultationID: cid, Title: title, CreatedBy: m.ID, CreatedAt: now}
	if err := tx.CreateProposal(p); err != nil {
		return nil, err
	}
	for _, i := range ideas {
		i.ProposalID = p.ID
		if err := tx.UpdateIdea(i); err != nil {
			return nil, err
		}
	}
	p.Ideas = ideas
	return p, tx.AppendAudit(&AuditEntry{At: now, ActorID: m.ID, Action: ActGroup, ConsultationID: cid, Detail: "P" + strconv.Itoa(p.Number) + " ← " + joinNumbers(numbers, " ")})
}

// groupable loads ideas by number and checks that each exists, stands, and
// belongs to no proposal other than keep.
func (s *Service) groupable(tx Tx, cid int64, numbers []int, keep int64) ([]*Idea, error) {
	seen := make(map[int]bool)
	var ideas []*Idea
	for _, n := range numbers {
		if seen[n] {
			continue
		}
		seen[n] = true
		i, err := tx.Idea(cid, n)
		if IsNotFound(err) {
			return nil, Errorf(ENOTFOUND, "idea_not_found", "there is no idea %d", n)
		}
		if err != nil {
			return nil, err
		}
		if i.Withdrawn {
			return nil, Errorf(ECONFLICT, "idea_withdrawn", "idea %d was withdrawn", n)
		}
		if i.ProposalID != 0 && i.ProposalID != keep {
			return nil, Errorf(ECONFLICT, "idea_in_proposal", "idea %d already belongs to a proposal", n)
		}
		ideas = append(ideas, i)
	}
	sort.Slice(ideas, func(a, b int) bool { return ideas[a].Number < ideas[b].Number })
	return ideas, nil
}

func joinNumbers(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = "#" + strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// Ungroup deletes a proposal; its ideas become ungrouped. Organisers only,
// while collecting or grouping.
func (s *Service) Ungroup(ctx context.Context, a Actor, cid int64, number int) (*Proposal, error) {
	return s.editProposal(ctx, a, cid, number, func(tx Tx, m *Member, p *Proposal) error {
		if err := tx.DeleteProposal(p.ID); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActUngroup, ConsultationID: cid, Detail: "P" + strconv.Itoa(number)})
	})
}

func proposal(tx Tx, cid int64, number int) (*Proposal, error) {
	p, err := tx.Proposal(cid, number)
	if IsNotFound(err) {
		return nil, errNoProposal(number)
	}
	return p, err
}

func errNoProposal(number int) error {
	return Errorf(ENOTFOUND, "proposal_not_found", "there is no proposal %d", number)
}

// RenameProposal changes a proposal's title. Organisers only, before the
// evaluation: members rate what they read.
func (s *Service) RenameProposal(ctx context.Context, a Actor, cid int64, number int, title string) (*Proposal, error) {
	title, err := cleanTitle(title)
	if err != nil {
		return nil, err
	}
	return s.editProposal(ctx, a, cid, number, func(tx Tx, m *Member, p *Proposal) error {
		old := p.Title
		p.Title = title
		if err := tx.UpdateProposal(p); err != nil {
			return err
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActRename, ConsultationID: cid, Detail: "P" + strconv.Itoa(number) + ": " + old + " → " + title})
	})
}

// editProposal runs fn on a proposal that an organiser may still change:
// the consultation is collecting or grouping ideas.
func (s *Service) editProposal(ctx context.Context, a Actor, cid int64, number int, fn func(Tx, *Member, *Proposal) error) (*Proposal, error) {
	var p *Proposal
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if _, err := organising(tx, m, cid); err != nil {
			return err
		}
		var err error
		if p, err = proposal(tx, cid, number); err != nil {
			return err
		}
		return fn(tx, m, p)
	})
	return p, err
}

// Proposals returns a consultation's proposals with their ideas.
func (s *Service) Proposals(ctx context.Context, cid int64) ([]*Proposal, error) {
	var ps []*Proposal
	err := s.store.View(ctx, func(tx Tx) (err error) {
		ps, err = tx.Proposals(cid)
		return err
	})
	return ps, err
}

// Pseudonym is the name under which a member's ratings and vote are stored
// in a consultation: an HMAC of the member id keyed by the consultation's
// secret salt. It lets a member change their own ballot while no table
// pairs a member with a rating, and exports show only pseudonyms.
func Pseudonym(salt string, memberID int64) string {
	h := hmac.New(sha256.New, []byte(salt))
	h.Write([]byte(strconv.FormatInt(memberID, 10)))
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// inElectorate reports an error unless m may vote in poll p.
func inElectorate(tx Tx, c *Consultation, p Poll, m *Member) error {
	if err := mustBeVerified(m); err != nil {
		return err
	}
	in, err := tx.InElectorate(p, m.ID)
	if err != nil || in {
		return err
	}
	if !c.mayVote(m) {
		return errSupporter
	}
	return Errorf(EFORBIDDEN, "not_in_electorate", "you were verified after this poll opened, so you cannot take part in it")
}

// mayVote reports whether m belongs in the electorates of c's polls: a
// verified member, or a verified supporter when c lets supporters vote.
func (c *Consultation) mayVote(m *Member) bool {
	return m.IsVerified() && (m.Role != RoleSupporter || c.SupportersVote)
}

// Rate records one axis of a member's rating of a proposal in the open
// round. value is 1 to 5 or DontKnow. round must be the open round, so that
// a button from an earlier round cannot rate in this one. It returns the
// member's ballot as this rating left it, read in the same transaction, and
// whether this call made the rating complete (both axes answered).
func (s *Service) Rate(ctx context.Context, a Actor, cid int64, round, number int, axis Axis, value int) (b *Ballot, completed bool, err error) {
	if value != DontKnow && (value < MinScore || value > MaxScore) {
		return nil, false, Errorf(EINVALID, "score_range", "a rating is from %d to %d", MinScore, MaxScore)
	}
	if axis != Impact && axis != Effort {
		return nil, false, Errorf(EINVALID, "bad_axis", "unknown axis %q", axis)
	}
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		c, rd, err := s.openBallot(tx, m, cid, round)
		if err != nil {
			return err
		}
		props, err := tx.Proposals(c.ID)
		if err != nil {
			return err
		}
		var prop *Proposal
		for _, p := range props {
			if p.Number == number {
				prop = p
			}
		}
		if prop == nil {
			return errNoProposal(number)
		}
		voter := Pseudonym(c.Salt, m.ID)
		mine, err := tx.Ratings(rd.ID, voter)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(mine, func(x Rating) bool { return x.ProposalID == prop.ID })
		if i < 0 {
			i, mine = len(mine), append(mine, Rating{RoundID: rd.ID, ProposalID: prop.ID, Voter: voter})
		}
		r := &mine[i]
		was := r.Complete()
		if axis == Impact {
			r.Impact = value
		} else {
			r.Effort = value
		}
		completed = !was && r.Complete()
		if err := tx.PutRating(*r); err != nil {
			return err
		}
		b = newBallot(c, props, mine)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return b, completed, nil
}

func (s *Service) openBallot(tx Tx, m *Member, cid int64, round int) (*Consultation, *Round, error) {
	c, err := tx.Consultation(cid)
	if err != nil {
		return nil, nil, err
	}
	if c.Phase != Evaluating || (round != 0 && round != c.Round) {
		return nil, nil, Errorf(ECONFLICT, "poll_closed", "this evaluation is closed")
	}
	if err := inElectorate(tx, c, Poll{c.ID, PollRound, c.Round}, m); err != nil {
		return nil, nil, err
	}
	rd, err := tx.Round(c.ID, c.Round)
	return c, rd, err
}

// Ballot is a member's own view of their ballot in the open round.
type Ballot struct {
	Consultation *Consultation
	Round        int
	Proposals    []*Proposal
	Mine         map[int64]Rating // by proposal ID; only the member's own
	Done         int              // proposals rated on both axes
}

// Ballot returns the acting member's own ballot. Nobody else's ratings are
// ever returned by any method.
func (s *Service) Ballot(ctx context.Context, a Actor, cid int64) (*Ballot, error) {
	var b *Ballot
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		c, rd, err := s.openBallot(tx, m, cid, 0)
		if err != nil {
			return err
		}
		props, err := tx.Proposals(c.ID)
		if err != nil {
			return err
		}
		mine, err := tx.Ratings(rd.ID, Pseudonym(c.Salt, m.ID))
		if err != nil {
			return err
		}
		b = newBallot(c, props, mine)
		return nil
	})
	return b, err
}

func newBallot(c *Consultation, props []*Proposal, mine []Rating) *Ballot {
	b := &Ballot{Consultation: c, Round: c.Round, Proposals: props, Mine: make(map[int64]Rating, len(mine)+1)}
	for _, r := range mine {
		b.Mine[r.ProposalID] = r
		if r.Complete() {
			b.Done++
		}
	}
	return b
}

// Participation is who has taken part in a poll, never what they chose.
type Participation struct {
	Poll       Poll
	Electorate int
	Started    int       // rated at least one proposal on both axes, or voted
	Finished   int       // rated every proposal, or voted
	Missing    []*Member // electorate members who have not finished; organisers only
}

// Participation reports turnout for the consultation's open or last round,
// or its adoption vote when in Adoption or Closed. Missing is filled only
// for organisers (for reminders), and only while the poll is open: once it
// closes, who finished is nobody's business, and with few raters it would
// tell whose ratings the results are.
func (s *Service) Participation(ctx context.Context, a Actor, cid int64) (*Participation, error) {
	var out *Participation
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		c, err := tx.Consultation(cid)
		if err != nil {
			return err
		}
		open := c.Phase == Evaluating || c.Phase == Adoption
		out, err = participation(tx, c, m.IsOrganiser() && open)
		return err
	})
	return out, err
}

func participation(tx Tx, c *Consultation, withMissing bool) (*Participation, error) {
	if c.Round == 0 {
		return nil, wrongPhase(c, Evaluating)
	}
	p := Poll{c.ID, PollRound, c.Round}
	if c.Phase.Index() >= Adoption.Index() {
		p = Poll{c.ID, PollAdoption, 0}
	}
	ids, err := tx.Electorate(p)
	if err != nil {
		return nil, err
	}
	out := &Participation{Poll: p, Electorate: len(ids)}
	done := make(map[string]int)
	total := 1
	if p.Kind == PollRound {
		rd, err := tx.Round(c.ID, c.Round)
		if err != nil {
			return nil, err
		}
		if done, err = tx.Raters(rd.ID); err != nil {
			return nil, err
		}
		props, err := tx.Proposals(c.ID)
		if err != nil {
			return nil, err
		}
		total = len(props)
	}
	for _, id := range ids {
		voter := Pseudonym(c.Salt, id)
		n := done[voter]
		if p.Kind == PollAdoption {
			if _, err := tx.Vote(c.ID, voter); err == nil {
				n = 1
			} else if !IsNotFound(err) {
				return nil, err
			}
		}
		if n > 0 {
			out.Started++
		}
		if n >= total {
			out.Finished++
			continue
		}
		if withMissing {
			mm, err := tx.Member(id)
			if err != nil {
				return nil, err
			}
			out.Missing = append(out.Missing, mm)
		}
	}
	return out, nil
}

// RoundResults is the ranked outcome of one closed round.
type RoundResults struct {
	Consultation *Consultation
	Round        *Round
	Electorate   int
	Voters       int // members who rated at least one proposal on both axes
	Outcomes     []*Outcome
}

// Results returns the ranked results of a consultation's latest closed
// round. While a round is open, scores stay hidden from everyone.
func (s *Service) Results(ctx context.Context, cid int64) (*RoundResults, error) {
	var res *RoundResults
	err := s.store.View(ctx, func(tx Tx) (err error) {
		res, err = results(tx, cid)
		return err
	})
	return res, err
}

func results(tx Tx, cid int64) (*RoundResults, error) {
	c, err := tx.Consultation(cid)
	if err != nil {
		return nil, err
	}
	if c.Phase == Evaluating {
		return nil, Errorf(ECONFLICT, "results_hidden", "scores stay hidden until the evaluation closes")
	}
	if c.Round == 0 {
		return nil, Errorf(ECONFLICT, "no_results", "no evaluation has taken place yet")
	}
	rd, err := tx.Round(c.ID, c.Round)
	if err != nil {
		return nil, err
	}
	props, err := tx.Proposals(c.ID)
	if err != nil {
		return nil, err
	}
	counts, err := tx.RatingCounts(rd.ID)
	if err != nil {
		return nil, err
	}
	ids, err := tx.Electorate(Poll{c.ID, PollRound, c.Round})
	if err != nil {
		return nil, err
	}
	return &RoundResults{Consultation: c, Round: rd, Electorate: len(ids), Voters: rd.Voters, Outcomes: ScoreCounts(props, counts)}, nil
}

// Vote records a member's answer to the adoption vote; it may be changed
// until the vote closes.
func (s *Service) Vote(ctx context.Context, a Actor, cid int64, choice Choice) error {
	if choice != Yes && choice != No && choice != Abstain {
		return Errorf(EINVALID, "bad_choice", "a vote is %q, %q or %q", Yes, No, Abstain)
	}
	return s.update(ctx, a, func(tx Tx, m *Member) error {
		c, err := tx.Consultation(cid)
		if err != nil {
			return err
		}
		if c.Phase != Adoption {
			return Errorf(ECONFLICT, "vote_closed", "the adoption vote is not open")
		}
		if err := inElectorate(tx, c, Poll{c.ID, PollAdoption, 0}, m); err != nil {
			return err
		}
		return tx.PutVote(c.ID, Pseudonym(c.Salt, m.ID), choice, s.clock.Now())
	})
}

// Tally is the outcome of the adoption vote.
type Tally struct {
	Yes, No, Abstain int // zero while the vote is open
	Voted            int
	Electorate       int
	Quorum           float64 // share of the electorate required to vote
	Open             bool    // counts are withheld while the vote is open
}

// Voters is how many members voted.
func (t Tally) Voters() int { return t.Voted }

// Turnout is the share of the electorate that voted.
func (t Tally) Turnout() float64 {
	if t.Electorate == 0 {
		return 0
	}
	return float64(t.Voters()) / float64(t.Electorate)
}

// QuorumMet reports whether enough members voted.
func (t Tally) QuorumMet() bool { return t.Turnout()+1e-9 >= t.Quorum }

// Adopted reports whether the synthesis is adopted: quorum met and more
// yes than no (abstentions count for turnout only).
func (t Tally) Adopted() bool { return t.QuorumMet() && t.Yes > t.No }

// Tally returns the adoption vote's counts. While the vote is open only the
// turnout is filled in.
func (s *Service) Tally(ctx context.Context, cid int64) (*Tally, error) {
	var t *Tally
	err := s.store.View(ctx, func(tx Tx) error {
		c, err := tx.Consultation(cid)
		if err != nil {
			return err
		}
		t, err = tally(tx, c)
		return err
	})
	return t, err
}

func tally(tx Tx, c *Consultation) (*Tally, error) {
	if c.Phase.Index() < Adoption.Index() {
		return nil, Errorf(ECONFLICT, "vote_not_open", "the adoption vote has not opened")
	}
	ids, err := tx.Electorate(Poll{c.ID, PollAdoption, 0})
	if err != nil {
		return nil, err
	}
	counts, err := tx.VoteCounts(c.ID)
	if err != nil {
		return nil, err
	}
	t := &Tally{Voted: counts[Yes] + counts[No] + counts[Abstain], Electorate: len(ids), Quorum: c.Quorum, Open: c.Phase == Adoption}
	if !t.Open {
		t.Yes, t.No, t.Abstain = counts[Yes], counts[No], counts[Abstain]
	}
	return t, nil
}

// AuditLog returns the newest audit entries of a consultation (0: all).
// Organisers only.
func (s *Service) AuditLog(ctx context.Context, a Actor, cid int64, limit int) ([]*AuditEntry, error) {
	var out []*AuditEntry
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		var err error
		out, err = tx.Audit(cid, limit)
		return err
	})
	return out, err
}

// OpenPolls returns the consultations being evaluated in which the actor
// may rate, newest first; when there is none and one refused them (a
// supporter, say), it returns that refusal.
func (s *Service) OpenPolls(ctx context.Context, a Actor) ([]*Consultation, error) {
	return s.openTo(ctx, a, Evaluating)
}

// OpenVotes returns the consultations whose adoption vote is open to the
// actor, newest first, refusing as OpenPolls does.
func (s *Service) OpenVotes(ctx context.Context, a Actor) ([]*Consultation, error) {
	return s.openTo(ctx, a, Adoption)
}

// openTo returns the consultations in phase (Evaluating or Adoption) whose
// poll the acting member is in the electorate of.
func (s *Service) openTo(ctx context.Context, a Actor, phase Phase) ([]*Consultation, error) {
	var out []*Consultation
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		cs, err := tx.ConsultationsInPhase(phase)
		if err != nil {
			return err
		}
		var refused error
		for _, c := range cs {
			poll := Poll{c.ID, PollRound, c.Round}
			if phase == Adoption {
				poll = Poll{c.ID, PollAdoption, 0}
			}
			switch err := inElectorate(tx, c, poll, m); {
			case err == nil:
				out = append(out, c)
			case refused == nil:
				refused = err
			}
		}
		if len(out) == 0 && refused != nil {
			return refused
		}
		return nil
	})
	return out, err
}

// MemberCounts is the roster at a glance.
type MemberCounts struct {
	Verified, Unverified, Suspended int
	Admins, Organisers, Supporters  int
}

// MemberCounts counts members by status and role. Organisers only.
func (s *Service) MemberCounts(ctx context.Context, a Actor) (*MemberCounts, error) {
	var n MemberCounts
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		if err := mustOrganise(m); err != nil {
			return err
		}
		ms, err := tx.Members()
		for _, x := range ms {
			switch x.Status {
			case Verified:
				n.Verified++
				switch x.Role {
				case RoleAdmin:
					n.Admins++
				case RoleOrganiser:
					n.Organisers++
				case RoleSupporter:
					n.Supporters++
				}
			case Unverified:
				n.Unverified++
			case Suspended:
				n.Suspended++
			}
		}
		return err
	})
	return &n, err
}

// State returns a piece of adapter state ("" when never set).
func (s *Service) State(ctx context.Context, key string) (string, error) {
	var v string
	err := s.store.View(ctx, func(tx Tx) (err error) {
		v, err = tx.State(key)
		return err
	})
	if IsNotFound(err) {
		return "", nil
	}
	return v, err
}

// PutState stores a piece of adapter state, durably.
func (s *Service) PutState(ctx context.Context, key, value string) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.PutState(key, value) })
}

// MoveChat follows a chat whose platform id changed (a Telegram group
// upgraded to a supergroup): its group, consultations and history stay.
func (s *Service) MoveChat(ctx context.Context, p Platform, oldChatID, newChatID string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		switch _, err := tx.GroupByChat(p, oldChatID); {
		case IsNotFound(err):
			return nil // the bot never worked in the old chat, or it moved already
		case err != nil:
			return err
		}
		switch nw, err := tx.GroupByChat(p, newChatID); {
		case err == nil:
			// The new chat reached the bot before the move was told (a
			// command there, handled first): the group made for it then
			// gives way, unless it already holds something.
			if err := tx.DeleteGroup(nw.ID); err != nil {
				if ErrorCode(err) == ECONFLICT {
					return Errorf(ECONFLICT, "exists", "chat %s already has a group with consultations", newChatID)
				}
				return err
			}
		case !IsNotFound(err):
			return err
		}
		return tx.MoveGroup(p, oldChatID, newChatID)
	})
}

// AllowSupporters sets whether supporters vote in a consultation's polls.
// Organisers only, before the evaluation opens: an electorate is fixed when
// its poll opens.
func (s *Service) AllowSupporters(ctx context.Context, a Actor, cid int64, allow bool) (*Consultation, error) {
	return s.organise(ctx, a, cid, func(tx Tx, m *Member, c *Consultation) error {
		if !inPhase(c, Draft, Collecting, Grouping) {
			return wrongPhase(c, Draft, Collecting, Grouping)
		}
		c.SupportersVote = allow
		if err := tx.UpdateConsultation(c); err != nil {
			return err
		}
		detail := "supporters do not vote"
		if allow {
			detail = "supporters vote"
		}
		return tx.AppendAudit(&AuditEntry{At: s.clock.Now(), ActorID: m.ID, Action: ActSupporters, ConsultationID: c.ID, Detail: detail})
	})
}
