package api_test

import (
	"bytes"
	"context"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromiumPath is Debian's Chromium, which the test script installs.
const chromiumPath = "/usr/bin/chromium"

// needChromium skips the test when Chromium is missing, or fails it when MOTCUA_REQUIRE_TOOLS=1.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not found and MOTCUA_REQUIRE_TOOLS=1", chromiumPath)
		}
		t.Skipf("%s not found (apt-get install chromium); set MOTCUA_REQUIRE_TOOLS=1 to fail instead", chromiumPath)
	}
}

// chromium runs headless Chromium with a fresh profile and args; it returns standard output.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

var (
	headRE = regexp.MustCompile(`(?s)<head>.*</head>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is the text of a dumped DOM as a person reads it: no head, no tags, entities
// decoded, white space collapsed.
func visibleText(dom []byte) string {
	s := headRE.ReplaceAllString(string(dom), " ")
	s = html.UnescapeString(tagRE.ReplaceAllString(s, " "))
	return strings.Join(strings.Fields(s), " ")
}

// screenshot saves a phone-sized screenshot of url as name under $MOTCUA_ARTIFACTS (or a
// temporary directory) and checks that it is a PNG of the phone's width.
func screenshot(t *testing.T, url, name string, height int) string {
	t.Helper()
	dir := os.Getenv("MOTCUA_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	chromium(t, "--screenshot="+path, "--window-size=390,"+strconv.Itoa(height), url)
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if cfg.Width != 390 {
		t.Errorf("screenshot is %dx%d, want 390 wide", cfg.Width, cfg.Height)
	}
	t.Logf("screenshot: %s", path)
	return path
}

func TestBrowserCitizenPage(t *testing.T) {
	needChromium(t)
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)
	e.act("ward1.specialist", d.code, "start", nil)
	e.act("ward1.specialist", d.code, "apologize", map[string]any{"reason": pubApologyReason, "new_appointment_at": "2024-03-12T14:30:00+07:00"})
	url := e.base + "/t/" + d.token

	dom := chromium(t, "--dump-dom", url)
	text := visibleText(dom)
	for _, want := range []string{"Đang giải quyết", pubMasked, "Hạn trả kết quả 09:00 ngày 07/03/2024",
		"Ngày hẹn trả kết quả mới 14:30 ngày 12/03/2024", "Đăng ký khai sinh", "UBND Phường 1", d.code} {
		if !strings.Contains(text, want) {
			t.Errorf("the page shows no %q: %s", want, text)
		}
	}
	assertNoSecrets(t, "the page in the browser", dom)
	if strings.Contains(text, pubName) {
		t.Errorf("the page shows the full name: %s", text)
	}
	screenshot(t, url, "citizen-page.png", 844)

	// Returned: the survey form, which works without JavaScript.
	e.act("ward1.specialist", d.code, "resolve", map[string]any{"outcome": "approved"})
	e.act("ward1.reception", d.code, "return", map[string]any{"channel": "direct"})
	dom = chromium(t, "--dump-dom", url)
	if text := visibleText(dom); !strings.Contains(text, "Đã trả kết quả") || !strings.Contains(text, "Đánh giá mức độ hài lòng") {
		t.Errorf("the returned dossier's page: %s", text)
	}
	if !bytes.Contains(dom, []byte(`<form method="post" action="/t/`+d.token+`/survey">`)) {
		t.Errorf("no survey form in the DOM: %s", dom)
	}
	screenshot(t, url, "citizen-page-returned.png", 1400)

	dom = chromium(t, "--dump-dom", e.base+"/t/"+alter(d.token, 4))
	if text := visibleText(dom); !strings.Contains(text, "Không tìm thấy hồ sơ") || strings.Contains(text, d.code) {
		t.Errorf("the page of an altered token: %s", text)
	}
}

func TestBrowserCounter(t *testing.T) {
	needChromium(t)
	e := mustEnv(t)
	e.mustPublicProcedure()
	d := e.mustPublicIntake(nil)

	// Headless Chromium follows /counter to the login form.
	dom := chromium(t, "--dump-dom", e.base+"/counter")
	text := visibleText(dom)
	if !strings.Contains(text, "Đăng nhập quầy tiếp nhận") || !bytes.Contains(dom, []byte(`name="password"`)) {
		t.Errorf("/counter did not lead to the login form: %s", dom)
	}
	screenshot(t, e.base+"/counter/login", "counter-login.png", 844)

	// Logged in (the cookie over HTTP), a scan finds the dossier.
	cookie := e.counterLogin("ward1.reception")
	res := e.page("GET", "/counter?data="+strings.ReplaceAll(d.lookupURL, ":", "%3A"), nil, cookie).html(200)
	text = visibleText(res.body)
	for _, want := range []string{d.code, "Đã tiếp nhận", "Đăng ký khai sinh", pubName, "Hạn trả kết quả 09:00 ngày 07/03/2024", "In giấy tiếp nhận (PDF)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the counter shows no %q: %s", want, text)
		}
	}
	// The headless CLI cannot hold the cookie: show the page it got as a file (all its CSS is inline).
	screenshot(t, "file://"+writeTemp(t, "counter.html", res.body), "counter-page.png", 844)
}
