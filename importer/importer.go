// Package importer reads the dossier CSV of API.md's bulk import and stores it, all rows or
// none. The HTTP endpoint and the `motcua import dossiers` command both use it.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/gob"
	"errors"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"motcua/domain"
	"motcua/qr"
	"motcua/store"
)

// MaxReported bounds how many bad rows an answer lists.
const MaxReported = 1000

func init() {
	// Event details hold these types; gob must know them to spool rows to disk.
	for _, v := range []any{time.Time{}, domain.Channel(""), domain.Outcome(""), domain.Timeliness(""), true, ""} {
		gob.Register(v)
	}
}

// Options say who imports, and when: rows are checked as intakes by Who at Now, so an agency
// outside Who's scope, or a past intake time from someone who is not an admin, is refused.
type Options struct {
	Who *domain.Principal
	Now time.Time
}

// Run validates every row of r (the CSV with a header row) and stores them all in one
// transaction. Bad rows give EUNPROCESSABLE listing each (line, field, message) and store
// nothing; a malformed file is EINVALID. On PostgreSQL the database stores rows while later
// ones are still being checked, in one transaction that is rolled back when any row turns
// out bad; the rows in between wait in a bounded queue, so memory stays flat however long
// the file is. The embedded database checks every row first (runChecked).
func Run(ctx context.Context, st *store.Store, rules domain.Rules, r io.Reader, o Options) (store.ImportResult, error) {
	cat, err := loadCatalogue(ctx, st)
	if err != nil {
		return store.ImportResult{}, err
	}
	if st.Dialect() != store.Postgres {
		return runChecked(ctx, st, rules, r, o, cat)
	}
	items := make(chan store.ImportItem, 2*store.ImportBatch)
	stop := make(chan struct{}) // closed when the store stops taking rows
	var checked error           // validate's answer, set before items is closed
	go func() {
		checked = validate(r, func(it store.ImportItem) bool {
			select {
			case items <- it:
				return true
			case <-stop:
				return false
			}
		}, cat, rules, o)
		close(items)
	}()
	res, err := st.ImportDossiers(ctx, func() (store.ImportItem, error) {
		if it, ok := <-items; ok {
			return it, nil
		} else if checked != nil {
			return store.ImportItem{}, checked // rolls the transaction back
		}
		return store.ImportItem{}, io.EOF
	})
	close(stop)
	for range items { // until validate has returned
	}
	if checked != nil {
		return store.ImportResult{}, checked // the file's problems come first
	}
	return res, err
}

// runChecked is Run for the embedded database: its transaction holds the database's one
// write lock, so every row is checked first, spooled to a temporary file (already unlinked,
// so a crash leaves nothing behind), and only then stored.
func runChecked(ctx context.Context, st *store.Store, rules domain.Rules, r io.Reader, o Options, cat *catalogue) (store.ImportResult, error) {
	spool, err := os.CreateTemp("", "motcua-import-*.gob")
	if err != nil {
		return store.ImportResult{}, err
	}
	os.Remove(spool.Name())
	defer spool.Close()
	w := bufio.NewWriter(spool)
	enc := gob.NewEncoder(w)
	var encErr error
	if err := validate(r, func(it store.ImportItem) bool {
		encErr = enc.Encode(it)
		return encErr == nil
	}, cat, rules, o); err != nil {
		return store.ImportResult{}, err
	}
	if encErr != nil {
		return store.ImportResult{}, encErr
	}
	if err := w.Flush(); err != nil {
		return store.ImportResult{}, err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return store.ImportResult{}, err
	}
	dec := gob.NewDecoder(bufio.NewReader(spool))
	return st.ImportDossiers(ctx, func() (store.ImportItem, error) {
		var it store.ImportItem
		err := dec.Decode(&it)
		return it, err
	})
}

// validate checks every row of r and hands each valid one to emit, until a row is bad or
// emit returns false (the store stopped taking them); it goes on checking the rest, to
// report every bad row.
func validate(r io.Reader, emit func(store.ImportItem) bool, cat *catalogue, rules domain.Rules, o Options) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10) // the header row, if shorter; an error shows at the first Read
	cr := csv.NewReader(br)
	cr.Comma = Separator(head)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return domain.Invalid("body", "the CSV is empty; a header row is required")
	} else if err != nil {
		return domain.Invalidf("body", "is not CSV: %s", err.Error())
	}
	h, err := domain.ParseImportHeader(header)
	if err != nil {
		return err
	}
	emitting := true
	var bad []domain.FieldError
	seen := map[string]int{}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			bad = append(bad, domain.Problem("row", "is not well-formed CSV: %s", perr.Err.Error()).At(perr.Line, domain.EINVALID))
			if len(bad) >= MaxReported {
				break
			}
			continue
		} else if err != nil {
			return domain.Invalid("body", "could not be read")
		}
		rows++
		line, _ := cr.FieldPos(0)
		if len(rec) != h.Width() {
			bad = append(bad, domain.Problem("row", "has %d columns, want %d", len(rec), h.Width()).At(line, domain.EINVALID))
			continue
		}
		item, errs := rules.ImportRow(line, h, rec, cat, o.Who, o.Now)
		if item != nil && item.Dossier.Code != "" {
			if first, dup := seen[item.Dossier.Code]; dup {
				item, errs = nil, append(errs, domain.Problem("code", "repeats line %d", first).At(line, domain.ECONFLICT))
			} else {
				seen[strings.Clone(item.Dossier.Code)] = line // not a substring pinning the whole CSV line
			}
		}
		if item == nil {
			bad = append(bad, errs...)
			if len(bad) >= MaxReported {
				bad = bad[:MaxReported]
				break
			}
			continue
		}
		if emitting = emitting && len(bad) == 0; emitting {
			if item.Dossier.LookupID, err = qr.NewID(); err != nil {
				return err
			}
			emitting = emit(store.ImportItem{Line: line, ImportedDossier: item})
		}
	}
	if len(bad) > 0 {
		return &domain.Error{Code: domain.EUNPROCESSABLE, Message: "Some rows are invalid; nothing was imported.", Fields: bad}
	}
	if rows == 0 {
		return domain.Invalid("body", "the CSV has no rows")
	}
	return nil
}

// Separator returns the field separator of a CSV file from its header row (the start of
// the file, up to the first line break): ';' when the header holds more semicolons than
// commas, as Excel saves a CSV where the decimal separator is a comma (a Vietnamese
// locale), else ','. The column names hold neither.
func Separator(head []byte) rune {
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}) {
		return ';'
	}
	return ','
}

// catalogue holds the agencies and every procedure version, for row lookups.
type catalogue struct {
	agencies   map[string]*domain.Agency
	procedures map[string][]*domain.Procedure // by code, versions by effective date
}

func loadCatalogue(ctx context.Context, st *store.Store) (*catalogue, error) {
	agencies, err := st.ListAgencies(ctx, "")
	if err != nil {
		return nil, err
	}
	versions, err := st.ProcedureVersions(ctx)
	if err != nil {
		return nil, err
	}
	c := &catalogue{agencies: map[string]*domain.Agency{}, procedures: map[string][]*domain.Procedure{}}
	for _, a := range agencies {
		c.agencies[a.Code] = a
	}
	for _, p := range versions {
		c.procedures[p.Code] = append(c.procedures[p.Code], p)
	}
	for _, vs := range c.procedures {
		sort.Slice(vs, func(i, j int) bool { return vs[i].EffectiveOn.Before(vs[j].EffectiveOn) })
	}
	return c, nil
}

func (c *catalogue) Agency(code string) *domain.Agency { return c.agencies[code] }

// Procedure is the version of code in effect on day; for a procedure that takes effect only
// later, its first version (which domain.CheckProcedureInForce finds not in force); nil for
// an unknown code.
func (c *catalogue) Procedure(code string, day domain.Date) *domain.Procedure {
	versions := c.procedures[code]
	if len(versions) == 0 {
		return nil
	}
	found := versions[0]
	for _, p := range versions {
		if !p.EffectiveOn.After(day) {
			found = p
		}
	}
	return found
}
