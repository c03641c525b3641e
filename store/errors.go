package store

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"motcua/domain"
)

// translate maps database errors to domain errors: a unique violation is ECONFLICT,
// a missing row ENOTFOUND, a lost connection or a busy embedded database EUNAVAILABLE;
// anything else is returned as is.
func translate(err error) error {
	var de *domain.Error
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return err
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.Errorf(domain.ECONFLICT, "it exists already")
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.Errorf(domain.ENOTFOUND, "not found")
	case errors.As(err, &pgErr):
		switch {
		case pgErr.Code == "23505":
			return domain.Errorf(domain.ECONFLICT, "it exists already")
		case strings.HasPrefix(pgErr.Code, "08"), pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03":
			return unavailable(err)
		case strings.HasPrefix(pgErr.Code, "22"):
			// A data exception: a value the database cannot hold (a NUL byte, say) came from a client.
			return domain.Invalid("input", "holds a value that cannot be stored (e.g. a NUL character)")
		}
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return unavailable(err)
	}
	// A lost connection, or the embedded database's writer having waited out its busy
	// timeout: try again shortly.
	var netErr net.Error
	msg := err.Error()
	if errors.As(err, &netErr) || strings.Contains(msg, "connection refused") || strings.Contains(msg, "failed to connect") ||
		strings.Contains(msg, "driver: bad connection") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") {
		return unavailable(err)
	}
	return err
}

// unavailable wraps err as EUNAVAILABLE, keeping the cause for logs.
func unavailable(err error) error {
	return &unavailableError{cause: err}
}

type unavailableError struct{ cause error }

func (e *unavailableError) Error() string { return "database unavailable: " + e.cause.Error() }
func (e *unavailableError) Unwrap() []error {
	return []error{e.cause, domain.Errorf(domain.EUNAVAILABLE, "The database is unavailable; try again shortly.")}
}
