package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/qr"
)

// maxScanData bounds what a scanner may send, in bytes.
const maxScanData = 1024

// scan answers GET /scan?data=: the dossier a scanned lookup URL or a typed code points to.
func (s *Server) scan(c *fiber.Ctx) error {
	d, err := s.resolveScan(c, c.Query("data"))
	if err != nil {
		return err
	}
	return s.sendDossier(c, d, fiber.StatusOK)
}

// resolveScan finds the dossier that data names: a lookup URL as a scanner read it (its token
// verified before the database is asked), or a dossier code typed in any case with stray white
// space. EINVALID naming "data" for anything else; ENOTFOUND for an unknown dossier or one
// outside the caller's scope.
func (s *Server) resolveScan(c *fiber.Ctx, data string) (*domain.Dossier, error) {
	data = strings.TrimSpace(data)
	switch {
	case data == "":
		return nil, domain.Invalid("data", "is required: a scanned lookup URL or a dossier code")
	case len(data) > maxScanData:
		return nil, domain.Invalid("data", "is longer than 1024 bytes")
	}
	var d *domain.Dossier
	var err error
	if token, ok := qr.TokenFromURL(data); ok {
		d, err = s.dossierByToken(c.UserContext(), token)
	} else {
		code := strings.ToUpper(data)
		if _, _, _, perr := domain.ParseCode(code); perr != nil {
			return nil, domain.Invalid("data", "is neither a lookup URL nor a dossier code")
		}
		d, err = s.store.FindDossierByCode(c.UserContext(), code)
	}
	if err != nil {
		return nil, err
	}
	if !principal(c).Sees(d.AgencyPath) {
		return nil, dossierNotFound()
	}
	return d, nil
}
