package api

import (
	"motcua/domain"
)

func (s *Server) routes() {
	app := s.app
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsAuth, s.metrics.handler())
	app.Get("/api/v1/openapi.yaml", s.openapi)

	v1 := app.Group("/api/v1")
	v1.Post("/auth/login", s.loginLimiter(), s.login)

	var (
		admin     = require(domain.RoleAdmin)
		reception = require(domain.RoleAdmin, domain.RoleReception)
		staff     = require(domain.RoleAdmin, domain.RoleReception, domain.RoleSpecialist)
	)
	s.publicRoutes(app, v1)

	authed := v1.Group("", s.authenticate, s.idempotency)
	authed.Post("/users", admin, s.createUser)
	authed.Post("/agencies", admin, s.createAgency)
	authed.Get("/agencies", s.listAgencies)
	authed.Get("/agencies/:code", s.getAgency)

	authed.Put("/calendar/:year", deploymentAdmin, s.putCalendar)
	authed.Get("/calendar/:year", s.getCalendar)
	authed.Get("/calendar/rejudgements/:id", deploymentAdmin, s.getRejudge)

	authed.Post("/procedures", deploymentAdmin, s.createProcedure)
	authed.Put("/procedures/:code", deploymentAdmin, s.putProcedure)
	authed.Get("/procedures", s.listProcedures)
	authed.Get("/procedures/:code", s.getProcedure)

	authed.Post("/dossiers", reception, s.createDossier)
	authed.Get("/dossiers", staff, s.listDossiers)
	authed.Get("/dossiers/:code", staff, s.getDossier)
	authed.Get("/dossiers/:code/deadline", staff, s.dossierDeadline)
	authed.Post("/dossiers/:code/actions/:action", s.dossierAction)
	authed.Get("/dossiers/:code/receipt.pdf", staff, s.receiptPDF)
	authed.Get("/dossiers/:code/qr.png", staff, s.qrPNG)
	authed.Get("/dossiers/:code/apology.pdf", staff, s.apologyPDF)
	authed.Get("/scan", staff, s.scan)

	authed.Post("/imports/dossiers", admin, s.importDossiers)

	authed.Post("/feedback", reception, s.createFeedback)
	authed.Post("/feedback/:id/resolve", reception, s.resolveFeedback)
	authed.Get("/feedback", staff, s.listFeedback)

	s.reportRoutes(authed)
}
