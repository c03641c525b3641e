package api

import "github.com/gofiber/fiber/v2"

// reportRoutes adds the report endpoints.
func (s *Server) reportRoutes(authed fiber.Router) {}
