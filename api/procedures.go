package api

import (
	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

type procedureRequest struct {
	Code                  string             `json:"code"`
	Name                  string             `json:"name"`
	Field                 string             `json:"field"`
	Level                 domain.Level       `json:"level"`
	TimeLimitDays         *int               `json:"time_limit_days"`
	TimeLimitHours        *int               `json:"time_limit_hours"`
	OnlineEligible        domain.OnlineLevel `json:"online_eligible"`
	OnlineProvided        domain.OnlineLevel `json:"online_provided"`
	NationalPortal        bool               `json:"national_portal"`
	Fee                   bool               `json:"fee"`
	OnlinePayment         bool               `json:"online_payment"`
	Postal                bool               `json:"postal"`
	InterlinkedSameLevel  bool               `json:"interlinked_same_level"`
	InterlinkedCrossLevel bool               `json:"interlinked_cross_level"`
	PublishedOn           string             `json:"published_on"`
	RepealedOn            *string            `json:"repealed_on"`
	EffectiveOn           string             `json:"effective_on"`
}

// procedure validates the request as a catalogue version.
func (r *procedureRequest) procedure() (*domain.Procedure, error) {
	p := &domain.Procedure{Code: r.Code, Name: r.Name, Field: r.Field, Level: r.Level, TimeLimitDays: r.TimeLimitDays,
		TimeLimitHours: r.TimeLimitHours, OnlineEligible: r.OnlineEligible, OnlineProvided: r.OnlineProvided,
		NationalPortal: r.NationalPortal, Fee: r.Fee, OnlinePayment: r.OnlinePayment, Postal: r.Postal,
		InterlinkedSameLevel: r.InterlinkedSameLevel, InterlinkedCrossLevel: r.InterlinkedCrossLevel}
	if p.OnlineEligible == "" {
		p.OnlineEligible = domain.OnlineNone
	}
	if p.OnlineProvided == "" {
		p.OnlineProvided = domain.OnlineNone
	}
	var pr domain.Problems
	date := func(field, s string) domain.Date {
		if s == "" {
			return domain.Date{}
		}
		d, err := domain.ParseDate(s)
		if err != nil {
			pr.Add(field, "is not a date (YYYY-MM-DD)")
		}
		return d
	}
	p.PublishedOn = date("published_on", r.PublishedOn)
	p.EffectiveOn = date("effective_on", r.EffectiveOn)
	if r.RepealedOn != nil && *r.RepealedOn != "" {
		d := date("repealed_on", *r.RepealedOn)
		p.RepealedOn = &d
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return p, p.Validate()
}

func (s *Server) createProcedure(c *fiber.Ctx) error {
	var req procedureRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	p, err := req.procedure()
	if err != nil {
		return err
	}
	if err := s.store.CreateProcedure(c.UserContext(), p); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) putProcedure(c *fiber.Ctx) error {
	var req procedureRequest
	if err := decode(c, &req, false); err != nil {
		return err
	}
	if req.Code == "" {
		req.Code = c.Params("code")
	} else if req.Code != c.Params("code") {
		return domain.Invalid("code", "differs from the code in the URL")
	}
	if req.EffectiveOn == "" {
		return domain.Invalid("effective_on", "is required: the date the new version applies from")
	}
	p, err := req.procedure()
	if err != nil {
		return err
	}
	if err := s.store.AddProcedureVersion(c.UserContext(), p); err != nil {
		return err
	}
	return c.JSON(p)
}

// asOf reads ?as_of= (default: today in Vietnam).
func (s *Server) asOf(c *fiber.Ctx) (domain.Date, error) {
	if v := c.Query("as_of"); v != "" {
		d, err := domain.ParseDate(v)
		if err != nil {
			return d, domain.Invalid("as_of", "is not a date (YYYY-MM-DD)")
		}
		return d, nil
	}
	return domain.DateOf(s.now()), nil
}

func (s *Server) listProcedures(c *fiber.Ctx) error {
	asOf, err := s.asOf(c)
	if err != nil {
		return err
	}
	f := store.ProcedureFilter{AsOf: asOf, Level: domain.Level(c.Query("level")), Field: c.Query("field")}
	if f.Level != "" && !f.Level.Valid() {
		return domain.Invalid("level", "must be province, district or commune")
	}
	if f.Page, err = pageParam(c); err != nil {
		return err
	}
	list, next, err := s.store.ListProcedures(c.UserContext(), f)
	if err != nil {
		return err
	}
	return listAnswer(c, list, next)
}

func (s *Server) getProcedure(c *fiber.Ctx) error {
	asOf, err := s.asOf(c)
	if err != nil {
		return err
	}
	p, err := s.store.FindProcedure(c.UserContext(), c.Params("code"), asOf)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
