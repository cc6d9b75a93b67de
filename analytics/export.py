"""The analytics as CSV: one row per path, or one row per step of a path. The same shown
figures as the pages (analytics/display.py): a hidden one is the text "too few to show"."""

import csv
import io
from collections.abc import Iterable, Sequence

from analytics.display import Figure, PathReport, Spread, StepReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PATH_HEADER = [
    "path",
    "role",
    "level",
    "status",
    "enrolled",
    "started",
    "completed",
    "completion_rate_percent",
    "stopped",
    "days_to_complete_median",
    "days_to_complete_p25",
    "days_to_complete_p75",
    "gain_learners",
    "readiness_gain_median",
    "readiness_gain_p25",
    "readiness_gain_p75",
    "readiness_gain_possible",
    "computed_at",
]
STEP_HEADER = [
    "path",
    "position",
    "step",
    "kind",
    "estimated_minutes",
    "reached",
    "started",
    "completed",
    "stopped_here",
    "real_minutes_median",
    "real_minutes_p25",
    "real_minutes_p75",
    "suggested_minutes",
    "computed_at",
]


def _text(value: str) -> str:
    """Curators' titles go into spreadsheets: one that starts like a formula stays text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _cell(figure: Figure) -> object:
    if figure.value is None:
        return figure.text
    return round(figure.value, 2) if isinstance(figure.value, float) else figure.value


def _spread(spread: Spread) -> list[object]:
    return [_cell(spread.median), _cell(spread.p25), _cell(spread.p75)]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def paths_csv(reports: Iterable[PathReport]) -> str:
    return _csv(
        PATH_HEADER,
        (
            [
                _text(r.title),
                _text(r.role),
                _text(r.level),
                r.status,
                *map(_cell, (r.enrolled, r.started, r.completed, r.completion_rate, r.stopped)),
                *_spread(r.days),
                _cell(r.gain_learners),
                *_spread(r.gain),
                _cell(r.gain_possible),
                r.computed_at.isoformat(),
            ]
            for r in reports
        ),
    )


def steps_csv(report: PathReport, steps: Iterable[StepReport]) -> str:
    return _csv(
        STEP_HEADER,
        (
            [
                _text(report.title),
                s.position,
                _text(s.title),
                s.kind,
                s.estimated_minutes,
                *map(_cell, (s.reached, s.started, s.completed, s.stopped)),
                *_spread(s.minutes),
                _cell(s.suggested_minutes),
                report.computed_at.isoformat(),
            ]
            for s in steps
        ),
    )
