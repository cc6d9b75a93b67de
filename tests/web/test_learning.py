"""The learner's pages of issue 16: the logging result next to the button (progress and the
readiness change), one-tap "done", notes and evidence per step, "Continue" on the path page,
withdraw (asked first, undone, re-enrolled with completed steps kept) and a dashboard that puts
readiness first."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from careers.models import Role, SeniorityLevel
from paths.models import LearningPath
from tests.factories import UserFactory
from tests.web.clients import learner_targeting, signed_in
from tracker.demo import demo_history_seed
from tracker.models import Enrolment, ProgressEntry, ReadinessScore, ReadinessSnapshot, User
from tracker.recompute import readiness_score_compute
from tracker.selectors import dashboard_get
from tracker.services import (
    enrolment_create,
    enrolment_set_status,
    progress_log,
)

pytestmark = pytest.mark.django_db

LLM_PATH = "llm-engineer-from-backend"


@pytest.fixture
def enrolment(catalogue) -> Enrolment:
    return enrolment_create(user=learner_targeting(), path=LearningPath.objects.get(slug=LLM_PATH))


def live_score(user: User) -> float:
    role, level = Role.objects.get(slug="llm-engineer"), SeniorityLevel.objects.get(slug="junior")
    score = readiness_score_compute(user_id=user.pk, role=role, level=level).score
    assert score is not None
    return score


def step_item(page: str, step_pk: int) -> str:
    """The <li> of one step on the enrolment page."""
    match = re.search(rf'<li id="step-{step_pk}".*?(?=<li id="step-|</ol>)', page, re.S)
    assert match is not None, step_pk
    return match.group(0)


# --- Logging: the result next to the button ---------------------------------------------------


def test_htmx_log_answers_the_log_card_with_progress_and_the_readiness_change(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=1)
    before = live_score(enrolment.user)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": step.pk, "minutes": 40, "status": "completed"},
        HTTP_HX_REQUEST="true",
    )

    after = live_score(enrolment.user)
    body = response.content.decode()
    assert response.status_code == 200
    assert after > before
    result = re.search(r'data-testid="log-result">(.*?)</div>', body, re.S)
    assert result is not None
    lines = re.findall(r"<p>(.*?)</p>", result.group(1))
    assert lines == [
        f"Logged 40 minutes on “{step.title}”, done.",
        "Path progress: 9%, 1 of 11 steps done.",
        f"Readiness for LLM Engineer, Junior: {before:.0f}% → {after:.0f}%.",
    ]
    # The steps list and the live region are swapped out of band; the live region stays.
    assert '<div id="progress-area" hx-swap-oob="true">' in body
    announce = re.search(r'<div id="announce" hx-swap-oob="innerHTML">(.*?)</div>', body, re.S)
    assert announce is not None
    assert announce.group(1) == " ".join(lines)
    assert 'data-status="completed"' in body
    assert 'id="log-submit"' in body  # the button keeps its id: htmx gives it focus back
    assert ReadinessScore.objects.filter(user=enrolment.user).count() == 0  # nothing stored


def test_a_started_step_says_readiness_counts_once_done(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=1)

    body = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": step.pk, "minutes": 15, "status": "started"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert "Path progress: 0%, 0 of 11 steps done." in body
    assert "Readiness for LLM Engineer, Junior: 0%; a step counts towards it once it is done." in (
        body
    )


def test_without_javascript_the_result_is_shown_once_after_the_redirect(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=1)
    before = live_score(enrolment.user)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": step.pk, "minutes": 40, "status": "completed"},
        follow=True,
    )
    again = client.get(f"/enrolments/{enrolment.pk}/").content.decode()

    page = response.content.decode()
    assert response.redirect_chain == [(f"/enrolments/{enrolment.pk}/#log", 302)]
    assert 'data-testid="log-result"' in page
    assert "Path progress: 9%, 1 of 11 steps done." in page
    after = live_score(enrolment.user)
    assert f"Readiness for LLM Engineer, Junior: {before:.0f}% → {after:.0f}%." in page
    assert 'data-testid="log-result"' not in again


def test_an_invalid_htmx_log_answers_422_with_the_errors_and_stores_nothing(enrolment):
    client = signed_in(enrolment.user)
    step = enrolment.path.steps.get(position=3)  # waits on steps 1 and 2

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": step.pk, "minutes": 10, "status": "completed"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Complete its prerequisites first" in body
    assert "Not logged: see the errors in the form." in body
    assert ProgressEntry.objects.count() == 0


def test_learner_without_a_target_sees_the_paths_role(catalogue):
    user = UserFactory.create()
    path = LearningPath.objects.get(slug=LLM_PATH)
    enrolment = enrolment_create(user=user, path=path)

    body = (
        signed_in(user)
        .post(
            f"/enrolments/{enrolment.pk}/log/",
            {"step": path.steps.get(position=1).pk, "minutes": 30, "status": "completed"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert f"Readiness for {path.role.name}, {path.level.name}: " in body
    assert "choose your own target in settings" in body


# --- One-tap done ---------------------------------------------------------------------------


def test_one_tap_done_logs_the_rest_of_the_estimate_and_shows_the_result_in_the_step(enrolment):
    client = signed_in(enrolment.user)
    first, second = enrolment.path.steps.order_by("position")[:2]
    progress_log(enrolment=enrolment, step=first, minutes=10, status="started")

    page = client.get(f"/enrolments/{enrolment.pk}/").content.decode()
    item = step_item(page, first.pk)
    rest = first.estimated_minutes - 10
    assert f'name="minutes" value="{rest}"' in item
    assert '<input type="hidden" name="tap" value="1">' in item
    assert "Mark done" not in step_item(page, second.pk)  # waits on step 1
    assert "Complete after: step 1" in step_item(page, second.pk)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": first.pk, "status": "completed", "minutes": rest, "tap": "1"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    entries = ProgressEntry.objects.filter(enrolment=enrolment).order_by("pk")
    assert [(e.step_id, e.status, e.minutes) for e in entries] == [
        (first.pk, "started", 10),
        (first.pk, "completed", rest),
    ]
    item = step_item(body, first.pk)
    assert 'data-testid="step-result"' in item
    assert f"Logged {rest} minutes on “{first.title}”, done." in item
    assert "Mark done" not in item
    assert "Mark done" in step_item(body, second.pk)  # now it can be done
    assert 'data-testid="log-result"' not in body  # shown in the step, not twice


def test_one_tap_done_without_javascript_returns_to_the_step(enrolment):
    client = signed_in(enrolment.user)
    first = enrolment.path.steps.get(position=1)

    response = client.post(
        f"/enrolments/{enrolment.pk}/log/",
        {"step": first.pk, "status": "completed", "minutes": 45, "tap": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/enrolments/{enrolment.pk}/#step-{first.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="step-result"' in step_item(page, first.pk)


# --- Notes and evidence per step ------------------------------------------------------------


def test_each_step_shows_its_own_notes_and_evidence_and_never_another_learners(enrolment):
    first, second = enrolment.path.steps.order_by("position")[:2]
    progress_log(
        enrolment=enrolment,
        step=first,
        minutes=20,
        note="Read it <b>twice</b>",
        evidence_url="https://github.com/ada/notes",
    )
    other = enrolment_create(user=UserFactory.create(), path=enrolment.path)
    progress_log(enrolment=other, step=first, minutes=5, note="Someone else's secret")

    page = signed_in(enrolment.user).get(f"/enrolments/{enrolment.pk}/").content.decode()

    item = step_item(page, first.pk)
    assert "Read it &lt;b&gt;twice&lt;/b&gt;" in item
    assert (
        '<a href="https://github.com/ada/notes" rel="noopener nofollow ugc">'
        "Evidence: https://github.com/ada/notes</a>"
    ) in item
    assert "step-notes" not in step_item(page, second.pk)
    assert "Someone else" not in page


# --- The path page ----------------------------------------------------------------------------


def test_an_enrolled_learner_sees_continue_and_their_progress(enrolment):
    client = signed_in(enrolment.user)
    path = enrolment.path
    progress_log(
        enrolment=enrolment, step=path.steps.get(position=1), minutes=30, status="completed"
    )

    page = client.get(f"/paths/{path.slug}/").content.decode()
    enrol_again = client.post(f"/paths/{path.slug}/enrol/", follow=True)

    assert 'data-testid="enrolled"' in page
    assert f'href="/enrolments/{enrolment.pk}/">Continue</a>' in page
    assert "1 of 11 steps done" in page
    assert 'value="9"' in page  # the progress bar
    assert "Enrol on this path" not in page
    # A second "Enrol" (another tab) goes on to the enrolment instead of failing.
    assert enrol_again.redirect_chain == [(f"/enrolments/{enrolment.pk}/", 302)]
    assert "You are already enrolled on this path: carry on." in enrol_again.content.decode()

    enrolment_set_status(enrolment=enrolment, status="paused")
    paused = client.get(f"/paths/{path.slug}/").content.decode()
    assert "Continue (resume)" in paused
    assert "Enrol on this path" not in paused


def test_the_path_page_after_withdrawing_offers_to_enrol_again(enrolment):
    path = enrolment.path
    progress_log(
        enrolment=enrolment, step=path.steps.get(position=1), minutes=30, status="completed"
    )
    enrolment_set_status(enrolment=enrolment, status="withdrawn")

    page = signed_in(enrolment.user).get(f"/paths/{path.slug}/").content.decode()

    assert "You withdrew from this path" in page
    assert "your 1 completed step is kept" in page
    assert "Enrol again" in page
    assert "Continue" not in page


# --- Withdraw: asked first, undone, enrolled again ---------------------------------------------


def test_withdraw_asks_first_can_be_undone_and_reenrolling_keeps_completed_steps(enrolment):
    client = signed_in(enrolment.user)
    url = f"/enrolments/{enrolment.pk}/"
    step = enrolment.path.steps.get(position=1)
    progress_log(enrolment=enrolment, step=step, minutes=30, status="completed")
    enrolment_set_status(enrolment=enrolment, status="paused")

    page = client.get(url).content.decode()
    assert f'href="{url}withdraw/"' in page  # a link to the question, not a button that acts
    confirm = client.get(f"{url}withdraw/").content.decode()
    assert "Yes, withdraw" in confirm
    assert "Your 1 completed step, your notes and your readiness are kept." in confirm
    assert Enrolment.objects.get(pk=enrolment.pk).status == "paused"  # asking changes nothing

    withdrawn = client.post(f"{url}status/", {"status": "withdrawn"}, follow=True)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"
    assert 'data-testid="undo"' in withdrawn.content.decode()
    undone = client.post(f"{url}undo/", follow=True)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "paused"  # as it was
    assert "Withdrawal undone" in undone.content.decode()
    assert 'data-testid="undo"' not in undone.content.decode()

    client.post(f"{url}status/", {"status": "withdrawn"})
    reenrolled = client.post(f"/paths/{enrolment.path.slug}/enrol/", follow=True)
    assert reenrolled.redirect_chain == [(url, 302)]
    assert list(Enrolment.objects.filter(user=enrolment.user).values_list("pk", "status")) == [
        (enrolment.pk, "active")
    ]
    assert list(
        ProgressEntry.objects.filter(enrolment=enrolment, status="completed").values_list(
            "step_id", flat=True
        )
    ) == [step.pk]
    assert "1 of 11 steps done" in reenrolled.content.decode()


def test_undo_after_the_window_is_refused_and_offers_to_enrol_again(enrolment):
    client = signed_in(enrolment.user)
    url = f"/enrolments/{enrolment.pk}/"
    client.post(f"{url}status/", {"status": "withdrawn"})
    Enrolment.objects.filter(pk=enrolment.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )

    page = client.get(url).content.decode()
    refused = client.post(f"{url}undo/", follow=True).content.decode()

    assert 'data-testid="undo"' not in page
    assert "Enrol again" in page
    assert "too late to undo" in refused
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


# --- The dashboard ----------------------------------------------------------------------------


def test_a_new_learner_gets_one_start_here_card(catalogue):
    user = learner_targeting()

    page = signed_in(user).get("/dashboard/").content.decode()

    main = page[page.index("<main") : page.index("</main>")]
    assert main.count('class="card') == 1
    assert 'data-testid="start-here"' in main
    assert 'data-testid="target-score">0%' in main
    assert "Enrol and start" in main
    assert "Nothing to suggest yet." not in main


def test_dashboard_puts_readiness_first_then_the_week_ring_streak_and_heatmap(catalogue):
    user = UserFactory.create()
    demo_history_seed(user=user)
    data = dashboard_get(user=user)
    assert data.target_score is not None
    assert data.target_score.score is not None
    week_ago = (
        ReadinessSnapshot.objects.filter(user=user, day__lte=data.today - timedelta(days=7))
        .filter(role__slug="llm-engineer", level__slug="junior")
        .order_by("-day")
        .first()
    )
    assert week_ago is not None
    ReadinessSnapshot.objects.filter(pk=week_ago.pk).update(score=data.target_score.score - 5)

    page = signed_in(user).get("/dashboard/").content.decode()

    main = page[page.index("<main") : page.index("</main>")]
    # Readiness is the first card, and its score the biggest figure on the page.
    assert main.index('data-testid="readiness-hero"') < main.index('class="card"')
    big = f'<p class="big-score" data-testid="target-score">{data.target_score.score:.0f}%</p>'
    assert big in main
    assert "+5 points this week" in main
    # The weekly goal ring: minutes this week of the goal (240 in the demo).
    ring = re.search(r'stroke-dasharray="([\d.]+) 263.89"', main)
    assert ring is not None
    percent = min(100, round(100 * data.minutes_this_week / 240))
    assert float(ring.group(1)) == round(263.89 * percent / 100, 2)
    assert f"{data.minutes_this_week} of 240 minutes" in main
    assert f'<text class="ring-text" x="50" y="56" text-anchor="middle">{percent}%</text>' in main
    # The demo learner logged every day from 6 days ago to yesterday.
    assert "Log today to keep your 6-day streak." in main
    # The heatmap: month and weekday labels, a legend, today's caption.
    months = re.findall(r'<th scope="col"><span>(\w+)</span></th>', main)
    assert len(months) >= 12
    assert data.today.strftime("%b") in months or data.today.day < 8
    assert "<span>Mon</span>" in main
    assert "<span>Wed</span>" in main
    assert '<span class="visually-hidden">Tue</span>' in main
    assert "<span>Less</span>" in main
    assert "<span>More</span>" in main
    today = data.calendar[-1][1]
    assert f"Today, {data.today.day} {data.today:%B %Y}: {today} minute" in main
