"""What a curator is shown: every figure of the summary rows passed through the minimum group
rule (analytics/figures.py), once, for the admin pages, their charts and the CSV files alike."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.figures import count_shown
from analytics.models import PathSummary, StepSummary

TOO_FEW = gettext_lazy("too few to show")
READINESS_NOTE = gettext_lazy(
    "Pathwise's own measure: for each learner who completed at least one step of the path, how "
    "many points lower their readiness for the path's role and level would be today without the "
    "steps they completed on this path, everything else as it is. A skill they had already "
    "verified at that level counts no gain. Possible: completing every step, with no other "
    "evidence (completed steps count four fifths until a skill check verifies them)."
)


@dataclass(frozen=True)
class Figure:
    """A shown figure: `value` is None when it is not shown, and `text` then says why."""

    value: float | None
    text: str

    @property
    def shown(self) -> bool:
        return self.value is not None


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def learners(count: int, *, within: int) -> Figure:
    """A count of learners out of a group of `within`."""
    if count_shown(count, within=within):
        return Figure(count, str(count))
    return Figure(None, str(TOO_FEW))


def share(count: int, *, within: int) -> Figure:
    """count / within as a percentage, when the count is shown and the group is not empty."""
    if within == 0 or not count_shown(count, within=within):
        return Figure(None, str(TOO_FEW) if within else "—")
    percent = 100 * count / within
    return Figure(percent, f"{percent:.0f}%")


def measure(value: float | None, decimals: int = 1) -> Figure:
    """A median or quartile, stored only for groups of MIN_GROUP or more (None otherwise)."""
    if value is None:
        return Figure(None, str(TOO_FEW))
    return Figure(value, _number(value, decimals))


@dataclass(frozen=True)
class Spread:
    median: Figure
    p25: Figure
    p75: Figure

    @property
    def text(self) -> str:
        if not self.median.shown:
            return self.median.text
        return f"{self.median.text} ({self.p25.text}–{self.p75.text})"


def spread(p25: float | None, median: float | None, p75: float | None, decimals: int = 1) -> Spread:
    return Spread(measure(median, decimals), measure(p25, decimals), measure(p75, decimals))


@dataclass(frozen=True)
class PathReport:
    path_id: int
    title: str
    role: str
    level: str
    status: str
    computed_at: datetime
    enrolled: Figure
    started: Figure
    completed: Figure
    completion_rate: Figure
    stopped: Figure
    days: Spread
    gain_learners: Figure
    gain: Spread
    gain_possible: Figure


def path_report(summary: PathSummary) -> PathReport:
    """`summary` with its path, role and level loaded (analytics/selectors.py)."""
    path, enrolled = summary.path, summary.enrolled
    if summary.gain_possible is None:
        no_target = _("no requirements for this role and level")
        gain = Spread(*(Figure(None, no_target),) * 3)
        possible = Figure(None, no_target)
    else:
        gain = spread(summary.gain_p25, summary.gain_median, summary.gain_p75)
        possible = Figure(summary.gain_possible, _number(summary.gain_possible, 1))
    return PathReport(
        path_id=path.pk,
        title=path.title,
        role=path.role.name,
        level=path.level.name,
        status=path.get_status_display(),
        computed_at=summary.computed_at,
        enrolled=learners(enrolled, within=enrolled),
        started=learners(summary.started, within=enrolled),
        completed=learners(summary.completed, within=enrolled),
        completion_rate=share(summary.completed, within=enrolled),
        stopped=learners(summary.stopped, within=enrolled),
        days=spread(summary.days_p25, summary.days_median, summary.days_p75),
        gain_learners=learners(summary.gain_learners, within=enrolled),
        gain=gain,
        gain_possible=possible,
    )


@dataclass(frozen=True)
class StepReport:
    step_id: int
    position: int
    title: str
    kind: str
    estimated_minutes: int
    reached: Figure
    started: Figure
    completed: Figure
    stopped: Figure
    minutes: Spread
    suggested_minutes: Figure

    @property
    def suggestion_differs(self) -> bool:
        return self.suggested_minutes.value not in (None, self.estimated_minutes)


def step_report(summary: StepSummary, *, enrolled: int) -> StepReport:
    """`summary` with its step loaded; `enrolled`: the path's enrolled learners."""
    step, suggested = summary.step, summary.suggested_minutes
    return StepReport(
        step_id=step.pk,
        position=step.position,
        title=step.title,
        kind=step.get_kind_display(),
        estimated_minutes=step.estimated_minutes,
        reached=learners(summary.reached, within=enrolled),
        started=learners(summary.started, within=enrolled),
        completed=learners(summary.completed, within=enrolled),
        stopped=learners(summary.stopped, within=enrolled),
        minutes=spread(summary.minutes_p25, summary.minutes_median, summary.minutes_p75, 0),
        suggested_minutes=measure(suggested, 0),
    )
