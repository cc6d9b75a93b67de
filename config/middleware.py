"""Clear answers where allauth's app API gives none."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

APP_API = "/_allauth/"
MALFORMED = "The request body must be a JSON object."


def _malformed() -> JsonResponse:
    # allauth's own error shape, so app clients parse one format on these endpoints.
    return JsonResponse(
        {"status": 400, "errors": [{"message": MALFORMED, "code": "invalid_json"}]}, status=400
    )


class AppApiMalformedBody:
    """allauth's app API answers a body that is not a JSON object with an empty 400, and one
    nested too deeply for json.loads with a 500 (RecursionError): both become a 400 that says
    what is wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(APP_API)
            and response.status_code == 400
            and not response.content
        ):
            return _malformed()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(APP_API) and isinstance(exception, RecursionError):
            return _malformed()
        return None
