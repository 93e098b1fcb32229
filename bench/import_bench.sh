#!/usr/bin/env bash
# Measure importing N synthetic complaints (default 10000): time and peak memory.
#   bench/import_bench.sh 100000            (SQLite, a fresh database in /tmp)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_bench bench/import_bench.sh 10000
set -euo pipefail
N=${1:-10000}
PY=${PYTHON:-/tmp/venv/bin/python}
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-sqlite:////tmp/putright-import-bench.sqlite3}
if [[ $DATABASE_URL == sqlite* ]]; then rm -f /tmp/putright-import-bench.sqlite3*; fi
$PY manage.py migrate -v0
$PY manage.py shell < bench/setup_import_bench.py
$PY bench/generate_import.py "$N" > "/tmp/history-$N.csv"
ls -l "/tmp/history-$N.csv"
echo "== dry run (check + rehearse, rolled back)"
/usr/bin/time -v $PY manage.py import_complaints "/tmp/history-$N.csv" --dry-run 2>&1 \
  | grep -E "Would import|Elapsed|Maximum resident"
echo "== import"
/usr/bin/time -v $PY manage.py import_complaints "/tmp/history-$N.csv" 2>&1 \
  | grep -E "Imported|Elapsed|Maximum resident"
echo "== the same file again (idempotent: nothing changes)"
/usr/bin/time -v $PY manage.py import_complaints "/tmp/history-$N.csv" 2>&1 \
  | grep -E "Imported|Elapsed|Maximum resident"
