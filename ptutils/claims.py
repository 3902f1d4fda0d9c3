"""The claims cell: record each claim with its measured value, print them, count them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Claim", "Claims", "CLAIMS_LINE", "parse_claims_line", "parse_claim_rows"]

CLAIMS_LINE = "CLAIMS: {passed}/{total} passed"  # the course runner reads this line
_CLAIMS_RE = re.compile(re.escape(CLAIMS_LINE).replace(r"\{passed\}", r"(\d+)")
                        .replace(r"\{total\}", r"(\d+)"))


def parse_claims_line(text: str) -> tuple[int, int] | None:
    """(passed, total) from the last CLAIMS line in `text`, or None when there is none."""
    found = _CLAIMS_RE.findall(text)
    return (int(found[-1][0]), int(found[-1][1])) if found else None


@dataclass
class Claim:
    """One claim: what is asserted, whether it held, and the measured value."""

    name: str
    passed: bool
    measured: str

    def line(self) -> str:
        """The printed form: 'PASS  name  [measured]' (parse_claim_rows reads it back)."""
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}" + (
            f"  [{self.measured}]" if self.measured else "")


_ROW_RE = re.compile(r"^(PASS|FAIL)  (.+?)(?:  \[(.*)\])?$", flags=re.M)


def parse_claim_rows(text: str) -> list[Claim]:
    """The claims printed by Claims.check in `text`, in order."""
    return [Claim(name, verdict == "PASS", measured or "")
            for verdict, name, measured in _ROW_RE.findall(text)]


@dataclass
class Claims:
    """Collects claims; `summary()` prints them and the CLAIMS line; then `assert claims.all_passed`."""

    rows: list[Claim] = field(default_factory=list)

    def check(self, name: str, passed: bool, measured: str = "") -> bool:
        """Record one claim and print it with a tick or a cross."""
        row = Claim(name, bool(passed), measured)
        self.rows.append(row)
        print(row.line())
        return row.passed

    @property
    def all_passed(self) -> bool:
        """True when at least one claim was checked and every one held."""
        return bool(self.rows) and all(r.passed for r in self.rows)

    @property
    def failures(self) -> list[str]:
        """The claims that did not hold, with their measured values."""
        return [f"{r.name} [{r.measured}]" for r in self.rows if not r.passed]

    def summary(self) -> str:
        """Print and return the CLAIMS line."""
        line = CLAIMS_LINE.format(passed=sum(r.passed for r in self.rows), total=len(self.rows))
        print(line)
        return line
