package bench

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"motcua/domain"
	"motcua/store"
)

// Config says what Generate writes; zero fields take the defaults.
type Config struct {
	Dossiers int         // how many (default 1,000,000)
	Seed     uint64      // the same seed, dates and count give the same rows
	From     domain.Date // first intake day (default 2023-01-01)
	Now      time.Time   // nothing happens from now on; intake ends the day before (default time.Now())
	Workers  int         // generating goroutines (default GOMAXPROCS)
	Log      io.Writer   // progress lines (nil: none)
}

// DefaultFrom is the first intake day of the default history: two and a half years with
// districts, then the two-level province.
var DefaultFrom = domain.Date{Year: 2023, Month: 1, Day: 1}

// Actor is the username the generated events are recorded by.
const Actor = "bench"

// Stats say what Generate wrote and how long it took.
type Stats struct {
	Dossiers, Events, Sequences int64
	PerYear                     map[int]int64
	Copy, Indexes, Vacuum       time.Duration // COPY, index and constraint rebuild, VACUUM ANALYZE
	Total                       time.Duration
}

// Generate fills st, a migrated PostgreSQL database without dossiers, with the province's
// catalogue (unless its agencies are there already) and cfg.Dossiers dossiers received
// from cfg.From to the day before cfg.Now, each with its history, written with COPY. The
// plain indexes of dossiers and dossier_events and the events' foreign key are dropped
// for the load and built again after it, so fill only a database nothing else is using.
// EINVALID on SQLite; ECONFLICT when the database holds dossiers already.
func Generate(ctx context.Context, st *store.Store, p *Province, cfg Config) (*Stats, error) {
	start := time.Now()
	if st.Dialect() != store.Postgres {
		return nil, domain.Errorf(domain.EINVALID, "the generator writes to PostgreSQL only")
	}
	if cfg.Dossiers <= 0 {
		cfg.Dossiers = 1_000_000
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
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	db, err := st.DB().DB()
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM dossiers)").Scan(&exists); err != nil {
		return nil, err
	} else if exists {
		return nil, domain.Errorf(domain.ECONFLICT, "the database holds dossiers already; generate into a fresh one")
	}
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM agencies WHERE code = $1)", ProvinceCode).Scan(&exists); err != nil {
		return nil, err
	} else if !exists {
		if err := SeedCatalogue(ctx, st, p); err != nil {
			return nil, err
		}
	}
	plan := newPlan(p, cfg)
	if len(plan.days) == 0 {
		return nil, domain.Invalid("from", "must be before the day of now")
	}

	saved, err := dropForLoad(ctx, db)
	if err != nil {
		return nil, err
	}
	stats := &Stats{PerYear: map[int]int64{}}
	copyStart := time.Now()
	if err := plan.load(ctx, db, stats, logf); err != nil {
		return nil, err
	}
	stats.Copy = time.Since(copyStart)
	logf("generate: copied %d dossiers, %d events in %s", stats.Dossiers, stats.Events, stats.Copy.Round(time.Millisecond))
	idxStart := time.Now()
	if err := restoreAfterLoad(ctx, db, saved); err != nil {
		return nil, err
	}
	stats.Indexes = time.Since(idxStart)
	logf("generate: rebuilt %d indexes and constraints in %s", len(saved), stats.Indexes.Round(time.Millisecond))
	vacStart := time.Now()
	for _, q := range []string{"VACUUM (ANALYZE) dossiers", "VACUUM (ANALYZE) dossier_events", "VACUUM (ANALYZE) dossier_sequences"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	stats.Vacuum = time.Since(vacStart)
	stats.Total = time.Since(start)
	return stats, nil
}

// saved is a statement that rebuilds what dropForLoad removed.
type saved struct{ name, sql string }

// dropForLoad drops the plain indexes of dossiers and dossier_events and the events' foreign
// keys, and returns the statements that bring them back: building an index once is much
// cheaper than keeping it up to date through millions of inserts.
func dropForLoad(ctx context.Context, db *sql.DB) ([]saved, error) {
	var out []saved
	rows, err := db.QueryContext(ctx, `SELECT ci.relname, pg_get_indexdef(x.indexrelid)
		FROM pg_index x JOIN pg_class ci ON ci.oid = x.indexrelid JOIN pg_class ct ON ct.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = ct.relnamespace
		WHERE n.nspname = current_schema() AND ct.relname IN ('dossiers', 'dossier_events')
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s saved
		if err := rows.Scan(&s.name, &s.sql); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'dossier_events'::regclass AND contype = 'f'`)
	if err != nil {
		return nil, err
	}
	var fks []saved
	for rows.Next() {
		var s saved
		if err := rows.Scan(&s.name, &s.sql); err != nil {
			rows.Close()
			return nil, err
		}
		fks = append(fks, s)
	}
	rows.Close()
	for _, s := range out {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+pgx.Identifier{s.name}.Sanitize()); err != nil {
			return nil, err
		}
	}
	for _, s := range fks {
		if _, err := db.ExecContext(ctx, "ALTER TABLE dossier_events DROP CONSTRAINT "+pgx.Identifier{s.name}.Sanitize()); err != nil {
			return nil, err
		}
		out = append(out, saved{name: s.name, sql: "ALTER TABLE dossier_events ADD CONSTRAINT " + pgx.Identifier{s.name}.Sanitize() + " " + s.sql})
	}
	return out, nil
}

// restoreAfterLoad runs the statements of dropForLoad, two at a time, and moves the dossier
// id sequence past the ids the load gave.
func restoreAfterLoad(ctx context.Context, db *sql.DB, stmts []saved) error {
	if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('dossiers', 'id'), GREATEST(COALESCE(MAX(id), 0), 1)) FROM dossiers`); err != nil {
		return err
	}
	work := make(chan saved)
	errc := make(chan error, 2)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				errc <- err
				return
			}
			defer conn.Close()
			conn.ExecContext(ctx, "SET maintenance_work_mem = '256MB'")
			for s := range work {
				if _, err := conn.ExecContext(ctx, s.sql); err != nil {
					errc <- fmt.Errorf("%s: %w", s.name, err)
					return
				}
			}
		}()
	}
	for _, s := range stmts {
		select {
		case work <- s:
		case err := <-errc:
			close(work)
			wg.Wait()
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// plan spreads the dossiers over the days.
type plan struct {
	p      *Province
	cfg    Config
	rules  domain.Rules
	days   []domain.Date
	counts []int
}

func newPlan(p *Province, cfg Config) *plan {
	pl := &plan{p: p, cfg: cfg, rules: domain.Rules{Calendar: domain.NewCalendar(domain.DefaultWorkHours, p.Calendar),
		Supplement: domain.SupplementRestart}}
	last := domain.DateOf(cfg.Now).AddDays(-1)
	var weights []float64
	total := 0.0
	for d := cfg.From; !d.After(last); d = d.AddDays(1) {
		w := dayWeight(pl.rules.Calendar, d)
		pl.days = append(pl.days, d)
		weights = append(weights, w)
		total += w
	}
	carry := 0.0
	given := 0
	for i, w := range weights {
		carry += float64(cfg.Dossiers) * w / total
		n := int(math.Floor(carry+1e-9)) - given
		if i == len(weights)-1 {
			n = cfg.Dossiers - given
		}
		pl.counts = append(pl.counts, n)
		given += n
	}
	return pl
}

// dayWeight is how busy a day is: more each year as the population grows and moves online,
// quieter in the Tết month, busier at the year's end; days off take only online dossiers.
func dayWeight(cal *domain.Calendar, d domain.Date) float64 {
	w := math.Pow(1.12, float64(d.Year-2023))
	switch d.Month {
	case time.February:
		w *= 0.7
	case time.January, time.December:
		w *= 1.12
	case time.July, time.August:
		w *= 0.95
	}
	if !cal.IsWorkday(d) {
		w *= 0.05
	}
	return w
}

// genDossier is one generated dossier and its history.
type genDossier struct {
	d      *domain.Dossier
	events []domain.Event
}

type dayBatch struct {
	index    int
	dossiers []genDossier
	seqs     [][]any // dossier_sequences rows
	err      error
}

// generate generates the days in parallel and hands them to fn in day order.
func (pl *plan) generate(ctx context.Context, fn func(dayBatch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	results := make(chan dayBatch, 2*pl.cfg.Workers)
	go func() {
		defer close(jobs)
		for i := range pl.days {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < pl.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b := pl.day(i)
				select {
				case results <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	defer func() {
		cancel()
		for range results {
		}
	}()
	pending := map[int]dayBatch{}
	next := 0
	for b := range results {
		if b.err != nil {
			return b.err
		}
		pending[b.index] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := fn(b); err != nil {
				return err
			}
		}
	}
	if next != len(pl.days) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("bench: generated %d of %d days", next, len(pl.days))
	}
	return nil
}

// load generates the dossiers and writes them with two COPY streams (dossiers, events),
// then the daily sequences.
func (pl *plan) load(ctx context.Context, db *sql.DB, stats *Stats, logf func(string, ...any)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dossierRows := make(chan [][]any, 4)
	eventRows := make(chan [][]any, 4)
	copyErr := make(chan error, 2)
	go func() { copyErr <- copyStream(ctx, db, "dossiers", dossierColumns, dossierRows) }()
	go func() { copyErr <- copyStream(ctx, db, "dossier_events", eventColumns, eventRows) }()
	recordedAt := pl.cfg.Now.UTC()
	var seqRows [][]any
	id := int64(0)
	lastReport := 0
	genErr := pl.generate(ctx, func(b dayBatch) error {
		drows := make([][]any, 0, len(b.dossiers))
		var erows [][]any
		for _, g := range b.dossiers {
			id++
			g.d.ID = id
			drows = append(drows, dossierValues(g.d))
			for i := range g.events {
				erows = append(erows, eventValues(id, &g.events[i], recordedAt))
			}
			stats.PerYear[domain.DateOf(g.d.ReceivedAt).Year]++
			stats.Events += int64(len(g.events))
		}
		stats.Dossiers += int64(len(b.dossiers))
		seqRows = append(seqRows, b.seqs...)
		for _, send := range []struct {
			ch   chan [][]any
			rows [][]any
		}{{dossierRows, drows}, {eventRows, erows}} {
			select {
			case send.ch <- send.rows:
			case err := <-copyErr:
				if err == nil {
					err = fmt.Errorf("bench: a COPY stream ended early")
				}
				return err
			}
		}
		if pct := int(100 * stats.Dossiers / int64(pl.cfg.Dossiers)); pct >= lastReport+10 {
			lastReport = pct - pct%10
			logf("generate: %d%% (%d dossiers, up to %s)", lastReport, stats.Dossiers, pl.days[b.index])
		}
		return nil
	})
	if genErr != nil {
		cancel()
	}
	close(dossierRows)
	close(eventRows)
	var firstErr error
	for i := 0; i < 2; i++ {
		if err := <-copyErr; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if genErr != nil {
		return genErr
	}
	if firstErr != nil {
		return firstErr
	}
	ch := make(chan [][]any, 1)
	ch <- seqRows
	close(ch)
	stats.Sequences = int64(len(seqRows))
	return copyStream(ctx, db, "dossier_sequences", []string{"agency_code", "day", "last"}, ch)
}

// copyStream writes every batch of rows from ch into table with one COPY on a connection of
// db, then drains ch so that the producer never blocks on a failed stream.
func copyStream(ctx context.Context, db *sql.DB, table string, columns []string, ch <-chan [][]any) (err error) {
	defer func() {
		for range ch {
		}
	}()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		src := &chanSource{ch: ch}
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, columns, src)
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		return nil
	})
}

// chanSource is a pgx.CopyFromSource over batches of rows arriving on a channel.
type chanSource struct {
	ch    <-chan [][]any
	batch [][]any
	i     int
}

func (s *chanSource) Next() bool {
	for s.i >= len(s.batch) {
		b, ok := <-s.ch
		if !ok {
			return false
		}
		s.batch, s.i = b, 0
	}
	s.i++
	return true
}

func (s *chanSource) Values() ([]any, error) { return s.batch[s.i-1], nil }
func (s *chanSource) Err() error             { return nil }

var dossierColumns = []string{"id", "code", "lookup_id", "agency_code", "agency_path", "agency_level", "procedure_code",
	"procedure_name", "field", "time_limit_days", "time_limit_hours", "channel", "return_channel", "applicant_name",
	"applicant_name_norm", "applicant_name_pairs", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address", "note",
	"digitized", "result_digitized", "status", "received_at", "clock_start", "due_at", "appointment_at", "clock_stopped",
	"resolved_at", "outcome", "timeliness", "returned_at", "returned_channel", "withdrawn_at", "apologized_at",
	"apology_late", "version", "created_at", "updated_at", "late_at", "transfer_due_at"}

var eventColumns = []string{"dossier_id", "seq", "at", "action", "from_status", "to_status", "actor", "note", "details", "recorded_at"}

// dossierValues is d as a row of dossierColumns, stored the way the store stores it.
func dossierValues(d *domain.Dossier) []any {
	norm := domain.FoldText(d.Applicant.Name)
	return []any{d.ID, d.Code, d.LookupID, d.AgencyCode, d.AgencyPath, string(d.AgencyLevel), d.ProcedureCode,
		d.ProcedureName, d.Field, int32(d.TimeLimit.Days), int32(d.TimeLimit.Hours), string(d.Channel), string(d.ReturnChannel),
		d.Applicant.Name, norm, store.NamePairs(norm), d.Applicant.IDNumber, d.Applicant.Phone, d.Applicant.Email,
		d.Applicant.Address, d.Note, d.Digitized, d.ResultDigitized, string(d.Status), d.ReceivedAt.UTC(), d.ClockStart.UTC(),
		d.DueAt.UTC(), d.AppointmentAt.UTC(), d.ClockStopped, utcOrNil(d.ResolvedAt), strOrNil(string(d.Outcome)),
		strOrNil(string(d.Timeliness)), utcOrNil(d.ReturnedAt), strOrNil(string(d.ReturnedChannel)), utcOrNil(d.WithdrawnAt),
		utcOrNil(d.ApologizedAt), d.ApologyLate, int32(d.Version), d.CreatedAt.UTC(), d.UpdatedAt.UTC(), utcOrNil(d.LateAt),
		d.TransferDueAt.UTC()}
}

func eventValues(dossierID int64, e *domain.Event, recordedAt time.Time) []any {
	details := "{}"
	if len(e.Details) > 0 {
		b, _ := json.Marshal(e.Details)
		details = string(b)
	}
	return []any{dossierID, int32(e.Seq), e.At.UTC(), string(e.Action), string(e.FromStatus), string(e.ToStatus), e.Actor,
		e.Note, details, recordedAt}
}

func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// day generates the dossiers of day i, in intake order, with their codes, and the day's
// last sequence number per agency.
func (pl *plan) day(i int) dayBatch {
	day := pl.days[i]
	g := &dayGen{pl: pl, day: day, rng: mrand.New(mrand.NewPCG(pl.cfg.Seed, uint64(i)+1)), now: pl.cfg.Now}
	g.prepare()
	out := dayBatch{index: i}
	ds := make([]*domain.Dossier, 0, pl.counts[i])
	procs := make([]*domain.Procedure, 0, pl.counts[i])
	for n := 0; n < pl.counts[i]; n++ {
		d, pr := g.intake()
		if d == nil {
			break
		}
		ds = append(ds, d)
		procs = append(procs, pr)
	}
	order := make([]int, len(ds))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return ds[a].ReceivedAt.Compare(ds[b].ReceivedAt) })
	seq := map[string]int{}
	for _, j := range order {
		d := ds[j]
		seq[d.AgencyCode]++
		d.Code = domain.FormatCode(d.AgencyCode, day, seq[d.AgencyCode])
		events, err := g.life(d, procs[j])
		if err != nil {
			out.err = err
			return out
		}
		out.dossiers = append(out.dossiers, genDossier{d: d, events: events})
	}
	codes := make([]string, 0, len(seq))
	for c := range seq {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		out.seqs = append(out.seqs, []any{c, day.String(), int32(seq[c])})
	}
	return out
}

// dayGen generates one day's dossiers from its own random stream.
type dayGen struct {
	pl       *plan
	day      domain.Date
	rng      *mrand.Rand
	now      time.Time
	workday  bool
	procs    []int // indexes into the catalogue in force today (online ones only on a day off)
	cum      []float64
	communes []*domain.Agency
	comCum   []float64
	distCum  []float64
	online   float64 // how far the public has moved online this year
}

func (g *dayGen) prepare() {
	p := g.pl.p
	g.workday = g.pl.rules.Calendar.IsWorkday(g.day)
	total := 0.0
	for i, pr := range p.Procedures {
		if !pr.InForce(g.day) || (!g.workday && pr.OnlineProvided == domain.OnlineNone) {
			continue
		}
		total += p.specs[i].weight
		g.procs = append(g.procs, i)
		g.cum = append(g.cum, total)
	}
	g.communes = p.Communes
	if g.day.Before(Reform) {
		g.communes = p.OldCommunes
	}
	g.comCum = cumulative(g.communes, p.weights)
	g.distCum = cumulative(p.Districts, p.weights)
	g.online = map[int]float64{2021: 0.4, 2022: 0.5, 2023: 0.6, 2024: 0.8, 2025: 1}[g.day.Year]
	if g.online == 0 {
		g.online = 1.15
	}
}

func cumulative(as []*domain.Agency, w map[string]float64) []float64 {
	out := make([]float64, len(as))
	t := 0.0
	for i, a := range as {
		t += w[a.Code]
		out[i] = t
	}
	return out
}

// pickCum returns the index whose cumulative weight first exceeds a uniform draw.
func (g *dayGen) pickCum(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

func (g *dayGen) chance(p float64) bool { return g.rng.Float64() < p }

// between returns a uniformly random duration in [lo, hi).
func (g *dayGen) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)))
}

// intake picks where, for what, how and when today's next dossier comes in.
func (g *dayGen) intake() (*domain.Dossier, *domain.Procedure) {
	if len(g.procs) == 0 {
		return nil, nil
	}
	p := g.pl.p
	k := g.procs[g.pickCum(g.cum)]
	pr := p.Procedures[k]
	ch := domain.ChannelDirect
	switch {
	case !g.workday:
		ch = domain.ChannelOnline
	case pr.OnlineProvided == domain.OnlineFull && g.chance(min(0.95, 0.62*g.online)),
		pr.OnlineProvided == domain.OnlinePartial && g.chance(min(0.9, 0.45*g.online)):
		ch = domain.ChannelOnline
	case pr.Postal && g.chance(0.04):
		ch = domain.ChannelPostal
	}
	var at time.Time
	if ch == domain.ChannelOnline {
		minute := 6*60 + g.rng.IntN(17*60) // mostly daytime and evening
		if g.chance(0.05) {
			minute = g.rng.IntN(24 * 60)
		}
		at = g.day.At(minute)
	} else {
		at = g.pl.rules.Calendar.NextWorkingMoment(g.day.At(7*60 + g.rng.IntN(10*60)))
		if domain.DateOf(at) != g.day { // after closing time: the morning's first hour instead
			at = g.day.At(7*60 + g.rng.IntN(60))
		}
	}
	at = at.Add(time.Duration(g.rng.IntN(60)) * time.Second)
	var agency *domain.Agency
	switch pr.Level {
	case domain.LevelProvince:
		agency = p.Province
	case domain.LevelDistrict:
		agency = p.Districts[g.pickCum(g.distCum)]
	default:
		agency = g.communes[g.pickCum(g.comCum)]
	}
	ret := domain.ChannelDirect
	switch {
	case pr.Postal && (ch == domain.ChannelPostal || g.chance(0.03)):
		ret = domain.ChannelPostal
	case ch == domain.ChannelOnline && pr.OnlineProvided == domain.OnlineFull && g.chance(0.5):
		ret = domain.ChannelOnline
	}
	d := &domain.Dossier{LookupID: g.lookupID(), AgencyCode: agency.Code, AgencyPath: agency.Path, AgencyLevel: agency.Level,
		ProcedureCode: pr.Code, ProcedureName: pr.Name, Field: pr.Field, TimeLimit: pr.Limit(), Channel: ch,
		ReturnChannel: ret, Applicant: g.applicant(agency), Digitized: g.chance(0.7), ReceivedAt: at}
	return d, pr
}

func (g *dayGen) lookupID() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(b[:])
}

func (g *dayGen) applicant(agency *domain.Agency) domain.Applicant {
	fam := familyNames[pickWeighted(g.rng, familyWeights)]
	name := fam + " " + middleNames[g.rng.IntN(len(middleNames))] + " " + givenNames[g.rng.IntN(len(givenNames))]
	if g.chance(0.04) { // a business applies
		name = "Công ty TNHH " + givenNames[g.rng.IntN(len(givenNames))] + " " + placeNames[g.rng.IntN(len(placeNames))]
	}
	prefixes := [...]string{"09", "03", "08", "07", "05"}
	a := domain.Applicant{Name: name,
		IDNumber: fmt.Sprintf("094%d%02d%06d", g.rng.IntN(4), g.rng.IntN(100), g.rng.IntN(1_000_000)),
		Phone:    prefixes[g.rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", g.rng.IntN(100_000_000))}
	if g.chance(0.2) {
		a.Email = strings.ReplaceAll(domain.FoldText(name), " ", ".") + fmt.Sprintf("%d@gmail.com", g.rng.IntN(1000))
	}
	place := strings.TrimPrefix(agency.Name, "UBND ")
	if g.chance(0.6) {
		a.Address = fmt.Sprintf("Số %d %s, %s, tỉnh Sông Hậu", 1+g.rng.IntN(400), streets[g.rng.IntN(len(streets))], place)
	} else {
		a.Address = fmt.Sprintf("Ấp %s, %s, tỉnh Sông Hậu", placeNames[g.rng.IntN(len(placeNames))], place)
	}
	return a
}

func pickWeighted(rng *mrand.Rand, w []float64) int {
	t := 0.0
	for _, v := range w {
		t += v
	}
	x := rng.Float64() * t
	for i, v := range w {
		if x -= v; x < 0 {
			return i
		}
	}
	return len(w) - 1
}

// life writes a dossier's history with the service's own rules: intake, processing, perhaps
// a supplement or a pause, then a resolution (mostly early or on time, some late, most of
// those with an apology, a few of them too late), the return of the result, or a
// withdrawal. Whatever would happen at or after now does not, so recent dossiers are open.
func (g *dayGen) life(d *domain.Dossier, pr *domain.Procedure) ([]domain.Event, error) {
	rules := g.pl.rules
	cal := rules.Calendar
	intake := rules.Intake(d, Actor, "")
	d.CreatedAt = d.ReceivedAt
	l := &life{g: g, d: d, events: []domain.Event{*intake}}
	workDay := cal.WorkHours().PerDay()
	total := cal.WorkingTimeBetween(d.ClockStart, d.DueAt)
	finish := func(err error) ([]domain.Event, error) {
		d.UpdatedAt = l.last()
		return l.events, err
	}
	if g.chance(0.006) {
		return finish(l.apply(domain.ActionRequest{Action: domain.ActionWithdraw, Reason: "Công dân xin rút hồ sơ",
			At: cal.AddWorkingTime(d.ClockStart, g.between(time.Hour, max(2*time.Hour, total/2)))}))
	}
	startIn := g.between(time.Minute, max(2*time.Minute, min(2*time.Hour, total/4)))
	if err := l.apply(domain.ActionRequest{Action: domain.ActionStart, At: cal.AddWorkingTime(d.ClockStart, startIn)}); err != nil {
		return nil, err
	}
	if total > workDay && g.chance(0.03) {
		at := cal.AddWorkingTime(l.last(), g.between(time.Hour, total/3))
		if err := l.apply(domain.ActionRequest{Action: domain.ActionRequestSupplement, Reason: "Bổ sung giấy tờ còn thiếu", At: at}); err != nil {
			return nil, err
		}
		if err := l.apply(domain.ActionRequest{Action: domain.ActionSupplement, At: cal.AddWorkingTime(l.last(), g.between(workDay, 5*workDay))}); err != nil {
			return nil, err
		}
	}
	if pr.Field == "Đất đai" && g.chance(0.08) {
		at := cal.AddWorkingTime(l.last(), g.between(time.Hour, max(2*time.Hour, total/2)))
		if err := l.apply(domain.ActionRequest{Action: domain.ActionPause, Reason: "Chờ người sử dụng đất thực hiện nghĩa vụ tài chính", At: at}); err != nil {
			return nil, err
		}
		if err := l.apply(domain.ActionRequest{Action: domain.ActionResume, At: cal.AddWorkingTime(l.last(), g.between(2*workDay, 8*workDay))}); err != nil {
			return nil, err
		}
	}
	if l.stopped || g.chance(0.003) { // reached now, or stuck: never resolved
		return finish(nil)
	}
	lateRate := 0.012
	switch d.AgencyLevel {
	case domain.LevelDistrict:
		lateRate = 0.03
	case domain.LevelProvince:
		lateRate = 0.02
	}
	if d.AgencyLevel == domain.LevelCommune && !g.day.Before(Reform) && g.day.Before(Reform.AddDays(120)) {
		lateRate *= 3 // the new communes' first months with the former districts' work
	}
	var resolveAt time.Time
	if g.chance(lateRate) {
		resolveAt = cal.AddWorkingTime(d.DueAt, g.between(30*time.Minute, 8*workDay))
		if g.chance(0.65) {
			before := g.between(workDay, 2*workDay)
			if g.chance(0.15) { // too late: less than a working day before the due time
				before = g.between(10*time.Minute, workDay/2)
			}
			at := cal.SubtractWorkingTime(d.DueAt, before)
			appt := cal.AddWorkingTime(resolveAt, g.between(0, workDay))
			if at.After(l.last()) && appt.After(d.DueAt) {
				if err := l.apply(domain.ActionRequest{Action: domain.ActionApologize, Reason: "Hồ sơ cần xác minh thêm",
					At: at, NewAppointmentAt: &appt}); err != nil {
					return nil, err
				}
			}
		}
	} else {
		remaining := cal.WorkingTimeBetween(l.last(), d.DueAt)
		lo := remaining / 10
		if d.TimeLimit.Immediate() {
			lo = 0
		}
		resolveAt = cal.AddWorkingTime(l.last(), g.between(lo, max(lo+time.Minute, remaining)))
		if resolveAt.After(d.DueAt) {
			resolveAt = d.DueAt
		}
	}
	outcome := domain.OutcomeApproved
	if g.chance(0.02) {
		outcome = domain.OutcomeRefused
	}
	if err := l.apply(domain.ActionRequest{Action: domain.ActionResolve, Outcome: outcome, ResultDigitized: g.chance(0.6), At: resolveAt}); err != nil {
		return nil, err
	}
	if d.Status == domain.StatusResolved {
		if err := l.apply(domain.ActionRequest{Action: domain.ActionReturn, Channel: d.ReturnChannel,
			At: cal.AddWorkingTime(l.last(), g.between(10*time.Minute, 3*workDay))}); err != nil {
			return nil, err
		}
	}
	return finish(nil)
}

// life is one dossier's history being written.
type life struct {
	g       *dayGen
	d       *domain.Dossier
	events  []domain.Event
	stopped bool // the story reached now: nothing more happens
}

func (l *life) last() time.Time { return l.events[len(l.events)-1].At }

// apply records req at its time (moved to just after the last event if needed); once a step
// would fall at or after now, it and every later step do not happen.
func (l *life) apply(req domain.ActionRequest) error {
	if l.stopped {
		return nil
	}
	req.At = req.At.Truncate(time.Second)
	if !req.At.After(l.last()) {
		req.At = l.last().Add(time.Minute)
	}
	if !req.At.Before(l.g.now) {
		l.stopped = true
		return nil
	}
	req.Actor = Actor
	ev, err := l.g.pl.rules.Apply(l.d, l.events, req)
	if err != nil {
		return fmt.Errorf("bench: %s on %s: %w", req.Action, l.d.Code, err)
	}
	l.events = append(l.events, *ev)
	return nil
}
