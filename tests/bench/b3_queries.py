"""B3: SQL queries per request, for every API endpoint (reads and writes) and every dashboard
page, for a learner with the demo's history and one with 20 times as much. A count that grows
with the data is an N+1.

In process: Django's test Client (web pages, `force_login`) and DRF's APIClient (a real JWT
from allauth's app login), counting with CaptureQueriesContext. Each read is made once
unmeasured first (warm-up); the writes, which change what they write to, are made in order by a
third learner first (warm-up), then by each measured one. The cache is cleared before each
request so that throttles and rate limits never answer instead of the view; every measured
response must have the expected status."""

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from careers.models import Role, SeniorityLevel, Skill
from paths.models import LearningPath, Step
from teams.models import Assignment, Cohort, Invite, Membership
from teams.services import cohort_create
from tests.api_clients import login
from tests.bench.dataset import PASSWORD, learner_with_history
from tests.bench.harness import Bench, Result
from tracker.calendar_feed import calendar_feed_renew, feed_url
from tracker.models import (
    CalendarFeed,
    Enrolment,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    ReminderDelivery,
    SkillClaim,
    User,
)
from tracker.recompute import readiness_recompute
from tracker.services import learner_profile_update

ID = "B3"
WHAT = "SQL queries per request, every API endpoint and page"
TARGET = "equal counts at 20x data (all endpoints)"
FACTOR = 20
HOST = "localhost"  # in ALLOWED_HOSTS without the test environment's "testserver"
LLM_PATH = "llm-engineer-from-backend"
ML_PATH = "ml-engineer-foundations"
ROLE = "llm-engineer"
PLAN_LEVEL = "mid"
CLAIMED = "python-engineering"  # the demo learner's skill claim
COMPARE = "ml-engineer,llm-engineer"
MANY = "page_size=100"  # lists show as much of the data as a page may hold


# --- Data -------------------------------------------------------------------------------------


def _clone(
    entry: ProgressEntry, enrolment: Enrolment, step: Step, back: timedelta
) -> ProgressEntry:
    return ProgressEntry(
        user_id=entry.user_id,
        enrolment=enrolment,
        step=step,
        minutes=entry.minutes,
        status=entry.status,
        note=f"Bench copy of entry {entry.pk}.",
        evidence_url="https://example.com/notes" if entry.status == "completed" else "",
        occurred_at=entry.occurred_at - back,
        client_id=uuid4(),
    )


def grow(user: User, factor: int) -> None:
    """Make the demo history `factor` times as large: the LLM enrolment's four weeks repeated
    further back, 2 x factor enrolments in all (the extra ones over the five published paths,
    paused, completed or withdrawn, carrying copies of the ML enrolment's entries), `factor`
    skill claims (as many as the catalogue has skills), `factor` times the days of readiness
    history, and `factor` sent reminders. Bulk-created, then readiness is recomputed."""
    now = timezone.now()
    llm = Enrolment.objects.select_related("path").get(user=user, path__slug=LLM_PATH)
    ml = Enrolment.objects.select_related("path").get(user=user, path__slug=ML_PATH)
    llm_entries = list(llm.entries.select_related("step").order_by("occurred_at", "pk"))
    ml_entries = list(ml.entries.select_related("step").order_by("occurred_at", "pk"))
    span = timedelta(days=(now - llm.enrolled_at).days + 1)
    entries = [
        _clone(entry, llm, entry.step, span * copy)
        for copy in range(1, factor)
        for entry in llm_entries
    ]
    Enrolment.objects.filter(pk=llm.pk).update(enrolled_at=llm.enrolled_at - span * (factor - 1))

    paths = list(LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED).order_by("pk"))
    steps = {
        path.pk: {step.position: step for step in path.steps.all()}
        for path in LearningPath.objects.filter(pk__in=[p.pk for p in paths]).prefetch_related(
            "steps"
        )
    }
    open_paths = {llm.path_id, ml.path_id}
    extra: list[Enrolment] = []
    for n in range(2 * (factor - 1)):
        path = paths[n % len(paths)]
        enrolled_at = now - timedelta(days=40 + 9 * n)
        if path.pk not in open_paths:
            open_paths.add(path.pk)
            status = Enrolment.Status.PAUSED
        else:
            status = (Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN)[n % 2]
        extra.append(
            Enrolment(
                user=user,
                path=path,
                status=status,
                enrolled_at=enrolled_at,
                completed_at=enrolled_at + timedelta(days=30)
                if status == Enrolment.Status.COMPLETED
                else None,
                target_date=(enrolled_at + timedelta(days=60)).date(),
            )
        )
    extra = Enrolment.objects.bulk_create(extra)
    for copy in range(1, factor):
        target = extra[2 * (copy - 1)]
        back = ml_entries[0].occurred_at - target.enrolled_at - timedelta(hours=2)
        entries.extend(
            _clone(entry, target, steps[target.path_id][entry.step.position], back)
            for entry in ml_entries
        )
    ProgressEntry.objects.bulk_create(entries)

    claimed = SkillClaim.objects.filter(user=user).values("skill_id")
    skills = list(Skill.objects.exclude(pk__in=claimed).order_by("pk")[: factor - 1])
    SkillClaim.objects.bulk_create(
        SkillClaim(
            user=user,
            skill=skill,
            level=1 + n % 5,
            evidence_url="https://example.com/evidence",
            note="Bench claim.",
        )
        for n, skill in enumerate(skills)
    )

    snapshots = list(ReadinessSnapshot.objects.filter(user=user).order_by("day"))
    days = sorted({s.day for s in snapshots})
    length = timedelta(days=(days[-1] - days[0]).days + 1)
    earliest = {(s.role_id, s.level_id): s.score for s in reversed(snapshots)}
    ReadinessSnapshot.objects.bulk_create(
        ReadinessSnapshot(
            user=user,
            role_id=s.role_id,
            level_id=s.level_id,
            day=s.day - length * copy,
            score=earliest[(s.role_id, s.level_id)],
        )
        for copy in range(1, factor)
        for s in snapshots
    )

    ReminderDelivery.objects.bulk_create(
        ReminderDelivery(
            user=user,
            kind=ReminderDelivery.Kind.WEEKLY_DIGEST,
            period_key="{}-W{:02d}".format(*(now - timedelta(weeks=n)).isocalendar()[:2]),
            status=ReminderDelivery.Status.SENT,
            claim_token=uuid4(),
            context={"minutes": 30 * n},
            attempts=1,
            claimed_at=now - timedelta(weeks=n),
            sent_at=now - timedelta(weeks=n),
        )
        for n in range(factor)
    )
    readiness_recompute(user_id=user.pk)


def learner(email: str, factor: int) -> User:
    user = learner_with_history(email)
    grow(user, factor)
    # A target neither learner has reached, so both plans have weeks to lay out.
    learner_profile_update(user=user, target_level=SeniorityLevel.objects.get(slug=PLAN_LEVEL))
    calendar_feed_renew(user=user)
    teams_grow(user, factor)
    return user


def teams_grow(user: User, factor: int) -> None:
    """The learner leads a cohort of 5 x factor members (copies of their own readiness, an
    enrolment each) with up to `factor` assigned paths and `factor` open invites, and is a
    member of `factor` cohorts, each assigning a path."""
    role, level = Role.objects.get(slug=ROLE), SeniorityLevel.objects.get(slug="junior")
    paths = list(LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED).order_by("pk"))
    due = timezone.localdate() + timedelta(weeks=8)
    led = cohort_create(
        lead=user, name=f"B3 cohort of {user.email}", target_role=role, target_level=level
    )
    for n in range(min(factor, len(paths))):  # a path is assigned once per cohort
        Assignment.objects.create(cohort=led, path=paths[n], due_date=due + timedelta(days=n))
    members = User.objects.bulk_create(
        User(email=f"b3-member-{n}-{user.pk}@bench.local", password="!") for n in range(5 * factor)
    )
    Membership.objects.bulk_create(
        Membership(cohort=led, user=m, shares_detail=n % 2 == 0) for n, m in enumerate(members)
    )
    score = ReadinessScore.objects.get(user=user, role=role, level=level)
    ReadinessScore.objects.bulk_create(
        ReadinessScore(
            user=m,
            role=role,
            level=level,
            score=score.score,
            breakdown=score.breakdown,
            computed_at=score.computed_at,
        )
        for m in members
    )
    Enrolment.objects.bulk_create(
        Enrolment(user=m, path=paths[n % len(paths)]) for n, m in enumerate(members)
    )
    Invite.objects.bulk_create(
        Invite(cohort=led, email=f"b3-invite-{n}-{user.pk}@bench.local", expires_at=due)
        for n in range(factor)
    )
    for n in range(factor):
        other = cohort_create(
            lead=members[n], name=f"B3 other {n} of {user.pk}", target_role=role, target_level=level
        )
        Membership.objects.create(cohort=other, user=user)
        Assignment.objects.create(cohort=other, path=paths[n % len(paths)], due_date=due)


def rows(user: User) -> dict[str, int]:
    return {
        "enrolments": user.enrolments.count(),
        "progress_entries": user.progress_entries.count(),
        "skill_claims": user.skill_claims.count(),
        "readiness_scores": user.readiness_scores.count(),
        "readiness_snapshots": user.readiness_snapshots.count(),
        "reminders": user.reminder_deliveries.count(),
    }


# --- Requests ---------------------------------------------------------------------------------


def endpoints(user: User) -> dict[str, str]:
    """Label (the same for both learners) -> URL (with this learner's ids)."""
    enrolment = Enrolment.objects.get(user=user, path__slug=LLM_PATH, status="active").pk
    claim = SkillClaim.objects.get(user=user, skill__slug="python-engineering").pk
    cohort = Cohort.objects.get(lead=user).pk
    membership = Membership.objects.filter(user=user).order_by("pk")[0].pk
    api = {
        "roles/": "/api/v1/roles/",
        "roles/{slug}/": f"/api/v1/roles/{ROLE}/",
        "roles/compare/": f"/api/v1/roles/compare/?roles={COMPARE}",
        "skills/": "/api/v1/skills/",
        "backgrounds/": "/api/v1/backgrounds/",
        "paths/": "/api/v1/paths/",
        "paths/{slug}/": f"/api/v1/paths/{LLM_PATH}/",
        "enrolments/": f"/api/v1/enrolments/?{MANY}",
        "enrolments/{id}/": f"/api/v1/enrolments/{enrolment}/",
        "progress/": f"/api/v1/progress/?{MANY}",
        "skill-claims/": f"/api/v1/skill-claims/?{MANY}",
        "skill-claims/{id}/": f"/api/v1/skill-claims/{claim}/",
        "readiness/": f"/api/v1/readiness/?{MANY}",
        "readiness/{role}/": f"/api/v1/readiness/{ROLE}/",
        "readiness/{role}/history/": f"/api/v1/readiness/{ROLE}/history/",
        "me/": "/api/v1/me/",
        "me/export/": "/api/v1/me/export/",
        "recommendation/": "/api/v1/recommendation/",
        "dashboard/": "/api/v1/dashboard/",
        "memory/": "/api/v1/memory/",
        "checks/": f"/api/v1/checks/?{MANY}",
        "plan/": "/api/v1/plan/",
        "plan/calendar/": "/api/v1/plan/calendar/",
        "cohorts/": f"/api/v1/cohorts/?{MANY}",
        "cohorts/{id}/": f"/api/v1/cohorts/{cohort}/",
        "cohorts/{id}/invites/": f"/api/v1/cohorts/{cohort}/invites/",
        "cohorts/{id}/assignments/": f"/api/v1/cohorts/{cohort}/assignments/",
        "cohorts/{id}/report/": f"/api/v1/cohorts/{cohort}/report/",
        "memberships/": f"/api/v1/memberships/?{MANY}",
        "memberships/{id}/": f"/api/v1/memberships/{membership}/",
        "assignments/": "/api/v1/assignments/",
    }
    web = {
        "dashboard/": "/dashboard/",
        "enrolments/{id}/": f"/enrolments/{enrolment}/",
        "readiness/": "/readiness/",
        "settings/": "/settings/",
        "settings/export/": "/settings/export/",
        "roles/": "/roles/",
        "roles/{slug}/": f"/roles/{ROLE}/",
        "roles/compare/": f"/roles/compare/?roles={COMPARE}",
        "paths/": "/paths/",
        "paths/{slug}/": f"/paths/{LLM_PATH}/",
        "plan/": "/plan/",
        "calendar/{key}/{token}.ics": urlsplit(feed_url(CalendarFeed.objects.get(user=user))).path,
        "teams/": "/teams/",
        "teams/{id}/": f"/teams/{cohort}/",
        "teams/{id}/report.csv": f"/teams/{cohort}/report.csv",
    }
    return {
        **{f"GET /api/v1/{label}": url for label, url in api.items()},
        **{f"GET /{label}": url for label, url in web.items()},
    }


@dataclass(frozen=True)
class Write:
    method: str
    url: str
    body: dict[str, Any] | None
    status: int


def writes(user: User) -> dict[str, Write]:
    """Label -> request, for every API write, in an order each can follow the one before:
    the ML enrolment is withdrawn before the path is enrolled in again, the skill claim is
    changed and deleted before it is made again, and the account is deleted last."""
    llm = Enrolment.objects.get(user=user, path__slug=LLM_PATH, status="active")
    ml = Enrolment.objects.get(user=user, path__slug=ML_PATH, status="active")
    claim = SkillClaim.objects.get(user=user, skill__slug=CLAIMED).pk
    first_step = llm.path.steps.order_by("position")[0].pk

    def entry() -> dict[str, Any]:
        return {"enrolment": llm.pk, "step": first_step, "minutes": 5, "client_id": str(uuid4())}

    return {
        "POST /api/v1/progress/": Write("POST", "/api/v1/progress/", entry(), 201),
        "POST /api/v1/progress/batch/": Write(
            "POST", "/api/v1/progress/batch/", {"entries": [entry(), entry()]}, 200
        ),
        "PATCH /api/v1/enrolments/{id}/": Write(
            "PATCH", f"/api/v1/enrolments/{ml.pk}/", {"status": "withdrawn"}, 200
        ),
        "POST /api/v1/enrolments/": Write("POST", "/api/v1/enrolments/", {"path": ML_PATH}, 201),
        "PATCH /api/v1/me/": Write("PATCH", "/api/v1/me/", {"weekly_goal_minutes": 300}, 200),
        "PATCH /api/v1/skill-claims/{id}/": Write(
            "PATCH", f"/api/v1/skill-claims/{claim}/", {"level": 3}, 200
        ),
        "DELETE /api/v1/skill-claims/{id}/": Write(
            "DELETE", f"/api/v1/skill-claims/{claim}/", None, 204
        ),
        "POST /api/v1/skill-claims/": Write(
            "POST", "/api/v1/skill-claims/", {"skill": CLAIMED, "level": 4}, 201
        ),
        "POST /api/v1/plan/calendar/": Write("POST", "/api/v1/plan/calendar/", None, 201),
        "DELETE /api/v1/plan/calendar/": Write("DELETE", "/api/v1/plan/calendar/", None, 204),
        "POST /api/v1/me/delete/": Write("POST", "/api/v1/me/delete/", {"password": PASSWORD}, 204),
    }


def clients(user: User) -> tuple[APIClient, Client]:
    api = APIClient(HTTP_HOST=HOST)
    cache.clear()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login(api, user.email, PASSWORD)['access']}")
    web = Client(HTTP_HOST=HOST)
    web.force_login(user)
    return api, web


def measure(client: Client, url: str) -> list[str]:
    """The SQL of one GET, after an unmeasured one."""
    captured = []
    for _ in range(2):
        cache.clear()  # throttles and rate limits count in the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (
            f"{url}: {response.status_code} {response.content[:300]!r}"
        )
        captured = [query["sql"] for query in queries.captured_queries]
    return captured


def measure_writes(client: APIClient, requests: dict[str, Write]) -> dict[str, list[str]]:
    """The SQL of each write, made once, in order."""
    captured = {}
    for label, write in requests.items():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.generic(
                write.method,
                write.url,
                json.dumps(write.body) if write.body is not None else "",
                content_type="application/json",
            )
        assert response.status_code == write.status, (
            f"{label}: {response.status_code} {response.content[:300]!r}"
        )
        captured[label] = [query["sql"] for query in queries.captured_queries]
    return captured


def _shape(sql: str) -> str:
    """The query with its literals and IN lists folded, so repeats of one query compare."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\((?:\?, )+\?\)", "(?...)", sql)


def repeated(small: list[str], big: list[str]) -> list[str]:
    """The queries the big learner's request runs more often than the small one's."""
    a, b = Counter(map(_shape, small)), Counter(map(_shape, big))
    return [f"{b[q]}x (small {a[q]}x): {q[:300]}" for q in b if b[q] != a[q]] + [
        f"0x (small {a[q]}x): {q[:300]}" for q in a if q not in b
    ]


def run(bench: Bench) -> Result:
    small = learner("b3-small@bench.local", bench.scale)
    big = learner("b3-big@bench.local", FACTOR * bench.scale)
    warm = learner("b3-warm@bench.local", bench.scale)
    dataset = {"small": rows(small), "big": rows(big)}
    urls = {"small": endpoints(small), "big": endpoints(big)}
    sql: dict[str, dict[str, list[str]]] = {label: {} for label in urls["small"]}
    for name, user in (("small", small), ("big", big)):
        api, web = clients(user)
        for label, url in urls[name].items():
            client = api if label.startswith("GET /api/") else web
            sql[label][name] = measure(client, url)
    measure_writes(clients(warm)[0], writes(warm))
    for name, user in (("small", small), ("big", big)):
        for label, captured in measure_writes(clients(user)[0], writes(user)).items():
            sql.setdefault(label, {})[name] = captured
    counts: dict[str, dict[str, Any]] = {
        label: {name: len(queries) for name, queries in by_learner.items()}
        for label, by_learner in sql.items()
    }
    for label, entry in counts.items():
        if entry["small"] != entry["big"]:
            entry["repeated"] = repeated(sql[label]["small"], sql[label]["big"])
    equal = sum(1 for entry in counts.values() if entry["small"] == entry["big"])
    details: dict[str, Any] = {**counts, "dataset": dataset}
    return Result(
        ID,
        WHAT,
        equal,
        len(counts),
        equal / len(counts),
        TARGET,
        equal == len(counts),
        unit="endpoints with equal counts",
        details=details,
    )
