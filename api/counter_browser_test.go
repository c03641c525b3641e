package api_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motcua/api"
	"motcua/domain"
)

// browser is a headless Chromium driven over the DevTools protocol, one tab.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// newBrowser starts Chromium at 1366×768 with a fresh profile; it stops with the test.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	dir, err := os.MkdirTemp("", "motcua-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(dir), chromedp.WindowSize(1366, 768))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		for range 50 { // Chromium's children may still write in the profile for a moment
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The first run starts the browser, which lives as long as that run's context: no timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx}
	return b
}

// do runs steps, each run at most 30 seconds.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(err)
	}
}

// fail stops the test with err, where the browser is and what it shows.
func (b *browser) fail(err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	b.t.Fatalf("browser: %v\nat %s: %s", err, loc, body)
}

// load runs trigger (a click, an Enter) and waits for the page it leads to.
func (b *browser) load(trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		b.fail(err)
	}
}

// run runs an action that returns a value.
func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(err)
	}
	return v
}

// main is the visible text of the page's main part, white space collapsed.
func (b *browser) main() string {
	b.t.Helper()
	return strings.Join(strings.Fields(run(b, chromedp.Text(chromedp.CSS("main")))), " ")
}

// sees fails unless the page's main part shows each of want.
func (b *browser) sees(want ...string) {
	b.t.Helper()
	text := b.main()
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.t.Fatalf("the page shows no %q: %s", w, text)
		}
	}
}

// shot saves full-page screenshots of the page at 1366×768 and at 412×915 (a phone or a small
// tablet) under $MOTCUA_ARTIFACTS, or a temporary directory, and checks that the narrow one
// does not scroll sideways.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("MOTCUA_ARTIFACTS")
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, size := range []struct {
		w, h int64
		tag  string
	}{{1366, 768, "1366x768"}, {412, 915, "412x915"}} {
		b.do(chromedp.EmulateViewport(size.w, size.h))
		if size.w < 500 {
			if wide := run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > int(size.w) {
				b.t.Errorf("%s at %s: the page is %d pixels wide", name, size.tag, wide)
			}
		}
		png := run(b, chromedp.FullScreenshot(100))
		path := filepath.Join(dir, name+"-"+size.tag+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do(chromedp.EmulateViewport(1366, 768))
}

// cookie is the value of the counter's login cookie that the browser holds.
func (b *browser) cookie(base string) string {
	b.t.Helper()
	cookies := run(b, chromedp.Action[[]*network.Cookie](func(ctx context.Context, t *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/counter"}})
		return r.Cookies, err
	}))
	for _, c := range cookies {
		if c.Name == "motcua_token" {
			return c.Value
		}
	}
	b.t.Fatal("the browser holds no counter cookie")
	return ""
}

// TestBrowserCounterFlow drives the counter as a clerk would, in Chromium: log in, take a
// dossier in through the form, print its receipt, scan the receipt's QR code into the scan
// field, then start, ask for a supplement, take it, resolve and hand the result back; the
// JSON API then tells the same story.
func TestBrowserCounterFlow(t *testing.T) {
	needChromium(t)
	requireTools(t, "pdftoppm")
	e := mustEnv(t)
	e.mustPublicProcedure()
	hash, err := api.HashPassword("password-123")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateUser(context.Background(), &domain.User{Username: "ward1.clerk", PasswordHash: hash,
		Roles: []domain.Role{domain.RoleReception, domain.RoleSpecialist}, AgencyCode: ward1Code}); err != nil {
		t.Fatal(err)
	}
	// Monday's dossiers fill Thursday's lists: one due today and not passed on, one ready to hand back.
	waiting := e.mustPublicIntake(nil)
	ready := e.mustPublicIntake(map[string]any{"name": "Lê Văn Cường"})
	e.act("ward1.specialist", ready.code, "resolve", map[string]any{"outcome": "approved"})
	e.setNow(vn("2024-03-07 08:00"))

	b := newBrowser(t)
	b.do(chromedp.Navigate(e.base + "/counter"))
	b.do(chromedp.WaitVisible(chromedp.ID("username")))
	b.shot("counter-login")
	b.do(chromedp.SendKeys(chromedp.ID("username"), "ward1.clerk"), chromedp.SendKeys(chromedp.ID("password"), "password-123"))
	b.load(chromedp.SendKeys(chromedp.ID("password"), kb.Enter))
	b.sees("Đến hạn trả hôm nay", "Chưa chuyển xử lý đúng hạn", "Có kết quả, chờ trả", waiting.code, ready.code, "Lê Văn Cường")
	b.shot("counter-home")

	// The intake form: a missing name comes back with the problem beside the field.
	b.load(chromedp.Click(chromedp.CSS(`main a[href="/counter/new"]`)))
	b.do(chromedp.SendKeys(chromedp.ID("procedure_code"), "khai sinh"))
	b.load(chromedp.SendKeys(chromedp.ID("procedure_code"), kb.Enter))
	if v := run(b, chromedp.Value(chromedp.ID("procedure_code"))); v != "khai sinh" {
		t.Errorf("the form came back with procedure %q", v)
	}
	if n := run(b, chromedp.Evaluate[int](`document.querySelectorAll('#applicant-name-err').length`)); n != 1 {
		t.Errorf("no problem beside the applicant's name: %s", b.main())
	}
	b.shot("counter-new-problem")
	postal := `getComputedStyle(document.querySelector('.postal-only')).display`
	if d := run(b, chromedp.Evaluate[string](postal)); d != "none" {
		t.Errorf("the postal hand-over time shows for a direct intake (%s)", d)
	}
	b.do(chromedp.SetValue(chromedp.ID("channel"), "postal"))
	if d := run(b, chromedp.Evaluate[string](postal)); d == "none" {
		t.Error("the postal hand-over time does not show for a postal intake")
	}
	b.do(chromedp.SetValue(chromedp.ID("channel"), "direct"))
	b.do(chromedp.SendKeys(chromedp.ID("applicant-name"), "Trần Thị Bình"),
		chromedp.SendKeys(chromedp.ID("applicant-id_number"), "079123456789"),
		chromedp.SendKeys(chromedp.ID("applicant-phone"), "0912345678"))
	b.shot("counter-new")
	b.load(chromedp.SendKeys(chromedp.ID("applicant-phone"), kb.Enter))
	code := run(b, chromedp.Text(chromedp.CSS("h1.code")))
	b.sees("Đã ghi nhận: Tiếp nhận hồ sơ", "Đã tiếp nhận", "Đăng ký khai sinh", "Trần Thị Bình", "Cách tính thời hạn")

	// The receipt is one click away, and that link has the focus.
	receipt := "/counter/dossiers/" + code + "/receipt.pdf"
	if href := run(b, chromedp.Evaluate[string](`document.activeElement.getAttribute('href')`)); href != receipt {
		t.Errorf("the focus is on %q, want the receipt %s", href, receipt)
	}
	b.shot("counter-card-new")
	pdf := e.page("GET", receipt, nil, b.cookie(e.base)).expect(200).body
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the receipt is not a PDF: %.20q", pdf)
	}
	scanned := pdfQR(t, pdf)

	// The scanner types the receipt's QR code into the scan field and presses Enter.
	b.load(chromedp.Click(chromedp.CSS(`nav a[href="/counter"]`)))
	b.load(chromedp.SendKeys(chromedp.ID("data"), scanned+kb.Enter))
	if got := run(b, chromedp.Text(chromedp.CSS("h1.code"))); got != code {
		t.Fatalf("the scan opened %q, want %s", got, code)
	}

	b.load(chromedp.Click(chromedp.CSS(`#act-start button[type=submit]`)))
	b.sees("Đã ghi nhận: Chuyển xử lý", "Đang giải quyết")
	// The keyboard alone: unfold the form, type what is missing, Tab past the note to the button.
	b.do(chromedp.Focus(chromedp.CSS(`#act-request_supplement summary`)), chromedp.KeyEvent(kb.Enter),
		chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("Bản sao giấy chứng sinh"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if focused := run(b, chromedp.Evaluate[string](`document.activeElement.textContent`)); focused != "Yêu cầu bổ sung hồ sơ" {
		t.Errorf("after the note, the focus is on %q, want the form's button", focused)
	}
	b.load(chromedp.KeyEvent(kb.Enter))
	b.sees("Chờ bổ sung hồ sơ", "Đang chờ công dân bổ sung", "Bản sao giấy chứng sinh")
	b.shot("counter-card-supplement")
	b.load(chromedp.Click(chromedp.CSS(`#act-supplement button[type=submit]`)))
	b.sees("Đã ghi nhận: Đã nhận hồ sơ bổ sung", "Đang giải quyết")
	b.load(chromedp.Click(chromedp.CSS(`#act-resolve button[type=submit]`)))
	b.sees("Đã có kết quả")
	b.load(chromedp.Click(chromedp.CSS(`#act-return button[type=submit]`)))
	b.sees("Đã trả kết quả", "Giải quyết")
	b.shot("counter-card-returned")

	d := e.do("GET", "/api/v1/dossiers/"+code, "admin", nil).expect(200).json()
	if d["status"] != "returned" || d["returned_channel"] != "direct" || d["outcome"] != "approved" {
		t.Errorf("the API shows status %v, returned by %v, outcome %v", d["status"], d["returned_channel"], d["outcome"])
	}
	if a := d["applicant"].(map[string]any); a["name"] != "Trần Thị Bình" || a["phone"] != "0912345678" {
		t.Errorf("the API's applicant: %v", a)
	}
	var actions []string
	for _, ev := range d["events"].([]any) {
		ev := ev.(map[string]any)
		actions = append(actions, ev["action"].(string))
		if ev["actor"] != "ward1.clerk" {
			t.Errorf("event %v by %v, want ward1.clerk", ev["action"], ev["actor"])
		}
		if ev["action"] == "request_supplement" && ev["details"].(map[string]any)["reason"] != "Bản sao giấy chứng sinh" {
			t.Errorf("the supplement's reason: %v", ev["details"])
		}
	}
	if want := []string{"intake", "start", "request_supplement", "supplement", "resolve", "return"}; !slices.Equal(actions, want) {
		t.Errorf("the API's events = %v, want %v", actions, want)
	}
}
