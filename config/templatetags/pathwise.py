"""Template filters for presentation in the active language (en-GB by default): dates, money,
minutes, scores, proficiency bands and where a part of the catalogue comes from."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency
from django import template
from django.utils import timezone
from django.utils.translation import get_language, to_locale

from careers.bands import BANDS, Band
from careers.bands import band as band_of
from careers.provenance import RoleProvenance, role_provenance

register = template.Library()


def _level_text(level: Any) -> str:
    """3 -> "3", 2.5 and Fraction(5, 2) -> "2.5"."""
    if isinstance(level, float | Fraction | Decimal) and not isinstance(level, bool):
        return f"{float(level):g}"
    return str(level)


@register.filter
def band(level: Any) -> str:
    """3 -> "3 · Practitioner" (2.5 -> "2.5 · Working"); a value outside 1-5 as it is.
    Pair it with `band_meaning` for a tooltip:
    <span title="{{ level|band_meaning }}">{{ level|band }}</span>."""
    if level is None or level == "":
        return ""
    found = band_of(level)
    return _level_text(level) if found is None else f"{_level_text(level)} · {found.name}"


@register.filter
def band_name(level: Any) -> str:
    """3 -> "Practitioner"; "" outside 1-5."""
    found = band_of(level)
    return "" if found is None else found.name


@register.filter
def band_meaning(level: Any) -> str:
    """3 -> the band's one-sentence meaning; "" outside 1-5."""
    found = band_of(level)
    return "" if found is None else found.meaning


@register.simple_tag
def level_bands() -> tuple[Band, ...]:
    """{% level_bands as bands %}: the five bands, for a legend."""
    return BANDS


@register.filter
def provenance(role: Any) -> RoleProvenance:
    """{% with p=role|provenance %}{{ p.toolchain.label }}{% endwith %}: per part of a role,
    whether it is the source's or Pathwise's own model (careers/provenance.py)."""
    return role_provenance(role)


@register.filter
def gbp(amount: int | None) -> str:
    """60000 -> "£60,000" in en-GB ("60.000 £" in de): whole pounds, in the locale's pattern."""
    if amount is None:
        return ""
    locale = to_locale(get_language() or "en-gb")
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount, "GBP", format=pattern, locale=locale, currency_digits=False)


@register.filter
def hours(minutes: int | float | None) -> str:
    """95 -> "1 h 35 min"."""
    if not minutes:
        return "0 min"
    whole, rest = divmod(int(minutes), 60)
    return " ".join(
        part for part in (f"{whole} h" if whole else "", f"{rest} min" if rest else "") if part
    )


@register.filter
def percent(score: float | None) -> str:
    return "no requirements" if score is None else f"{score:.0f}%"


@register.filter
def percent_of_one(share: float) -> str:
    """A share 0-1 as a whole percentage: 0.87 -> 87%."""
    return f"{100 * share:.0f}%"


@register.filter
def longdate(value: date | datetime | None) -> str:
    """The locale's long date: 28 November 2026 in en-GB (a time in the current time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_date(value, "long", locale=to_locale(get_language() or "en-gb"))
