package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

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
		case pgErr.Code == "25006":
			// A write reached a standby (the primary failed over, or a connection outlived
			// its promotion): the primary is being changed.
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
	if connectionLost(err) {
		return unavailable(err)
	}
	return err
}

// connectionLost reports whether err says the connection to the database failed or broke
// (the server died mid-query, refused, or no host of a multi-host URL took writes), or that
// the embedded database stayed busy.
func connectionLost(err error) bool {
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	if errors.As(err, &netErr) || errors.As(err, &connectErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || pgconn.Timeout(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "connection reset", "broken pipe", "failed to connect", "unexpected EOF",
		"conn closed", "driver: bad connection", "SQLITE_BUSY", "database is locked"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// IsUnavailable reports whether err means the database cannot be reached now (EUNAVAILABLE
// once translated): a lost or refused connection, a server shutting down, no primary.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var u *unavailableError
	return errors.As(err, &u) || errors.As(translate(err), &u)
}

// Unavailable wraps err, a lost connection (IsUnavailable), as EUNAVAILABLE, keeping the cause
// for logs.
func Unavailable(err error) error { return unavailable(err) }

// unavailable wraps err as EUNAVAILABLE, keeping the cause for logs.
func unavailable(err error) error {
	return &unavailableError{cause: err}
}

type unavailableError struct{ cause error }

func (e *unavailableError) Error() string { return "database unavailable: " + e.cause.Error() }
func (e *unavailableError) Unwrap() []error {
	return []error{e.cause, domain.Errorf(domain.EUNAVAILABLE, "The database is unavailable; try again shortly.")}
}
