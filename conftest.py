"""Notebook times in the test run: the machine is measured once (ptutils.speed) when notebooks
are collected; each notebook's wall and normalised seconds are printed at the end and written to
build/timings/tests.csv. A notebook far over its budget in *normalised* seconds fails the run; a
slow machine alone never does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptutils.course import (
    OVER_BUDGET_FACTOR,
    NotebookRun,
    budget_seconds,
    format_table,
    judge,
    write_timings,
)

_RUNS: list[NotebookRun] = []
_SPEED: dict = {}  # "speed": the MachineSpeed measured for this session


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(Path(str(item.fspath)).suffix == ".ipynb" for item in session.items):
        from ptutils.speed import measure

        _SPEED["speed"] = measure()
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"this machine: {_SPEED['speed'].describe()}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = Path(str(report.fspath))
    if report.when == "call" and path.suffix == ".ipynb":
        _RUNS.append(judge(path.name, report.duration, budget_seconds(path), _SPEED.get("speed"),
                           None if report.passed else "failed"))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _RUNS:
        return
    speed = _SPEED.get("speed")
    out = write_timings(_RUNS, Path(config.rootpath) / "build" / "timings" / "tests.csv", speed)
    terminalreporter.write_sep("=", "notebook times")
    terminalreporter.write_line(format_table(_RUNS, speed))
    terminalreporter.write_line(f"(written to {out})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    slow = [r for r in _RUNS if r.status == "far over budget"]
    if slow and exitstatus == 0:
        names = ", ".join(f"{r.notebook} ({r.normalised_s or r.seconds:.0f} normalised s > "
                          f"{OVER_BUDGET_FACTOR} x {r.budget_s:.0f} s)" for r in slow)
        print(f"\nNotebooks far over their time budget: {names}")
        session.exitstatus = 1
