"""The signed-in learner's own time zone for everything a page shows (dates of entries,
"enrolled on", times in forms), not the server's."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tracker.models import LearnerProfile


class LearnerTimezone:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:  # the API's token users come later, in DRF
            return self.get_response(request)
        name = (
            LearnerProfile.objects.filter(user_id=user.pk)
            .values_list("timezone", flat=True)
            .first()
        )
        try:
            zone = ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None  # the server's zone, as before the profile had one
        with timezone.override(zone):
            return self.get_response(request)
