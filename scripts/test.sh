#!/usr/bin/env bash
# Runs every test: gofmt, go mod tidy and go vet, then the whole suite with the race detector twice, once on the
# embedded SQLite database and once on a throwaway PostgreSQL cluster that this script
# starts (installing PostgreSQL and the other test tools from Debian's packages when they
# are missing and we are root) and stops again.
#
#   scripts/test.sh              all tests
#   scripts/test.sh ./api/...    only some packages
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=("${@:-./...}")

need=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || need+=(postgresql)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing ${need[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
		pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	else
		echo "missing ${need[*]}: install them (apt-get install ${need[*]}) or run as root" >&2
		exit 1
	fi
fi

# A throwaway cluster on a free port, owned by the postgres user when we are root.
tmp=$(mktemp -d /tmp/motcua-pg.XXXXXX)
run=()
if [ "$(id -u)" = 0 ]; then
	chown postgres "$tmp"
	run=(runuser -u postgres --)
fi
cleanup() {
	"${run[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 130" INT TERM
"${run[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
port=""
for _ in $(seq 1 20); do
	candidate=$((20000 + RANDOM % 20000))
	if "${run[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -w -l "$tmp/pg.log" \
		-o "-p $candidate -c listen_addresses=127.0.0.1 -k $tmp -c fsync=off -c max_connections=300" start >/dev/null; then
		port=$candidate
		break
	fi
done
[ -n "$port" ] || { cat "$tmp/pg.log" >&2; echo "could not start PostgreSQL" >&2; exit 1; }
export MOTCUA_PG_BIN="$pgbin" MOTCUA_PG_DATA="$tmp/data" MOTCUA_PG_PORT="$port"
export MOTCUA_REQUIRE_TOOLS=1
pgurl="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"

# Each half runs whatever the other did; the script fails when either failed, and ends with
# one line per step saying how it went and how long it took.
summary=()
failed=0
step() {
	local name=$1 start=$SECONDS rc=0
	shift
	echo "== $name"
	"$@" || rc=$?
	local took=$((SECONDS - start))
	if [ $rc -eq 0 ]; then
		summary+=("ok    $name ($((took / 60))m$((took % 60))s)")
	else
		summary+=("FAIL  $name ($((took / 60))m$((took % 60))s, exit $rc)")
		failed=1
	fi
}

unformatted() {
	local files
	files=$(gofmt -l $(git ls-files '*.go'))
	[ -z "$files" ] || { echo "not gofmt-ed:" $files; return 1; }
}
step "gofmt" unformatted
step "go mod tidy" go mod tidy -diff
step "go vet" go vet "${pkgs[@]}"
# The OpenAPI document through an independent linter (no errors allowed), when npx is at hand.
if command -v npx >/dev/null; then
	step "redocly lint" env REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		npx --yes @redocly/cli@2.77.0 lint --format=summary api/openapi.yaml
fi
step "tests on SQLite" go test -race -count=1 -timeout 30m "${pkgs[@]}"
step "tests on PostgreSQL (port $port)" env MOTCUA_TEST_DATABASE_URL="$pgurl" go test -race -count=1 -timeout 30m "${pkgs[@]}"

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
