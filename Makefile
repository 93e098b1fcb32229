.PHONY: setup demo serve test lint ci mutation

# Create .venv, install Python and Debian packages, build the front end (quick when up to date).
setup:
	scripts/setup.sh

# Run PutRight at http://127.0.0.1:8000 with demo data; prints the demo logins.
# Another port: make demo PORT=8010
PORT ?= 8000
demo:
	PORT=$(PORT) scripts/demo.sh

# Run PutRight in production: checks the settings, migrates, collects static files, then runs
# gunicorn and the task worker (the Procfile) under scripts/supervise.py. See the README.
serve:
	scripts/serve.sh

# Lint, types, migrations, checks and the whole test suite (SQLite, or DATABASE_URL's database).
test:
	scripts/test.sh

# Lint, format check and the import layers (apps depend downwards only).
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

# What CI runs: make test on SQLite and then on PostgreSQL.
ci:
	bash .ci/run

# Mutation testing of the Code's rules and the clock and gate services (mutmut; slow, not in
# CI). Settings in pyproject.toml [tool.mutmut]; results in docs/mutation.md.
mutation: setup
	.venv/bin/mutmut run --max-children 2
	.venv/bin/mutmut results
