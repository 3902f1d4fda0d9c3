"""Tests for ptutils.course: discovery, budgets, the runner, the timing table."""

import csv
import json

import nbformat

from ptutils import course


def _write_nb(path, code: str, budget: float | None = None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    if budget is not None:
        nb.metadata["ptutils"] = {"budget_s": budget}
    nbformat.write(nb, path)
    return path


PASSING = ("import ptutils\nclaims = ptutils.Claims()\nclaims.check('one is one', 1 == 1)\n"
           "claims.summary()\nassert claims.all_passed, claims.failures")
FAILING = ("import ptutils\nclaims = ptutils.Claims()\nclaims.check('one is two', 1 == 2, '1')\n"
           "claims.summary()\nassert claims.all_passed, claims.failures")


def test_find_notebooks_sorted_and_skips_checkpoints(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", ".ipynb_checkpoints/01_a-checkpoint.ipynb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        _write_nb(tmp_path / name, "1")
    assert [p.name for p in course.find_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]


def test_budget_seconds_from_metadata_or_default(tmp_path):
    assert course.budget_seconds(_write_nb(tmp_path / "a.ipynb", "1", budget=60)) == 60
    assert course.budget_seconds(_write_nb(tmp_path / "b.ipynb", "1")) == course.DEFAULT_BUDGET_S


def test_write_timings_and_format_table(tmp_path):
    runs = [course.NotebookRun("00_x.ipynb", 12.3, 60, 3, 3),
            course.NotebookRun("01_y.ipynb", 70.0, 60, 1, 2, "over budget")]
    path = course.write_timings(runs, tmp_path / "t" / "course.csv")
    rows = list(csv.DictReader(path.open()))
    assert [r["notebook"] for r in rows] == ["00_x.ipynb", "01_y.ipynb"]
    table = course.format_table(runs)
    assert "3/3" in table and "over budget" in table and "82.3s" in table


def test_main_runs_notebooks_and_reports_claims(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _write_nb(nbs / "01_pass.ipynb", PASSING, budget=120)
    _write_nb(nbs / "02_fail.ipynb", FAILING, budget=120)
    out = tmp_path / "build"
    assert course.main(["--notebooks", str(nbs), "--out", str(out), "--timeout", "120"]) == 1
    printed = capsys.readouterr().out
    assert "01_pass.ipynb" in printed and "1/1" in printed and "0/1" in printed
    rows = {r["notebook"]: r for r in csv.DictReader((out / "timings" / "course.csv").open())}
    assert rows["01_pass.ipynb"]["status"] == "ok"
    assert rows["02_fail.ipynb"]["status"].startswith("failed")
    executed = json.loads((out / "executed" / "01_pass.ipynb").read_text())
    assert any("CLAIMS: 1/1 passed" in "".join(o.get("text", ""))
               for c in executed["cells"] for o in c.get("outputs", []))


def test_main_with_no_matching_notebook(tmp_path, capsys):
    assert course.main(["--notebooks", str(tmp_path), "--only", "99"]) == 2
    assert "no notebooks found" in capsys.readouterr().err


def test_run_notebook_over_budget(tmp_path):
    path = _write_nb(tmp_path / "01_a.ipynb", "x = 1", budget=0.001)
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status == "over budget" and run.claims_total is None
    assert (tmp_path / "out" / "01_a.ipynb").is_file()
