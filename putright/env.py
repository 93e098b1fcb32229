"""Typed readers for environment variables that fail loudly, naming the variable."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    """The variable as text; without a default, an unset variable is a configuration error."""
    value = _raw(name, environ)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """The variable as a boolean: true/false, yes/no, on/off or 1/0 (any case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    normalised = value.strip().lower()
    if normalised in _TRUE:
        return True
    if normalised in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be true or false (or yes/no, on/off, 1/0); "
        f"got {value!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """The variable as a whole number, optionally at least `minimum`."""
    value = _raw(name, environ)
    if value is None or not value.strip():
        number = default
    else:
        try:
            number = int(value.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name} must be a whole number; got {value!r}."
            ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be at least {minimum}; got {number}."
        )
    return number


def env_list(
    name: str,
    default: list[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """The variable as a comma-separated list, with blanks and surrounding spaces dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str,
    default: str,
    choices: tuple[str, ...],
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The variable as one of `choices` (any case)."""
    value = _raw(name, environ)
    if value is None or not value.strip():
        return default
    normalised = value.strip().lower()
    if normalised not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be one of {', '.join(choices)}; got {value!r}."
        )
    return normalised
