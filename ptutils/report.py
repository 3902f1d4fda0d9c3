"""The course's results page: one HTML file built from the executed notebooks, never by hand.

For each notebook: its title, wall time against its budget, every claim with its measured value
(from the claims record `Claims.summary()` leaves in the executed notebook, the one the course
runner counts) and its headline figure (the outputs of the code cells tagged `headline`). Images are embedded, so the page is one file a teacher can hand out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim, read_record

__all__ = ["NotebookResult", "read_executed", "build_report"]

HEADLINE_TAG = "headline"


@dataclass
class NotebookResult:
    """What the page shows of one executed notebook: title, claims, headline figures as HTML."""

    name: str
    title: str
    claims: list[Claim] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


def _figure_html(output: dict) -> str | None:
    """An output of a headline cell as HTML: an embedded PNG, an HTML table, or plain text."""
    data = output.get("data", {})
    if output.get("name") == "stderr" or "application/vnd.jupyter.widget-view+json" in data:
        return None  # progress bars and warnings are not figures
    if "image/png" in data:
        png = "".join(data["image/png"]).replace("\n", "")
        return f'<img alt="figure" src="data:image/png;base64,{png}">'
    if "text/html" in data:
        return "".join(data["text/html"])
    text = "".join(output.get("text", "") or data.get("text/plain", ""))
    return f"<pre>{html.escape(text)}</pre>" if text.strip() else None


def read_executed(path: str | Path) -> NotebookResult:
    """Title, claims and headline outputs of an executed notebook."""
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    title = next((c.source.lstrip("# ").splitlines()[0] for c in nb.cells
                  if c.cell_type == "markdown" and c.source.startswith("# ")), path.stem)
    code = [c for c in nb.cells if c.cell_type == "code"]
    record = read_record(nb)  # the same record the course runner counts
    figures = [f for c in code if HEADLINE_TAG in c.metadata.get("tags", [])
               for f in map(_figure_html, c.outputs) if f]
    return NotebookResult(path.name, title, record[0] if record else [], figures)


_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 .75rem;
line-height:1.4}.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}.pass{color:#176317}
.fail{color:#a11;font-weight:600}img{max-width:100%;height:auto}section{margin-bottom:2.5rem}
nav ol{padding-left:1.5rem}#failed{border:2px solid #a11;padding:.25rem 1rem}
@media (max-width:40rem){body{font-size:15px}td,th{padding:.2rem .3rem}}"""


def _verdict(claim: Claim) -> str:
    """PASS, FAIL, or N/A for a claim measured on data it was not written for."""
    return "N/A" if not claim.applies else "PASS" if claim.passed else "FAIL"


def _table(head: str, rows: str) -> str:
    """A table that scrolls sideways on a narrow screen instead of widening the page."""
    return f"<div class='scroll'><table>{head}{rows}</table></div>"


def _seconds(run) -> str:
    """'93 s (41 normalised)': wall seconds, and normalised ones where the run has them."""
    norm = getattr(run, "normalised_s", None)
    return f"{run.seconds:.0f} s" + (f" ({norm:.0f} normalised)" if norm is not None else "")


def _norm_cell(run) -> str:
    """The normalised-seconds cell of the summary table."""
    norm = getattr(run, "normalised_s", None)
    return f"{norm:.0f} s" if norm is not None else "-"


def build_report(runs: Sequence, executed_dir: str | Path, out: str | Path,
                 speed=None) -> Path:
    """Write the results page for `runs` (course.NotebookRun) from their executed copies.

    `speed` (a speed.MachineSpeed) adds the machine's measured speed to the page.
    """
    executed_dir, out = Path(executed_dir), Path(out)
    esc = html.escape
    rows, sections, toc, failed = [], [], [], []
    for run in runs:
        nb_path = executed_dir / run.notebook
        res = read_executed(nb_path) if nb_path.exists() else NotebookResult(run.notebook, "")
        anchor = esc(run.notebook)
        n_pass = sum(c.passed or not c.applies for c in res.claims)
        rows.append(f"<tr><td><a href='#{anchor}'>{anchor}</a></td>"
                    f"<td>{run.seconds:.0f} s</td><td>{_norm_cell(run)}</td>"
                    f"<td>{run.budget_s:.0f} s</td><td>{n_pass}/{len(res.claims)}</td>"
                    f"<td>{esc(run.status)}</td>"
                    f"<td>{esc(getattr(run, 'slowest', ''))}</td></tr>")
        toc.append(f"<li><a href='#{anchor}'>{esc(res.title or run.notebook)}</a> "
                   f"({n_pass}/{len(res.claims)} claims)</li>")
        failed += [f"<li><a href='#{anchor}'>{anchor}</a>: {esc(c.name)} "
                   f"<span class='fail'>[{esc(c.measured)}]</span></li>"
                   for c in res.claims if c.applies and not c.passed]
        ordered = sorted(res.claims, key=lambda c: c.passed or not c.applies)  # failed first
        claims = "".join(f"<tr><td class='{_verdict(c).lower()}'>{_verdict(c)}</td>"
                         f"<td>{esc(c.name)}</td><td>{esc(c.measured)}</td></tr>"
                         for c in ordered)
        sections.append(
            f"<section id='{anchor}'><h2>{esc(res.title or run.notebook)}</h2>"
            f"<p>{anchor}: {esc(_seconds(run))} of a {run.budget_s:.0f} s budget "
            f"({esc(run.status)})</p>"
            + (_table("<tr><th></th><th>claim</th><th>measured</th></tr>", claims)
               if claims else "<p>No claims were recorded (the notebook did not finish).</p>")
            + "".join(f"<figure>{f}</figure>" for f in res.figures) + "</section>")
    total = sum(r.seconds for r in runs)
    failed_html = (f"<section id='failed'><h2>Claims that failed ({len(failed)})</h2>"
                   f"<ul>{''.join(failed)}</ul></section>" if failed else "")
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Course results</title><style>{_STYLE}</style></head><body>"
            f"<h1>Pre-training and fine-tuning: course results</h1>"
            f"<p>Built from the executed notebooks in {esc(str(executed_dir))}; "
            f"total wall time {total / 60:.1f} min.</p>"
            + (f"<p>This machine: {esc(speed.describe())}. Normalised seconds are wall seconds "
               f"x {speed.factor:.2f}: the time on the reference machine, the unit of the "
               f"budgets.</p>" if speed else "")
            + failed_html
            + f"<nav><h2>Contents</h2><ol>{''.join(toc)}</ol></nav>"
            + _table("<tr><th>notebook</th><th>wall</th><th>normalised</th><th>budget</th>"
                     "<th>claims</th><th>status</th><th>slowest cells [index] wall</th></tr>",
                     "".join(rows))
            + f"{''.join(sections)}</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
