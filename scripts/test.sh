#!/usr/bin/env bash
# The whole test run: lint, format, types, import layers, migrations, the tests
# docs/provisions.md cites, Django checks, then the test suite.
# Runs on SQLite by default, or on PostgreSQL when DATABASE_URL is set. Extra arguments go
# to pytest (e.g. scripts/test.sh -k calendar).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

step() { echo; echo "==> $*"; }

step "ruff check"
ruff check .
step "ruff format --check"
ruff format --check .

step "mypy (putright/rules, strict)"
if find putright/rules -name '*.py' 2>/dev/null | grep -q .; then
  mypy
else
  echo "skipped: putright/rules has no Python files yet"
fi

step "lint-imports (apps depend downwards only; rules import no Django)"
lint-imports --no-cache

step "migrations are up to date"
python manage.py makemigrations --check --dry-run

step "every test docs/provisions.md cites exists"
python scripts/check_provisions.py

step "manage.py check"
python manage.py check --fail-level WARNING

step "manage.py check --deploy with production settings"
SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=complaints.thrive.example EMAIL_HOST=smtp.thrive.example PUTRIGHT_DEBUG=false \
  python manage.py check --deploy --fail-level WARNING

database="SQLite"
if [[ -n "${DATABASE_URL:-}" ]]; then
  database="DATABASE_URL (${DATABASE_URL%%:*})"  # scheme only: never print the password
fi
step "pytest on $database"
pytest -n 2 "$@"

# Built and served as in production (make serve), every page fetched over HTTP; on a fresh
# database of the same kind (DATABASE_URL's name + "_smoke" on PostgreSQL).
step "production smoke test on $database"
python scripts/smoke.py
