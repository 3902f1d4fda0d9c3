"""Tests for ptutils.report: the results page is built from executed notebooks."""

import json
from html.parser import HTMLParser

import nbformat

from ptutils import course
from ptutils.claims import read_record

FIGURE = ("import sys\nimport matplotlib.pyplot as plt\nprint('progress 50%', file=sys.stderr)\n"
          "plt.plot([1, 2, 3], [0.3, 0.2, 0.1])\nplt.show()\nloss = 0.1234")
CLAIMS = ("import ptutils\nclaims = ptutils.Claims()\n"
          "claims.check('the loss falls', loss < 0.3, f'{loss:.4f} < 0.3 & <b>')\n"
          "claims.check('a second lesson', True, 'measured 7')\n"
          "claims.summary()\nassert claims.all_passed, claims.failures")


class _Balanced(HTMLParser):
    """Checks that every opened tag is closed in order (void elements aside)."""

    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _course_notebook(folder):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 01 · A tiny lesson\n\nText."),
        nbformat.v4.new_code_cell(FIGURE), nbformat.v4.new_code_cell(CLAIMS),
        nbformat.v4.new_markdown_cell("## Exercises\n1. Print PASS  nothing."),
        nbformat.v4.new_code_cell("print('PASS  an exercise, not a claim')")])
    nb.cells[1].metadata["tags"] = ["headline"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["ptutils"] = {"budget_s": 120}
    nbformat.write(nb, folder / "01_tiny.ipynb")


def test_course_writes_a_results_page_from_the_executed_notebook(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _course_notebook(nbs)
    out = tmp_path / "build"
    assert course.main(["--notebooks", str(nbs), "--out", str(out), "--tokens-per-s", "12500"]) == 0
    assert "results page: file://" in capsys.readouterr().out
    page = (out / "results.html").read_text(encoding="utf-8")

    executed = json.loads((out / "executed" / "01_tiny.ipynb").read_text())
    rows, passed, total = read_record(executed)  # the record the runner counted
    assert (passed, total) == (2, 2)
    assert [r.measured for r in rows] == ["0.1234 < 0.3 & <b>", "measured 7"]
    assert "0.1234 &lt; 0.3 &amp; &lt;b&gt;" in page and "measured 7" in page  # escaped, as run
    png = next(o for o in executed["cells"][1]["outputs"] if "data" in o)["data"]["image/png"]
    assert "progress 50%" not in page  # stderr (progress bars) is not part of a figure
    assert "data:image/png;base64," + "".join(png).replace("\n", "")[:200] in page
    assert "an exercise, not a claim" not in page  # claims come from the claims cell only
    assert "01 · A tiny lesson" in page and "2/2" in page and "120 s" in page
    # the machine's speed, wall and normalised times, the slowest cells
    assert "12,500 tokens/s" in page and "0.50 x the reference machine" in page
    assert "<th>wall</th><th>normalised</th>" in page and "normalised)" in page
    assert "[2] " in page  # the claims cell or the figure cell is named among the slowest

    checker = _Balanced()
    checker.feed(page)
    assert page.startswith("<!DOCTYPE html>") and not checker.errors and not checker.stack


def test_results_page_for_a_notebook_that_did_not_run(tmp_path):
    from ptutils.report import build_report

    run = course.NotebookRun("02_missing.ipynb", 0.0, 60, status="failed: boom")
    page = build_report([run], tmp_path / "executed", tmp_path / "r.html").read_text()
    assert "02_missing.ipynb" in page and "failed: boom" in page and "did not finish" in page


def test_a_failing_claim_is_shown_as_failed_with_its_value(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _course_notebook(nbs)
    path = nbs / "01_tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = nb.cells[2].source.replace("loss < 0.3", "loss < 0.1")  # now it fails
    nbformat.write(nb, path)
    out = tmp_path / "build"
    assert course.main(["--notebooks", str(nbs), "--out", str(out), "--tokens-per-s", "25000"]) == 1
    page = (out / "results.html").read_text(encoding="utf-8")
    at = page.rindex("the loss falls")  # its row in the claims table (the status names it too)
    row = page[page.rindex("<tr>", 0, at): at]
    assert "class='fail'" in row and "class='pass'" not in row
    assert "0.1234 &lt; 0.3" in page and "1/2" in page  # the measured value and the count
    assert page.index("Claims that failed (1)") < page.index("<h2>Contents</h2>")  # first
    executed = json.loads((out / "executed" / "01_tiny.ipynb").read_text())
    rows, passed, total = read_record(executed)
    assert [r.passed for r in rows] == [False, True] and (passed, total) == (1, 2)
