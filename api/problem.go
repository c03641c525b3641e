package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
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
	domain.EINVALID:          http.StatusBadRequest,
	domain.EUNAUTHORIZED:     http.StatusUnauthorized,
	domain.EFORBIDDEN:        http.StatusForbidden,
	domain.ENOTFOUND:         http.StatusNotFound,
	domain.ECONFLICT:         http.StatusConflict,
	domain.ETRANSITION:       http.StatusConflict,
	domain.EPRECONDITION:     http.StatusPreconditionFailed,
	domain.EUNPROCESSABLE:    http.StatusUnprocessableEntity,
	domain.ERATELIMITED:      http.StatusTooManyRequests,
	domain.EINTERNAL:         http.StatusInternalServerError,
	domain.EUNAVAILABLE:      http.StatusServiceUnavailable,
	domain.EMETHODNOTALLOWED: http.StatusMethodNotAllowed,
}

// fiberProblem is the domain error that stands for one of Fiber's own errors.
func fiberProblem(fe *fiber.Error) *domain.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return domain.Errorf(domain.ENOTFOUND, "No such resource.")
	case fiber.StatusMethodNotAllowed:
		return domain.Errorf(domain.EMETHODNOTALLOWED, "Method not allowed on this resource.")
	case fiber.StatusRequestEntityTooLarge:
		e := domain.Errorf(domain.EINVALID, "The request body is too large.")
		e.Fields = []domain.FieldError{{Field: "body", Message: "too large"}}
		return e
	case fiber.StatusTooManyRequests:
		return domain.Errorf(domain.ERATELIMITED, "Too many requests; slow down.")
	case fiber.StatusBadRequest, fiber.StatusRequestHeaderFieldsTooLarge, fiber.StatusRequestURITooLong:
		return domain.Errorf(domain.EINVALID, "The request is malformed.")
	}
	if fe.Code < 500 {
		return domain.Errorf(domain.EINVALID, "The request is malformed.")
	}
	return nil
}

// errorHandler turns every error into problem+json: domain errors by their code, Fiber's
// own (unknown route, wrong method, oversize body) by status, anything else as 500
// without its message, which goes to the log instead. Title, detail and each field's
// message are in the language the request prefers (requestLang): Vietnamese unless English.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	var de *domain.Error
	lang := requestLang(c)
	shown := err
	switch {
	case errors.As(err, &fe):
		if e := fiberProblem(fe); e != nil {
			shown = e
		} else {
			shown = fe // an internal error: Localize says nothing of it
		}
	case !errors.As(err, &de) && store.IsUnavailable(err):
		// A lost connection no store call translated: 503 with Retry-After, never a 500.
		shown = store.Unavailable(err)
	}
	de = domain.Localize(shown, lang)
	p := problem{Code: de.Code, Detail: de.Message, Errors: de.Fields}
	if p.Errors == nil {
		p.Errors = []domain.FieldError{}
	}
	p.Status = codeStatus[p.Code]
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "route", routePath(c), "status", p.Status, "err", err)
	}
	if p.Title = domain.Title(p.Code, lang); p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	c.Vary(fiber.HeaderAcceptLanguage)
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
