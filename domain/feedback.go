package domain

import "time"

// Feedback is a citizen's complaint or suggestion about a procedure (phản ánh, kiến nghị; appendix III.4).
type Feedback struct {
	ID            int64      `json:"id"`
	AgencyCode    string     `json:"agency_code"`
	AgencyPath    string     `json:"-"`
	ProcedureCode string     `json:"procedure_code,omitempty"`
	Content       string     `json:"content"`
	ReceivedAt    time.Time  `json:"received_at"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	Answer        string     `json:"answer"`
	CreatedBy     string     `json:"created_by"`
}

// Validate checks new feedback; EINVALID names each bad field.
func (f *Feedback) Validate() error {
	var p Problems
	if f.AgencyCode == "" {
		p.Add("agency_code", "is required")
	}
	CheckText(&p, "content", f.Content, 5000, true)
	CheckText(&p, "procedure_code", f.ProcedureCode, 60, false)
	return p.Err()
}
