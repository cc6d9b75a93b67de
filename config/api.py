"""What every API v1 endpoint shares: RFC 9457 problem details for every error, pagination."""

import logging
import sys
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views import defaults
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
API_PREFIXES = ("/api/", "/_allauth/")
# The database went away (restart, failover, "database is locked"): the request may succeed
# when retried, so clients get 503 with Retry-After rather than a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


class JSONParser(parsers.JSONParser):
    """JSON only, and a body nested too deeply to parse is a 400, not a crash."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from error


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The cap in the schema too (DRF and drf-spectacular leave it out)."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Results per page: {self.page_size} unless given, at most "
                    f"{self.max_page_size} (a larger value gives {self.max_page_size})."
                )
        return parameters


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is briefly unavailable; nothing was saved. Please retry."
    default_code = "service_unavailable"
    wait = RETRY_AFTER_SECONDS  # DRF turns `wait` into a Retry-After header


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is well-formed but cannot be carried out."
    default_code = "unprocessable"


def problem(
    status_code: int, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HttpResponse(status=status_code).reason_phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF / Django error structures into [{"field": "a.b", "message": "..."}]."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in field_errors(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [
                {"field": prefix or "non_field_errors", "message": str(item)} for item in detail
            ]
        return [
            error
            for index, item in enumerate(detail)
            for error in field_errors(item, f"{prefix}.{index}" if prefix else str(index))
        ]
    return [{"field": prefix or "non_field_errors", "message": str(detail)}]


def _django_validation_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as application/problem+json, with field errors listed and no stack trace.

    Domain rules broken in a service (Django ValidationError) are 422; malformed input caught
    by a serializer is 400."""
    # Imported here: rest_framework.views reads the API settings, which name this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = Unprocessable(detail=_django_validation_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.APIException("The request body is too large.")
        exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("database unavailable: %s", type(exc).__name__)
        exc = ServiceUnavailable()
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            problem(500, "Something went wrong on our side."),
            status=500,
            content_type=PROBLEM_JSON,
        )
    detail = response.data
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        message, errors = str(detail["detail"]), None
    else:
        message, errors = "The request has invalid fields.", field_errors(detail)
    response.data = problem(response.status_code, message, errors)
    response.content_type = PROBLEM_JSON
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Outside DRF views too, a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413, not a bare 400."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    detail = "The request body is too large."
    if _is_api(request):
        return JsonResponse(problem(413, detail), status=413, content_type=PROBLEM_JSON)
    return HttpResponse(loader.render_to_string("413.html"), status=413)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(problem(404, "Not found."), status=404, content_type=PROBLEM_JSON)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Also reached when the database fails outside a DRF view (sessions, auth middleware)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return _service_unavailable(request)
    if _is_api(request):
        return JsonResponse(
            problem(500, "Something went wrong on our side."), status=500, content_type=PROBLEM_JSON
        )
    return defaults.server_error(request)


def _service_unavailable(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            problem(503, str(ServiceUnavailable.default_detail)),
            status=503,
            content_type=PROBLEM_JSON,
        )
    else:  # rendered without the request: its context processors would need the database
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: no strings, floats or booleans coerced into one."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


def unstorable(value: Any) -> bool:
    """A NUL or a lone surrogate anywhere in the value, keys included."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable(item) for item in value)
    return False


def _printable(key: Any) -> Any:
    return key.encode("utf-8", "backslashreplace").decode() if isinstance(key, str) else key


class StrictSerializerMixin:
    """Refuse fields the endpoint does not accept (unknown or read-only) instead of quietly
    dropping them, so a client learns at once that `user` or `score` cannot be set.

    Also refuse NUL characters and lone surrogates (valid JSON escapes, \\u0000 and \\ud800)
    before any field sees them: PostgreSQL cannot take a NUL even in a lookup, and an error
    message quoting a lone surrogate cannot be encoded. Fields named in `checked_per_item` are
    lists whose items another serializer checks one by one."""

    checked_per_item: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            refused = sorted(
                _printable(key)
                for key, value in data.items()
                if unstorable(key) or (key not in self.checked_per_item and unstorable(value))
            )
            if refused:
                raise serializers.ValidationError(
                    dict.fromkeys(refused, "NUL and lone surrogate characters are not allowed.")
                )
            fields = self.fields  # type: ignore[attr-defined]  # of the serializer mixed into
            writable = {name for name, field in fields.items() if not field.read_only}
            extra = sorted(set(data) - writable)
            if extra:
                raise serializers.ValidationError(dict.fromkeys(extra, "This field cannot be set."))
        return super().to_internal_value(data)  # type: ignore[misc]


class SomeChangeMixin:
    """A PATCH must change something: an empty body is a client error, not a silent no-op."""

    def validate(self, attrs: Any) -> Any:
        if not attrs:
            raise serializers.ValidationError("Send at least one field to change.")
        return super().validate(attrs)  # type: ignore[misc]


class StrictUUIDField(serializers.UUIDField):
    """A UUID string only: DRF would also turn an integer (a boolean too) into UUID(int=...)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "description": "A URL, or empty."})
class OptionalURLField(serializers.URLField):
    """A URL that may be left empty ("" is not a valid `format: uri` in the schema)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)


class AwareDateTimeField(serializers.DateTimeField):
    """A date and time with its UTC offset ("2026-11-30T18:30:00+00:00" or "...Z"). Without
    one, the moment is ambiguous (a device's local time or UTC?), so it is refused rather than
    guessed."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2026-11-30T18:30:00+00:00 or ...Z."
    }

    def enforce_timezone(self, value: Any) -> Any:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)
