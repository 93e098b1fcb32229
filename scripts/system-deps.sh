#!/usr/bin/env bash
# Installs the Debian packages PutRight needs outside Python, only when some are missing:
# WeasyPrint's text stack (Pango, HarfBuzz, fontconfig), fonts for letters, poppler-utils
# (pdftotext/pdftoppm in tests) and Chromium for the browser tests.
set -euo pipefail

PACKAGES=(
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz0b
  libfontconfig1
  fonts-liberation2
  poppler-utils
  chromium
)

if [[ "${PUTRIGHT_SKIP_SYSTEM_DEPS:-}" == "1" ]]; then
  echo "system-deps: skipped (PUTRIGHT_SKIP_SYSTEM_DEPS=1)"
  exit 0
fi

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no dpkg/apt-get here; install these yourself: ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg -s "$package" >/dev/null 2>&1 \
      || ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-deps: all present"
  exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo=(sudo)
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
