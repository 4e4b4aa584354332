package consultation

import (
	"math"
	"sort"
)

// Quadrant places a proposal on the effort/impact matrix.
type Quadrant string

// The four quadrants, in ranking order.
const (
	QuickWin     Quadrant = "quick_win"     // high impact, low effort
	MajorProject Quadrant = "major_project" // high impact, high effort
	FillIn       Quadrant = "fill_in"       // low impact, low effort
	Thankless    Quadrant = "thankless"     // low impact, high effort
	Unrated      Quadrant = "unrated"       // nobody scored it on both axes
)

func (q Quadrant) order() int {
	switch q {
	case QuickWin:
		return 0
	case MajorProject:
		return 1
	case FillIn:
		return 2
	case Thankless:
		return 3
	default:
		return 4
	}
}

// Score summarises one axis of one proposal over the raters who gave it a
// score (don't know is counted apart).
type Score struct {
	N        int     // scores given
	DontKnow int     // "don't know" answers
	Mean     float64 // 0 when N is 0
	Median   float64 // the middle score; with an even N, the mean of the two middle scores
	Hist     [MaxScore + 1]int
}

// Outcome is the result of one proposal.
type Outcome struct {
	Proposal *Proposal
	Raters   int // voters with a complete rating (a score or don't know on both axes)
	Impact   Score
	Effort   Score
	Scored   int     // raters who scored both axes (no don't know): Agree is a share of them
	Agree    float64 // share of Scored who gave impact ≥ 4 and effort ≤ 2
	Quadrant Quadrant
	Rank     int // 1 is best
}

// Ranked results of one round. RankingRule describes the order in words.
type Ranking struct {
	Round    int
	Outcomes []*Outcome // in rank order
}

// RankingRule is the ranking rule, as stated in the synthesis:
//
//  1. quadrant: quick wins, then major projects, fill-ins, thankless
//     proposals, and proposals nobody scored last;
//  2. higher median impact;
//  3. lower median effort;
//  4. higher share of raters agreeing (impact ≥ 4 and effort ≤ 2);
//  5. higher mean impact minus mean effort;
//  6. more raters;
//  7. lower proposal number.
//
// A proposal has high impact when its median impact is above 3 and low
// effort when its median effort is below 3; a median of exactly 3 counts as
// low impact or high effort.
const RankingRule = "quadrant (quick wins, major projects, fill-ins, thankless, unrated), " +
	"then higher median impact, lower median effort, higher share agreeing, " +
	"higher mean impact minus mean effort, more raters, lower proposal number"

// ScoreCounts computes every proposal's outcome from joint rating counts
// and ranks them. Proposals with no counts are ranked last as unrated.
func ScoreCounts(props []*Proposal, counts []RatingCount) []*Outcome {
	byID := make(map[int64]*Outcome, len(props))
	out := make([]*Outcome, 0, len(props))
	for _, p := range props {
		o := &Outcome{Proposal: p}
		byID[p.ID] = o
		out = append(out, o)
	}
	agree := make(map[int64]int)
	both := make(map[int64]int)
	for _, c := range counts {
		o := byID[c.ProposalID]
		if o == nil || c.N <= 0 {
			continue
		}
		if c.Impact == Unset || c.Effort == Unset {
			continue // an incomplete ballot line does not count
		}
		o.Raters += c.N
		o.Impact.add(c.Impact, c.N)
		o.Effort.add(c.Effort, c.N)
		if c.Impact >= MinScore && c.Effort >= MinScore {
			both[c.ProposalID] += c.N
			if c.Impact >= 4 && c.Effort <= 2 {
				agree[c.ProposalID] += c.N
			}
		}
	}
	for id, o := range byID {
		o.Impact.finish()
		o.Effort.finish()
		if o.Scored = both[id]; o.Scored > 0 {
			o.Agree = float64(agree[id]) / float64(o.Scored)
		}
		o.Quadrant = quadrant(o.Impact, o.Effort)
	}
	Rank(out)
	return out
}

func (s *Score) add(v, n int) {
	if v == DontKnow {
		s.DontKnow += n
		return
	}
	if v >= MinScore && v <= MaxScore {
		s.Hist[v] += n
		s.N += n
	}
}

func (s *Score) finish() {
	if s.N == 0 {
		return
	}
	sum := 0
	for v := MinScore; v <= MaxScore; v++ {
		sum += v * s.Hist[v]
	}
	s.Mean = float64(sum) / float64(s.N)
	// The k-th smallest score (0-based) from the histogram.
	kth := func(k int) int {
		for v := MinScore; v <= MaxScore; v++ {
			if k < s.Hist[v] {
				return v
			}
			k -= s.Hist[v]
		}
		return MaxScore
	}
	if s.N%2 == 1 {
		s.Median = float64(kth(s.N / 2))
	} else {
		s.Median = float64(kth(s.N/2-1)+kth(s.N/2)) / 2
	}
}

func quadrant(impact, effort Score) Quadrant {
	if impact.N == 0 || effort.N == 0 {
		return Unrated
	}
	high := impact.Median > 3
	low := effort.Median < 3
	switch {
	case high && low:
		return QuickWin
	case high:
		return MajorProject
	case low:
		return FillIn
	default:
		return Thankless
	}
}

// Rank sorts outcomes by RankingRule and numbers them from 1.
func Rank(out []*Outcome) {
	sort.SliceStable(out, func(i, j int) bool { return better(out[i], out[j]) })
	for i, o := range out {
		o.Rank = i + 1
	}
}

func better(a, b *Outcome) bool {
	if x, y := a.Quadrant.order(), b.Quadrant.order(); x != y {
		return x < y
	}
	if a.Impact.Median != b.Impact.Median {
		return a.Impact.Median > b.Impact.Median
	}
	if a.Effort.Median != b.Effort.Median {
		return a.Effort.Median < b.Effort.Median
	}
	if !near(a.Agree, b.Agree) {
		return a.Agree > b.Agree
	}
	if da, db := a.Impact.Mean-a.Effort.Mean, b.Impact.Mean-b.Effort.Mean; !near(da, db) {
		return da > db
	}
	if a.Raters != b.Raters {
		return a.Raters > b.Raters
	}
	return a.Proposal.Number < b.Proposal.Number
}

// near compares shares and means computed by different summation orders.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Selected reports whether an outcome belongs in the synthesis: proposals
// judged high impact (quick wins and major projects).
func (o *Outcome) Selected() bool {
	return o.Quadrant == QuickWin || o.Quadrant == MajorProject
}
