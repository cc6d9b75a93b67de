"""Next best steps a learner can take: every suggestion starts with a step they can log as
completed now (prerequisites done, on an active enrolment or a published path at a fitting
level they can enrol on), and a step behind prerequisites comes with its whole chain."""

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from careers.models import Background, Role, SeniorityLevel
from paths.models import LearningPath, Step
from tests.factories import (
    LevelFactory,
    PathFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    StepFactory,
    StepSkillFactory,
    UserFactory,
)
from tracker import selectors
from tracker.models import Enrolment
from tracker.next_steps import Route, StepFacts, candidate_units
from tracker.services import (
    enrolment_create,
    enrolment_set_status,
    learner_profile_update,
    progress_log,
)

# --- The pure unit builder ---------------------------------------------------------------------


def facts(step_id, position, *prerequisites, kind="project", minutes=60, skills=None):
    return StepFacts(step_id, 1, position, kind, minutes, skills or {}, prerequisites)


def test_a_step_behind_prerequisites_comes_with_its_chain_in_path_order():
    steps = [
        facts(1, 1, skills={7: 4}, kind="read"),
        facts(2, 2, 1, skills={7: 4}, kind="exercise"),
        facts(3, 3, 2, 1, skills={7: 4}),
        facts(4, 4),
    ]

    units = candidate_units(steps, [Route(1, 10, frozenset())])

    assert units[1][0].chain == ()
    assert units[3][0].chain == (1, 2)
    assert units[3][0].minutes == 180
    assert units[1][0].skill_levels == {7: 2}  # a read proves up to 2
    assert units[2][0].skill_levels == {7: 3}  # the chain: read 2, exercise 3
    assert units[3][0].skill_levels == {7: 4}  # a project proves its level


def test_completed_steps_are_neither_offered_nor_in_chains():
    steps = [facts(1, 1), facts(2, 2, 1), facts(3, 3, 2)]

    units = candidate_units(steps, [Route(1, 10, frozenset({1}))])

    assert set(units) == {2, 3}
    assert units[3][0].chain == (2,)


step_graphs = st.integers(1, 9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(  # each step's prerequisites among the earlier ones
            st.sets(st.integers(0, n - 1), max_size=3), min_size=n, max_size=n
        ),
        st.sets(st.integers(0, n - 1)),
    )
)


@given(step_graphs)
def test_every_unit_starts_with_a_step_whose_prerequisites_are_done(graph):
    n, prerequisites, done = graph
    steps = [
        facts(i, i, *sorted(p for p in prerequisites[i] if p < i), skills={1: 3}) for i in range(n)
    ]
    route = Route(1, 10, frozenset(done))

    for unit, _ in candidate_units(steps, [route]).values():
        order = [*unit.chain, unit.step_id]
        completed = set(done)
        for step_id in order:  # doing the chain in order, each step is doable when reached
            assert set(steps[step_id].prerequisites) <= completed
            completed.add(step_id)
        assert unit.step_id not in done


# --- Suggestions for real learners ---------------------------------------------------------------


@pytest.fixture
def ladder(db):
    """A role at junior and senior: RAG to 4 (weight 3), evaluation to 2 (weight 1)."""
    role = RoleFactory.create()
    junior = LevelFactory.create(slug="junior-x", rank=11)
    senior = LevelFactory.create(slug="senior-x", rank=13)
    rag, evals = SkillFactory.create(slug="rag-x"), SkillFactory.create(slug="evals-x")
    for level in (junior, senior):
        RequirementFactory.create(role=role, level=level, skill=rag, target_level=4, weight=3)
        RequirementFactory.create(role=role, level=level, skill=evals, target_level=2, weight=1)
    return role, junior, senior, rag, evals


def path_of(role, level, *specs, sequential=True):
    """A published path; each spec: (kind, minutes, {skill: level}, prerequisite positions)."""
    path = PathFactory.create(
        role=role, level=level, status=LearningPath.Status.PUBLISHED, sequential=sequential
    )
    steps: list[Step] = []
    for position, (kind, minutes, skills, after) in enumerate(specs, start=1):
        step = StepFactory.create(
            path=path, position=position, kind=kind, estimated_minutes=minutes
        )
        for skill, taught in skills.items():
            StepSkillFactory.create(step=step, skill=skill, level=taught)
        step.prerequisites.set([steps[p - 1] for p in after])
        steps.append(step)
    return path, steps


def targeting(role: Role, level: SeniorityLevel):
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level)
    return user


def suggestions(user):
    return selectors.dashboard_get(user=user).next_steps


def test_hand_computed_suggestions_on_an_enrolment_with_a_prerequisite_chain(ladder):
    role, junior, _, rag, evals = ladder
    path, (read, project, quiz) = path_of(
        role,
        junior,
        # Completed steps count 4/5 of what they prove until a check verifies it.
        ("read", 60, {rag: 4}, []),  # proves RAG 2 (1.6): 100 * 3 * 1.6/4 / 4 = 30 in 1 h
        ("project", 540, {rag: 4}, [1]),  # RAG 4 (3.2) after the read: 60 points in 10 h
        ("assessment", 60, {evals: 2}, [2]),  # evaluation 2 (1.6): 20 points, behind 10 h
    )
    user = targeting(role, junior)
    enrolment = enrolment_create(user=user, path=path)

    first = suggestions(user)

    assert [(n.step.pk, [s.pk for s in n.chain], n.enrolment_id) for n in first] == [
        (read.pk, [read.pk], enrolment.pk),  # 30 an hour
    ]
    assert first[0].gain == 30
    # Of the three units that start with the read (read; read + project; read + project +
    # quiz: 80 points in 11 h, 7.3 an hour), the best is kept: one suggestion per first step.

    progress_log(enrolment=enrolment, step=read, minutes=60, status="completed")
    after_read = suggestions(user)

    assert [(n.step.pk, [s.pk for s in n.chain]) for n in after_read] == [
        (project.pk, [project.pk, quiz.pk]),  # 50 points in 10 h beats 30 in 9 h
    ]
    assert after_read[0].gain == 50
    assert after_read[0].minutes == 600


def test_paths_above_the_target_level_and_paused_enrolments_are_not_offered(ladder):
    role, junior, senior, rag, _ = ladder
    _, (senior_step,) = path_of(role, senior, ("project", 60, {rag: 4}, []))
    paused_path, (paused_step,) = path_of(role, junior, ("project", 60, {rag: 4}, []))
    _, (open_step,) = path_of(role, junior, ("project", 120, {rag: 4}, []))
    user = targeting(role, junior)
    paused = enrolment_create(user=user, path=paused_path)
    enrolment_set_status(enrolment=paused, status="paused")

    offered = {n.step.pk: n.enrolment_id for n in suggestions(user)}

    assert offered == {open_step.pk: None}  # not enrolled: enrol first
    assert senior_step.pk not in offered
    assert paused_step.pk not in offered


def test_every_suggestion_on_the_real_catalogue_can_be_logged_as_completed(catalogue):
    """For learners at several stages: each suggested step is logged as completed by the
    service (enrolling first where the suggestion says so), in a transaction rolled back."""
    role = Role.objects.get(slug="llm-engineer")
    for level in SeniorityLevel.objects.order_by("rank"):
        user = targeting(role, level)
        path = LearningPath.objects.filter(status="published", level__rank__lte=level.rank).first()
        if path is not None:  # a learner under way: the path's first step done
            enrolment = enrolment_create(user=user, path=path)
            first = path.steps.get(position=1)
            progress_log(enrolment=enrolment, step=first, minutes=10, status="completed")
        offered = suggestions(user)
        assert offered, (role.slug, level.slug)
        for suggestion in offered:
            with transaction.atomic():
                enrolment = (
                    Enrolment.objects.get(pk=suggestion.enrolment_id)
                    if suggestion.enrolment_id
                    else enrolment_create(user=user, path=suggestion.step.path)
                )
                for step in suggestion.chain:  # the chain, in order, is doable step by step
                    progress_log(enrolment=enrolment, step=step, minutes=10, status="completed")
                transaction.set_rollback(True)


def test_without_a_target_the_recommended_role_gives_the_suggestions(catalogue):
    user = UserFactory.create()
    learner_profile_update(user=user, background=Background.objects.get(slug="backend-engineering"))

    dashboard = selectors.dashboard_get(user=user)

    assert dashboard.target_score is None
    assert dashboard.next_steps_for is not None
    assert dashboard.next_steps_for.role.slug == "llm-engineer"
    assert dashboard.next_steps


def test_a_new_learner_with_a_target_has_a_zero_score_breakdown_and_steps_at_once(
    client_for, catalogue
):
    user = UserFactory.create()
    api = client_for(user)

    api.patch(
        "/api/v1/me/", {"target_role": "llm-engineer", "target_level": "junior"}, format="json"
    )
    detail = api.get("/api/v1/readiness/llm-engineer/?level=junior")
    dashboard = api.get("/api/v1/dashboard/")

    assert detail.status_code == 200
    body = detail.json()
    assert body["score"] == 0
    required = Role.objects.get(slug="llm-engineer").requirements.filter(level__slug="junior")
    assert len(body["breakdown"]) == required.count() > 0
    assert all(line["current"] == 0 for line in body["breakdown"])
    assert body["next_steps"]
    assert all(step["enrolment"] is None for step in body["next_steps"])  # enrol first
    assert dashboard.json()["target"]["score"] == 0
    assert dashboard.json()["next_steps_for"]["role"] == "llm-engineer"
    assert Step.objects.filter(pk=body["next_steps"][0]["step"]).exists()


# --- What a path covers, and acting on a suggestion on the web ----------------------------------


def test_a_path_states_the_readiness_it_gives_and_the_paths_that_fill_its_gaps(ladder, client):
    role, junior, _, rag, evals = ladder
    path, _ = path_of(role, junior, ("read", 60, {rag: 4}, []), ("project", 120, {evals: 2}, [1]))
    further, _ = path_of(role, junior, ("project", 300, {rag: 4}, []))
    path_of(role, junior, ("exercise", 30, {rag: 2}, []))  # proves no more than the read

    coverage = selectors.path_coverage_get(path=path)
    page = client.get(f"/paths/{path.slug}/").content.decode()

    # RAG 2 of 4 (a read proves 2), evaluation 2 of 2: 100 * (3 * 2/4 + 1) / 4 = 62.5 once
    # verified; from the completed steps alone (4/5): 100 * (3 * 1.6/4 + 1.6/2) / 4 = 50
    assert coverage.score == 62.5
    assert coverage.unverified_score == 50
    assert [(g.line["skill"], g.line["current"], g.line["target"]) for g in coverage.gaps] == [
        (rag.slug, 2, 4)
    ]
    assert [(p.slug, level) for p, level in coverage.gaps[0].filled_by] == [(further.slug, 4)]
    assert 'data-testid="path-coverage">62%</strong>' in page  # 62.5 shown to the unit
    assert "(50% from the completed steps alone)" in page
    assert f'href="/paths/{further.slug}/"' in page


def test_an_enrolled_learner_sees_continue_and_a_suggestion_opens_its_step(ladder, client):
    role, junior, _, rag, _ = ladder
    path, (first, second) = path_of(
        role, junior, ("project", 60, {rag: 2}, []), ("project", 60, {rag: 4}, [])
    )
    user = targeting(role, junior)
    client.force_login(user)

    enrolled = client.post(f"/paths/{path.slug}/enrol/", {"step": str(second.pk)})
    enrolment = Enrolment.objects.get(user=user, path=path)
    page = client.get(f"/paths/{path.slug}/").content.decode()
    log_form = client.get(enrolled["Location"]).content.decode()

    assert enrolled["Location"] == f"/enrolments/{enrolment.pk}/?step={second.pk}#log"
    assert f'href="/enrolments/{enrolment.pk}/">Continue</a>' in page
    assert "Enrol on this path" not in page
    assert f'<option value="{second.pk}" selected>' in log_form
    assert f'<option value="{first.pk}" selected>' not in log_form
