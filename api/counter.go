package api

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
	"motcua/store"
)

// The counter's pages beyond the lookup: the desk's lists, the intake form, the dossier's card
// and its actions. The handlers only turn forms into the desk's requests and the desk's
// errors into the form again; every rule is the desk's, as for the JSON API.

// counterRoutes adds the counter's working pages; publicRoutes calls it, before the
// authenticated API group exists.
func (s *Server) counterRoutes(app *fiber.App) {
	app.Get("/counter/new", s.counterAuth, s.counterRequire(intakeRoles...), s.counterNewPage)
	app.Post("/counter/dossiers", s.counterAuth, s.counterRequire(intakeRoles...), s.counterForm, s.counterIntake)
	app.Get("/counter/dossiers/:code", s.counterAuth, s.counterCard)
	app.Post("/counter/dossiers/:code/actions/:action", s.counterAuth, s.counterForm, s.counterAction)
}

// intakeRoles may take a dossier in, as through POST /api/v1/dossiers.
var intakeRoles = []domain.Role{domain.RoleAdmin, domain.RoleReception}

// counterRequire lets through staff holding one of roles, as require does for the API, and
// answers others with a page.
func (s *Server) counterRequire(roles ...domain.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !principal(c).Has(roles...) {
			return s.staffMessage(c, fiber.StatusForbidden, "Không có quyền", "Vai trò của bạn không được làm việc này.")
		}
		return c.Next()
	}
}

// counterListLimit is how many dossiers each of the home page's lists shows.
const counterListLimit = 20

// csrfToken is the CSRF token of the counter session whose cookie holds login token: a MAC of
// the token, so that it changes with every login and needs no storage.
func (s *Server) csrfToken(login string) string {
	if login == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(s.tokens.mac("csrf\x00" + login))
}

// staffMeta is the layout's data for a counter page of the logged-in user.
func (s *Server) staffMeta(c *fiber.Ctx, title string) pageMeta {
	m := pageMeta{Title: title, Staff: true, CSRF: s.csrfToken(c.Cookies(counterCookie))}
	if p, ok := c.Locals("principal").(*domain.Principal); ok {
		m.User, m.Intake = p.Username, p.Has(intakeRoles...)
	}
	return m
}

// staffMessage answers with a counter page that only says something.
func (s *Server) staffMessage(c *fiber.Ctx, status int, heading, text string) error {
	return s.render(c, status, "message", messagePage{pageMeta: s.staffMeta(c, heading), Heading: heading, Text: text})
}

// counterForm reads a counter form's body and lets it through only with the session's CSRF
// token in its field "csrf": a form posted from elsewhere changes nothing (403). The form is
// left in the request's locals for the handler.
func (s *Server) counterForm(c *fiber.Ctx) error {
	want := s.csrfToken(c.Cookies(counterCookie))
	if want == "" {
		return c.Redirect("/counter/login", fiber.StatusSeeOther)
	}
	form, err := readForm(c, 64<<10)
	if err != nil {
		return s.staffMessage(c, fiber.StatusBadRequest, "Không đọc được biểu mẫu", "Vui lòng tải lại trang và gửi lại.")
	}
	if !hmac.Equal([]byte(form.Get("csrf")), []byte(want)) {
		return s.staffMessage(c, fiber.StatusForbidden, "Biểu mẫu không hợp lệ",
			"Biểu mẫu đã cũ hoặc không được gửi từ trang của quầy; không có gì thay đổi. Vui lòng tải lại trang rồi thử lại.")
	}
	c.Locals("form", form)
	return c.Next()
}

// formOf is the form counterForm read.
func formOf(c *fiber.Ctx) url.Values {
	f, _ := c.Locals("form").(url.Values)
	return f
}

// fieldErrors maps each field a desk error names to its first problem; the rest of the error,
// by its code, is a sentence for the top of the form ("" when the fields say it all).
func fieldErrors(err error) (map[string]string, string) {
	fields := map[string]string{}
	var de *domain.Error
	if !errors.As(err, &de) {
		return fields, "Đã có lỗi xảy ra; vui lòng thử lại sau ít phút."
	}
	de = domain.Localize(de, domain.LangVI)
	for _, f := range de.Fields {
		if _, ok := fields[f.Field]; !ok {
			fields[f.Field] = f.Message
		}
	}
	general := ""
	switch de.Code {
	case domain.EINVALID:
		general = "Vui lòng sửa các mục được đánh dấu."
	case domain.EFORBIDDEN:
		general = "Vai trò của bạn không được làm việc này."
	case domain.ETRANSITION:
		general = "Hồ sơ ở trạng thái hiện tại không cho phép thao tác này."
	case domain.ECONFLICT:
		general = "Thao tác này đã được thực hiện trước đó."
	case domain.EPRECONDITION:
		general = "Hồ sơ vừa được người khác thay đổi; vui lòng xem lại."
	case domain.ENOTFOUND:
		general = "Không tìm thấy."
	case domain.EUNPROCESSABLE:
		general = "Không thực hiện được theo quy định."
	default:
		general = "Đã có lỗi xảy ra; vui lòng thử lại sau ít phút."
	}
	if len(fields) == 0 || de.Code != domain.EINVALID {
		if general != "" && de.Message != "" {
			general += " (" + de.Message + ")"
		}
	}
	return fields, general
}

// counterLine is one dossier of a list on the desk's home page.
type counterLine struct {
	Code, Applicant, Procedure, Due, StatusLabel, StatusClass string
	Late                                                      bool
}

// counterList is one of the desk's lists.
type counterList struct {
	ID, Title, Empty string
	Lines            []counterLine
	More             bool
}

// counterLists reads the desk's lists for the logged-in user's scope.
func (s *Server) counterLists(c *fiber.Ctx) ([]counterList, error) {
	p, now := principal(c), s.now()
	day := domain.DateOf(now)
	from, to := day.Start(), day.AddDays(1).Start()
	lists := []struct {
		id, title, empty string
		f                store.DossierFilter
	}{
		{"den-han", "Đến hạn trả hôm nay", "Không có hồ sơ nào đến hạn hôm nay.", store.DossierFilter{Running: true, AppointmentFrom: &from, AppointmentTo: &to}},
		{"qua-han", "Đã quá hạn", "Không có hồ sơ quá hạn.", store.DossierFilter{Overdue: true}},
		{"chua-chuyen", "Chưa chuyển xử lý đúng hạn", "Không có hồ sơ chậm chuyển.", store.DossierFilter{Untransferred: true}},
		{"cho-bo-sung", "Chờ bổ sung hồ sơ", "Không có hồ sơ chờ bổ sung.", store.DossierFilter{Status: domain.StatusAwaitingSupplement}},
		{"tra-ket-qua", "Có kết quả, chờ trả", "Không có kết quả chờ trả.", store.DossierFilter{Status: domain.StatusResolved}},
	}
	out := make([]counterList, 0, len(lists))
	for _, l := range lists {
		f := l.f
		f.Scope, f.Now, f.Limit = p.AgencyPath, now, counterListLimit
		found, next, err := s.store.ListDossiers(c.UserContext(), f)
		if err != nil {
			return nil, err
		}
		cl := counterList{ID: l.id, Title: l.title, Empty: l.empty, More: next != ""}
		for _, d := range found {
			cl.Lines = append(cl.Lines, counterLine{Code: d.Code, Applicant: d.Applicant.Name, Procedure: d.ProcedureName,
				Due: vnTime(d.AppointmentAt), StatusLabel: d.Status.Label(), StatusClass: statusClass(d.Status), Late: d.Overdue(now)})
		}
		out = append(out, cl)
	}
	return out, nil
}

// actionLabel is an action as the counter names it.
func actionLabel(a domain.Action) string {
	switch a {
	case domain.ActionIntake:
		return "Tiếp nhận hồ sơ"
	case domain.ActionStart:
		return "Chuyển xử lý"
	case domain.ActionRequestSupplement:
		return "Yêu cầu bổ sung hồ sơ"
	case domain.ActionSupplement:
		return "Đã nhận hồ sơ bổ sung"
	case domain.ActionPause:
		return "Tạm dừng giải quyết"
	case domain.ActionResume:
		return "Tiếp tục giải quyết"
	case domain.ActionResolve:
		return "Có kết quả giải quyết"
	case domain.ActionReturn:
		return "Trả kết quả"
	case domain.ActionApologize:
		return "Xin lỗi, hẹn lại ngày trả"
	case domain.ActionWithdraw:
		return "Rút hồ sơ"
	case domain.ActionRecompute:
		return "Tính lại thời hạn"
	}
	return string(a)
}

// channelLabel is a channel in Vietnamese.
func channelLabel(ch domain.Channel) string {
	switch ch {
	case domain.ChannelDirect:
		return "Trực tiếp"
	case domain.ChannelOnline:
		return "Trực tuyến"
	case domain.ChannelPostal:
		return "Bưu chính công ích"
	}
	return string(ch)
}

// option is a choice of a select or a set of radio buttons.
type option struct{ Value, Label string }

var (
	channelOptions = []option{{"direct", "Trực tiếp"}, {"online", "Trực tuyến"}, {"postal", "Bưu chính công ích"}}
	outcomeOptions = []option{{"approved", "Chấp thuận (cấp kết quả)"}, {"refused", "Từ chối (có văn bản nêu lý do)"}}
)

// formState is what a form shows: the values given and the problems found.
type formState struct {
	Values  map[string]string
	Errors  map[string]string
	Problem string
}

// Value is the value given for field.
func (f formState) Value(field string) string { return f.Values[field] }

// Err is the problem with field, if any.
func (f formState) Err(field string) string { return f.Errors[field] }

// Checked reports whether field was given value.
func (f formState) Checked(field, value string) bool { return f.Values[field] == value }

// fieldView is a text input of a form, with its label and problem.
type fieldView struct{ ID, Name, Label, Type, Auto, Value, Err string }

// Field describes the input of field name.
func (f formState) Field(name, label, typ, auto string) fieldView {
	return fieldView{ID: strings.ReplaceAll(name, ".", "-"), Name: name, Label: label, Type: typ, Auto: auto,
		Value: f.Values[name], Err: f.Errors[name]}
}

// actionForm is one action's form on the dossier's card.
type actionForm struct {
	formState
	Name, Label, Code, CSRF string
	IfMatch                 string // the dossier's version the card shows: a stale card's action is refused (412)
	Open                    bool   // shown unfolded: the next step, or it failed
	Channels, Outcomes      []option
}

type timelineRow struct {
	When, What, Who, Note string
	Details               []string
}

type cardView struct {
	pageMeta
	D                                                 *domain.Dossier
	AgencyName, StatusLabel, StatusClass              string
	Progress, ProgressClass, TimeLimit, ChannelLabel  string
	ReturnChannelLabel, Flash, Problem                string
	Dates                                             []pageRow
	Steps                                             []string
	Timeline                                          []timelineRow
	Actions                                           []*actionForm
	Apology, JustTakenIn                              bool
	Supplement                                        string // what was asked for, while awaited
	ApologyReason, ApologyAppointment, AwaitedSinceAt string
}

// counterCard answers GET /counter/dossiers/:code: the dossier's card.
func (s *Server) counterCard(c *fiber.Ctx) error {
	d, err := s.desk.Dossier(c.UserContext(), principal(c), c.Params("code"))
	if err != nil {
		return s.counterPageError(c, err)
	}
	flash := ""
	if done := domain.Action(c.Query("done")); done != "" && (done == domain.ActionIntake || containsAction(done)) {
		flash = "Đã ghi nhận: " + actionLabel(done) + "."
	}
	return s.showCard(c, d, fiber.StatusOK, flash, nil)
}

func containsAction(a domain.Action) bool { return slices.Contains(domain.StaffActions, a) }

// counterPageError answers a counter request whose dossier could not be read.
func (s *Server) counterPageError(c *fiber.Ctx, err error) error {
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		return s.staffMessage(c, fiber.StatusNotFound, "Không tìm thấy hồ sơ", "Không có hồ sơ này, hoặc hồ sơ không thuộc đơn vị của bạn.")
	case domain.EUNAVAILABLE:
		c.Set(fiber.HeaderRetryAfter, "5")
		return s.staffMessage(c, fiber.StatusServiceUnavailable, "Hệ thống đang bận", "Vui lòng thử lại sau ít phút.")
	}
	s.log.Error("page failed", "request_id", requestID(c), "route", routePath(c), "err", err)
	return s.staffMessage(c, fiber.StatusInternalServerError, "Đã có lỗi xảy ra", "Vui lòng thử lại sau ít phút.")
}

// showCard renders the card of d; failed, when not nil, is the action form that failed,
// shown unfolded with its problems.
func (s *Server) showCard(c *fiber.Ctx, d *domain.Dossier, status int, flash string, failed *actionForm) error {
	ctx := c.UserContext()
	p := principal(c)
	_, dl, err := s.desk.Deadline(ctx, p, d.Code)
	if err != nil {
		return s.counterPageError(c, err)
	}
	events, err := s.store.DossierEvents(ctx, d.ID)
	if err != nil {
		return s.counterPageError(c, err)
	}
	name, _, err := s.agencyNames(ctx, d.AgencyCode)
	if err != nil {
		return s.counterPageError(c, err)
	}
	v := cardView{pageMeta: s.staffMeta(c, d.Code+" – "+d.Status.Label()), D: d, AgencyName: name,
		StatusLabel: d.Status.Label(), StatusClass: statusClass(d.Status), TimeLimit: d.TimeLimit.String(),
		ChannelLabel: channelLabel(d.Channel), ReturnChannelLabel: channelLabel(d.ReturnChannel), Flash: flash,
		Dates: dossierDates(d.ReceivedAt, d.DueAt, d.AppointmentAt, d.ResolvedAt, d.ReturnedAt), Steps: dl.Steps,
		Apology: d.ApologizedAt != nil, JustTakenIn: c.Query("done") == string(domain.ActionIntake)}
	v.Progress, v.ProgressClass = progressText(d.Status, string(d.Timeliness), d.Overdue(s.now()), d.ClockStopped)
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		row := timelineRow{When: vnTime(e.At), What: actionLabel(e.Action), Who: e.Actor, Note: e.Note}
		if r, _ := e.Details["reason"].(string); r != "" {
			row.Details = append(row.Details, "Lý do / nội dung: "+r)
		}
		if ch, _ := e.Details["channel"].(string); ch != "" {
			row.Details = append(row.Details, "Hình thức: "+channelLabel(domain.Channel(ch)))
		}
		if o, _ := e.Details["outcome"].(string); o != "" {
			row.Details = append(row.Details, "Kết quả: "+outcomeLabel(domain.Outcome(o)))
		}
		if t, ok := detailTime(e.Details["new_appointment_at"]); ok {
			row.Details = append(row.Details, "Ngày hẹn mới: "+vnTime(t))
		}
		if t, ok := detailTime(e.Details["due_at"]); ok && e.Action != domain.ActionIntake {
			row.Details = append(row.Details, "Hạn mới: "+vnTime(t))
		}
		v.Timeline = append(v.Timeline, row)
	}
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Action == domain.ActionRequestSupplement && d.Status == domain.StatusAwaitingSupplement {
			v.Supplement, _ = e.Details["reason"].(string)
			v.AwaitedSinceAt = vnTime(e.At)
			break
		}
	}
	for _, e := range events {
		if e.Action == domain.ActionApologize {
			v.ApologyReason, _ = e.Details["reason"].(string)
			if t, ok := detailTime(e.Details["new_appointment_at"]); ok {
				v.ApologyAppointment = vnTime(t)
			}
		}
	}
	for _, a := range domain.StaffActions {
		if a.AllowedTo(p) != nil {
			continue
		}
		if _, err := domain.Transition(d.Status, a); err != nil {
			continue
		}
		if a == domain.ActionApologize && d.ApologizedAt != nil {
			continue
		}
		f := &actionForm{Name: string(a), Label: actionLabel(a), formState: formState{Values: map[string]string{}, Errors: map[string]string{}}}
		if failed != nil && failed.Name == f.Name {
			f = failed
		}
		f.Code, f.CSRF, f.IfMatch, f.Channels, f.Outcomes = d.Code, v.CSRF, etag(d.Version), channelOptions, outcomeOptions
		if failed == nil && a == primaryAction[d.Status] {
			f.Open = true
		}
		if a == domain.ActionReturn && f.Values["channel"] == "" {
			f.Values["channel"] = string(d.ReturnChannel)
		}
		v.Actions = append(v.Actions, f)
	}
	if failed != nil && !slices.Contains(v.Actions, failed) {
		v.Problem = actionLabel(domain.Action(failed.Name)) + ": " + failed.Problem
	}
	return s.render(c, status, "counter_card", v)
}

// primaryAction is the usual next step from each status, shown unfolded on the card.
var primaryAction = map[domain.Status]domain.Action{domain.StatusReceived: domain.ActionStart,
	domain.StatusProcessing: domain.ActionResolve, domain.StatusAwaitingSupplement: domain.ActionSupplement,
	domain.StatusPaused: domain.ActionResume, domain.StatusResolved: domain.ActionReturn}

// outcomeLabel is an outcome in Vietnamese.
func outcomeLabel(o domain.Outcome) string {
	for _, x := range outcomeOptions {
		if x.Value == string(o) {
			return x.Label
		}
	}
	return string(o)
}

// localMinuteRE is what a datetime-local input sends: a Vietnamese wall-clock time to the minute.
var localMinuteRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$`)

// formTime turns a datetime-local value into RFC 3339 in Vietnam's time; anything else is
// passed on as it is, for the API's parser to judge.
func formTime(v string) string {
	v = strings.TrimSpace(v)
	if localMinuteRE.MatchString(v) {
		if len(v) == 16 {
			v += ":00"
		}
		return v + "+07:00"
	}
	return v
}

// counterAction answers POST /counter/dossiers/:code/actions/:action: the action through the
// desk, then back to the card with what happened (303), or the card again with the form's
// problems.
func (s *Server) counterAction(c *fiber.Ctx) error {
	form := formOf(c)
	action := domain.Action(c.Params("action"))
	f := &actionForm{Name: string(action), Label: actionLabel(action), Open: true,
		formState: formState{Values: map[string]string{}, Errors: map[string]string{}}}
	for _, k := range []string{"note", "reason", "outcome", "channel", "new_appointment_at", "result_digitized"} {
		f.Values[k] = form.Get(k)
	}
	ar := domain.ActionRequest{Action: action, Actor: principal(c).Username, Note: form.Get("note"), Reason: form.Get("reason"),
		Outcome: domain.Outcome(form.Get("outcome")), ResultDigitized: form.Get("result_digitized") != "",
		Channel: domain.Channel(form.Get("channel"))}
	var err error
	if v := formTime(form.Get("new_appointment_at")); v != "" {
		var t time.Time
		if t, err = parseTime("new_appointment_at", v); err == nil {
			ar.NewAppointmentAt = &t
		}
	}
	var d *domain.Dossier
	if err == nil {
		d, err = s.desk.Act(c.UserContext(), principal(c), c.Params("code"), ar, form.Get("if_match"))
	}
	if err == nil {
		return c.Redirect("/counter/dossiers/"+url.PathEscape(d.Code)+"?done="+string(action), fiber.StatusSeeOther)
	}
	status := codeStatus[domain.ErrorCode(err)]
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.EFORBIDDEN, domain.ETRANSITION, domain.ECONFLICT, domain.EPRECONDITION, domain.EUNPROCESSABLE:
	case domain.ENOTFOUND:
		if !containsAction(action) {
			return s.staffMessage(c, fiber.StatusNotFound, "Không có thao tác này", "Thao tác không tồn tại; không có gì thay đổi.")
		}
		return s.counterPageError(c, err)
	default:
		return s.counterPageError(c, err)
	}
	f.Errors, f.Problem = fieldErrors(err)
	d, derr := s.desk.Dossier(c.UserContext(), principal(c), c.Params("code"))
	if derr != nil {
		return s.counterPageError(c, derr)
	}
	return s.showCard(c, d, status, "", f)
}

// procOption is a procedure offered by the intake form.
type procOption struct{ Code, Name string }

type intakeView struct {
	pageMeta
	formState
	Agencies       []option
	Procedures     []procOption
	Choices        []procOption // the procedures a typed name matched, to pick one
	ChannelOptions []option
}

// intakeFields are the intake form's fields, named as the JSON API's.
var intakeFields = []string{"agency_code", "procedure_code", "applicant.name", "applicant.id_number", "applicant.phone",
	"applicant.email", "applicant.address", "channel", "return_channel", "handed_over_at", "digitized", "note"}

// counterNewPage answers GET /counter/new: the empty intake form.
func (s *Server) counterNewPage(c *fiber.Ctx) error {
	st := formState{Values: map[string]string{"agency_code": principal(c).AgencyCode, "channel": "direct", "return_channel": "direct"},
		Errors: map[string]string{}}
	return s.showIntake(c, fiber.StatusOK, st, nil)
}

// showIntake renders the intake form with st.
func (s *Server) showIntake(c *fiber.Ctx, status int, st formState, choices []*domain.Procedure) error {
	ctx := c.UserContext()
	v := intakeView{pageMeta: s.staffMeta(c, "Tiếp nhận hồ sơ mới"), formState: st, ChannelOptions: channelOptions}
	agencies, err := s.store.ListAgencies(ctx, principal(c).AgencyPath)
	if err != nil {
		return s.counterPageError(c, err)
	}
	for _, a := range agencies {
		v.Agencies = append(v.Agencies, option{a.Code, a.Name})
	}
	procs, err := s.procedureChoices(c)
	if err != nil {
		return s.counterPageError(c, err)
	}
	for _, p := range procs {
		v.Procedures = append(v.Procedures, procOption{p.Code, p.Name})
	}
	for _, p := range choices {
		v.Choices = append(v.Choices, procOption{p.Code, p.Name})
	}
	return s.render(c, status, "counter_new", v)
}

// procedureChoices is the catalogue in force today.
func (s *Server) procedureChoices(c *fiber.Ctx) ([]*domain.Procedure, error) {
	list, _, err := s.store.ListProcedures(c.UserContext(), store.ProcedureFilter{AsOf: domain.DateOf(s.now())})
	return list, err
}

// matchProcedures finds what the intake form's procedure field names: a code (any case), or
// the words of a name typed with or without diacritics.
func matchProcedures(list []*domain.Procedure, text string) []*domain.Procedure {
	text = strings.TrimSpace(text)
	for _, p := range list {
		if strings.EqualFold(p.Code, text) {
			return []*domain.Procedure{p}
		}
	}
	folded := domain.FoldText(text)
	if folded == "" {
		return nil
	}
	var out []*domain.Procedure
	for _, p := range list {
		name := domain.FoldText(p.Name)
		if name == folded {
			return []*domain.Procedure{p}
		}
		if strings.Contains(" "+name+" ", " "+folded+" ") || strings.Contains(name, folded) {
			out = append(out, p)
		}
	}
	return out
}

// maxChoices bounds the procedures offered when a typed name matches several.
const maxChoices = 12

// counterIntake answers POST /counter/dossiers: the dossier taken in through the desk, then
// its card with the receipt to print (303), or the form again with its problems.
func (s *Server) counterIntake(c *fiber.Ctx) error {
	form := formOf(c)
	st := formState{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range intakeFields {
		st.Values[k] = form.Get(k)
	}
	if pick := form.Get("procedure_pick"); pick != "" {
		st.Values["procedure_code"] = pick
	}
	code := strings.TrimSpace(st.Values["procedure_code"])
	if code != "" {
		procs, err := s.procedureChoices(c)
		if err != nil {
			return s.counterPageError(c, err)
		}
		switch m := matchProcedures(procs, code); {
		case len(m) == 1:
			code = m[0].Code
		case len(m) > 1:
			if len(m) > maxChoices {
				m = m[:maxChoices]
			}
			st.Errors["procedure_code"] = "Có nhiều thủ tục khớp với “" + code + "”; chọn một thủ tục bên dưới."
			st.Problem = "Vui lòng chọn thủ tục."
			return s.showIntake(c, fiber.StatusBadRequest, st, m)
		}
	}
	req := intakeRequest{AgencyCode: strings.TrimSpace(st.Values["agency_code"]), ProcedureCode: code,
		Applicant: domain.Applicant{Name: strings.TrimSpace(form.Get("applicant.name")), IDNumber: strings.TrimSpace(form.Get("applicant.id_number")),
			Phone: strings.TrimSpace(form.Get("applicant.phone")), Email: strings.TrimSpace(form.Get("applicant.email")),
			Address: strings.TrimSpace(form.Get("applicant.address"))},
		Channel: domain.Channel(form.Get("channel")), ReturnChannel: domain.Channel(form.Get("return_channel")),
		Digitized: form.Get("digitized") != "", Note: form.Get("note")}
	if req.Channel == domain.ChannelPostal {
		req.HandedOverAt = formTime(form.Get("handed_over_at"))
	}
	d, err := s.intake(c, &req)
	switch domain.ErrorCode(err) {
	case "":
		return c.Redirect("/counter/dossiers/"+url.PathEscape(d.Code)+"?done=intake", fiber.StatusSeeOther)
	case domain.EINVALID, domain.EFORBIDDEN, domain.EUNPROCESSABLE, domain.ECONFLICT:
		st.Errors, st.Problem = fieldErrors(err)
		return s.showIntake(c, codeStatus[domain.ErrorCode(err)], st, nil)
	}
	return s.counterPageError(c, err)
}
