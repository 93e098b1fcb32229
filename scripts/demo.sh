#!/usr/bin/env bash
# Runs PutRight locally with demo staff and demo cases at
# http://127.0.0.1:8000 (another port: PORT=8010 scripts/demo.sh, or make demo PORT=8010),
# with the task worker in the background. SQLite unless DATABASE_URL.
set -euo pipefail
port="${PORT:-8000}"
case "$port" in
  ''|*[!0-9]*) echo "demo: PORT must be a number, not '$port'" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export PUTRIGHT_DEBUG=true

python manage.py migrate --noinput
logins="$(python manage.py create_demo_users)"
if python manage.py help seed_demo >/dev/null 2>&1; then
  # seed_demo replays 18 months of history without letters (they went out at the time).
  python manage.py seed_demo
  # Representatives, adjustments, restrictions, service requests, surveys, mailbox items;
  # prints a resident's email address for trying the portal. Their letters are not
  # generated either (the same replay of history).
  portal_login="$(PUTRIGHT_LETTERS_AUTOMATIC=false python manage.py seed_people_demo)"
  PUTRIGHT_LETTERS_AUTOMATIC=false python manage.py seed_reports_demo
  PUTRIGHT_LETTERS_AUTOMATIC=false python manage.py seed_hazards_demo
else
  echo "demo: no seed_demo command yet; starting with staff accounts only"
fi
python manage.py collectstatic --noinput --verbosity 0

# Background tasks (emails, letters, reminders) run in a database-queue worker.
python manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT

echo
echo "$logins" | sed -n '/^Demo logins/,$p'
echo "${portal_login:-}"
echo
echo "PutRight is at http://127.0.0.1:${port}  (admin: /admin/, API docs: /api/docs/)"
echo "Press Ctrl-C to stop."
python manage.py runserver "127.0.0.1:${port}"
