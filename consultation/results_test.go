package consultation_test

import (
	"math"
	"testing"

	"atelier/consultation"
)

func props(n int) []*consultation.Proposal {
	var out []*consultation.Proposal
	for i := 1; i <= n; i++ {
		out = append(out, &consultation.Proposal{ID: int64(100 + i), Number: i})
	}
	return out
}

// counts builds joint counts for proposal number n from (impact, effort) pairs.
func counts(n int, pairs ...[2]int) []consultation.RatingCount {
	var out []consultation.RatingCount
	for _, p := range pairs {
		out = append(out, consultation.RatingCount{ProposalID: int64(100 + n), Impact: p[0], Effort: p[1], N: 1})
	}
	return out
}

const dk = consultation.DontKnow

func TestScoreCounts(t *testing.T) {
	for _, tc := range []struct {
		name           string
		pairs          [][2]int
		raters         int
		impactMedian   float64
		effortMedian   float64
		impactMean     float64
		impactDontKnow int
		agree          float64
		quadrant       consultation.Quadrant
	}{
		{"odd count", [][2]int{{5, 1}, {4, 2}, {3, 5}}, 3, 4, 2, 4, 0, 2.0 / 3, consultation.QuickWin},
		{"even count averages the middle two", [][2]int{{5, 1}, {4, 2}, {3, 4}, {2, 5}}, 4, 3.5, 3, 3.5, 0, 0.5, consultation.MajorProject},
		{"don't know counts as a rater, not a score", [][2]int{{dk, 1}, {5, 1}, {4, dk}}, 3, 4.5, 1, 4.5, 1, 1, consultation.QuickWin},
		{"median of exactly 3 is low impact", [][2]int{{3, 1}, {3, 2}}, 2, 3, 1.5, 3, 0, 0, consultation.FillIn},
		{"median effort of exactly 3 is high effort", [][2]int{{1, 3}, {2, 3}, {2, 4}}, 3, 2, 3, 5.0 / 3, 0, 0, consultation.Thankless},
		{"incomplete lines are ignored", [][2]int{{5, 0}, {0, 1}, {4, 1}}, 1, 4, 1, 4, 0, 1, consultation.QuickWin},
		{"only don't know is unrated", [][2]int{{dk, dk}}, 1, 0, 0, 0, 1, 0, consultation.Unrated},
		{"nobody", nil, 0, 0, 0, 0, 0, 0, consultation.Unrated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := consultation.ScoreCounts(props(1), counts(1, tc.pairs...))
			o := out[0]
			if o.Raters != tc.raters || o.Impact.Median != tc.impactMedian || o.Effort.Median != tc.effortMedian ||
				math.Abs(o.Impact.Mean-tc.impactMean) > 1e-9 || o.Impact.DontKnow != tc.impactDontKnow ||
				math.Abs(o.Agree-tc.agree) > 1e-9 || o.Quadrant != tc.quadrant {
				t.Errorf("ScoreCounts(%v) = raters %d, impact median %v mean %v dk %d, effort median %v, agree %v, %s; want %d, %v %v %d, %v, %v, %s",
					tc.pairs, o.Raters, o.Impact.Median, o.Impact.Mean, o.Impact.DontKnow, o.Effort.Median, o.Agree, o.Quadrant,
					tc.raters, tc.impactMedian, tc.impactMean, tc.impactDontKnow, tc.effortMedian, tc.agree, tc.quadrant)
			}
		})
	}
}

func TestRanking(t *testing.T) {
	ps := props(7)
	var cs []consultation.RatingCount
	cs = append(cs, counts(1, [2]int{2, 5}, [2]int{2, 5})...)               // thankless
	cs = append(cs, counts(2, [2]int{5, 4}, [2]int{4, 4})...)               // major project
	cs = append(cs, counts(3, [2]int{4, 2}, [2]int{4, 2})...)               // quick win, median 4/2
	cs = append(cs, counts(4, [2]int{5, 1}, [2]int{5, 2})...)               // quick win, higher impact
	cs = append(cs, counts(5, [2]int{4, 2}, [2]int{4, 2})...)               // tie with 3 on everything: lower number first
	cs = append(cs, counts(6, [2]int{1, 1})...)                             // fill-in
	cs = append(cs, counts(7, [2]int{4, 2}, [2]int{4, 2}, [2]int{4, 2})...) // like 3 but more raters
	out := consultation.ScoreCounts(ps, cs)
	var got []int
	for i, o := range out {
		got = append(got, o.Proposal.Number)
		if o.Rank != i+1 {
			t.Errorf("rank of P%d = %d; want %d", o.Proposal.Number, o.Rank, i+1)
		}
	}
	want := []int{4, 7, 3, 5, 2, 6, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranking = %v; want %v", got, want)
		}
	}
	// Deterministic whatever the input order.
	rev := make([]*consultation.Proposal, len(ps))
	for i := range ps {
		rev[len(ps)-1-i] = ps[i]
	}
	out2 := consultation.ScoreCounts(rev, cs)
	for i := range out {
		if out2[i].Proposal.Number != out[i].Proposal.Number {
			t.Fatalf("ranking depends on input order at %d", i)
		}
	}
}

func TestTally(t *testing.T) {
	for _, tc := range []struct {
		t                  consultation.Tally
		turnout            float64
		quorumMet, adopted bool
	}{
		{consultation.Tally{Yes: 3, No: 1, Abstain: 1, Voted: 5, Electorate: 7, Quorum: 0.5}, 5.0 / 7, true, true},
		{consultation.Tally{Yes: 2, No: 2, Voted: 4, Electorate: 4, Quorum: 0.5}, 1, true, false},
		{consultation.Tally{Yes: 3, Voted: 3, Electorate: 10, Quorum: 0.5}, 0.3, false, false},
		{consultation.Tally{Yes: 1, Voted: 1, Electorate: 2, Quorum: 0.5}, 0.5, true, true},
		{consultation.Tally{Electorate: 0}, 0, true, false},
	} {
		if got := tc.t.Turnout(); math.Abs(got-tc.turnout) > 1e-9 || tc.t.QuorumMet() != tc.quorumMet || tc.t.Adopted() != tc.adopted {
			t.Errorf("%+v: turnout %v quorum %v adopted %v; want %v %v %v", tc.t, got, tc.t.QuorumMet(), tc.t.Adopted(), tc.turnout, tc.quorumMet, tc.adopted)
		}
	}
}

func TestPseudonym(t *testing.T) {
	a := consultation.Pseudonym("salt-1", 7)
	if a != consultation.Pseudonym("salt-1", 7) {
		t.Error("Pseudonym is not stable")
	}
	if a == consultation.Pseudonym("salt-2", 7) || a == consultation.Pseudonym("salt-1", 8) {
		t.Error("Pseudonym does not depend on the salt and the member")
	}
}
