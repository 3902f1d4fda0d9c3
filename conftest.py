"""Records each notebook's wall time in the test run (build/timings/tests.csv) and prints it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptutils.course import (
    OVER_BUDGET_FACTOR,
    NotebookRun,
    budget_seconds,
    budget_status,
    format_table,
    write_timings,
)

_RUNS: list[NotebookRun] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = Path(str(report.fspath))
    if report.when == "call" and path.suffix == ".ipynb":
        budget = budget_seconds(path)
        status = budget_status(report.duration, budget) if report.passed else "failed"
        _RUNS.append(NotebookRun(path.name, round(report.duration, 1), budget, status=status))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _RUNS:
        return
    out = write_timings(_RUNS, Path(config.rootpath) / "build" / "timings" / "tests.csv")
    terminalreporter.write_sep("=", "notebook wall times")
    terminalreporter.write_line(format_table(_RUNS))
    terminalreporter.write_line(f"(written to {out})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    slow = [r for r in _RUNS if r.status == "far over budget"]
    if slow and exitstatus == 0:
        names = ", ".join(f"{r.notebook} ({r.seconds:.0f}s > {OVER_BUDGET_FACTOR}x{r.budget_s:.0f}s)"
                          for r in slow)
        print(f"\nNotebooks far over their time budget: {names}")
        session.exitstatus = 1
