"""Run the course: execute every notebook headless, one at a time; report wall time and claims,
and write the results page (build/results.html).

Usage: python -m ptutils.course [--only 00 01] [--set 'SEEDS=[3, 4, 5]'] [--out build]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import sys
import time
from dataclasses import asdict, dataclass
from dataclasses import fields as fields_of
from pathlib import Path

from .claims import read_record
from .report import build_report
from .speed import MachineSpeed, from_tokens_per_s
from .speed import measure as measure_speed

__all__ = ["NotebookRun", "find_notebooks", "budget_seconds", "typical_seconds", "budget_status",
           "slowest_cells", "parameter_values", "set_parameters", "run_notebook", "write_timings",
           "format_table", "judge", "main", "DEFAULT_BUDGET_S", "OVER_BUDGET_FACTOR",
           "CELL_TIMEOUT_S", "COURSE_BUDGET_S"]

# Budgets are in normalised seconds: seconds on the reference machine (ptutils.speed).
DEFAULT_BUDGET_S = 240  # each notebook unless its metadata (ptutils.budget_s) says otherwise
# The whole course, as the sum of the notebooks' budgets. The goal (issue 19) is 20 min on a
# 2-core machine at ~0.38 x the reference, i.e. ~450 normalised s; measured 2026-12-02 (two
# quiet runs, 00-10): ~730 (00-09: ~680); after the cuts (one quiet cold run): 578 (00-09: 540);
# 2026-12-03 (two quiet cold runs): 469 and 487 (00-09: 439 and 456); after the kernel stop
# and the memory reuse (three quiet cold runs): 443, 473, 427 (00-09: 414, 443, 404).
COURSE_BUDGET_S = 720
# Far over budget fails the run. Normalising by one workload (PyTorch matmuls) leaves others
# (TensorFlow, gensim's C loops, tokenizers) within about +-30 % of their own speed ratio, and a
# busy machine adds noise; a real regression (twice the steps, a cache that no longer hits) costs
# 2x or more. So 2x: wide enough for the first, narrow enough to catch the second.
OVER_BUDGET_FACTOR = 2.0
CELL_TIMEOUT_S = 600  # per cell; pyproject's --nbmake-timeout is the same (a test checks)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookRun:
    """One notebook's result: wall time, budget, claims passed/total, status."""

    notebook: str
    seconds: float  # wall seconds on this machine
    budget_s: float  # normalised seconds
    claims_passed: int | None = None
    claims_total: int | None = None
    status: str = "ok"  # "ok", "over budget", "far over budget" or "failed: ..."
    normalised_s: float | None = None  # seconds on the reference machine (None: not measured)
    slowest: str = ""  # the slowest cells, e.g. "[31] 62s, [40] 20s"


def find_notebooks(folder: str | Path = "notebooks") -> list[Path]:
    """Every notebook under `folder`, in course (file-name) order, checkpoints skipped."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def budget_seconds(nb_path: str | Path) -> float:
    """The notebook's time budget: metadata ptutils.budget_s, else DEFAULT_BUDGET_S."""
    meta = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("metadata", {})
    return float(meta.get("ptutils", {}).get("budget_s", DEFAULT_BUDGET_S))


def typical_seconds(nb_path: str | Path) -> float:
    """The notebook's measured normalised time (metadata ptutils.typical_s), else its budget."""
    meta = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("metadata", {})
    return float(meta.get("ptutils", {}).get("typical_s", budget_seconds(nb_path)))


def budget_status(normalised_s: float, budget_s: float) -> str:
    """'ok' within the budget, 'over budget' up to OVER_BUDGET_FACTOR x, else 'far over budget'.

    Pass normalised seconds (MachineSpeed.normalise), never bare wall seconds.
    """
    if normalised_s <= budget_s:
        return "ok"
    return "over budget" if normalised_s <= OVER_BUDGET_FACTOR * budget_s else "far over budget"


def judge(notebook: str, seconds: float, budget_s: float, speed: MachineSpeed | None,
          failed: str | None = None) -> NotebookRun:
    """A NotebookRun for `seconds` of wall time: normalised by `speed`, then held to the budget.

    The one rule for the course and the test run: a slow machine's longer wall time is divided
    out before the budget is applied; `failed` (a status such as "failed: ...") wins over time.
    On a GPU the notebooks scale their sizes up (their `env.is_gpu` branches), so time never
    fails a run there.
    """
    norm = round(speed.normalise(seconds), 1) if speed else None
    status = failed or budget_status(norm if norm is not None else seconds, budget_s)
    if speed and speed.device != "cpu" and status == "far over budget":
        status = "over budget (not judged on a GPU: sizes scale up)"
    return NotebookRun(notebook, round(seconds, 1), budget_s, status=status, normalised_s=norm)


def _cell_seconds(cell) -> float | None:
    """A cell's execution time from nbclient's timing metadata, or None when absent."""
    from datetime import datetime

    ex = cell.get("metadata", {}).get("execution", {})
    start, end = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
    if not (start and end):
        return None
    start, end = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (start, end))
    return (end - start).total_seconds()


def slowest_cells(nb, n: int = 3) -> list[tuple[int, float, str]]:
    """The n slowest code cells of an executed notebook: (index, seconds, section heading)."""
    timed, section = [], ""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heading = next((ln.lstrip("#").strip() for ln in cell.source.splitlines()
                            if ln.startswith("## ")), None)
            section = heading or section
        elif (sec := _cell_seconds(cell)) is not None:
            timed.append((i, sec, section[:40]))
    return sorted(timed, key=lambda t: -t[1])[:n]


def _slowest_text(nb) -> str:
    """'[31] 62s (4. Contrastive pre-training), ...': the slowest cells as one line."""
    return ", ".join(f"[{i}] {sec:.0f}s" + (f" ({sec_name})" if sec_name else "")
                     for i, sec, sec_name in slowest_cells(nb))


class _Derived:
    """Marks a parameters-cell name whose value is computed, not written as a plain value."""

    def __init__(self, expression: str):
        self.expression = expression


def parameter_values(source: str) -> dict[str, object]:
    """Name -> value of each assignment in a parameters cell's source.

    A value that is not a plain Python literal (`600 * SCALE`, a call) comes back as a
    `_Derived`: papermill's convention is that a parameters cell holds plain values only.
    """
    values: dict[str, object] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            pairs = ([(target, node.value)] if isinstance(target, ast.Name) else
                     list(zip(target.elts, node.value.elts, strict=False))
                     if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) else
                     [(n, node.value) for n in ast.walk(target) if isinstance(n, ast.Name)])
            for name, value in pairs:
                if not isinstance(name, ast.Name):
                    continue
                try:
                    values[name.id] = ast.literal_eval(value)
                except ValueError:
                    values[name.id] = _Derived(ast.unparse(value))
    return values


def _parameters_cell(nb) -> int:
    """Index of the code cell tagged `parameters`; a clear error when there is none."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    raise ValueError("the notebook has no code cell tagged 'parameters' to override")


def _plain_value(name: str, text: str, default: object) -> object:
    """`text` (from --set NAME=TEXT) as a Python value of the same kind as `default`."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as e:
        hint = f" (a string needs quotes: --set \"{name}='{text}'\")" if text.isidentifier() else ""
        raise ValueError(f"--set {name}={text}: not a plain Python value (a number, a quoted "
                         f"string, a list, a dict, True/False/None){hint}") from e
    if isinstance(value, tuple):
        raise ValueError(f"--set {name}={text}: papermill passes a tuple as a string; "
                         f"write a list: --set '{name}={list(value)!r}'")
    same_kind = (type(value) is type(default) or default is None or value is None
                 or (isinstance(default, float) and type(value) is int))
    if not same_kind:
        raise ValueError(f"--set {name}={text}: the parameters cell has {name} = {default!r} "
                         f"({type(default).__name__}), got a {type(value).__name__}")
    return value


def set_parameters(nb, assignments: dict[str, str]):
    """Inject `NAME = VALUE` after the cell tagged `parameters`, with papermill; return the nb.

    The same cell `papermill nb.ipynb out.ipynb -p NAME VALUE` injects. Only names the
    parameters cell sets, with plain values of the same kind, are accepted.
    """
    from papermill.parameterize import parameterize_notebook

    known = parameter_values(nb.cells[_parameters_cell(nb)].source)
    values = {}
    for name, text in assignments.items():
        if name not in known:
            raise ValueError(f"{name} is not set in the parameters cell; it sets: "
                             f"{', '.join(sorted(known))}")
        if isinstance(known[name], _Derived):
            raise ValueError(f"{name} is computed in the parameters cell "
                             f"({name} = {known[name].expression}), so it cannot be overridden: "
                             f"set the plain values it is computed from")
        values[name] = _plain_value(name, text, known[name])
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:  # papermill reads every cell's tags, as its own runner prepares them
        cell.metadata.setdefault("tags", [])
    return parameterize_notebook(nb, values, kernel_name="python3", language="python",
                                 comment="Parameters injected by --set (papermill)")


def _claims_from_outputs(nb) -> tuple[int | None, int | None]:
    """(passed, total) from the notebook's claims record (ptutils.claims), or (None, None)."""
    record = read_record(nb)
    return (record[1], record[2]) if record else (None, None)


def run_notebook(path: Path, out_dir: Path, timeout: int = CELL_TIMEOUT_S,
                 parameters: dict[str, str] | None = None,
                 speed: MachineSpeed | None = None) -> NotebookRun:
    """Execute one notebook in its own folder, save the executed copy, return its NotebookRun.

    With `speed`, the budget is judged on normalised seconds; without, on wall seconds.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    if parameters:
        nb = set_parameters(nb, parameters)
    # "immediate": once the last cell has run, the kernel is stopped at once instead of
    # tearing down torch and TensorFlow (1.5-2.5 s a notebook that no learner waits for)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(path.parent)}})
    start, status = time.perf_counter(), "ok"
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        last = [ln for ln in _ANSI.sub("", str(e)).strip().splitlines()
                if any(ch.isalnum() for ch in ln)]  # not the '-----' rules nbclient prints
        status = "failed: " + (last[-1][:120] if last else type(e).__name__)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    run = judge(path.name, seconds, budget_seconds(path), speed,
                None if status == "ok" else status)
    run.claims_passed, run.claims_total = _claims_from_outputs(nb)
    run.slowest = _slowest_text(nb)
    return run


def write_timings(runs: list[NotebookRun], path: str | Path,
                  speed: MachineSpeed | None = None) -> Path:
    """Write runs as CSV: wall and normalised seconds, budget, claims, status, slowest cells,
    and the machine's reference speed on every row."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = [f.name for f in fields_of(NotebookRun)] + ["machine_tokens_per_s", "speed_factor"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in runs:
            w.writerow(asdict(r) | {
                "machine_tokens_per_s": round(speed.tokens_per_s) if speed else "",
                "speed_factor": round(speed.factor, 3) if speed else ""})
    return path


def format_table(runs: list[NotebookRun], speed: MachineSpeed | None = None) -> str:
    """A plain-text table of runs (wall and normalised seconds) with a total line."""
    lines = [f"{'notebook':<36} {'wall':>8} {'normal.':>8} {'budget':>7} {'claims':>7}  status"]
    for r in runs:
        claims = f"{r.claims_passed}/{r.claims_total}" if r.claims_total is not None else "-"
        norm = f"{r.normalised_s:>7.1f}s" if r.normalised_s is not None else f"{'-':>8}"
        lines.append(f"{r.notebook:<36} {r.seconds:>7.1f}s {norm} {r.budget_s:>6.0f}s "
                     f"{claims:>7}  {r.status}")
    total_norm = (f"{sum(r.normalised_s for r in runs):>7.1f}s"
                  if runs and all(r.normalised_s is not None for r in runs) else f"{'-':>8}")
    lines.append(f"{'total':<36} {sum(r.seconds for r in runs):>7.1f}s {total_norm} "
                 f"{sum(r.budget_s for r in runs):>6.0f}s")
    if speed:
        lines.append(f"machine: {speed.describe()}; normalised = wall x {speed.factor:.2f}")
    if any(r.slowest for r in runs):
        lines.append("slowest cells (index in the executed notebook, wall seconds):")
        lines += [f"  {r.notebook:<34} {r.slowest}" for r in runs if r.slowest]
    return "\n".join(lines)


def _parse_set(items: list[str]) -> dict[str, str]:
    """['A=1', 'B=[2, 3]'] -> {'A': '1', 'B': '[2, 3]'}; a clear error for a malformed item."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier() or not value.strip():
            raise SystemExit(f"--set expects NAME=VALUE (a Python value), got {item!r}; "
                             "e.g. --set 'SEEDS=[3, 4, 5]'")
        out[name.strip()] = value.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns 0 when every notebook ran and every claim held."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", default=None,
                    help="notebook name prefixes to run, e.g. --only 00 01 (default: all)")
    ap.add_argument("--set", nargs="*", action="extend", default=[], metavar="NAME=VALUE",
                    help="override parameters-cell values, e.g. --set 'SEEDS=[3, 4, 5]' "
                         "'CV_SEED=1' (a repeated --set adds to the list)")
    ap.add_argument("--timeout", type=int, default=CELL_TIMEOUT_S,
                    help="per-cell timeout in seconds")
    ap.add_argument("--notebooks", default="notebooks", help="folder of notebooks")
    ap.add_argument("--out", default="build", help="build folder")
    ap.add_argument("--tokens-per-s", type=float, default=None,
                    help="this machine's reference speed, if already known (skips measuring it; "
                         "python -m ptutils.speed prints it)")
    args = ap.parse_args(argv)
    parameters = _parse_set(args.set)

    paths = find_notebooks(args.notebooks)
    if args.only:
        paths = [p for p in paths if any(p.name.startswith(o) for o in args.only)]
    if not paths:
        print(f"no notebooks found under {args.notebooks!r} (filter: {args.only})", file=sys.stderr)
        return 2
    out = Path(args.out)
    speed = from_tokens_per_s(args.tokens_per_s) if args.tokens_per_s else measure_speed()
    typical = sum(typical_seconds(p) for p in paths)
    print(f"this machine: {speed.describe()}")
    print(f"expect about {speed.expect(typical) / 60:.0f} min for {len(paths)} notebook(s) "
          f"({typical:.0f} normalised s; budget {sum(budget_seconds(p) for p in paths):.0f})",
          flush=True)
    runs = []
    for p in paths:
        print(f"running {p.name} ...", flush=True)
        try:
            runs.append(run_notebook(p, out / "executed", args.timeout, parameters, speed))
        except ValueError as e:  # a --set the notebook cannot take
            runs.append(NotebookRun(p.name, 0.0, budget_seconds(p), status=f"failed: {e}"))
        r = runs[-1]
        norm = f" ({r.normalised_s:.1f} normalised)" if r.normalised_s is not None else ""
        print(f"  {r.seconds:.1f}s{norm}, claims {r.claims_passed}/{r.claims_total}, {r.status}",
              flush=True)
    csv_path = write_timings(runs, out / "timings" / "course.csv", speed)
    page = build_report(runs, out / "executed", out / "results.html", speed)
    print("\n" + format_table(runs, speed))
    print(f"\nexecuted notebooks: {out / 'executed'}; timings: {csv_path}")
    print(f"results page: {page.resolve().as_uri()}")
    ok = all(not r.status.startswith(("failed", "far over")) and r.claims_total
             and r.claims_passed == r.claims_total for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
