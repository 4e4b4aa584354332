package similar_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/consultation/similar"
	"atelier/storage"
)

// BenchmarkProposeIdea measures the near-duplicate check at submission as
// /idea runs it: Service.ProposeIdea on SQLite with the Make.org proposals
// already stored in one consultation, through similar.Ideas. Each query is a
// stored proposal sent again, so every submission finds close ideas and is
// held (a pending row is written): the slowest path. The index is filled
// before timing, as it is once per consultation and process. It reports
// ms/idea; the budget is 5 ms.
func BenchmarkProposeIdea(b *testing.B) {
	docs := loadMakeorg(b)
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(b.TempDir(), "atelier.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	var m *consultation.Member
	var g *consultation.Group
	var c *consultation.Consultation
	err = st.Update(ctx, func(tx consultation.Tx) error {
		g = &consultation.Group{Platform: consultation.Console, ChatID: "main", Locale: "fr", TimeZone: "Europe/Paris", CreatedAt: t0}
		if err := tx.CreateGroup(g); err != nil {
			return err
		}
		m = &consultation.Member{Name: "m", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: t0}
		if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Console, UserID: "m"}); err != nil {
			return err
		}
		c = &consultation.Consultation{Title: "Make.org", Phase: consultation.Collecting, CreatedBy: m.ID, CreatedAt: t0, Salt: "s", GroupIDs: []int64{g.ID}}
		c.Step(consultation.Collecting).StartedAt = t0
		if err := tx.CreateConsultation(c); err != nil {
			return err
		}
		for _, d := range docs {
			if err := tx.CreateIdea(&consultation.Idea{ConsultationID: c.ID, AuthorID: m.ID, GroupID: g.ID, Text: d.Text, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := consultation.NewService(st, consultation.Options{Similarity: similar.NewIdeas(similar.DefaultOptions())})
	a := consultation.Actor{MemberID: m.ID}
	if _, err := svc.ProposeIdea(ctx, a, c.ID, g.ID, "warm up the index"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	held := 0
	for i := range b.N {
		d := docs[i%len(docs)]
		sub, err := svc.ProposeIdea(ctx, a, c.ID, g.ID, d.Text)
		if consultation.ErrorCode(err) == consultation.EINVALID {
			continue // a proposal too short or too long for an idea
		}
		if err != nil {
			b.Fatal(err)
		}
		if sub.Pending != nil {
			held++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/idea")
	b.ReportMetric(float64(held)/float64(b.N), "held/op")
}
