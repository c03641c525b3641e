#!/usr/bin/env bash
# What a synchronous standby costs and what reading from it gives (BENCHMARKS.md, "A primary
# and a synchronous standby"): starts a primary and a synchronous streaming standby
# (pg_basebackup -R, synchronous_standby_names = '*', synchronous_commit = on, fsync on) on
# free loopback ports in a temporary directory, runs `motcua bench run -only lookup,intake`
# against the pair with the service reading from the standby (MOTCUA_DATABASE_REPLICA_URL),
# samples the replication lag every half second meanwhile, then runs `pgbench -S` on the
# standby and `pgbench -N` on the primary. Stops everything it started.
#
#   scripts/bench-ha.sh                                    100,000 dossiers, 10 s phases
#   scripts/bench-ha.sh -dossiers 200000 -phase 20s        longer
#   HA_SYNC=off scripts/bench-ha.sh                        the same pair, standby asynchronous
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-dossiers 100000 -phase 10s)
phase=10
for ((i = 0; i < ${#args[@]}; i++)); do
	[ "${args[$i]}" = -phase ] && phase=${args[$((i + 1))]%s}
done

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/pgbench" ]; then
	echo "missing PostgreSQL (initdb, pg_basebackup, pgbench): apt-get install postgresql postgresql-contrib" >&2
	exit 1
fi
tmp=$(mktemp -d /tmp/motcua-bench-ha.XXXXXX)
run=()
if [ "$(id -u)" = 0 ]; then
	chown postgres "$tmp"
	run=(runuser -u postgres --)
fi
sampler=""
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
	for n in standby primary; do
		"${run[@]}" "$pgbin/pg_ctl" -D "$tmp/$n" -m immediate stop >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 130" INT TERM

freeport() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
	done
}
# Production-like durability on both; the standby must acknowledge every commit.
common="listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
max_connections = 300
shared_buffers = 1GB
work_mem = 16MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min"
pport=$(freeport)
"${run[@]}" "$pgbin/initdb" -D "$tmp/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run[@]}" sh -c "cat >> '$tmp/primary/postgresql.conf'" <<EOF
$common
port = $pport
wal_level = replica
max_wal_senders = 5
wal_keep_size = '2GB'
synchronous_standby_names = '$([ "${HA_SYNC:-on}" = off ] || echo '*')'
synchronous_commit = on
EOF
"${run[@]}" "$pgbin/pg_ctl" -D "$tmp/primary" -w -l "$tmp/primary.log" start >/dev/null
sport=$(freeport)
"${run[@]}" "$pgbin/pg_basebackup" -D "$tmp/standby" -h 127.0.0.1 -p "$pport" -U postgres -R -X stream -c fast
"${run[@]}" sh -c "cat >> '$tmp/standby/postgresql.conf'" <<EOF
port = $sport
hot_standby = on
synchronous_standby_names = ''
EOF
"${run[@]}" "$pgbin/pg_ctl" -D "$tmp/standby" -w -l "$tmp/standby.log" start >/dev/null
psql() { "$pgbin/psql" -X -A -t -q -h 127.0.0.1 -U postgres "$@"; }
until [ "$(psql -p "$pport" -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]; do sleep 0.2; done
echo "standby: $(psql -p "$pport" -c "SELECT sync_state FROM pg_stat_replication")"

mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "machine: $(nproc) CPUs, $mem memory, shared with other work; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "primary :$pport, standby :$sport ($("$pgbin/postgres" --version))"
echo "command: scripts/bench-ha.sh ${args[*]}"

# The replication lag, every half second: bytes of WAL not yet replayed, and the lags.
(
	while :; do
		psql -p "$pport" -F ' ' -c "SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS'),
			pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),
			round(extract(epoch FROM coalesce(flush_lag, '0'))*1000, 2),
			round(extract(epoch FROM coalesce(replay_lag, '0'))*1000, 2)
			FROM pg_stat_replication" 2>/dev/null || true
		sleep 0.5
	done
) >"$tmp/lag" &
sampler=$!

go build -o "$tmp/motcua" ./cmd/motcua
mkdir -p "$tmp/work"
MOTCUA_DATABASE_URL="postgres://postgres@127.0.0.1:$pport/postgres?sslmode=disable" \
MOTCUA_DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$sport/motcua_bench?sslmode=disable" \
	"$tmp/motcua" bench run -pgbin "$pgbin" -workdir "$tmp/work" -only lookup,intake "${args[@]}" \
	2> >(while IFS= read -r l; do printf '%(%T)T %s\n' -1 "$l"; done >"$tmp/bench.log")
kill "$sampler" 2>/dev/null || true
sampler=""

echo
echo "== the replication lag, sampled every half second on the primary (pg_stat_replication)"
grep -E "pgbench|result" "$tmp/bench.log" | cut -c10- || true
at() { grep -m1 "$1" "$tmp/bench.log" | cut -c1-8; }
# lag FROM TO WHAT: the samples between two times (HH:MM:SS): replay lag and WAL not yet replayed.
lag() {
	awk -v a="$1" -v b="$2" '{t = substr($1, 1, 8)} t >= a && t <= b {print $2, $4}' "$tmp/lag" | sort -n -k2 |
		awk -v what="$3" '{r[NR] = $2; if ($1 > mb) mb = $1} END {if (NR) printf "%s: %d samples, replay lag median %s ms, max %s ms; WAL not yet replayed at most %d bytes\n", what, NR, r[int((NR + 1) / 2)], r[NR], mb}'
}
tN=$(at "pgbench -N")
tI=$(at "result: intake")
tS=$(at "pgbench -S")
tL=$(at "result: public lookup")
[ -n "$tN" ] && [ -n "$tI" ] && {
	lag "$tN" "$(date -d "$tN $phase sec" +%T)" "during pgbench -N -c 16"
	lag "$(date -d "$tN $phase sec" +%T)" "$tI" "during the intake at 16 counters"
}
[ -n "$tS" ] && [ -n "$tL" ] && lag "$(date -d "$tS $phase sec" +%T)" "$tL" "during the lookups (reads only)"
cp "$tmp/lag" /tmp/motcua-bench-ha-lag.txt
echo "(every sample: /tmp/motcua-bench-ha-lag.txt: time, bytes behind, flush lag ms, replay lag ms)"

echo
echo "== pgbench on the pair"
psql -p "$pport" -c "CREATE DATABASE ha_pgbench" >/dev/null
"$pgbin/pgbench" -h 127.0.0.1 -p "$pport" -U postgres -i -s 10 -q ha_pgbench 2>/dev/null
until [ "$(psql -p "$pport" -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) = 0 FROM pg_stat_replication")" = t ]; do sleep 0.2; done
echo "pgbench -S -c 64 on the standby: $("$pgbin/pgbench" -h 127.0.0.1 -p "$sport" -U postgres -S -c 64 -j 2 -T "$phase" ha_pgbench 2>/dev/null | awk '/^tps/ {print $3; exit}') tps"
pgbenchN() { "$pgbin/pgbench" -h 127.0.0.1 -p "$pport" -U postgres -N -c 16 -j 2 -T "$phase" ha_pgbench 2>/dev/null | awk '/^tps/ {print $3; exit}'; }
if [ "${HA_SYNC:-on}" = off ]; then
	echo "pgbench -N -c 16 on the primary, standby asynchronous: $(pgbenchN) tps"
else
	echo "pgbench -N -c 16 on the primary, standby synchronous: $(pgbenchN) tps"
	psql -p "$pport" -c "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 1
	echo "pgbench -N -c 16 on the primary, standby asynchronous: $(pgbenchN) tps"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
