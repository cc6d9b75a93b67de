"""Proficiency levels 1-5: their names and what each means. Defined once, here; the pages show
them with the `band` filters (config/templatetags/pathwise.py), the API next to every level.

Pathwise's own scale, not the source article's (it gives no levels). The evidence ceilings in
tracker/readiness.py read on it: reading or watching shows at most 2, practice 3, a project or
an assessment the step's own level."""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Band:
    level: int
    name: str
    meaning: str

    @property
    def label(self) -> str:
        """ "3 · Practitioner"."""
        return f"{self.level} · {self.name}"


BANDS: tuple[Band, ...] = (
    Band(
        1,
        "Aware",
        "Knows what it is, why it matters and where it fits, and can follow a conversation "
        "about it.",
    ),
    Band(
        2,
        "Working",
        "Has working knowledge: understands how it works and can do routine tasks by following "
        "documentation and examples, with guidance on anything unusual.",
    ),
    Band(
        3,
        "Practitioner",
        "Does it independently on real work, and can debug the usual problems without help.",
    ),
    Band(
        4,
        "Advanced",
        "Designs and owns it in production, makes the trade-offs, and reviews and guides "
        "others' work.",
    ),
    Band(
        5,
        "Expert",
        "Sets the approach for teams or a whole organisation, and solves new problems others "
        "cannot.",
    ),
)
BY_LEVEL: dict[int, Band] = {band.level: band for band in BANDS}
BAND_NAMES: tuple[str, ...] = tuple(band.name for band in BANDS)


def band(level: object) -> Band | None:
    """The band a level has reached: 3 and 3.5 are both Practitioner; None below 1, above 5
    or for anything that is not a number."""
    if isinstance(level, bool) or not isinstance(level, int | float | Fraction | Decimal):
        return None
    try:
        return BY_LEVEL.get(math.floor(level))
    except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
        return None


def bands_documentation() -> str:
    """The scale as one line per level, for help texts and the OpenAPI schema."""
    return " ".join(f"{b.level} {b.name}: {b.meaning}" for b in BANDS)
