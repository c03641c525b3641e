package api

import (
	"bytes"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/importer"
)

// importDossiers streams a CSV body into the importer: all rows or none.
func (s *Server) importDossiers(c *fiber.Ctx) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, "text/csv") {
		return domain.Invalid("body", "Content-Type must be text/csv")
	}
	var r io.Reader
	if stream := c.Context().RequestBodyStream(); stream != nil {
		r = stream
	} else {
		r = bytes.NewReader(c.Body())
	}
	rules, err := s.rules(c.UserContext())
	if err != nil {
		return err
	}
	p := principal(c)
	res, err := importer.Run(c.UserContext(), s.store, rules, r, importer.Options{Actor: p.Username, Scope: p.AgencyPath, Now: s.now()})
	if err != nil {
		// Whatever is left of the body stays unread: close the connection after answering.
		c.Context().SetConnectionClose()
		return err
	}
	return c.JSON(res)
}
