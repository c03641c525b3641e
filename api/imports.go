package api

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// importDossiers passes a CSV body to the importer: all rows or none.
func (s *Server) importDossiers(c *fiber.Ctx) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, "text/csv") {
		return domain.Invalid("body", "Content-Type must be text/csv")
	}
	limit := s.cfg.ImportLimit
	tooLarge := domain.Invalidf("body", "is larger than %d bytes; import a larger file with `motcua import dossiers`", limit)
	var r io.Reader
	if stream := c.Context().RequestBodyStream(); stream == nil {
		if int64(len(c.Body())) > limit {
			return tooLarge
		}
		r = bytes.NewReader(c.Body())
	} else {
		// The whole body first, into a file that is already unlinked (nothing is left behind,
		// even by a crash): the import's transaction must not wait on a slow upload while it
		// holds the embedded database's write lock, or the daily sequences' rows.
		f, err := os.CreateTemp("", "motcua-import-*.csv")
		if err != nil {
			return err
		}
		os.Remove(f.Name())
		defer f.Close()
		// The limit keeps an upload from filling the disk of the replica that takes it.
		if n, err := io.Copy(f, io.LimitReader(stream, limit+1)); err != nil {
			c.Context().SetConnectionClose()
			return domain.Invalid("body", "could not be read")
		} else if n > limit {
			return tooLarge // drainBody reads a short rest away, or closes the connection
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r = bufio.NewReaderSize(f, 64<<10)
	}
	res, err := s.desk.Import(c.UserContext(), principal(c), r)
	if err != nil {
		// Whatever is left of the body stays unread: close the connection after answering.
		c.Context().SetConnectionClose()
		return err
	}
	return c.JSON(res)
}
