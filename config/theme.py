"""Light, dark or the system's colour scheme: a cookie the pages read on the server, so the
switch works without JavaScript and a page never flashes the other scheme."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "theme"
THEMES = ("system", "light", "dark")
ONE_YEAR = 60 * 60 * 24 * 365


def chosen_theme(request: HttpRequest) -> str:
    value = request.COOKIES.get(COOKIE, "system")
    return value if value in THEMES else "system"


def theme(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `theme` for <html data-theme>, and the next one the switch offers."""
    current = chosen_theme(request)
    return {"theme": current, "next_theme": THEMES[(THEMES.index(current) + 1) % len(THEMES)]}


@require_POST
def theme_set(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("theme", "")
    back = request.POST.get("next", "/")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    response = redirect(back if safe else "/")
    if chosen in THEMES:
        response.set_cookie(COOKIE, chosen, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response
