"""B2: throughput of logging progress against a trivial POST view."""

import json
import uuid

from tests.bench.dataset import access_token, learner_with_history
from tests.bench.harness import Bench, Endpoint, Result, side_by_side
from tracker.models import Enrolment

ID = "B2"
WHAT = "throughput of POST /api/v1/progress/"
TARGET = ">= 0.33 of a trivial POST view"


def run(bench: Bench) -> Result:
    user = learner_with_history("b2@bench.local")
    enrolment = Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE).first()
    assert enrolment is not None
    step = enrolment.path.steps.order_by("position").last()
    assert step is not None
    server = bench.web()
    headers = {
        "Authorization": f"Bearer {access_token(server.url, user.email)}",
        "Content-Type": "application/json",
    }

    def entry() -> bytes:
        # A new entry each time ("started" needs no prerequisite), as a client logs work.
        body = {"enrolment": enrolment.pk, "step": step.pk, "minutes": 5, "status": "started"}
        return json.dumps({**body, "client_id": str(uuid.uuid4())}).encode()

    ours, theirs = side_by_side(
        server.port,
        Endpoint("POST", "/api/v1/progress/", headers, entry, expect=201),
        Endpoint("POST", "/bench/trivial/", headers, entry, expect=201),
    )
    ratio = ours / theirs
    return Result(ID, WHAT, ours, theirs, ratio, TARGET, ratio >= 0.33, unit="requests/s")
