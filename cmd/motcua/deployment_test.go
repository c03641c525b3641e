package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/api"
	"motcua/store"
	"motcua/store/storetest"
)

func TestDeploymentConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // a variable the error must name; "" = valid
		check   func(t *testing.T, c *Config)
	}{
		{"defaults", nil, "", func(t *testing.T, c *Config) {
			if c.RateLimits != api.DefaultRateLimits || c.IdempotencyTTL != store.DefaultIdempotencyTTL ||
				c.TrustedProxies != nil || c.MetricsToken != "" {
				t.Errorf("config %+v", c)
			}
		}},
		{"trusted proxies", map[string]string{"MOTCUA_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ::1,fd00::/8"}, "", func(t *testing.T, c *Config) {
			var got []string
			for _, p := range c.TrustedProxies {
				got = append(got, p.String())
			}
			if want := "10.0.0.0/8 192.168.1.7/32 ::1/128 fd00::/8"; strings.Join(got, " ") != want {
				t.Errorf("trusted proxies %v, want %s", got, want)
			}
		}},
		{"bad trusted proxy", map[string]string{"MOTCUA_TRUSTED_PROXIES": "10.0.0.0/8,nginx"}, "MOTCUA_TRUSTED_PROXIES", nil},
		{"bad trusted block", map[string]string{"MOTCUA_TRUSTED_PROXIES": "10.0.0.0/33"}, "MOTCUA_TRUSTED_PROXIES", nil},
		{"rate limits", map[string]string{"MOTCUA_RATE_LOOKUP_PER_MINUTE": "5", "MOTCUA_RATE_LOOKUP_CODE_PER_HOUR": "6",
			"MOTCUA_RATE_TOKEN_PER_MINUTE": "1000", "MOTCUA_RATE_LOGIN_PER_MINUTE": "7"}, "", func(t *testing.T, c *Config) {
			if want := (api.RateLimits{LookupPerMinute: 5, LookupCodePerHour: 6, TokenPerMinute: 1000, LoginPerMinute: 7}); c.RateLimits != want {
				t.Errorf("limits %+v, want %+v", c.RateLimits, want)
			}
		}},
		{"zero rate", map[string]string{"MOTCUA_RATE_TOKEN_PER_MINUTE": "0"}, "MOTCUA_RATE_TOKEN_PER_MINUTE", nil},
		{"bad rate", map[string]string{"MOTCUA_RATE_LOOKUP_PER_MINUTE": "many"}, "MOTCUA_RATE_LOOKUP_PER_MINUTE", nil},
		{"metrics token", map[string]string{"MOTCUA_METRICS_TOKEN": "scrape-token-0123456789"}, "", nil},
		{"short metrics token", map[string]string{"MOTCUA_METRICS_TOKEN": "abc"}, "MOTCUA_METRICS_TOKEN", nil},
		{"idempotency ttl", map[string]string{"MOTCUA_IDEMPOTENCY_TTL": "48h"}, "", func(t *testing.T, c *Config) {
			if c.IdempotencyTTL != 48*time.Hour {
				t.Errorf("ttl %v", c.IdempotencyTTL)
			}
		}},
		{"bad idempotency ttl", map[string]string{"MOTCUA_IDEMPOTENCY_TTL": "1d"}, "MOTCUA_IDEMPOTENCY_TTL", nil},
		{"short idempotency ttl", map[string]string{"MOTCUA_IDEMPOTENCY_TTL": "1m"}, "MOTCUA_IDEMPOTENCY_TTL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := checkConfig(t, tt.env, tt.wantErr); c != nil && tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestPublicURLWarning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		publicURL, addr string
		warn            bool
	}{
		{"http://localhost:8080", ":8080", true}, // the defaults
		{"http://localhost:8080", "0.0.0.0:8080", true},
		{"http://127.0.0.1:8080", "[::]:8080", true},
		{"http://[::1]:8080", "192.168.1.10:8080", true},
		{"http://app.localhost", ":8080", true},
		{"http://localhost:8080", "127.0.0.1:8080", false}, // only this machine can reach it anyway
		{"http://localhost:8080", "localhost:8080", false},
		{"https://motcua.soctrang.gov.vn", ":8080", false},
		{"http://192.168.1.10:8080", ":8080", false},
	}
	for _, tt := range tests {
		env := map[string]string{"MOTCUA_PUBLIC_URL": tt.publicURL, "MOTCUA_ADDR": tt.addr}
		c, err := configFromEnv(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if got := len(c.Warnings) == 1 && strings.Contains(c.Warnings[0], "MOTCUA_PUBLIC_URL"); got != tt.warn {
			t.Errorf("%s with %s: warnings %q, want a warning: %v", tt.publicURL, tt.addr, c.Warnings, tt.warn)
		}
	}
}

// TestSecretFileProblemsStopTheStart checks that a secret file that cannot be used stops the
// start at once with a message naming the file and what to do, and leaves the file alone.
func TestSecretFileProblemsStopTheStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    []string
	}{
		{"empty", func(t *testing.T, path string) { mustWrite(t, path, "", 0o600) }, []string{"is empty", "delete it"}},
		{"short", func(t *testing.T, path string) { mustWrite(t, path, "0123456789", 0o600) }, []string{"10 bytes", "32", "MOTCUA_SECRET"}},
		{"unreadable", func(t *testing.T, path string) {
			if os.Geteuid() == 0 {
				// root reads any file: a directory in the file's place cannot be read as one.
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
				return
			}
			mustWrite(t, path, strings.Repeat("s", 64), 0o000)
		}, []string{"cannot be read", "MOTCUA_SECRET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "secret")
			tt.prepare(t, path)
			before, _ := os.ReadFile(path)
			done := make(chan error, 1)
			go func() { c := &Config{DataDir: dir}; done <- c.loadSecret() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("loadSecret did not return")
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Errorf("the secret file changed from %q to %q", before, after)
			}
		})
	}
}

func mustWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// TestSecretIsWrittenWhole checks a new secret: kept in place with mode 0600, nothing else
// left in the directory, and read back by the next start.
func TestSecretIsWrittenWhole(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data") // created by loadSecret
	c := &Config{DataDir: dir}
	if err := c.loadSecret(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "secret" {
		t.Fatalf("data directory holds %v, want the secret only", entries)
	}
	info, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil || info.Mode().Perm() != 0o600 || info.Size() != 64 {
		t.Fatalf("secret file %v, %v; want 64 bytes, mode 0600", info, err)
	}
	again := &Config{DataDir: dir}
	if err := again.loadSecret(); err != nil || !bytes.Equal(again.Secret, c.Secret) {
		t.Fatalf("second start: %q, %v; want %q", again.Secret, err, c.Secret)
	}
	// MOTCUA_SECRET wins over the file.
	set := &Config{DataDir: dir, Secret: []byte(strings.Repeat("e", 32))}
	if err := set.loadSecret(); err != nil || string(set.Secret) != strings.Repeat("e", 32) {
		t.Fatalf("MOTCUA_SECRET: %q, %v", set.Secret, err)
	}
}

// TestRacingStartsShareTheSecret starts several processes' worth of loadSecret on an empty
// data directory at the same instant, many times: every one must end with the same secret.
func TestRacingStartsShareTheSecret(t *testing.T) {
	t.Parallel()
	for round := 0; round < 30; round++ {
		dir := t.TempDir()
		const starts = 6
		secrets := make([][]byte, starts)
		errs := make([]error, starts)
		var ready, wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range starts {
			ready.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &Config{DataDir: dir}
				ready.Done()
				<-gate
				errs[i] = c.loadSecret()
				secrets[i] = c.Secret
			}()
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		onDisk, err := os.ReadFile(filepath.Join(dir, "secret"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range starts {
			if errs[i] != nil || !bytes.Equal(secrets[i], onDisk) {
				t.Fatalf("round %d, start %d: %q, %v; the file holds %q", round, i, secrets[i], errs[i], onDisk)
			}
		}
	}
}

func TestCheckReady(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"status": "unavailable", "details": map[string]any{"database": "unreachable"}})
	}))
	defer srv.Close()
	if err := checkReady(srv.URL+"/readyz", time.Second); err != nil {
		t.Errorf("ready service: %v", err)
	}
	mu.Lock()
	status = http.StatusServiceUnavailable
	mu.Unlock()
	if err := checkReady(srv.URL+"/readyz", time.Second); err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("unready service: %v", err)
	}
	if err := checkReady("http://"+freeAddr(t)+"/readyz", time.Second); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("nothing listening: %v", err)
	}
	for addr, want := range map[string]string{":8080": "http://127.0.0.1:8080/readyz", "0.0.0.0:9000": "http://127.0.0.1:9000/readyz",
		"[::]:8080": "http://[::1]:8080/readyz", "10.1.2.3:80": "http://10.1.2.3:80/readyz", "motcua:8080": "http://motcua:8080/readyz"} {
		if got := readyURL(addr); got != want {
			t.Errorf("readyURL(%q) = %s, want %s", addr, got, want)
		}
	}
}

// TestStartChecks runs the binary: `motcua healthcheck` exits 0 against a ready service and
// 1 with a message otherwise; the start warns about a loopback MOTCUA_PUBLIC_URL (and /readyz
// lists it while ready); a short secret file stops the start at once.
func TestStartChecks(t *testing.T) {
	bin := buildBinary(t)
	addr := freeAddr(t)
	_, port, _ := strings.Cut(addr, ":")
	dataDir := t.TempDir()
	env := []string{"MOTCUA_ADDR=" + addr, "MOTCUA_DATA_DIR=" + dataDir, "MOTCUA_ADMIN_PASSWORD=first-admin-password",
		"MOTCUA_SCHEDULER=off", "MOTCUA_DATABASE_URL=", "MOTCUA_PUBLIC_URL=http://localhost:" + port}
	if os.Getenv(storetest.EnvURL) != "" {
		env = append(env, "MOTCUA_DATABASE_URL="+storetest.NewOptions(t).URL)
	}
	healthcheck := func(env []string) (string, error) {
		cmd := exec.Command(bin, "healthcheck")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := healthcheck(env); err == nil || !strings.Contains(out, "no answer") {
		t.Fatalf("healthcheck before the start: %v, %s", err, out)
	}

	// Listening on every address, with a loopback public URL: a warning, yet ready.
	wide := append(append([]string(nil), env...), "MOTCUA_ADDR=:"+port)
	cmd, logs := start(t, bin, wide)
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), "MOTCUA_PUBLIC_URL") {
		t.Errorf("no warning in the log:\n%s", logs)
	}
	res, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Status  string
		Details struct{ Warnings []string }
	}
	json.NewDecoder(res.Body).Decode(&ready)
	res.Body.Close()
	if res.StatusCode != 200 || ready.Status != "ready" || len(ready.Details.Warnings) == 0 ||
		!strings.Contains(strings.Join(ready.Details.Warnings, " "), "MOTCUA_PUBLIC_URL") {
		t.Errorf("/readyz %d %+v, want ready with the warning", res.StatusCode, ready)
	}
	if out, err := healthcheck(wide); err != nil {
		t.Errorf("healthcheck of a ready service: %v, %s", err, out)
	}
	cmd.Process.Kill()
	cmd.Wait()

	// Listening on loopback only: no warning.
	_, logs = start(t, bin, env)
	if strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("a warning for a loopback-only service:\n%s", logs)
	}

	// A short secret file stops the next start at once, naming the file.
	other := t.TempDir()
	mustWrite(t, filepath.Join(other, "secret"), "short", 0o600)
	run := exec.Command(bin, "serve")
	run.Env = append(os.Environ(), "MOTCUA_ADDR="+freeAddr(t), "MOTCUA_DATA_DIR="+other, "MOTCUA_SECRET=")
	done := make(chan struct{})
	var out []byte
	go func() { out, err = run.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		run.Process.Kill()
		t.Fatal("the start with a short secret file did not stop")
	}
	if err == nil || !strings.Contains(string(out), filepath.Join(other, "secret")) {
		t.Errorf("short secret: %v, %s", err, out)
	}
}

// TestDeploymentFiles checks what the image and compose promise: the binary is the health
// check, compose refuses to start without the public URL and the secret, and the build
// context leaves out the data directory and the repository's history.
func TestDeploymentFiles(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, name := range []string{"docker-compose.yml", "docker-compose.ha.yml"} {
		compose := read(name)
		for _, want := range []string{`test: ["CMD", "/motcua", "healthcheck"]`, "MOTCUA_PUBLIC_URL: ${MOTCUA_PUBLIC_URL:?", "MOTCUA_SECRET: ${MOTCUA_SECRET:?"} {
			if !strings.Contains(compose, want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
	dockerfile := read("Dockerfile")
	if !strings.Contains(dockerfile, `HEALTHCHECK`) || !strings.Contains(dockerfile, `CMD ["/motcua", "healthcheck"]`) {
		t.Error("the Dockerfile has no HEALTHCHECK running motcua healthcheck")
	}
	ignored := map[string]bool{}
	for _, line := range strings.Split(read(".dockerignore"), "\n") {
		ignored[strings.TrimSpace(line)] = true
	}
	for _, want := range []string{".git", "data", "**/secret", ".env", "*.db"} {
		if !ignored[want] {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}
