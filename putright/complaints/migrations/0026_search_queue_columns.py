"""The complaint's changing queue columns on its search row, PostgreSQL only (issue 19, srch23):
a name searched inside any of the queue's filters (stage, status, category, handler, overdue,
extended, vulnerable) is then narrowed in the word index, as the channel is since 0025, not by
reading the search row and the complaint of every match ("Patel" matches 49,805 complaints at
1,000,000; every one was read to count those at stage 1).

The complaint's columns stay the one truth; the copies are the database's own business, kept
by triggers no service can forget (bulk updates, the tallies, an import's grouped updates
included):
- ``complaints_complaintsearch_copy``: after a complaint's row is updated and one of the
  columns changed, its search row takes the new values;
- ``complaints_complaintsearch_fill``: a search row inserted (``index_new_rows``, ``reindex``)
  takes them from its complaint's row.
They are not Django fields: nothing in Python writes them, and SQLite has none (its FTS5 index
holds words only; a filter there is a join, fast enough: bench/README.md, srch22).

The word index becomes one GIN index over the words, the channel and these columns
(``btree_gin``: ``=`` on each, ``<`` on the date for "overdue"). The lexicon's update trigger
becomes a row trigger that runs only when a row's document changed: the copies' updates
change no word.

Filled with the GIN index dropped and the lexicon's update trigger gone, the index then built
once. Times at 1,000,000 complaints, and the VACUUM a big installation runs after it:
bench/README.md (srch23), README (production notes).
"""

from django.db import migrations

TABLE = "complaints_complaintsearch"
COLUMNS = {
    "status": "varchar(24)",
    "current_stage": "bigint",  # every whole number bigint: `fulltext.match_sql`
    "handler_id": "bigint",
    "category_id": "bigint",
    "next_due": "date",
    "current_extended": "boolean",
    "resident_vulnerable": "boolean",
}
NAMES = ", ".join(COLUMNS)
CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)
LEXICON = f"{TABLE}_lexicon"

FORWARD = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    f"DROP INDEX IF EXISTS {TABLE}_words",
    f"DROP TRIGGER IF EXISTS {LEXICON}_au ON {TABLE}",
    f"ALTER TABLE {TABLE} " + ", ".join(f"ADD COLUMN {c} {t}" for c, t in COLUMNS.items()),
    f"UPDATE {TABLE} AS s SET ({NAMES}) = ("  # noqa: S608
    + ", ".join(f"c.{c}" for c in COLUMNS)
    + ") FROM complaints_complaint AS c WHERE c.id = s.complaint_id",
    # A search row written takes its complaint's values (whatever the writer put there).
    f"CREATE FUNCTION {TABLE}_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
    f"SELECT {NAMES} INTO " + ", ".join(f"NEW.{c}" for c in COLUMNS) + " "
    "FROM complaints_complaint WHERE id = NEW.complaint_id; RETURN NEW; END $$",
    f"CREATE TRIGGER {TABLE}_fill BEFORE INSERT OR UPDATE OF {NAMES} ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_fill()",
    # A complaint moved: its search row follows, in the same statement.
    f"CREATE FUNCTION {TABLE}_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
    f"UPDATE {TABLE} SET ({NAMES}) = ("
    + ", ".join(f"NEW.{c}" for c in COLUMNS)
    + ") WHERE complaint_id = NEW.id; RETURN NULL; END $$",
    f"CREATE TRIGGER {TABLE}_copy AFTER UPDATE OF {NAMES} ON complaints_complaint "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION {TABLE}_copy()",
    # The lexicon takes a row's words when its document changed, not when its copies did.
    f"CREATE FUNCTION {LEXICON}_add_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
    f"INSERT INTO {LEXICON} (word) SELECT DISTINCT w FROM unnest(tsvector_to_array(NEW.words)) "
    f"AS w WHERE NOT EXISTS (SELECT FROM {LEXICON} AS l WHERE l.word = w); RETURN NULL; END $$",
    f"CREATE TRIGGER {LEXICON}_au AFTER UPDATE OF document ON {TABLE} FOR EACH ROW "
    f"WHEN (OLD.document IS DISTINCT FROM NEW.document) EXECUTE FUNCTION {LEXICON}_add_row()",
    f"CREATE INDEX {TABLE}_words ON {TABLE} USING gin (words, channel, {NAMES})",
]

BACKWARD = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    f"DROP INDEX IF EXISTS {TABLE}_words",
    f"DROP TRIGGER IF EXISTS {TABLE}_copy ON complaints_complaint",
    f"DROP TRIGGER IF EXISTS {TABLE}_fill ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {LEXICON}_au ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_copy()",
    f"DROP FUNCTION IF EXISTS {TABLE}_fill()",
    f"DROP FUNCTION IF EXISTS {LEXICON}_add_row()",
    f"ALTER TABLE {TABLE} " + ", ".join(f"DROP COLUMN IF EXISTS {c}" for c in COLUMNS),
    f"CREATE TRIGGER {LEXICON}_au AFTER UPDATE ON {TABLE} REFERENCING NEW TABLE AS added "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {LEXICON}_add()",
    f"CREATE INDEX {TABLE}_words ON {TABLE} USING gin (words, channel)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0025_search_channel"),
    ]

    operations = [migrations.RunPython(forward, backward)]
