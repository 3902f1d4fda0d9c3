"""Tests for ptutils.claims: the claims cell helper."""

from ptutils import Claims
from ptutils.claims import Claim


def test_claims_all_pass_prints_the_line(capsys):
    c = Claims()
    assert c.check("two is more than one", 2 > 1, "2 vs 1")
    assert c.summary() == "CLAIMS: 1/1 passed"
    out = capsys.readouterr().out
    assert "PASS  two is more than one  [2 vs 1]" in out and "CLAIMS: 1/1 passed" in out
    assert c.all_passed and c.failures == []


def test_claims_failure_is_recorded_with_its_value():
    c = Claims()
    c.check("holds", True)
    assert not c.check("does not hold", False, "0.4 < 0.5")
    assert not c.all_passed
    assert c.failures == ["does not hold [0.4 < 0.5]"]
    assert c.summary() == "CLAIMS: 1/2 passed"


def test_no_claims_is_not_a_pass():
    assert not Claims().all_passed


def test_record_holds_every_claim_and_the_count():
    c = Claims()
    c.check("a lesson  with [brackets]", True, "0.81 vs 0.52 [3 seeds]")
    c.check("no value", False)
    rec = c.record()
    assert (rec["passed"], rec["total"]) == (1, 2)
    assert rec["claims"][0] == {"name": "a lesson  with [brackets]", "passed": True,
                                "measured": "0.81 vs 0.52 [3 seeds]"}


def _executed(*outputs):
    """A minimal executed notebook (as JSON) whose one cell has these outputs."""
    return {"cells": [{"cell_type": "code", "source": "", "outputs": list(outputs)}]}


def test_read_record_takes_the_last_record_and_ignores_printed_text():
    from ptutils.claims import CLAIMS_MIME, read_record

    first, last = Claims(), Claims()
    first.rows.append(Claim("old", False, ""))
    last.rows += [Claim("a", True, "1 > 0"), Claim("b", False, "0.4 < 0.5")]
    nb = _executed(
        {"output_type": "stream", "name": "stdout", "text": "PASS  printed\nCLAIMS: 9/9 passed\n"},
        {"output_type": "display_data", "data": {CLAIMS_MIME: first.record()}, "metadata": {}},
        {"output_type": "display_data", "data": {CLAIMS_MIME: last.record()}, "metadata": {}})
    rows, passed, total = read_record(nb)
    assert rows == last.rows and (passed, total) == (1, 2)


def test_read_record_is_none_without_a_record():
    from ptutils.claims import read_record

    assert read_record(_executed({"output_type": "stream", "name": "stdout",
                                  "text": "CLAIMS: 3/3 passed\n"})) is None


def test_summary_outside_a_kernel_prints_the_line(capsys):
    c = Claims()
    c.check("holds", True)
    c.summary()
    assert capsys.readouterr().out.endswith("CLAIMS: 1/1 passed\n")


def test_claims_that_do_not_apply_are_measured_but_cannot_fail(capsys):
    from ptutils.claims import CLAIMS_MIME, read_record

    c = Claims(applies=False, why="your own data")
    c.check("polarity beats chance", False, "0.48")
    assert c.all_passed
    line = c.summary()
    assert line == "CLAIMS: 0/1 passed (not applicable: your own data)"
    assert "n/a   polarity beats chance  [0.48]" in capsys.readouterr().out
    nb = _executed({"output_type": "display_data", "data": {CLAIMS_MIME: c.record()},
                    "metadata": {}})
    rows, passed, total = read_record(nb)
    assert (passed, total) == (1, 1) and rows[0].measured == "0.48" and not rows[0].applies
    assert not Claims(applies=False).all_passed  # still no claims, no pass
