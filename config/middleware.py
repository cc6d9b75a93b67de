"""Clear answers where allauth's app API gives none."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.common import CommonMiddleware
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.api import PROBLEM_JSON, problem

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


class ApiNoSlashRedirect(CommonMiddleware):
    """Django's CommonMiddleware, except that an API address without its trailing slash is a
    404 naming the right one, never a redirect: clients follow a 301 with a GET, so a POST's
    body would be silently dropped (and in DEBUG, Django raises on a POST it cannot redirect)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and self.should_redirect_with_slash(request)
        ):
            detail = f"API addresses end with a slash: {request.path}/"
            return JsonResponse(problem(404, detail), status=404, content_type=PROBLEM_JSON)
        return super().process_response(request, response)


class PrivateResponses:
    """Nothing shown to a signed-in learner (a session or an API token) may be stored by a
    browser or a shared cache, nor anything from the app API's auth endpoints, which hand out
    tokens. API answers vary with the token, so caches must key on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ["Authorization"])
        if (
            request.path.startswith(APP_API)
            or "HTTP_AUTHORIZATION" in request.META
            or request.user.is_authenticated
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class CompressHtml(GZipMiddleware):
    """gzip for HTML pages only, with Django's BREACH mitigation (random padding). The API's
    small JSON bodies are left alone: compressing them costs more than it saves on loopback
    and mobile clients negotiate it at their proxy; static files are precompressed."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
