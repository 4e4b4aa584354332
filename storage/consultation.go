package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"atelier/consultation"
)

const consultationColumns = `id, title, phase, created_by, created_at, round, quorum, salt, supporters_vote`

// CreateConsultation implements consultation.Tx.
func (t *sqlTx) CreateConsultation(c *consultation.Consultation) (err error) {
	c.ID, err = t.insert("consultation", `INSERT INTO consultations (title, phase, created_by, created_at, round, quorum, salt, supporters_vote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Title, c.Phase, c.CreatedBy, stamp(c.CreatedAt), c.Round, c.Quorum, c.Salt, c.SupportersVote)
	if err != nil {
		return err
	}
	for i, g := range c.GroupIDs {
		if _, err := t.exec("consultation group", `INSERT INTO consultation_groups (consultation_id, group_id, position) VALUES (?, ?, ?)`, c.ID, g, i); err != nil {
			return err
		}
	}
	return t.putSteps(c)
}

func (t *sqlTx) putSteps(c *consultation.Consultation) error {
	for _, s := range c.Steps {
		_, err := t.exec("step", `INSERT INTO steps (consultation_id, phase, started_at, ended_at, deadline, organiser_id, planned_start) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (consultation_id, phase) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at,
			deadline = excluded.deadline, organiser_id = excluded.organiser_id, planned_start = excluded.planned_start`,
			c.ID, s.Phase, stamp(s.StartedAt), stamp(s.EndedAt), stamp(s.Deadline), ref(s.OrganiserID), stamp(s.PlannedStart))
		if err != nil {
			return err
		}
	}
	return nil
}

// Consultation implements consultation.Tx. The steps and groups come in
// the same query, as JSON arrays, since a consultation is read on every
// ballot press.
func (t *sqlTx) Consultation(id int64) (*consultation.Consultation, error) {
	version, err := t.version(id)
	if err != nil {
		return nil, err
	}
	if c := t.cache.consultation(id, version); c != nil {
		return c, nil
	}
	c := &consultation.Consultation{}
	var steps, groups string
	err = t.queryRow(`SELECT `+consultationColumns+`,
		(SELECT json_group_array(json_array(phase, started_at, ended_at, deadline, CAST(organiser_id AS TEXT), planned_start)) FROM steps WHERE consultation_id = c.id),
		(SELECT json_group_array(group_id ORDER BY position) FROM consultation_groups WHERE consultation_id = c.id)
		FROM consultations c WHERE id = ?`, id).
		Scan(&c.ID, &c.Title, &c.Phase, &c.CreatedBy, nullTime{&c.CreatedAt}, &c.Round, &c.Quorum, &c.Salt, &c.SupportersVote, &steps, &groups)
	if err != nil {
		return nil, mapError(err, "consultation")
	}
	var raw [][6]*string
	if err := json.Unmarshal([]byte(steps), &raw); err != nil {
		return nil, fmt.Errorf("consultation %d steps: %w", id, err)
	}
	for _, r := range raw {
		st := consultation.Step{Phase: consultation.Phase(deref(r[0]))}
		for i, dst := range []*time.Time{&st.StartedAt, &st.EndedAt, &st.Deadline, nil, &st.PlannedStart} {
			if dst != nil && r[i+1] != nil {
				if *dst, err = time.Parse(timeLayout, *r[i+1]); err != nil {
					return nil, fmt.Errorf("consultation %d steps: %w", id, err)
				}
			}
		}
		if r[4] != nil {
			if st.OrganiserID, err = strconv.ParseInt(*r[4], 10, 64); err != nil {
				return nil, fmt.Errorf("consultation %d steps: %w", id, err)
			}
		}
		*c.Step(st.Phase) = st
	}
	if err := json.Unmarshal([]byte(groups), &c.GroupIDs); err != nil {
		return nil, fmt.Errorf("consultation %d groups: %w", id, err)
	}
	t.keepConsultation(version, c)
	return c, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (t *sqlTx) ids(query string, args ...any) ([]int64, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, mapError(err, "ids")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err, "id")
		}
		out = append(out, id)
	}
	return out, mapError(rows.Err(), "ids")
}

// UpdateConsultation implements consultation.Tx.
func (t *sqlTx) UpdateConsultation(c *consultation.Consultation) error {
	res, err := t.exec("consultation", `UPDATE consultations SET title = ?, phase = ?, round = ?, quorum = ?, supporters_vote = ? WHERE id = ?`, c.Title, c.Phase, c.Round, c.Quorum, c.SupportersVote, c.ID)
	if err := updated(res, err, "consultation"); err != nil {
		return err
	}
	return t.putSteps(c)
}

// ConsultationsOfGroup implements consultation.Tx: newest first.
func (t *sqlTx) ConsultationsOfGroup(groupID int64) ([]*consultation.Consultation, error) {
	return t.consultations(`SELECT consultation_id FROM consultation_groups WHERE group_id = ? ORDER BY consultation_id DESC`, groupID)
}

// ConsultationsInPhase implements consultation.Tx: newest first.
func (t *sqlTx) ConsultationsInPhase(p consultation.Phase) ([]*consultation.Consultation, error) {
	return t.consultations(`SELECT id FROM consultations WHERE phase = ? ORDER BY id DESC`, p)
}

func (t *sqlTx) consultations(query string, args ...any) ([]*consultation.Consultation, error) {
	ids, err := t.ids(query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*consultation.Consultation, 0, len(ids))
	for _, id := range ids {
		c, err := t.Consultation(id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

const ideaColumns = `id, consultation_id, number, author_id, group_id, text, created_at, withdrawn, proposal_id,
	(SELECT count(*) FROM supports WHERE supports.idea_id = ideas.id)`

func scanIdea(row interface{ Scan(...any) error }) (*consultation.Idea, error) {
	i := &consultation.Idea{}
	err := row.Scan(&i.ID, &i.ConsultationID, &i.Number, &i.AuthorID, nullID{&i.GroupID}, &i.Text, nullTime{&i.CreatedAt}, &i.Withdrawn, nullID{&i.ProposalID}, &i.Supports)
	return i, mapError(err, "idea")
}

// CreateIdea implements consultation.Tx. Ideas are never deleted, so the
// next number is one more than the highest.
func (t *sqlTx) CreateIdea(i *consultation.Idea) error {
	err := t.queryRow(`INSERT INTO ideas (consultation_id, number, author_id, group_id, text, created_at, withdrawn, proposal_id)
		VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM ideas WHERE consultation_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id, number`,
		i.ConsultationID, i.AuthorID, ref(i.GroupID), i.Text, stamp(i.CreatedAt), i.Withdrawn, ref(i.ProposalID)).Scan(&i.ID, &i.Number)
	return mapError(err, "idea")
}

// Idea implements consultation.Tx.
func (t *sqlTx) Idea(consultationID int64, number int) (*consultation.Idea, error) {
	return scanIdea(t.queryRow(`SELECT `+ideaColumns+` FROM ideas WHERE consultation_id = ? AND number = ?`, consultationID, number))
}

// UpdateIdea implements consultation.Tx.
func (t *sqlTx) UpdateIdea(i *consultation.Idea) error {
	res, err := t.exec("idea", `UPDATE ideas SET text = ?, withdrawn = ?, proposal_id = ? WHERE id = ?`, i.Text, i.Withdrawn, ref(i.ProposalID), i.ID)
	return updated(res, err, "idea")
}

func (t *sqlTx) queryIdeas(where string, args ...any) ([]*consultation.Idea, error) {
	rows, err := t.query(`SELECT `+ideaColumns+` FROM ideas WHERE `+where+` ORDER BY number`, args...)
	if err != nil {
		return nil, mapError(err, "ideas")
	}
	defer rows.Close()
	var out []*consultation.Idea
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, mapError(rows.Err(), "ideas")
}

// Ideas implements consultation.Tx.
func (t *sqlTx) Ideas(consultationID int64) ([]*consultation.Idea, error) {
	return t.queryIdeas(`consultation_id = ?`, consultationID)
}

const proposalColumns = `id, consultation_id, number, title, created_by, created_at`

func scanProposal(row interface{ Scan(...any) error }) (*consultation.Proposal, error) {
	p := &consultation.Proposal{}
	err := row.Scan(&p.ID, &p.ConsultationID, &p.Number, &p.Title, &p.CreatedBy, nullTime{&p.CreatedAt})
	return p, mapError(err, "proposal")
}

// CreateProposal implements consultation.Tx. Numbers are never reused, even
// after a proposal is deleted.
func (t *sqlTx) CreateProposal(p *consultation.Proposal) error {
	err := t.queryRow(`UPDATE consultations SET proposal_seq = proposal_seq + 1 WHERE id = ? RETURNING proposal_seq`, p.ConsultationID).Scan(&p.Number)
	if err != nil {
		return mapError(err, "consultation")
	}
	p.ID, err = t.insert("proposal", `INSERT INTO proposals (consultation_id, number, title, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.ConsultationID, p.Number, p.Title, p.CreatedBy, stamp(p.CreatedAt))
	return err
}

// Proposal implements consultation.Tx.
func (t *sqlTx) Proposal(consultationID int64, number int) (*consultation.Proposal, error) {
	p, err := scanProposal(t.queryRow(`SELECT `+proposalColumns+` FROM proposals WHERE consultation_id = ? AND number = ?`, consultationID, number))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateProposal implements consultation.Tx.
func (t *sqlTx) UpdateProposal(p *consultation.Proposal) error {
	res, err := t.exec("proposal", `UPDATE proposals SET title = ? WHERE id = ?`, p.Title, p.ID)
	return updated(res, err, "proposal")
}

// DeleteProposal implements consultation.Tx.
func (t *sqlTx) DeleteProposal(id int64) error {
	if _, err := t.exec("idea", `UPDATE ideas SET proposal_id = NULL WHERE proposal_id = ?`, id); err != nil {
		return err
	}
	res, err := t.exec("proposal", `DELETE FROM proposals WHERE id = ?`, id)
	return updated(res, err, "proposal")
}

// Proposals implements consultation.Tx.
func (t *sqlTx) Proposals(consultationID int64) ([]*consultation.Proposal, error) {
	version, err := t.version(consultationID)
	if consultation.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ps, ok := t.cache.proposalList(consultationID, version); ok {
		return ps, nil
	}
	ps, err := t.proposals(consultationID)
	if err == nil {
		t.keepProposals(consultationID, version, ps)
	}
	return ps, err
}

func (t *sqlTx) proposals(consultationID int64) ([]*consultation.Proposal, error) {
	rows, err := t.query(`SELECT `+proposalColumns+` FROM proposals WHERE consultation_id = ? ORDER BY number`, consultationID)
	if err != nil {
		return nil, mapError(err, "proposals")
	}
	var out []*consultation.Proposal
	byID := make(map[int64]*consultation.Proposal)
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
		byID[p.ID] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "proposals")
	}
	ideas, err := t.queryIdeas(`consultation_id = ? AND proposal_id IS NOT NULL`, consultationID)
	if err != nil {
		return nil, err
	}
	for _, i := range ideas {
		if p := byID[i.ProposalID]; p != nil {
			p.Ideas = append(p.Ideas, i)
		}
	}
	return out, nil
}
