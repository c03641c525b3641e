package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

// replicaReads lets the reads of GET and HEAD requests be answered by the standby
// (MOTCUA_DATABASE_REPLICA_URL), and after any other request that succeeded records the
// primary's WAL position for its session, so that the session's next reads wait for the
// standby to have replayed its writes or go to the primary (store.ReadsFromReplica). The
// session is the bearer token or the counter's login cookie, or the client's address for
// citizens.
//
// It also turns a lost connection that no store call translated into EUNAVAILABLE (503 with
// Retry-After), never a 500.
func (s *Server) replicaReads(c *fiber.Ctx) error {
	err := s.readFromReplica(c)
	var de *domain.Error
	if err != nil && !errors.As(err, &de) && store.IsUnavailable(err) {
		return store.Unavailable(err)
	}
	return err
}

func (s *Server) readFromReplica(c *fiber.Ctx) error {
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
