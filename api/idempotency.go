package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

const (
	// idempotencyStaleAfter is how long a key may stay "in progress" before a repeat takes it
	// over: longer than any request runs (the write timeout is two minutes).
	idempotencyStaleAfter = 10 * time.Minute
	// idempotencySaveTimeout bounds saving or releasing a key after the request.
	idempotencySaveTimeout = 10 * time.Second
)

// idempotency makes every authenticated POST and PUT that carries an Idempotency-Key run at
// most once per key and caller: the key is claimed before the handler runs, a successful
// answer is kept, and a repeat with the same method, path and body gets that answer again
// (marked Idempotent-Replayed, with the first answer's ETag). A repeat with another body, or while the first request is
// still running, is ECONFLICT. Failed requests release the key so that they can be retried.
// Keys expire after Config.IdempotencyTTL; one left "in progress" (its release failed, or
// its process died) is taken over after idempotencyStaleAfter.
// CSV imports are left out: they are idempotent by dossier code.
func (s *Server) idempotency(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	if key == "" || c.Method() != fiber.MethodPost && c.Method() != fiber.MethodPut ||
		strings.HasPrefix(string(c.Request().Header.ContentType()), "text/csv") {
		return c.Next()
	}
	if len(key) > 200 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return domain.Invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters")
	}
	b, err := body(c, maxJSONBody)
	if err != nil {
		return err
	}
	c.Request().SetBody(b) // the handler reads it again
	ctx := c.UserContext()
	actor := principal(c).Username
	sum := sha256.Sum256(append([]byte(c.Method()+" "+c.Path()+"\n"), b...))
	hash := hex.EncodeToString(sum[:])
	now := s.now()
	prev, err := s.store.ClaimIdempotencyKey(ctx, actor, key, hash, now, now.Add(-s.cfg.IdempotencyTTL), now.Add(-idempotencyStaleAfter))
	if err != nil {
		return err
	}
	if prev != nil {
		switch {
		case prev.RequestHash != hash:
			return domain.Errorf(domain.ECONFLICT, "This Idempotency-Key was used with another request.")
		case prev.Status == 0:
			return domain.Errorf(domain.ECONFLICT, "A request with this Idempotency-Key is still being processed.")
		}
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		if prev.ETag != "" {
			c.Set(fiber.HeaderETag, prev.ETag)
		}
		return c.Status(prev.Status).Send(prev.Body)
	}
	if err := c.Next(); err != nil {
		s.releaseIdempotencyKey(c, actor, key)
		return err
	}
	status := c.Response().StatusCode()
	if status >= 300 {
		s.releaseIdempotencyKey(c, actor, key)
		return nil
	}
	// The request is done: an answer that cannot be kept is still sent, and its key, left
	// "in progress", is taken over by a repeat after idempotencyStaleAfter.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idempotencySaveTimeout)
	defer cancel()
	if err := s.store.CompleteIdempotencyKey(saveCtx, actor, key, status, string(c.Response().Header.Peek(fiber.HeaderETag)),
		append([]byte(nil), c.Response().Body()...)); err != nil {
		s.log.Error("idempotency key not saved", append(logAttrs(c), "err", err)...)
	}
	return nil
}

// releaseIdempotencyKey drops the claim of a request that failed, so that it may be tried
// again. When that fails it is logged, and the claim is taken over by a repeat after
// idempotencyStaleAfter: the key is never stuck.
func (s *Server) releaseIdempotencyKey(c *fiber.Ctx, actor, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), idempotencySaveTimeout)
	defer cancel()
	if err := s.store.ReleaseIdempotencyKey(ctx, actor, key); err != nil {
		s.log.Error("idempotency key not released", append(logAttrs(c), "err", err)...)
	}
}

// idempotent reads the body, runs fn and sends its answer as JSON. Idempotency-Key is
// handled around it by the idempotency middleware.
func (s *Server) idempotent(c *fiber.Ctx, fn func(body []byte) (int, any, error)) error {
	b, err := body(c, maxJSONBody)
	if err != nil {
		return err
	}
	status, v, err := fn(b)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(v)
}
