import pytest
from django.conf import settings

on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def postgres_only(reason: str) -> pytest.MarkDecorator:
    """For what SQLite cannot do. `make test` under CI=true always runs on PostgreSQL."""
    return pytest.mark.skipif(not on_postgres, reason=f"needs PostgreSQL: {reason}")


# SQLite caps the parameters of one statement at 999, so Django splits bulk writes there and
# their query counts grow with the data.
bulk_query_counts = postgres_only("bulk writes are one statement only there")
row_locks = postgres_only("SQLite has no row locks (SKIP LOCKED)")
