"""The rules every analytics figure follows. Pure: no ORM.

Minimum group (DESIGN §4): any figure about learners shown to a curator covers at least
MIN_GROUP learners; a smaller group reads "too few to show". A count of none is shown (it names
nobody) when the group it is a part of is large enough."""

import math
import statistics
from collections.abc import Sequence

from tracker import curators
from tracker.curators import MIN_GROUP

SUGGESTION_STEP = 5  # minutes: suggested estimates are rounded to this


def quartiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """(p25, median, p75), or None for fewer than MIN_GROUP values. Linear interpolation
    between the closest ranks ("inclusive", as spreadsheets' QUARTILE.INC), so the median is
    the ordinary median."""
    if len(values) < MIN_GROUP:
        return None
    p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return p25, median, p75


def suggested_minutes(median: float | None) -> int | None:
    """The median rounded half up to SUGGESTION_STEP minutes, never below it; None without a
    median (fewer than MIN_GROUP learners)."""
    if median is None:
        return None
    return max(SUGGESTION_STEP, math.floor(median / SUGGESTION_STEP + 0.5) * SUGGESTION_STEP)


def count_shown(count: int, *, within: int) -> bool:
    """Whether a count of learners, out of a group of `within`, may be shown: the group must be
    large enough too (an empty one names nobody)."""
    if within < MIN_GROUP:
        return count == 0 == within
    return curators.count_shown(count)
