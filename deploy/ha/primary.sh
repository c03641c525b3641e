#!/bin/sh
# The primary's entry point (as root): the WAL archive volume must belong to postgres, then
# the image's own entry point runs postgres with the settings given as arguments.
set -eu
mkdir -p /archive
chown postgres:postgres /archive
exec docker-entrypoint.sh postgres "$@"
