package desk

import (
	"context"
	"time"

	"motcua/domain"
	"motcua/store"
)

// Appendix computes the appendix of agency a for period p from the records as they are now,
// with the catalogue as it stood on the period's last day and the manual figures entered for
// the period, and returns it with the per-field rows it was built from. It is stamped now and
// is live; its figures satisfy Appendix.Check (EINTERNAL otherwise, which would be a bug).
func (d *Desk) Appendix(ctx context.Context, a *domain.Agency, p domain.Period) (*domain.Appendix, []domain.FieldRow, error) {
	levels, err := d.store.LevelsUnder(ctx, a.Path)
	if err != nil {
		return nil, nil, err
	}
	fields, activity, err := d.store.ReportFigures(ctx, a.Path, p)
	if err != nil {
		return nil, nil, err
	}
	fbReceived, fbResolved, err := d.store.FeedbackCounts(ctx, a.Path, p)
	if err != nil {
		return nil, nil, err
	}
	surveys, err := d.store.SurveyCounts(ctx, a.Path, p)
	if err != nil {
		return nil, nil, err
	}
	catalogue, _, err := d.store.ListProcedures(ctx, store.ProcedureFilter{AsOf: p.To})
	if err != nil {
		return nil, nil, err
	}
	manual, _, err := d.store.ManualFigures(ctx, a.Code, p.Key())
	if err != nil {
		return nil, nil, err
	}
	app := domain.BuildAppendix(domain.AppendixInput{AgencyCode: a.Code, Period: p, Levels: levels, Fields: fields,
		Catalogue: catalogue, Activity: activity, FeedbackReceived: fbReceived, FeedbackResolved: fbResolved, Surveys: surveys,
		Manual: manual, GeneratedAt: d.now().In(domain.Location).Truncate(time.Second)})
	if err := app.Check(); err != nil {
		return nil, nil, err
	}
	for _, r := range fields {
		if err := r.Check(); err != nil {
			return nil, nil, err
		}
	}
	return app, fields, nil
}

// Freeze computes agency a's appendix for period p now and stores it as a snapshot under key
// (p.Key(), or the key of a to-date snapshot), made by. With first it stores revision 1 only
// when the key has no snapshot yet, so that several replicas freezing the same period store
// it once (created is false for the others); otherwise it adds the next revision.
func (d *Desk) Freeze(ctx context.Context, a *domain.Agency, p domain.Period, key, by string, first bool) (snap *store.Snapshot, created bool, err error) {
	if first {
		if has, err := d.store.HasSnapshot(ctx, a.Code, key); err != nil || has {
			return nil, false, err
		}
	}
	app, fields, err := d.Appendix(ctx, a, p)
	if err != nil {
		return nil, false, err
	}
	snap = &store.Snapshot{AgencyCode: a.Code, PeriodKey: key, Appendix: app, Fields: fields, CreatedBy: by, CreatedAt: d.now()}
	if first {
		created, err = d.store.CreateFirstSnapshot(ctx, snap)
		return snap, created, err
	}
	return snap, true, d.store.CreateSnapshot(ctx, snap)
}
