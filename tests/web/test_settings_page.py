"""The settings page: sections, named empty choices (never "---------"), hours as time pickers,
a searchable time-zone list checked on the server, and errors under their fields."""

import re

import pytest

from careers.models import Role, SeniorityLevel
from tests.factories import UserFactory
from tests.web.clients import signed_in
from tracker.form_fields import timezone_choices
from tracker.models import LearnerProfile

pytestmark = pytest.mark.django_db

FORM = {
    "background": "",
    "target_role": "",
    "target_level": "",
    "timezone": "Europe/London",
    "weekly_goal_minutes": "180",
    "remind_inactivity": "on",
    "inactivity_days": "3",
    "preferred_hour": "18:00",
    "quiet_hours_start": "",
    "quiet_hours_end": "",
}


def test_the_page_has_sections_named_choices_and_pickers(catalogue):
    page = signed_in(UserFactory.create()).get("/settings/").content.decode()

    assert "---------" not in page
    for empty in ("Not chosen yet", "No target role yet", "No target level yet"):
        assert f'<option value="" selected>{empty}</option>' in page
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert legends == ["Target", "Weekly goal", "Reminders", "Quiet hours"]
    for name, value in (("preferred_hour", "18:00"), ("quiet_hours_start", None)):
        tag = re.search(rf'<input type="time" name="{name}"[^>]*>', page)
        assert tag is not None, name
        assert 'step="3600"' in tag.group(0)
        assert (f'value="{value}"' in tag.group(0)) if value else ("value=" not in tag.group(0))
    zone = re.search(r'<input type="text" name="timezone"[^>]*>', page)
    assert zone is not None
    assert 'list="time-zones"' in zone.group(0)
    assert 'value="Europe/London"' in zone.group(0)
    listed = re.findall(r'<option value="([^"]+)"></option>', page)
    assert listed == list(timezone_choices())
    assert {"Europe/London", "Asia/Kolkata", "America/New_York", "UTC"} <= set(listed)
    assert not {"Asia/Calcutta", "GB", "US/Eastern", "Etc/GMT+5"} & set(listed)  # old names
    assert "IANA" not in page
    # levels in rank order, not by name
    levels = re.findall(
        r'<option value="\d+">([^<]+)</option>', page.split('name="target_level"')[1]
    )
    assert levels[:4] == ["Junior", "Mid-level", "Senior", "Staff / Principal"]


def test_saving_with_time_pickers_stores_hours(catalogue):
    user = UserFactory.create()
    client = signed_in(user)
    form = {
        **FORM,
        "target_role": Role.objects.get(slug="llm-engineer").pk,
        "target_level": SeniorityLevel.objects.get(slug="junior").pk,
        "timezone": "asia/kolkata",  # found whatever the case
        "preferred_hour": "07:00",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "06:00",
    }

    saved = client.post("/settings/", form)
    page = client.get("/settings/").content.decode()

    assert saved.status_code == 302
    profile = LearnerProfile.objects.get(user=user)
    assert (
        profile.timezone,
        profile.preferred_hour,
        profile.quiet_hours_start,
        profile.quiet_hours_end,
    ) == ("Asia/Kolkata", 7, 22, 6)
    assert 'name="quiet_hours_start" value="22:00"' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "is not a time zone name"),
        ({"timezone": ""}, "timezone", "This field is required."),
        ({"preferred_hour": "07:30"}, "preferred_hour", "Choose a time on the hour"),
        ({"preferred_hour": "25:00"}, "preferred_hour", "Enter a time such as 07:00."),
        ({"quiet_hours_start": "noon"}, "quiet_hours_start", "Enter a time such as 07:00."),
        (
            {"quiet_hours_start": "17:00", "quiet_hours_end": "20:00"},
            "preferred_hour",
            "18:00 is inside your quiet hours",
        ),
    ],
)
def test_bad_values_are_refused_under_their_field(catalogue, changes, field, message):
    user = UserFactory.create()

    response = signed_in(user).post("/settings/", {**FORM, **changes})

    assert response.status_code == 422
    page = response.content.decode()
    after_input = page.split(f'name="{field}"', 1)[1].split("<label", 1)[0]
    assert message in after_input
    for name, value in changes.items():  # what was typed comes back
        if value:
            assert f'name="{name}" value="{value}"' in page
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.timezone, profile.preferred_hour, profile.quiet_hours_start) == (
        "Europe/London",
        18,
        None,
    )
