import pytest
from django.conf import settings

on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]

# SQLite caps the parameters of one statement at 999, so Django splits bulk writes there and
# their query counts grow with the data. `make test` under CI=true always runs on PostgreSQL.
postgres_only = pytest.mark.skipif(
    not on_postgres, reason="query counts of bulk writes are only fixed on PostgreSQL"
)
