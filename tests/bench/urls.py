"""The product's URLs, plus the trivial views the throughput benchmarks compare against: behind
the same server, middleware, authentication and throttling, but doing no work."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler404, handler500, urlpatterns


class TrivialView(APIView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        return Response({"ok": True, "received": len(request.data)}, status=201)


urlpatterns = [path("bench/trivial/", TrivialView.as_view()), *urlpatterns]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
