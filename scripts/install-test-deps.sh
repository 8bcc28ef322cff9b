#!/usr/bin/env bash
# Installs and starts what the test suite needs (Debian): Chromium for Playwright, ffmpeg for the
# media fixtures, PostgreSQL for the database tests (the studio itself defaults to embedded PGlite).
# Idempotent: safe to run on a machine that already has all of it.
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  echo "test dependencies: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "test dependencies: all installed"
fi

# PostgreSQL: start the newest cluster and make the test role and database (TEST_DATABASE_URL).
version="$(ls /etc/postgresql | sort -V | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q online; then
  $sudo pg_ctlcluster "$version" main start
fi
as_postgres() { $sudo su postgres -c "$1"; }
if [ "$(as_postgres "psql -Atc \"select 1 from pg_roles where rolname = 'takes'\"")" != "1" ]; then
  as_postgres "psql -qc \"create role takes login password 'takes' createdb\""
fi
if [ "$(as_postgres "psql -Atc \"select 1 from pg_database where datname = 'takes_test'\"")" != "1" ]; then
  as_postgres "createdb -O takes takes_test"
fi
echo "test dependencies: PostgreSQL $version ready (postgres://takes:takes@127.0.0.1:5432/takes_test)"
