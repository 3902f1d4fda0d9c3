"""Tests for ptutils.course: discovery, budgets, the runner, the timing table."""

import csv
import json
from pathlib import Path

import nbformat
import pytest

from ptutils import claims, course, speed


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
    assert course.main(["--notebooks", str(nbs), "--out", str(out), "--timeout", "120",
                        "--tokens-per-s", "25000"]) == 1
    printed = capsys.readouterr().out
    assert "01_pass.ipynb" in printed and "1/1" in printed and "0/1" in printed
    rows = {r["notebook"]: r for r in csv.DictReader((out / "timings" / "course.csv").open())}
    assert rows["01_pass.ipynb"]["status"] == "ok"
    assert rows["02_fail.ipynb"]["status"].startswith("failed")
    executed = json.loads((out / "executed" / "01_pass.ipynb").read_text())
    # the claims record: the line a learner sees, and the claims the runner and the page read
    shown = [o["data"] for c in executed["cells"] for o in c.get("outputs", []) if "data" in o]
    assert ["".join(d["text/plain"]) for d in shown] == ["CLAIMS: 1/1 passed"]
    assert claims.read_record(executed)[1:] == (1, 1)


def test_main_with_no_matching_notebook(tmp_path, capsys):
    assert course.main(["--notebooks", str(tmp_path), "--only", "99"]) == 2
    assert "no notebooks found" in capsys.readouterr().err


def test_run_notebook_over_budget(tmp_path):
    path = _write_nb(tmp_path / "01_a.ipynb", "x = 1", budget=0.001)
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status == "far over budget" and run.claims_total is None
    assert (tmp_path / "out" / "01_a.ipynb").is_file()


SLOW = speed.from_tokens_per_s(speed.REFERENCE_TOKENS_PER_S / 3)  # a third of the reference
FAST = speed.from_tokens_per_s(speed.REFERENCE_TOKENS_PER_S * 3)


def test_the_gate_forgives_a_slow_machine():
    # 2.9 x the budget in wall time on a machine a third as fast: within budget once normalised
    run = course.judge("05_x.ipynb", 290, 100, SLOW)
    assert run.normalised_s == pytest.approx(96.7) and run.status == "ok"
    # the same wall time on the reference machine is a regression
    assert course.judge("05_x.ipynb", 290, 100, speed.from_tokens_per_s(
        speed.REFERENCE_TOKENS_PER_S)).status == "far over budget"


def test_the_gate_catches_a_regression_on_a_fast_machine():
    # within the budget in wall seconds, but 3x over it in normalised seconds
    run = course.judge("05_x.ipynb", 100, 100, FAST)
    assert run.normalised_s == pytest.approx(300) and run.status == "far over budget"
    assert course.judge("05_x.ipynb", 60, 100, FAST).status == "over budget"  # 180: not a fail


def test_time_never_fails_a_run_on_a_gpu():
    gpu = speed.from_tokens_per_s(speed.REFERENCE_TOKENS_PER_S, device="cuda")
    run = course.judge("05_x.ipynb", 1000, 100, gpu)
    assert run.status.startswith("over budget (not judged on a GPU")
    assert "budgets are not judged" in gpu.describe()


def test_judge_failure_wins_and_no_speed_means_wall_seconds():
    assert course.judge("a.ipynb", 1, 100, SLOW, "failed: boom").status == "failed: boom"
    run = course.judge("a.ipynb", 150, 100, None)
    assert run.normalised_s is None and run.status == "over budget"


def test_run_notebook_reports_normalised_time_and_slowest_cells(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 1. Quick"), nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## 2. Slow part"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(1.0)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["ptutils"] = {"budget_s": 600}
    nbformat.write(nb, tmp_path / "01_t.ipynb")
    run = course.run_notebook(tmp_path / "01_t.ipynb", tmp_path / "out", timeout=60, speed=SLOW)
    assert run.normalised_s == pytest.approx(run.seconds / 3, abs=0.1)
    assert run.slowest.startswith("[3] 1s (2. Slow part)")
    executed = nbformat.read(tmp_path / "out" / "01_t.ipynb", as_version=4)
    (idx, sec, section), *_ = course.slowest_cells(executed)
    assert idx == 3 and sec >= 1.0 and section == "2. Slow part"


def test_timings_csv_and_table_carry_both_times_and_the_machine(tmp_path):
    runs = [course.judge("00_x.ipynb", 30, 60, SLOW)]
    rows = list(csv.DictReader(course.write_timings(runs, tmp_path / "t.csv", SLOW).open()))
    assert float(rows[0]["seconds"]) == 30 and float(rows[0]["normalised_s"]) == 10
    assert float(rows[0]["machine_tokens_per_s"]) == round(SLOW.tokens_per_s)
    table = course.format_table(runs, SLOW)
    assert "10.0s" in table and "0.33 x the reference machine" in table


def test_main_prints_the_machine_and_what_to_expect(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    path = _write_nb(nbs / "01_pass.ipynb", PASSING, budget=120)
    nb = json.loads(path.read_text())
    nb["metadata"]["ptutils"]["typical_s"] = 30
    path.write_text(json.dumps(nb))
    assert course.typical_seconds(path) == 30
    course.main(["--notebooks", str(nbs), "--out", str(tmp_path / "b"), "--tokens-per-s",
                 str(speed.REFERENCE_TOKENS_PER_S / 4)])
    printed = capsys.readouterr().out
    assert "0.25 x the reference machine" in printed
    assert "expect about 2 min for 1 notebook(s) (30 normalised s" in printed


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


def test_set_parameters_injects_papermills_cell_after_the_parameters_cell(tmp_path):
    nb = nbformat.read(_with_parameters(tmp_path), as_version=4)
    nb = course.set_parameters(nb, {"SEEDS": "[3, 4]"})
    assert nb.cells[1].source.endswith("SEEDS = [3, 4]\n")
    assert nb.cells[1].metadata["tags"] == ["injected-parameters"]
    assert nb.metadata["papermill"]["parameters"] == {"SEEDS": [3, 4]}
    nb = course.set_parameters(nb, {"CV_SEED": "1"})  # a name set in a tuple assignment
    assert nb.cells[1].source.endswith("CV_SEED = 1\n") and "SEEDS" not in nb.cells[1].source
    assert len(nb.cells) == 3  # papermill replaces its injected cell, never stacks a second


def test_set_parameters_matches_papermills_own_command(tmp_path):
    from papermill.parameterize import parameterize_notebook

    path = _with_parameters(tmp_path)
    ours = course.set_parameters(nbformat.read(path, as_version=4), {"SEEDS": "[3, 4]"})
    theirs = nbformat.read(path, as_version=4)  # what `papermill ... -p SEEDS "[3, 4]"` builds
    theirs.metadata["papermill"] = {}
    for cell in theirs.cells:  # as papermill's execute_notebook prepares a notebook
        cell.metadata.setdefault("tags", [])
    theirs = parameterize_notebook(theirs, {"SEEDS": [3, 4]}, kernel_name="python3",
                                   language="python")
    assert ours.cells[1].source.splitlines()[1:] == theirs.cells[1].source.splitlines()[1:]


def test_parameter_values_reads_plain_values_and_marks_derived_ones():
    values = course.parameter_values("SCALE = 1\nA, B = 2, 'x'\nNUM_STEPS = 600 * SCALE\n"
                                     "LR: float = 1e-3\nimport os\n")
    assert {k: v for k, v in values.items() if k != "NUM_STEPS"} == {
        "SCALE": 1, "A": 2, "B": "x", "LR": 1e-3}
    assert values["NUM_STEPS"].expression == "600 * SCALE"


def test_set_parameters_errors_name_the_problem(tmp_path):
    nb = nbformat.read(_with_parameters(tmp_path), as_version=4)
    with pytest.raises(ValueError, match="NOPE is not set in the parameters cell.*CV_SEED, SEEDS, STEPS"):
        course.set_parameters(nb, {"NOPE": "1"})
    with pytest.raises(ValueError, match="not a plain Python value"):
        course.set_parameters(nb, {"SEEDS": "[3, 4"})
    with pytest.raises(ValueError, match="SEEDS = \\[0, 1, 2\\] \\(list\\), got a int"):
        course.set_parameters(nb, {"SEEDS": "3"})
    with pytest.raises(ValueError, match=r"tuple as a string; write a list: --set 'SEEDS=\[3, 4\]'"):
        course.set_parameters(nb, {"SEEDS": "(3, 4)"})
    with pytest.raises(ValueError, match="a string needs quotes"):
        course.set_parameters(nb, {"SEEDS": "newsgroups"})
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="no code cell tagged 'parameters'"):
        course.set_parameters(bare, {"x": "2"})


def test_set_parameters_refuses_a_derived_name(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("SCALE = 1\nSTEPS = 600 * SCALE")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    with pytest.raises(ValueError, match=r"STEPS is computed in the parameters cell \(STEPS = 600 \* SCALE\)"):
        course.set_parameters(nb, {"STEPS": "10"})
    assert course.set_parameters(nb, {"SCALE": "2"}).cells[1].source.endswith("SCALE = 2\n")


def test_main_set_overrides_a_parameter(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _with_parameters(nbs)
    out = str(tmp_path / "build")
    ref = ["--tokens-per-s", "25000"]  # a known speed: the machine is not measured
    assert course.main(["--notebooks", str(nbs), "--out", out] + ref) == 1  # default seeds fail
    assert course.main(["--notebooks", str(nbs), "--out", out, "--set", "SEEDS=[3, 4]"] + ref) == 0
    assert "1/1" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="NAME=VALUE"):
        course.main(["--notebooks", str(nbs), "--set", "SEEDS"])


def test_main_repeated_set_adds_up(tmp_path):
    """`--set A=1 --set B=2` keeps both (argparse's default would keep only the last)."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _with_parameters(nbs)
    args = ["--notebooks", str(nbs), "--out", str(tmp_path / "build"), "--tokens-per-s", "25000"]
    assert course.main(args + ["--set", "SEEDS=[3, 4]", "--set", "CV_SEED=1"]) == 0


def test_failure_status_has_no_terminal_colour_codes(tmp_path):
    path = _write_nb(tmp_path / "01_err.ipynb", "raise ValueError('plain words')")
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status.startswith("failed") and "\x1b" not in run.status
    assert "plain words" in run.status


def test_a_dead_kernel_is_a_failed_notebook_not_a_crash(tmp_path):
    path = _write_nb(tmp_path / "01_dies.ipynb", "import os\nos._exit(1)")
    run = course.run_notebook(path, tmp_path / "out", timeout=60)
    assert run.status.startswith("failed") and run.claims_total is None


def test_kernel_is_stopped_not_torn_down(tmp_path):
    """After the last cell the kernel is stopped at once: the interpreter's teardown (1.5-2.5 s
    with torch or TensorFlow loaded, which no learner waits for) never runs."""
    code = ("import atexit, pathlib\n"
            f"atexit.register(pathlib.Path({str(tmp_path / 'teardown')!r}).touch)")
    run = course.run_notebook(_write_nb(tmp_path / "01_stop.ipynb", code), tmp_path / "out",
                              timeout=60)
    assert run.status == "ok"
    assert not (tmp_path / "teardown").exists(), "the kernel was torn down, not stopped"


def test_processes_the_kernel_started_are_gone_after_the_run(tmp_path):
    """A process the notebook started (as notebook 09's launches do) does not outlive it."""
    code = ("import os, subprocess, pathlib\n"
            "child = subprocess.Popen(['sleep', '600'])\n"
            f"pathlib.Path({str(tmp_path / 'pids')!r}).write_text(f'{{os.getpid()}} {{child.pid}}')")
    run = course.run_notebook(_write_nb(tmp_path / "01_child.ipynb", code), tmp_path / "out",
                              timeout=60)
    assert run.status == "ok"
    for pid in map(int, (tmp_path / "pids").read_text().split()):
        try:  # a zombie not yet reaped still has a /proc entry; its state is Z
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            continue
        assert state == "Z", f"process {pid} still running (state {state})"


@pytest.mark.parametrize("path", course.find_notebooks(Path(__file__).resolve().parents[1] / "notebooks"),
                         ids=lambda p: p.name)
def test_every_real_parameter_survives_papermills_injection(path):
    """Each plain value of each notebook's parameters cell, passed back through --set, is
    injected as the same value (papermill writes Python for ints, floats, strings, lists, dicts)."""
    nb = nbformat.read(path, as_version=4)
    source = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    plain = {k: v for k, v in course.parameter_values(source).items()
             if not isinstance(v, course._Derived)}
    assert plain, f"{path.name}: no plain parameters"
    injected = course.set_parameters(nb, {k: repr(v) for k, v in plain.items()})
    cell = next(c for c in injected.cells if "injected-parameters" in c.metadata["tags"])
    assert course.parameter_values(cell.source) == plain
