package api

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/forms"
	"motcua/qr"
)

// lookupURL returns the URL that d's QR code holds.
func (s *Server) lookupURL(d *domain.Dossier) (string, error) {
	token, err := s.lookup.TokenFor(d.LookupID)
	if err != nil {
		return "", err
	}
	return qr.LookupURL(s.cfg.PublicURL, token), nil
}

// sendDocument answers with a generated file shown in the browser, never cached (it holds personal data).
func sendDocument(c *fiber.Ctx, contentType, filename string, b []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}

// agencyNames returns the name of the agency with code and of its parent ("" for none).
func (s *Server) agencyNames(ctx context.Context, code string) (name, parent string, err error) {
	a, err := s.store.FindAgency(ctx, code)
	if err != nil {
		return "", "", err
	}
	if a.ParentCode != "" {
		p, err := s.store.FindAgency(ctx, a.ParentCode)
		if err != nil {
			return "", "", err
		}
		parent = p.Name
	}
	return a.Name, parent, nil
}

// receiptPDF answers GET /dossiers/:code/receipt.pdf: form 01 with the QR code.
func (s *Server) receiptPDF(c *fiber.Ctx) error {
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	name, parent, err := s.agencyNames(c.UserContext(), d.AgencyCode)
	if err != nil {
		return err
	}
	url, err := s.lookupURL(d)
	if err != nil {
		return err
	}
	png, err := qr.PNG(url)
	if err != nil {
		return fmt.Errorf("receipt %s: QR code: %v", d.Code, err) // a misconfigured public URL, not the caller's fault
	}
	var buf bytes.Buffer
	err = forms.RenderReceipt(&buf, forms.Receipt{Code: d.Code, AgencyName: name, AgencyParentName: parent,
		ApplicantName: d.Applicant.Name, ApplicantIDNumber: d.Applicant.IDNumber, ApplicantPhone: d.Applicant.Phone,
		ApplicantAddress: d.Applicant.Address, ProcedureName: d.ProcedureName, FieldName: d.Field,
		TimeLimit: d.TimeLimit.String(), ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, ReturnChannel: string(d.ReturnChannel),
		LookupURL: url, QRPNG: png})
	if err != nil {
		return fmt.Errorf("receipt %s: %v", d.Code, err)
	}
	return sendDocument(c, "application/pdf", d.Code+"-giay-tiep-nhan.pdf", buf.Bytes())
}

// qrPNG answers GET /dossiers/:code/qr.png: the QR code of the lookup URL.
func (s *Server) qrPNG(c *fiber.Ctx) error {
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	url, err := s.lookupURL(d)
	if err != nil {
		return err
	}
	png, err := qr.PNG(url)
	if err != nil {
		return fmt.Errorf("qr %s: %v", d.Code, err)
	}
	return sendDocument(c, "image/png", d.Code+"-qr.png", png)
}

// apologyPDF answers GET /dossiers/:code/apology.pdf: form 04, for a dossier with an apology
// (ENOTFOUND otherwise); EUNPROCESSABLE when its history does not say why (an import).
func (s *Server) apologyPDF(c *fiber.Ctx) error {
	d, err := s.findVisibleDossier(c)
	if err != nil {
		return err
	}
	if d.ApologizedAt == nil {
		return domain.Errorf(domain.ENOTFOUND, "The dossier has no apology letter.")
	}
	ctx := c.UserContext()
	events, err := s.store.DossierEvents(ctx, d.ID)
	if err != nil {
		return err
	}
	reason, appointment := "", d.AppointmentAt
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Action == domain.ActionApologize {
			reason, _ = e.Details["reason"].(string)
			if v, ok := e.Details["new_appointment_at"].(string); ok {
				if t, err := time.Parse(time.RFC3339, v); err == nil {
					appointment = t
				}
			}
			break
		}
	}
	if reason == "" {
		return domain.Errorf(domain.EUNPROCESSABLE, "The dossier's history does not record why it is late; the letter cannot be printed.")
	}
	name, _, err := s.agencyNames(ctx, d.AgencyCode)
	if err != nil {
		return err
	}
	url, err := s.lookupURL(d)
	if err != nil {
		return err
	}
	png, err := qr.PNG(url)
	if err != nil {
		return fmt.Errorf("apology %s: QR code: %v", d.Code, err)
	}
	var buf bytes.Buffer
	err = forms.RenderApology(&buf, forms.Apology{Code: d.Code, AgencyName: name, ApplicantName: d.Applicant.Name,
		ProcedureName: d.ProcedureName, Reason: reason, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
		NewAppointmentAt: appointment, IssuedAt: *d.ApologizedAt, LookupURL: url, QRPNG: png})
	if err != nil {
		return fmt.Errorf("apology %s: %v", d.Code, err)
	}
	return sendDocument(c, "application/pdf", d.Code+"-phieu-xin-loi.pdf", buf.Bytes())
}
