"""`make bench`: build the bench database, run each benchmark, print one table and write
var/bench/results.json. `python -m tests.bench --only B1,B3 --scale 2` runs a selection."""

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from tests.bench.harness import Bench, Result, private_redis, table, write_results

BENCHMARKS = [
    "b1_dashboard",
    "b2_progress",
    "b3_queries",
    "b4_recompute",
    "b7_memory",  # on B4's learners, before B5 and B6 add theirs
    "b5_latency",
    "b6_reminders",
    "b10_decay",
    "b11_planner",
    "b8_history",  # in a database of its own, dropped after it
    "b9_sqlite",  # last: its PostgreSQL learners and load touch no other benchmark's figures
]
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = f"pathwise_bench_{os.getpid()}"  # one per run: two runs never share one


def create_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(names: list[str], bench: Bench) -> list[Result]:
    """Set the runner up as a Django process on the bench database, then each benchmark."""
    import django

    django.setup()
    from django.core.management import call_command

    from paths.catalogue import catalogue_load

    call_command("migrate", "--no-input", verbosity=0)
    catalogue_load()
    results = []
    for module in [importlib.import_module(f"tests.bench.{name}") for name in names]:
        started = time.monotonic()
        print(f"{module.ID}: {module.WHAT} ...", flush=True)
        results.append(module.run(bench))
        print(f"{module.ID}: done in {time.monotonic() - started:.0f} s", flush=True)
        bench.stop_all()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--only", default="", help="comma-separated ids, e.g. B1,B3")
    parser.add_argument("--scale", type=int, default=1, help="multiplies every data set")
    args = parser.parse_args()
    only = {i.strip().lower() for i in args.only.split(",") if i.strip()}
    names = [name for name in BENCHMARKS if not only or name.split("_")[0] in only]

    server = os.environ.get("BENCH_POSTGRES", SERVER)
    workdir = Path(tempfile.mkdtemp(prefix="pathwise-bench-"))
    redis = private_redis(workdir)
    database_url = create_database(server, DATABASE)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis.url,
    )
    bench = Bench(database_url, redis.url, workdir, args.scale)
    try:
        results = run(names, bench)
    finally:
        bench.stop_all()
        redis.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(server, DATABASE)
    print()
    print(table(results))
    print(f"\nwritten to {write_results(results)}")
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
