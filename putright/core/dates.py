"""The GOV.UK date input (day, month, year) for every staff form, and the date as pages show it.

One field for every form: browsers' own date pickers show month-first on some machines and are
hard to use by voice and keyboard; the GOV.UK pattern is three labelled boxes. A single ISO
value (``2026-12-03``, as API clients and older scripts send) is still accepted.
"""

from datetime import date
from typing import Any

from django import forms

PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
DATE_HINT = "For example, 27 3 2026"


class GovukDateInput(forms.Widget):
    """Three boxes named ``<name>_day``, ``<name>_month``, ``<name>_year``."""

    input_type = "govukdate"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)  # one ISO value
        parts = [str(data.get(f"{name}_{part}", "")).strip() for part, _l, _w in PARTS]
        return parts if any(parts) else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{p}" in data for p, _l, _w in PARTS)


def date_parts(value: Any) -> list[str]:
    """[day, month, year] as the boxes show them, from a date, an ISO string or typed parts."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value] + [""] * (3 - len(value))
    if isinstance(value, date):
        return [str(value.day), str(value.month), str(value.year)]
    if isinstance(value, str) and value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return ["", "", ""]
        return [str(day.day), str(day.month), str(day.year)]
    return ["", "", ""]


class GovukDateField(forms.DateField):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = GovukDateInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, list | tuple):
            day, month, year = [*value, "", "", ""][:3]
            label = str(self.label or "The date")
            missing = [
                name
                for name, v in zip(("day", "month", "year"), (day, month, year), strict=True)
                if not v
            ]
            if missing and len(missing) < 3:
                raise forms.ValidationError(
                    f"{label} must include a {' and '.join(missing)}", code="incomplete"
                )
            try:
                return date(int(year), int(month), int(day))
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)


def date_from_query(data: Any, name: str) -> date | None:
    """A date typed into a GOV.UK date input (or sent as ISO), or None if it is not one yet."""
    field = GovukDateField(required=False)
    try:
        return field.clean(field.widget.value_from_datadict(data, None, name))
    except forms.ValidationError:
        return None
