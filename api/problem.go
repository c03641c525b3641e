package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// problem is an RFC 9457 problem+json answer.
type problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   string              `json:"code"`
	Errors []domain.FieldError `json:"errors"`
}

var codeStatus = map[string]int{
	domain.EINVALID:       http.StatusBadRequest,
	domain.EUNAUTHORIZED:  http.StatusUnauthorized,
	domain.EFORBIDDEN:     http.StatusForbidden,
	domain.ENOTFOUND:      http.StatusNotFound,
	domain.ECONFLICT:      http.StatusConflict,
	domain.ETRANSITION:    http.StatusConflict,
	domain.EPRECONDITION:  http.StatusPreconditionFailed,
	domain.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	domain.ERATELIMITED:   http.StatusTooManyRequests,
	domain.EINTERNAL:      http.StatusInternalServerError,
	domain.EUNAVAILABLE:   http.StatusServiceUnavailable,
	"method_not_allowed":  http.StatusMethodNotAllowed,
}

// errorHandler turns every error into problem+json: domain errors by their code, Fiber's
// own (unknown route, wrong method, oversize body) by status, anything else as 500
// without its message, which goes to the log instead.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	var de *domain.Error
	p := problem{Errors: []domain.FieldError{}}
	switch {
	case errors.As(err, &de):
		p.Code, p.Detail = de.Code, de.Message
		if de.Fields != nil {
			p.Errors = de.Fields
		}
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			p.Code, p.Detail = domain.ENOTFOUND, "No such resource."
		case fiber.StatusMethodNotAllowed:
			p.Code, p.Detail = "method_not_allowed", "Method not allowed on this resource."
		case fiber.StatusRequestEntityTooLarge:
			p.Code, p.Detail = domain.EINVALID, "The request body is too large."
			p.Errors = []domain.FieldError{{Field: "body", Message: "too large"}}
		case fiber.StatusTooManyRequests:
			p.Code, p.Detail = domain.ERATELIMITED, "Too many requests; slow down."
		case fiber.StatusBadRequest, fiber.StatusRequestHeaderFieldsTooLarge, fiber.StatusRequestURITooLong:
			p.Code, p.Detail = domain.EINVALID, "The request is malformed."
		default:
			p.Code, p.Detail = domain.EINTERNAL, "Internal error."
			if fe.Code < 500 {
				p.Code, p.Detail = domain.EINVALID, "The request is malformed."
			}
		}
	default:
		p.Code, p.Detail = domain.EINTERNAL, "Internal error."
	}
	p.Status = codeStatus[p.Code]
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "route", routePath(c), "status", p.Status, "err", err)
	}
	p.Title = http.StatusText(p.Status)
	p.Type = "https://motcua.gov.vn/problems/" + strings.ReplaceAll(p.Code, "_", "-")
	if p.Code == domain.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.JSON(p, "application/problem+json")
}

// logAttrs are the fields of every request log line: nothing personal.
func logAttrs(c *fiber.Ctx) []any {
	return []any{slog.String("request_id", requestID(c)), slog.String("method", c.Method()), slog.String("route", routePath(c))}
}
