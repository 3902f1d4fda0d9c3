"""Tests for ptutils.claims: the claims cell helper."""

from ptutils import Claims


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


def test_parse_claims_line_reads_the_last_line_printed():
    from ptutils.claims import CLAIMS_LINE, parse_claims_line

    text = "PASS  a\nCLAIMS: 1/2 passed\n" + CLAIMS_LINE.format(passed=3, total=4) + "\n"
    assert parse_claims_line(text) == (3, 4)
    assert parse_claims_line("no claims here") is None


def test_claim_rows_printed_by_check_are_read_back(capsys):
    from ptutils.claims import parse_claim_rows

    c = Claims()
    c.check("a lesson  with [brackets]", True, "0.81 vs 0.52 [3 seeds]")
    c.check("no value", False)
    rows = parse_claim_rows(capsys.readouterr().out)
    assert rows == c.rows
