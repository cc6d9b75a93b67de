"""Curator analytics: one summary row per path and per step, written by a task
(analytics/summaries.py, which defines every figure) and read by the admin.

The rows hold raw aggregates: counts, and medians and spreads only where they cover at least
MIN_GROUP learners (analytics/figures.py). What a curator is shown passes through the minimum
group rule again (analytics/display.py), so small counts read "too few to show"."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from paths.models import LearningPath, Step


class PathSummary(models.Model):
    """A path's funnel, drop-off, time to complete and readiness gain, as of `computed_at`."""

    path = models.OneToOneField(
        LearningPath, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    enrolled = models.PositiveIntegerField()
    started = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    stopped = models.PositiveIntegerField(help_text=_("Learners who left the path unfinished."))
    # Days from enrolment to completion, over the learners who completed the path.
    days_p25 = models.FloatField(null=True)
    days_median = models.FloatField(null=True)
    days_p75 = models.FloatField(null=True)
    # Readiness points the path added, over the learners who completed at least one step.
    gain_learners = models.PositiveIntegerField()
    gain_p25 = models.FloatField(null=True)
    gain_median = models.FloatField(null=True)
    gain_p75 = models.FloatField(null=True)
    gain_possible = models.FloatField(
        null=True, help_text=_("Completing every step, with no other evidence; None: no target.")
    )
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("path analytics")
        verbose_name_plural = _("path analytics")

    def __str__(self) -> str:
        return f"Analytics of path {self.path_id}"


class StepSummary(models.Model):
    """A step's funnel and drop-off, and its real minutes against the estimate."""

    step = models.OneToOneField(Step, on_delete=models.CASCADE, primary_key=True, related_name="+")
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveIntegerField()
    started = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    stopped = models.PositiveIntegerField(help_text=_("Learners who left the path here."))
    # Each learner's total minutes on the step, over the learners who completed it.
    minutes_p25 = models.FloatField(null=True)
    minutes_median = models.FloatField(null=True)
    minutes_p75 = models.FloatField(null=True)
    suggested_minutes = models.PositiveIntegerField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("step analytics")
        verbose_name_plural = _("step analytics")

    def __str__(self) -> str:
        return f"Analytics of step {self.step_id}"
