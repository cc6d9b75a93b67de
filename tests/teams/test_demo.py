from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from teams.models import Cohort
from teams.reports import cohort_report
from tests.web.clients import signed_in
from tracker.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_lead_has_a_cohort_of_seven_with_figures_to_show(catalogue, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_accounts", stdout=StringIO())

    call_command("demo_team", stdout=out)
    call_command("demo_team", stdout=out)  # again: reset, not seeded twice

    lead = User.objects.get(email="lead@pathwise.local")
    (cohort,) = Cohort.objects.filter(lead=lead)
    report = cohort_report(cohort=cohort)
    assert lead.check_password("lead-ai-2026")
    assert out.getvalue().count("lead@pathwise.local / lead-ai-2026") == 2
    assert (report.members, report.too_few) == (7, False)
    assert report.paths is not None
    assert report.score_bands is not None
    (progress,) = report.paths
    assert (progress.enrolled, progress.completed) == (7, 0)
    assert [d.membership.user.email for d in report.shared] == ["learner@pathwise.local"]
    assert report.private_members == 6
    page = signed_in(lead).get(f"/teams/{cohort.pk}/").content.decode()
    assert "Median readiness for the target" in page
    dashboard = signed_in(User.objects.get(email="learner@pathwise.local")).get("/dashboard/")
    assert 'data-testid="assignments"' in dashboard.content.decode()


def test_demo_team_needs_the_demo_learner_and_debug(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="demo_accounts first"):
        call_command("demo_team", stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("demo_team", stdout=StringIO())
