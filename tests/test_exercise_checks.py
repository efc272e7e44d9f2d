"""The checks themselves: every exercise's check, run as a learner runs it, against the answers learners type.

Each lesson runs once in a kernel of its own, from the top. Before anything else every check cell
runs once (a check run before its exercise must say which cell to run, never raise). Then the
lesson's cells run in order, and at each exercise the learner's cell is replaced in turn by the
stored placeholder, by each wrong answer in ``tests/learner_answers/lessonNN.py``, and by the solution,
with the real check cell run after each: the placeholder and every wrong answer must get ✗, the
solution ✓ (tests/test_lessons.py checks that no ✗ prints the number asked for). Finally the whole lesson runs a
second time in the same kernel, as a learner re-running everything does, and every solution must
still get ✓.
"""

import functools
import importlib
import re

import nbformat
import pytest

from .lesson_runner import LESSONS, LessonKernel, exercises

NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
MIN_WRONG_ANSWERS = 4


def answers(stem):
    return importlib.import_module(f"tests.learner_answers.lesson{stem[:2]}")


def exercise_ids():
    return [(path.stem, ex.number) for path in NOTEBOOKS for ex in exercises(nbformat.read(path, as_version=4))]


def wrong_answer_ids():
    return [(stem, k, name) for stem, k in exercise_ids() for name in answers(stem).WRONG.get(k, {})]


@functools.lru_cache(maxsize=None)
def lesson_run(stem):
    """Run the lesson as described above; return its cells' runs, keyed by what was run."""
    wrong = answers(stem).WRONG
    runs = {"setup": [], "second pass": []}
    with LessonKernel(LESSONS / f"{stem}.ipynb") as kernel:
        notebook = kernel.notebook
        all_exercises = exercises(notebook)
        for ex in all_exercises:
            runs[ex.number, "check before the exercise"] = kernel.run_cell(ex.check)
        at_learner_cell = {ex.learner: ex for ex in all_exercises}
        exercise_cells = {i for ex in all_exercises for i in (ex.learner, ex.check, ex.solution)}
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if i in at_learner_cell:
                ex = at_learner_cell[i]
                kernel.run_cell(ex.learner)
                runs[ex.number, "placeholder"] = kernel.run_cell(ex.check)
                for name, code in wrong.get(ex.number, {}).items():
                    kernel.run(code, ex.learner)
                    runs[ex.number, name] = kernel.run_cell(ex.check)
                runs[ex.number, "solution"] = kernel.run_cell(ex.solution)
                runs[ex.number, "check after the solution"] = kernel.run_cell(ex.check)
            elif i not in exercise_cells:
                runs["setup"].append(kernel.run_cell(i))
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                runs["second pass"].append((i, kernel.run_cell(i)))
        runs["exercises"] = all_exercises
    return runs


def mentions(text, number):
    """Whether ``text`` shows ``number`` in any of the ways a hint would print it."""
    shown = {repr(number), f"{number:g}", f"{number:.6g}", f"{number:.4g}", f"{number:.3g}", f"{number:.2f}"}
    if 0 < abs(number) <= 1:
        shown |= {f"{number:.0%}", f"{number:.1%}"}
    return any(re.search(rf"(?<![\w.]){re.escape(s)}(?![\d]|\.\d)", text) for s in shown)


@pytest.mark.parametrize("stem, k", exercise_ids(), ids=lambda v: str(v))
def test_a_check_run_before_its_exercise_says_which_cell_to_run(stem, k):
    run = lesson_run(stem)[k, "check before the exercise"]
    assert run.verdict == "✗", run
    assert "run" in run.stdout, run.stdout


@pytest.mark.parametrize("stem, k", exercise_ids(), ids=lambda v: str(v))
def test_the_placeholder_gets_not_yet(stem, k):
    run = lesson_run(stem)[k, "placeholder"]
    assert run.verdict == "✗", run


@pytest.mark.parametrize("stem, k, name", wrong_answer_ids(), ids=lambda v: str(v))
def test_a_wrong_answer_gets_not_yet(stem, k, name):
    run = lesson_run(stem)[k, name]
    assert run.verdict == "✗", f"{name}: {run}"
    assert not run.stderr, run.stderr


@pytest.mark.parametrize("stem, k", exercise_ids(), ids=lambda v: str(v))
def test_the_solution_gets_a_tick_and_keeps_it_when_the_check_runs_again(stem, k):
    runs = lesson_run(stem)
    for what in ("solution", "check after the solution"):
        assert runs[k, what].verdict == "✓", f"{what}: {runs[k, what]}"


@pytest.mark.parametrize("stem, k", exercise_ids(), ids=lambda v: str(v))
def test_each_exercise_is_tried_with_typical_wrong_answers(stem, k):
    assert len(answers(stem).WRONG.get(k, {})) >= MIN_WRONG_ANSWERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_lesson_runs_through_and_again_in_the_same_kernel(path):
    runs = lesson_run(path.stem)
    for run in runs["setup"]:
        assert not run.error, f"{run.source[:200]}\n{run.error}"
    solutions = {ex.solution for ex in runs["exercises"]}
    for i, run in runs["second pass"]:
        assert not run.error, f"cell {i} on the second run:\n{run.source[:200]}\n{run.error}"
        if i in solutions:
            assert run.verdict == "✓", f"cell {i} on the second run: {run}"
