"""Tests for ptutils.workshop: the learner edition and the instructor notes."""

import re
from pathlib import Path

import nbformat
import pytest

from ptutils import course, workshop

ROOT = Path(__file__).resolve().parents[1]


def _exercise_notebook():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 01 · Tiny\n\n**Workshop plan.** All of it in class.\n\nMore."),
        nbformat.v4.new_code_cell("x = 2\nprint(x)"),
        nbformat.v4.new_markdown_cell("## Exercises\n1. **Square it.** Set `y`.\n"
                                      "   <details><summary>Solution</summary>\n\n   y = x ** 2\n"
                                      "   </details>\n   <details><summary>Self-check</summary>\n\n"
                                      "   `assert y == 4`\n   </details>"),
        nbformat.v4.new_code_cell("y = x ** 2"),
        nbformat.v4.new_code_cell("assert y == 4  # self-check")])
    nb.cells[3].metadata["tags"] = ["solution"]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_strip_solutions_removes_answers_and_keeps_self_checks():
    nb = workshop.strip_solutions(_exercise_notebook())
    text = "\n".join(c.source for c in nb.cells)
    assert "y = x ** 2" not in text and "Solution" not in text
    assert "Self-check" in text and "assert y == 4" in text
    assert nb.cells[3].source.startswith("# Your answer here")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_learner_copy_runs_to_the_exercises_and_its_self_check_then_fails(tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = workshop.strip_solutions(_exercise_notebook())
    with pytest.raises(CellExecutionError, match="NameError"):  # y: the learner's to write
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert nb.cells[1].outputs[0]["text"] == "2\n"  # the lesson ran


def test_learner_edition_of_the_course_keeps_every_lesson_cell(tmp_path):
    written = workshop.learner_edition(ROOT / "notebooks", tmp_path)
    assert len(written) == len(course.find_notebooks(ROOT / "notebooks"))
    for path in written:
        learner = nbformat.read(path, as_version=4)
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        text = "\n".join(c.source for c in learner.cells)
        assert not re.search(r"<summary>\s*(Solution|Answer)", text, re.I), path.name
        assert not any("solution" in c.metadata.get("tags", []) and "answer here" not in c.source
                       for c in learner.cells), path.name
        # every cell before the exercises is unchanged, so the copy runs as far as CI runs them
        end = next((i for i, c in enumerate(original.cells) if c.cell_type == "markdown"
                    and c.source.startswith("## Exercises")), len(original.cells))
        assert [c.source for c in learner.cells[:end]] == [c.source for c in original.cells[:end]]


def test_instructor_notes_from_an_executed_course(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(_exercise_notebook(), nbs / "01_tiny.ipynb")
    build = tmp_path / "build"
    course.main(["--notebooks", str(nbs), "--out", str(build), "--tokens-per-s", "12500"])
    notes = workshop.instructor_notes(build).read_text(encoding="utf-8")
    assert "## 01 · Tiny" in notes and "0.50x the reference machine" in notes
    assert "| Setup |" in notes or "| Exercises |" in notes  # times per section
    assert "**Workshop plan.** All of it in class." in notes
    assert "results.html" in notes


def test_instructor_notes_without_a_run_say_what_to_do(tmp_path, capsys):
    assert workshop.main(["notes", "--build", str(tmp_path)]) == 2
    assert "run the course first" in capsys.readouterr().err
