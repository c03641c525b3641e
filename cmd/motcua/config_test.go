package main

import (
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // a variable the error must name; "" = valid
	}{
		{"defaults", nil, ""},
		{"postgres", map[string]string{"MOTCUA_DATABASE_URL": "postgres://u:p@localhost/db"}, ""},
		{"bad database url", map[string]string{"MOTCUA_DATABASE_URL": "mysql://x"}, "MOTCUA_DATABASE_URL"},
		{"bad addr", map[string]string{"MOTCUA_ADDR": "8080"}, "MOTCUA_ADDR"},
		{"bad public url", map[string]string{"MOTCUA_PUBLIC_URL": "ftp:/x"}, "MOTCUA_PUBLIC_URL"},
		{"short secret", map[string]string{"MOTCUA_SECRET": "short"}, "MOTCUA_SECRET"},
		{"short admin password", map[string]string{"MOTCUA_ADMIN_PASSWORD": "abc"}, "MOTCUA_ADMIN_PASSWORD"},
		{"bad work hours", map[string]string{"MOTCUA_WORK_HOURS": "17:00-07:00"}, "MOTCUA_WORK_HOURS"},
		{"other work hours", map[string]string{"MOTCUA_WORK_HOURS": "07:30-11:30,13:30-17:30"}, ""},
		{"bad supplement clock", map[string]string{"MOTCUA_SUPPLEMENT_CLOCK": "stop"}, "MOTCUA_SUPPLEMENT_CLOCK"},
		{"pause clock", map[string]string{"MOTCUA_SUPPLEMENT_CLOCK": "pause"}, ""},
		{"bad scheduler", map[string]string{"MOTCUA_SCHEDULER": "yes"}, "MOTCUA_SCHEDULER"},
		{"no public cache", map[string]string{"MOTCUA_PUBLIC_CACHE": "0"}, ""},
		{"bad public cache", map[string]string{"MOTCUA_PUBLIC_CACHE": "-1"}, "MOTCUA_PUBLIC_CACHE"},
		{"public cache not a number", map[string]string{"MOTCUA_PUBLIC_CACHE": "lots"}, "MOTCUA_PUBLIC_CACHE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checkConfig(t, tt.env, tt.wantErr)
			if c != nil && (c.Addr == "" || c.WorkHours == nil || !c.Scheduler && tt.env["MOTCUA_SCHEDULER"] == "") {
				t.Fatalf("config %+v", c)
			}
		})
	}
}

func TestSecretIsGeneratedOnce(t *testing.T) {
	dir := t.TempDir()
	a := &Config{DataDir: dir}
	if err := a.loadSecret(); err != nil {
		t.Fatal(err)
	}
	b := &Config{DataDir: dir}
	if err := b.loadSecret(); err != nil {
		t.Fatal(err)
	}
	if len(a.Secret) < 32 || string(a.Secret) != string(b.Secret) {
		t.Fatalf("secrets %q and %q", a.Secret, b.Secret)
	}
}

// TestConfigDatabaseHosts: a primary named by several hosts (libpq's and pgx's failover URL)
// is accepted, and so is a standby for reads, which needs a PostgreSQL primary.
func TestConfigDatabaseHosts(t *testing.T) {
	const multi = "postgres://motcua:pw@db1:5432,db2:5432/motcua?target_session_attrs=read-write&connect_timeout=2"
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"several hosts", map[string]string{"MOTCUA_DATABASE_URL": multi}, ""},
		{"replica", map[string]string{"MOTCUA_DATABASE_URL": multi,
			"MOTCUA_DATABASE_REPLICA_URL": "postgres://motcua:pw@db2:5432,db1:5432/motcua?target_session_attrs=prefer-standby"}, ""},
		{"replica without primary", map[string]string{"MOTCUA_DATABASE_REPLICA_URL": "postgres://db2/motcua"}, "MOTCUA_DATABASE_REPLICA_URL"},
		{"bad replica", map[string]string{"MOTCUA_DATABASE_URL": multi, "MOTCUA_DATABASE_REPLICA_URL": "db2:5432"}, "MOTCUA_DATABASE_REPLICA_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checkConfig(t, tt.env, tt.wantErr)
			if c != nil && (c.DatabaseURL != tt.env["MOTCUA_DATABASE_URL"] || c.DatabaseReplicaURL != tt.env["MOTCUA_DATABASE_REPLICA_URL"]) {
				t.Fatalf("config %+v", c)
			}
		})
	}
}

// checkConfig reads the configuration from env and fails t unless it is refused naming
// wantErr, or, with wantErr empty, accepted; it returns the accepted configuration (nil when
// refused as wanted).
func checkConfig(t *testing.T, env map[string]string, wantErr string) *Config {
	t.Helper()
	c, err := configFromEnv(func(k string) string { return env[k] })
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("error %v", err)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Fatalf("error %v, want one naming %s", err, wantErr)
	case wantErr != "":
		return nil
	}
	return c
}
