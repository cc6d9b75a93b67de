"""The settings page's review settings: the reviews-due reminder switch and the desired
retention (a choice of four), saved, kept when left out, and refused under the field."""

import re

import pytest

from tests.factories import UserFactory
from tests.web.clients import signed_in
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
    "remind_reviews_due": "on",
    "desired_retention": "0.9",
    "preferred_hour": "18:00",
    "quiet_hours_start": "",
    "quiet_hours_end": "",
}


def reminders_section(page: str) -> str:
    match = re.search(r"<legend>Reminders</legend>(.*?)</fieldset>", page, re.S)
    assert match is not None
    return match.group(1)


def retention_options(page: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select name="desired_retention"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def test_the_reminders_section_has_the_switch_and_the_retention_choice():
    page = signed_in(UserFactory.create()).get("/settings/").content.decode()

    section = reminders_section(page)
    switch = re.search(r'<input type="checkbox" name="remind_reviews_due"[^>]*>', section)
    assert switch is not None
    assert "checked" in switch.group(0)  # on by default
    assert "Remind me when skills are due a review" in section
    assert '<label for="id_desired_retention">Desired retention:</label>' in section
    assert retention_options(section) == [
        ("0.8", "80%", False),
        ("0.85", "85%", False),
        ("0.9", "90% (recommended)", True),
        ("0.95", "95%", False),
    ]
    assert "Higher means more frequent reviews." in section
    assert 'aria-describedby="id_desired_retention_helptext"' in section


def test_saving_turns_the_reminder_off_and_changes_the_retention():
    user = UserFactory.create()
    client = signed_in(user)
    form = {**FORM, "desired_retention": "0.95"}
    del form["remind_reviews_due"]  # an unticked box is left out of the POST

    saved = client.post("/settings/", form)
    page = client.get("/settings/").content.decode()

    assert saved.status_code == 302
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.remind_reviews_due, profile.desired_retention) == (False, 0.95)
    switch = re.search(r'<input type="checkbox" name="remind_reviews_due"[^>]*>', page)
    assert switch is not None
    assert "checked" not in switch.group(0)
    assert ("0.95", "95%", True) in retention_options(page)

    again = client.post("/settings/", {**FORM, "desired_retention": "0.80"})  # however written

    assert again.status_code == 302
    profile.refresh_from_db()
    assert (profile.remind_reviews_due, profile.desired_retention) == (True, 0.8)


def test_a_retention_left_out_of_the_post_is_kept():
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(desired_retention=0.85)
    form = {name: value for name, value in FORM.items() if name != "desired_retention"}

    response = signed_in(user).post("/settings/", form)

    assert response.status_code == 302
    assert LearnerProfile.objects.get(user=user).desired_retention == 0.85


def test_a_retention_set_another_way_is_shown_and_kept():
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(desired_retention=0.93)
    client = signed_in(user)

    options = retention_options(client.get("/settings/").content.decode())
    saved = client.post("/settings/", {**FORM, "desired_retention": "0.93"})

    assert [(value, selected) for value, _label, selected in options] == [
        ("0.8", False),
        ("0.85", False),
        ("0.9", False),
        ("0.93", True),
        ("0.95", False),
    ]
    assert saved.status_code == 302
    assert LearnerProfile.objects.get(user=user).desired_retention == 0.93


@pytest.mark.parametrize("value", ["0.5", "0.97", "1", "ninety", "nan", "inf", "0.9; drop"])
def test_a_retention_not_offered_is_refused_under_its_field(value):
    user = UserFactory.create()

    response = signed_in(user).post(
        "/settings/", {**FORM, "desired_retention": value, "weekly_goal_minutes": "240"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    after_select = page.split('name="desired_retention"', 1)[1].split("<label", 1)[0]
    assert f"Select a valid choice. {value} is not one of the available choices." in after_select
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.desired_retention, profile.weekly_goal_minutes) == (0.9, 180)  # nothing saved
