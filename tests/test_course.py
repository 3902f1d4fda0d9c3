"""Tests for ptutils.course: discovery, budgets, the runner, the timing table."""

import csv
import json

import nbformat
import pytest

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
    assert run.status == "far over budget" and run.claims_total is None
    assert (tmp_path / "out" / "01_a.ipynb").is_file()


def test_budget_status_one_rule_for_course_and_tests():
    assert course.budget_status(60, 60) == "ok"
    assert course.budget_status(61, 60) == "over budget"
    assert course.budget_status(course.OVER_BUDGET_FACTOR * 60 + 1, 60) == "far over budget"


def test_cell_timeout_matches_nbmake_timeout_in_pyproject():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert int(re.search(r"--nbmake-timeout=(\d+)", text).group(1)) == course.CELL_TIMEOUT_S


def _with_parameters(tmp_path, name="01_p.ipynb"):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("SEEDS = [0, 1, 2]\nSTEPS, CV_SEED = 10, 0"),
        nbformat.v4.new_code_cell(
            "import ptutils\nclaims = ptutils.Claims()\n"
            "claims.check('seeds overridden', SEEDS == [3, 4], str(SEEDS))\n"
            "claims.summary()\nassert claims.all_passed, claims.failures")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / name)
    return tmp_path / name


def test_set_parameters_injects_after_the_parameters_cell(tmp_path):
    nb = nbformat.read(_with_parameters(tmp_path), as_version=4)
    course.set_parameters(nb, {"SEEDS": "[3, 4]"})
    assert nb.cells[1].source.endswith("SEEDS = [3, 4]")
    assert nb.cells[1].metadata["tags"] == ["injected-parameters"]
    course.set_parameters(nb, {"CV_SEED": "1"})  # a name set in a tuple assignment
    assert nb.cells[1].source.endswith("CV_SEED = 1")


def test_set_parameters_errors_name_the_problem(tmp_path):
    nb = nbformat.read(_with_parameters(tmp_path), as_version=4)
    with pytest.raises(ValueError, match="NOPE is not set in the parameters cell.*CV_SEED, SEEDS, STEPS"):
        course.set_parameters(nb, {"NOPE": "1"})
    with pytest.raises(ValueError, match="not a Python expression"):
        course.set_parameters(nb, {"SEEDS": "[3, 4"})
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="no code cell tagged 'parameters'"):
        course.set_parameters(bare, {"x": "2"})


def test_main_set_overrides_a_parameter(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _with_parameters(nbs)
    out = str(tmp_path / "build")
    assert course.main(["--notebooks", str(nbs), "--out", out]) == 1  # default seeds: claim fails
    assert course.main(["--notebooks", str(nbs), "--out", out, "--set", "SEEDS=[3, 4]"]) == 0
    assert "1/1" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="NAME=VALUE"):
        course.main(["--notebooks", str(nbs), "--set", "SEEDS"])


def test_failure_status_has_no_terminal_colour_codes(tmp_path):
    path = _write_nb(tmp_path / "01_err.ipynb", "raise ValueError('plain words')")
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status.startswith("failed") and "\x1b" not in run.status
    assert "plain words" in run.status


def test_a_dead_kernel_is_a_failed_notebook_not_a_crash(tmp_path):
    path = _write_nb(tmp_path / "01_dies.ipynb", "import os\nos._exit(1)")
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status.startswith("failed") and run.claims_total is None
