"""Restore a backup archive made by `manage.py backup` (see putright/core/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and uploaded files from a backup archive. Refuses a database "
        "that already holds PutRight data unless --force. Stop the web server and worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="An archive written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that holds data."
        )
        parser.add_argument(
            "--database-url", default="", help="Restore into this database instead of DATABASE_URL."
        )
        parser.add_argument(
            "--media-root", default="", help="Restore files here instead of MEDIA_ROOT."
        )

    def handle(self, *args, source: str, force: bool, database_url: str, media_root: str, **opts):
        try:
            manifest = backup_restore(
                source=Path(source),
                force=force,
                database_url=database_url,
                media_root=Path(media_root) if media_root else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} "
                f"({manifest['database']['engine']}, {manifest['media_files']} file(s)). "
                "Run `manage.py migrate` if it came from an older PutRight."
            )
        )
