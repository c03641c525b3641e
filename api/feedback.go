package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

type feedbackRequest struct {
	AgencyCode    string `json:"agency_code"`
	ProcedureCode string `json:"procedure_code"`
	Content       string `json:"content"`
	ReceivedAt    string `json:"received_at"`
}

// pastTime reads an optional time that only an admin may set in the past; "" is now.
func (s *Server) pastTime(c *fiber.Ctx, field, v string) (time.Time, error) {
	now := s.now()
	if v == "" {
		return now.Truncate(time.Second), nil
	}
	t, err := parseTime(field, v)
	if err != nil {
		return t, err
	}
	if t.After(now.Add(time.Minute)) {
		return t, domain.Invalid(field, "is in the future")
	}
	if t.Before(now.Add(-time.Minute)) && !principal(c).Has(domain.RoleAdmin) {
		return t, domain.Errorf(domain.EFORBIDDEN, "Only an admin may record a past time.")
	}
	return t, nil
}

func (s *Server) createFeedback(c *fiber.Ctx) error {
	var req feedbackRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	f := &domain.Feedback{AgencyCode: req.AgencyCode, ProcedureCode: req.ProcedureCode, Content: req.Content, CreatedBy: principal(c).Username}
	if err := f.Validate(); err != nil {
		return err
	}
	t, err := s.pastTime(c, "received_at", req.ReceivedAt)
	if err != nil {
		return err
	}
	f.ReceivedAt = t
	if err := s.checkAgencyScope(c, f.AgencyCode, "agency_code"); err != nil {
		return err
	}
	a, err := s.store.FindAgency(c.UserContext(), f.AgencyCode)
	if err != nil {
		return err
	}
	f.AgencyPath = a.Path
	if err := s.store.CreateFeedback(c.UserContext(), f); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

type resolveFeedbackRequest struct {
	Answer string `json:"answer"`
	At     string `json:"at"`
}

func (s *Server) resolveFeedback(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return domain.Errorf(domain.ENOTFOUND, "feedback not found")
	}
	var req resolveFeedbackRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	var pr domain.Problems
	if domain.CheckText(&pr, "answer", req.Answer, 5000, true); pr.Err() != nil {
		return pr.Err()
	}
	at, err := s.pastTime(c, "at", req.At)
	if err != nil {
		return err
	}
	f, err := s.store.FindFeedback(c.UserContext(), int64(id))
	if err != nil || !principal(c).Sees(f.AgencyPath) {
		return domain.Errorf(domain.ENOTFOUND, "feedback not found")
	}
	if at.Before(f.ReceivedAt) {
		return domain.Invalid("at", "is before the feedback was received")
	}
	f, err = s.store.ResolveFeedback(c.UserContext(), f.ID, req.Answer, at)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) listFeedback(c *fiber.Ctx) error {
	f := store.FeedbackFilter{Scope: principal(c).AgencyPath, AgencyCode: c.Query("agency_code")}
	var err error
	if f.Page, err = pageParam(c); err != nil {
		return err
	}
	switch c.Query("open") {
	case "", "false":
	case "true":
		f.Open = true
	default:
		return domain.Invalid("open", "must be true or false")
	}
	list, next, err := s.store.ListFeedback(c.UserContext(), f)
	if err != nil {
		return err
	}
	return listAnswer(c, list, next)
}
