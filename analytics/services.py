"""Writes of the curator analytics: refreshing the summary rows (analytics/summaries.py
computes them). Called by the tasks (nightly, and after a path is published), by
`manage.py refresh_analytics` and by the demo seeding."""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from analytics.selectors import analysed_paths
from analytics.summaries import path_summaries_refresh


def analytics_refresh(*, path_ids: Iterable[int] | None = None, at: datetime | None = None) -> int:
    """Recompute the summaries of these paths (every published or archived path when None) as
    of `at` (now); returns how many paths were refreshed. Each path's rows are replaced in its
    own transaction; running it again over the same data writes the same rows."""
    at = at or timezone.now()
    paths = analysed_paths()
    if path_ids is not None:
        paths = paths.filter(pk__in=list(path_ids))
    refreshed = 0
    for path in paths:
        path_summaries_refresh(path=path, at=at)
        refreshed += 1
    return refreshed
