package api

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"motcua/store"
)

// replicaReads lets the reads of GET and HEAD requests be answered by the standby
// (MOTCUA_DATABASE_REPLICA_URL), and after any other request that succeeded records the
// primary's WAL position for its session, so that the session's next reads wait for the
// standby to have replayed its writes or go to the primary (store.ReadsFromReplica). The
// session is the bearer token or the counter's login cookie, or the client's address for
// citizens.
func (s *Server) replicaReads(c *fiber.Ctx) error {
	if !s.store.HasReplica() {
		return c.Next()
	}
	session := c.IP()
	if h := c.Get(fiber.HeaderAuthorization) + c.Cookies(counterCookie); h != "" {
		sum := sha256.Sum256([]byte(h))
		session = "t:" + hex.EncodeToString(sum[:12])
	}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		c.SetUserContext(store.ReadsFromReplica(c.UserContext(), session))
		return c.Next()
	}
	if err := c.Next(); err != nil {
		return err
	}
	if c.Response().StatusCode() < 400 {
		s.store.Wrote(c.UserContext(), session)
	}
	return nil
}
