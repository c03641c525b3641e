#!/usr/bin/env bash
# Measures motcua at the scale of a province against PostgreSQL's own limits on this machine
# (BENCHMARKS.md): starts a throwaway PostgreSQL cluster on a free loopback port (installing
# PostgreSQL from Debian's packages when it is missing and we are root), builds motcua,
# generates the history, runs the service as a subprocess and prints one table of ratios,
# every figure measured in this run. About 20 minutes on 2 cores; it stops everything it
# started, also when interrupted.
#
#   scripts/bench.sh                     1M dossiers of history, 1M-row CSV import
#   scripts/bench.sh -big 10000000       also list/search and the appendix at 10M (long)
#   scripts/bench.sh -dossiers 200000 -import-rows 100000 -phase 5s    a quick smoke run
#   scripts/bench.sh -only lookup,intake  only these parts (lookup, intake, list, appendix, ready, import, rejudge)
set -euo pipefail
cd "$(dirname "$0")/.."

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/pgbench" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "installing postgresql" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
		pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	else
		echo "missing PostgreSQL (initdb, pgbench): install it (apt-get install postgresql) or run as root" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d /tmp/motcua-bench.XXXXXX)
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

echo "== building motcua" >&2
go build -o "$tmp/motcua" ./cmd/motcua

echo "== starting PostgreSQL ($("$pgbin/postgres" --version))" >&2
"${run[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Production-like durability (fsync and synchronous commit on); room for the bulk load.
opts="-c listen_addresses=127.0.0.1 -k $tmp -c max_connections=300 -c shared_buffers=1GB -c work_mem=16MB"
opts="$opts -c maintenance_work_mem=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min"
port=""
for _ in $(seq 1 20); do
	candidate=$((20000 + RANDOM % 20000))
	if "${run[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -w -l "$tmp/pg.log" -o "-p $candidate $opts" start >/dev/null; then
		port=$candidate
		break
	fi
done
[ -n "$port" ] || { cat "$tmp/pg.log" >&2; echo "could not start PostgreSQL" >&2; exit 1; }

mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo "machine: $(nproc) CPUs ($cpu), $mem memory; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: scripts/bench.sh $*"
echo
mkdir -p "$tmp/work"
MOTCUA_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" \
	timeout --foreground 150m "$tmp/motcua" bench run -pgbin "$pgbin" -workdir "$tmp/work" "$@"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
