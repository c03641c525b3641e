package api

import (
	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

type createAgencyRequest struct {
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Level      domain.Level `json:"level"`
	ParentCode string       `json:"parent_code"`
}

func (s *Server) createAgency(c *fiber.Ctx) error {
	var req createAgencyRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	a := &domain.Agency{Code: req.Code, Name: req.Name, Level: req.Level, ParentCode: req.ParentCode}
	if err := a.Validate(); err != nil {
		return err
	}
	// An admin bound to an agency may add agencies only under it.
	if p := principal(c); p.AgencyPath != "" {
		if req.ParentCode == "" {
			return domain.Errorf(domain.EFORBIDDEN, "Only a global admin may add a top-level agency.")
		}
		if err := s.checkAgencyScope(c, req.ParentCode, "parent_code"); err != nil {
			return err
		}
	}
	if err := s.store.CreateAgency(c.UserContext(), a); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) listAgencies(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	list, next, err := s.store.ListAgenciesPage(c.UserContext(), principal(c).AgencyPath, pg)
	if err != nil {
		return err
	}
	return listAnswer(c, list, next)
}

// findVisibleAgency returns the agency if the caller may see it; ENOTFOUND otherwise,
// so that other agencies' codes are not confirmed to exist.
func (s *Server) findVisibleAgency(c *fiber.Ctx, code string) (*domain.Agency, error) {
	a, err := s.store.FindAgency(c.UserContext(), code)
	if err != nil {
		return nil, err
	}
	if !principal(c).Sees(a.Path) {
		return nil, domain.Errorf(domain.ENOTFOUND, "agency %s not found", code)
	}
	return a, nil
}

func (s *Server) getAgency(c *fiber.Ctx) error {
	a, err := s.findVisibleAgency(c, c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}
