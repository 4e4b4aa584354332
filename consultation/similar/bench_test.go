package similar_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"atelier/consultation/similar"
)

// tokenizeAll returns the time one pass of Tokens over docs takes, the
// baseline that Group's time is compared with (best of three passes).
func tokenizeAll(docs []similar.Doc) time.Duration {
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		for _, d := range docs {
			similar.Tokens(d.Text)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkGroup groups the first n Make.org proposals. Besides ns/op it
// reports the time per document and the ratio to a single Tokens pass over
// the same documents, measured in the same run, so that figures from a busy
// machine stay comparable; and the Go runtime's memory obtained from the OS.
func BenchmarkGroup(b *testing.B) {
	all := loadMakeorg(b)
	for _, n := range []int{1000, 5000, len(all)} {
		docs := all[:n]
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			base := tokenizeAll(docs)
			runtime.GC()
			b.ResetTimer()
			var clusters int
			for range b.N {
				clusters = len(similar.Group(docs, similar.DefaultOptions()))
			}
			b.StopTimer()
			per := b.Elapsed() / time.Duration(b.N)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(per.Nanoseconds())/float64(n), "ns/doc")
			b.ReportMetric(float64(per)/float64(base), "x-tokenize")
			b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
			b.ReportMetric(float64(clusters), "clusters")
		})
	}
}

// BenchmarkNear asks the index holding all Make.org proposals for the
// near-duplicates of each proposal in turn, as /idea does at submission.
// x-tokenize is the ratio to one Tokens call on the same texts, measured in
// the same run.
func BenchmarkNear(b *testing.B) {
	docs := loadMakeorg(b)
	x := similar.NewIndex(similar.DefaultOptions())
	for _, d := range docs {
		x.Add(d)
	}
	base := tokenizeAll(docs)
	b.ResetTimer()
	for i := range b.N {
		x.Near(docs[i%len(docs)].Text, 5)
	}
	b.StopTimer()
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/(float64(base)/float64(len(docs))), "x-tokenize")
}

// BenchmarkAdd measures adding the Make.org proposals one by one to an index.
func BenchmarkAdd(b *testing.B) {
	docs := loadMakeorg(b)
	for b.Loop() {
		x := similar.NewIndex(similar.DefaultOptions())
		for _, d := range docs {
			x.Add(d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/doc")
}
