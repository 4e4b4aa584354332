package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/consultation"
)

// TestAuditActionsNamed checks that every audit action the domain declares
// (a constant named Act…) has a name in the catalog.
func TestAuditActionsNamed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "consultation", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Act") {
				return true
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			action, _ := strconv.Unquote(lit.Value)
			found++
			if _, ok := catalog["action."+action]; !ok {
				t.Errorf("%s (%q) has no action.%s in the catalog", vs.Names[0].Name, action, action)
			}
			return true
		})
	}
	if found < 15 {
		t.Errorf("found %d audit actions; the search is broken", found)
	}
}

// TestAuditDetail checks how each shape of detail the domain records reads
// in French and English, and that an unknown one shows as recorded.
func TestAuditDetail(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, tc := range []struct {
		action, detail string
		fr, en         string
	}{
		{consultation.ActRole, "organiser", "organisateur·rice", "organiser"},
		{consultation.ActRole, "admin (configured)", "admin (configuration)", "admin (configured)"},
		{consultation.ActRole, "admin (setup code)", "admin (code d'installation)", "admin (setup code)"},
		{consultation.ActInvite, "2 × supporter", "2 × sympathisant·e", "2 × supporter"},
		{consultation.ActVerify, "invite", "par invitation", "by invite"},
		{consultation.ActVerify, "roster 0042", "liste des adhérent·es, n° 0042", "roster, no. 0042"},
		{consultation.ActSupporters, "supporters vote", "les sympathisant·es votent", "supporters vote"},
		{consultation.ActSupporters, "supporters do not vote", "les sympathisant·es ne votent pas", "supporters do not vote"},
		{consultation.ActRosterImport, "2 added, 0 updated, 1 unchanged", "2 ajouté·es, 0 mis·es à jour, 1 inchangé·es", "2 added, 0 updated, 1 unchanged"},
		{consultation.ActPhase, "draft → collecting", "brouillon → collecte des idées", "draft → collecting ideas"},
		{consultation.ActPhase, "results → adoption quorum 50%", "résultats → adoption · quorum 50 %", "results → adoption · quorum 50%"},
		{consultation.ActPhase, "deadline: collecting → grouping", "à l'échéance : collecte des idées → regroupement", "at the deadline: collecting ideas → grouping"},
		{consultation.ActPhase, "schedule: grouping → evaluating", "selon le calendrier : regroupement → évaluation", "as scheduled: grouping → evaluation"},
		{consultation.ActPhase, "deadline 2026-12-03T17:00:00Z", "échéance : 03/12/2026 18:00", "deadline: 2026-12-03 18:00"},
		{consultation.ActPhase, "schedule evaluating 2026-12-01T08:00:00Z → 2026-12-03T17:00:00Z",
			"évaluation prévue du 01/12/2026 09:00 au 03/12/2026 18:00", "evaluation planned from 2026-12-01 09:00 to 2026-12-03 18:00"},
		{consultation.ActPhase, "lapsed deadline evaluating", "échéance passée sans proposition : « évaluation » attend un·e organisateur·rice",
			"deadline passed with no proposal: “evaluation” waits for an organiser"},
		{consultation.ActPhase, "lapsed schedule evaluating", "ouverture prévue passée sans proposition : « évaluation » attend un·e organisateur·rice",
			"planned start passed with no proposal: “evaluation” waits for an organiser"},
		{consultation.ActGroup, "P1 ← #1 #2", "P1 ← #1 #2", "P1 ← #1 #2"},
		{consultation.ActPhase, "something new", "something new", "something new"},
	} {
		e := &consultation.AuditEntry{Action: tc.action, Detail: tc.detail}
		if got := auditDetail(French, e, paris); got != tc.fr {
			t.Errorf("%s %q in French = %q; want %q", tc.action, tc.detail, got, tc.fr)
		}
		if got := auditDetail(English, e, paris); got != tc.en {
			t.Errorf("%s %q in English = %q; want %q", tc.action, tc.detail, got, tc.en)
		}
	}
}
