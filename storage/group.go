package storage

import (
	"errors"

	"atelier/consultation"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const groupColumns = `id, platform, chat_id, title, locale, time_zone, created_at`

func scanGroup(row interface{ Scan(...any) error }) (*consultation.Group, error) {
	g := &consultation.Group{}
	err := row.Scan(&g.ID, &g.Platform, &g.ChatID, &g.Title, &g.Locale, &g.TimeZone, nullTime{&g.CreatedAt})
	return g, mapError(err, "group")
}

// CreateGroup implements consultation.Tx.
func (t *sqlTx) CreateGroup(g *consultation.Group) (err error) {
	g.ID, err = t.insert("group", `INSERT INTO groups (platform, chat_id, title, locale, time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		g.Platform, g.ChatID, g.Title, g.Locale, g.TimeZone, stamp(g.CreatedAt))
	return err
}

// GroupByChat implements consultation.Tx.
func (t *sqlTx) GroupByChat(p consultation.Platform, chatID string) (*consultation.Group, error) {
	return scanGroup(t.queryRow(`SELECT `+groupColumns+` FROM groups WHERE platform = ? AND chat_id = ?`, p, chatID))
}

// Group implements consultation.Tx.
func (t *sqlTx) Group(id int64) (*consultation.Group, error) {
	return scanGroup(t.queryRow(`SELECT `+groupColumns+` FROM groups WHERE id = ?`, id))
}

// UpdateGroup implements consultation.Tx.
func (t *sqlTx) UpdateGroup(g *consultation.Group) error {
	res, err := t.exec("group", `UPDATE groups SET title = ?, locale = ?, time_zone = ? WHERE id = ?`, g.Title, g.Locale, g.TimeZone, g.ID)
	return updated(res, err, "group")
}

// DeleteGroup implements consultation.Tx. The foreign keys of whatever a
// group holds refuse the delete.
func (t *sqlTx) DeleteGroup(id int64) error {
	if _, err := t.exec("digest", `DELETE FROM digests WHERE group_id = ?`, id); err != nil {
		return err
	}
	res, err := t.exec("group", `DELETE FROM groups WHERE id = ?`, id)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return consultation.Errorf(consultation.ECONFLICT, "group_in_use", "the group holds consultations")
	}
	return updated(res, err, "group")
}

// MoveGroup implements consultation.Tx.
func (t *sqlTx) MoveGroup(p consultation.Platform, oldChatID, newChatID string) error {
	res, err := t.exec("group", `UPDATE groups SET chat_id = ? WHERE platform = ? AND chat_id = ?`, newChatID, p, oldChatID)
	if err := updated(res, err, "group"); err != nil {
		return err
	}
	// Announcements follow the chat, the delivered ones too, so that none
	// is made twice; one that the new chat already has stays its own.
	if _, err := t.exec("outbox", `UPDATE OR IGNORE outbox SET chat_id = ? WHERE platform = ? AND chat_id = ?`, newChatID, p, oldChatID); err != nil {
		return err
	}
	_, err = t.exec("outbox", `DELETE FROM outbox WHERE platform = ? AND chat_id = ?`, p, oldChatID)
	return err
}
