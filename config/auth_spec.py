"""allauth's OpenAPI document of the app API, served at /_allauth/openapi.json and linked from
/api/docs/, so a client generated from it decodes what the server really answers.

allauth 65.21's document lists fewer flow ids than its server sends (`password_reset_by_code`
among them): a generated client then refuses a sign-up's answer. The enum is completed from
allauth's own `Flow`, the list its server draws from."""

import json

from allauth.headless.constants import Flow
from allauth.headless.spec.internal.schema import get_schema
from django.http import HttpRequest, HttpResponse


def auth_openapi_json(request: HttpRequest) -> HttpResponse:
    spec = get_schema()
    spec["components"]["schemas"]["Flow"]["properties"]["id"]["enum"] = [f.value for f in Flow]
    return HttpResponse(json.dumps(spec), content_type="application/vnd.oai.openapi+json")
