// Package domain holds the entities and rules of the one-stop desk: dossiers,
// procedures, agencies, the working calendar, deadlines and report figures.
// It imports nothing of the project and no storage or HTTP library.
package domain

import (
	"errors"
	"fmt"
)

// Error codes: stable machine words that the HTTP layer maps to statuses.
const (
	EINVALID       = "invalid_input"       // 400: the request is malformed or a field is wrong
	EUNAUTHORIZED  = "unauthorized"        // 401: no valid credentials
	EFORBIDDEN     = "forbidden"           // 403: authenticated but not allowed
	ENOTFOUND      = "not_found"           // 404
	ECONFLICT      = "conflict"            // 409: duplicate or clashing write
	ETRANSITION    = "invalid_transition"  // 409: the action is not allowed from the current status
	EPRECONDITION  = "precondition_failed" // 412: If-Match did not match
	EUNPROCESSABLE = "unprocessable"       // 422: well-formed but refused by a rule
	ERATELIMITED   = "rate_limited"        // 429
	EINTERNAL      = "internal"            // 500
	EUNAVAILABLE   = "unavailable"         // 503: a dependency (the database) is down

	EMETHODNOTALLOWED = "method_not_allowed" // 405: only the HTTP layer answers it
)

// FieldError names one wrong field. Line is set for bulk imports (1 = header), and Code too:
// a row's problem carries the code the same problem has through the API.
type FieldError struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`

	format string // the English message's format, the key of its translations (Message when "")
	args   []any  // format's arguments
}

// Error is the one error type that crosses package boundaries with a code.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError

	format string // as FieldError's
	args   []any
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: sprintf(format, args...), format: format, args: args}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, message string) *Error {
	return &Error{Code: EINVALID, Message: "invalid input", Fields: []FieldError{{Field: field, Message: message}}}
}

// Invalidf returns an EINVALID error naming one field, its message formatted.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: "invalid input", Fields: []FieldError{Problem(field, format, args...)}}
}

// Problem returns a FieldError naming field, its message formatted; the format is the key of
// the message's translations (see Translate).
func Problem(field, format string, args ...any) FieldError {
	return FieldError{Field: field, Message: sprintf(format, args...), format: format, args: args}
}

// At returns f found on line of an import, with the code the same problem has through the API.
func (f FieldError) At(line int, code string) FieldError {
	f.Line, f.Code = line, code
	return f
}

// sprintf formats like fmt.Sprintf, but leaves a format without arguments as it is.
func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// ErrorCode returns the code of err, EINTERNAL for errors without one, "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err; "Internal error." for errors without a code.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return msgInternal
}

// Problems collects field errors while validating; Err returns nil when there are none.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, Problem(field, format, args...))
}

// Err returns an EINVALID *Error listing every problem, or nil.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid input", Fields: p}
}
