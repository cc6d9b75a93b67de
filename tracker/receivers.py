"""The learner side listening to the catalogue and the skill checks (careers, paths and
assessments send signals and never import tracker, DESIGN §2). Connected in
`TrackerConfig.ready()`.

Catalogue changes mark the affected learners stale, in one set-based statement inside the
transaction of the change; the sweep recomputes them. Catalogue pages get the signed-in
learner's recommendation."""

from typing import Any

from django.http import HttpRequest

from assessments.signals import memory_reviewed, skill_verified
from careers.signals import learner_page_context, requirements_changed
from paths.models import LearningPath
from paths.signals import catalogue_loaded, path_steps_changed
from tracker.models import LearnerProfile, User
from tracker.selectors import learners_of_path, recommendation_get
from tracker.services import learners_mark_stale


def every_learner_stale(**_: Any) -> None:
    """Requirements or step levels changed anywhere: every learner may have another score."""
    learners_mark_stale()


def path_learners_stale(*, path_id: int, **_: Any) -> None:
    """A published path's steps changed: the learners with progress on it."""
    learners_mark_stale(learners=learners_of_path(path=LearningPath(pk=path_id)))


def checked_learner_stale(*, user_id: int, **_: Any) -> None:
    """A learner passed a skill check or did a review: their readiness may have changed."""
    learners_mark_stale(learners=LearnerProfile.objects.filter(user_id=user_id))


def recommendation_context(*, request: HttpRequest, **_: Any) -> dict[str, Any]:
    """The signed-in learner's recommendation, for the roles and compare pages."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"recommendation": recommendation_get(user=user)}


def connect() -> None:
    uid = "tracker.receivers."
    requirements_changed.connect(every_learner_stale, dispatch_uid=uid + "requirements_changed")
    catalogue_loaded.connect(every_learner_stale, dispatch_uid=uid + "catalogue_loaded")
    path_steps_changed.connect(path_learners_stale, dispatch_uid=uid + "path_steps_changed")
    learner_page_context.connect(recommendation_context, dispatch_uid=uid + "recommendation")
    skill_verified.connect(checked_learner_stale, dispatch_uid=uid + "skill_verified")
    memory_reviewed.connect(checked_learner_stale, dispatch_uid=uid + "memory_reviewed")
