"""Back up the database and uploaded files into one archive (see putright/core/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.core.backups import BackupError, backup_create, default_archive_name


class Command(BaseCommand):
    help = (
        "Write a backup archive (.tar.gz): the database (SQLite online backup, or pg_dump "
        "--format=custom), every file under MEDIA_ROOT and a manifest. DEST is a new file, or "
        "an existing folder to write putright-backup-YYYYMMDD-HHMMSS.tar.gz into."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A new archive file, or an existing folder.")
        parser.add_argument(
            "--database-url", default="", help="Back up this database instead of DATABASE_URL."
        )

    def handle(self, *args, destination: str, database_url: str, **options):
        path = Path(destination)
        if path.is_dir():
            path = path / default_archive_name()
        try:
            manifest = backup_create(destination=path, database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['database']['engine']} ({rows} rows) and "
                f"{manifest['media_files']} file(s) to {path}."
            )
        )
