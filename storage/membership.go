package storage

import (
	"time"

	"atelier/consultation"
)

const codeColumns = `hash, kind, role, member_id, platform, created_at, expires_at, used_at, used_by`

// CreateCode implements consultation.Tx.
func (t *sqlTx) CreateCode(c *consultation.Code) error {
	_, err := t.exec("code", `INSERT INTO codes (`+codeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Hash, c.Kind, c.Role, ref(c.MemberID), c.Platform, stamp(c.CreatedAt), stamp(c.ExpiresAt), stamp(c.UsedAt), ref(c.UsedBy))
	return err
}

// Code implements consultation.Tx.
func (t *sqlTx) Code(hash string) (*consultation.Code, error) {
	c := &consultation.Code{}
	err := t.queryRow(`SELECT `+codeColumns+` FROM codes WHERE hash = ?`, hash).
		Scan(&c.Hash, &c.Kind, &c.Role, nullID{&c.MemberID}, &c.Platform, nullTime{&c.CreatedAt}, nullTime{&c.ExpiresAt}, nullTime{&c.UsedAt}, nullID{&c.UsedBy})
	if err != nil {
		return nil, mapError(err, "code")
	}
	return c, nil
}

// UpdateCode implements consultation.Tx.
func (t *sqlTx) UpdateCode(c *consultation.Code) error {
	res, err := t.exec("code", `UPDATE codes SET used_at = ?, used_by = ? WHERE hash = ?`, stamp(c.UsedAt), ref(c.UsedBy), c.Hash)
	return updated(res, err, "code")
}

// DeleteCodes implements consultation.Tx.
func (t *sqlTx) DeleteCodes(kind consultation.CodeKind) error {
	_, err := t.exec("codes", `DELETE FROM codes WHERE kind = ? AND used_at IS NULL`, kind)
	return err
}

// AddAttempt implements consultation.Tx.
func (t *sqlTx) AddAttempt(memberID int64, at time.Time) error {
	_, err := t.exec("attempt", `INSERT INTO code_attempts (member_id, at) VALUES (?, ?)`, memberID, stamp(at))
	return err
}

// Attempts implements consultation.Tx. Times are compared after decoding:
// their text form does not sort as time does.
func (t *sqlTx) Attempts(memberID int64, since time.Time) ([]time.Time, error) {
	rows, err := t.query(`SELECT at FROM code_attempts WHERE member_id = ? ORDER BY rowid`, memberID)
	if err != nil {
		return nil, mapError(err, "attempts")
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(nullTime{&at}); err != nil {
			return nil, mapError(err, "attempts")
		}
		if !at.Before(since) {
			out = append(out, at)
		}
	}
	return out, mapError(rows.Err(), "attempts")
}

// mergeStatements re-point every reference to a member (?1 is the member
// that goes, ?2 the one that stays). Rows keyed by member move with INSERT
// OR IGNORE so that what both members had is kept once. Deleting the
// member afterwards fails on any reference this list forgets, since
// foreign keys are on.
var mergeStatements = []string{
	`UPDATE identities SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE ideas SET author_id = ?2 WHERE author_id = ?1`,
	`INSERT OR IGNORE INTO supports (idea_id, member_id, created_at) SELECT idea_id, ?2, created_at FROM supports WHERE member_id = ?1`,
	`DELETE FROM supports WHERE member_id = ?1`,
	`INSERT OR IGNORE INTO electorates (consultation_id, kind, number, member_id) SELECT consultation_id, kind, number, ?2 FROM electorates WHERE member_id = ?1`,
	`DELETE FROM electorates WHERE member_id = ?1`,
	`UPDATE pending_ideas SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE suggestions SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE audit SET actor_id = ?2 WHERE actor_id = ?1`,
	`UPDATE audit SET subject_id = ?2 WHERE subject_id = ?1`,
	`UPDATE consultations SET created_by = ?2 WHERE created_by = ?1`,
	`UPDATE proposals SET created_by = ?2 WHERE created_by = ?1`,
	`UPDATE steps SET organiser_id = ?2 WHERE organiser_id = ?1`,
	`UPDATE members SET verified_by = ?2 WHERE verified_by = ?1`,
	`UPDATE codes SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE codes SET used_by = ?2 WHERE used_by = ?1`,
	`UPDATE code_attempts SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE roster SET member_id = ?2 WHERE member_id = ?1`,
	`UPDATE roster_claims SET member_id = ?2 WHERE member_id = ?1`,
}

// MergeMembers implements consultation.Tx.
func (t *sqlTx) MergeMembers(from, into int64) error {
	if _, err := t.Member(into); err != nil {
		return err
	}
	for _, q := range mergeStatements {
		if _, err := t.exec("merge members", q, from, into); err != nil {
			return err
		}
	}
	res, err := t.exec("member", `DELETE FROM members WHERE id = ?`, from)
	return updated(res, err, "member")
}

// DetachIdentity implements consultation.Tx.
func (t *sqlTx) DetachIdentity(p consultation.Platform, userID string, m *consultation.Member) error {
	if _, err := t.IdentityOf(p, userID); err != nil {
		return err
	}
	if err := t.insertMember(m); err != nil {
		return err
	}
	res, err := t.exec("identity", `UPDATE identities SET member_id = ? WHERE platform = ? AND user_id = ?`, m.ID, p, userID)
	return updated(res, err, "identity")
}

// RenameVoter implements consultation.Tx: the ballot changes hands, and
// an empty ballot of the new pseudonym, if any, goes. A new pseudonym that
// has rated in the round already is refused (ECONFLICT). The round's number
// of voters is unchanged: the same ratings count, under another name.
func (t *sqlTx) RenameVoter(roundID int64, from, to string) error {
	if _, err := t.exec("ballot", `DELETE FROM ballots WHERE round_id = ? AND voter = ?
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = ballots.round_id AND ballot = ballots.number)`, roundID, to); err != nil {
		return err
	}
	_, err := t.exec("ballot", `UPDATE ballots SET voter = ? WHERE round_id = ? AND voter = ?`, to, roundID, from)
	return err
}

// RenameVote implements consultation.Tx.
func (t *sqlTx) RenameVote(consultationID int64, from, to string) error {
	_, err := t.exec("vote", `UPDATE votes SET voter = ? WHERE consultation_id = ? AND voter = ?`, to, consultationID, from)
	return err
}

// RoundRatings implements consultation.Tx.
func (t *sqlTx) RoundRatings(roundID int64) ([]consultation.Rating, error) {
	return t.ratings(`WHERE b.round_id = ? ORDER BY b.voter, r.proposal_id`, roundID)
}
