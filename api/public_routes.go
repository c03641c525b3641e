package api

import "github.com/gofiber/fiber/v2"

// publicRoutes adds the citizen's pages and answers, the printed forms and the counter scan.
func (s *Server) publicRoutes(app *fiber.App, v1, authed fiber.Router) {}
