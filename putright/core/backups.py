"""Backing up and restoring PutRight: the database and the uploaded files, in one archive.

An archive is a gzipped tar file holding

- ``manifest.json``: format version, PutRight version, time, database engine and row counts;
- ``database.sqlite3`` (SQLite, copied with the online backup API, so a running PutRight is
  backed up consistently) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/``: everything under MEDIA_ROOT — attachments, letter PDFs, raw inbound email.

PostgreSQL commands (connection details go in PG* environment variables, never in arguments):

    pg_dump --format=custom --no-owner --no-privileges --file=database.pgdump
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
        --exit-on-error --dbname=NAME database.pgdump

The dump keeps the case record's append-only triggers and their function, so the restored
database refuses UPDATE (and, on PostgreSQL, DELETE) of the record just as before.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler, load_backend
from django.utils import timezone

from putright.core import clock

FORMAT = "putright-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"

TARGET_NOT_EMPTY = (
    "The database already holds PutRight data ({rows} rows). Restoring would replace it: "
    "stop PutRight and run restore again with --force if that is what you want."
)
NOT_AN_ARCHIVE = "{path} is not a PutRight backup (no manifest.json)."
ENGINE_MISMATCH = (
    "This backup is of a {archive} database; the target database is {target}. Restore it into "
    "a {archive} database (DATABASE_URL or --database-url)."
)
NEWER_FORMAT = "This backup was written by a newer PutRight (format {found}); upgrade first."
COUNTS_DIFFER = "The restored database does not match the backup's manifest: {diff}."
TOOL_MISSING = "{tool} is needed for PostgreSQL backups: install postgresql-client."


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into, as a standalone Django connection."""

    wrapper: BaseDatabaseWrapper
    is_default: bool

    @property
    def engine(self) -> str:
        return self.wrapper.vendor  # "sqlite" or "postgresql"

    def close(self) -> None:
        if not self.is_default:
            self.wrapper.close()


def target(database_url: str = "") -> Target:
    """The project's database, or another one given as a URL (e.g. a scratch copy)."""
    if not database_url:
        return Target(connections[DEFAULT_DB_ALIAS], is_default=True)
    config = ConnectionHandler().configure_settings(
        {DEFAULT_DB_ALIAS: dj_database_url.parse(database_url)}
    )[DEFAULT_DB_ALIAS]
    backend = load_backend(config["ENGINE"])
    return Target(backend.DatabaseWrapper(config, alias="putright_backup"), is_default=False)


def _putright_models(*, data_only: bool) -> list[Any]:
    """PutRight's own models; `data_only` leaves out core's operational rows (job runs)."""
    found = []
    for model in apps.get_models():
        name = model._meta.app_config.name
        if not name.startswith("putright."):
            continue
        if data_only and model._meta.app_label == "core":
            continue
        if model._meta.managed and not model._meta.proxy:
            found.append(model)
    return found


def row_counts(db: Target, *, data_only: bool = False) -> dict[str, int]:
    """Rows per PutRight table that exists in the database."""
    with db.wrapper.cursor() as cursor:
        tables = set(db.wrapper.introspection.table_names(cursor))
        counts = {}
        for model in _putright_models(data_only=data_only):
            table = model._meta.db_table
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {db.wrapper.ops.quote_name(table)}")  # noqa: S608  (table names come from our models)
                counts[model._meta.label_lower] = cursor.fetchone()[0]
    return counts


def _putright_version() -> str:
    try:
        return version("putright")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        return "unknown"


def _pg_environment(config: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if config.get(key):
            env[var] = str(config[key])
    return env


def _run(command: list[str], config: dict[str, Any]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(TOOL_MISSING.format(tool=command[0]))
    done = subprocess.run(  # noqa: S603  (fixed commands; connection details in the environment)
        command, env=_pg_environment(config), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def pg_dump_command(file: Path) -> list[str]:
    return ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={file}"]


def pg_restore_command(file: Path, database: str) -> list[str]:
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={database}",
        str(file),
    ]


def _dump_database(db: Target, folder: Path) -> str:
    if db.engine == "sqlite":
        db.wrapper.ensure_connection()
        copy = sqlite3.connect(folder / SQLITE_FILE)
        try:
            db.wrapper.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_FILE
    if db.engine == "postgresql":
        _run(pg_dump_command(folder / PG_FILE), db.wrapper.settings_dict)
        return PG_FILE
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {db.engine}.")


def backup_create(*, destination: Path, database_url: str = "") -> dict[str, Any]:
    """Write a backup archive to `destination` (a new file); returns its manifest."""
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file name.")
    db = target(database_url)
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with tempfile.TemporaryDirectory(prefix="putright-backup-") as scratch:
            folder = Path(scratch)
            counts = row_counts(db)  # before the copy: a live system only adds rows
            database_file = _dump_database(db, folder)
            media_files = (
                sorted(p for p in media_root.rglob("*") if p.is_file())
                if media_root.is_dir()
                else []
            )
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "putright_version": _putright_version(),
                "created_at": clock.now().isoformat(),
                "database": {"engine": db.engine, "file": database_file},
                "counts": counts,
                "media_files": len(media_files),
                "media_bytes": sum(p.stat().st_size for p in media_files),
            }
            (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(destination.name + ".partial")
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(folder / MANIFEST, arcname=MANIFEST)
                archive.add(folder / database_file, arcname=database_file)
                for path in media_files:
                    archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root)}")
            partial.replace(destination)  # never leave a half-written archive under the name
    finally:
        db.close()
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(member)
    except (KeyError, tarfile.TarError, OSError, json.JSONDecodeError) as exc:
        raise BackupError(NOT_AN_ARCHIVE.format(path=source)) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(NOT_AN_ARCHIVE.format(path=source))
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(NEWER_FORMAT.format(found=manifest["format_version"]))
    return manifest


def _load_database(db: Target, folder: Path, manifest: dict[str, Any]) -> None:
    file = folder / manifest["database"]["file"]
    if db.engine == "sqlite":
        db.wrapper.close()
        db.wrapper.ensure_connection()
        source = sqlite3.connect(file)
        try:
            source.backup(db.wrapper.connection)
        finally:
            source.close()
        db.wrapper.close()  # the next query reopens on the restored pages
        return
    db.wrapper.close()
    config = db.wrapper.settings_dict
    _run(pg_restore_command(file, config["NAME"]), config)


def backup_restore(
    *, source: Path, force: bool = False, database_url: str = "", media_root: Path | None = None
) -> dict[str, Any]:
    """Restore an archive into the database (refusing one that holds data, unless `force`)
    and its files into MEDIA_ROOT (or `media_root`); returns the manifest."""
    manifest = read_manifest(source)
    db = target(database_url)
    try:
        if manifest["database"]["engine"] != db.engine:
            raise BackupError(
                ENGINE_MISMATCH.format(archive=manifest["database"]["engine"], target=db.engine)
            )
        rows = sum(row_counts(db, data_only=True).values())
        if rows and not force:
            raise BackupError(TARGET_NOT_EMPTY.format(rows=rows))
        with tempfile.TemporaryDirectory(prefix="putright-restore-") as scratch:
            folder = Path(scratch)
            with tarfile.open(source, "r:gz") as archive:
                # The "data" filter refuses absolute paths, links out and `..` (PEP 706).
                archive.extractall(folder, filter="data")
            _load_database(db, folder, manifest)
            media_source = folder / MEDIA_DIR
            if media_source.is_dir():
                shutil.copytree(
                    media_source, media_root or Path(settings.MEDIA_ROOT), dirs_exist_ok=True
                )
        restored = row_counts(db)
        expected = manifest["counts"]
        # Fewer rows than counted means data is missing; more is a live system still writing
        # between the count and the copy.
        diff = {
            label: (n, restored.get(label, 0))
            for label, n in expected.items()
            if restored.get(label, 0) < n
        }
        if diff:
            raise BackupError(COUNTS_DIFFER.format(diff=diff))
    finally:
        db.close()
    return manifest


def default_archive_name(now: datetime | None = None) -> str:
    moment = timezone.localtime(now or clock.now())  # UK time, as the landlord reads it
    return f"putright-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"
