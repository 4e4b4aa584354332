package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/storage"
)

// evaluation sets up a consultation under evaluation with members verified
// members and props proposals, and returns the service and the member ids.
func evaluation(b *testing.B, st *storage.Store, members, props int) (*consultation.Service, int64, []int64) {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	svc := consultation.NewService(st, consultation.Options{
		Clock:  consultation.ClockFunc(func() time.Time { return now }),
		Admins: []consultation.Identity{{Platform: consultation.Console, UserID: "admin"}},
	})
	g, admin, err := svc.Enter(ctx, consultation.Chat{Platform: consultation.Console, ChatID: "main"}, consultation.Identity{UserID: "admin"}, "fr", "Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	ids := []int64{admin.ID}
	err = st.Update(ctx, func(tx consultation.Tx) error {
		for i := 1; i < members; i++ {
			m := &consultation.Member{Name: fmt.Sprint("m", i), Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: now}
			if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Console, UserID: fmt.Sprint("m", i)}); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	a := consultation.Actor{MemberID: admin.ID}
	c, err := svc.CreateConsultation(ctx, a, g.ID, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SetPhase(ctx, a, c.ID, consultation.Collecting, consultation.PhaseOptions{}); err != nil {
		b.Fatal(err)
	}
	for p := 1; p <= props; p++ {
		i, err := svc.SubmitIdea(ctx, a, c.ID, g.ID, fmt.Sprint("idée numéro ", p))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.GroupIdeas(ctx, a, c.ID, []int{i.Number}, fmt.Sprint("Proposition ", p)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.SetPhase(ctx, a, c.ID, consultation.Evaluating, consultation.PhaseOptions{}); err != nil {
		b.Fatal(err)
	}
	return svc, c.ID, ids
}

// BenchmarkRate measures ratings stored durably (WAL, synchronous=FULL)
// through the service, from 64 concurrent members: one transaction and one
// fsync per rating (group commit off) against group commit. Each Rate call
// returns only after its transaction has committed.
func BenchmarkRate(b *testing.B) {
	for _, tc := range []struct {
		name     string
		maxBatch int
	}{
		{"one-per-transaction", 1},
		{"group-commit", 256},
	} {
		b.Run(tc.name, func(b *testing.B) {
			st, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), storage.WithMaxBatch(tc.maxBatch))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			svc, cid, ids := evaluation(b, st, 500, 30)
			var next atomic.Int64
			b.SetParallelism(32) // 64 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(uint64(next.Add(1)), 7))
				for pb.Next() {
					m := ids[r.IntN(len(ids))]
					axis := consultation.Impact
					if r.IntN(2) == 0 {
						axis = consultation.Effort
					}
					if _, _, err := svc.Rate(context.Background(), consultation.Actor{MemberID: m}, cid, 1, 1+r.IntN(30), axis, 1+r.IntN(5)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ratings/s")
		})
	}
}

// BenchmarkResults measures the results of an evaluation with 100,000
// members who each rated 30 proposals (3,000,000 ratings), computed from
// SQLite: the joint counts, the participation and the ranking.
func BenchmarkResults(b *testing.B) {
	const members, props = 100_000, 30
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc, cid, _ := evaluation(b, st, 2, props)
	c, err := svc.Consultation(ctx, cid)
	if err != nil {
		b.Fatal(err)
	}
	// The ratings go in with one statement on a side connection: what is
	// measured is reading them back, not writing them.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`WITH RECURSIVE voter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM voter WHERE n < ?1)
		INSERT INTO ballots (round_id, voter, number)
		SELECT r.id, 'v' || voter.n, voter.n FROM voter, rounds r WHERE r.consultation_id = ?2 AND r.number = 1`,
		`INSERT INTO ratings (round_id, ballot, proposal_id, impact, effort)
		SELECT b.round_id, b.number, p.id, 1 + abs(random()) % 5, 1 + abs(random()) % 5
		FROM ballots b JOIN rounds r ON r.id = b.round_id, proposals p
		WHERE r.consultation_id = ?2 AND r.number = 1 AND p.consultation_id = ?2 AND ?1 > 0`,
	} {
		if _, err := db.ExecContext(ctx, q, members, cid); err != nil {
			b.Fatal(err)
		}
	}
	admin := consultation.Actor{MemberID: c.CreatedBy}
	if _, err := svc.SetPhase(ctx, admin, cid, consultation.Results, consultation.PhaseOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := svc.Results(ctx, cid)
		if err != nil {
			b.Fatal(err)
		}
		if res.Voters != members || res.Outcomes[0].Raters != members {
			b.Fatalf("results counted %d voters, %d raters; want %d", res.Voters, res.Outcomes[0].Raters, members)
		}
	}
}

// BenchmarkPutRating measures the store alone: one rating written per
// Update by concurrent raters (16, 64 and 256 at once), durably, with group
// commit off (one transaction and one fsync per rating) and on. Group
// commit can only share an fsync among the ratings that arrive while the
// previous one runs, so its gain grows with the number of raters.
//
// Raters rate as members do: each goes through a ballot, every proposal in
// turn, then the next rater takes over with a new pseudonym ("ballots").
// "scattered" is the worst case: each rating from any of 10,000 voters on
// any proposal, so that no two ratings of a batch share a page.
//
// The two stores take turns, an eighth of the ratings at a time, so that
// a change in the machine's load or its disk's speed touches both alike;
// the ratio is measured within one run. Run it with a fixed count, such
// as -benchtime 40000x.
func BenchmarkPutRating(b *testing.B) {
	for _, raters := range []int{16, 64, 256} {
		for _, pattern := range []string{"ballots", "scattered"} {
			b.Run(fmt.Sprintf("raters=%d/%s", raters, pattern), func(b *testing.B) { putRatings(b, raters, pattern == "scattered") })
		}
	}
}

// rater is one concurrent rater's place: the voter whose ballot it is
// going through, and the next proposal on it.
type rater struct {
	r     *rand.Rand
	voter string
	next  int
}

// ratingStore is a store under evaluation with what its raters need.
type ratingStore struct {
	st      *storage.Store
	roundID int64
	props   []int64
	voters  atomic.Int64
	raters  []rater
}

func newRatingStore(b *testing.B, maxBatch, raters int) *ratingStore {
	st, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprint("bench-", maxBatch, ".db")), storage.WithMaxBatch(maxBatch))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	_, cid, _ := evaluation(b, st, 2, 30)
	rs := &ratingStore{st: st, raters: make([]rater, raters)}
	err = st.View(context.Background(), func(tx consultation.Tx) error {
		rd, err := tx.Round(cid, 1)
		if err != nil {
			return err
		}
		rs.roundID = rd.ID
		ps, err := tx.Proposals(cid)
		for _, p := range ps {
			rs.props = append(rs.props, p.ID)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := range rs.raters {
		rs.raters[i] = rater{r: rand.New(rand.NewPCG(uint64(i), 9)), next: len(rs.props)}
	}
	return rs
}

// rate writes n ratings, from all the store's raters at once.
func (rs *ratingStore) rate(b *testing.B, n int, scattered bool) {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for i := range rs.raters {
		rt := &rs.raters[i]
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				r := consultation.Rating{RoundID: rs.roundID, Impact: 1 + rt.r.IntN(5), Effort: 1 + rt.r.IntN(5)}
				switch {
				case scattered:
					r.Voter, r.ProposalID = fmt.Sprint("v", rt.r.IntN(10000)), rs.props[rt.r.IntN(len(rs.props))]
				default:
					if rt.next == len(rs.props) {
						rt.voter, rt.next = consultation.Pseudonym("bench", rs.voters.Add(1)), 0
					}
					r.Voter, r.ProposalID = rt.voter, rs.props[rt.next]
					rt.next++
				}
				if err := rs.st.Update(context.Background(), func(tx consultation.Tx) error { return tx.PutRating(r) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func putRatings(b *testing.B, raters int, scattered bool) {
	stores := []*ratingStore{newRatingStore(b, 1, raters), newRatingStore(b, 256, raters)}
	const turns = 4
	per := max(1, b.N/(2*turns))
	var took [2]time.Duration
	b.ResetTimer()
	for range turns {
		for k, rs := range stores {
			t0 := time.Now()
			rs.rate(b, per, scattered)
			took[k] += time.Since(t0)
		}
	}
	b.StopTimer()
	one := float64(turns*per) / took[0].Seconds()
	group := float64(turns*per) / took[1].Seconds()
	b.ReportMetric(one, "one-per-tx/s")
	b.ReportMetric(group, "group/s")
	b.ReportMetric(group/one, "ratio")
	b.ReportMetric(0, "ns/op")
}
