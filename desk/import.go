package desk

import (
	"context"
	"io"

	"motcua/domain"
	"motcua/importer"
	"motcua/store"
)

// Import takes in every dossier of a CSV (API.md, bulk import) for who, all rows or none:
// each row is checked as an intake by who, as Intake checks one. EUNPROCESSABLE lists every
// bad row; EINVALID for a file that is not the CSV asked for.
func (d *Desk) Import(ctx context.Context, who *domain.Principal, r io.Reader) (store.ImportResult, error) {
	rules, err := d.Rules(ctx)
	if err != nil {
		return store.ImportResult{}, err
	}
	return importer.Run(ctx, d.store, rules, r, importer.Options{Who: who, Now: d.now()})
}
