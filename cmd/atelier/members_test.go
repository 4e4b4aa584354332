package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/storage"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// importRoster runs `atelier members import` and returns its output.
func importRoster(t *testing.T, db, file string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"members", "import", file, "--db", db}, env(nil), nil, &out, &errOut)
	return out.String(), err
}

// rosterOf reads the roster and the audit log of a database.
func rosterOf(t *testing.T, db string) (map[string]consultation.RosterEntry, []*consultation.AuditEntry) {
	t.Helper()
	st, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := map[string]consultation.RosterEntry{}
	var audit []*consultation.AuditEntry
	err = st.View(context.Background(), func(tx consultation.Tx) error {
		es, err := tx.RosterEntries()
		for _, e := range es {
			got[e.Number] = *e
		}
		if err != nil {
			return err
		}
		audit, err = tx.Audit(0, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, audit
}

func TestMembersImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "atelier.db")
	first := writeFile(t, dir, "adherents.csv", "\uFEFFNuméro d'adhérent;NOM;Section\r\n"+
		"30-0012;Martin Bruno;Nîmes\r\n"+
		"30-0013;\"Durand; Chloé\";Alès\r\n"+
		"300014;Sam Petit;\r\n"+
		";;\r\n")
	out, err := importRoster(t, db, first)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out, "3 added, 0 updated, 0 unchanged") {
		t.Errorf("import summary = %q", out)
	}
	got, audit := rosterOf(t, db)
	if len(got) != 3 || got["30-0013"].Name != "Durand; Chloé" || got["30-0012"].Section != "Nîmes" || got["300014"].Section != "" {
		t.Errorf("roster = %+v", got)
	}
	if len(audit) != 1 || audit[0].Action != consultation.ActRosterImport || audit[0].ActorID != 0 || audit[0].Detail != "3 added, 0 updated, 0 unchanged" {
		t.Errorf("audit = %+v; want one system entry with the counts", audit)
	}

	// A confirmed claim survives a re-import that renames its entry.
	st, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx consultation.Tx) error {
		m := &consultation.Member{Name: "bruno", Status: consultation.Verified, Role: consultation.RoleMember, CreatedAt: time.Now()}
		if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Console, UserID: "bruno"}); err != nil {
			return err
		}
		e, err := tx.RosterEntry("30-0012")
		if err != nil {
			return err
		}
		e.MemberID = m.ID
		return tx.UpdateRosterEntry(e)
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	second := writeFile(t, dir, "adherents2.csv", "number,name,section\n30-0012,Bruno Martin,Nîmes\n30-0013,\"Durand; Chloé\",Alès\n30-0015,Zoé Roux,Uzès\n")
	out, err = importRoster(t, db, second)
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if !strings.Contains(out, "1 added, 1 updated, 1 unchanged") || !strings.Contains(out, "1 already on the roster but not in this file (kept)") {
		t.Errorf("re-import summary = %q", out)
	}
	got, _ = rosterOf(t, db)
	if e := got["30-0012"]; e.Name != "Bruno Martin" || e.MemberID == 0 {
		t.Errorf("renamed entry = %+v; want the new name and its member kept", e)
	}
	if len(got) != 4 {
		t.Errorf("roster has %d entries; want 4 (absent ones kept)", len(got))
	}
}

func TestMembersImportRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, want string }{
		{"missing column", "numero;prenom;ville\n1;Ana;Nîmes\n", "no name column (columns: numero, prenom, ville)"},
		{"missing number", "nom,section\nAna,Nîmes\n", "no membership number column (columns: nom, section)"},
		{"ambiguous column", "number;numéro;nom\n1;1;Ana\n", "could be the membership number"},
		{"empty", " \n", "empty file"},
		{"header only", "number;name\n", "no members after the header"},
		{"not UTF-8", "number;name\n1;Ana\n2;Andr\xe9\n", "line 3 is not valid UTF-8"},
		{"duplicate numbers", "number;name\n1;Ana\n2;Bea\n 1 ;Cyd\n", `membership number "1" is on lines 2 and 4`},
		{"blank number", "number;name\n1;Ana\n ;Bea\n", "line 3: blank membership number"},
		{"blank name", "number;name\n1;Ana\n2; \n", `line 3: blank name for membership number "2"`},
		{"short row", "number;name;section\n1;Ana;Nîmes\n2\n", "line 3 has 1 fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "atelier.db")
			if _, err := importRoster(t, db, writeFile(t, t.TempDir(), "good.csv", "number;name\n7;Zoé\n")); err != nil {
				t.Fatal(err)
			}
			before, beforeAudit := rosterOf(t, db)
			_, err := importRoster(t, db, writeFile(t, dir, "bad.csv", tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("import = %v; want an error containing %q", err, tc.want)
			}
			if got, audit := rosterOf(t, db); len(got) != len(before) || got["7"] != before["7"] || len(audit) != len(beforeAudit) {
				t.Errorf("a refused import changed the roster to %+v, %d audit entries; want %+v, %d", got, len(audit), before, len(beforeAudit))
			}
		})
	}
	if _, err := importRoster(t, filepath.Join(dir, "x.db"), filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("import of a missing file succeeded")
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"members", "export"}, env(nil), nil, &out, &out); err == nil || !strings.Contains(err.Error(), "usage: atelier members import") {
		t.Errorf("members export = %v; want the usage", err)
	}
}
