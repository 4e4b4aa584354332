package similar_test

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"atelier/consultation/similar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  ", ""},
		{"Réunion", "reunion"},
		{"ÉCOLE Àgé ÇA œuvre Ægir straße", "ecole age ca oeuvre aegir strasse"},
		{"l'école", "l ecole"},
		{"l’école", "l ecole"},
		{"L'ÉCOLE !!!", "l ecole"},
		{"  covoiturage,   aux\tréunions…\n", "covoiturage aux reunions"},
		{"80 km/h", "80 km h"},
		{"prise-de-parole", "prise de parole"},
		{"«Transparence» financière ?", "transparence financiere"},
		{"Ére\u0301", "ere"}, // combining acute accent
	}
	for _, tt := range tests {
		if got := similar.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"le la les de des", nil},
		{"Réunions", []string{"reunion"}},
		{"réunion", []string{"reunion"}},
		{"reunions", []string{"reunion"}},
		{"l'école", []string{"ecol"}},
		{"l’école", []string{"ecol"}},
		{"L’ÉCOLE", []string{"ecol"}},
		{"d'abord qu'il s'organise, j'adhère, n'oublie, c'est", []string{"abord", "organis", "adher", "oubl"}},
		{"jusqu'aux militants", []string{"milit"}},
		{"militants militant militante", []string{"milit", "milit", "milit"}},
		{"Il faut plus de formations pour les adhérents", []string{"format", "adherent"}},
		{"Angoissé, angoisses", []string{"angoiss", "angoiss"}},
		{"We need better meetings for the people's party", []string{"need", "better", "meet", "peopl", "parti"}},
		{"80 km/h", []string{"80", "km"}},
	}
	for _, tt := range tests {
		got := similar.Tokens(tt.in)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokens(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// readIdeas reads a CSV file with columns id,text from testdata.
func readIdeas(tb testing.TB, name string) []similar.Doc {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	var docs []similar.Doc
	for _, r := range recs[1:] {
		docs = append(docs, similar.Doc{ID: r[0], Text: r[1]})
	}
	return docs
}

// checkPartition fails unless clusters hold every document of docs exactly
// once, in input order, ordered by size then first member.
func checkPartition(tb testing.TB, docs []similar.Doc, clusters []similar.Cluster) {
	tb.Helper()
	pos := make(map[string]int, len(docs))
	for i, d := range docs {
		pos[d.ID] = i
	}
	seen := make(map[string]bool)
	for k, c := range clusters {
		if len(c.IDs) == 0 {
			tb.Fatalf("cluster %d is empty", k)
		}
		if !slices.Contains(c.IDs, c.TitleID) {
			tb.Errorf("cluster %d: title %s is not a member", k, c.TitleID)
		}
		for i, id := range c.IDs {
			if seen[id] {
				tb.Errorf("%s is in several clusters", id)
			}
			seen[id] = true
			if i > 0 && pos[c.IDs[i-1]] > pos[id] {
				tb.Errorf("cluster %d: members out of input order", k)
			}
		}
		if k > 0 {
			p := clusters[k-1]
			if len(p.IDs) < len(c.IDs) || len(p.IDs) == len(c.IDs) && pos[p.IDs[0]] > pos[c.IDs[0]] {
				tb.Errorf("clusters %d and %d out of order", k-1, k)
			}
		}
	}
	if len(seen) != len(docs) {
		tb.Errorf("clusters hold %d documents; want %d", len(seen), len(docs))
	}
}

func TestGroupGolden(t *testing.T) {
	docs := readIdeas(t, "party-ideas.csv")
	clusters := similar.Group(docs, similar.DefaultOptions())
	checkPartition(t, docs, clusters)
	text := make(map[string]string)
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	var b strings.Builder
	for k, c := range clusters {
		fmt.Fprintf(&b, "cluster %d: %s\n", k+1, text[c.TitleID])
		for _, id := range c.IDs {
			fmt.Fprintf(&b, "  %s %s\n", id, text[id])
		}
	}
	// A finer threshold shows the near-duplicate level of the same ideas.
	fine := similar.DefaultOptions()
	fine.GroupThreshold, fine.MinEdge = 0.2, 0.2
	fmt.Fprintf(&b, "\nGroupThreshold %.2f:\n", fine.GroupThreshold)
	for k, c := range similar.Group(docs, fine) {
		fmt.Fprintf(&b, "cluster %d: %s\n", k+1, strings.Join(c.IDs, " "))
	}
	const golden = "testdata/party-ideas.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("Group(party-ideas.csv) =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGroupEdgeCases(t *testing.T) {
	opt := similar.DefaultOptions()
	if got := similar.Group(nil, opt); len(got) != 0 {
		t.Errorf("Group(nil) = %v; want no clusters", got)
	}
	docs := []similar.Doc{
		{ID: "a", Text: "!!!"},
		{ID: "b", Text: "le la les"},
		{ID: "c", Text: "Le, la, les."},
		{ID: "d", Text: "???"},
		{ID: "e", Text: "Covoiturage"},
	}
	got := similar.Group(docs, opt)
	checkPartition(t, docs, got)
	want := []similar.Cluster{
		{IDs: []string{"b", "c"}, TitleID: "b"},
		{IDs: []string{"a"}, TitleID: "a"},
		{IDs: []string{"d"}, TitleID: "d"},
		{IDs: []string{"e"}, TitleID: "e"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Group(%v) = %v; want %v", docs, got, want)
	}
}

func TestGroupDeterministic(t *testing.T) {
	docs := readIdeas(t, "party-ideas.csv")
	// Duplicates and exact ties make input order matter.
	docs = append(docs,
		similar.Doc{ID: "21", Text: "Publier chaque année les comptes de la fédération !"},
		similar.Doc{ID: "22", Text: "garderie"},
		similar.Doc{ID: "23", Text: "garderie"},
	)
	opt := similar.DefaultOptions()
	first := similar.Group(docs, opt)
	for range 5 {
		if again := similar.Group(docs, opt); !reflect.DeepEqual(again, first) {
			t.Fatalf("Group gave %v, then %v", first, again)
		}
	}
	// Shuffled input: the same partition, with members in the new order.
	r := rand.New(rand.NewSource(1))
	shuffled := slices.Clone(docs)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	a, b := partition(first), partition(similar.Group(shuffled, opt))
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Group of shuffled input = %v; want %v", b, a)
	}
}

// partition returns clusters as sorted sets, comparable across input orders.
func partition(cs []similar.Cluster) [][]string {
	var out [][]string
	for _, c := range cs {
		ids := slices.Clone(c.IDs)
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func TestIndex(t *testing.T) {
	x := similar.NewIndex(similar.DefaultOptions())
	if got := x.Near("covoiturage", 5); len(got) != 0 {
		t.Errorf("empty index: Near = %v; want nothing", got)
	}
	for _, d := range readIdeas(t, "party-ideas.csv") {
		x.Add(d)
	}
	if x.Len() != 20 {
		t.Fatalf("Len() = %d; want 20", x.Len())
	}
	got := x.Near("PUBLIER chaque annee les comptes de la federation", 3)
	if len(got) == 0 || got[0] != (similar.Match{ID: "2", Score: 1}) {
		t.Fatalf("Near(exact duplicate) = %v; want 2 first with score 1", got)
	}
	got = x.Near("Créer une liste de covoiturage pour les réunions", 10)
	var ids []string
	for i, m := range got {
		ids = append(ids, m.ID)
		if m.Score < similar.DefaultOptions().NearThreshold || m.Score > 1 {
			t.Errorf("Near score %v out of range", m.Score)
		}
		if i > 0 && got[i-1].Score < m.Score {
			t.Errorf("Near results not best first: %v", got)
		}
	}
	if !slices.Contains(ids, "13") {
		t.Errorf("Near(liste de covoiturage) = %v; want 13 among them", got)
	}
	if got := x.Near("Créer une liste de covoiturage pour les réunions", 1); len(got) != 1 {
		t.Errorf("Near(k=1) returned %d matches", len(got))
	}
	if got := x.Near("Créer une liste de covoiturage pour les réunions", 0); len(got) != 0 {
		t.Errorf("Near(k=0) = %v", got)
	}

	x.Remove("13")
	x.Remove("13")
	x.Remove("unknown")
	if x.Len() != 19 {
		t.Errorf("after Remove, Len() = %d; want 19", x.Len())
	}
	for _, m := range x.Near("Créer une liste de covoiturage partagée pour les réunions", 10) {
		if m.ID == "13" {
			t.Errorf("removed document still matches: %v", m)
		}
	}
	// Adding an existing id replaces its text.
	x.Add(similar.Doc{ID: "2", Text: "Des jeux pour les enfants pendant les réunions"})
	if x.Len() != 19 {
		t.Errorf("after replacing, Len() = %d; want 19", x.Len())
	}
	if got := x.Near("Publier chaque année les comptes de la fédération", 5); slices.ContainsFunc(got, func(m similar.Match) bool { return m.ID == "2" }) {
		t.Errorf("replaced text still matches: %v", got)
	}
	if got := x.Near("des jeux pour les enfants pendant les reunions", 1); len(got) != 1 || got[0].ID != "2" || got[0].Score != 1 {
		t.Errorf("Near(new text of 2) = %v; want 2 with score 1", got)
	}
}

func TestIndexRemoveMany(t *testing.T) {
	x := similar.NewIndex(similar.DefaultOptions())
	for i := range 300 {
		x.Add(similar.Doc{ID: fmt.Sprint(i), Text: fmt.Sprintf("idée numéro %d sur les réunions", i)})
	}
	for i := range 290 {
		x.Remove(fmt.Sprint(i))
	}
	if x.Len() != 10 {
		t.Fatalf("Len() = %d; want 10", x.Len())
	}
	got := x.Near("idée numéro 295 sur les réunions", 1)
	if len(got) != 1 || got[0].ID != "295" || got[0].Score != 1 {
		t.Errorf("Near after many removals = %v; want 295 with score 1", got)
	}
}

func TestIndexConcurrent(t *testing.T) {
	x := similar.NewIndex(similar.DefaultOptions())
	docs := readIdeas(t, "party-ideas.csv")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, d := range docs {
				d.ID = fmt.Sprintf("%d-%s", w, d.ID)
				x.Add(d)
				x.Near(d.Text, 3)
				if i%3 == 0 {
					x.Remove(d.ID)
				}
				x.Len()
			}
		}()
	}
	wg.Wait()
	if got, want := x.Len(), 4*(len(docs)-7); got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
}
