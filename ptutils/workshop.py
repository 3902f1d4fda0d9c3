"""The workshop kit: learner copies of the notebooks without solutions, and instructor notes
built from the executed notebooks.

Usage:
  python -m ptutils.workshop learner [--out build/learner]   # copies without solutions
  python -m ptutils.workshop notes [--build build]           # build/instructor_notes.md
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from .course import _cell_seconds, find_notebooks

__all__ = ["SOLUTION_TAG", "strip_solutions", "learner_edition", "section_times",
           "instructor_notes", "main"]

SOLUTION_TAG = "solution"  # a code cell that answers an exercise
# An answer written in markdown: <details><summary>Solution</summary> ... </details>
_ANSWER = re.compile(r"\n?[ \t]*<details>\s*<summary>\s*(?:Solution|Answer)s?\s*</summary>"
                     r".*?</details>", flags=re.S | re.I)
_PLACEHOLDER = "# Your answer here (the learner edition leaves this exercise to you)\n"
# What each cache-building call costs a first run; pre-run them before a workshop.
_CACHES = {"word2vec_model": "the Word2Vec model (about 40 s, once)",
           "load_word2vec": "the Word2Vec model (about 40 s, once)",
           "load_smollm2": "SmolLM2 in float32 (about 20 s, once)",
           "cached_sentence_vectors": "MiniLM sentence vectors of the course's texts"}


def strip_solutions(nb):
    """The notebook without solutions: tagged code cells emptied, markdown answers cut, outputs
    cleared. Self-checks (plain asserts, 'Self-check' details) stay."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            if SOLUTION_TAG in cell.metadata.get("tags", []):
                cell.source = _PLACEHOLDER
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = _ANSWER.sub("", cell.source)
    return nb


def learner_edition(notebooks: str | Path = "notebooks", out: str | Path = "build/learner"
                    ) -> list[Path]:
    """Write a solution-free copy of every notebook into `out`; return the paths written."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in find_notebooks(notebooks):
        nb = strip_solutions(nbformat.read(path, as_version=4))
        nbformat.write(nb, out / path.name)
        written.append(out / path.name)
    return written


def section_times(nb) -> list[tuple[str, float]]:
    """(section heading, wall seconds) of an executed notebook, in order; cells before the
    first '## ' heading count as 'Setup'."""
    times: dict[str, float] = {}
    section = "Setup"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = next((ln[3:].strip() for ln in cell.source.splitlines()
                            if ln.startswith("## ")), None)
            section = heading or section
        elif (sec := _cell_seconds(cell)) is not None:
            times[section] = times.get(section, 0.0) + sec
    return list(times.items())


def _speed_factor(build: Path) -> float | None:
    """The speed factor the course command measured (build/timings/course.csv), if any."""
    path = build / "timings" / "course.csv"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as f:
        factors = [float(r["speed_factor"]) for r in csv.DictReader(f) if r.get("speed_factor")]
    return factors[0] if factors else None


def _notes_for(path: Path, factor: float | None) -> list[str]:
    """The markdown lines of one notebook's instructor notes."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    title = next((c.source.lstrip("# ").splitlines()[0] for c in nb.cells
                  if c.cell_type == "markdown" and c.source.startswith("# ")), path.stem)
    sections = section_times(nb)
    total = sum(s for _, s in sections)
    norm = (lambda s: f"{s * factor:.0f}") if factor else (lambda s: "-")
    lines = [f"## {title}", "", f"`{path.name}`: {total:.0f} s wall here, {norm(total)} "
             "normalised (seconds on the reference machine).", "",
             "| section | wall s | normalised s |", "|---|---|---|"]
    lines += [f"| {name} | {sec:.0f} | {norm(sec)} |" for name, sec in sections]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    caches = sorted({what for call, what in _CACHES.items() if call + "(" in code})
    if caches:
        lines += ["", "Before the session, run this notebook once so these are cached in "
                  "`~/.cache/ptutils`: " + "; ".join(caches) + "."]
    plan = next((c.source[c.source.index("**Workshop plan.**"):] for c in nb.cells
                 if c.cell_type == "markdown" and "**Workshop plan.**" in c.source), None)
    if plan:
        lines += ["", plan.split("\n\n")[0].replace("\n", " ")]
    return lines + [""]


def instructor_notes(build: str | Path = "build", out: str | Path | None = None) -> Path:
    """Write instructor notes (markdown) from the executed notebooks in build/executed."""
    build = Path(build)
    executed = find_notebooks(build / "executed")
    if not executed:
        raise FileNotFoundError(f"no executed notebooks in {build / 'executed'}; run the course "
                                "first: bash scripts/course.sh")
    factor = _speed_factor(build)
    lines = ["# Instructor notes", "", "Generated from the executed notebooks by "
             "`python -m ptutils.workshop notes`; times are from that run"
             + (f" (this machine ran at {factor:.2f}x the reference machine)." if factor
                else " (no speed measured: run the course command to add normalised times)."), "",
             "Hand out the results page (`build/results.html`): every claim with its measured "
             "value, each notebook's headline figure and its slowest cells.", "",
             "Learner copies without solutions: `python -m ptutils.workshop learner`.", ""]
    for path in executed:
        lines += _notes_for(path, factor)
    out = Path(out) if out else build / "instructor_notes.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    learner = sub.add_parser("learner", help="copies of the notebooks without solutions")
    learner.add_argument("--notebooks", default="notebooks")
    learner.add_argument("--out", default="build/learner")
    notes = sub.add_parser("notes", help="instructor notes from the executed notebooks")
    notes.add_argument("--build", default="build")
    args = ap.parse_args(argv)
    if args.command == "learner":
        paths = learner_edition(args.notebooks, args.out)
        print(f"{len(paths)} learner notebooks (solutions removed) in {args.out}")
    else:
        try:
            print(f"instructor notes: {instructor_notes(args.build)}")
        except FileNotFoundError as e:
            print(e, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
