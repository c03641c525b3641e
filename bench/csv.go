package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"runtime"
	"time"

	"motcua/domain"
)

// WriteCSV writes cfg.Dossiers generated dossiers of the province as the bulk import CSV of
// API.md (header row, codes and due times given), in intake order, and returns how many rows
// it wrote. The rows are what Generate would store for the same cfg, less the parts the CSV
// has no column for.
func WriteCSV(ctx context.Context, w io.Writer, p *Province, cfg Config) (int, error) {
	if cfg.Dossiers <= 0 {
		cfg.Dossiers = 35_000
	}
	if cfg.From.IsZero() {
		cfg.From = DefaultFrom
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	cfg.Now = cfg.Now.Truncate(time.Second)
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	pl := newPlan(p, cfg)
	if len(pl.days) == 0 {
		return 0, domain.Invalid("from", "must be before the day of now")
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(domain.ImportColumns); err != nil {
		return 0, err
	}
	rows := 0
	rec := make([]string, len(domain.ImportColumns))
	err := pl.generate(ctx, func(b dayBatch) error {
		for _, g := range b.dossiers {
			d := g.d
			rec[0], rec[1], rec[2] = d.Code, d.AgencyCode, d.ProcedureCode
			rec[3], rec[4], rec[5] = d.Applicant.Name, d.Applicant.IDNumber, d.Applicant.Phone
			rec[6], rec[7] = string(d.Channel), string(d.ReturnChannel)
			rec[8], rec[9] = rfc3339(&d.ReceivedAt), rfc3339(&d.DueAt)
			rec[10], rec[11] = rfc3339(d.ResolvedAt), string(d.Outcome)
			rec[12], rec[13] = rfc3339(d.ReturnedAt), rfc3339(d.ApologizedAt)
			rec[14], rec[15] = "", rfc3339(d.WithdrawnAt)
			if d.ApologizedAt != nil {
				rec[14] = rfc3339(&d.AppointmentAt)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
			rows++
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Location).Format(time.RFC3339)
}
