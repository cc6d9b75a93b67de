"""What a learner is told after logging progress: the result shown next to the button (and
announced through the page's live region), the same with and without JavaScript. Pure.

The readiness figures are computed before and after the entry is written
(`selectors.readiness_now`, not stored: the recompute stores scores), for the learner's target
role and level, or for the path's own when they have not chosen one."""

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext, ngettext

SESSION_KEY = "progress_feedback"


def _percent(score: float, places: int = 0) -> str:
    return f"{score:.{places}f}%"


@dataclass(frozen=True)
class LogFeedback:
    enrolment_id: int
    step_id: int
    tap: bool  # logged with the step's one-tap "done" button
    lines: list[str]
    percent_done: int
    readiness_before: float | None
    readiness_after: float | None

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def as_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Any, enrolment_id: int) -> "LogFeedback | None":
        """The feedback stored for this enrolment's page, or None."""
        if not isinstance(data, dict) or data.get("enrolment_id") != enrolment_id:
            return None
        try:
            return cls(**data)
        except TypeError:  # stored by another version
            return None


def log_feedback(
    *,
    enrolment_id: int,
    step_id: int,
    tap: bool,
    minutes: int,
    step_title: str,
    completed: bool,
    percent_done: int,
    steps_done: int,
    steps_total: int,
    finished: bool,
    target_label: str,
    is_learners_target: bool,
    before: float | None,
    after: float | None,
) -> LogFeedback:
    logged = ngettext(
        "Logged %(minutes)s minute on “%(step)s”",
        "Logged %(minutes)s minutes on “%(step)s”",
        minutes,
    ) % {"minutes": minutes, "step": step_title}
    lines = [
        logged + (gettext(", done.") if completed else gettext(", started.")),
        gettext("Path progress: %(percent)s, %(done)s of %(total)s steps done.")
        % {"percent": f"{percent_done}%", "done": steps_done, "total": steps_total},
    ]
    if finished:
        lines.append(gettext("You have finished this path."))
    if before is None or after is None:
        lines.append(
            gettext("%(target)s has no requirements to measure readiness against.")
            % {"target": target_label}
        )
    elif after != before:
        places = 0 if round(after) != round(before) else 1  # never "12% → 12%"
        lines.append(
            gettext("Readiness for %(target)s: %(before)s → %(after)s.")
            % {
                "target": target_label,
                "before": _percent(before, places),
                "after": _percent(after, places),
            }
        )
    elif completed:
        lines.append(
            gettext(
                "Readiness for %(target)s: %(after)s, unchanged: this step proves no more of "
                "the skills it needs than you had."
            )
            % {"target": target_label, "after": _percent(after)}
        )
    else:
        lines.append(
            gettext(
                "Readiness for %(target)s: %(after)s; a step counts towards it once it is done."
            )
            % {"target": target_label, "after": _percent(after)}
        )
    if not is_learners_target:
        lines.append(gettext("(The path's role and level: choose your own target in settings.)"))
    return LogFeedback(
        enrolment_id=enrolment_id,
        step_id=step_id,
        tap=tap,
        lines=lines,
        percent_done=percent_done,
        readiness_before=before,
        readiness_after=after,
    )
