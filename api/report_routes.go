package api

import (
	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// reportRoutes adds the report endpoints: the appendix and the Biểu 06 table (live or from
// the latest snapshot), the manual figures, and the snapshots. Reporters and admins only.
func (s *Server) reportRoutes(authed fiber.Router) {
	reporter := require(domain.RoleAdmin, domain.RoleReporter)
	authed.Get("/reports/appendix", reporter, s.getAppendix)
	authed.Get("/reports/by-field", reporter, s.getByField)
	authed.Get("/reports/manual", reporter, s.getManual)
	authed.Put("/reports/manual", reporter, s.putManual)
	authed.Get("/reports/snapshots", reporter, s.listSnapshots)
	authed.Post("/reports/snapshots", reporter, s.createSnapshot)
	authed.Get("/reports/snapshots/:id", reporter, s.getSnapshot)
}
