"""Curator analytics in the admin (Analytics → Path analytics): a read-only list of paths with
their funnel, a page per path with charts, and CSV files. Every page reads only the summary
rows (analytics/selectors.py), in a fixed number of queries, and shows every figure through the
minimum group rule (analytics/display.py). Curators see it through the view permission their
group has (analytics/migrations/0002_schedule_and_curators.py)."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import charts, display, export
from analytics.figures import MIN_GROUP
from analytics.models import PathSummary
from analytics.selectors import path_summaries, path_summary_get, step_summaries
from analytics.summaries import STOPPED_AFTER


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(PathSummary)
class PathAnalyticsAdmin(admin.ModelAdmin):
    # Never a field's own name: Django would show the raw field, not the method (small counts).
    list_display = (
        "path_title",
        "shown_enrolled",
        "shown_started",
        "shown_completed",
        "shown_completion_rate",
        "shown_stopped",
        "shown_days_to_complete",
        "shown_readiness_gain",
        "computed_at",
    )
    list_display_links = ("path_title",)
    search_fields = ("path__title",)
    actions = None
    change_list_template = "admin/analytics/pathsummary/change_list.html"

    class Media:
        css = {"all": ("analytics/admin.css",)}

    # -- read-only: written by the refresh task only -------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A summary goes with its path: whoever may view it may let a path deletion take it
        (it has no delete page or action of its own; get_urls, actions)."""
        return self.has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PathSummary]:
        return path_summaries()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """No filtering through the URL (?enrolled=3): which paths stay listed would give away
        the counts the page shows as "too few to show"."""
        return False

    # -- the list: each figure through the minimum group rule ----------------------------------

    def _report(self, summary: PathSummary) -> display.PathReport:
        if not hasattr(summary, "_report"):
            summary._report = display.path_report(summary)  # type: ignore[attr-defined]
        return summary._report  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("path"), ordering="path__title")
    def path_title(self, summary: PathSummary) -> str:
        return summary.path.title

    @admin.display(description=gettext_lazy("enrolled"))
    def shown_enrolled(self, summary: PathSummary) -> str:
        return self._report(summary).enrolled.text

    @admin.display(description=gettext_lazy("started"))
    def shown_started(self, summary: PathSummary) -> str:
        return self._report(summary).started.text

    @admin.display(description=gettext_lazy("completed"))
    def shown_completed(self, summary: PathSummary) -> str:
        return self._report(summary).completed.text

    @admin.display(description=gettext_lazy("completion rate"))
    def shown_completion_rate(self, summary: PathSummary) -> str:
        return self._report(summary).completion_rate.text

    @admin.display(description=gettext_lazy("stopped"))
    def shown_stopped(self, summary: PathSummary) -> str:
        return self._report(summary).stopped.text

    @admin.display(description=gettext_lazy("days to complete, median (p25–p75)"))
    def shown_days_to_complete(self, summary: PathSummary) -> str:
        return self._report(summary).days.text

    @admin.display(description=gettext_lazy("readiness gain, median (p25–p75)"))
    def shown_readiness_gain(self, summary: PathSummary) -> str:
        return self._report(summary).gain.text

    # -- pages: the list, a path's page (as its "change" URL), the CSV files -------------------

    def get_urls(self) -> list[URLPattern]:
        wrap, name = self.admin_site.admin_view, "analytics_pathsummary"
        return [
            path("", wrap(self.changelist_view), name=f"{name}_changelist"),
            path("paths.csv", wrap(self.paths_csv_view), name=f"{name}_csv"),
            path("<int:object_id>/change/", wrap(self.path_view), name=f"{name}_change"),
            path("<int:object_id>/steps.csv", wrap(self.steps_csv_view), name=f"{name}_steps_csv"),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            "title": _("Path analytics"),
            "csv_url": reverse("admin:analytics_pathsummary_csv"),
            **(extra_context or {}),
        }
        context.update(_definitions())
        return super().changelist_view(request, context)

    def _summary(self, request: HttpRequest, object_id: int) -> PathSummary:
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = path_summary_get(path_id=object_id)
        if summary is None:
            raise Http404
        return summary

    def path_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        summary = self._summary(request, object_id)
        report = display.path_report(summary)
        steps = _step_reports(summary)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Analytics: %(path)s") % {"path": report.title},
            "report": report,
            "steps": steps,
            "funnel": charts.funnel(report),
            "step_funnel": charts.step_funnel(steps, report),
            "minutes": charts.minutes(steps),
            "readiness_note": display.READINESS_NOTE,
            "csv_url": reverse("admin:analytics_pathsummary_steps_csv", args=[report.path_id]),
            "path_url": reverse("admin:paths_learningpath_change", args=[report.path_id]),
            **_definitions(),
        }
        return TemplateResponse(request, "admin/analytics/pathsummary/path.html", context)

    def paths_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        reports = [display.path_report(summary) for summary in path_summaries()]
        return _csv_response(export.paths_csv(reports), "pathwise-path-analytics.csv")

    def steps_csv_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        summary = self._summary(request, object_id)
        report = display.path_report(summary)
        content = export.steps_csv(report, _step_reports(summary))
        filename = f"pathwise-step-analytics-{slugify(summary.path.slug)}.csv"
        return _csv_response(content, filename)


def _step_reports(summary: PathSummary) -> list[display.StepReport]:
    return [
        display.step_report(step, enrolled=summary.enrolled)
        for step in step_summaries(path_id=summary.path_id)
    ]


def _definitions() -> dict[str, Any]:
    return {"min_group": MIN_GROUP, "stopped_days": STOPPED_AFTER.days}
