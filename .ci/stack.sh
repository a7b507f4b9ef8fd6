# Sourced by .ci/smoke and .ci/backup-restore: a fresh PostgreSQL database and production-like
# settings (DEBUG off, a generated SECRET_KEY and master key) for one run.

manage() { .venv/bin/python manage.py "$@"; }

# Run a Python file in manage.py shell; its last printed line is the answer.
manage_script() { .venv/bin/python manage.py shell --no-imports <"$1" | tail -n 1; }

psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -qAtc "$1"; }

# Drop and create database $1 (a run killed half-way may have left sessions on it).
fresh_database() {
  psql_admin "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid()" >/dev/null
  dropdb -h 127.0.0.1 -U postgres --if-exists "$1"
  createdb -h 127.0.0.1 -U postgres "$1"
}

# Production-like settings on database $1, with files and generated secrets under directory $2.
production_env() {
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$1"
  export CASEHUB_VAR_DIR="$2" STATIC_ROOT="$2/static" MEDIA_ROOT="$2/media"
  export DEBUG=0 CASEHUB_HTTPS=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
  SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
  CASEHUB_MASTER_KEYS="$(.venv/bin/python -m casehub.crypto.keys ci1)"
  export SECRET_KEY CASEHUB_MASTER_KEYS
  unset CASEHUB_KEY_FILE CELERY_BROKER_URL CACHE_URL CASEHUB_REQUIRE_WORKER CASEHUB_REQUIRE_BROWSER
}

# The demo organizations, accounts (their keys and codes written to $1) and cases.
load_demo_data() {
  manage load_demo --force >"$1"
  manage load_demo_directory --force >/dev/null
  manage load_demo_cases --force >/dev/null
}
