package api

import (
	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 when the database answers and its schema is the binary's, 503 otherwise.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx := c.UserContext()
	details := fiber.Map{}
	ready := true
	if err := s.store.Ping(ctx); err != nil {
		ready = false
		details["database"] = "unreachable"
	} else if st, err := s.store.Schema(ctx); err != nil {
		ready = false
		details["database"] = "unreachable"
	} else {
		details["database"] = "ok"
		details["schema"] = fiber.Map{"current": st.Current, "latest": st.Latest}
		if st.Current != st.Latest {
			ready = false
		}
		for k, v := range s.readyDetails(c) {
			details[k] = v
		}
	}
	status := fiber.StatusOK
	state := "ready"
	if !ready {
		status, state = fiber.StatusServiceUnavailable, "unavailable"
	}
	return c.Status(status).JSON(fiber.Map{"status": state, "details": details})
}

// readyDetails adds what other features want operators to see (e.g. the calendar each year
// in use counts with). Checks that answer under "warnings" with a []string add their entries
// to one list: things an operator should fix that leave the service ready.
func (s *Server) readyDetails(c *fiber.Ctx) map[string]any {
	out := map[string]any{}
	for _, f := range s.readyChecks {
		k, v := f(c)
		if w, ok := v.([]string); ok && k == "warnings" {
			prev, _ := out[k].([]string)
			out[k] = append(prev, w...)
			continue
		}
		out[k] = v
	}
	return out
}

// configWarnings lists the configuration's warnings (Config.Warnings) for /readyz.
func (s *Server) configWarnings(*fiber.Ctx) (string, any) {
	return "warnings", s.cfg.Warnings
}

var _ = domain.EINVALID
