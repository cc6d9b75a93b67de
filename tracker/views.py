from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tracker.reminders import Kind, reminder_unsubscribe, unsubscribe_read


# The signed token is the credential, and mail clients POST here without a CSRF token
# (RFC 8058 one-click unsubscribe), so CSRF protection does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a one-button page (link scanners must not unsubscribe anyone); POST, from that
    button or from the mail client's List-Unsubscribe-Post, turns the reminder kind off."""
    try:
        _, kind = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "tracker/unsubscribe.html", {"invalid": True}, status=400)
    label = Kind(kind).label.lower()
    if request.method == "POST":
        reminder_unsubscribe(token=token)
        return render(request, "tracker/unsubscribe.html", {"done": True, "label": label})
    return render(request, "tracker/unsubscribe.html", {"label": label})
