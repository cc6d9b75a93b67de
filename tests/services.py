"""Decide which database and broker the test run uses, before any dependency is installed.

Prints shell `export` lines on stdout and a one-line summary on stderr. PostgreSQL and Redis
at their local default addresses are used when they answer (or DATABASE_URL / REDIS_URL when
set); otherwise SQLite and the filesystem broker. With CI=true a missing server is an error.
Standard library only, so it runs before the virtual environment exists.
"""

import os
import socket
import sys
from urllib.parse import urlsplit

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/pathwise"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")


def _exchange(url: str, default_port: int, payload: bytes) -> bytes:
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or default_port)
    try:
        with socket.create_connection(address, timeout=2) as conn:
            conn.sendall(payload)
            return conn.recv(16)
    except OSError:
        return b""


def postgres_answers(url: str) -> bool:
    # A PostgreSQL server answers an SSLRequest with a single byte: S or N.
    return _exchange(url, 5432, SSL_REQUEST)[:1] in (b"S", b"N")


def redis_answers(url: str) -> bool:
    return _exchange(url, 6379, b"PING\r\n").startswith(b"+PONG")


def main() -> int:
    in_ci = os.environ.get("CI", "").lower() == "true"
    database = os.environ.get("DATABASE_URL") or LOCAL_POSTGRES
    broker = os.environ.get("REDIS_URL") or LOCAL_REDIS
    problems = []
    if not postgres_answers(database):
        problems.append(f"PostgreSQL does not answer at {database}")
        database = ""
    if not redis_answers(broker):
        problems.append(f"Redis does not answer at {broker}")
        broker = ""
    if problems and in_ci:
        print("CI=true and " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"export DATABASE_URL='{database}' REDIS_URL='{broker}'")
    summary = (
        f"database: {database or 'SQLite (embedded default)'}"
        f" | broker: {broker or 'filesystem transport (embedded default)'}"
    )
    if problems:
        summary += " | fell back because " + "; ".join(problems)
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
