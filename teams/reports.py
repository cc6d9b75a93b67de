"""What a lead sees of a cohort: aggregates over its members, and the own detail of members
who chose to share it. Computed on each read from the members' current scores and enrolments,
in a fixed number of queries, so a learner who leaves is out of every figure at once.

Privacy (k-anonymity, MIN_GROUP): the figures show only when at least MIN_GROUP members do not
share their detail (what the shared detail lets a lead subtract still leaves MIN_GROUP people);
fewer: "too few to show". Within them, a count of 1 to MIN_GROUP - 1 reads "fewer than 5" (a
count of none names nobody), and a median needs MIN_GROUP values. The lead is never a member.

Readiness is each member's stored score for the cohort's target role and level (tracker's
model); a skill's spread counts members at its target, at half of it or more, and below half.
On pace for an assigned path: completed, or projected (tracker/activity.py, the learner's own
recent pace) to finish by the assignment's due date."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.utils import timezone

from teams.models import Assignment, Cohort, Membership
from tracker import activity
from tracker.curators import MIN_GROUP, count_shown
from tracker.models import Enrolment, LearnerProfile, ReadinessScore

SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def shown(count: int) -> int | None:
    """A count of learners as a lead may see it: None (fewer than MIN_GROUP) for 1 to 4."""
    return count if count_shown(count) else None


@dataclass(frozen=True)
class ScoreBand:
    band: str  # readiness from-to, %
    members: int | None  # None: fewer than MIN_GROUP


@dataclass(frozen=True)
class SkillSpread:
    skill: str  # slug
    name: str
    target: int
    at_target: int | None  # None: fewer than MIN_GROUP
    halfway: int | None  # at half the target or more, below it
    below_half: int | None
    median_level: float


@dataclass(frozen=True)
class PathProgress:
    assignment: Assignment
    enrolled: int | None  # members with an open or completed enrolment; None: 1 to 4
    completed: int | None
    on_pace: int | None
    median_steps_done: float | None  # share of steps done among the enrolled (0-1), from 5


@dataclass(frozen=True)
class SharedPath:
    assignment: Assignment
    steps_done: int
    steps_total: int
    on_pace: bool


@dataclass(frozen=True)
class SharedDetail:
    membership: Membership
    score: float | None
    paths: list[SharedPath]


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    members: int
    score_bands: list[ScoreBand] | None  # None: too few to show
    median_score: float | None
    skills: list[SkillSpread] | None
    paths: list[PathProgress] | None
    on_pace_everywhere: int | None  # members on pace on every assigned path
    shared: list[SharedDetail]

    @property
    def too_few(self) -> bool:
        return self.score_bands is None

    @property
    def private_members(self) -> int:
        """Members who do not share their detail: the figures need MIN_GROUP of them."""
        return self.members - len(self.shared)


@dataclass(frozen=True)
class _Standing:
    """One member on one assigned path."""

    enrolled: bool
    completed: bool
    steps_done: int
    steps_total: int
    on_pace: bool | None


def cohort_report(*, cohort: Cohort, now: datetime | None = None) -> CohortReport:
    now = now or timezone.now()
    members = list(Membership.objects.filter(cohort=cohort).select_related("user"))
    user_ids = [m.user_id for m in members]
    scores = {
        s.user_id: s
        for s in ReadinessScore.objects.filter(
            user_id__in=user_ids, role_id=cohort.target_role_id, level_id=cohort.target_level_id
        )
    }
    assignments = list(cohort.assignments.select_related("path"))
    standings = _standings(user_ids, assignments, now)
    shared = [
        SharedDetail(
            m,
            scores[m.user_id].score if m.user_id in scores else None,
            [
                SharedPath(a, s.steps_done, s.steps_total, bool(s.on_pace))
                for a in assignments
                for s in [standings[m.user_id, a.pk]]
            ],
        )
        for m in members
        if m.shares_detail
    ]
    if len(members) - len(shared) < MIN_GROUP:
        return CohortReport(cohort, len(members), None, None, None, None, None, shared)
    values = [(scores[u].score or 0.0) if u in scores else 0.0 for u in user_ids]
    return CohortReport(
        cohort=cohort,
        members=len(members),
        score_bands=_bands(values),
        median_score=round(median(values), 1),
        skills=_skills([scores[u] for u in user_ids if u in scores], len(user_ids)),
        paths=[_path_progress(a, [standings[u, a.pk] for u in user_ids]) for a in assignments],
        on_pace_everywhere=shown(
            sum(1 for u in user_ids if all(standings[u, a.pk].on_pace for a in assignments))
        ),
        shared=shared,
    )


def _bands(values: Sequence[float]) -> list[ScoreBand]:
    return [
        ScoreBand(f"{low}-{min(high, 100)}", shown(sum(1 for v in values if low <= v < high)))
        for low, high in SCORE_BANDS
    ]


def _skills(scores: Sequence[ReadinessScore], members: int) -> list[SkillSpread]:
    """Each required skill's spread; a member without a score holds nothing of it."""
    by_skill: dict[str, tuple[str, int, list[float]]] = {}
    for score in scores:
        for line in score.breakdown:
            name, target, levels = by_skill.setdefault(
                line["skill"], (line["name"], line["target"], [])
            )
            levels.append(float(line["current"]))
    spreads = []
    for slug, (name, target, levels) in by_skill.items():
        levels = levels + [0.0] * (members - len(levels))
        at = sum(1 for v in levels if v >= target)
        half = sum(1 for v in levels if target / 2 <= v < target)
        below = members - at - half
        spreads.append(
            SkillSpread(slug, name, target, shown(at), shown(half), shown(below), median(levels))
        )
    return sorted(spreads, key=lambda s: s.name)


def _path_progress(assignment: Assignment, standings: Sequence[_Standing]) -> PathProgress:
    enrolled = [s for s in standings if s.enrolled]
    shares = [s.steps_done / s.steps_total if s.steps_total else 0.0 for s in enrolled]
    return PathProgress(
        assignment=assignment,
        enrolled=shown(len(enrolled)),
        completed=shown(sum(1 for s in enrolled if s.completed)),
        on_pace=shown(sum(1 for s in standings if s.on_pace)),
        median_steps_done=round(median(shares), 3) if len(shares) >= MIN_GROUP else None,
    )


def _standings(
    user_ids: list[int], assignments: list[Assignment], now: datetime
) -> dict[tuple[int, int], _Standing]:
    """Each member on each assigned path: their latest enrolment on it, measured against the
    due date (activity.enrolment_figures, three queries for all)."""
    none = _Standing(False, False, 0, 0, False)
    result = {(u, a.pk): none for u in user_ids for a in assignments}
    if not user_ids or not assignments:
        return result
    due = {a.path_id: a for a in assignments}
    latest: dict[tuple[int, int], Enrolment] = {}
    for enrolment in Enrolment.objects.filter(
        user_id__in=user_ids,
        path_id__in=due,
        status__in=(*Enrolment.OPEN_STATUSES, Enrolment.Status.COMPLETED),
    ).order_by("enrolled_at", "pk"):
        # Measured against the due date, not the learner's own target date (in memory only).
        enrolment.target_date = due[enrolment.path_id].due_date
        latest[enrolment.user_id, enrolment.path_id] = enrolment
    zones = dict(
        LearnerProfile.objects.filter(user_id__in=user_ids).values_list("user_id", "timezone")
    )
    clocks = {u: activity.LearnerClock.at(now, zones.get(u, "UTC")) for u in user_ids}
    figures = activity.enrolment_figures(enrolments=list(latest.values()), clocks=clocks)
    for (user_id, path_id), enrolment in latest.items():
        f = figures[enrolment.pk]
        completed = enrolment.status == Enrolment.Status.COMPLETED or (
            f.steps_total > 0 and f.steps_done == f.steps_total
        )
        result[user_id, due[path_id].pk] = _Standing(
            True, completed, f.steps_done, f.steps_total, completed or bool(f.pace.on_track)
        )
    return result


# --- CSV --------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    return f"fewer than {MIN_GROUP}" if value is None else value


def report_csv(report: CohortReport) -> str:
    """The aggregates as CSV rows (section, item, measure, value); nothing about one learner.
    A cohort below MIN_GROUP gives one row saying so."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["section", "item", "measure", "value"])
    rows.writerow(["cohort", report.cohort.name, "members", report.members])
    if report.score_bands is None or report.skills is None or report.paths is None:  # too few
        rows.writerow(
            [
                "cohort",
                report.cohort.name,
                "figures",
                f"too few to show (fewer than {MIN_GROUP} members who do not share their detail)",
            ]
        )
        return out.getvalue()
    rows.writerow(["readiness", "all", "median", report.median_score])
    for band in report.score_bands:
        rows.writerow(["readiness", band.band, "members", _cell(band.members)])
    for s in report.skills:
        for measure, value in (
            ("target", s.target),
            ("at target", s.at_target),
            ("half or more", s.halfway),
            ("below half", s.below_half),
            ("median level", s.median_level),
        ):
            rows.writerow(["skill", s.skill, measure, _cell(value)])
    for p in report.paths:
        rows.writerow(["path", p.assignment.path.slug, "due", p.assignment.due_date.isoformat()])
        for measure, value in (
            ("enrolled", p.enrolled),
            ("completed", p.completed),
            ("on pace", p.on_pace),
            ("median share of steps done", p.median_steps_done),
        ):
            rows.writerow(["path", p.assignment.path.slug, measure, _cell(value)])
    rows.writerow(["on pace", "every assigned path", "members", _cell(report.on_pace_everywhere)])
    return out.getvalue()
