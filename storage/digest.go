package storage

import "atelier/consultation"

// DigestSchedules implements consultation.Tx.
func (t *sqlTx) DigestSchedules() ([]*consultation.DigestSchedule, error) {
	rows, err := t.query(`SELECT g.id, g.platform, g.chat_id, g.title, g.locale, g.time_zone, g.created_at, coalesce(d.spec, ''), d.last_sent_at
		FROM groups g LEFT JOIN digests d ON d.group_id = g.id ORDER BY g.id`)
	if err != nil {
		return nil, mapError(err, "digests")
	}
	defer rows.Close()
	var out []*consultation.DigestSchedule
	for rows.Next() {
		d := &consultation.DigestSchedule{Group: &consultation.Group{}}
		g := d.Group
		if err := rows.Scan(&g.ID, &g.Platform, &g.ChatID, &g.Title, &g.Locale, &g.TimeZone, nullTime{&g.CreatedAt}, &d.Spec, nullTime{&d.LastSentAt}); err != nil {
			return nil, mapError(err, "digest")
		}
		out = append(out, d)
	}
	return out, mapError(rows.Err(), "digests")
}

// DigestSchedule implements consultation.Tx.
func (t *sqlTx) DigestSchedule(groupID int64) (*consultation.DigestSchedule, error) {
	g, err := t.Group(groupID)
	if err != nil {
		return nil, err
	}
	d := &consultation.DigestSchedule{Group: g}
	err = t.queryRow(`SELECT spec, last_sent_at FROM digests WHERE group_id = ?`, groupID).Scan(&d.Spec, nullTime{&d.LastSentAt})
	if err := mapError(err, "digest"); err != nil && !consultation.IsNotFound(err) {
		return nil, err
	}
	return d, nil
}

// PutDigestSchedule implements consultation.Tx.
func (t *sqlTx) PutDigestSchedule(d *consultation.DigestSchedule) error {
	_, err := t.exec("digest", `INSERT INTO digests (group_id, spec, last_sent_at) VALUES (?, ?, ?)
		ON CONFLICT (group_id) DO UPDATE SET spec = excluded.spec, last_sent_at = excluded.last_sent_at`,
		d.Group.ID, d.Spec, stamp(d.LastSentAt))
	return err
}

// GroupsOfMember implements consultation.Tx.
func (t *sqlTx) GroupsOfMember(memberID int64) ([]*consultation.Group, error) {
	rows, err := t.query(`SELECT `+groupColumns+` FROM groups WHERE id IN (
		SELECT cg.group_id FROM consultation_groups cg WHERE cg.consultation_id IN (
			SELECT consultation_id FROM ideas WHERE author_id = ?
			UNION SELECT consultation_id FROM electorates WHERE member_id = ?))
		ORDER BY id`, memberID, memberID)
	if err != nil {
		return nil, mapError(err, "groups")
	}
	defer rows.Close()
	var out []*consultation.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, mapError(rows.Err(), "groups")
}
