"""tracker/readiness.py: hand-computed examples and the properties the design pins down."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessments.retention import retained_steps
from tracker import readiness as formula
from tracker.readiness import (
    KIND_CEILING,
    SELF_CLAIM_DISCOUNT,
    UNVERIFIED_WEIGHT,
    CandidateStep,
    Requirement,
    Scorer,
    SkillEvidence,
    next_best_steps,
    proven_level,
    readiness,
)


def evidence(completed=(), claimed=(), verified=(), retained=()):
    """{skill: SkillEvidence} from {skill: level} maps (and retained twentieths)."""
    completed, claimed, verified, retained = map(dict, (completed, claimed, verified, retained))
    return {
        skill: SkillEvidence(
            completed=completed.get(skill, 0),
            claimed=claimed.get(skill, 0),
            verified=verified.get(skill, 0),
            retained_steps=retained.get(skill, 20),
        )
        for skill in completed.keys() | claimed.keys() | verified.keys()
    }


def proficiency(completed=(), claimed=(), verified=(), retained=()):
    return formula.proficiency(evidence(completed, claimed, verified, retained))


def scaled_proficiency(completed=(), claimed=(), verified=(), retained=()):
    return formula.scaled_proficiency(evidence(completed, claimed, verified, retained))


RAG, EVALS, PROMPTS = 1, 2, 3
REQUIREMENTS = [Requirement(RAG, target=4, weight=3), Requirement(EVALS, 2, 1)]


def test_hand_computed_score_and_breakdown():
    # RAG at 2 of 4 (weight 3), evaluation at 2 of 2 (weight 1):
    # 100 * (3 * 2/4 + 1 * 2/2) / 4 = 100 * 2.5 / 4 = 62.5
    result = readiness(REQUIREMENTS, {RAG: Fraction(2), EVALS: Fraction(2)})

    assert result.score == Fraction(125, 2)
    rag, evals = result.breakdown
    assert (rag.target, rag.current, rag.earned, rag.possible) == (4, 2, Fraction(75, 2), 75)
    assert (evals.earned, evals.possible) == (25, 25)


def test_levels_above_the_target_earn_no_more_than_the_target():
    assert readiness(REQUIREMENTS, {RAG: Fraction(5), EVALS: Fraction(5)}).score == 100


def test_self_claims_count_at_the_discount_and_never_above_completed_work():
    levels = proficiency(completed={RAG: 3}, claimed={RAG: 4, EVALS: 4})

    assert Fraction(1, 2) == SELF_CLAIM_DISCOUNT
    assert Fraction(4, 5) == UNVERIFIED_WEIGHT
    # RAG: completed 3 counts 4/5 * 3 = 2.4 > the claim's 4/2 = 2; evaluation: the claim's 2.
    assert levels == {RAG: Fraction(12, 5), EVALS: Fraction(2)}
    # 100 * (3 * 2.4/4 + 1 * 2/2) / 4 = 100 * 2.8 / 4 = 70
    assert readiness(REQUIREMENTS, levels).score == 70


def test_a_passed_check_counts_in_full_and_an_unverified_step_four_fifths():
    # RAG: a project completed at 4 (4/5 * 4 = 3.2) and a check passed at 3 (3): 3.2 counts.
    # Evaluation: a check passed at 2 counts 2 in full, beside a read completed at 2 (1.6).
    levels = proficiency(completed={RAG: 4, EVALS: 2}, verified={RAG: 3, EVALS: 2})

    assert levels == {RAG: Fraction(16, 5), EVALS: Fraction(2)}
    # 100 * (3 * 3.2/4 + 1 * 2/2) / 4 = 100 * 3.4 / 4 = 85
    assert readiness(REQUIREMENTS, levels).score == 85


def test_a_fading_skill_counts_its_retained_fraction_down_to_half():
    # RAG verified at 4, retained 15/20: 3; evaluation verified at 2, at the floor 10/20: 1.
    levels = proficiency(verified={RAG: 4, EVALS: 2}, retained={RAG: 15, EVALS: 10})

    assert levels == {RAG: Fraction(3), EVALS: Fraction(1)}
    # 100 * (3 * 3/4 + 1 * 1/2) / 4 = 100 * 2.75 / 4 = 68.75
    assert readiness(REQUIREMENTS, levels).score == Fraction(275, 4)
    # A claim does not fade: a claim of 4 (2) beats RAG's retained 10/20 of 3 (1.5).
    assert proficiency(verified={RAG: 3}, claimed={RAG: 4}, retained={RAG: 10}) == {
        RAG: Fraction(2)
    }


def test_each_kind_of_step_proves_a_skill_up_to_its_ceiling():
    # "Chunking strategies", a read teaching RAG architecture at 4, proves 2; a project at 4
    # proves 4; an exercise at 4 proves 3; any kind proves no more than it teaches.
    assert [proven_level(kind, 4) for kind in ("read", "course", "exercise")] == [2, 2, 3]
    assert [proven_level(kind, 4) for kind in ("project", "assessment")] == [4, 4]
    assert proven_level("read", 1) == 1
    # Reading alone, unverified: 100 * (3 * 1.6/4 + 1 * 1.6/2) / 4 = 50, however high the
    # reads teach.
    levels = proficiency({RAG: proven_level("read", 5), EVALS: proven_level("read", 4)}, {})
    assert readiness(REQUIREMENTS, levels).score == 50


@given(st.sampled_from(sorted(KIND_CEILING)), st.integers(1, 5), st.integers(1, 5))
def test_a_proven_level_is_bounded_and_monotone(kind, level, higher):
    proven = proven_level(kind, level)

    assert 1 <= proven <= min(level, KIND_CEILING[kind])
    assert proven_level(kind, max(level, higher)) >= proven
    assert proven_level("project", level) == level


def test_no_requirements_is_reported_as_such():
    result = readiness([], {RAG: Fraction(5)})

    assert result.score is None
    assert not result.has_requirements
    assert result.breakdown == ()


def test_next_best_steps_ranked_by_gain_per_hour():
    levels = {RAG: Fraction(2)}
    # Completing a step proves its levels unverified (4/5): evaluation 1.6 of 2 is +20 in
    # 0.5 h; RAG from 2 to 3.2 of 4 is 75 * 1.2 / 4 = +22.5 in 4 h.
    quick_eval = CandidateStep(step_id=10, minutes=30, skill_levels={EVALS: 2})
    long_rag = CandidateStep(step_id=11, minutes=240, skill_levels={RAG: 4})
    useless = CandidateStep(step_id=12, minutes=10, skill_levels={PROMPTS: 5})  # +0

    ranked = next_best_steps(REQUIREMENTS, levels, [long_rag, useless, quick_eval])

    assert [s.step_id for s in ranked] == [10, 11]
    assert ranked[0].gain == 20
    assert ranked[0].gain_per_hour == 40
    assert ranked[1].gain == Fraction(45, 2)


def test_a_step_leaves_a_fading_skill_below_its_level_as_it_is_and_a_lapsed_one_at_its_floor():
    levels = {RAG: Fraction(3, 2), EVALS: Fraction(1, 2)}  # RAG fading, evaluation lapsed
    read = CandidateStep(step_id=10, minutes=60, skill_levels={RAG: 2})  # below RAG's 3
    project = CandidateStep(step_id=11, minutes=60, skill_levels={EVALS: 2})

    ranked = next_best_steps(REQUIREMENTS, levels, [read, project], fading={RAG: 3}, lapsed={EVALS})

    # Evaluation: 4/5 x 2 at the floor (1/2) = 0.8 of 2, from 0.5: 25 x 0.3 / 2 = 3.75.
    assert [(s.step_id, s.gain) for s in ranked] == [(11, Fraction(15, 4))]


# --- Properties -----------------------------------------------------------------------------

skill_ids = st.integers(min_value=1, max_value=8)
requirement_lists = st.lists(
    st.builds(
        Requirement,
        skill_id=skill_ids,
        target=st.integers(1, 5),
        weight=st.integers(1, 10),
    ),
    max_size=8,
    unique_by=lambda r: r.skill_id,
)
level_maps = st.dictionaries(skill_ids, st.integers(0, 5))


@given(requirement_lists, level_maps, level_maps)
def test_score_is_within_0_and_100_and_breakdown_adds_up(requirements, completed, claimed):
    result = readiness(requirements, proficiency(completed, claimed))

    if not requirements:
        assert result.score is None
        return
    assert result.score is not None
    assert 0 <= result.score <= 100
    assert sum(line.earned for line in result.breakdown) == result.score
    assert sum(line.possible for line in result.breakdown) == 100


@given(requirement_lists, level_maps, level_maps, level_maps, level_maps)
def test_more_evidence_never_lowers_any_score(
    requirements, completed, claimed, more_done, more_claimed
):
    before = readiness(requirements, proficiency(completed, claimed)).score
    raised_done = {s: max(completed.get(s, 0), lvl) for s, lvl in (completed | more_done).items()}
    raised_claims = {s: max(claimed.get(s, 0), lvl) for s, lvl in (claimed | more_claimed).items()}

    after = readiness(requirements, proficiency(raised_done, raised_claims)).score

    if before is None:
        assert after is None
    else:
        assert after is not None
        assert after >= before


retained_maps = st.dictionaries(skill_ids, st.integers(10, 20))


@given(requirement_lists, level_maps, level_maps, level_maps, retained_maps, level_maps)
def test_verified_evidence_never_lowers_a_score(
    requirements, completed, claimed, verified, retained, more_verified
):
    before = readiness(requirements, proficiency(completed, claimed, verified, retained)).score
    raised = {s: max(verified.get(s, 0), lvl) for s, lvl in (verified | more_verified).items()}

    after = readiness(requirements, proficiency(completed, claimed, raised, retained)).score

    assert before is None or (after is not None and after >= before)


@given(requirement_lists, level_maps, level_maps, level_maps, retained_maps, retained_maps)
def test_decay_never_raises_a_score(requirements, completed, claimed, verified, retained, drop):
    before = readiness(requirements, proficiency(completed, claimed, verified, retained)).score
    faded = {s: min(retained.get(s, 20), lvl) for s, lvl in (retained | drop).items()}

    after = readiness(requirements, proficiency(completed, claimed, verified, faded)).score

    assert before is None or (after is not None and after <= before)


@given(st.floats(0, 1), st.floats(0, 1))
def test_the_retained_fraction_falls_with_recall_and_stays_within_half_and_whole(r1, r2):
    low, high = sorted((r1, r2))

    assert 10 <= retained_steps(low) <= retained_steps(high) <= 20
    assert retained_steps(0.9) == 20
    assert retained_steps(0.45) == 10
    assert retained_steps(0.8) == 17  # floor(20 * 0.8 / 0.9) = floor(17.8)


@given(requirement_lists, level_maps, level_maps)
def test_same_inputs_give_the_same_output(requirements, completed, claimed):
    first = readiness(requirements, proficiency(completed, claimed))
    second = readiness(list(reversed(requirements)), proficiency(dict(completed), dict(claimed)))

    assert first == second


@given(requirement_lists, level_maps, level_maps, level_maps, retained_maps)
def test_the_bulk_scorer_gives_exactly_the_floats_of_the_exact_arithmetic(
    requirements, completed, claimed, verified, retained
):
    exact = readiness(requirements, proficiency(completed, claimed, verified, retained))

    score, lines = Scorer(requirements).score(
        scaled_proficiency(completed, claimed, verified, retained)
    )

    assert score == (None if exact.score is None else float(exact.score))
    by_skill = {line.skill_id: line for line in exact.breakdown}
    assert len(lines) == len(by_skill)
    for requirement, current, earned, possible in lines:
        line = by_skill[requirement.skill_id]
        assert (current, earned, possible) == (
            float(line.current),
            float(line.earned),
            float(line.possible),
        )


candidate_lists = st.lists(
    st.builds(
        CandidateStep,
        step_id=st.integers(1, 1000),
        minutes=st.integers(0, 600),
        skill_levels=st.dictionaries(skill_ids, st.integers(1, 5), max_size=3),
    ),
    max_size=12,
    unique_by=lambda c: c.step_id,
)


@given(requirement_lists, level_maps, level_maps, candidate_lists)
def test_next_best_steps_gain_exactly_what_the_score_of_each_step_adds(
    requirements, completed, claimed, candidates
):
    """Ranked with integer numerators; each gain is the exact difference of two scores."""
    levels = proficiency(completed, claimed)
    now = readiness(requirements, levels).score

    ranked = next_best_steps(requirements, levels, candidates, limit=len(candidates))

    expected = []
    for step in candidates:
        raised = dict(levels)
        for skill, level in step.skill_levels.items():
            raised[skill] = max(raised.get(skill, Fraction(0)), UNVERIFIED_WEIGHT * level)
        after = readiness(requirements, raised).score
        if now is not None and after is not None and after > now:
            gain = after - now
            expected.append((step.step_id, gain, gain * 60 / max(step.minutes, 1)))
    expected.sort(key=lambda e: (-e[2], -e[1], e[0]))
    assert [(s.step_id, s.gain, s.gain_per_hour) for s in ranked] == expected
