"""Response examples for the learner API's OpenAPI document."""

from drf_spectacular.utils import OpenApiExample


def response(name: str, value: object) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


PROFILE = response(
    "A learner's profile",
    {
        "email": "ada@example.com",
        "background": "software-engineering",
        "target_role": "llm-engineer",
        "target_level": "junior",
        "timezone": "Europe/London",
        "weekly_goal_minutes": 240,
        "remind_inactivity": True,
        "remind_behind_pace": True,
        "remind_weekly_digest": True,
        "inactivity_days": 3,
        "preferred_hour": 18,
        "quiet_hours_start": 22,
        "quiet_hours_end": 7,
    },
)
ENROLMENT = response(
    "Active enrolment",
    {
        "id": 12,
        "path": {
            "slug": "llm-engineer-from-backend",
            "title": "From backend engineer to LLM engineer",
        },
        "status": "active",
        "target_date": "2027-02-01",
        "enrolled_at": "2026-11-03T18:12:00Z",
        "completed_at": None,
    },
)
PROGRESS_INPUT = {
    "enrolment": 12,
    "step": 101,
    "minutes": 45,
    "status": "completed",
    "note": "Built the Qdrant index",
    "evidence_url": "https://github.com/me/rag-demo",
    "occurred_at": "2026-11-27T19:30:00Z",
    "client_id": "0b6f5a7e-3f0e-4f55-9d7e-6f4b8b1f2c11",
}
PROGRESS = OpenApiExample("Completed a step", value=PROGRESS_INPUT, request_only=True)
ENTRY = response(
    "Logged entry", {"id": 345, **PROGRESS_INPUT, "created_at": "2026-11-27T19:31:02Z"}
)
CLAIM = response(
    "Claim",
    {
        "id": 7,
        "skill": "python-engineering",
        "level": 4,
        "evidence_url": "https://github.com/me",
        "note": "Six years of backend Python.",
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:00Z",
    },
)
SCORE = {
    "role": "llm-engineer",
    "level": "junior",
    "score": 48.3,
    "computed_at": "2026-11-28T09:00:05Z",
}
SCORES = response("Scores", SCORE)
NEXT_STEP = {
    "step": 110,
    "title": "Read: chunking strategies",
    "kind": "read",
    "path": "llm-engineer-from-backend",
    "path_title": "LLM engineer from backend engineering",
    "enrolment": 7,
    "estimated_minutes": 90,
    "chain": [
        {
            "step": 110,
            "title": "Read: chunking strategies",
            "kind": "read",
            "estimated_minutes": 90,
        },
        {
            "step": 111,
            "title": "Project: ship a document Q&A feature",
            "kind": "project",
            "estimated_minutes": 540,
        },
    ],
    "minutes": 630,
    "gain": 20.7,
    "gain_per_hour": 1.97,
}
READINESS_DETAIL = response(
    "Explained",
    {
        **SCORE,
        "breakdown": [
            {
                "skill": "rag-architecture",
                "name": "RAG architecture",
                "target": 2,
                "target_band": "Working",
                "weight": 3,
                "current": 1.5,
                "earned": 7.76,
                "possible": 10.34,
                "evidence": {
                    "source": "check",
                    "verified": True,
                    "checked_level": 2,
                    "retained": 0.75,
                    "recall": 0.698,
                    "fading": True,
                    "restore_points": 2.59,
                    "note": "verified by a skill check at 2; fading: 75% retained, review to "
                    "restore",
                },
            }
        ],
        "reviews": [
            {
                "skill": "rag-architecture",
                "name": "RAG architecture",
                "restore_points": 2.59,
                "retained": 0.75,
            }
        ],
        "next_steps": [NEXT_STEP],
        "model_note": "Pathwise's own model, not the source article's: the requirement matrix …",
    },
)
HISTORY = response("Daily", {"day": "2026-11-27", "score": 44.8})
RECOMMENDATION = response(
    "From background",
    {
        "role": "llm-engineer",
        "role_name": "LLM Engineer",
        "reasons": [
            "From software engineering: LLM engineering is the more accessible entry point.",
            "You are 48% ready for LLM Engineer so far.",
        ],
    },
)
DASHBOARD_SCORE = {
    "role": "llm-engineer",
    "role_name": "LLM Engineer",
    "level": "junior",
    "level_name": "Junior",
    "score": 44.8,
    "computed_at": "2026-11-28T07:00:00Z",
}
DASHBOARD = response(
    "Home screen",
    {
        "today": "2026-11-28",
        "enrolments": [
            {
                "enrolment": ENROLMENT.value,
                "steps_total": 11,
                "steps_done": 6,
                "percent_done": 55,
                "pace": {
                    "remaining_minutes": 1470,
                    "minutes_per_week": 155.0,
                    "projected_finish": "2027-02-03",
                    "on_track": False,
                },
                "continue_step": {
                    "step": 107,
                    "title": "Build a RAG feature",
                    "kind": "project",
                    "estimated_minutes": 240,
                },
            }
        ],
        "target": DASHBOARD_SCORE,
        "next_steps_for": DASHBOARD_SCORE,
        "next_steps": [NEXT_STEP],
        "streak": {"current": 6, "longest": 6, "at_risk": True},
        "minutes_per_week": 190.0,
        "weekly_goal_minutes": 240,
        "week": {"start": "2026-11-23", "minutes": 150, "goal_minutes": 240},
    },
)
EXPORT = response(
    "Export",
    {
        "account": {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "",
            "date_joined": "2026-11-01T09:00:00Z",
            "last_login": "2026-11-30T18:00:00Z",
        },
        "profile": PROFILE.value,
        "enrolments": [ENROLMENT.value],
        "progress": [ENTRY.value],
        "skill_claims": [CLAIM.value],
        "readiness": [SCORE],
        "readiness_history": [
            {"role": "llm-engineer", "level": "junior", "day": "2026-11-27", "score": 44.8}
        ],
        "reminders": [
            {
                "kind": "inactivity",
                "period_key": "2026-11-28",
                "status": "sent",
                "claimed_at": "2026-11-28T18:00:00Z",
                "sent_at": "2026-11-28T18:00:02Z",
            }
        ],
    },
)
DELETE_ACCOUNT = OpenApiExample(
    "Confirm with the password", value={"password": "my current password"}, request_only=True
)
MEMORY = response(
    "Skills in memory",
    [
        {
            "skill": "evaluation",
            "name": "Evaluation methods",
            "level": 2,
            "recall": 0.698,
            "retained": 0.75,
            "fading": True,
            "lapsed": False,
            "due": True,
        }
    ],
)
PLAN = response(
    "Two weeks to go",
    {
        "role": "llm-engineer",
        "level": "junior",
        "target": 80.0,
        "readiness_now": 62.4,
        "weekly_minutes": 240,
        "pace": 1.2,
        "weeks": [
            {
                "start": "2026-11-30",
                "minutes": 180,
                "readiness": 71.0,
                "items": [
                    {
                        "step": 57,
                        "title": "Build a retrieval-augmented question-answering chain",
                        "kind": "course",
                        "path": "llm-engineer-from-backend",
                        "enrolment": 12,
                        "minutes": 180,
                        "finishes": True,
                    }
                ],
            }
        ],
        "reaches_target_on": "2026-12-13",
        "target_date": "2027-01-05",
        "on_track": True,
        "minutes_per_week_needed": 96,
        "paused": [{"enrolment": 14, "path": "ml-engineer-foundations"}],
    },
)
CALENDAR_FEED = response(
    "A calendar feed",
    {
        "url": "https://pathwise.example/calendar/4f1c2b8e-9a4d-4c1e-8f3b-2d7e6a5c9b10/"
        "9b1d5c0e7f3a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c.ics",
        "webcal_url": "webcal://pathwise.example/calendar/4f1c2b8e-9a4d-4c1e-8f3b-2d7e6a5c9b10/"
        "9b1d5c0e7f3a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c.ics",
        "created_at": "2026-11-28T19:02:11Z",
        "last_fetched_at": "2026-12-01T07:00:04Z",
    },
)
