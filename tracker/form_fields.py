"""Form fields shared by the settings page and the onboarding: an hour of the day entered with
a time picker, and a time zone chosen from a searchable list. The model stores hours as 0-23
and time zones as IANA names."""

import re
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import TZPATH, available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.models import validate_timezone

_HOUR = re.compile(r"^\s*(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s*$")

# Old aliases kept by the tz database for compatibility; still accepted, not offered.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


def _tzdata_text() -> str:
    """The tz database's compact source (tzdata.zi): from the tzdata package if installed,
    else from the system's zone directories; empty if neither has it."""
    try:
        from importlib.resources import files

        return (files("tzdata") / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, OSError):
        pass
    for directory in TZPATH:
        try:
            return (Path(directory) / "tzdata.zi").read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


@cache
def timezone_aliases() -> dict[str, str]:
    """Old names and their current ones ("Asia/Calcutta": "Asia/Kolkata"): browsers still
    report some old names. UTC stays UTC."""
    aliases = {}
    for line in _tzdata_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L" and not parts[1].startswith("Etc/"):
            aliases[parts[2]] = parts[1]
    return aliases


@cache
def timezone_choices() -> tuple[str, ...]:
    """The zones the picker offers: every current Area/Location name, sorted, plus UTC (old
    names are still accepted, and stored as their current name)."""
    aliases = timezone_aliases()
    names = {
        name
        for name in available_timezones()
        if "/" in name
        and name[0].isupper()
        and not name.startswith(_LEGACY_PREFIXES)
        and name not in aliases
    }
    return ("UTC", *sorted(names))


def canonical_timezone(name: str) -> str | None:
    """The current name of a zone this machine knows, whatever its case or age; else None."""
    name = name.strip().replace(" ", "_")
    found = _canonical_names().get(name.lower())
    return timezone_aliases().get(found, found) if found else None


@cache
def _canonical_names() -> dict[str, str]:
    """Lower-case name: name, for every zone this machine knows."""
    return {zone.lower(): zone for zone in available_timezones()}


def hour_label(hour: int | None) -> str:
    return "" if hour is None else f"{hour:02d}:00"


class HourInput(forms.TimeInput):
    """A browser time picker in whole hours (`step` 3600), showing 18 as "18:00"."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": "3600", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, int):
            return hour_label(value)
        match = _HOUR.match(str(value))
        if match and not match.group(2) and int(match.group(1)) <= 23:
            return hour_label(int(match.group(1)))  # "8" as the API and old forms send it
        return str(value)


class HourField(forms.Field):
    """An hour of the day, 0-23, from "07:00" (the time picker) or "7"."""

    widget = HourInput
    default_error_messages = {
        "invalid": _("Enter a time such as 07:00."),
        "whole_hour": _("Choose a time on the hour, such as 07:00."),
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            hour, minute, second = value, 0, 0
        else:
            match = _HOUR.match(str(value))
            if not match:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            hour, minute, second = (int(part or 0) for part in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if minute or second:
            raise ValidationError(self.error_messages["whole_hour"], code="whole_hour")
        return hour


class TimeZoneInput(forms.TextInput):
    """A text box searching the list of zones (`<datalist id="time-zones">`, which the page
    includes once: tracker/_timezone_list.html)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "list": "time-zones",
            "autocomplete": "off",
            "spellcheck": "false",
            "data-timezone": "",
            "data-use-label": _("Use this device's time zone:"),
            "data-used-label": _("Time zone set to"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})})


class TimeZoneField(forms.CharField):
    """An IANA time zone name, checked against the zones this machine knows."""

    widget = TimeZoneInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _("Start typing a city, such as London or Kolkata, and pick from the list."),
        )
        super().__init__(**kwargs)
        self.validators.append(validate_timezone)

    def to_python(self, value: Any) -> str:
        name = str(super().to_python(value)).strip()
        # "europe/london" is Europe/London, and Asia/Calcutta is Asia/Kolkata
        return canonical_timezone(name) or name
