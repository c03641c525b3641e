package store

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"motcua/domain"
)

// TestTranslateConnectionLoss: every way a connection to PostgreSQL is lost or refused,
// including a failover under way, is EUNAVAILABLE (503 with Retry-After); other errors are not.
func TestTranslateConnectionLoss(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // the domain code (internal: left as it is)
	}{
		{"unexpected EOF mid-query", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), domain.EUNAVAILABLE},
		{"EOF", io.EOF, domain.EUNAVAILABLE},
		{"connection reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, domain.EUNAVAILABLE},
		{"connection refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), domain.EUNAVAILABLE},
		{"administrator shutdown", &pgconn.PgError{Code: "57P01"}, domain.EUNAVAILABLE},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, domain.EUNAVAILABLE},
		{"read-only transaction during promotion", &pgconn.PgError{Code: "25006"}, domain.EUNAVAILABLE},
		{"no host takes writes", errors.New(`failed to connect to "host=127.0.0.1 port=5432 database=motcua": read only connection`), domain.EUNAVAILABLE},
		{"conn closed", errors.New("conn closed"), domain.EUNAVAILABLE},
		{"unique violation", &pgconn.PgError{Code: "23505"}, domain.ECONFLICT},
		{"syntax error", &pgconn.PgError{Code: "42601"}, domain.EINTERNAL},
		{"other", errors.New("something else"), domain.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err)
			if code := domain.ErrorCode(got); code != tt.want {
				t.Errorf("translate(%v): code %q, want %q", tt.err, code, tt.want)
			}
			if IsUnavailable(tt.err) != (tt.want == domain.EUNAVAILABLE) {
				t.Errorf("IsUnavailable(%v) = %v", tt.err, IsUnavailable(tt.err))
			}
		})
	}
}
