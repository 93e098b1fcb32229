"""The content gate: a letter cannot go out until it has every element the Code requires.

Three checks, on data rather than prose:

1. ``missing_from_data`` looks at the letter's context (built from the case record) and
   says, element by element, what is absent – e.g. the decision on point 2.
2. ``missing_from_rendered`` looks at the rendered HTML for the element sections that the
   fixed element partials emit (``data-element="decisions"``, ``data-point="2"``), so an
   edited template that drops or hides an element is caught too.
3. ``missing_from_view`` reads the rendered PDF's visibly drawn characters (and the plain-text
   email) for every line of each element's section, so CSS cannot hide one (ASVS V5 / V1:
   the check is on the output the resident receives).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from putright.core.errors import RuleBroken
from putright.rules.profile import ResponseElement

LETTER_INCOMPLETE = "This letter cannot be sent: it is missing what the Code requires."
NOT_IN_TEMPLATE = "not shown by the letter template"


@dataclass(frozen=True)
class Missing:
    """One required element that is absent, with what exactly is wrong."""

    element: ResponseElement
    detail: str = "missing"

    def __str__(self) -> str:
        e = self.element
        return f"({e.letter}) {e.label} – {self.detail} (Code {e.provision})"


class LetterIncomplete(RuleBroken):
    """The gate refused a letter; ``missing`` lists every gap."""

    def __init__(self, missing: list[Missing]) -> None:
        lines = "; ".join(str(m) for m in missing)
        super().__init__(
            f"{LETTER_INCOMPLETE} {lines}.",
            provision=", ".join(sorted({m.element.provision for m in missing})),
        )
        self.missing = missing


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def _points(context: dict[str, Any]) -> list[int]:
    return [p["number"] for p in (context.get("definition") or {}).get("points", [])]


def _check_decisions(context: dict[str, Any]) -> list[str]:
    by_point = {d.get("point"): d for d in context.get("decisions") or []}
    gaps = [n for n in _points(context) if _blank((by_point.get(n) or {}).get("outcome"))]
    return [f"missing for point {n}" for n in gaps]


def _check_reasons(context: dict[str, Any]) -> list[str]:
    by_point = {d.get("point"): d for d in context.get("decisions") or []}
    gaps = [n for n in _points(context) if _blank((by_point.get(n) or {}).get("reasons"))]
    return [f"missing for point {n}" for n in gaps]


def _check_definition(context: dict[str, Any]) -> list[str]:
    definition = context.get("definition") or {}
    problems = []
    if not definition.get("points"):
        problems.append("no points are defined")
    if _blank(definition.get("outcomes_sought")):
        problems.append("the outcomes the resident wants are missing")
    return problems


def _check_follow_ups(
    key: str, none_key: str, noun: str
) -> Callable[[dict], list[str]]:  # pragma: no mutate block
    def check(context: dict[str, Any]) -> list[str]:
        value = context.get(key) or {}
        # New items, then those promised at an earlier stage and still open (repeated).
        items = (value.get("items") or []) + (value.get("earlier") or [])
        if not items:
            return [] if not _blank(value.get(none_key)) else [f"no {noun} and no stated “none”"]
        problems = []
        for i, item in enumerate(items, start=1):
            if _blank(item.get("description")):
                problems.append(f"{noun} {i} does not say what will happen")
            if _blank(item.get("due_on")):
                problems.append(f"{noun} {i} has no date")
        return problems

    return check


def _check_contact(value: dict[str, Any] | None, who: str) -> list[str]:
    fields = (("online_form", "online form"), ("phone", "phone"), ("email", "email"))
    fields += (("postal_address", "postal address"),)
    missing = [label for key, label in fields if _blank((value or {}).get(key))]
    return [f"{who}'s {', '.join(missing)} missing"] if missing else []


def _check_escalation(context: dict[str, Any]) -> list[str]:
    value = context.get("escalation") or {}
    if _blank(value.get("to")) or _blank(value.get("how")):
        return ["missing"]
    if value.get("to_ombudsman"):
        return _check_contact(value.get("ombudsman"), "the Ombudsman")
    return []


def _check_ombudsman(context: dict[str, Any]) -> list[str]:
    value = context.get("ombudsman")
    if _blank(value):
        return ["missing"]
    return _check_contact(value, "the Ombudsman")


def _check_hazard_found(context: dict[str, Any]) -> list[str]:
    return [] if isinstance(context.get("hazard_found"), bool) else ["missing"]


def _check_hazard_work(context: dict[str, Any]) -> list[str]:
    """Where a hazard was found, each piece of work needs its timescale."""
    if context.get("hazard_found") is not True:
        return []
    work = context.get("work") or []
    if not work:
        return ["no work is listed although a hazard was found"]
    return [
        f"no timescale for {item.get('what') or 'an item'}"
        for item in work
        if _blank(item.get("timescale"))
    ]


_CHECKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "hazard_found": _check_hazard_found,
    "work": _check_hazard_work,
    "definition": _check_definition,
    "decisions": _check_decisions,
    "reasons": _check_reasons,
    "remedy": _check_follow_ups("remedy", "none_reason", "remedy"),
    "outstanding_actions": _check_follow_ups("outstanding_actions", "none", "action"),
    "escalation": _check_escalation,
    "ombudsman": _check_ombudsman,
    "ombudsman_right": lambda c: _check_ombudsman({"ombudsman": c.get("ombudsman_right")}),
}


def missing_from_data(
    context: dict[str, Any], elements: Iterable[ResponseElement]
) -> list[Missing]:
    """Every required element the letter's data lacks, in the Code's order."""
    found: list[Missing] = []
    for element in elements:
        check = _CHECKS.get(element.key)
        if check is None:
            problems = ["missing"] if _blank(context.get(element.key)) else []
        else:
            problems = check(context)
        found.extend(Missing(element, detail) for detail in problems)
    return found


class _Sections(HTMLParser):
    """Collects the element sections and the decision points a rendered letter shows."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: set[str] = set()
        self.points: set[int] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-element"):
            self.elements.add(values["data-element"] or "")
        if (values.get("data-point") or "").isdigit():
            self.points.add(int(values["data-point"] or 0))


def rendered_sections(html: str) -> tuple[set[str], set[int]]:
    parser = _Sections()
    parser.feed(html)
    return parser.elements, parser.points


def missing_from_rendered(
    html: str, context: dict[str, Any], elements: Iterable[ResponseElement]
) -> list[Missing]:
    """Required elements the rendered letter does not show (a template that hides one)."""
    shown, points = rendered_sections(html)
    found = [Missing(e, NOT_IN_TEMPLATE) for e in elements if e.key not in shown]
    if "decisions" in shown:
        found.extend(
            Missing(e, f"point {n} is {NOT_IN_TEMPLATE}")
            for e in elements
            if e.key == "decisions"
            for n in _points(context)
            if n not in points
        )
    return found


# --- 3. What the resident actually sees ------------------------------------------------------
# CSS can hide an element the HTML still contains (display:none, visibility:hidden, font-size:0,
# white text, a position off the page). So the gate also reads the rendered PDF: every line of
# every required element's section must appear among the characters that are drawn visibly –
# on the page, at least MIN_VISIBLE_PT tall, and not white – and in the plain-text email.
NOT_VISIBLE = "hidden in the letter the resident receives"
MIN_VISIBLE_PT = 4.0
_WHITE = 0.9  # every colour component at least this light: white, or near-white, on paper


def _normal(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _invisible_colour(colour: Any) -> bool:
    if colour is None:
        return False
    values = colour if isinstance(colour, list | tuple) else [colour]
    try:
        numbers = [float(v) for v in values]
    except (TypeError, ValueError):
        return False
    if len(numbers) == 4:  # CMYK: white is no ink at all
        return all(v <= 1 - _WHITE for v in numbers)
    return bool(numbers) and all(v >= _WHITE for v in numbers)


def visible_pdf_text(pdf: bytes) -> str:
    """The text a reader of the PDF can see, page by page (pdfminer.six)."""
    import io

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTPage

    out: list[str] = []

    def walk(item: Any, page: LTPage) -> None:
        if isinstance(item, LTChar):
            on_page = (
                item.x1 > page.x0 and item.x0 < page.x1 and item.y1 > page.y0 and item.y0 < page.y1
            )
            if (
                on_page
                and item.size >= MIN_VISIBLE_PT
                and not _invisible_colour(item.graphicstate.ncolor)
            ):
                out.append(item.get_text())
            return
        for child in getattr(item, "_objs", None) or ():
            walk(child, page)

    for page in extract_pages(io.BytesIO(pdf)):
        walk(page, page)
        out.append("\n")
    return "".join(out)


class _SectionText(HTMLParser):
    """The text of each element section in a rendered letter body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "hr", "meta", "link", "input", "wbr"}:
            return
        self.stack.append(dict(attrs).get("data-element"))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "img", "hr", "meta", "link", "input", "wbr"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        keys = [k for k in self.stack if k]
        if keys:
            self.texts.setdefault(keys[-1], []).append(data)


def section_texts(body_html: str) -> dict[str, list[str]]:
    """Each element's lines of text (normalised), as the rendered body holds them."""
    parser = _SectionText()
    parser.feed(body_html)
    return {
        key: [n for part in parts if (n := _normal(part))] for key, parts in parser.texts.items()
    }


def missing_from_view(
    *, body_html: str, pdf: bytes, text: str, elements: Iterable[ResponseElement]
) -> list[Missing]:
    """Required elements whose words are not all visible in the PDF or the plain-text email."""
    sections = section_texts(body_html)
    seen_pdf = _normal(visible_pdf_text(pdf))
    seen_text = _normal(text)
    found = []
    for element in elements:
        lines = sections.get(element.key) or []
        if not all(line in seen_pdf for line in lines):
            found.append(Missing(element, f"{NOT_VISIBLE} (PDF)"))
        elif not all(line in seen_text for line in lines):
            found.append(Missing(element, f"{NOT_VISIBLE} (text email)"))
    return found
