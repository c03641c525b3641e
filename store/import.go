package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"motcua/domain"
)

// ImportBatch is how many rows an import reads and checks at a time.
const ImportBatch = 2000

// sqliteRowsPerInsert is how many rows one INSERT of an import carries on the embedded
// database (PostgreSQL imports with COPY): the pure-Go SQLite driver binds parameters in
// time quadratic in their number, so it gets small statements.
const sqliteRowsPerInsert = 50

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
	db := s.db.WithContext(ctx)
	var conn *sql.Conn // PostgreSQL: the transaction's connection, for COPY
	if s.dialect == Postgres {
		c, err := s.sqlDB.Conn(ctx)
		if err != nil {
			return ImportResult{}, translate(err)
		}
		defer c.Close()
		conn = c
		db = db.Session(&gorm.Session{})
		db.Statement.ConnPool = conn
	}
	err := db.Transaction(func(tx *gorm.DB) error {
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
			n, skipped, bad, err := s.importBatch(ctx, tx, conn, batch)
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

// importBatch stores a batch of rows in tx; on PostgreSQL conn is tx's connection, and the
// rows go in with COPY.
func (s *Store) importBatch(ctx context.Context, tx *gorm.DB, conn *sql.Conn, batch []ImportItem) (imported, skipped int, conflicts []domain.FieldError, err error) {
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
	type seqKey struct {
		agency string
		day    domain.Date
	}
	given := map[seqKey]int{}   // the highest sequence number a given code uses, per agency and day
	missing := map[seqKey]int{} // how many rows need a generated code, per agency and day
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
			missing[seqKey{d.AgencyCode, day}]++
		} else if _, cday, seq, err := domain.ParseCode(d.Code); err == nil && cday == day {
			k := seqKey{d.AgencyCode, day}
			given[k] = max(given[k], seq)
		}
		fresh = append(fresh, it)
	}
	if len(conflicts) > 0 || len(fresh) == 0 {
		return 0, skipped, conflicts, nil
	}
	// The daily sequences move past the given codes in one statement per batch; then each
	// agency and day that needs codes takes a block of numbers at once.
	sortedKeys := func(m map[seqKey]int) []seqKey { // a fixed order, so that concurrent imports lock rows alike
		keys := make([]seqKey, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i].agency < keys[j].agency || keys[i].agency == keys[j].agency && keys[i].day.Before(keys[j].day)
		})
		return keys
	}
	if len(given) > 0 {
		var sb strings.Builder
		var args []any
		sb.WriteString("INSERT INTO dossier_sequences (agency_code, day, last) VALUES ")
		for i, k := range sortedKeys(given) {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, k.agency, k.day.String(), given[k])
		}
		sb.WriteString(` ON CONFLICT (agency_code, day) DO UPDATE SET last = CASE WHEN dossier_sequences.last < excluded.last
			THEN excluded.last ELSE dossier_sequences.last END`)
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return 0, 0, nil, err
		}
	}
	next := map[seqKey]int{}
	for _, k := range sortedKeys(missing) {
		n := missing[k]
		last, err := takeSequences(tx, k.agency, k.day, n)
		if err != nil {
			return 0, 0, nil, err
		}
		next[k] = last - n + 1
	}
	for _, it := range fresh {
		d := it.Dossier
		if d.Code == "" {
			k := seqKey{d.AgencyCode, domain.DateOf(d.ReceivedAt)}
			d.Code = domain.FormatCode(d.AgencyCode, k.day, next[k])
			next[k]++
		}
		d.CreatedAt = now
		row := dossierToRow(d)
		row.ID = 0
		rows = append(rows, row)
	}
	if conn != nil {
		err = copyDossiers(ctx, tx, conn, rows, fresh, now)
	} else {
		err = insertDossiers(tx, rows, fresh, now, sqliteRowsPerInsert)
	}
	if err != nil {
		if domain.ErrorCode(translate(err)) == domain.ECONFLICT {
			return 0, 0, nil, &domain.Error{Code: domain.EUNPROCESSABLE, Message: "A dossier code appears twice.",
				Fields: []domain.FieldError{{Line: fresh[0].Line, Field: "code", Message: "appears twice in this batch of rows"}}}
		}
		return 0, 0, nil, err
	}
	return len(rows), skipped, nil, nil
}

// insertDossiers stores rows and the events of fresh (rows[i] is fresh[i]'s dossier) with
// multi-row INSERTs of at most per rows.
func insertDossiers(tx *gorm.DB, rows []dossierRow, fresh []ImportItem, now time.Time, per int) error {
	if err := tx.CreateInBatches(&rows, per).Error; err != nil {
		return err
	}
	events := importEvents(rows, fresh, now)
	return tx.CreateInBatches(&events, per).Error
}

// copyDossiers is insertDossiers with COPY, on conn, the connection of tx (PostgreSQL): the
// ids come from the dossiers' sequence first, so that the events can name them.
func copyDossiers(ctx context.Context, tx *gorm.DB, conn *sql.Conn, rows []dossierRow, fresh []ImportItem, now time.Time) error {
	var ids []int64
	// The sequence of the BIGSERIAL (migration 0001), named once: pg_get_serial_sequence
	// would look it up again for every id.
	if err := tx.Raw("SELECT nextval('dossiers_id_seq'::regclass) FROM generate_series(1, ?)", len(rows)).
		Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) != len(rows) {
		return fmt.Errorf("import: %d dossier ids for %d rows", len(ids), len(rows))
	}
	for i := range rows {
		rows[i].ID = ids[i]
	}
	built := make(chan []eventRow, 1) // the events are built while the database takes the dossiers
	go func() { built <- importEvents(rows, fresh, now) }()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"dossiers"}, strings.Fields(strings.ReplaceAll(dossierColumns, ",", " ")),
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) { return rows[i].values(), nil }))
		if err != nil {
			return err
		}
		events := <-built
		_, err = pc.CopyFrom(ctx, pgx.Identifier{"dossier_events"},
			[]string{"dossier_id", "seq", "at", "action", "from_status", "to_status", "actor", "note", "details", "recorded_at"},
			pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
				e := &events[i]
				return []any{e.DossierID, e.Seq, e.At, e.Action, e.FromStatus, e.ToStatus, e.Actor, e.Note, e.Details, e.RecordedAt}, nil
			}))
		return err
	})
}

// importEvents returns the events of fresh, whose dossiers are rows.
func importEvents(rows []dossierRow, fresh []ImportItem, now time.Time) []eventRow {
	var events []eventRow
	for i, it := range fresh {
		for j := range it.Events {
			events = append(events, eventToRow(rows[i].ID, &it.Events[j], now))
		}
	}
	return events
}

// takeSequences reserves the next n numbers of the agency's daily sequence and returns the
// last of them.
func takeSequences(tx *gorm.DB, agencyCode string, day domain.Date, n int) (int, error) {
	var last int
	err := tx.Raw(`INSERT INTO dossier_sequences (agency_code, day, last) VALUES (?, ?, ?)
		ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + excluded.last RETURNING last`,
		agencyCode, day.String(), n).Scan(&last).Error
	return last, err
}
