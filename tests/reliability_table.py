"""`make check-reliability`'s table: every test marked `reliability(area)`, grouped by what it
tries (its docstring's first line, else its name), and whether that held."""

from collections import defaultdict

import pytest

HELD, BROKE, SKIPPED = "held", "BROKE", "skipped"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability-table",
        action="store_true",
        help="print what was tried and what held, for tests marked reliability",
    )


def _scenario(item: pytest.Item) -> tuple[str, str] | None:
    marker = item.get_closest_marker("reliability")
    if marker is None:
        return None
    function = getattr(item, "function", None)
    doc = (function.__doc__ or "").strip().splitlines() if function else []
    tried = doc[0] if doc else item.name.split("[")[0].removeprefix("test_").replace("_", " ")
    return str(marker.args[0]), tried


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_scenarios] = {
        item.nodeid: scenario for item in items if (scenario := _scenario(item))
    }


_scenarios = pytest.StashKey[dict[str, tuple[str, str]]]()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not config.getoption("--reliability-table"):
        return
    scenarios = config.stash.get(_scenarios, {})
    outcomes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(key, []):
            scenario = scenarios.get(getattr(report, "nodeid", ""))
            if scenario is None or (report.when != "call" and report.passed):
                continue
            outcomes[scenario].append(
                {"passed": HELD, "skipped": SKIPPED}.get(report.outcome, BROKE)
            )
    rows = sorted(outcomes.items())
    width = max((len(tried) for (_, tried), _ in rows), default=10)
    write = terminalreporter.write_line
    terminalreporter.section("reliability: what was tried and what held")
    write(f"{'area':<12} {'what was tried':<{width}}  result")
    for (area, tried), results in rows:
        held = results.count(HELD)
        verdict = HELD if held == len(results) else (BROKE if BROKE in results else SKIPPED)
        count = f" ({held}/{len(results)})" if len(results) > 1 or verdict != HELD else ""
        write(f"{area:<12} {tried:<{width}}  {verdict}{count}")
    cases = [r for _, results in rows for r in results]
    write(
        f"{len(rows)} scenarios, {len(cases)} cases: {cases.count(HELD)} held, "
        f"{cases.count(BROKE)} broke, {cases.count(SKIPPED)} skipped"
    )
