"""tracker/services.py: the writes, and every way they refuse bad input."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from paths.models import LearningPath
from tests.factories import PathFactory, SkillFactory, UserFactory, published_path
from tracker import services
from tracker.models import Enrolment, LearnerProfile, ProgressEntry, SkillClaim
from tracker.services import (
    ProgressConflict,
    enrolment_create,
    enrolment_set_status,
    enrolment_set_target_date,
    learner_profile_update,
    progress_log,
    skill_claim_delete,
    skill_claim_set,
)

pytestmark = pytest.mark.django_db


def stale_at(user):
    return LearnerProfile.objects.get(user=user).readiness_stale_at


# --- Profile ---------------------------------------------------------------------------------


def test_profile_is_created_with_the_user():
    user = UserFactory.create()

    profile = LearnerProfile.objects.get(user=user)
    assert profile.timezone == "Europe/London"
    assert profile.readiness_stale_at is None


def test_profile_refuses_an_unknown_timezone_and_keeps_the_old_one(learner):
    with pytest.raises(ValidationError) as error:
        learner_profile_update(user=learner, timezone="Mars/Olympus_Mons", weekly_goal_minutes=60)

    assert "timezone" in error.value.message_dict
    profile = LearnerProfile.objects.get(user=learner)
    assert (profile.timezone, profile.weekly_goal_minutes) == ("Europe/London", 180)


def test_profile_accepts_iana_names_and_refuses_bad_hours(learner):
    learner_profile_update(user=learner, timezone="Pacific/Kiritimati", preferred_hour=7)

    with pytest.raises(ValidationError):
        learner_profile_update(user=learner, preferred_hour=24)
    with pytest.raises(ValidationError):
        learner_profile_update(user=learner, is_staff=True)
    profile = LearnerProfile.objects.get(user=learner)
    assert (profile.timezone, profile.preferred_hour) == ("Pacific/Kiritimati", 7)


# --- Enrolment -------------------------------------------------------------------------------


def test_only_published_paths_accept_enrolments(learner):
    draft = PathFactory.create(status=LearningPath.Status.DRAFT)

    with pytest.raises(ValidationError, match="not published"):
        enrolment_create(user=learner, path=draft)
    assert Enrolment.objects.count() == 0


def test_one_open_enrolment_per_learner_and_path(learner):
    path = published_path()
    enrolment_create(user=learner, path=path)

    with pytest.raises(ValidationError, match="already enrolled"):
        enrolment_create(user=learner, path=path)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=learner, path=path, status=Enrolment.Status.PAUSED)
    assert Enrolment.objects.filter(user=learner).count() == 1


def test_pause_resume_withdraw_and_reenrol_keeps_history(learner):
    path = published_path()
    first = enrolment_create(user=learner, path=path)
    progress_log(enrolment=first, step=path.steps.get(position=1), minutes=30)

    assert enrolment_set_status(enrolment=first, status="paused").status == "paused"
    assert enrolment_set_status(enrolment=first, status="active").status == "active"
    assert enrolment_set_status(enrolment=first, status="withdrawn").status == "withdrawn"
    with pytest.raises(ValidationError, match="withdrawn enrolment cannot become active"):
        enrolment_set_status(enrolment=first, status="active")

    again = enrolment_create(user=learner, path=path)

    # Enrolling again reopens the withdrawn enrolment: its entries count again (issue 16).
    assert again.pk == first.pk
    assert Enrolment.objects.get(pk=first.pk).status == "active"
    assert Enrolment.objects.filter(user=learner, path=path).count() == 1
    assert ProgressEntry.objects.filter(enrolment=first).count() == 1


def test_reenrolling_after_withdrawing_keeps_the_completed_steps(learner):
    path = published_path(steps=3)
    first = enrolment_create(
        user=learner, path=path, target_date=timezone.localdate() + timedelta(days=30)
    )
    progress_log(enrolment=first, step=path.steps.get(position=1), minutes=30, status="completed")
    enrolment_set_status(enrolment=first, status="withdrawn")

    again = enrolment_create(user=learner, path=path)

    assert (again.pk, again.status, again.completed_at) == (first.pk, "active", None)
    assert again.target_date == first.target_date  # still ahead: kept
    assert list(
        ProgressEntry.objects.filter(enrolment=again, status="completed").values_list(
            "step__position", flat=True
        )
    ) == [1]
    assert stale_at(learner) is not None


def test_after_a_completed_enrolment_a_new_one_starts_afresh(learner):
    path = published_path(steps=1)
    first = enrolment_create(user=learner, path=path)
    progress_log(enrolment=first, step=path.steps.get(), minutes=30, status="completed")

    again = enrolment_create(user=learner, path=path)

    assert again.pk != first.pk
    assert Enrolment.objects.get(pk=first.pk).status == "completed"
    assert ProgressEntry.objects.filter(enrolment=again).count() == 0


def test_an_old_withdrawal_stays_closed_after_a_later_completed_run(learner):
    path = published_path(steps=1)
    withdrawn = enrolment_create(user=learner, path=path)
    enrolment_set_status(enrolment=withdrawn, status="withdrawn")
    Enrolment.objects.create(user=learner, path=path, status="completed")

    again = enrolment_create(user=learner, path=path)

    assert again.pk != withdrawn.pk
    assert Enrolment.objects.get(pk=withdrawn.pk).status == "withdrawn"
    assert Enrolment.objects.filter(user=learner, path=path).count() == 3


def test_the_latest_enrolment_is_the_latest_made_not_the_latest_stored(learner):
    """An earlier run stored afterwards (imported history) does not stop reopening the one
    withdrawn last."""
    path = published_path(steps=1)
    withdrawn = enrolment_create(user=learner, path=path)
    enrolment_set_status(enrolment=withdrawn, status="withdrawn")
    Enrolment.objects.create(
        user=learner,
        path=path,
        status="completed",
        enrolled_at=withdrawn.enrolled_at - timedelta(days=90),
    )

    again = enrolment_create(user=learner, path=path)

    assert again.pk == withdrawn.pk
    assert again.status == "active"


def test_undo_is_refused_once_the_path_is_archived(learner):
    path = published_path()
    enrolment = enrolment_create(user=learner, path=path)
    enrolment_set_status(enrolment=enrolment, status="withdrawn")
    LearningPath.objects.filter(pk=path.pk).update(status=LearningPath.Status.ARCHIVED)

    with pytest.raises(ValidationError, match="no longer published"):
        services.enrolment_withdrawal_undo(enrolment=enrolment, status="active")
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


@pytest.mark.parametrize("before", ["active", "paused"])
def test_a_withdrawal_is_undone_to_the_status_it_had(learner, before):
    enrolment = enrolment_create(user=learner, path=published_path())
    enrolment_set_status(enrolment=enrolment, status=before)
    enrolment_set_status(enrolment=enrolment, status="withdrawn")

    undone = services.enrolment_withdrawal_undo(enrolment=enrolment, status=before)

    assert Enrolment.objects.get(pk=enrolment.pk).status == before == undone.status


def test_undo_is_refused_late_or_on_an_open_enrolment(learner):
    enrolment = enrolment_create(user=learner, path=published_path())
    with pytest.raises(ValidationError, match="not withdrawn"):
        services.enrolment_withdrawal_undo(enrolment=enrolment, status="active")
    enrolment_set_status(enrolment=enrolment, status="withdrawn")
    with pytest.raises(ValidationError, match="only go back to active or paused"):
        services.enrolment_withdrawal_undo(enrolment=enrolment, status="completed")
    late = timezone.now() - services.WITHDRAW_UNDO_WINDOW - timedelta(seconds=1)
    Enrolment.objects.filter(pk=enrolment.pk).update(updated_at=late)

    with pytest.raises(ValidationError, match="too late to undo"):
        services.enrolment_withdrawal_undo(enrolment=enrolment, status="active")
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


def test_complete_by_hand_and_unknown_status(learner):
    enrolment = enrolment_create(user=learner, path=published_path())

    with pytest.raises(ValidationError, match="not a status"):
        enrolment_set_status(enrolment=enrolment, status="finished")
    done = enrolment_set_status(enrolment=enrolment, status="completed")

    assert done.status == "completed"
    assert done.completed_at is not None


def test_target_date_cannot_be_in_the_past(learner):
    enrolment = enrolment_create(user=learner, path=published_path())
    today = timezone.localdate()

    with pytest.raises(ValidationError, match="past"):
        enrolment_set_target_date(enrolment=enrolment, target_date=today - timedelta(days=2))
    enrolment_set_target_date(enrolment=enrolment, target_date=today + timedelta(days=30))

    enrolment.refresh_from_db()
    assert enrolment.target_date == today + timedelta(days=30)


# --- Progress --------------------------------------------------------------------------------


@pytest.fixture
def enrolment(learner):
    return enrolment_create(user=learner, path=published_path(steps=3))


def test_progress_is_recorded_and_marks_the_learner_stale(enrolment):
    step = enrolment.path.steps.get(position=1)
    before = timezone.now()

    result = progress_log(
        enrolment=enrolment, step=step, minutes=45, status="completed", note="Done"
    )

    assert result.created
    entry = ProgressEntry.objects.get()
    assert (entry.user_id, entry.step_id, entry.minutes, entry.status, entry.note) == (
        enrolment.user_id,
        step.pk,
        45,
        "completed",
        "Done",
    )
    assert stale_at(enrolment.user) >= before


def test_step_must_belong_to_the_enrolments_path(enrolment):
    other_step = published_path().steps.get(position=1)

    with pytest.raises(ValidationError) as error:
        progress_log(enrolment=enrolment, step=other_step, minutes=10)

    assert error.value.message_dict == {"step": ["This step is not part of the enrolment's path."]}
    assert ProgressEntry.objects.count() == 0


@pytest.mark.parametrize("minutes", [-1, 1441, 10**9, 2.5, "30", True, None, float("nan")])
def test_minutes_must_be_a_whole_number_from_0_to_1440(enrolment, minutes):
    with pytest.raises(ValidationError) as error:
        progress_log(
            enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=minutes
        )

    assert "minutes" in error.value.message_dict
    assert ProgressEntry.objects.count() == 0


@pytest.mark.parametrize("minutes", [0, 1440])
def test_minutes_bounds_are_allowed(enrolment, minutes):
    progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=minutes)

    assert ProgressEntry.objects.get().minutes == minutes


def test_occurred_at_may_be_backdated_but_not_in_the_future(enrolment):
    step = enrolment.path.steps.get(position=1)
    now = timezone.now()

    progress_log(enrolment=enrolment, step=step, minutes=5, occurred_at=now - timedelta(days=20))
    progress_log(enrolment=enrolment, step=step, minutes=5, occurred_at=now + timedelta(minutes=4))
    for bad in (now + timedelta(minutes=6), now - timedelta(days=400)):
        with pytest.raises(ValidationError) as error:
            progress_log(enrolment=enrolment, step=step, minutes=5, occurred_at=bad)
        assert "occurred_at" in error.value.message_dict

    assert ProgressEntry.objects.count() == 2


def test_paused_enrolment_refuses_progress(enrolment):
    enrolment_set_status(enrolment=enrolment, status="paused")

    with pytest.raises(ValidationError, match="paused; resume it"):
        progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=5)


def test_bad_evidence_url_is_refused(enrolment):
    with pytest.raises(ValidationError) as error:
        progress_log(
            enrolment=enrolment,
            step=enrolment.path.steps.get(position=1),
            minutes=5,
            evidence_url="javascript:alert(1)",
        )

    assert "evidence_url" in error.value.message_dict
    assert ProgressEntry.objects.count() == 0


def test_sequential_path_names_the_missing_prerequisites(learner):
    path = published_path(steps=3, sequential=True)
    first, second, third = path.steps.order_by("position")
    third.prerequisites.add(first, second)
    enrolment = enrolment_create(user=learner, path=path)
    progress_log(enrolment=enrolment, step=first, minutes=20, status="completed")

    with pytest.raises(ValidationError) as error:
        progress_log(enrolment=enrolment, step=third, minutes=20, status="completed")

    assert error.value.message_dict["step"] == [
        f'Complete its prerequisites first: step 2 "{second.title}".'
    ]
    progress_log(enrolment=enrolment, step=third, minutes=20, status="started")  # allowed
    progress_log(enrolment=enrolment, step=second, minutes=20, status="completed")
    progress_log(enrolment=enrolment, step=third, minutes=20, status="completed")
    assert ProgressEntry.objects.filter(status="completed").count() == 3


def test_same_client_id_and_content_returns_the_existing_entry(enrolment):
    step, client_id = enrolment.path.steps.get(position=1), uuid.uuid4()
    occurred = timezone.now() - timedelta(hours=1)

    first = progress_log(
        enrolment=enrolment, step=step, minutes=30, occurred_at=occurred, client_id=client_id
    )
    replay = progress_log(
        enrolment=enrolment, step=step, minutes=30, occurred_at=occurred, client_id=client_id
    )
    replay_without_time = progress_log(
        enrolment=enrolment, step=step, minutes=30, client_id=client_id
    )

    assert first.created
    assert not replay.created
    assert replay.entry.pk == first.entry.pk == replay_without_time.entry.pk
    assert ProgressEntry.objects.count() == 1


def test_a_replay_of_the_entry_that_completed_the_enrolment_is_still_a_replay(enrolment):
    """The checks refuse new entries on the now completed enrolment; the replay is found
    anyway, and other content under that client id is still a conflict."""
    steps, client_id = list(enrolment.path.steps.order_by("position")), uuid.uuid4()
    for step in steps[:-1]:
        progress_log(enrolment=enrolment, step=step, minutes=10, status="completed")
    first = progress_log(
        enrolment=enrolment, step=steps[-1], minutes=10, status="completed", client_id=client_id
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    replay = progress_log(
        enrolment=enrolment, step=steps[-1], minutes=10, status="completed", client_id=client_id
    )
    with pytest.raises(ProgressConflict):
        progress_log(
            enrolment=enrolment, step=steps[-1], minutes=11, status="completed", client_id=client_id
        )

    assert not replay.created
    assert replay.entry.pk == first.entry.pk
    assert ProgressEntry.objects.count() == len(steps)


def test_same_client_id_with_other_content_is_a_conflict(enrolment):
    step, client_id = enrolment.path.steps.get(position=1), uuid.uuid4()
    progress_log(enrolment=enrolment, step=step, minutes=30, client_id=client_id)

    with pytest.raises(ProgressConflict):
        progress_log(enrolment=enrolment, step=step, minutes=31, client_id=client_id)

    assert ProgressEntry.objects.get().minutes == 30


def test_a_client_id_taken_on_another_enrolment_is_a_conflict(enrolment, monkeypatch):
    """Two enrolments' locks do not serialise each other: the unique constraint decides, and
    the replay lookup runs once, after the insert has failed (not before every insert)."""
    client_id = uuid.uuid4()
    second = enrolment_create(user=enrolment.user, path=published_path(steps=1))
    progress_log(
        enrolment=enrolment,
        step=enrolment.path.steps.get(position=1),
        minutes=5,
        client_id=client_id,
    )
    real_replay = services._progress_replay
    checks = []

    def counted(*args):
        checks.append(args)
        return real_replay(*args)

    monkeypatch.setattr(services, "_progress_replay", counted)

    with pytest.raises(ProgressConflict):
        progress_log(enrolment=second, step=second.path.steps.get(), minutes=5, client_id=client_id)

    assert len(checks) == 1
    assert ProgressEntry.objects.count() == 1


def test_client_ids_are_per_learner(enrolment):
    client_id = uuid.uuid4()
    other = enrolment_create(user=UserFactory.create(), path=enrolment.path)
    progress_log(
        enrolment=enrolment,
        step=enrolment.path.steps.get(position=1),
        minutes=5,
        client_id=client_id,
    )

    result = progress_log(
        enrolment=other, step=other.path.steps.get(position=1), minutes=5, client_id=client_id
    )

    assert result.created
    assert ProgressEntry.objects.count() == 2


def test_completing_the_last_step_completes_the_enrolment(enrolment):
    steps = list(enrolment.path.steps.order_by("position"))
    for step in steps[:-1]:
        progress_log(enrolment=enrolment, step=step, minutes=10, status="completed")
    progress_log(enrolment=enrolment, step=steps[-1], minutes=10, status="started")
    enrolment.refresh_from_db()
    assert enrolment.status == "active"

    progress_log(enrolment=enrolment, step=steps[-1], minutes=10, status="completed")

    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    assert enrolment.completed_at is not None


# --- Skill claims ----------------------------------------------------------------------------


def test_skill_claim_is_upserted_and_marks_stale(learner):
    skill = SkillFactory.create()

    skill_claim_set(user=learner, skill=skill, level=2)
    claim = skill_claim_set(
        user=learner, skill=skill, level=4, evidence_url="https://github.com/me/rag"
    )

    assert SkillClaim.objects.get().level == 4
    assert claim.evidence_url == "https://github.com/me/rag"
    assert stale_at(learner) is not None


@pytest.mark.parametrize("level", [0, 6, "3", 2.0, True])
def test_skill_claim_level_must_be_1_to_5(learner, level):
    with pytest.raises(ValidationError) as error:
        skill_claim_set(user=learner, skill=SkillFactory.create(), level=level)

    assert "level" in error.value.message_dict
    assert SkillClaim.objects.count() == 0


def test_deleting_a_claim_marks_stale(learner):
    claim = skill_claim_set(user=learner, skill=SkillFactory.create(), level=3)
    LearnerProfile.objects.filter(user=learner).update(readiness_stale_at=None)

    skill_claim_delete(claim=claim)

    assert SkillClaim.objects.count() == 0
    assert stale_at(learner) is not None
