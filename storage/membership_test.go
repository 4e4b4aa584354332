package storage_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atelier/consultation"
	"atelier/storage"
)

// TestMigrateMembersTable opens a database made before supporters existed,
// with members referred to from other tables, and checks that the rebuilt
// members table keeps every row and reference and accepts the new role.
func TestMigrateMembersTable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := storage.OldDatabase(t, path, "0005")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO members (id, name, status, role, created_at) VALUES (1, 'Alice', 'verified', 'admin', '2026-11-01T10:00:00Z')`)
	exec(`INSERT INTO members (id, name, status, role, created_at, verified_by) VALUES (2, 'Bob', 'verified', 'member', '2026-11-01T10:00:00Z', 1)`)
	exec(`INSERT INTO identities (platform, user_id, member_id, username) VALUES ('console', 'alice', 1, 'alice'), ('console', 'bob', 2, 'bob')`)
	exec(`INSERT INTO audit (at, actor_id, action, subject_id) VALUES ('2026-11-01T10:00:00Z', 1, 'verify', 2)`)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("open a database from before 0005: %v", err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx consultation.Tx) error {
		bob, err := tx.MemberByIdentity(consultation.Console, "bob")
		if err != nil || bob.ID != 2 || bob.VerifiedBy != 1 || bob.Name != "Bob" {
			t.Errorf("Bob after migration = %+v, %v", bob, err)
		}
		bob.Role = consultation.RoleSupporter
		if err := tx.UpdateMember(bob); err != nil {
			t.Errorf("a supporter is refused after migration: %v", err)
		}
		if es, err := tx.Audit(0, 0); err != nil || len(es) != 1 || es[0].SubjectID != 2 {
			t.Errorf("Audit after migration = %v, %v", es, err)
		}
		// Foreign keys are enforced again.
		bad := &consultation.Member{Name: "x", Status: consultation.Verified, Role: consultation.RoleMember, VerifiedBy: 99, CreatedAt: time.Now()}
		if err := tx.CreateMember(bad, consultation.Identity{Platform: consultation.Console, UserID: "x"}); err == nil {
			t.Error("a dangling verified_by was accepted: foreign keys are off")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
