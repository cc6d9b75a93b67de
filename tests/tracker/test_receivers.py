"""The catalogue's signals reach the learner side (tracker/receivers.py): stale marks in one
statement inside the change's transaction, and the recommendation on the catalogue pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.models import Background, RoleRequirement
from careers.signals import learner_page_context, requirements_changed
from careers.views import _learner_context
from paths.catalogue import catalogue_load, read_catalogue
from paths.signals import catalogue_loaded, path_steps_changed
from tests.factories import RequirementFactory, UserFactory
from tracker.models import LearnerProfile
from tracker.selectors import recommendation_get

pytestmark = pytest.mark.django_db


def stale_ids() -> set[int]:
    return set(
        LearnerProfile.objects.filter(readiness_stale_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def test_the_learner_side_listens_to_every_catalogue_signal():
    for signal in (
        requirements_changed,
        learner_page_context,
        catalogue_loaded,
        path_steps_changed,
    ):
        assert signal.has_listeners()


def test_deleting_requirements_with_the_admin_action_marks_every_learner_stale_at_once(
    curator_client, curator
):
    requirements = [RequirementFactory.create() for _ in range(2)]
    users = [UserFactory.create() for _ in range(3)]
    LearnerProfile.objects.update(readiness_stale_at=None)

    with CaptureQueriesContext(connection) as queries:
        response = curator_client.post(
            reverse("admin:careers_rolerequirement_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [r.pk for r in requirements],
                "post": "yes",
            },
        )

    assert response.status_code == 302
    assert not RoleRequirement.objects.exists()
    assert stale_ids() == {u.pk for u in users} | {curator.pk}
    marks = [q for q in queries if 'UPDATE "tracker_learnerprofile"' in q["sql"]]
    assert len(marks) == 1


def test_a_failing_receiver_rolls_the_delete_back(curator_client):
    requirement = RequirementFactory.create()

    def refuse(**kwargs):
        raise RuntimeError("the learner side is down")

    requirements_changed.connect(refuse, weak=False, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            curator_client.post(
                reverse("admin:careers_rolerequirement_changelist"),
                {"action": "delete_selected", "_selected_action": [requirement.pk], "post": "yes"},
            )
    finally:
        requirements_changed.disconnect(dispatch_uid="test-refuse")

    assert RoleRequirement.objects.filter(pk=requirement.pk).exists()


def test_loading_the_catalogue_marks_every_learner_stale_only_when_it_changed_something():
    users = [UserFactory.create() for _ in range(2)]
    data = read_catalogue()
    catalogue_load(data=data)
    assert stale_ids() == {u.pk for u in users}

    LearnerProfile.objects.update(readiness_stale_at=None)
    catalogue_load(data=data)  # unchanged

    assert stale_ids() == set()


def test_catalogue_pages_get_a_signed_in_learner_their_recommendation(rf, catalogue):
    user = UserFactory.create()
    LearnerProfile.objects.filter(user=user).update(
        background=Background.objects.get(slug="software-engineering")
    )
    signed_in, anonymous = rf.get("/roles/"), rf.get("/roles/")
    signed_in.user, anonymous.user = user, AnonymousUser()

    assert _learner_context(anonymous) == {"recommendation": None}
    recommendation = _learner_context(signed_in)["recommendation"]
    assert recommendation == recommendation_get(user=user)
    assert recommendation.role_slug == "llm-engineer"
