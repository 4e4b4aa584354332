package storage

import (
	"sort"
	"time"

	"atelier/consultation"
)

// sortableLayout writes UTC times at a fixed width, so that the outbox's
// times compare in SQL as they sort.
const sortableLayout = "2006-01-02T15:04:05.000000000Z"

func sortable(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(sortableLayout)
}

const outboxColumns = `id, platform, chat_id, kind, consultation_id, dedupe, payload, created_at, due_at, attempts, last_error, sent_at, abandoned_at`

// AddOutbox implements consultation.Tx.
func (t *sqlTx) AddOutbox(o *consultation.OutboxItem) (bool, error) {
	res, err := t.exec("outbox item", `INSERT INTO outbox (platform, chat_id, kind, consultation_id, dedupe, payload, created_at, due_at, attempts, last_error, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, consultation_id, platform, chat_id, dedupe) DO NOTHING`,
		o.Platform, o.ChatID, o.Kind, o.ConsultationID, o.Dedupe, o.Payload, sortable(o.CreatedAt), sortable(o.DueAt), o.Attempts, o.LastError, sortable(o.SentAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	o.ID, err = res.LastInsertId()
	return true, err
}

// Outbox implements consultation.Tx.
func (t *sqlTx) Outbox(id int64) (*consultation.OutboxItem, error) {
	o := &consultation.OutboxItem{}
	err := t.queryRow(`SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id).Scan(outboxDest(o)...)
	if err != nil {
		return nil, mapError(err, "outbox item")
	}
	return o, nil
}

func outboxDest(o *consultation.OutboxItem) []any {
	return []any{&o.ID, &o.Platform, &o.ChatID, &o.Kind, &o.ConsultationID, &o.Dedupe, &o.Payload,
		nullTime{&o.CreatedAt}, nullTime{&o.DueAt}, &o.Attempts, &o.LastError, nullTime{&o.SentAt}, nullTime{&o.AbandonedAt}}
}

// DueOutbox implements consultation.Tx.
func (t *sqlTx) DueOutbox(p consultation.Platform, now time.Time, limit int) ([]*consultation.OutboxItem, error) {
	rows, err := t.query(`SELECT `+outboxColumns+` FROM outbox o
		WHERE platform = ? AND sent_at IS NULL AND abandoned_at IS NULL AND due_at <= ?
		AND id = (SELECT min(id) FROM outbox h WHERE h.platform = o.platform AND h.chat_id = o.chat_id AND h.sent_at IS NULL AND h.abandoned_at IS NULL)
		ORDER BY id LIMIT ?`, p, sortable(now), limit)
	if err != nil {
		return nil, mapError(err, "outbox")
	}
	defer rows.Close()
	var out []*consultation.OutboxItem
	for rows.Next() {
		o := &consultation.OutboxItem{}
		if err := rows.Scan(outboxDest(o)...); err != nil {
			return nil, mapError(err, "outbox item")
		}
		out = append(out, o)
	}
	return out, mapError(rows.Err(), "outbox")
}

// UpdateOutbox implements consultation.Tx.
func (t *sqlTx) UpdateOutbox(o *consultation.OutboxItem) error {
	res, err := t.exec("outbox item", `UPDATE outbox SET attempts = ?, last_error = ?, due_at = ?, sent_at = ?, abandoned_at = ? WHERE id = ?`,
		o.Attempts, o.LastError, sortable(o.DueAt), sortable(o.SentAt), sortable(o.AbandonedAt), o.ID)
	return updated(res, err, "outbox item")
}

// DueConsultations implements consultation.Tx. Step times are stored as
// RFC 3339 text of varying width, so they are compared here, not in SQL.
func (t *sqlTx) DueConsultations(now time.Time) ([]int64, error) {
	rows, err := t.query(`SELECT c.id, s.deadline FROM consultations c
		JOIN steps s ON s.consultation_id = c.id AND s.phase = c.phase
		WHERE s.deadline IS NOT NULL`)
	if err != nil {
		return nil, mapError(err, "consultations")
	}
	defer rows.Close()
	type due struct {
		id int64
		at time.Time
	}
	var all []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, nullTime{&d.at}); err != nil {
			return nil, mapError(err, "consultation")
		}
		if !d.at.After(now) {
			all = append(all, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "consultations")
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].at.Equal(all[j].at) {
			return all[i].at.Before(all[j].at)
		}
		return all[i].id < all[j].id
	})
	out := make([]int64, len(all))
	for i, d := range all {
		out[i] = d.id
	}
	return out, nil
}
