package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/storage"
)

//go:embed testdata/gard-28-propositions.jsonl
var gardProposals []byte

type gardProposal struct {
	N        int    `json:"n"`
	Title    string `json:"title"`
	Category string `json:"category"`
	Text     string `json:"text"`
}

// runDemo replays a whole consultation on the reference case's 28
// proposals with simulated members: ideas, grouping, secret ratings,
// results, synthesis and adoption. The same seed gives the same run.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "atelier-demo", "directory for the synthesis and the matrix picture")
	dbPath := fs.String("db", "", "database file (default: a new file in -out)")
	seed := fs.Uint64("seed", 1, "random seed")
	members := fs.Int("members", 122, "simulated members")
	ideas := fs.Int("ideas", 359, "simulated contributions")
	lang := fs.String("locale", "fr", "language of the synthesis: fr or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *members < 3 || *ideas < 28 {
		return fmt.Errorf("demo needs at least 3 members and 28 ideas")
	}
	props, err := loadGard()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if *dbPath == "" {
		*dbPath = filepath.Join(*out, "demo.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(*dbPath + suffix)
		}
	}
	st, err := storage.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	d := &demo{
		ctx: ctx, out: stdout,
		rnd: rand.New(rand.NewPCG(*seed, 0x5eed)),
		// Simulated time: each action moves the clock by a minute.
		now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
	}
	d.svc = consultation.NewService(st, consultation.Options{
		Clock:  consultation.ClockFunc(d.clock),
		Random: &randReader{r: rand.New(rand.NewPCG(*seed, 1))},
		Admins: []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}},
	})
	start := time.Now()
	if err := d.run(props, *members, *ideas); err != nil {
		return err
	}
	syn, err := d.svc.Synthesis(ctx, d.cid)
	if err != nil {
		return err
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	doc := bot.SynthesisMarkdown(syn, bot.ParseLang(*lang, "fr"), paris)
	mdPath := filepath.Join(*out, "synthese.md")
	if err := os.WriteFile(mdPath, []byte(doc), 0o644); err != nil {
		return err
	}
	png, err := bot.Matrix(syn.Results.Outcomes)
	if err != nil {
		return err
	}
	pngPath := filepath.Join(*out, "matrice.png")
	if err := os.WriteFile(pngPath, png, 0o644); err != nil {
		return err
	}
	t := syn.Tally
	fmt.Fprintf(stdout, "results: %d voters of %d; %d proposals selected of %d\n", syn.Results.Voters, syn.Results.Electorate, len(syn.Selected()), syn.Proposals)
	for _, o := range syn.Results.Outcomes[:5] {
		fmt.Fprintf(stdout, "  %2d. P%-2d %-60.60s %s, impact %.1f, effort %.1f\n", o.Rank, o.Proposal.Number, o.Proposal.Title, o.Quadrant, o.Impact.Median, o.Effort.Median)
	}
	fmt.Fprintf(stdout, "adoption: yes %d, no %d, abstain %d; turnout %.0f %% (quorum %.0f %%): adopted %v\n", t.Yes, t.No, t.Abstain, 100*t.Turnout(), 100*t.Quorum, t.Adopted())
	fmt.Fprintf(stdout, "wrote %s and %s (database %s) in %s\n", mdPath, pngPath, *dbPath, time.Since(start).Round(time.Millisecond))
	return nil
}

func loadGard() ([]gardProposal, error) {
	var out []gardProposal
	sc := bufio.NewScanner(bytes.NewReader(gardProposals))
	for sc.Scan() {
		var p gardProposal
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// randReader adapts a seeded generator to io.Reader for the salts.
type randReader struct{ r *rand.Rand }

func (r *randReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.r.Uint32())
	}
	return len(p), nil
}

type demo struct {
	ctx context.Context
	out io.Writer
	svc *consultation.Service
	rnd *rand.Rand
	mu  sync.Mutex
	now time.Time
	cid int64
}

func (d *demo) clock() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = d.now.Add(time.Minute)
	return d.now
}

func (d *demo) enter(name string) (*consultation.Group, *consultation.Member, error) {
	return d.svc.Enter(d.ctx, consultation.Chat{Platform: consultation.Console, ChatID: "gard", Title: "Fédération du Gard"},
		consultation.Identity{UserID: name, Username: name, Name: name}, "fr", "Europe/Paris")
}

var sentenceEnd = regexp.MustCompile(`[.!?]\s+`)

// variants turns a proposal into the contributions members might have sent.
func variants(p gardProposal) []string {
	out := []string{p.Title, p.Text}
	for _, s := range sentenceEnd.Split(p.Text, -1) {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 20 {
			out = append(out, s)
		}
	}
	for _, prefix := range []string{"Je propose : ", "Il faudrait : ", "Idée : "} {
		out = append(out, prefix+p.Title)
	}
	return out
}

func (d *demo) run(props []gardProposal, nMembers, nIdeas int) error {
	ctx := d.ctx
	g, admin, err := d.enter("admin")
	if err != nil {
		return err
	}
	adm := consultation.Actor{MemberID: admin.ID}
	var organisers []consultation.Actor
	for _, name := range []string{"secretaire-nimes", "secretaire-ales"} {
		_, m, err := d.enter(name)
		if err != nil {
			return err
		}
		if _, err := d.svc.SetRole(ctx, adm, m.ID, consultation.RoleOrganiser); err != nil {
			return err
		}
		organisers = append(organisers, consultation.Actor{MemberID: m.ID})
	}
	members := []consultation.Actor{adm, organisers[0], organisers[1]}
	for i := len(members); i < nMembers; i++ {
		_, m, err := d.enter(fmt.Sprintf("membre-%03d", i))
		if err != nil {
			return err
		}
		if _, err := d.svc.Verify(ctx, organisers[i%2], m.ID); err != nil {
			return err
		}
		members = append(members, consultation.Actor{MemberID: m.ID})
	}
	org := organisers[0]
	c, err := d.svc.CreateConsultation(ctx, org, g.ID, "Réforme des statuts de la fédération")
	if err != nil {
		return err
	}
	d.cid = c.ID
	if _, err := d.svc.SetPhase(ctx, org, c.ID, consultation.Collecting, consultation.PhaseOptions{Deadline: d.now.AddDate(0, 0, 14)}); err != nil {
		return err
	}
	// Contributions: every proposal gets some, the rest go where they fall.
	byProposal := make([][]int, len(props))
	for i := 0; i < nIdeas; i++ {
		k := i % len(props)
		if i >= len(props) {
			k = d.rnd.IntN(len(props))
		}
		vs := variants(props[k])
		text := vs[d.rnd.IntN(len(vs))]
		if len([]rune(text)) > consultation.MaxIdeaLen {
			text = string([]rune(text)[:consultation.MaxIdeaLen])
		}
		idea, err := d.svc.SubmitIdea(ctx, members[d.rnd.IntN(len(members))], c.ID, g.ID, text)
		if err != nil {
			return err
		}
		byProposal[k] = append(byProposal[k], idea.Number)
	}
	fmt.Fprintf(d.out, "collected %d ideas from %d verified members\n", nIdeas, nMembers)
	if _, err := d.svc.SetPhase(ctx, organisers[1], c.ID, consultation.Grouping, consultation.PhaseOptions{Deadline: d.now.AddDate(0, 0, 7)}); err != nil {
		return err
	}
	for k, p := range props {
		title := p.Title
		if len([]rune(title)) > consultation.MaxTitleLen {
			title = string([]rune(title)[:consultation.MaxTitleLen])
		}
		if _, err := d.svc.GroupIdeas(ctx, organisers[k%2], c.ID, byProposal[k], title); err != nil {
			return err
		}
	}
	fmt.Fprintf(d.out, "grouped them into %d proposals\n", len(props))
	if _, err := d.svc.SetPhase(ctx, org, c.ID, consultation.Evaluating, consultation.PhaseOptions{Deadline: d.now.AddDate(0, 0, 10)}); err != nil {
		return err
	}
	// Each proposal has a true impact and effort that members perceive
	// with some noise; a few members do not take part or don't know.
	type truth struct{ impact, effort float64 }
	truths := make([]truth, len(props))
	for i := range truths {
		truths[i] = truth{1 + 4*d.rnd.Float64(), 1 + 4*d.rnd.Float64()}
	}
	type rating struct {
		who   consultation.Actor
		p     int
		axis  consultation.Axis
		value int
	}
	var work [][]rating
	for _, who := range members {
		if d.rnd.Float64() < 0.12 {
			continue // abstains
		}
		var mine []rating
		for k, t := range truths {
			for _, ax := range []consultation.Axis{consultation.Impact, consultation.Effort} {
				mean := t.impact
				if ax == consultation.Effort {
					mean = t.effort
				}
				v := int(mean + d.rnd.NormFloat64()*0.9 + 0.5)
				v = max(consultation.MinScore, min(consultation.MaxScore, v))
				if d.rnd.Float64() < 0.04 {
					v = consultation.DontKnow
				}
				mine = append(mine, rating{who, k + 1, ax, v})
			}
		}
		work = append(work, mine)
	}
	// Members rate at the same time, as they would.
	var wg sync.WaitGroup
	errs := make(chan error, len(work))
	for _, mine := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range mine {
				if _, _, err := d.svc.Rate(ctx, r.who, c.ID, 1, r.p, r.axis, r.value); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Fprintf(d.out, "%d members rated all %d proposals on impact and effort\n", len(work), len(props))
	if _, err := d.svc.SetPhase(ctx, org, c.ID, consultation.Results, consultation.PhaseOptions{}); err != nil {
		return err
	}
	if _, err := d.svc.SetPhase(ctx, org, c.ID, consultation.Adoption, consultation.PhaseOptions{Deadline: d.now.AddDate(0, 0, 7), Quorum: 0.5}); err != nil {
		return err
	}
	for _, who := range members {
		x := d.rnd.Float64()
		switch {
		case x < 0.55:
			err = d.svc.Vote(ctx, who, c.ID, consultation.Yes)
		case x < 0.65:
			err = d.svc.Vote(ctx, who, c.ID, consultation.No)
		case x < 0.72:
			err = d.svc.Vote(ctx, who, c.ID, consultation.Abstain)
		}
		if err != nil {
			return err
		}
	}
	_, err = d.svc.SetPhase(ctx, org, c.ID, consultation.Closed, consultation.PhaseOptions{})
	return err
}
