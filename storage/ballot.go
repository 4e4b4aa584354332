package storage

import (
	"errors"
	"time"

	"atelier/consultation"
)

// CreateRound implements consultation.Tx.
func (t *sqlTx) CreateRound(r *consultation.Round) (err error) {
	r.ID, err = t.insert("round", `INSERT INTO rounds (consultation_id, number, opened_at, closed_at) VALUES (?, ?, ?, ?)`,
		r.ConsultationID, r.Number, stamp(r.OpenedAt), stamp(r.ClosedAt))
	return err
}

// Round implements consultation.Tx.
func (t *sqlTx) Round(consultationID int64, number int) (*consultation.Round, error) {
	r := &consultation.Round{}
	err := t.queryRow(`SELECT id, consultation_id, number, opened_at, closed_at, voters FROM rounds WHERE consultation_id = ? AND number = ?`, consultationID, number).
		Scan(&r.ID, &r.ConsultationID, &r.Number, nullTime{&r.OpenedAt}, nullTime{&r.ClosedAt}, &r.Voters)
	if err != nil {
		return nil, mapError(err, "round")
	}
	return r, nil
}

// UpdateRound implements consultation.Tx.
func (t *sqlTx) UpdateRound(r *consultation.Round) error {
	res, err := t.exec("round", `UPDATE rounds SET closed_at = ? WHERE id = ?`, stamp(r.ClosedAt), r.ID)
	return updated(res, err, "round")
}

// PutRating implements consultation.Tx. A voter's ratings are kept under
// the round's number for their ballot (migration 0014), looked up by the
// statement that writes the rating; a voter's first rating finds no ballot,
// writes nothing, and numbers one after the round's last before writing
// again.
func (t *sqlTx) PutRating(r consultation.Rating) error {
	for range 2 {
		res, err := t.exec("rating", `INSERT INTO ratings (round_id, ballot, proposal_id, impact, effort)
			SELECT round_id, number, ?, ?, ? FROM ballots WHERE round_id = ? AND voter = ?
			ON CONFLICT (round_id, ballot, proposal_id) DO UPDATE SET impact = excluded.impact, effort = excluded.effort`,
			r.ProposalID, r.Impact, r.Effort, r.RoundID, r.Voter)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return mapError(err, "rating")
		}
		if _, err := t.exec("ballot", `INSERT INTO ballots (round_id, voter, number)
			SELECT ?, ?, coalesce(max(number), 0) + 1 FROM ballots WHERE round_id = ?`, r.RoundID, r.Voter, r.RoundID); err != nil {
			return err
		}
	}
	return mapError(errors.New("rating written to no ballot"), "rating")
}

// Ratings implements consultation.Tx.
func (t *sqlTx) Ratings(roundID int64, voter string) ([]consultation.Rating, error) {
	return t.ratings(`WHERE b.round_id = ? AND b.voter = ? ORDER BY r.proposal_id`, roundID, voter)
}

// ratings reads the ratings a WHERE clause selects, with their voters'
// pseudonyms as b.voter.
func (t *sqlTx) ratings(where string, args ...any) ([]consultation.Rating, error) {
	rows, err := t.query(`SELECT r.round_id, r.proposal_id, b.voter, r.impact, r.effort
		FROM ballots b JOIN ratings r ON r.round_id = b.round_id AND r.ballot = b.number `+where, args...)
	if err != nil {
		return nil, mapError(err, "ratings")
	}
	defer rows.Close()
	var out []consultation.Rating
	for rows.Next() {
		var r consultation.Rating
		if err := rows.Scan(&r.RoundID, &r.ProposalID, &r.Voter, &r.Impact, &r.Effort); err != nil {
			return nil, mapError(err, "rating")
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err(), "ratings")
}

// RatingCounts implements consultation.Tx. Triggers keep the counts as
// ratings change (migration 0011, recreated on the ballot key by 0014).
func (t *sqlTx) RatingCounts(roundID int64) ([]consultation.RatingCount, error) {
	rows, err := t.query(`SELECT proposal_id, impact, effort, n FROM rating_counts WHERE round_id = ? AND n > 0 ORDER BY proposal_id, impact, effort`, roundID)
	if err != nil {
		return nil, mapError(err, "ratings")
	}
	defer rows.Close()
	var out []consultation.RatingCount
	for rows.Next() {
		var c consultation.RatingCount
		if err := rows.Scan(&c.ProposalID, &c.Impact, &c.Effort, &c.N); err != nil {
			return nil, mapError(err, "rating count")
		}
		out = append(out, c)
	}
	return out, mapError(rows.Err(), "ratings")
}

// Raters implements consultation.Tx.
func (t *sqlTx) Raters(roundID int64) (map[string]int, error) {
	rows, err := t.query(`SELECT b.voter, count(*) FROM ballots b JOIN ratings r ON r.round_id = b.round_id AND r.ballot = b.number
		WHERE b.round_id = ? AND r.impact <> 0 AND r.effort <> 0 GROUP BY b.voter`, roundID)
	if err != nil {
		return nil, mapError(err, "raters")
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var v string
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, mapError(err, "rater")
		}
		out[v] = n
	}
	return out, mapError(rows.Err(), "raters")
}

// SetElectorate implements consultation.Tx.
func (t *sqlTx) SetElectorate(p consultation.Poll, memberIDs []int64) error {
	if _, err := t.exec("electorate", `DELETE FROM electorates WHERE consultation_id = ? AND kind = ? AND number = ?`, p.ConsultationID, p.Kind, p.Number); err != nil {
		return err
	}
	for _, id := range memberIDs {
		if _, err := t.exec("electorate", `INSERT INTO electorates (consultation_id, kind, number, member_id) VALUES (?, ?, ?, ?)`,
			p.ConsultationID, p.Kind, p.Number, id); err != nil {
			return err
		}
	}
	return nil
}

// Electorate implements consultation.Tx.
func (t *sqlTx) Electorate(p consultation.Poll) ([]int64, error) {
	return t.ids(`SELECT member_id FROM electorates WHERE consultation_id = ? AND kind = ? AND number = ? ORDER BY member_id`, p.ConsultationID, p.Kind, p.Number)
}

// InElectorate implements consultation.Tx.
func (t *sqlTx) InElectorate(p consultation.Poll, memberID int64) (bool, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM electorates WHERE consultation_id = ? AND kind = ? AND number = ? AND member_id = ?`, p.ConsultationID, p.Kind, p.Number, memberID).Scan(&n)
	return n > 0, mapError(err, "electorate")
}

// PutVote implements consultation.Tx.
func (t *sqlTx) PutVote(consultationID int64, voter string, c consultation.Choice, at time.Time) error {
	_, err := t.exec("vote", `INSERT INTO votes (consultation_id, voter, choice, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (consultation_id, voter) DO UPDATE SET choice = excluded.choice, at = excluded.at`, consultationID, voter, c, stamp(at))
	return err
}

// Vote implements consultation.Tx.
func (t *sqlTx) Vote(consultationID int64, voter string) (consultation.Choice, error) {
	var c consultation.Choice
	err := t.queryRow(`SELECT choice FROM votes WHERE consultation_id = ? AND voter = ?`, consultationID, voter).Scan(&c)
	return c, mapError(err, "vote")
}

// VoteCounts implements consultation.Tx.
func (t *sqlTx) VoteCounts(consultationID int64) (map[consultation.Choice]int, error) {
	rows, err := t.query(`SELECT choice, count(*) FROM votes WHERE consultation_id = ? GROUP BY choice`, consultationID)
	if err != nil {
		return nil, mapError(err, "votes")
	}
	defer rows.Close()
	out := make(map[consultation.Choice]int)
	for rows.Next() {
		var c consultation.Choice
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, mapError(err, "vote count")
		}
		out[c] = n
	}
	return out, mapError(rows.Err(), "votes")
}

// AppendAudit implements consultation.Tx.
func (t *sqlTx) AppendAudit(e *consultation.AuditEntry) (err error) {
	e.ID, err = t.insert("audit entry", `INSERT INTO audit (at, actor_id, action, consultation_id, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		stamp(e.At), ref(e.ActorID), e.Action, ref(e.ConsultationID), ref(e.SubjectID), e.Detail)
	return err
}

// Audit implements consultation.Tx.
func (t *sqlTx) Audit(consultationID int64, limit int) ([]*consultation.AuditEntry, error) {
	if limit <= 0 {
		limit = -1
	}
	q := `SELECT id, at, actor_id, action, consultation_id, subject_id, detail FROM audit`
	args := []any{}
	if consultationID != 0 {
		q += ` WHERE consultation_id = ? OR consultation_id IS NULL`
		args = append(args, consultationID)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, mapError(err, "audit")
	}
	defer rows.Close()
	var out []*consultation.AuditEntry
	for rows.Next() {
		e := &consultation.AuditEntry{}
		if err := rows.Scan(&e.ID, nullTime{&e.At}, nullID{&e.ActorID}, &e.Action, nullID{&e.ConsultationID}, nullID{&e.SubjectID}, &e.Detail); err != nil {
			return nil, mapError(err, "audit entry")
		}
		out = append(out, e)
	}
	return out, mapError(rows.Err(), "audit")
}
