// Package e2e holds the service's end-to-end tests: crash and restart of the binary, a
// database restart, hostile input, the authorisation matrix, personal data in logs, the
// append-only history and backups. It has no code of its own; see the _test.go files.
//
//	go test ./e2e/                      the default, short run
//	MOTCUA_LONG=1 go test ./e2e/        more kill/restart rounds and more hostile requests
//
// Tests that need PostgreSQL use MOTCUA_TEST_DATABASE_URL; those that stop or dump a cluster
// also need its binaries in MOTCUA_PG_BIN (scripts/test.sh sets both).
package e2e
