"""Query filters of the learner API, scoped like the querysets they filter."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from tracker.models import Enrolment, ProgressEntry


def _own_enrolments(request: Any) -> QuerySet[Enrolment]:
    # Another learner's enrolment id is refused exactly as a missing one (no existence oracle).
    if request is None:  # the schema generator
        return Enrolment.objects.none()
    return Enrolment.objects.filter(user=request.user)


class ProgressFilter(django_filters.FilterSet):
    enrolment = django_filters.ModelChoiceFilter(
        queryset=_own_enrolments,
        error_messages={"invalid_choice": "You have no enrolment with this id."},
    )

    class Meta:
        model = ProgressEntry
        fields = ("enrolment", "step", "status")
