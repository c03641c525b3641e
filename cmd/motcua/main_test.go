package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua/store/storetest"
)

// buildBinary compiles motcua once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "motcua")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// logBuffer holds what a running binary logs; the test reads it while the process writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary with env and waits until /readyz answers 200.
func start(t *testing.T, bin string, env []string) (*exec.Cmd, *logBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	logs := &logBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := ""
	for _, e := range env {
		if a, ok := strings.CutPrefix(e, "MOTCUA_ADDR="); ok {
			addr = a
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd, logs
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("not ready in time; logs:\n%s", logs.String())
	return nil, nil
}

// TestServeStopsCleanlyAndKeepsData starts the real binary, creates an agency, stops it with
// SIGTERM (it must exit 0 within seconds), starts it again and finds the agency.
func TestServeStopsCleanlyAndKeepsData(t *testing.T) {
	bin := buildBinary(t)
	addr := freeAddr(t)
	env := []string{"MOTCUA_ADDR=" + addr, "MOTCUA_DATA_DIR=" + t.TempDir(), "MOTCUA_ADMIN_PASSWORD=first-admin-password",
		"MOTCUA_SCHEDULER=off", "MOTCUA_DATABASE_URL="}
	if os.Getenv(storetest.EnvURL) != "" {
		env = append(env, "MOTCUA_DATABASE_URL="+storetest.NewOptions(t).URL)
	}
	cmd, logs := start(t, bin, env)
	base := "http://" + addr
	token := login(t, base)
	req, _ := http.NewRequest("POST", base+"/api/v1/agencies", strings.NewReader(`{"code":"000.00.24.H50","name":"UBND thành phố","level":"district"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create agency: %v %v", err, res)
	}
	// A fresh database counts with the shipped years without `motcua calendar load`.
	if body := getBody(t, base+"/api/v1/calendar/2026", token); !strings.Contains(body, `"source":"announced"`) {
		t.Errorf("calendar 2026 on a fresh start: %s", body)
	}
	stopped := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs)
	}
	if d := time.Since(stopped); d > 5*time.Second {
		t.Errorf("SIGTERM took %v", d)
	}
	start(t, bin, env)
	req, _ = http.NewRequest("GET", base+"/api/v1/agencies/000.00.24.H50", nil)
	req.Header.Set("Authorization", "Bearer "+login(t, base))
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("agency after restart: %v %v", err, res)
	}
}

// getBody answers GET url with token, or fails the test.
func getBody(t *testing.T, url, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func login(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"first-admin-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var tok string
	if _, err := fmt.Sscanf(strings.SplitN(string(b), `"token":"`, 2)[1], "%s", &tok); err != nil {
		t.Fatalf("login: %s", b)
	}
	return strings.SplitN(tok, `"`, 2)[0]
}

func TestBadConfigurationStopsTheStart(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "MOTCUA_WORK_HOURS=25:00-26:00", "MOTCUA_DATA_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "MOTCUA_WORK_HOURS") {
		t.Fatalf("err %v, output %s", err, out)
	}
}
