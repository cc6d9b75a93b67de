"""Template filters for en-GB presentation: dates, money, minutes and scores."""

from datetime import date, datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def gbp(amount: int | None) -> str:
    """60000 -> "£60,000"."""
    return "" if amount is None else f"£{amount:,.0f}"


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
def longdate(value: date | datetime | None) -> str:
    """en-GB: 28 November 2026."""
    return "" if value is None else formats.date_format(value, "j F Y")
