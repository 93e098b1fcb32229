"""Run the complaint-recognition assistant over a JSONL file (Code 1.2–1.6; docs/recognition.md).

In: one {"id", "text"} object per line. Out, on stdout: one {"id", "label", "score", "phrases"}
object per line, in the same order. A line that cannot be read is reported on stderr with its
line number and skipped; the other lines are still answered, and the command then exits with
status 1 so a script notices. Blank lines are ignored.
"""

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError

from putright.intake.recognition_api import MAX_TEXT, recognition_data
from putright.rules.recognition import recognise


def _read(raw: bytes) -> tuple[Any, str]:
    """(id, text) from one line, or ValueError saying what is wrong with it."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise ValueError('not a JSON object: expected {"id": ..., "text": ...}')
    if "id" not in row:
        raise ValueError('no "id"')
    identifier = row["id"]
    if not isinstance(identifier, str | int) or isinstance(identifier, bool):
        raise ValueError('"id" must be a string or a whole number')
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text", or it is not a string')
    if len(text) > MAX_TEXT:
        raise ValueError(f'"text" is longer than {MAX_TEXT:,} characters')
    return identifier, text


class Command(BaseCommand):
    help = (
        'Suggest whether each message is a complaint: one {"id","text"} per line in, one '
        '{"id","label","score","phrases"} per line out. Bad lines are reported and skipped.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help='A JSONL file, or "-" for standard input.')

    def handle(self, *args, file: str, **options):
        if file == "-":
            bad = self._run(sys.stdin.buffer)
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            with path.open("rb") as handle:
                bad = self._run(handle)
        if bad:
            raise CommandError(
                f"{bad} line{'s' if bad != 1 else ''} could not be read (listed above); "
                "the others were answered."
            )

    def _run(self, handle: BinaryIO) -> int:
        bad = 0
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                identifier, text = _read(raw)
            except ValueError as exc:
                bad += 1
                self.stderr.write(f"line {number}: {exc}")
                continue
            out = {"id": identifier, **recognition_data(recognise(text))}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        return bad
