#!/usr/bin/env bash
# Prepares a working checkout: Python virtualenv with PutRight and its dev tools, Debian
# packages, and the front-end build. Fast when nothing has changed, so every command runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.putright-install-hash"

python_is_recent_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

find_python() {
  local candidate
  if command -v pyenv >/dev/null 2>&1 && [[ -f .python-version ]]; then
    # pyenv reads .python-version in this directory.
    candidate="$(pyenv which python 2>/dev/null || true)"
    if [[ -n "$candidate" ]] && python_is_recent_enough "$candidate"; then
      echo "$candidate"
      return
    fi
  fi
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_is_recent_enough "$candidate"; then
      command -v "$candidate"
      return
    fi
  done
  echo "setup: PutRight needs Python 3.12 or newer. Install it (pyenv install $(cat .python-version)" \
       "or your system's python3.12 package) and run this again." >&2
  exit 1
}

if [[ ! -x "$VENV/bin/python" ]] || ! python_is_recent_enough "$VENV/bin/python"; then
  python="$(find_python)"
  echo "setup: creating $VENV with $python ($("$python" --version))"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

wanted_hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$wanted_hash" ]]; then
  echo "setup: Python packages up to date"
else
  echo "setup: installing PutRight and dev tools into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$wanted_hash" > "$STAMP"
fi

scripts/system-deps.sh

# Front-end build hook: the web app's package.json (GOV.UK Frontend etc.) is built here.
if [[ -f package.json ]]; then
  echo "setup: front-end build"
  npm install --no-audit --no-fund
  if node -e 'process.exit(require("./package.json").scripts?.build ? 0 : 1)'; then
    npm run build
  fi
fi
