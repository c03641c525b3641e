#!/bin/sh
# The standby's entry point: on first start, copy the primary with pg_basebackup -R (which
# writes standby.signal and primary_conninfo), then run as a hot standby. Once promoted
# (pg_ctl promote), standby.signal is gone and the same command runs it as the primary.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	until pg_isready -h primary -p 5432 -U replicator -q; do sleep 1; done
	PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h primary -p 5432 -U replicator \
		-D "$PGDATA" -R -X stream -c fast --application-name=standby
	chmod 700 "$PGDATA"
fi
# The primary's settings came with the copy; a standby (and a promoted one, until it has a
# standby of its own) must not wait for a synchronous standby.
exec postgres -c hot_standby=on -c synchronous_standby_names= -c archive_mode=off
