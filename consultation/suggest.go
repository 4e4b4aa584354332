package consultation

import (
	"context"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Similarity compares ideas' texts: it finds the ideas close to a new one
// and suggests groups of similar ideas. The service reaches the text
// analysis through it, so that the domain needs no text library; cmd wires
// an implementation. Implementations are safe for concurrent use.
type Similarity interface {
	// Near returns at most k ideas of consultation cid whose text is close
	// to text, best first; an idea with the same text up to case, accents
	// and punctuation scores 1. load returns the consultation's ideas: an
	// implementation that keeps an index per consultation calls it only to
	// fill that index, and learns of later ideas through Added. Near
	// returns load's error, if any.
	Near(cid int64, text string, k int, load func() ([]*Idea, error)) ([]Match, error)
	// Added tells the implementation that an idea was recorded.
	Added(i *Idea)
	// Group clusters ideas, every idea in exactly one cluster, biggest
	// clusters first. The result depends only on the ideas given.
	Group(ideas []*Idea) []Cluster
}

// Match is an idea close to a text: its number and a similarity score in
// [0,1].
type Match struct {
	Number int
	Score  float64
}

// Cluster is a group of similar ideas: their numbers in ascending order,
// and the number of the idea whose text is proposed as the group's title.
type Cluster struct {
	Numbers []int
	Title   int
}

// Limits of near-duplicate checks and grouping suggestions.
const (
	// MaxClose is how many close ideas a held submission shows.
	MaxClose = 3
	// MaxSuggestions is how many clusters one /suggest shows, biggest first.
	MaxSuggestions = 10
	// MaxSuggestedTitle is the length, in runes, of a suggested title.
	MaxSuggestedTitle = 120
	// PendingTTL is how long a held submission waits for its author.
	PendingTTL = 24 * time.Hour
	// SuggestionTTL is how long a suggestion's buttons work.
	SuggestionTTL = 7 * 24 * time.Hour
)

// PendingIdea is a submission held back because it is close to ideas
// already sent: its author either sends it anyway or supports one of the
// close ideas instead. Its text stays on the server; buttons carry only
// the token.
type PendingIdea struct {
	Token          string
	ConsultationID int64
	MemberID       int64
	GroupID        int64
	Text           string
	Close          []int // numbers of the close ideas shown to the author
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// Suggestion statuses.
const (
	SuggestionOpen      = "open"
	SuggestionAccepted  = "accepted"
	SuggestionDismissed = "dismissed"
	SuggestionReplaced  = "replaced" // a later /suggest by the same organiser
)

// Suggestion is a suggested group of similar ideas, as shown to one
// organiser. Its state lives on the server; buttons carry only the token.
type Suggestion struct {
	Token          string
	ConsultationID int64
	MemberID       int64 // the organiser it was made for
	Numbers        []int // the ideas, ascending
	Dropped        []int // ideas the organiser removed from it, ascending
	Title          int   // the idea whose text is the proposed title
	Status         string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	// Ideas are the suggestion's ideas, by number; filled by the service,
	// not stored.
	Ideas []*Idea
}

// SuggestedTitle returns the proposed title of a suggestion: the text of
// its title idea, on one line and clipped.
func (sg *Suggestion) SuggestedTitle() string {
	for _, i := range sg.Ideas {
		if i.Number == sg.Title {
			return clipTitle(i.Text)
		}
	}
	return ""
}

func clipTitle(s string) string {
	s = strings.Join(strings.Fields(cleanText(s)), " ")
	if utf8.RuneCountInString(s) <= MaxSuggestedTitle {
		return s
	}
	return string([]rune(s)[:MaxSuggestedTitle-1]) + "…"
}

// Supports returns how many supports a proposal's ideas received.
func (p *Proposal) Supports() int {
	n := 0
	for _, i := range p.Ideas {
		n += i.Supports
	}
	return n
}

// Submission is the outcome of ProposeIdea: the idea recorded, or, when
// it is close to ideas already sent, the held submission and those ideas.
type Submission struct {
	Idea    *Idea
	Pending *PendingIdea
	Close   []*Idea
}

var (
	errPendingGone    = &Error{Code: ECONFLICT, Key: "pending_gone", Message: "this choice has expired or was already made"}
	errNotYourIdea    = &Error{Code: EFORBIDDEN, Key: "pending_not_yours", Message: "only the author of this idea may choose"}
	errSuggestionGone = &Error{Code: ECONFLICT, Key: "suggestion_gone", Message: "this suggestion has expired or was already handled"}
	errNotYours       = &Error{Code: EFORBIDDEN, Key: "suggestion_not_yours", Message: "this suggestion was made for another organiser"}
	errNoSimilarity   = &Error{Code: ECONFLICT, Key: "suggest_unavailable", Message: "grouping suggestions are not available"}
)

func (s *Service) token() (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func ideaText(text string) (string, error) {
	text = cleanText(text)
	n := utf8.RuneCountInString(text)
	if n < MinIdeaLen {
		return "", Errorf(EINVALID, "idea_too_short", "an idea has at least %d characters", MinIdeaLen)
	}
	if n > MaxIdeaLen {
		return "", Errorf(EINVALID, "idea_too_long", "an idea has at most %d characters (this one has %d)", MaxIdeaLen, n)
	}
	return text, nil
}

// collecting checks that m may send an idea to consultation cid.
func collecting(tx Tx, m *Member, cid int64) (*Consultation, error) {
	if err := mustBeVerified(m); err != nil {
		return nil, err
	}
	c, err := tx.Consultation(cid)
	if err != nil {
		return nil, err
	}
	if c.Phase != Collecting {
		return nil, wrongPhase(c, Collecting)
	}
	return c, nil
}

// ProposeIdea records a verified member's idea like SubmitIdea, unless it is
// close to ideas of the same consultation that still stand: then nothing is
// recorded yet, and the submission is held until its author sends it anyway
// (ConfirmIdea) or supports one of the close ideas instead (SupportInstead).
// Without a Similarity it is SubmitIdea.
func (s *Service) ProposeIdea(ctx context.Context, a Actor, cid, groupID int64, text string) (*Submission, error) {
	text, err := ideaText(text)
	if err != nil {
		return nil, err
	}
	if s.similarity == nil {
		idea, err := s.SubmitIdea(ctx, a, cid, groupID, text)
		return &Submission{Idea: idea}, err
	}
	var close []*Idea
	// The search runs in a read transaction: filling an index the first
	// time must not hold up writers.
	err = s.view(ctx, a, func(tx Tx, m *Member) error {
		if _, err := collecting(tx, m, cid); err != nil {
			return err
		}
		// Ask for a few more than shown: withdrawn ideas are skipped.
		ms, err := s.similarity.Near(cid, text, MaxClose+5, func() ([]*Idea, error) { return tx.Ideas(cid) })
		if err != nil {
			return err
		}
		for _, mt := range ms {
			i, err := tx.Idea(cid, mt.Number)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if !i.Withdrawn && len(close) < MaxClose {
				close = append(close, i)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(close) == 0 {
		idea, err := s.SubmitIdea(ctx, a, cid, groupID, text)
		return &Submission{Idea: idea}, err
	}
	tok, err := s.token()
	if err != nil {
		return nil, err
	}
	var p *PendingIdea
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		if _, err := collecting(tx, m, cid); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := tx.DeleteExpiredPendingIdeas(now); err != nil {
			return err
		}
		p = &PendingIdea{Token: tok, ConsultationID: cid, MemberID: m.ID, GroupID: groupID, Text: text, CreatedAt: now, ExpiresAt: now.Add(PendingTTL)}
		for _, i := range close {
			p.Close = append(p.Close, i.Number)
		}
		return tx.CreatePendingIdea(p)
	})
	if err != nil {
		return nil, err
	}
	return &Submission{Pending: p, Close: close}, nil
}

// pending loads a held submission for its author and checks that it may
// still be decided: not used, not expired, the consultation collecting.
func (s *Service) pending(tx Tx, m *Member, token string) (*PendingIdea, error) {
	p, err := tx.PendingIdea(token)
	if IsNotFound(err) {
		return nil, errPendingGone
	}
	if err != nil {
		return nil, err
	}
	if p.MemberID != m.ID {
		return nil, errNotYourIdea
	}
	if !s.clock.Now().Before(p.ExpiresAt) {
		return nil, errPendingGone
	}
	if _, err := collecting(tx, m, p.ConsultationID); err != nil {
		return nil, err
	}
	return p, nil
}

// ConfirmIdea records a held submission as it was sent: "send anyway".
// Only its author may, while the consultation collects ideas.
func (s *Service) ConfirmIdea(ctx context.Context, a Actor, token string) (*Idea, error) {
	var idea *Idea
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		p, err := s.pending(tx, m, token)
		if err != nil {
			return err
		}
		idea = &Idea{ConsultationID: p.ConsultationID, AuthorID: m.ID, GroupID: p.GroupID, Text: p.Text, CreatedAt: s.clock.Now()}
		if err := tx.CreateIdea(idea); err != nil {
			return err
		}
		return tx.DeletePendingIdea(token)
	})
	return s.indexed(idea, err)
}

// SupportInstead drops a held submission and records its author's support
// for one of the close ideas it was shown.
func (s *Service) SupportInstead(ctx context.Context, a Actor, token string, number int) (*Idea, error) {
	var idea *Idea
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		p, err := s.pending(tx, m, token)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Close, number) {
			return Errorf(EINVALID, "bad_button", "idea %d was not offered", number)
		}
		c, err := tx.Consultation(p.ConsultationID)
		if err != nil {
			return err
		}
		if idea, err = s.support(tx, m, c, number); err != nil {
			return err
		}
		return tx.DeletePendingIdea(token)
	})
	return idea, err
}

// Support records that a verified member backs another member's idea. A
// member supports an idea once, never their own, while ideas are collected
// or grouped. Who supports what is never shown; only counts are.
func (s *Service) Support(ctx context.Context, a Actor, cid int64, number int) (*Idea, error) {
	var idea *Idea
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		if err := mustBeVerified(m); err != nil {
			return err
		}
		c, err := tx.Consultation(cid)
		if err != nil {
			return err
		}
		idea, err = s.support(tx, m, c, number)
		return err
	})
	return idea, err
}

func (s *Service) support(tx Tx, m *Member, c *Consultation, number int) (*Idea, error) {
	if !inPhase(c, Collecting, Grouping) {
		return nil, wrongPhase(c, Collecting, Grouping)
	}
	i, err := tx.Idea(c.ID, number)
	if IsNotFound(err) {
		return nil, Errorf(ENOTFOUND, "idea_not_found", "there is no idea %d", number)
	}
	if err != nil {
		return nil, err
	}
	if i.Withdrawn {
		return nil, Errorf(ECONFLICT, "idea_withdrawn", "idea %d was withdrawn", number)
	}
	if i.AuthorID == m.ID {
		return nil, Errorf(ECONFLICT, "own_idea", "you cannot support your own idea %d", number)
	}
	err = tx.PutSupport(i.ID, m.ID, s.clock.Now())
	if ErrorCode(err) == ECONFLICT {
		return nil, Errorf(ECONFLICT, "already_supported", "you already support idea %d", number)
	}
	if err != nil {
		return nil, err
	}
	i.Supports++
	return i, nil
}

// Suggest returns suggested groups of the consultation's ideas that stand
// and belong to no proposal, for the acting organiser: clusters of at least
// two ideas, the biggest MaxSuggestions first, each with a proposed title.
// Ideas the organiser dropped from an earlier suggestion stay out of the
// clusters they were in, and clusters they dismissed are not suggested
// again. The organiser's earlier open suggestions are replaced.
func (s *Service) Suggest(ctx context.Context, a Actor, cid int64) ([]*Suggestion, error) {
	if s.similarity == nil {
		return nil, errNoSimilarity
	}
	var clusters []Cluster
	var byNumber map[int]*Idea
	err := s.view(ctx, a, func(tx Tx, m *Member) error {
		if _, err := organising(tx, m, cid); err != nil {
			return err
		}
		all, err := tx.Ideas(cid)
		if err != nil {
			return err
		}
		var free []*Idea
		byNumber = make(map[int]*Idea)
		for _, i := range all {
			if !i.Withdrawn && i.ProposalID == 0 {
				free = append(free, i)
				byNumber[i.Number] = i
			}
		}
		clusters = s.similarity.Group(free)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []*Suggestion
	err = s.update(ctx, a, func(tx Tx, m *Member) error {
		out = nil
		if _, err := organising(tx, m, cid); err != nil {
			return err
		}
		earlier, err := tx.Suggestions(cid, m.ID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		for _, sg := range earlier {
			if sg.Status == SuggestionOpen {
				sg.Status = SuggestionReplaced
				if err := tx.UpdateSuggestion(sg); err != nil {
					return err
				}
			}
		}
		var views []Cluster
		for _, cl := range clusters {
			if v, ok := organiserView(cl, earlier); ok && len(v.Numbers) >= 2 {
				views = append(views, v)
			}
		}
		// Drops may have shrunk clusters: biggest first again, stable.
		slices.SortStableFunc(views, func(x, y Cluster) int { return len(y.Numbers) - len(x.Numbers) })
		for _, v := range views[:min(len(views), MaxSuggestions)] {
			tok, err := s.token()
			if err != nil {
				return err
			}
			sg := &Suggestion{Token: tok, ConsultationID: cid, MemberID: m.ID, Numbers: v.Numbers, Title: v.Title,
				Status: SuggestionOpen, CreatedAt: now, ExpiresAt: now.Add(SuggestionTTL)}
			if err := tx.CreateSuggestion(sg); err != nil {
				return err
			}
			for _, n := range sg.Numbers {
				sg.Ideas = append(sg.Ideas, byNumber[n])
			}
			out = append(out, sg)
		}
		return nil
	})
	return out, err
}

// organiserView applies an organiser's earlier choices to a cluster: ideas
// dropped from a suggestion overlapping it leave it, and a cluster within a
// dismissed suggestion is not shown (ok false).
func organiserView(cl Cluster, earlier []*Suggestion) (Cluster, bool) {
	nums := slices.Clone(cl.Numbers)
	for _, sg := range earlier {
		if sg.Status == SuggestionAccepted {
			continue
		}
		had := append(slices.Clone(sg.Numbers), sg.Dropped...)
		overlap := false
		for _, n := range nums {
			if slices.Contains(had, n) {
				overlap = true
				break
			}
		}
		if !overlap {
			continue
		}
		nums = slices.DeleteFunc(nums, func(n int) bool { return slices.Contains(sg.Dropped, n) })
		if sg.Status == SuggestionDismissed && !slices.ContainsFunc(nums, func(n int) bool { return !slices.Contains(had, n) }) {
			return Cluster{}, false
		}
	}
	title := cl.Title
	if !slices.Contains(nums, title) && len(nums) > 0 {
		title = nums[0]
	}
	return Cluster{Numbers: nums, Title: title}, true
}

// organising checks that m may change the ideas and proposals of
// consultation cid: an organiser, while ideas are collected or grouped.
func organising(tx Tx, m *Member, cid int64) (*Consultation, error) {
	if err := mustOrganise(m); err != nil {
		return nil, err
	}
	c, err := tx.Consultation(cid)
	if err != nil {
		return nil, err
	}
	if !inPhase(c, Collecting, Grouping) {
		return nil, wrongPhase(c, Collecting, Grouping)
	}
	return c, nil
}

// suggestion loads an open suggestion for the organiser it was made for.
func (s *Service) suggestion(tx Tx, m *Member, token string) (*Suggestion, error) {
	if err := mustOrganise(m); err != nil {
		return nil, err
	}
	sg, err := tx.Suggestion(token)
	if IsNotFound(err) {
		return nil, errSuggestionGone
	}
	if err != nil {
		return nil, err
	}
	if sg.MemberID != m.ID {
		return nil, errNotYours
	}
	if sg.Status != SuggestionOpen || !s.clock.Now().Before(sg.ExpiresAt) {
		return nil, errSuggestionGone
	}
	if _, err := organising(tx, m, sg.ConsultationID); err != nil {
		return nil, err
	}
	return sg, s.fill(tx, sg)
}

func (s *Service) fill(tx Tx, sg *Suggestion) error {
	sg.Ideas = sg.Ideas[:0]
	for _, n := range sg.Numbers {
		i, err := tx.Idea(sg.ConsultationID, n)
		if err != nil {
			return err
		}
		sg.Ideas = append(sg.Ideas, i)
	}
	return nil
}

// AcceptSuggestion makes a proposal from exactly a suggestion's ideas,
// titled with its proposed title, as GroupIdeas does (and audited alike).
// Only the organiser it was made for may, while ideas are collected or
// grouped, and only if every idea still stands and belongs to no proposal.
func (s *Service) AcceptSuggestion(ctx context.Context, a Actor, token string) (*Proposal, error) {
	var p *Proposal
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		sg, err := s.suggestion(tx, m, token)
		if err != nil {
			return err
		}
		title, err := cleanTitle(sg.SuggestedTitle())
		if err != nil {
			return err
		}
		if p, err = s.groupIdeas(tx, m, sg.ConsultationID, sg.Numbers, title); err != nil {
			return err
		}
		sg.Status = SuggestionAccepted
		return tx.UpdateSuggestion(sg)
	})
	return p, err
}

// DropFromSuggestion removes one idea from a suggestion, for the organiser
// it was made for. A suggestion left with one idea is closed. When the title
// idea goes, the lowest-numbered idea left gives the title.
func (s *Service) DropFromSuggestion(ctx context.Context, a Actor, token string, number int) (*Suggestion, error) {
	var sg *Suggestion
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		var err error
		if sg, err = s.suggestion(tx, m, token); err != nil {
			return err
		}
		at := slices.Index(sg.Numbers, number)
		if at < 0 {
			return Errorf(ECONFLICT, "not_in_suggestion", "idea %d is not in this suggestion", number)
		}
		sg.Numbers = slices.Delete(sg.Numbers, at, at+1)
		sg.Ideas = slices.Delete(sg.Ideas, at, at+1)
		sg.Dropped = append(sg.Dropped, number)
		slices.Sort(sg.Dropped)
		if sg.Title == number {
			sg.Title = sg.Numbers[0]
		}
		if len(sg.Numbers) < 2 {
			sg.Status = SuggestionDismissed
		}
		return tx.UpdateSuggestion(sg)
	})
	return sg, err
}

// DismissSuggestion closes a suggestion without a proposal; the same
// cluster is not suggested again to this organiser.
func (s *Service) DismissSuggestion(ctx context.Context, a Actor, token string) (*Suggestion, error) {
	var sg *Suggestion
	err := s.update(ctx, a, func(tx Tx, m *Member) error {
		var err error
		if sg, err = s.suggestion(tx, m, token); err != nil {
			return err
		}
		sg.Status = SuggestionDismissed
		return tx.UpdateSuggestion(sg)
	})
	return sg, err
}

// JoinNumbers formats idea numbers as "#1, #4".
func JoinNumbers(ns []int) string { return joinNumbers(ns, ", ") }
