package storage

import (
	"database/sql"

	"atelier/consultation"
)

const memberColumns = `id, name, status, role, lang, created_at, verified_at, verified_by, reminders_muted`

func scanMember(row interface{ Scan(...any) error }) (*consultation.Member, error) {
	m := &consultation.Member{}
	err := row.Scan(&m.ID, &m.Name, &m.Status, &m.Role, &m.Lang, nullTime{&m.CreatedAt}, nullTime{&m.VerifiedAt}, nullID{&m.VerifiedBy}, &m.Muted)
	return m, mapError(err, "member")
}

// CreateMember implements consultation.Tx.
func (t *sqlTx) CreateMember(m *consultation.Member, id consultation.Identity) error {
	if err := t.insertMember(m); err != nil {
		return err
	}
	id.MemberID = m.ID
	if _, err := t.exec("identity", `INSERT INTO identities (platform, user_id, member_id, username, name) VALUES (?, ?, ?, ?, ?)`,
		id.Platform, id.UserID, id.MemberID, id.Username, id.Name); err != nil {
		return err
	}
	return t.takeHandle(id)
}

// takeHandle leaves id's handle to id alone on its platform: an account
// that showed it before has changed it since, whether or not it has been
// seen again.
func (t *sqlTx) takeHandle(id consultation.Identity) error {
	if id.Username == "" {
		return nil
	}
	_, err := t.exec("identity", `UPDATE identities SET username = '' WHERE platform = ? AND username = ? COLLATE NOCASE AND user_id <> ?`,
		id.Platform, id.Username, id.UserID)
	return err
}

// insertMember writes m as a new member and sets its ID.
func (t *sqlTx) insertMember(m *consultation.Member) (err error) {
	m.ID, err = t.insert("member", `INSERT INTO members (name, status, role, lang, created_at, verified_at, verified_by, reminders_muted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Name, m.Status, m.Role, m.Lang, stamp(m.CreatedAt), stamp(m.VerifiedAt), ref(m.VerifiedBy), m.Muted)
	return err
}

// Member implements consultation.Tx.
func (t *sqlTx) Member(id int64) (*consultation.Member, error) {
	return scanMember(t.queryRow(`SELECT `+memberColumns+` FROM members WHERE id = ?`, id))
}

// UpdateMember implements consultation.Tx.
func (t *sqlTx) UpdateMember(m *consultation.Member) error {
	res, err := t.exec("member", `UPDATE members SET name = ?, status = ?, role = ?, lang = ?, verified_at = ?, verified_by = ?, reminders_muted = ? WHERE id = ?`,
		m.Name, m.Status, m.Role, m.Lang, stamp(m.VerifiedAt), ref(m.VerifiedBy), m.Muted, m.ID)
	return updated(res, err, "member")
}

// MemberByIdentity implements consultation.Tx.
func (t *sqlTx) MemberByIdentity(p consultation.Platform, userID string) (*consultation.Member, error) {
	return scanMember(t.queryRow(`SELECT `+memberColumns+` FROM members WHERE id = (SELECT member_id FROM identities WHERE platform = ? AND user_id = ?)`, p, userID))
}

const identityColumns = `platform, user_id, member_id, username, name`

func scanIdentity(row interface{ Scan(...any) error }) (consultation.Identity, error) {
	var id consultation.Identity
	err := row.Scan(&id.Platform, &id.UserID, &id.MemberID, &id.Username, &id.Name)
	return id, mapError(err, "identity")
}

// IdentityByUsername implements consultation.Tx. Handles compare without
// regard to case, and name the account that showed them last (see
// takeHandle; in a database written before handles were given up, two
// accounts may still hold one, and the one created last wins).
func (t *sqlTx) IdentityByUsername(p consultation.Platform, username string) (*consultation.Identity, error) {
	if username == "" {
		return nil, mapError(sql.ErrNoRows, "identity")
	}
	id, err := scanIdentity(t.queryRow(`SELECT `+identityColumns+` FROM identities WHERE platform = ? AND username = ? COLLATE NOCASE ORDER BY rowid DESC LIMIT 1`, p, username))
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// IdentityOf implements consultation.Tx.
func (t *sqlTx) IdentityOf(p consultation.Platform, userID string) (*consultation.Identity, error) {
	id, err := scanIdentity(t.queryRow(`SELECT `+identityColumns+` FROM identities WHERE platform = ? AND user_id = ?`, p, userID))
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// UpdateIdentity implements consultation.Tx.
func (t *sqlTx) UpdateIdentity(id consultation.Identity) error {
	res, err := t.exec("identity", `UPDATE identities SET username = ?, name = ?, member_id = ? WHERE platform = ? AND user_id = ?`,
		id.Username, id.Name, id.MemberID, id.Platform, id.UserID)
	if err := updated(res, err, "identity"); err != nil {
		return err
	}
	return t.takeHandle(id)
}

// Identities implements consultation.Tx.
func (t *sqlTx) Identities(memberID int64) ([]consultation.Identity, error) {
	rows, err := t.query(`SELECT `+identityColumns+` FROM identities WHERE member_id = ? ORDER BY platform, user_id`, memberID)
	if err != nil {
		return nil, mapError(err, "identities")
	}
	defer rows.Close()
	var out []consultation.Identity
	for rows.Next() {
		id, err := scanIdentity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, mapError(rows.Err(), "identities")
}

// Members implements consultation.Tx.
func (t *sqlTx) Members() ([]*consultation.Member, error) {
	rows, err := t.query(`SELECT ` + memberColumns + ` FROM members ORDER BY id`)
	if err != nil {
		return nil, mapError(err, "members")
	}
	defer rows.Close()
	var out []*consultation.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapError(rows.Err(), "members")
}
