"""Parse the Code's provisions 1.2-9.8 from the self-assessment form, once, into a data module.

    python scripts/generate_provisions.py /work/shared/seeds/code-self-assessment-form.txt \
        > putright/rules/provisions_hos2024.py

The requirement text is kept verbatim: only the form's tabs, trailing spaces and Word bookmark
artefacts are removed. The landlord's answers in the form are not kept.
"""

import re
import sys

SECTION = re.compile(r"^\s*Section (\d+): (.+?)\s*$")
NUMBER = re.compile(r"^\t(\d+\.\d+)\s*$")
ANSWER = re.compile(r"^\t(Yes|No|N/A)\s*$")
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


def parse(text: str) -> tuple[list[tuple[int, str]], list[tuple[str, int, str]]]:
    sections: list[tuple[int, str]] = []
    provisions: list[tuple[str, int, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if match := SECTION.match(line):
            sections.append((int(match[1]), match[2]))
        elif (match := NUMBER.match(line)) and sections:
            body: list[str] = []
            index += 1
            while index < len(lines) and not ANSWER.match(lines[index]):
                line = BOOKMARK.sub("", lines[index]).removeprefix("\t").rstrip()
                # Word left stray tabs inside sentences; they are layout, not words.
                body.append(re.sub(r"[ \t]*\t[ \t]*", " ", line))
                index += 1
            provisions.append((match[1], sections[-1][0], "\n".join(body).strip()))
        index += 1
    return sections, provisions


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as source:
        sections, provisions = parse(source.read())
    out = [
        '"""The Housing Ombudsman Complaint Handling Code (2024), provisions 1.2-9.8, as data.',
        "",
        "Generated once by scripts/generate_provisions.py from the Code's Appendix A self-assessment",
        "form; the requirement text is verbatim. Do not edit by hand.",
        '"""',
        "",
        "SECTIONS: tuple[tuple[int, str], ...] = (",
    ]
    out += [f"    ({number}, {title!r})," for number, title in sections]
    out += [")", "", "PROVISIONS: tuple[tuple[str, int, str], ...] = ("]
    for number, section, requirement in provisions:
        out.append(
            f"    (\n        {number!r},\n        {section},\n        {requirement!r},\n    ),"
        )
    out.append(")")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
