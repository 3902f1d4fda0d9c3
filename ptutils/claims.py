"""The claims cell: record each claim with its measured value, print them, count them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Claim", "Claims", "CLAIMS_LINE"]

CLAIMS_LINE = "CLAIMS: {passed}/{total} passed"  # the course runner reads this line


@dataclass
class Claim:
    """One claim: what is asserted, whether it held, and the measured value."""

    name: str
    passed: bool
    measured: str


@dataclass
class Claims:
    """Collects claims; `summary()` prints them and the CLAIMS line; then `assert claims.all_passed`."""

    rows: list[Claim] = field(default_factory=list)

    def check(self, name: str, passed: bool, measured: str = "") -> bool:
        """Record one claim and print it with a tick or a cross."""
        row = Claim(name, bool(passed), measured)
        self.rows.append(row)
        print(f"{'PASS' if row.passed else 'FAIL'}  {name}" + (f"  [{measured}]" if measured else ""))
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
