package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"motcua/domain"
)

type calendarRow struct {
	Year          int `gorm:"primaryKey"`
	Holidays      string
	ExtraWorkdays string
	Source        string
	Kind          string
	UpdatedAt     time.Time
}

func (calendarRow) TableName() string { return "calendar_years" }

func dateList(ds []domain.Date) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func parseDateList(s string) []domain.Date {
	var strs []string
	json.Unmarshal([]byte(s), &strs)
	out := make([]domain.Date, 0, len(strs))
	for _, v := range strs {
		if d, err := domain.ParseDate(v); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// PutCalendarYear replaces one year's holidays and compensatory working days, with its kind
// (announced or custom; "" stores custom). EINVALID for a bad year or a statutory one: a
// statutory year is computed, never stored.
func (s *Store) PutCalendarYear(ctx context.Context, y domain.CalendarYear) error {
	if err := y.Validate(); err != nil {
		return err
	}
	kind := y.Kind
	switch kind {
	case "":
		kind = domain.CalendarCustom
	case domain.CalendarAnnounced, domain.CalendarCustom:
	default:
		return domain.Invalid("kind", "must be announced or custom")
	}
	row := calendarRow{Year: y.Year, Holidays: dateList(y.Holidays), ExtraWorkdays: dateList(y.ExtraWorkdays),
		Source: y.Source, Kind: string(kind), UpdatedAt: utc(s.now())}
	return translate(s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error)
}

// CalendarYears returns every loaded year, in order.
func (s *Store) CalendarYears(ctx context.Context) ([]domain.CalendarYear, error) {
	var rows []calendarRow
	if err := s.db.WithContext(ctx).Order("year").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.CalendarYear, len(rows))
	for i, r := range rows {
		out[i] = domain.CalendarYear{Year: r.Year, Holidays: parseDateList(r.Holidays),
			ExtraWorkdays: parseDateList(r.ExtraWorkdays), Source: r.Source, Kind: domain.CalendarKind(r.Kind)}
	}
	return out, nil
}

// CalendarStamp returns a value that changes whenever any year's calendar changes, so that
// replicas can tell when their cached calendar is stale.
func (s *Store) CalendarStamp(ctx context.Context) (string, error) {
	var n int64
	var m any
	row := s.db.WithContext(ctx).Raw("SELECT COUNT(*), MAX(updated_at) FROM calendar_years").Row()
	if err := row.Scan(&n, &m); err != nil {
		return "", translate(err)
	}
	return fmt.Sprint(n, "/", m), nil
}

// OpenDossierCodes returns the codes of every dossier that is still open, in id order.
func (s *Store) OpenDossierCodes(ctx context.Context) ([]string, error) {
	var codes []string
	err := s.db.WithContext(ctx).Model(&dossierRow{}).Where("status IN ?", openStatuses()).Order("id").Pluck("code", &codes).Error
	return codes, translate(err)
}

// UpdateOpenDossiers offers every open dossier to fn, one transaction each (see
// UpdateDossier); fn returns the event to record, or nil to leave the dossier as it is.
// It returns how many dossiers changed.
func (s *Store) UpdateOpenDossiers(ctx context.Context, fn func(d *domain.Dossier, history []domain.Event) *domain.Event) (int, error) {
	codes, err := s.OpenDossierCodes(ctx)
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, code := range codes {
		_, err := s.UpdateDossier(ctx, code, func(d *domain.Dossier, history []domain.Event) (*domain.Event, error) {
			ev := fn(d, history)
			if ev != nil {
				changed++
			}
			return ev, nil
		})
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return changed, err
		}
	}
	return changed, nil
}
