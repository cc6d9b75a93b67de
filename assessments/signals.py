"""What assessments tell the learner side, which it never imports (DESIGN §2: tracker listens).

`skill_verified`
    A learner passed a skill check. Sent with `user_id`, `skill_id` and `level`, inside the
    transaction that records it: the learner's readiness may have changed.

`memory_reviewed`
    A learner did a review of a skill. Sent with `user_id` and `skill_id`, inside the
    transaction that records it: the skill's retained level may have changed.
"""

from django.dispatch import Signal

skill_verified = Signal()
memory_reviewed = Signal()
