package desk

import (
	"context"
	"strconv"
	"strings"

	"motcua/domain"
	"motcua/qr"
)

// Intake takes a dossier in for who: the checks of domain.Rules.Admit against the agency and
// the procedure version in force on the intake day, then the store numbers and records it
// with its intake event. Errors are Admit's, and the store's.
func (d *Desk) Intake(ctx context.Context, who *domain.Principal, in domain.IntakeRequest) (*domain.Dossier, error) {
	now := d.now()
	var p domain.Problems
	in.CheckFields(now, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	c := domain.IntakeContext{Who: who, Now: now}
	agency, err := d.store.FindAgency(ctx, in.AgencyCode)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	c.Agency = agency
	proc, err := d.store.FindProcedure(ctx, in.ProcedureCode, in.IntakeDay(now))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		// None in force on the day: a procedure published later is "not in force", not unknown.
		proc, err = d.store.FindProcedure(ctx, in.ProcedureCode, domain.Date{Year: 9999, Month: 12, Day: 31})
	}
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	c.Procedure = proc
	rules, err := d.Rules(ctx)
	if err != nil {
		return nil, err
	}
	dossier, ev, err := rules.Admit(in, c)
	if err != nil {
		return nil, err
	}
	if dossier.LookupID, err = qr.NewID(); err != nil {
		return nil, err
	}
	if err := d.store.CreateDossier(ctx, dossier, ev); err != nil {
		return nil, err
	}
	return dossier, nil
}

// Dossier returns the dossier with code if who may see it; ENOTFOUND otherwise, so that
// another agency's dossiers are not confirmed to exist.
func (d *Desk) Dossier(ctx context.Context, who *domain.Principal, code string) (*domain.Dossier, error) {
	dossier, err := d.store.FindDossierByCode(ctx, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	if !who.Sees(dossier.AgencyPath) {
		return nil, domain.Errorf(domain.ENOTFOUND, "dossier not found")
	}
	return dossier, nil
}

// Act carries out req on the dossier with code for who, in one transaction under the
// dossier's lock (domain.Rules.Apply). ifMatch, when not empty, must be the dossier's version
// as an ETag ("3", or *): EPRECONDITION otherwise. Errors: ActionRequest.Authorize's,
// ENOTFOUND for a dossier who may not see, EUNPROCESSABLE for a postal return the procedure
// does not offer, and Apply's.
func (d *Desk) Act(ctx context.Context, who *domain.Principal, code string, req domain.ActionRequest, ifMatch string) (*domain.Dossier, error) {
	if err := req.Authorize(who, d.now()); err != nil {
		return nil, err
	}
	dossier, err := d.Dossier(ctx, who, code)
	if err != nil {
		return nil, err
	}
	if req.Action == domain.ActionReturn && req.Channel == domain.ChannelPostal {
		proc, err := d.store.FindProcedure(ctx, dossier.ProcedureCode, domain.DateOf(req.At))
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return nil, err
		}
		if err := domain.CheckPostal(proc, "channel", req.Channel); err != nil {
			return nil, err
		}
	}
	rules, err := d.Rules(ctx)
	if err != nil {
		return nil, err
	}
	return d.store.UpdateDossier(ctx, dossier.Code, func(dossier *domain.Dossier, history []domain.Event) (*domain.Event, error) {
		if ifMatch != "" && ifMatch != "*" && ifMatch != ETag(dossier.Version) {
			return nil, domain.Errorf(domain.EPRECONDITION, "The dossier has changed (version %d).", dossier.Version)
		}
		return rules.Apply(dossier, history, req)
	})
}

// ETag is a dossier version as its ETag.
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// Deadline explains how the due time of the dossier with code was reached, for who.
func (d *Desk) Deadline(ctx context.Context, who *domain.Principal, code string) (*domain.Dossier, domain.Deadline, error) {
	dossier, err := d.Dossier(ctx, who, code)
	if err != nil {
		return nil, domain.Deadline{}, err
	}
	history, err := d.store.DossierEvents(ctx, dossier.ID)
	if err != nil {
		return nil, domain.Deadline{}, err
	}
	rules, err := d.Rules(ctx)
	if err != nil {
		return nil, domain.Deadline{}, err
	}
	return dossier, rules.Deadline(dossier, history), nil
}
