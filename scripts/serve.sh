#!/usr/bin/env bash
# Runs PutRight in production (`make serve`): the same set-up as every command, a check that
# the production settings are present and safe, migrate, collectstatic, then the processes in
# the Procfile (gunicorn, the task worker, ...) under scripts/supervise.py. See the README's
# "Running in production" for the settings.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export PUTRIGHT_DEBUG="${PUTRIGHT_DEBUG:-false}"
if [[ "$PUTRIGHT_DEBUG" != "false" ]]; then
  echo "serve: PUTRIGHT_DEBUG must be false in production (use make demo to try PutRight)." >&2
  exit 1
fi

# Stops here, naming each missing or unsafe setting (putright/production.py).
python manage.py check --deploy --fail-level ERROR
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
exec python scripts/supervise.py Procfile
