// Package store is the one package that speaks SQL: PostgreSQL in production and an
// embedded SQLite database by default, both through GORM. It translates database
// errors into domain errors.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"motcua/domain"
	"motcua/migrations"
)

// Dialects of SQL the store speaks.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Store holds the database handle; all its methods are safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect string
	now     func() time.Time

	agencies sync.Map // code → *domain.Agency, as found: agencies are never changed or deleted
	url      string   // the PostgreSQL URL, for the change listener
	changes  changeFeed

	catalogueOnce  sync.Once
	catalogueCache *Cache[[]*domain.Procedure]

	rep *replica // the standby that answers reads (Options.ReplicaURL); nil = none
}

// Options say which database to open.
type Options struct {
	URL     string // postgres:// URL; empty means SQLite in DataDir
	DataDir string
	MaxConn int // pool size for PostgreSQL; 0 = 16

	// ReplicaURL is a postgres:// URL of a streaming standby that answers the reads of
	// requests marked with ReadsFromReplica (see replica.go); empty = none.
	ReplicaURL string
}

// Open connects to the database; it does not migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	var (
		dial    gorm.Dialector
		dialect string
	)
	switch {
	case o.URL == "":
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path := filepath.Join(o.DataDir, "motcua.db")
		dsn := "file:" + path + "?_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		dial, dialect = sqlite.Open(dsn), SQLite
	case strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://"):
		dial, dialect = postgres.Open(o.URL), Postgres
	default:
		return nil, errors.New("database URL must start with postgres://")
	}
	db, err := gorm.Open(dial, &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; WAL lets readers go on beside it.
		sqlDB.SetMaxOpenConns(4)
	} else {
		n := o.MaxConn
		if n <= 0 {
			n = 16
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	s := &Store{db: db, sqlDB: sqlDB, dialect: dialect, now: time.Now, url: o.URL}
	if err := s.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if o.ReplicaURL != "" {
		if dialect != Postgres {
			sqlDB.Close()
			return nil, errors.New("a replica needs a PostgreSQL primary")
		}
		if err := s.openReplica(o.ReplicaURL, sqlDB.Stats().MaxOpenConnections); err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("open replica: %w", err)
		}
	}
	return s, nil
}

// Close stops the change listener and closes the database.
func (s *Store) Close() error {
	s.stopListening()
	if s.rep != nil {
		s.rep.db.Close()
	}
	return s.sqlDB.Close()
}

// Dialect returns "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// DB returns the GORM handle, for tests that check the database directly.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks that the database answers; EUNAVAILABLE when it does not.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// SchemaState compares the database's schema version with the binary's.
type SchemaState struct {
	Current int // applied in the database
	Latest  int // known to this binary
}

// Schema returns the applied and the known schema versions.
func (s *Store) Schema(ctx context.Context) (SchemaState, error) {
	ms, err := migrations.For(s.dialect)
	if err != nil {
		return SchemaState{}, err
	}
	st := SchemaState{Latest: ms[len(ms)-1].Version}
	if err := s.ensureMigrationTable(ctx); err != nil {
		return st, translate(err)
	}
	var v sql.NullInt64
	if err := s.db.WithContext(ctx).Raw("SELECT MAX(version) FROM schema_migrations").Scan(&v).Error; err != nil {
		return st, translate(err)
	}
	st.Current = int(v.Int64)
	return st, nil
}

func (s *Store) ensureMigrationTable(ctx context.Context) error {
	return s.db.WithContext(ctx).Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`).Error
}

// Migrate applies every migration the database lacks, each in its own transaction,
// and refuses to run against a schema newer than this binary knows.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := migrations.For(s.dialect)
	if err != nil {
		return 0, err
	}
	st, err := s.Schema(ctx)
	if err != nil {
		return 0, err
	}
	if st.Current > st.Latest {
		return 0, fmt.Errorf("database schema version %d is newer than this binary's %d: upgrade motcua", st.Current, st.Latest)
	}
	for _, m := range ms[st.Current:] {
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if s.dialect == Postgres {
				// Two replicas starting together: the second waits, then finds the work done.
				if err := tx.Exec("SELECT pg_advisory_xact_lock(4242)").Error; err != nil {
					return err
				}
				var done int64
				if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&done).Error; err != nil || done > 0 {
					return err
				}
			}
			if err := tx.Exec(m.SQL).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied++
	}
	return applied, nil
}

// utc normalises a time for storage: UTC, microsecond precision (PostgreSQL's).
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// utcOpt is utc for a time whose zero value means none.
func utcOpt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return utcPtr(&t)
}

// utcPtr is utc for optional times.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := utc(*t)
	return &v
}
