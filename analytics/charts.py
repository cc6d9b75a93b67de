"""Bar geometry for the analytics charts, drawn server-side as inline SVG (no chart library, and
nothing the strict CSP would refuse: widths are SVG attributes, not styles). Lengths are
percentages of the bar's track. A figure that is not shown has no bar. Pure: no ORM."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from analytics.display import Figure, PathReport, StepReport


def percent(figure: Figure, whole: float | None) -> float | None:
    if figure.value is None or not whole:
        return None
    return round(min(100.0, 100 * figure.value / whole), 2)


@dataclass(frozen=True)
class Bar:
    label: str
    figure: Figure
    length: float | None


def funnel(report: PathReport) -> list[Bar]:
    """Enrolled, started, completed and stopped, as shares of the enrolled learners."""
    whole = report.enrolled.value
    stages = (
        (_("Enrolled"), report.enrolled),
        (_("Started"), report.started),
        (_("Completed"), report.completed),
        (_("Stopped"), report.stopped),
    )
    return [Bar(label, figure, percent(figure, whole)) for label, figure in stages]


@dataclass(frozen=True)
class StepBars:
    step: StepReport
    reached: float | None
    completed: float | None
    stopped: float | None


def step_funnel(steps: Sequence[StepReport], report: PathReport) -> list[StepBars]:
    """Per step: reached, completed and stopped here, as shares of the enrolled learners."""
    whole = report.enrolled.value
    return [
        StepBars(
            step,
            percent(step.reached, whole),
            percent(step.completed, whole),
            percent(step.stopped, whole),
        )
        for step in steps
    ]


@dataclass(frozen=True)
class MinutesBars:
    step: StepReport
    estimate: float  # where the estimate's mark sits
    median: float | None
    p25: float | None
    p75: float | None

    @property
    def spread_length(self) -> float | None:
        if self.p25 is None or self.p75 is None:
            return None
        return round(self.p75 - self.p25, 2)


def minutes(steps: Sequence[StepReport]) -> list[MinutesBars]:
    """Per step: the real minutes (median bar, quartile whisker) against the estimate's mark,
    on one scale for every step: the largest estimate or upper quartile."""
    scale = max(
        [float(s.estimated_minutes) for s in steps]
        + [s.minutes.p75.value for s in steps if s.minutes.p75.value is not None],
        default=0.0,
    )
    return [
        MinutesBars(
            step,
            estimate=percent(Figure(step.estimated_minutes, ""), scale) or 0.0,
            median=percent(step.minutes.median, scale),
            p25=percent(step.minutes.p25, scale),
            p75=percent(step.minutes.p75, scale),
        )
        for step in steps
    ]
