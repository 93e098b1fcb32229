"""Import .eml files (or folders of them) from the complaints mailbox: idempotent."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.intake.services.email import email_import


class Command(BaseCommand):
    help = (
        "Import .eml files: new messages become complaints, replies quoting a reference join "
        "that case, unreadable ones are quarantined. Re-running imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=".eml files or folders containing them")

    def handle(self, *args, paths: list[str], **options):
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(path.glob("*.eml"))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"No such file or folder: {raw}")
        counts: Counter[str] = Counter()
        for path in files:
            inbound, new = email_import(raw=path.read_bytes(), source=f"file:{path.name}")
            if not new:
                counts["already imported"] += 1
                continue
            counts[inbound.get_status_display().lower()] += 1
            line = f"{path.name}: {inbound.get_status_display()}"
            if inbound.complaint_id:
                line += f" {inbound.complaint.reference}"
            if inbound.reason:
                line += f" – {inbound.reason}"
            self.stdout.write(line)
        summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"{len(files)} file(s): {summary}."))
