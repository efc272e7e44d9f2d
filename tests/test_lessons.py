"""The course's integrity: what every lesson must have, mostly checked without running it (nbval runs it)."""

import ast
import builtins
import json
import re
import symtable
from pathlib import Path

import pytest

import widgets
from widgets.base import Explorer

from .test_exercise_checks import answers, exercise_ids, lesson_run, mentions

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_lessons_are_numbered_in_order_without_gaps():
    numbers = [int(re.match(r"(\d\d)_\w+\.ipynb$", path.name).group(1)) for path in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS)))
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_opens_with_its_goals_and_closes_with_a_summary(path):
    notebook = cells(path)
    first, last = notebook[0], notebook[-1]
    assert first["cell_type"] == "markdown"
    assert source(first).startswith(f"# {path.stem[:2]} ")
    assert "## Goals" in source(first)
    assert last["cell_type"] == "markdown" and source(last).startswith("## Summary")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_has_a_check_and_a_collapsed_solution(path):
    notebook = cells(path)
    starts = [i for i, c in enumerate(notebook) if c["cell_type"] == "markdown" and source(c).startswith("### Exercise")]
    assert 2 <= len(starts) <= 4, f"{path.name} has {len(starts)} exercises"
    headed = [i for i, c in enumerate(notebook) if c["cell_type"] == "markdown" and "### Exercise" in source(c)]
    assert headed == starts, "an exercise's heading starts a markdown cell of its own (the exercise tests find it so)"
    for start in starts:
        learner, check, solution = notebook[start + 1 : start + 4]
        assert learner["cell_type"] == "code"
        assert check["cell_type"] == "code" and source(check).startswith("# Check")
        name = called_check(source(check), path.stem[:2])
        assert solution["cell_type"] == "code" and source(solution).startswith("# Solution")
        assert solution["metadata"].get("jupyter", {}).get("source_hidden") is True
        assert called_check(source(solution), path.stem[:2], whole_cell=False) == name, "the solution runs the check"


def called_check(text, number, whole_cell=True):
    """The name of the check that the cell imports from checking.lessonNN and calls as its last statement.

    A check cell is that import and that call and nothing else; a solution cell ends with them.
    """
    statements = ast.parse(text).body
    if whole_cell:
        assert len(statements) == 2, f"a check cell is an import and a call:\n{text}"
    imported, call = statements[-2:]
    assert isinstance(imported, ast.ImportFrom) and imported.module == f"checking.lesson{number}", text
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call) and not call.value.args, text
    assert [alias.name for alias in imported.names] == [call.value.func.id], text
    return call.value.func.id


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_lesson_runs_on_the_plain_python3_kernel_with_clean_stored_outputs(path):
    notebook = json.loads(path.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = source(cell)
        assert "NBVAL_SKIP" not in text, "no cell may be skipped"
        if "NBVAL_IGNORE_OUTPUT" in text:
            lines = text.splitlines()
            assert lines[0].strip() == "# NBVAL_IGNORE_OUTPUT" and lines[1].startswith("#"), (
                "an ignored output says why in the comment after the marker"
            )
        assert cell["execution_count"] is not None, "outputs are stored"
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), text[:80]


def test_every_widget_is_used_in_at_least_one_lesson():
    # The explorers and draw_dot; Trace is the plain record they draw, used through them.
    text = "".join(source(c) for path in NOTEBOOKS for c in cells(path))
    shown = [name for name in widgets.__all__
             if isinstance(getattr(widgets, name), type) and issubclass(getattr(widgets, name), Explorer)]
    assert len(shown) >= 6
    for name in [*shown, "draw_dot"]:
        assert f"{name}(" in text, f"no lesson uses {name}"


def names_read_but_not_bound(text):
    """The names a cell reads that neither the cell itself nor Python's builtins define."""
    table = symtable.symtable(text, "<cell>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    read, tables = set(), [table]
    while tables:
        scope = tables.pop()
        tables.extend(scope.get_children())
        read |= {s.get_name() for s in scope.get_symbols()
                 if s.is_referenced() and (scope is table or s.is_global() or s.is_free())}
    return read - bound - set(dir(builtins))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_check_cell_reads_a_name_it_does_not_define(path):
    # A check cell that reads a learner's name raises NameError when run before the exercise cell;
    # the checks in lessons/checking/ look the learner's names up and say which cell to run instead.
    for cell in cells(path):
        if cell["cell_type"] == "code" and source(cell).startswith("# Check"):
            assert not names_read_but_not_bound(source(cell)), source(cell)


@pytest.mark.parametrize("stem, k", exercise_ids(), ids=lambda v: str(v))
def test_no_hint_prints_the_number_an_exercise_asks_for(stem, k):
    # Run through the real check cells (tests/test_exercise_checks.py): the placeholder, each wrong
    # answer and the check run before its exercise, against the numbers tests/learner_answers lists.
    module = answers(stem)
    runs = lesson_run(stem)
    for secret in module.SECRETS.get(k, []):
        for what in ["check before the exercise", "placeholder", *module.WRONG.get(k, {})]:
            assert not mentions(runs[k, what].stdout, secret), f"{what} shows {secret}: {runs[k, what].stdout}"
