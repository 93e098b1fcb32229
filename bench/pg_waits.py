"""What a PostgreSQL database's backends wait on, sampled while a bench runs (issue 19).

    .venv/bin/python bench/pg_waits.py putright_x_bench 160 &      # then, at once:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_x_bench \\
        .venv/bin/python bench/intake_rate.py --requests 3000 --clients 8

Polls `pg_stat_activity` of the named database (client backends only, this one left out)
every --every seconds for the given number of seconds or until it is sent SIGTERM (so a
script can stop it when the bench ends), counting only the samples in which it has backends, and prints how many backends were, on average per sample, in each state and
wait (`Lock` / `transactionid`: waiting for another transaction's row lock; `idle in
transaction`: the server waiting for the client inside a transaction; `IO` / `WALSync`: a
commit's flush), then the same for the statements of backends that were active or waiting
for a lock. Connects to the `postgres` database of 127.0.0.1 as `postgres`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter

import psycopg

QUERY = (
    "SELECT state, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
    "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("seconds", type=float, nargs="?", default=60.0)
    parser.add_argument("--every", type=float, default=0.05, help="seconds between samples")
    args = parser.parse_args()
    states: Counter = Counter()
    statements: Counter = Counter()
    samples = 0
    end = time.monotonic() + args.seconds

    def stop(*_: object) -> None:
        nonlocal end
        end = 0.0

    signal.signal(signal.SIGTERM, stop)
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        while time.monotonic() < end:
            rows = db.execute(QUERY, [args.database]).fetchall()
            if rows:
                samples += 1
                for state, kind, event, sql in rows:
                    states[state, kind, event] += 1
                    if state == "active" or kind == "Lock":
                        statements[state, kind, event, sql] += 1
            time.sleep(args.every if rows else 0.2)
    print(f"{samples} samples of {args.database}'s backends; per sample:")
    for key, n in states.most_common():
        print(f"  {n / max(samples, 1):5.2f}  {key}")
    print("active or waiting for a lock, by statement:")
    for key, n in statements.most_common(15):
        print(f"  {n / max(samples, 1):5.2f}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
