package store

import (
	"context"
	"io"

	"gorm.io/gorm"

	"motcua/domain"
)

// ImportBatch is how many rows an import writes per statement.
const ImportBatch = 500

// ImportResult counts what an import did.
type ImportResult struct {
	Imported int `json:"imported"`
	Skipped  int `json:"skipped"`
}

// ImportItem is one valid import row and its line in the file.
type ImportItem struct {
	Line int
	*domain.ImportedDossier
}

// ImportDossiers stores every item next yields (until io.EOF) in one transaction: all or
// none. An item whose code exists with the same content is skipped; with other content the
// whole import fails with EUNPROCESSABLE listing each such line.
func (s *Store) ImportDossiers(ctx context.Context, next func() (ImportItem, error)) (ImportResult, error) {
	var res ImportResult
	var conflicts []domain.FieldError
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		batch := make([]ImportItem, 0, ImportBatch)
		for done := false; !done; {
			batch = batch[:0]
			for len(batch) < ImportBatch {
				it, err := next()
				if err == io.EOF {
					done = true
					break
				} else if err != nil {
					return err
				}
				batch = append(batch, it)
			}
			if len(batch) == 0 {
				break
			}
			n, skipped, bad, err := s.importBatch(tx, batch)
			if err != nil {
				return err
			}
			res.Imported += n
			res.Skipped += skipped
			conflicts = append(conflicts, bad...)
		}
		if len(conflicts) > 0 {
			return &domain.Error{Code: domain.EUNPROCESSABLE, Message: "Some rows clash with dossiers already stored; nothing was imported.", Fields: conflicts}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, translate(err)
	}
	return res, nil
}

func (s *Store) importBatch(tx *gorm.DB, batch []ImportItem) (imported, skipped int, conflicts []domain.FieldError, err error) {
	var codes []string
	for _, it := range batch {
		if it.Dossier.Code != "" {
			codes = append(codes, it.Dossier.Code)
		}
	}
	existing := map[string]*domain.Dossier{}
	if len(codes) > 0 {
		var rows []dossierRow
		if err := tx.Where("code IN ?", codes).Find(&rows).Error; err != nil {
			return 0, 0, nil, err
		}
		for i := range rows {
			existing[rows[i].Code] = rows[i].domain()
		}
	}
	now := s.now()
	var rows []dossierRow
	var fresh []ImportItem
	for _, it := range batch {
		d := it.Dossier
		if old := existing[d.Code]; old != nil {
			if domain.SameImport(old, d) {
				skipped++
			} else {
				conflicts = append(conflicts, domain.FieldError{Line: it.Line, Field: "code", Message: "exists with other content"})
			}
			continue
		}
		day := domain.DateOf(d.ReceivedAt)
		if d.Code == "" {
			seq, err := nextSequence(tx, d.AgencyCode, day)
			if err != nil {
				return 0, 0, nil, err
			}
			d.Code = domain.FormatCode(d.AgencyCode, day, seq)
		} else if _, cday, seq, err := domain.ParseCode(d.Code); err == nil && cday == day {
			if err := bumpSequence(tx, d.AgencyCode, day, seq); err != nil {
				return 0, 0, nil, err
			}
		}
		d.CreatedAt = now
		row := dossierToRow(d)
		row.ID = 0
		rows = append(rows, row)
		fresh = append(fresh, it)
	}
	if len(conflicts) > 0 || len(rows) == 0 {
		return 0, skipped, conflicts, nil
	}
	if err := tx.CreateInBatches(&rows, ImportBatch).Error; err != nil {
		if domain.ErrorCode(translate(err)) == domain.ECONFLICT {
			return 0, 0, nil, &domain.Error{Code: domain.EUNPROCESSABLE, Message: "A dossier code appears twice.",
				Fields: []domain.FieldError{{Line: fresh[0].Line, Field: "code", Message: "appears twice in this batch of rows"}}}
		}
		return 0, 0, nil, err
	}
	var events []eventRow
	for i, it := range fresh {
		for j := range it.Events {
			events = append(events, eventToRow(rows[i].ID, &it.Events[j], now))
		}
	}
	if err := tx.CreateInBatches(&events, ImportBatch).Error; err != nil {
		return 0, 0, nil, err
	}
	return len(rows), skipped, nil, nil
}
