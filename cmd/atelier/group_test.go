package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atelier/consultation/similar"
)

var (
	groupQuality = flag.Bool("quality", false, "measure grouping quality (ARI) on the labelled data sets against the scikit-learn anchor")
	groupSweep   = flag.Bool("quality-sweep", false, "sweep GroupThreshold on the labelled data sets and report leave-one-question-out choices")
	groupData    = flag.String("quality-data", "../../../shared/data/grouping", "directory holding nnv-answers.csv and civocracy-proposals.csv")
	groupPython  = flag.String("quality-python", "/usr/bin/python3", "Python interpreter with scikit-learn, for the anchor")
)

func TestRunGroupCSV(t *testing.T) {
	in := "num,texte,auteur\n" +
		"a1,Organiser le covoiturage pour aller aux réunions,x\n" +
		"a2,Publier les comptes chaque année,y\n" +
		"a3,covoiturage pour les réunions de section,z\n" +
		"a4,\"Former les nouveaux militants, dès leur adhésion\",x\n" +
		"a5,Publier chaque année les comptes,y\n"
	for _, args := range [][]string{
		{"-", "--text-column", "texte", "--id-column", "num"},
		{"--text-column", "texte", "--id-column", "num", "-"},
		{"--text-column", "texte", "-", "--id-column=num", "--format", "csv"},
	} {
		var out, errOut bytes.Buffer
		if err := runGroup(args, strings.NewReader(in), &out, &errOut); err != nil {
			t.Fatalf("runGroup(%q) = %v; stderr %q", args, err, errOut.String())
		}
		want := "id,cluster\na1,1\na2,2\na3,1\na4,3\na5,2\n"
		if out.String() != want {
			t.Errorf("runGroup(%q) printed\n%s\nwant\n%s", args, out.String(), want)
		}
	}
}

func TestRunGroupFileAndMarkdown(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ideas.csv")
	in := "id,text\n" +
		"1,Covoiturage pour aller aux réunions\n" +
		"2,Transparence financière : publier les comptes\n" +
		"3,Organiser un covoiturage vers les réunions\n" +
		"4,Publier les comptes pour plus de transparence financière\n" +
		"5,Une formation pour les nouveaux militants\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runGroup([]string{path, "--text-column", "text", "--id-column", "id", "--format", "md"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("runGroup: %v", err)
	}
	want := `# Suggested groups

5 ideas, 3 groups (2 with several ideas, 1 alone).

## 1. Covoiturage pour aller aux réunions

2 idea(s); title from 1.

- 1: Covoiturage pour aller aux réunions
- 3: Organiser un covoiturage vers les réunions

## 2. Transparence financière : publier les comptes

2 idea(s); title from 2.

- 2: Transparence financière : publier les comptes
- 4: Publier les comptes pour plus de transparence financière

## 3. Une formation pour les nouveaux militants

1 idea(s); title from 5.

- 5: Une formation pour les nouveaux militants
`
	if out.String() != want {
		t.Errorf("runGroup --format md printed\n%s\nwant\n%s", out.String(), want)
	}
}

func TestRunGroupErrors(t *testing.T) {
	cols := []string{"-", "--text-column", "text", "--id-column", "id"}
	tests := []struct {
		name string
		args []string
		in   string
		want string
	}{
		{"empty file", cols, "", "stdin: empty file"},
		{"blank file", cols, " \n\n", "stdin: empty file"},
		{"no rows", cols, "id,text\n", "stdin: no rows after the header"},
		{"missing text column", cols, "id,body\n1,x\n", `stdin: no column "text" (columns: id, body)`},
		{"missing id column", cols, "num,text\n1,x\n", `stdin: no column "id" (columns: num, text)`},
		{"not utf-8", cols, "id,text\n1,ok\n2,caf\xe9\n", "stdin: line 3 is not valid UTF-8"},
		{"duplicate id", cols, "id,text\n1,a\n2,b\n1,c\n", `stdin: duplicate id "1" on lines 2 and 4`},
		{"no file", []string{"--text-column", "text", "--id-column", "id"}, "", "want exactly one input file"},
		{"no text column flag", []string{"-", "--id-column", "id"}, "", "--text-column is required"},
		{"bad format", []string{"-", "--text-column", "text", "--id-column", "id", "--format", "xml"}, "", `unknown --format "xml"`},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.csv"), "--text-column", "text", "--id-column", "id"}, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			var out bytes.Buffer
			err := runGroup(args, strings.NewReader(tt.in), &out, io.Discard)
			if err == nil {
				t.Fatalf("runGroup(%q) = nil; want error containing %q", args, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("runGroup(%q) = %q; want it to contain %q", args, err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("runGroup(%q) error spans several lines: %q", args, err)
			}
			if out.Len() != 0 {
				t.Errorf("runGroup(%q) printed %q on error", args, out.String())
			}
		})
	}
}

func TestGroupARI(t *testing.T) {
	// Values from sklearn.metrics.adjusted_rand_score.
	tests := []struct {
		a, b []string
		want float64
	}{
		{[]string{"0", "0", "1", "1"}, []string{"0", "0", "1", "1"}, 1},
		{[]string{"0", "0", "1", "1"}, []string{"x", "x", "y", "y"}, 1},
		{[]string{"0", "0", "1", "2"}, []string{"0", "0", "1", "1"}, 0.5714285714285714},
		{[]string{"0", "0", "1", "1"}, []string{"0", "0", "1", "2"}, 0.5714285714285714},
		{[]string{"0", "0", "0", "0"}, []string{"0", "1", "2", "3"}, 0},
		{[]string{"0", "0", "1", "1"}, []string{"0", "1", "0", "1"}, -0.5},
		{[]string{"a", "a", "a", "b", "b", "c", "c", "c", "c"}, []string{"x", "x", "y", "y", "y", "z", "z", "z", "x"}, 0.35714285714285715},
		{[]string{"0", "1", "2"}, []string{"0", "1", "2"}, 1},
		{[]string{"0", "0", "0"}, []string{"0", "0", "0"}, 1},
	}
	for _, tt := range tests {
		if got := groupARI(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("groupARI(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// groupARI returns the adjusted Rand index between two labelings of the same
// items (Hubert and Arabie): 1 for identical partitions, about 0 for random ones.
func groupARI(a, b []string) float64 {
	if len(a) != len(b) {
		panic("groupARI: labelings of different lengths")
	}
	pair := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	cells := make(map[[2]string]int)
	rows := make(map[string]int)
	cols := make(map[string]int)
	for i := range a {
		cells[[2]string{a[i], b[i]}]++
		rows[a[i]]++
		cols[b[i]]++
	}
	var index, sumRows, sumCols float64
	for _, n := range cells {
		index += pair(n)
	}
	for _, n := range rows {
		sumRows += pair(n)
	}
	for _, n := range cols {
		sumCols += pair(n)
	}
	expected := sumRows * sumCols / pair(len(a))
	top := (sumRows + sumCols) / 2
	if top == expected {
		return 1
	}
	return (index - expected) / (top - expected)
}

// groupSet is a labelled data set for the quality measurements.
type groupSet struct {
	name   string
	ids    []string
	texts  []string
	labels []string
}

// groupLoadSets reads the labelled files: for each NNV question, all answers
// and the answers outside the "Autres…" catch-all groups; then the Civocracy
// proposals that have a primary theme.
func groupLoadSets(tb testing.TB, dir string) []groupSet {
	tb.Helper()
	nnv := groupReadCSV(tb, filepath.Join(dir, "nnv-answers.csv"))
	var questions []string
	byQuestion := make(map[string][]map[string]string)
	for _, r := range nnv {
		q := r["question_id"]
		if _, ok := byQuestion[q]; !ok {
			questions = append(questions, q)
		}
		byQuestion[q] = append(byQuestion[q], r)
	}
	var sets []groupSet
	for _, q := range questions {
		all := groupSet{name: "nnv-q" + q}
		rest := groupSet{name: "nnv-q" + q + "-no-autres"}
		for _, r := range byQuestion[q] {
			all.add(r["answer_id"], r["text"], r["group_id"])
			if !strings.HasPrefix(r["group_title"], "Autres") {
				rest.add(r["answer_id"], r["text"], r["group_id"])
			}
		}
		sets = append(sets, all, rest)
	}
	civ := groupSet{name: "civocracy"}
	for _, r := range groupReadCSV(tb, filepath.Join(dir, "civocracy-proposals.csv")) {
		if r["primary_theme"] != "" {
			civ.add(r["proposal_id"], r["text"], r["primary_theme"])
		}
	}
	return append(sets, civ)
}

func (s *groupSet) add(id, text, label string) {
	s.ids = append(s.ids, id)
	s.texts = append(s.texts, text)
	s.labels = append(s.labels, label)
}

// groupReadCSV reads a CSV file with a header into maps keyed by column name.
func groupReadCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Skipf("labelled data not available: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// groupWriteSet writes s as a CSV file with columns id,text,label.
func groupWriteSet(tb testing.TB, dir string, s groupSet) string {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "text", "label"})
	for i := range s.ids {
		w.Write([]string{s.ids[i], s.texts[i], s.labels[i]})
	}
	w.Flush()
	path := filepath.Join(dir, s.name+".csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// groupRunARI groups the file at path with runGroup, exactly as
// `atelier group` does, and scores the clusters against s's labels.
func groupRunARI(tb testing.TB, path string, s groupSet) (ari float64, clusters int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	if err := runGroup([]string{path, "--text-column", "text", "--id-column", "id"}, nil, &out, &errOut); err != nil {
		tb.Fatalf("runGroup(%s): %v (%s)", path, err, errOut.String())
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		tb.Fatalf("parse runGroup output: %v", err)
	}
	got := make([]string, 0, len(recs)-1)
	seen := make(map[string]bool)
	for i, rec := range recs[1:] {
		if rec[0] != s.ids[i] {
			tb.Fatalf("row %d: id %q, want %q", i, rec[0], s.ids[i])
		}
		got = append(got, rec[1])
		seen[rec[1]] = true
	}
	return groupARI(got, s.labels), len(seen)
}

// TestGroupingQuality prints, for every labelled set, the ARI of `atelier
// group` and of the scikit-learn anchor at its best threshold. It runs only
// with -quality.
func TestGroupingQuality(t *testing.T) {
	if !*groupQuality {
		t.Skip("run with -quality")
	}
	sets := groupLoadSets(t, *groupData)
	dir := t.TempDir()
	paths := make([]string, len(sets))
	for i, s := range sets {
		paths[i] = groupWriteSet(t, dir, s)
	}
	anchor := make(map[string][]string)
	cmd := exec.Command(*groupPython, append([]string{"../../scripts/sklearn_anchor.py"}, paths...)...)
	cmd.Stderr = os.Stderr
	if out, err := cmd.Output(); err != nil {
		t.Errorf("anchor: %v", err)
	} else {
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "\t")
			anchor[f[0]] = f[1:]
		}
	}
	opt := similar.DefaultOptions()
	fmt.Printf("DefaultOptions: %+v\n\n", opt)
	fmt.Println("| set | rows | labels | Atelier ARI | Atelier clusters | anchor ARI (best) | anchor threshold | anchor clusters |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	var sumA, sumB [2]float64
	var n [2]int
	for i, s := range sets {
		ari, k := groupRunARI(t, paths[i], s)
		a := anchor[paths[i]]
		if len(a) < 3 {
			a = []string{"n/a", "n/a", "n/a"}
		}
		fmt.Printf("| %s | %d | %d | %.3f | %d | %s | %s | %s |\n", s.name, len(s.ids), groupCount(s.labels), ari, k, a[1], a[0], a[2])
		if strings.HasPrefix(s.name, "nnv") {
			v := 0
			if strings.HasSuffix(s.name, "no-autres") {
				v = 1
			}
			sumA[v] += ari
			if x, err := strconv.ParseFloat(a[1], 64); err == nil {
				sumB[v] += x
			}
			n[v]++
		}
	}
	for v, name := range []string{"NNV mean, all answers", "NNV mean, without Autres"} {
		fmt.Printf("| %s | | | %.3f | | %.3f | | |\n", name, sumA[v]/float64(n[v]), sumB[v]/float64(n[v]))
	}
}

func groupCount(labels []string) int {
	m := make(map[string]bool)
	for _, l := range labels {
		m[l] = true
	}
	return len(m)
}

// TestGroupingSweep prints the ARI of similar.Group for a range of
// GroupThreshold values and, for each NNV question, the threshold that
// maximises the mean ARI over the other questions and Civocracy
// (leave one question out). It runs only with -quality-sweep.
func TestGroupingSweep(t *testing.T) {
	if !*groupSweep {
		t.Skip("run with -quality-sweep")
	}
	sets := groupLoadSets(t, *groupData)
	thresholds := []float64{0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2}
	scores := make([][]float64, len(sets))
	fmt.Print("| threshold |")
	for _, s := range sets {
		fmt.Printf(" %s |", s.name)
	}
	fmt.Println()
	for ti, th := range thresholds {
		opt := similar.DefaultOptions()
		opt.GroupThreshold = th
		opt.MinEdge = min(opt.MinEdge, th)
		fmt.Printf("| %.4f |", th)
		for si, s := range sets {
			docs := make([]similar.Doc, len(s.ids))
			for i := range s.ids {
				docs[i] = similar.Doc{ID: s.ids[i], Text: s.texts[i]}
			}
			got := make([]string, len(docs))
			pos := make(map[string]int, len(docs))
			for i, d := range docs {
				pos[d.ID] = i
			}
			for k, c := range similar.Group(docs, opt) {
				for _, id := range c.IDs {
					got[pos[id]] = strconv.Itoa(k)
				}
			}
			if ti == 0 {
				scores[si] = make([]float64, len(thresholds))
			}
			scores[si][ti] = groupARI(got, s.labels)
			fmt.Printf(" %.3f |", scores[si][ti])
		}
		fmt.Println()
	}
	// Leave one question out: both variants of a question are held out together.
	fmt.Println()
	for held := 0; held+1 < len(sets); held += 2 {
		bestT, bestMean := 0, -2.0
		for ti := range thresholds {
			var sum float64
			var n int
			for si := range sets {
				if si == held || si == held+1 {
					continue
				}
				sum += scores[si][ti]
				n++
			}
			if m := sum / float64(n); m > bestMean {
				bestT, bestMean = ti, m
			}
		}
		fmt.Printf("held out %s: threshold %.4f (mean ARI on the others %.3f) -> %.3f / %.3f without Autres\n",
			sets[held].name, thresholds[bestT], bestMean, scores[held][bestT], scores[held+1][bestT])
	}
}

// TestGroupReadDocsSpreadsheet reads what a French spreadsheet exports:
// a byte-order mark, semicolons, quoted text and blank rows.
func TestGroupReadDocsSpreadsheet(t *testing.T) {
	in := "\uFEFFid;text\n1;\"Un covoiturage; pour les réunions\"\n;\n2;Une formation\n"
	docs, err := groupReadDocs(strings.NewReader(in), "id", "text")
	if err != nil {
		t.Fatal(err)
	}
	want := []similar.Doc{{ID: "1", Text: "Un covoiturage; pour les réunions"}, {ID: "2", Text: "Une formation"}}
	if !slices.Equal(docs, want) {
		t.Errorf("groupReadDocs = %q; want %q", docs, want)
	}
}
