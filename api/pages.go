package api

import (
	"bytes"
	"embed"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"motcua/domain"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the HTML pages by name: the layout with one page's content.
var pages = func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range []string{"citizen", "message", "login", "counter", "counter_new", "counter_card"} {
		m[name] = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return m
}()

// counterCookie holds the counter's login token; it is sent to /counter only.
const counterCookie = "motcua_token"

// pageMeta is what the layout of every page needs.
type pageMeta struct {
	Title  string
	Staff  bool   // the counter's header and no citizen footer
	User   string // the member of staff logged in at the counter
	CSRF   string // the counter session's CSRF token, for every form
	Intake bool   // the user may take dossiers in
}

// pageRow is a label and its value, e.g. a date or a history entry.
type pageRow struct{ Label, Value string }

type messagePage struct {
	pageMeta
	Heading, Text string
}

// render answers with a page: HTML, never cached.
func (s *Server) render(c *fiber.Ctx, status int, page string, data any) error {
	var buf bytes.Buffer
	if err := pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

// renderMessage answers with a page that only says something.
func (s *Server) renderMessage(c *fiber.Ctx, status int, heading, text string) error {
	return s.render(c, status, "message", messagePage{pageMeta: pageMeta{Title: heading}, Heading: heading, Text: text})
}

// pageError answers a citizen's page request that failed with an HTML page, never the error's text.
func (s *Server) pageError(c *fiber.Ctx, err error) error {
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		return s.renderMessage(c, fiber.StatusNotFound, "Không tìm thấy hồ sơ",
			"Đường dẫn không đúng hoặc đã bị thay đổi. Vui lòng quét lại mã QR trên giấy tiếp nhận hồ sơ.")
	case domain.EUNAVAILABLE:
		c.Set(fiber.HeaderRetryAfter, "5")
		return s.renderMessage(c, fiber.StatusServiceUnavailable, "Hệ thống đang bận", "Vui lòng thử lại sau ít phút.")
	}
	s.log.Error("page failed", "request_id", requestID(c), "route", routePath(c), "err", err)
	return s.renderMessage(c, fiber.StatusInternalServerError, "Đã có lỗi xảy ra", "Vui lòng thử lại sau ít phút.")
}

// vnTime formats t in Vietnam to the minute: "10:05 ngày 12/12/2024".
func vnTime(t time.Time) string { return t.In(domain.Location).Format("15:04 ngày 02/01/2006") }

// statusClass is the CSS class of a status badge.
func statusClass(s domain.Status) string {
	switch s {
	case domain.StatusReceived, domain.StatusProcessing:
		return "s-open"
	case domain.StatusAwaitingSupplement, domain.StatusPaused:
		return "s-wait"
	case domain.StatusResolved, domain.StatusReturned:
		return "s-done"
	}
	return "s-off"
}

// progressText says in Vietnamese how a dossier stands against its due time, with a CSS class.
func progressText(status domain.Status, timeliness string, overdue, stopped bool) (string, string) {
	switch domain.Timeliness(timeliness) {
	case domain.TimelinessEarly:
		return "Giải quyết trước hạn", "p-good"
	case domain.TimelinessOnTime:
		return "Giải quyết đúng hạn", "p-good"
	case domain.TimelinessLate:
		return "Giải quyết quá hạn", "p-late"
	}
	switch {
	case !status.Open():
		return "", ""
	case stopped:
		return "Đang tạm dừng tính thời hạn", "p-wait"
	case overdue:
		return "Đã quá hạn giải quyết", "p-late"
	}
	return "Đang trong hạn giải quyết", "p-good"
}

// dossierDates lists a dossier's dates as the pages show them.
func dossierDates(received, due, appointment time.Time, resolved, returned *time.Time) []pageRow {
	rows := []pageRow{{"Ngày tiếp nhận", vnTime(received)}, {"Hạn trả kết quả", vnTime(due)}}
	if !appointment.Equal(due) {
		rows = append(rows, pageRow{"Ngày hẹn trả kết quả mới", vnTime(appointment)})
	}
	if resolved != nil {
		rows = append(rows, pageRow{"Ngày có kết quả", vnTime(*resolved)})
	}
	if returned != nil {
		rows = append(rows, pageRow{"Ngày trả kết quả", vnTime(*returned)})
	}
	return rows
}

type citizenView struct {
	pageMeta
	Token                   string
	D                       *publicDossier
	StatusClass             string
	Progress, ProgressClass string
	Dates, History          []pageRow
	Rated, RatedSatisfied   bool
	CanRate                 bool
	SurveyError, Comment    string
}

// citizenPage answers GET /t/:token: the citizen's status page.
func (s *Server) citizenPage(c *fiber.Ctx) error {
	return s.showCitizenPage(c, c.Params("token"), fiber.StatusOK, "", "")
}

// showCitizenPage renders the status page of the dossier with token, with a survey problem if any.
func (s *Server) showCitizenPage(c *fiber.Ctx, token string, status int, surveyError, comment string) error {
	ctx := c.UserContext()
	a, err := s.publicByToken(ctx, token)
	if err != nil {
		return s.pageError(c, err)
	}
	v, err := a.view()
	if err != nil {
		return s.pageError(c, err)
	}
	m := citizenView{pageMeta: pageMeta{Title: v.StatusLabel + " – Hồ sơ " + v.Code}, Token: token, D: v,
		StatusClass: statusClass(v.Status), SurveyError: surveyError, Comment: comment,
		Dates: dossierDates(v.ReceivedAt, v.DueAt, v.AppointmentAt, v.ResolvedAt, v.ReturnedAt)}
	timeliness := ""
	if v.Timeliness != nil {
		timeliness = *v.Timeliness
	}
	m.Progress, m.ProgressClass = progressText(v.Status, timeliness, v.overdue(s.now()), v.clockStopped)
	for i := len(v.History) - 1; i >= 0; i-- {
		m.History = append(m.History, pageRow{v.History[i].Status.Label(), vnTime(v.History[i].At)})
	}
	if v.Status == domain.StatusReturned {
		sv, err := s.store.FindSurvey(ctx, v.id)
		switch domain.ErrorCode(err) {
		case "":
			m.Rated, m.RatedSatisfied = true, sv.Satisfied
		case domain.ENOTFOUND:
			m.CanRate = true
		default:
			return s.pageError(c, err)
		}
	}
	return s.render(c, status, "citizen", m)
}

// readForm reads a form-encoded request body of at most limit bytes.
func readForm(c *fiber.Ctx, limit int64) (url.Values, error) {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationForm) {
		return nil, domain.Invalidf("body", "must be %s", fiber.MIMEApplicationForm)
	}
	b, err := body(c, limit)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, domain.Invalid("body", "is not a well-formed form")
	}
	return v, nil
}

// citizenSurvey answers POST /t/:token/survey, the survey form: it stores the rating and
// sends the citizen back to the status page (303), or shows the page again with the problem.
func (s *Server) citizenSurvey(c *fiber.Ctx) error {
	token := c.Params("token")
	if _, ok := s.lookup.Verify(token); !ok {
		return s.pageError(c, dossierNotFound())
	}
	form, err := readForm(c, 16<<10)
	if err != nil {
		return s.showCitizenPage(c, token, fiber.StatusBadRequest, "Không đọc được phiếu đánh giá; vui lòng gửi lại.", "")
	}
	var satisfied bool
	switch form.Get("satisfied") {
	case "1":
		satisfied = true
	case "0":
	default:
		return s.showCitizenPage(c, token, fiber.StatusBadRequest, "Vui lòng chọn Hài lòng hoặc Chưa hài lòng.", form.Get("comment"))
	}
	comment, err := cleanComment(form.Get("comment"))
	if err != nil {
		return s.showCitizenPage(c, token, fiber.StatusBadRequest, "Góp ý quá dài hoặc có ký tự không hợp lệ; vui lòng viết ngắn hơn.", form.Get("comment"))
	}
	ctx := c.UserContext()
	d, err := s.dossierByToken(ctx, token)
	if err != nil {
		return s.pageError(c, err)
	}
	_, err = s.rateDossier(ctx, d, satisfied, comment)
	switch domain.ErrorCode(err) {
	case "", domain.ECONFLICT: // a second rating keeps the first; the page says which
	case domain.ETRANSITION:
		return s.showCitizenPage(c, token, fiber.StatusConflict, "Chỉ đánh giá được sau khi ông/bà đã nhận kết quả.", "")
	default:
		return s.pageError(c, err)
	}
	return c.Redirect("/t/"+token, fiber.StatusSeeOther)
}

// staffRoles may use the counter, as they may scan.
var staffRoles = []domain.Role{domain.RoleAdmin, domain.RoleReception, domain.RoleSpecialist}

// counterAuth lets staff through with the login token of the counter's cookie; others go to
// the login form.
func (s *Server) counterAuth(c *fiber.Ctx) error {
	cl, ok := s.tokens.verify(c.Cookies(counterCookie), s.now())
	if !ok {
		return c.Redirect("/counter/login", fiber.StatusSeeOther)
	}
	p := &domain.Principal{UserID: cl.UserID, Username: cl.Username, Roles: cl.Roles, AgencyCode: cl.AgencyCode, AgencyPath: cl.AgencyPath}
	if !p.Has(staffRoles...) {
		return s.render(c, fiber.StatusForbidden, "message", messagePage{pageMeta: pageMeta{Title: "Không có quyền", Staff: true, User: p.Username,
			CSRF: s.csrfToken(c.Cookies(counterCookie))},
			Heading: "Không có quyền", Text: "Tài khoản này không được dùng quầy tiếp nhận."})
	}
	c.Locals("principal", p)
	return c.Next()
}

type counterView struct {
	pageMeta
	Query, Problem string
	Lists          []counterList
}

// counterPage answers GET /counter[?data=]: the desk's home, with the scan form and the
// desk's lists; a scan that finds a dossier shows its card.
func (s *Server) counterPage(c *fiber.Ctx) error {
	m := counterView{pageMeta: s.staffMeta(c, "Quầy tiếp nhận")}
	status := fiber.StatusOK
	if data := strings.TrimSpace(c.Query("data")); data != "" {
		if m.Query = data; len(m.Query) > 120 {
			m.Query = m.Query[:120] + "…"
		}
		d, err := s.resolveScan(c, data)
		switch domain.ErrorCode(err) {
		case "":
			return s.showCard(c, d, fiber.StatusOK, "", nil)
		case domain.ENOTFOUND:
			status, m.Problem = fiber.StatusNotFound, "Không tìm thấy hồ sơ (hoặc hồ sơ không thuộc đơn vị của bạn)."
		case domain.EINVALID:
			status, m.Problem = fiber.StatusBadRequest, "Không đọc được mã: hãy quét mã QR trên giấy tiếp nhận hoặc nhập đúng mã hồ sơ."
		default:
			return s.pageError(c, err)
		}
	}
	lists, err := s.counterLists(c)
	if err != nil {
		return s.counterPageError(c, err)
	}
	m.Lists = lists
	return s.render(c, status, "counter", m)
}

type loginView struct {
	pageMeta
	Username, Problem string
}

// counterLoginPage answers GET /counter/login with the login form.
func (s *Server) counterLoginPage(c *fiber.Ctx) error {
	if _, ok := s.tokens.verify(c.Cookies(counterCookie), s.now()); ok {
		return c.Redirect("/counter", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "login", loginView{pageMeta: pageMeta{Title: "Đăng nhập quầy tiếp nhận", Staff: true}})
}

// counterLoginLimiter bounds login attempts at the counter per client address.
func (s *Server) counterLoginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          s.cfg.Limits.LoginPerMinute,
		Expiration:   time.Minute,
		KeyGenerator: s.clientAddr,
		LimitReached: func(c *fiber.Ctx) error {
			return s.render(c, fiber.StatusTooManyRequests, "login", loginView{pageMeta: pageMeta{Title: "Đăng nhập quầy tiếp nhận", Staff: true},
				Problem: "Đăng nhập quá nhiều lần; vui lòng đợi một phút."})
		},
	})
}

// counterLogin answers POST /counter/login: with the right username and password it sets the
// counter's cookie and goes to /counter (303); otherwise it shows the form again.
func (s *Server) counterLogin(c *fiber.Ctx) error {
	m := loginView{pageMeta: pageMeta{Title: "Đăng nhập quầy tiếp nhận", Staff: true}}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		// Before a session there is no CSRF token: a browser's word that the form came from
		// another site keeps anyone from logging a clerk into their account.
		m.Problem = "Biểu mẫu đăng nhập phải được gửi từ trang của quầy."
		return s.render(c, fiber.StatusForbidden, "login", m)
	}
	form, err := readForm(c, 4<<10)
	if err != nil {
		m.Problem = "Không đọc được biểu mẫu; vui lòng thử lại."
		return s.render(c, fiber.StatusBadRequest, "login", m)
	}
	m.Username = form.Get("username")
	token, _, err := s.staffLogin(c.UserContext(), form.Get("username"), form.Get("password"))
	status := fiber.StatusOK
	switch domain.ErrorCode(err) {
	case "":
		// A session cookie: the token inside expires by itself, whatever the client's clock
		// says, and closing the browser of a shared counter ends the session.
		c.Cookie(&fiber.Cookie{Name: counterCookie, Value: token, Path: "/counter",
			HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: s.secureCookies(c)})
		return c.Redirect("/counter", fiber.StatusSeeOther)
	case domain.EINVALID:
		status, m.Problem = fiber.StatusBadRequest, "Vui lòng nhập tên đăng nhập và mật khẩu."
	case domain.EUNAUTHORIZED:
		status, m.Problem = fiber.StatusUnauthorized, "Sai tên đăng nhập hoặc mật khẩu."
	case domain.ERATELIMITED:
		status, m.Problem = fiber.StatusTooManyRequests, "Tài khoản tạm khoá vì đăng nhập sai nhiều lần; vui lòng thử lại sau."
	default:
		return s.pageError(c, err)
	}
	return s.render(c, status, "login", m)
}

// counterLogout answers POST /counter/logout: it clears the cookie and goes to the login form.
func (s *Server) counterLogout(c *fiber.Ctx) error {
	c.Cookie(&fiber.Cookie{Name: counterCookie, Value: "", Path: "/counter", Expires: time.Unix(1, 0),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: s.secureCookies(c)})
	return c.Redirect("/counter/login", fiber.StatusSeeOther)
}

// secureCookies reports whether cookies must be sent over HTTPS only.
func (s *Server) secureCookies(c *fiber.Ctx) bool {
	return strings.HasPrefix(s.cfg.PublicURL, "https://") || c.Protocol() == "https"
}
