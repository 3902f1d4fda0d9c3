"""The claims cell: record each claim with its measured value, print them, count them.

`Claims.summary()` ends the cell with one structured record (a display output of MIME type
CLAIMS_MIME holding every claim); the course runner, the test run and the results page all read
that record back with `read_record`, so they can never disagree about what a notebook claimed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Claim", "Claims", "CLAIMS_LINE", "CLAIMS_MIME", "read_record"]

CLAIMS_LINE = "CLAIMS: {passed}/{total} passed"  # what a reader sees of the record
CLAIMS_MIME = "application/vnd.ptutils.claims+json"  # the record itself (JupyterLab shows the line)


@dataclass
class Claim:
    """One claim: what is asserted, whether it held, and the measured value."""

    name: str
    passed: bool
    measured: str
    applies: bool = True  # False: measured on data the claim was not written for

    def line(self) -> str:
        """The printed form: 'PASS  name  [measured]'."""
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}" + (
            f"  [{self.measured}]" if self.measured else "")


@dataclass
class Claims:
    """Collects claims; `summary()` prints them and the CLAIMS line; then `assert claims.all_passed`.

    `Claims(applies=False, why=...)` is for data the claims were not written for (a learner's own
    file): each claim is still measured and printed, marked `n/a`, and none can fail the run.
    """

    rows: list[Claim] = field(default_factory=list)
    applies: bool = True
    why: str = ""

    def check(self, name: str, passed: bool, measured: str = "") -> bool:
        """Record one claim and print it with PASS or FAIL (n/a where the claims do not apply)."""
        row = Claim(name, bool(passed), measured)
        self.rows.append(row)
        print(row.line() if self.applies else "n/a   " + row.line()[6:])
        return row.passed

    @property
    def all_passed(self) -> bool:
        """True when at least one claim was checked and every one held (or they do not apply)."""
        return bool(self.rows) and (not self.applies or all(r.passed for r in self.rows))

    @property
    def failures(self) -> list[str]:
        """The claims that did not hold, with their measured values."""
        return [f"{r.name} [{r.measured}]" for r in self.rows if not r.passed]

    def record(self) -> dict:
        """The structured record: {'passed': k, 'total': n, 'claims': [Claim as a dict, ...]},
        with 'applies': False and the reason when the claims were not written for this data."""
        record = {"passed": sum(r.passed for r in self.rows), "total": len(self.rows),
                  "claims": [{k: v for k, v in asdict(r).items() if k != "applies"}
                             for r in self.rows]}
        return record if self.applies else record | {"applies": False, "why": self.why}

    def summary(self) -> str:
        """Show the CLAIMS line; in a notebook, as the structured record the runner reads."""
        line = CLAIMS_LINE.format(passed=sum(r.passed for r in self.rows), total=len(self.rows))
        if not self.applies:
            line += f" (not applicable: {self.why or 'not the data they were written for'})"
        shell = _ipython()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            from IPython.display import display

            display({"text/plain": line, CLAIMS_MIME: self.record()}, raw=True)
        else:
            print(line)
        return line


def _ipython():
    """The running IPython shell, or None outside one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def read_record(nb) -> tuple[list[Claim], int, int] | None:
    """(claims, passed, total) from an executed notebook's last claims record, else None.

    Where the claims did not apply (a learner's own data), passed == total: none can fail.
    `nb` is a notebook as nbformat reads it (or its JSON as a dict).
    """
    found = None
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") in (
                "display_data", "execute_result") else {}
            if CLAIMS_MIME in data:
                found = data[CLAIMS_MIME]
    if found is None:
        return None
    applies = found.get("applies", True)
    rows = [Claim(c["name"], bool(c["passed"]), c.get("measured", ""), applies)
            for c in found["claims"]]
    return rows, int(found["total"] if not applies else found["passed"]), int(found["total"])
