package domain

import "time"

// IntakeRequest is a dossier to take in, as a member of staff gives it at the counter, in a
// form or in a row of an import. Every entry point fills one and calls Rules.Admit, so that
// the same dossier meets the same checks and the same answer wherever it comes from.
type IntakeRequest struct {
	AgencyCode    string
	ProcedureCode string
	Applicant     Applicant
	Channel       Channel
	ReturnChannel Channel    // "" = direct
	ReceivedAt    *time.Time // a past intake time (an admin's back-entry); nil = now
	HandedOverAt  *time.Time // postal intake: when the hand-over record with the postal worker was signed
	Digitized     bool
	Note          string
}

// IntakeContext is what an intake is checked against: who asks, when, the agency and the
// procedure version in force on the intake day as the catalogue gives them (nil when there is
// none).
type IntakeContext struct {
	Who       *Principal
	Now       time.Time
	Agency    *Agency
	Procedure *Procedure
}

// CheckFields checks what needs no catalogue: required codes, the applicant, the channels,
// the note and the intake time. It fills defaults (return channel direct) and records each
// problem under its JSON field name.
func (in *IntakeRequest) CheckFields(now time.Time, p *Problems) {
	if in.AgencyCode == "" {
		p.Add("agency_code", "is required")
	}
	if in.ProcedureCode == "" {
		p.Add("procedure_code", "is required")
	}
	in.Applicant.Validate("applicant.", p)
	if !in.Channel.Valid() {
		p.Add("channel", msgChannel)
	}
	if in.ReturnChannel == "" {
		in.ReturnChannel = ChannelDirect
	} else if !in.ReturnChannel.Valid() {
		p.Add("return_channel", msgChannel)
	}
	CheckText(p, "note", in.Note, 2000, false)
	if in.ReceivedAt != nil && in.ReceivedAt.After(now.Add(time.Minute)) {
		p.Add("received_at", "is in the future")
	}
	if in.HandedOverAt != nil && in.Channel != ChannelPostal {
		p.Add("handed_over_at", "is given only for a postal intake")
	}
}

// msgChannel is the problem of a channel that is not one of the three.
const msgChannel = "must be direct, online or postal"

// IntakeDay is the local day whose catalogue the intake is checked against.
func (in *IntakeRequest) IntakeDay(now time.Time) Date {
	if in.ReceivedAt != nil {
		return DateOf(*in.ReceivedAt)
	}
	return DateOf(now)
}

// Admit checks an intake and builds the dossier it takes in, with its intake event. The
// lookup id and the code are the caller's to set (the store numbers the code). Errors:
// EINVALID naming each bad field (CheckFields), or a missing agency; EFORBIDDEN for a past
// intake time given by someone who is not an admin, or an agency outside the caller's scope;
// EUNPROCESSABLE for a procedure that is unknown or not in force on the intake day, or a
// postal channel the procedure does not offer.
func (r Rules) Admit(in IntakeRequest, c IntakeContext) (*Dossier, *Event, error) {
	var p Problems
	in.CheckFields(c.Now, &p)
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	recordedAt := c.Now
	backDated := false
	if in.ReceivedAt != nil {
		if in.ReceivedAt.Before(c.Now.Add(-time.Minute)) && !c.Who.Has(RoleAdmin) {
			return nil, nil, Errorf(EFORBIDDEN, "Only an admin may record a past intake time.")
		}
		recordedAt, backDated = *in.ReceivedAt, in.ReceivedAt.Before(c.Now.Add(-time.Minute))
	}
	receivedAt := recordedAt
	if in.HandedOverAt != nil {
		if err := r.checkHandOver(*in.HandedOverAt, recordedAt, backDated); err != nil {
			return nil, nil, err
		}
		receivedAt = *in.HandedOverAt
	}
	if c.Agency == nil {
		return nil, nil, NoSuchAgency("agency_code", in.AgencyCode)
	}
	if !c.Who.Sees(c.Agency.Path) {
		e := Errorf(EFORBIDDEN, "Agency %s is outside your scope.", c.Agency.Code)
		e.Fields = []FieldError{{Field: "agency_code", Message: "is outside your scope"}}
		return nil, nil, e
	}
	day := DateOf(receivedAt)
	if err := CheckProcedureInForce(in.ProcedureCode, c.Procedure, day); err != nil {
		return nil, nil, err
	}
	if err := CheckPostal(c.Procedure, "channel", in.Channel); err != nil {
		return nil, nil, err
	}
	if err := CheckPostal(c.Procedure, "return_channel", in.ReturnChannel); err != nil {
		return nil, nil, err
	}
	proc, agency := c.Procedure, c.Agency
	d := &Dossier{AgencyCode: agency.Code, AgencyPath: agency.Path, AgencyLevel: agency.Level,
		ProcedureCode: proc.Code, ProcedureName: proc.Name, Field: proc.Field, TimeLimit: proc.Limit(),
		Channel: in.Channel, ReturnChannel: in.ReturnChannel, Applicant: in.Applicant, Note: in.Note,
		Digitized: in.Digitized, ReceivedAt: receivedAt.Truncate(time.Second), RecordedAt: recordedAt.Truncate(time.Second)}
	if in.HandedOverAt != nil {
		t := in.HandedOverAt.Truncate(time.Second)
		d.HandedOverAt = &t
	}
	ev := r.Intake(d, c.Who.Username, in.Note)
	return d, ev, nil
}

// checkHandOver checks a postal hand-over time, the legal intake time of a dossier recorded
// at recorded (QĐ 45/2016/QĐ-TTg): not after the recording, and not earlier than the start of
// the working day before it — except for an admin back-dating the intake, who may give any
// earlier time. EINVALID naming handed_over_at otherwise.
func (r Rules) checkHandOver(handedOver, recorded time.Time, backDated bool) error {
	if handedOver.After(recorded.Add(time.Minute)) {
		return Invalid("handed_over_at", "is after the intake is recorded")
	}
	if earliest := r.Calendar.or().previousWorkdayStart(DateOf(recorded)); handedOver.Before(earliest) && !backDated {
		return Invalidf("handed_over_at", "is before the start of the previous working day (%s)", earliest.Format("15:04 02/01/2006"))
	}
	return nil
}

// previousWorkdayStart is when the last working day before day began.
func (c *Calendar) previousWorkdayStart(day Date) time.Time {
	d := day.AddDays(-1)
	for i := 0; i < calMaxWalkDays && !c.IsWorkday(d); i++ {
		d = d.AddDays(-1)
	}
	return d.At(c.hours[0].Start)
}

// CheckProcedureInForce returns EUNPROCESSABLE naming procedure_code when p, the catalogue's
// answer for code, is nil (no such procedure) or not in force on day (a version that takes
// effect only after day included: the catalogue's answer for a procedure not yet published).
func CheckProcedureInForce(code string, p *Procedure, day Date) error {
	var e *Error
	switch {
	case p == nil:
		e = Errorf(EUNPROCESSABLE, "There is no procedure %s in the catalogue.", code)
		e.Fields = []FieldError{{Field: "procedure_code", Message: "no such procedure"}}
	case !p.InForce(day) || p.EffectiveOn.After(day):
		e = Errorf(EUNPROCESSABLE, "The procedure %s is not in force on %s.", p.Code, day)
		e.Fields = []FieldError{Problem("procedure_code", "not in force on %s", day)}
	default:
		return nil
	}
	return e
}

// NoSuchAgency is the EINVALID error of an agency code, given in field, that names no agency.
func NoSuchAgency(field, code string) *Error {
	e := Errorf(EINVALID, "There is no agency %s.", code)
	e.Fields = []FieldError{{Field: field, Message: "no such agency"}}
	return e
}

// CheckPostal returns EUNPROCESSABLE naming field when ch is postal and procedure p does not
// offer the public postal service (nil p offers nothing).
func CheckPostal(p *Procedure, field string, ch Channel) error {
	if ch != ChannelPostal || p != nil && p.Postal {
		return nil
	}
	return &Error{Code: EUNPROCESSABLE, Message: "The procedure does not offer the public postal service.",
		Fields: []FieldError{{Field: field, Message: "postal is not offered for this procedure"}}}
}
