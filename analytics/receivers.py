"""The curator analytics listening to the catalogue (paths sends signals and never imports the
learner side, DESIGN §2). Connected in `AnalyticsConfig.ready()`."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from analytics.tasks import refresh_path_analytics_soon
from paths.signals import path_published


@dataclass(frozen=True)
class _RefreshSoon:
    path_id: int

    def __call__(self) -> None:
        refresh_path_analytics_soon(self.path_id)


def path_analytics_refresh_on_commit(*, path_id: int, **_: Any) -> None:
    """A path was published: refresh its analytics once the publishing commits (once per path
    and transaction), so the task reads the published steps."""
    callback = _RefreshSoon(path_id)
    pending = transaction.get_connection().run_on_commit
    if not any(func == callback for _, func, _ in pending):
        transaction.on_commit(callback, robust=True)


def connect() -> None:
    path_published.connect(
        path_analytics_refresh_on_commit, dispatch_uid="analytics.receivers.path_published"
    )
