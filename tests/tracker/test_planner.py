"""tracker/planner.py: hand-checked small plans, and the properties the design pins down."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.planner import PlanStep, _minutes_to, _Scored, greedy, pace_factor, plan
from tracker.readiness import SCALE, Requirement

RAG, EVALS = 1, 2
# RAG to 2 (weight 1), evaluation to 2 (weight 1): each skill is 50 points.
REQUIREMENTS = [Requirement(RAG, target=2, weight=1), Requirement(EVALS, target=2, weight=1)]


def test_a_small_plan_by_hand():
    """A short read on RAG (proves 1: 4/5 of 1 counts, 20 points in 30 min), a project on
    evaluation behind a 30-minute prerequisite worth nothing (proves 2: 40 points in 150 min),
    with 120 minutes a week."""
    steps = [
        PlanStep(1, 30, {RAG: 1}),
        PlanStep(2, 30, {}),
        PlanStep(3, 120, {EVALS: 2}, prerequisites=(2,)),
    ]

    result = plan(requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=120)

    assert result.order == (1, 2, 3)
    assert [(w.index, w.step_ids, w.minutes, w.readiness) for w in result.weeks] == [
        (0, (1, 2, 3), 120, 20),  # the project started, not finished: 20 points so far
        (1, (3,), 60, 60),
    ]
    assert (result.start, result.target_week, result.minutes_to_target) == (0, None, None)


def test_the_week_the_target_is_reached_and_the_minutes_it_takes():
    steps = [PlanStep(1, 90, {RAG: 2}), PlanStep(2, 90, {EVALS: 2})]

    result = plan(
        requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=60, target=Fraction(80)
    )

    # 40 points each (4/5 of 2 of 2): 80 after both, 180 minutes, the third week (index 2).
    assert result.target_week == 2
    assert result.minutes_to_target == 180


def test_a_valuable_step_behind_a_prerequisite_beats_the_greedy_baseline():
    """Greedy takes the slow little step first (5 points an hour); the chain of a worthless
    10-minute step and a 30-minute project (40 points in 40 minutes) reaches 40 sooner."""
    steps = [
        PlanStep(1, 240, {RAG: 1}),  # 4/5 of 1 of 2: 20 points in 4 h
        PlanStep(2, 10, {}),
        PlanStep(3, 30, {EVALS: 2}, prerequisites=(2,)),
    ]
    target = Fraction(40)

    chosen = plan(
        requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=600, target=target
    )
    baseline = greedy(_Scored(REQUIREMENTS, {}), {s.step_id: s for s in steps}, target)

    assert chosen.order == (2, 3)
    assert chosen.minutes_to_target == 40
    assert baseline[0] == 1  # 20 points in 4 h beat nothing in 10 min


def test_the_learners_own_pace_corrects_estimates_within_bounds():
    assert pace_factor([]) == 1
    assert pace_factor([(60, 90), (30, 45)]) == Fraction(3, 2)
    assert pace_factor([(60, 600)]) == 2  # at most double
    assert pace_factor([(60, 6)]) == Fraction(1, 2)


# --- Properties ---------------------------------------------------------------------------------

skill_ids = st.integers(1, 4)
requirement_lists = st.lists(
    st.builds(Requirement, skill_id=skill_ids, target=st.integers(1, 5), weight=st.integers(1, 5)),
    min_size=1,
    max_size=4,
    unique_by=lambda r: r.skill_id,
)


@st.composite
def step_lists(draw):
    count = draw(st.integers(0, 8))
    steps = []
    for step_id in range(1, count + 1):
        earlier = list(range(1, step_id))
        prerequisites = (
            tuple(draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)))
            if earlier
            else ()
        )
        steps.append(
            PlanStep(
                step_id,
                draw(st.integers(5, 300)),
                draw(st.dictionaries(skill_ids, st.integers(1, 5), max_size=2)),
                prerequisites,
            )
        )
    return steps


levels_now = st.dictionaries(skill_ids, st.integers(0, 5 * SCALE))


@settings(max_examples=60, deadline=None)
@given(requirement_lists, levels_now, step_lists(), st.integers(30, 600), st.integers(10, 100))
def test_every_plan_is_doable_within_the_goal_and_never_slower_than_greedy(
    requirements, levels, steps, weekly, target
):
    target = Fraction(target)
    result = plan(
        requirements=requirements, levels=levels, steps=steps, weekly_minutes=weekly, target=target
    )
    by_id = {s.step_id: s for s in steps}

    done: set[int] = set()
    for step_id in result.order:  # every step is doable when it is reached
        assert all(p in done for p in by_id[step_id].prerequisites)
        done.add(step_id)
    assert len(done) == len(result.order)
    assert all(week.minutes <= weekly for week in result.weeks)
    curve = [result.start, *(week.readiness for week in result.weeks)]
    assert curve == sorted(curve)  # the projection never goes down
    if result.target_week is not None and result.weeks:
        assert result.weeks[-1].readiness >= target or result.start >= target
    baseline = greedy(_Scored(requirements, levels), by_id, target)
    ours = result.minutes_to_target
    theirs = _minutes_to(baseline, by_id, _Scored(requirements, levels), target)
    if theirs is not None:
        assert ours is not None
        assert ours <= theirs


def test_the_first_week_has_what_is_left_of_the_goal():
    steps = [PlanStep(1, 90, {RAG: 2}), PlanStep(2, 0, {EVALS: 1})]

    result = plan(
        requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=60, first_week_minutes=0
    )

    # Nothing left this week (the goal is met): the 90-minute step starts next week; the step
    # of no minutes (most readiness per hour) is listed first, this week.
    assert result.order == (2, 1)
    assert [(w.index, w.step_ids, w.minutes) for w in result.weeks] == [
        (0, (2,), 0),
        (1, (1,), 60),
        (2, (1,), 30),
    ]


def test_steps_that_add_nothing_after_the_last_gain_are_not_planned():
    """The target (100) is out of reach: the plan stops at the last step that adds readiness
    instead of padding with every step that adds none."""
    steps = [
        PlanStep(1, 30, {RAG: 2}),
        PlanStep(2, 10, {}),  # adds nothing, leads nowhere
        PlanStep(3, 20, {RAG: 1}),  # adds nothing once RAG is at 2
    ]

    result = plan(requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=60)

    assert result.order == (1,)
    assert result.target_week is None
    assert result.target_step is None


def test_a_step_waiting_on_a_step_out_of_reach_is_never_planned():
    """Step 2 waits on step 99, which the learner cannot do: neither method plans it."""
    steps = [PlanStep(2, 30, {RAG: 2}, prerequisites=(99,)), PlanStep(3, 60, {EVALS: 1})]

    result = plan(requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=60)

    assert result.order == (3,)


def test_the_step_that_reaches_the_target_is_named():
    steps = [PlanStep(1, 30, {RAG: 2}), PlanStep(2, 45, {EVALS: 2})]

    result = plan(
        requirements=REQUIREMENTS, levels={}, steps=steps, weekly_minutes=60, target=Fraction(80)
    )

    assert (result.target_step, result.minutes_to_target, result.target_week) == (2, 75, 1)
