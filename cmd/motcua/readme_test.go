package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"motcua/store/storetest"
)

// readmeBlocks returns the code blocks (indented four spaces) of the README's section that
// starts with heading, up to the next "## " heading or the line starting with stop.
func readmeBlocks(t *testing.T, heading, stop string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	if i := strings.Index(sec, "\n## "); i >= 0 {
		sec = sec[:i]
	}
	if i := strings.Index(sec, "\n"+stop); stop != "" && i >= 0 {
		sec = sec[:i]
	}
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n"))+"\n")
			cur = nil
		}
	}
	for _, line := range strings.Split(sec, "\n") {
		switch {
		case strings.HasPrefix(line, "    "):
			cur = append(cur, line[4:])
		case strings.TrimSpace(line) == "" && len(cur) > 0:
			cur = append(cur, "")
		default:
			flush()
		}
	}
	flush()
	return blocks
}

// The README's recipe runs as written against the service started as the README starts
// it, on another port and in a data directory of its own: it logs in, builds a desk, takes
// a dossier in by the code the intake answers, prints its receipt and fetches the reports.
// With a wrong password it stops at the login, before anything is sent with an empty token.
func TestReadmeRecipe(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("MOTCUA_REQUIRE_TOOLS") == "1" {
				t.Fatalf("%s not found and MOTCUA_REQUIRE_TOOLS=1 (apt-get install curl jq)", tool)
			}
			t.Skipf("%s not found (apt-get install curl jq); set MOTCUA_REQUIRE_TOOLS=1 to fail instead", tool)
		}
	}
	blocks := readmeBlocks(t, "## Using it", "The calendar and the catalogue")
	if len(blocks) != 2 {
		t.Fatalf("README's \"Using it\" has %d code blocks, want the start and the recipe", len(blocks))
	}
	server, recipe := blocks[0], blocks[1]
	const readmePort = "8081"
	if !strings.Contains(server, "MOTCUA_ADDR=:"+readmePort) || !strings.Contains(server, "go run ./cmd/motcua") {
		t.Fatalf("the start is not `MOTCUA_ADDR=:%s … go run ./cmd/motcua`:\n%s", readmePort, server)
	}

	bin := buildBinary(t)
	addr := freeAddr(t)
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	dir := t.TempDir()
	common := []string{"MOTCUA_DATA_DIR=" + filepath.Join(dir, "data"), "MOTCUA_DATABASE_URL="} // ./data, as the README's
	if os.Getenv(storetest.EnvURL) != "" {
		common = append(common, "MOTCUA_DATABASE_URL="+storetest.NewOptions(t).URL)
	}
	// The start's variables, on the free port.
	env := append([]string{"MOTCUA_SCHEDULER=off"}, common...)
	for _, m := range regexp.MustCompile(`(MOTCUA_[A-Z_]+)=('[^']*'|\S+)`).FindAllStringSubmatch(server, -1) {
		v := strings.ReplaceAll(strings.Trim(m[2], "'"), readmePort, port)
		if m[1] == "MOTCUA_ADDR" {
			v = addr
		}
		env = append(env, m[1]+"="+v)
	}
	start(t, bin, env)

	script := strings.ReplaceAll(strings.ReplaceAll(recipe, readmePort, port), "go run ./cmd/motcua", bin)
	run := func(script string) (string, error) {
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), common...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	// A wrong password: the recipe stops at the login.
	password := regexp.MustCompile(`"password":"([^"]*)"`).FindStringSubmatch(recipe)
	if password == nil {
		t.Fatal("the recipe logs in with no password")
	}
	out, err := run(strings.Replace(script, password[0], `"password":"not-the-password"`, 1))
	if err == nil || !strings.Contains(out, "401") || strings.Contains(out, "000.00.24.H50") {
		t.Fatalf("with a wrong password: %v\n%s", err, out)
	}

	out, err = run(script)
	if err != nil {
		t.Fatalf("the recipe failed: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`dossier 000\.00\.24\.H50-\d{6}-0001`).MatchString(out) || !strings.Contains(out, "processing") {
		t.Errorf("the recipe did not take a dossier in and start it:\n%s", out)
	}
	for name, magic := range map[string]string{"receipt.pdf": "%PDF", "phu-luc.xlsx": "PK", "bieu-06.csv": "\ufeffLĩnh vực"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s: %v, starts %q, want %q", name, err, b[:min(len(b), 8)], magic)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "bieu-06.csv")); !strings.Contains(string(b), "Hộ tịch,Cấp huyện,1,") {
		t.Errorf("Biểu 06 does not count the dossier taken in this year:\n%s", b)
	}
}
