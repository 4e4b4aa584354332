package bot

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"

	"atelier/consultation"
)

// exportJSON is the shape of consultation-<id>.json.
type exportJSON struct {
	Consultation struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
		Phase string `json:"phase"`
		Round int    `json:"round"`
	} `json:"consultation"`
	Ideas     []exportIdea     `json:"ideas"`
	Proposals []exportProposal `json:"proposals"`
	Results   *exportResults   `json:"results,omitempty"`
	// RatingsFile names the CSV of this export's ratings; its voter
	// column is a pseudonym valid in this export only.
	RatingsFile string `json:"ratings_file"`
}

type exportIdea struct {
	Number    int    `json:"number"`
	Text      string `json:"text"`
	Author    string `json:"author"` // authors are public: traceability
	Withdrawn bool   `json:"withdrawn,omitempty"`
	Proposal  int    `json:"proposal,omitempty"`
}

type exportProposal struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Ideas  []int  `json:"ideas"`
}

type exportResults struct {
	Round      int             `json:"round"`
	Electorate int             `json:"electorate"`
	Voters     int             `json:"voters"`
	Outcomes   []exportOutcome `json:"outcomes"`
}

// exportOutcome is one proposal's result. A figure nobody gave a score
// for is null, not 0; Agree is a share of Scored, the raters who scored
// both axes.
type exportOutcome struct {
	Rank         int      `json:"rank"`
	Proposal     int      `json:"proposal"`
	Raters       int      `json:"raters"`
	Scored       int      `json:"scored"`
	ImpactMedian *float64 `json:"impact_median"`
	EffortMedian *float64 `json:"effort_median"`
	ImpactMean   *float64 `json:"impact_mean"`
	EffortMean   *float64 `json:"effort_mean"`
	Agree        *float64 `json:"agree"`
	Quadrant     string   `json:"quadrant"`
}

// figure is f, or null when none of n scores made it.
func figure(f float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	return &f
}

func (b *Bot) export(r *request) ([]Reply, error) {
	c, err := b.current(r)
	if err != nil {
		return nil, err
	}
	ex, err := b.svc.Export(r.ctx, r.actor, c.ID)
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(c.ID, 10)
	var doc exportJSON
	doc.Consultation.ID, doc.Consultation.Title, doc.Consultation.Phase, doc.Consultation.Round = c.ID, ex.Consultation.Title, string(ex.Consultation.Phase), ex.Consultation.Round
	numbers := map[int64]int{}
	for _, p := range ex.Proposals {
		numbers[p.ID] = p.Number
		ep := exportProposal{Number: p.Number, Title: p.Title, Ideas: []int{}}
		for _, i := range p.Ideas {
			ep.Ideas = append(ep.Ideas, i.Number)
		}
		doc.Proposals = append(doc.Proposals, ep)
	}
	for _, i := range ex.Ideas {
		doc.Ideas = append(doc.Ideas, exportIdea{i.Idea.Number, i.Idea.Text, i.Author, i.Idea.Withdrawn, numbers[i.Idea.ProposalID]})
	}
	if res := ex.Results; res != nil {
		doc.Results = &exportResults{Round: res.Round.Number, Electorate: res.Electorate, Voters: res.Voters}
		for _, o := range res.Outcomes {
			doc.Results.Outcomes = append(doc.Results.Outcomes, exportOutcome{Rank: o.Rank, Proposal: o.Proposal.Number, Raters: o.Raters, Scored: o.Scored,
				ImpactMedian: figure(o.Impact.Median, o.Impact.N), EffortMedian: figure(o.Effort.Median, o.Effort.N),
				ImpactMean: figure(o.Impact.Mean, o.Impact.N), EffortMean: figure(o.Effort.Mean, o.Effort.N),
				Agree: figure(o.Agree, o.Scored), Quadrant: string(o.Quadrant)})
		}
	}
	doc.RatingsFile = "ratings-" + id + ".csv"
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	var rows bytes.Buffer
	w := csv.NewWriter(&rows)
	w.Write([]string{"voter", "proposal", "impact", "effort"})
	for _, rt := range ex.Ratings {
		w.Write([]string{rt.Voter, strconv.Itoa(rt.Proposal), exportScore(rt.Impact), exportScore(rt.Effort)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	var t Text
	t.Line(r.lang.T("export.done", ex.Consultation.Title, len(ex.Ideas), len(ex.Proposals), len(ex.Ratings)))
	t.Line(r.lang.T("export.pseudonyms"))
	return []Reply{{To: Private, Text: t, Quotes: true, Files: []File{
		{Name: "consultation-" + id + ".json", MIME: "application/json", Data: append(js, '\n')},
		{Name: doc.RatingsFile, MIME: "text/csv", Data: rows.Bytes()},
	}}}, nil
}

// exportScore writes a rating value: 1 to 5, "dk" for don't know, empty
// when the axis is not rated.
func exportScore(v int) string {
	switch v {
	case consultation.Unset:
		return ""
	case consultation.DontKnow:
		return "dk"
	}
	return strconv.Itoa(v)
}
