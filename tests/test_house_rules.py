"""House rules as tests: notebooks without outputs, the template, a claims cell, ruff, budgets."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ptutils.course import COURSE_BUDGET_S, budget_seconds, find_notebooks, typical_seconds

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = find_notebooks(ROOT / "notebooks")
MAX_CELL_LINES = 32  # "5-15 lines a cell, none over ~30" (style guide)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    dirty = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs; clear them before committing "
                       "(JupyterLab: Edit > Clear Outputs of All Cells)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_name_and_metadata(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), "name it NN_topic.ipynb"
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3"
    assert "budget_s" in meta.get("ptutils", {}), "set metadata ptutils.budget_s (seconds)"
    assert 0 < budget_seconds(path) <= 300


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_template(path):
    cells = _cells(path)
    md = [_source(c).lstrip() for c in cells if c["cell_type"] == "markdown"]
    code = [_source(c) for c in cells if c["cell_type"] == "code"]
    assert cells[0]["cell_type"] == "markdown" and md[0].startswith("# "), "start with a title"
    for heading in ("## You will learn", "## Key terms", "## Exercises"):
        assert any(m.startswith(heading) for m in md), f"{path.name}: missing '{heading}'"
    key_terms = next(m for m in md if m.startswith("## Key terms"))
    assert "中文" in key_terms and "|" in key_terms, "key terms: a table in English and 中文"
    start = next(i for i, m in enumerate(md) if m.startswith("## Exercises"))
    exercises = "\n".join(md[start:])  # the heading's cell and every markdown cell after it
    assert len(re.findall(r"^\s*\d+\.", exercises, flags=re.M)) >= 3, "at least 3 exercises"
    assert "ptutils.setup(" in code[0], "the first code cell calls ptutils.setup()"
    assert sum("ptutils.setup(" in c for c in code) == 1, "call ptutils.setup() once"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_an_assert_based_claims_cell(path):
    cells = _cells(path)
    code = [_source(c) for c in cells if c["cell_type"] == "code"]
    claims = [c for c in code if "claims.summary()" in c]
    assert len(claims) == 1, f"{path.name}: one claims cell (the one calling claims.summary())"
    last = claims[0]
    assert "claims.check(" in last, f"{path.name}: the claims cell must check claims"
    after = cells[next(i for i, c in enumerate(cells) if _source(c) == last) + 1:]
    exercises = next((i for i, c in enumerate(after) if c["cell_type"] == "markdown"
                      and _source(c).lstrip().startswith("## Exercises")), len(after))
    lesson_code = [c for c in after[:exercises] if c["cell_type"] == "code"]
    assert not lesson_code, (f"{path.name}: only markdown may sit between the claims cell and "
                             "'## Exercises'; lesson code belongs before the claims")
    later = [_source(c).lstrip().splitlines()[0] for c in after[exercises + 1:]
             if c["cell_type"] == "markdown" and _source(c).lstrip().startswith("## ")]
    assert not later, f"{path.name}: no new section after the exercises: {later}"
    assert re.search(r"^assert claims\.all_passed", last, flags=re.M), \
        f"{path.name}: the claims cell must end with `assert claims.all_passed, claims.failures`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_built_in_small_steps(path):
    """One idea per cell: no code cell over ~30 lines (the parameters and claims cells aside)."""
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{path.name}: tag exactly one code cell `parameters`"
    long = [i for i, c in enumerate(code) if c not in params
            and "claims.summary()" not in _source(c)
            and len(_source(c).splitlines()) > MAX_CELL_LINES]
    assert not long, (f"{path.name}: code cells {long} are over {MAX_CELL_LINES} lines; split "
                      "them into steps that each show their output")


def test_course_fits_its_time_budget():
    # normalised seconds (ptutils.speed): seconds on the reference machine
    total = sum(budget_seconds(p) for p in NOTEBOOKS)
    assert total <= COURSE_BUDGET_S, (f"notebook budgets add up to {total:.0f} normalised s > "
                                      f"the course's {COURSE_BUDGET_S} s")
    typical = {p.name: typical_seconds(p) for p in NOTEBOOKS}
    over = {n: t for n, t in typical.items() if t > budget_seconds(NOTEBOOKS[0].parent / n)}
    assert not over, f"measured times (metadata ptutils.typical_s) over their budgets: {over}"


def test_ruff_is_clean():
    import importlib.util

    assert importlib.util.find_spec("ruff"), \
        "ruff is not installed: pip install -e '.[dev]' (or re-run bash scripts/install.sh)"
    targets = [str(ROOT / p) for p in ("ptutils", "tests", "notebooks", "conftest.py")]
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *targets],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, ("ruff found problems (fix with `ruff check --fix`):\n"
                                 f"{res.stdout}{res.stderr}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_plain_values_only(path):
    """papermill's convention: `-p NAME VALUE` (or --set) must take effect everywhere, so the
    parameters cell assigns plain values; derived values and side effects go in the next cell."""
    import ast

    from ptutils.course import parameter_values

    cell = next(c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse(_source(cell))
    other = [ast.unparse(n).splitlines()[0] for n in tree.body
             if not isinstance(n, ast.Assign | ast.AnnAssign)]
    values = parameter_values(_source(cell))
    derived = {k: v.expression for k, v in values.items()
               if not isinstance(v, int | float | str | bool | list | tuple | dict | type(None))}
    tuples = [k for k, v in values.items() if isinstance(v, tuple)]
    assert not tuples, (f"{path.name}: papermill passes a tuple as a string; write {tuples} "
                        "as lists")
    assert not other and not derived, (
        f"{path.name}: the parameters cell must hold plain values only; move these to the next "
        f"cell: {other + [f'{k} = {e}' for k, e in derived.items()]}")
