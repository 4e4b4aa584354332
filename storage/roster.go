package storage

import "atelier/consultation"

const rosterColumns = `number, name, section, imported_at, member_id`

// CreateRosterEntry implements consultation.Tx.
func (t *sqlTx) CreateRosterEntry(e *consultation.RosterEntry) error {
	_, err := t.exec("roster entry", `INSERT INTO roster (`+rosterColumns+`) VALUES (?, ?, ?, ?, ?)`,
		e.Number, e.Name, e.Section, stamp(e.ImportedAt), ref(e.MemberID))
	return err
}

// RosterEntry implements consultation.Tx.
func (t *sqlTx) RosterEntry(number string) (*consultation.RosterEntry, error) {
	e := &consultation.RosterEntry{}
	err := t.queryRow(`SELECT `+rosterColumns+` FROM roster WHERE number = ?`, number).
		Scan(&e.Number, &e.Name, &e.Section, nullTime{&e.ImportedAt}, nullID{&e.MemberID})
	if err != nil {
		return nil, mapError(err, "roster entry")
	}
	return e, nil
}

// UpdateRosterEntry implements consultation.Tx.
func (t *sqlTx) UpdateRosterEntry(e *consultation.RosterEntry) error {
	res, err := t.exec("roster entry", `UPDATE roster SET name = ?, section = ?, imported_at = ?, member_id = ? WHERE number = ?`,
		e.Name, e.Section, stamp(e.ImportedAt), ref(e.MemberID), e.Number)
	return updated(res, err, "roster entry")
}

// RosterEntries implements consultation.Tx.
func (t *sqlTx) RosterEntries() ([]*consultation.RosterEntry, error) {
	rows, err := t.query(`SELECT ` + rosterColumns + ` FROM roster ORDER BY number`)
	if err != nil {
		return nil, mapError(err, "roster")
	}
	defer rows.Close()
	var out []*consultation.RosterEntry
	for rows.Next() {
		e := &consultation.RosterEntry{}
		if err := rows.Scan(&e.Number, &e.Name, &e.Section, nullTime{&e.ImportedAt}, nullID{&e.MemberID}); err != nil {
			return nil, mapError(err, "roster entry")
		}
		out = append(out, e)
	}
	return out, mapError(rows.Err(), "roster")
}

const claimColumns = `id, number, member_id, created_at, status`

// CreateRosterClaim implements consultation.Tx.
func (t *sqlTx) CreateRosterClaim(c *consultation.RosterClaim) (err error) {
	c.ID, err = t.insert("roster claim", `INSERT INTO roster_claims (number, member_id, created_at, status) VALUES (?, ?, ?, ?)`,
		c.Number, c.MemberID, stamp(c.CreatedAt), c.Status)
	return err
}

// RosterClaim implements consultation.Tx.
func (t *sqlTx) RosterClaim(id int64) (*consultation.RosterClaim, error) {
	c := &consultation.RosterClaim{}
	err := t.queryRow(`SELECT `+claimColumns+` FROM roster_claims WHERE id = ?`, id).
		Scan(&c.ID, &c.Number, &c.MemberID, nullTime{&c.CreatedAt}, &c.Status)
	if err != nil {
		return nil, mapError(err, "roster claim")
	}
	return c, nil
}

// UpdateRosterClaim implements consultation.Tx.
func (t *sqlTx) UpdateRosterClaim(c *consultation.RosterClaim) error {
	res, err := t.exec("roster claim", `UPDATE roster_claims SET status = ? WHERE id = ?`, c.Status, c.ID)
	return updated(res, err, "roster claim")
}

// RosterClaims implements consultation.Tx.
func (t *sqlTx) RosterClaims(status consultation.ClaimStatus) ([]*consultation.RosterClaim, error) {
	rows, err := t.query(`SELECT `+claimColumns+` FROM roster_claims WHERE status = ? ORDER BY id`, status)
	if err != nil {
		return nil, mapError(err, "roster claims")
	}
	defer rows.Close()
	var out []*consultation.RosterClaim
	for rows.Next() {
		c := &consultation.RosterClaim{}
		if err := rows.Scan(&c.ID, &c.Number, &c.MemberID, nullTime{&c.CreatedAt}, &c.Status); err != nil {
			return nil, mapError(err, "roster claim")
		}
		out = append(out, c)
	}
	return out, mapError(rows.Err(), "roster claims")
}
