"""GOV.UK style (https://www.gov.uk/guidance/style-guide/a-to-z#dates): "3 December 2026",
no abbreviations. Templates write `{{ day|date }}` (or `|date:"DATETIME_FORMAT"` for a moment)
and never spell out a format, so this file is the one place pages take their date style from.
Machine outputs (CSV, API, query strings) keep ISO dates and do not use these.
Only the display formats are set; Django's en-GB input formats still apply."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
