package storage

import (
	"strconv"
	"strings"
	"time"

	"atelier/consultation"
)

// PutSupport implements consultation.Tx.
func (t *sqlTx) PutSupport(ideaID, memberID int64, at time.Time) error {
	_, err := t.exec("support", `INSERT INTO supports (idea_id, member_id, created_at) VALUES (?, ?, ?)`, ideaID, memberID, stamp(at))
	return err
}

// numbers encodes idea numbers as "1,4,7".
func numbers(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// numberList decodes numbers.
type numberList struct{ ns *[]int }

func (l numberList) Scan(v any) error {
	s, _ := v.(string)
	*l.ns = nil
	for _, f := range strings.Split(s, ",") {
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return err
		}
		*l.ns = append(*l.ns, n)
	}
	return nil
}

// CreatePendingIdea implements consultation.Tx.
func (t *sqlTx) CreatePendingIdea(p *consultation.PendingIdea) error {
	_, err := t.exec("pending idea", `INSERT INTO pending_ideas (token, consultation_id, member_id, group_id, text, close, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Token, p.ConsultationID, p.MemberID, ref(p.GroupID), p.Text, numbers(p.Close), stamp(p.CreatedAt), stamp(p.ExpiresAt))
	return err
}

// PendingIdea implements consultation.Tx.
func (t *sqlTx) PendingIdea(token string) (*consultation.PendingIdea, error) {
	p := &consultation.PendingIdea{}
	err := t.queryRow(`SELECT token, consultation_id, member_id, group_id, text, close, created_at, expires_at FROM pending_ideas WHERE token = ?`, token).
		Scan(&p.Token, &p.ConsultationID, &p.MemberID, nullID{&p.GroupID}, &p.Text, numberList{&p.Close}, nullTime{&p.CreatedAt}, nullTime{&p.ExpiresAt})
	if err != nil {
		return nil, mapError(err, "pending idea")
	}
	return p, nil
}

// DeletePendingIdea implements consultation.Tx.
func (t *sqlTx) DeletePendingIdea(token string) error {
	res, err := t.exec("pending idea", `DELETE FROM pending_ideas WHERE token = ?`, token)
	return updated(res, err, "pending idea")
}

// DeleteExpiredPendingIdeas implements consultation.Tx. Times are stored
// as UTC RFC 3339 text, whose order is time order only at a fixed width,
// so the comparison is made on parsed times.
func (t *sqlTx) DeleteExpiredPendingIdeas(now time.Time) error {
	rows, err := t.query(`SELECT token, expires_at FROM pending_ideas WHERE expires_at <= ?`, stamp(now.Add(time.Second)))
	if err != nil {
		return mapError(err, "pending ideas")
	}
	var gone []string
	for rows.Next() {
		var tok string
		var at time.Time
		if err := rows.Scan(&tok, nullTime{&at}); err != nil {
			rows.Close()
			return mapError(err, "pending ideas")
		}
		if !at.After(now) {
			gone = append(gone, tok)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return mapError(err, "pending ideas")
	}
	for _, tok := range gone {
		if _, err := t.exec("pending idea", `DELETE FROM pending_ideas WHERE token = ?`, tok); err != nil {
			return err
		}
	}
	return nil
}

const suggestionColumns = `token, consultation_id, member_id, numbers, dropped, title, status, created_at, expires_at`

func scanSuggestion(row interface{ Scan(...any) error }) (*consultation.Suggestion, error) {
	sg := &consultation.Suggestion{}
	err := row.Scan(&sg.Token, &sg.ConsultationID, &sg.MemberID, numberList{&sg.Numbers}, numberList{&sg.Dropped}, &sg.Title, &sg.Status, nullTime{&sg.CreatedAt}, nullTime{&sg.ExpiresAt})
	return sg, mapError(err, "suggestion")
}

// CreateSuggestion implements consultation.Tx.
func (t *sqlTx) CreateSuggestion(sg *consultation.Suggestion) error {
	_, err := t.exec("suggestion", `INSERT INTO suggestions (`+suggestionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sg.Token, sg.ConsultationID, sg.MemberID, numbers(sg.Numbers), numbers(sg.Dropped), sg.Title, sg.Status, stamp(sg.CreatedAt), stamp(sg.ExpiresAt))
	return err
}

// Suggestion implements consultation.Tx.
func (t *sqlTx) Suggestion(token string) (*consultation.Suggestion, error) {
	sg, err := scanSuggestion(t.queryRow(`SELECT `+suggestionColumns+` FROM suggestions WHERE token = ?`, token))
	if err != nil {
		return nil, err
	}
	return sg, nil
}

// UpdateSuggestion implements consultation.Tx.
func (t *sqlTx) UpdateSuggestion(sg *consultation.Suggestion) error {
	res, err := t.exec("suggestion", `UPDATE suggestions SET numbers = ?, dropped = ?, title = ?, status = ? WHERE token = ?`,
		numbers(sg.Numbers), numbers(sg.Dropped), sg.Title, sg.Status, sg.Token)
	return updated(res, err, "suggestion")
}

// Suggestions implements consultation.Tx.
func (t *sqlTx) Suggestions(consultationID, memberID int64) ([]*consultation.Suggestion, error) {
	rows, err := t.query(`SELECT `+suggestionColumns+` FROM suggestions WHERE consultation_id = ? AND member_id = ? ORDER BY rowid`, consultationID, memberID)
	if err != nil {
		return nil, mapError(err, "suggestions")
	}
	defer rows.Close()
	var out []*consultation.Suggestion
	for rows.Next() {
		sg, err := scanSuggestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, mapError(rows.Err(), "suggestions")
}
