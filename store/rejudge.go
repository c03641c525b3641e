package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"motcua/domain"
)

// RejudgeWindow selects the dossiers whose clock may have run in [From, To): received before
// To and not resolved or withdrawn before From.
type RejudgeWindow struct {
	From, To time.Time
}

// RejudgeBatch offers to fn, with its history, each of at most limit dossiers of the window
// whose id is above after, in id order, in one transaction that holds their rows (so an action
// on one of them waits for it, never the other way round, and intake never waits); fn returns
// the event that records what changed, or nil to leave the dossier as it is. It returns the
// last id offered (0 when there were none: the window is done) and how many changed. Each
// batch is short, so a calendar change over a province's history does not hold up the desk.
func (s *Store) RejudgeBatch(ctx context.Context, w RejudgeWindow, after int64, limit int,
	fn func(d *domain.Dossier, history []domain.Event) *domain.Event) (last int64, changed int, err error) {
	var lookups []string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("id > ? AND received_at < ? AND (COALESCE(resolved_at, withdrawn_at) IS NULL OR COALESCE(resolved_at, withdrawn_at) >= ?)",
			after, utc(w.To), utc(w.From)).Order("id").Limit(limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []dossierRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		histories, err := s.eventsOf(tx, ids)
		if err != nil {
			return err
		}
		now := s.now()
		for i := range rows {
			d := rows[i].domain()
			history := histories[d.ID]
			old := d.Version
			ev := fn(d, history)
			if ev == nil {
				continue
			}
			d.Version, d.UpdatedAt = old+1, now
			next := dossierToRow(d)
			res := tx.Model(&dossierRow{}).Where("id = ? AND version = ?", d.ID, old).Select("*").Omit("id", "created_at").Updates(&next)
			if res.Error != nil {
				return res.Error
			} else if res.RowsAffected != 1 {
				return domain.Errorf(domain.ECONFLICT, "dossier %s changed meanwhile", d.Code)
			}
			ev.Seq = len(history) + 1
			evRow := eventToRow(d.ID, ev, now)
			if err := tx.Create(&evRow).Error; err != nil {
				return err
			}
			if err := s.announce(tx, changedDossier, d.LookupID); err != nil {
				return err
			}
			lookups = append(lookups, d.LookupID)
		}
		last = rows[len(rows)-1].ID
		return nil
	})
	if err != nil {
		return 0, 0, translate(err)
	}
	for _, l := range lookups {
		s.changed(changedDossier, l)
	}
	return last, len(lookups), nil
}

// eventsOf returns the histories of the dossiers with ids, oldest event first.
func (s *Store) eventsOf(tx *gorm.DB, ids []int64) (map[int64][]domain.Event, error) {
	rows, err := tx.Raw(`SELECT dossier_id, seq, at, action, from_status, to_status, actor, note, details, recorded_at
		FROM dossier_events WHERE dossier_id IN ? ORDER BY dossier_id, seq`, ids).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64][]domain.Event, len(ids))
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.DossierID, &r.Seq, &r.At, &r.Action, &r.FromStatus, &r.ToStatus, &r.Actor, &r.Note,
			&r.Details, &r.RecordedAt); err != nil {
			return nil, err
		}
		e, err := r.domain()
		if err != nil {
			return nil, err
		}
		out[r.DossierID] = append(out[r.DossierID], e)
	}
	return out, rows.Err()
}
