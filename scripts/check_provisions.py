"""Fail unless every pytest node id named in docs/provisions.md (and docs/security.md) is a test
that exists, and every provision of the Code (1.2-9.8) has a row with its status.

    python scripts/check_provisions.py [docs/provisions.md]

docs/provisions.md promises, per Code provision, a test that fails if PutRight stops meeting
it; a promise naming a test that was renamed or deleted guards nothing. The doc's shorthand is
understood: a section defines prefixes (``T = `putright/complaints/tests/` ``) that its ids use
(``T/test_api.py::test_x``), and ``::test_y`` names another test in the file named just before.

The ids are checked against what pytest itself collects from the files the doc names (one
``pytest --collect-only`` run), so classes and parametrised ids (``test_x[case]``) count only if
pytest would run them. Exit status 1 lists each missing id.

The section "## Every provision of the Code" must have a row for each provision number in
``putright/rules/provisions_hos2024.py`` (72), its status one of enforced / recorded / reported /
out of scope, so a provision cannot drop out of the doc unnoticed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "provisions.md"
# Other docs that promise tests by node id (in the same shorthand), checked with the default run.
CITING_DOCS = (ROOT / "docs" / "security.md",)

# "T = `putright/complaints/tests/`, R = `putright/rules/tests/`." defines a section's prefixes.
PREFIX = re.compile(r"\b([A-Z])\s*=\s*`([^`]+/)`")
CODE_SPAN = re.compile(r"`([^`]+)`")
ALL_PROVISIONS_HEADING = "## Every provision of the Code"
STATUSES = ("enforced", "recorded", "reported", "out of scope")
# "| 6.2 | enforced | ..." : the provision number and its status.
PROVISION_ROW = re.compile(r"^\|\s*(\d+\.\d+)\s*\|\s*([^|]*?)\s*\|")
TEST_FILE = re.compile(r"^[\w./-]*/test_\w+\.py$")
NODE_ID = re.compile(r"^(?:(?P<prefix>[A-Z])/)?(?P<file>[\w./-]*\.py)?::(?P<rest>\S+)$")


@dataclass(frozen=True)
class Citation:
    """One node id as the doc names it, and where."""

    node_id: str
    line: int


class DocError(ValueError):
    """The doc's shorthand cannot be expanded (unknown prefix, '::' with no file before it)."""


def cited_node_ids(text: str) -> list[Citation]:
    """Every pytest node id the doc cites, expanded to a path relative to the repository root."""
    prefixes: dict[str, str] = {}
    citations: list[Citation] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            prefixes = {}  # each section defines its own shorthand
        if not line.lstrip().startswith("|"):
            prefixes.update(dict(PREFIX.findall(line)))
            continue
        last_file = ""
        for span in CODE_SPAN.findall(line):
            if TEST_FILE.match(span.strip()):  # `path/test_x.py` (all): later `::test_y` are in it
                last_file = span.strip()
                continue
            match = NODE_ID.match(span.strip())
            if match is None:
                continue
            prefix, file, rest = match["prefix"], match["file"], match["rest"]
            if file:
                if prefix:
                    if prefix not in prefixes:
                        raise DocError(f"line {number}: prefix {prefix}/ is not defined above")
                    file = prefixes[prefix] + file
                last_file = file
            elif prefix:
                raise DocError(f"line {number}: {span} has a prefix but no file")
            elif not last_file:
                raise DocError(f"line {number}: {span} follows no file on its line")
            citations.append(Citation(f"{last_file}::{rest}", number))
    return citations


def collected_node_ids(files: Iterable[str], *, root: Path = ROOT) -> set[str]:
    """The node ids pytest collects from these files (missing files are simply not collected)."""
    existing = sorted({file for file in files if (root / file).is_file()})
    if not existing:
        return set()
    result = subprocess.run(  # noqa: S603 - our own interpreter running pytest on our files
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", *existing],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    ids = {line.strip() for line in result.stdout.splitlines() if "::" in line}
    if result.returncode not in (0, 5) or not ids:
        raise RuntimeError(f"pytest could not collect the cited files:\n{result.stdout}")
    return ids


def runnable(collected: set[str]) -> set[str]:
    """Every id pytest would accept: each collected test, its parametrised function and class."""
    ids = set(collected)
    for node_id in collected:
        path, _, name = node_id.partition("::")
        parts = name.split("[", 1)[0].split("::")
        ids.update(f"{path}::{'::'.join(parts[:depth])}" for depth in range(1, len(parts) + 1))
    return ids


def missing(citations: Iterable[Citation], collected: set[str]) -> list[Citation]:
    """The citations naming no collected test, in the doc's order."""
    known = runnable(collected)
    return [citation for citation in citations if citation.node_id not in known]


def provision_rows(text: str) -> dict[str, str]:
    """Provision number -> status, from the rows of the all-provisions section."""
    rows: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line.startswith(ALL_PROVISIONS_HEADING)
        elif inside and (match := PROVISION_ROW.match(line)):
            rows[match[1]] = match[2]
    return rows


def code_provisions() -> list[str]:
    """The Code's provision numbers, from the rules' data (pure Python: no Django needed)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from putright.rules.provisions_hos2024 import PROVISIONS

    return [number for number, _section, _text in PROVISIONS]


def provision_gaps(rows: dict[str, str], numbers: Iterable[str]) -> list[str]:
    """What is wrong with the all-provisions section: provisions without a row, bad statuses."""
    problems = []
    absent = [number for number in numbers if number not in rows]
    if absent:
        problems.append(
            f'no row under "{ALL_PROVISIONS_HEADING}" for provision(s): {", ".join(absent)}'
        )
    unknown = [f"{n} ({status!r})" for n, status in rows.items() if status not in STATUSES]
    if unknown:
        problems.append(f"status must be one of {', '.join(STATUSES)}: {', '.join(unknown)}")
    return problems


def main(argv: list[str]) -> int:
    doc = Path(argv[1]) if len(argv) > 1 else DOC
    others = () if len(argv) > 1 else CITING_DOCS
    cited = {d: cited_node_ids(d.read_text(encoding="utf-8")) for d in (doc, *others)}
    citations = [c for found in cited.values() for c in found]
    collected = collected_node_ids(citation.node_id.split("::")[0] for citation in citations)
    gaps = 0
    for named_in, found in cited.items():
        for citation in missing(found, collected):
            print(f"{named_in.name}:{citation.line}: no such test: {citation.node_id}")  # noqa: T201
            gaps += 1
    if gaps:
        print(f"{gaps} of {len(citations)} cited tests do not exist.")  # noqa: T201
    numbers = code_provisions()
    problems = provision_gaps(provision_rows(doc.read_text(encoding="utf-8")), numbers)
    for problem in problems:
        print(f"{doc.name}: {problem}")  # noqa: T201
    if gaps or problems:
        return 1
    print(  # noqa: T201
        f"All {len(citations)} cited tests exist; all {len(numbers)} provisions have a row."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
