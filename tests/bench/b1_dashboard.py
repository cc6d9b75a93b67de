"""B1: throughput of the authenticated dashboard against a trivial JSON view."""

from tests.bench.dataset import access_token, learner_with_history
from tests.bench.harness import Bench, Endpoint, Result, side_by_side

ID = "B1"
WHAT = "throughput of GET /api/v1/dashboard/, authenticated"
TARGET = ">= 0.5 of a trivial JSON view"


def run(bench: Bench) -> Result:
    user = learner_with_history("b1@bench.local")
    server = bench.web()
    headers = {"Authorization": f"Bearer {access_token(server.url, user.email)}"}
    ours, theirs = side_by_side(
        server.port,
        Endpoint("GET", "/api/v1/dashboard/", headers),
        Endpoint("GET", "/bench/trivial/", headers),
    )
    ratio = ours / theirs
    return Result(ID, WHAT, ours, theirs, ratio, TARGET, ratio >= 0.5, unit="requests/s")
