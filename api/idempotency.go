package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// idempotent runs a write at most once per Idempotency-Key and caller: the key is claimed
// before the write, the first answer is kept, and a repeat with the same body gets that
// answer again; a repeat with another body, or while the first is still running, is ECONFLICT.
// fn gets the request body and returns the status and the value to send.
func (s *Server) idempotent(c *fiber.Ctx, fn func(body []byte) (int, any, error)) error {
	b, err := body(c, maxJSONBody)
	if err != nil {
		return err
	}
	key := c.Get("Idempotency-Key")
	if key == "" {
		status, v, err := fn(b)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(v)
	}
	if len(key) > 200 {
		return domain.Invalid("Idempotency-Key", "is longer than 200 characters")
	}
	ctx := c.UserContext()
	actor := principal(c).Username
	sum := sha256.Sum256(append([]byte(c.Method()+" "+c.Path()+"\n"), b...))
	hash := hex.EncodeToString(sum[:])
	prev, err := s.store.ClaimIdempotencyKey(ctx, actor, key, hash)
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
		return c.Status(prev.Status).Send(prev.Body)
	}
	status, v, err := fn(b)
	if err != nil {
		s.store.ReleaseIdempotencyKey(ctx, actor, key)
		return err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := s.store.CompleteIdempotencyKey(ctx, actor, key, status, out); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(status).Send(out)
}
