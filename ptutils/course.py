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
from pathlib import Path

from .claims import parse_claims_line
from .report import build_report

__all__ = ["NotebookRun", "find_notebooks", "budget_seconds", "budget_status", "set_parameters",
           "run_notebook", "write_timings", "format_table", "main", "DEFAULT_BUDGET_S",
           "OVER_BUDGET_FACTOR", "CELL_TIMEOUT_S"]

DEFAULT_BUDGET_S = 240  # each notebook <= 4 min on a 2-core CPU unless its metadata says otherwise
OVER_BUDGET_FACTOR = 1.5  # slower than this x its budget fails the run (machines differ)
CELL_TIMEOUT_S = 600  # per cell; pyproject's --nbmake-timeout is the same (a test checks)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookRun:
    """One notebook's result: wall time, budget, claims passed/total, status."""

    notebook: str
    seconds: float
    budget_s: float
    claims_passed: int | None = None
    claims_total: int | None = None
    status: str = "ok"  # "ok", "over budget", "far over budget" or "failed: ..."


def find_notebooks(folder: str | Path = "notebooks") -> list[Path]:
    """Every notebook under `folder`, in course (file-name) order, checkpoints skipped."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def budget_seconds(nb_path: str | Path) -> float:
    """The notebook's time budget: metadata ptutils.budget_s, else DEFAULT_BUDGET_S."""
    meta = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("metadata", {})
    return float(meta.get("ptutils", {}).get("budget_s", DEFAULT_BUDGET_S))


def budget_status(seconds: float, budget_s: float) -> str:
    """'ok' within the budget, 'over budget' up to OVER_BUDGET_FACTOR x, else 'far over budget'."""
    if seconds <= budget_s:
        return "ok"
    return "over budget" if seconds <= OVER_BUDGET_FACTOR * budget_s else "far over budget"


def set_parameters(nb, assignments: dict[str, str]) -> None:
    """Insert `NAME = VALUE` lines after the cell tagged `parameters` (papermill's convention)."""
    params = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if not params:
        raise ValueError("the notebook has no code cell tagged 'parameters' to override")
    tree = ast.parse(nb.cells[params[0]].source)
    known = {n.id for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AnnAssign)
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
             for n in ast.walk(t) if isinstance(n, ast.Name)}  # `A, B = 1, 2` sets A and B
    lines = []
    for name, value in assignments.items():
        if name not in known:
            raise ValueError(f"{name} is not set in the parameters cell; it sets: "
                             f"{', '.join(sorted(known))}")
        try:
            ast.parse(value, mode="eval")
        except SyntaxError as e:
            raise ValueError(f"--set {name}={value}: the value is not a Python expression") from e
        lines.append(f"{name} = {value}")
    import nbformat

    cell = nbformat.v4.new_code_cell("# injected by --set\n" + "\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(params[0] + 1, cell)


def _claims_from_outputs(nb) -> tuple[int | None, int | None]:
    """The last 'CLAIMS: k/n passed' line printed by the notebook, if any."""
    text = "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream")
    return parse_claims_line(text) or (None, None)


def run_notebook(path: Path, out_dir: Path, timeout: int = CELL_TIMEOUT_S,
                 parameters: dict[str, str] | None = None) -> NotebookRun:
    """Execute one notebook in its own folder, save the executed copy, return its NotebookRun."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    if parameters:
        set_parameters(nb, parameters)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
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
    passed, total = _claims_from_outputs(nb)
    run = NotebookRun(path.name, round(seconds, 1), budget_seconds(path), passed, total, status)
    if run.status == "ok":
        run.status = budget_status(run.seconds, run.budget_s)
    return run


def write_timings(runs: list[NotebookRun], path: str | Path) -> Path:
    """Write runs as CSV (notebook, seconds, budget_s, claims, status)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(asdict(runs[0]).keys()) if runs else ["notebook"])
        w.writeheader()
        for r in runs:
            w.writerow(asdict(r))
    return path


def format_table(runs: list[NotebookRun]) -> str:
    """A plain-text table of runs with a total line."""
    lines = [f"{'notebook':<40} {'time':>8} {'budget':>7} {'claims':>7}  status"]
    for r in runs:
        claims = f"{r.claims_passed}/{r.claims_total}" if r.claims_total is not None else "-"
        lines.append(f"{r.notebook:<40} {r.seconds:>7.1f}s {r.budget_s:>6.0f}s {claims:>7}  "
                     f"{r.status}")
    lines.append(f"{'total':<40} {sum(r.seconds for r in runs):>7.1f}s")
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
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="override parameters-cell values, e.g. --set 'SEEDS=[3, 4, 5]'")
    ap.add_argument("--timeout", type=int, default=CELL_TIMEOUT_S,
                    help="per-cell timeout in seconds")
    ap.add_argument("--notebooks", default="notebooks", help="folder of notebooks")
    ap.add_argument("--out", default="build", help="build folder")
    args = ap.parse_args(argv)
    parameters = _parse_set(args.set)

    paths = find_notebooks(args.notebooks)
    if args.only:
        paths = [p for p in paths if any(p.name.startswith(o) for o in args.only)]
    if not paths:
        print(f"no notebooks found under {args.notebooks!r} (filter: {args.only})", file=sys.stderr)
        return 2
    out = Path(args.out)
    runs = []
    for p in paths:
        print(f"running {p.name} ...", flush=True)
        try:
            runs.append(run_notebook(p, out / "executed", args.timeout, parameters))
        except ValueError as e:  # a --set the notebook cannot take
            runs.append(NotebookRun(p.name, 0.0, budget_seconds(p), status=f"failed: {e}"))
        r = runs[-1]
        print(f"  {r.seconds:.1f}s, claims {r.claims_passed}/{r.claims_total}, {r.status}",
              flush=True)
    csv_path = write_timings(runs, out / "timings" / "course.csv")
    page = build_report(runs, out / "executed", out / "results.html")
    print("\n" + format_table(runs))
    print(f"\nexecuted notebooks: {out / 'executed'}; timings: {csv_path}")
    print(f"results page: {page.resolve().as_uri()}")
    ok = all(r.status in ("ok", "over budget") and r.claims_total
             and r.claims_passed == r.claims_total for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
